// example.web: fetch a web page or API response and give the model readable text.
//
// A hearth tool plugin in JavaScript, built with componentize-js against the `tool`
// world of `wit/` (see README.md). `fetch()` goes out through wasi:http, so every request
// passes hearth's egress gate: only origins both requested in the manifest and granted by
// the operator are reachable; anything else fails before a connection is made.

import { log } from 'hearth:plugin/log@0.1.0';
import { htmlToText, truncate } from './text.js';

const DEFAULT_MAX_CHARS = 20000;

const PARAMETERS = {
  type: 'object',
  properties: {
    url: { type: 'string', description: 'Absolute http(s) URL to fetch' },
    max_chars: {
      type: 'integer',
      minimum: 100,
      maximum: 200000,
      description: `Cap on the text returned (default ${DEFAULT_MAX_CHARS})`,
    },
    raw: {
      type: 'boolean',
      description: 'Return the body as it is, without converting HTML to text',
    },
  },
  required: ['url'],
  additionalProperties: false,
};

// Errors cross the component boundary as the WIT `tool-error` variant.
const invalid = (message) => ({ tag: 'invalid-arguments', val: message });
const failed = (message) => ({ tag: 'failed', val: message });

function parseArgs(text) {
  let args;
  try {
    args = JSON.parse(text || '{}');
  } catch (e) {
    throw invalid(`arguments are not JSON: ${e.message}`);
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw invalid('arguments must be a JSON object');
  }
  let url;
  try {
    url = new URL(args.url);
  } catch {
    throw invalid('`url` must be an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid('only http and https URLs can be fetched');
  }
  const maxChars = args.max_chars ?? DEFAULT_MAX_CHARS;
  if (!Number.isInteger(maxChars) || maxChars < 100) {
    throw invalid('`max_chars` must be an integer of at least 100');
  }
  return { url, maxChars, raw: args.raw === true };
}

/** Fetches the URL and turns the body into text the model can read. */
async function webFetch(args) {
  const { url, maxChars, raw } = parseArgs(args);
  log('debug', `GET ${url.href}`);
  let response;
  try {
    response = await fetch(url.href, { headers: { accept: 'text/html, application/json, text/*;q=0.9, */*;q=0.5' } });
  } catch (e) {
    // The egress gate refuses a destination as a network error (HTTP-request-denied).
    throw failed(`cannot fetch ${url.href}: ${e && e.message ? e.message : e}`);
  }
  const type = response.headers.get('content-type') || '';
  let body = await response.text();
  if (!raw && type.includes('html')) {
    body = htmlToText(body);
  } else if (!raw && type.includes('json')) {
    try {
      body = JSON.stringify(JSON.parse(body), null, 2);
    } catch {
      // Not valid JSON after all: keep it as it came.
    }
  }
  const { text, truncated } = truncate(body, maxChars);
  const header = `${response.status} ${response.statusText} ${url.href} (${type || 'no content type'})`;
  return {
    content: `${header}\n\n${text}${truncated ? `\n\n[... truncated at ${maxChars} characters]` : ''}`,
    success: response.ok,
    details: JSON.stringify({ status: response.status, contentType: type, url: url.href, truncated }),
  };
}

/** The exported `tool-provider` interface of the `tool` world. */
export const toolProvider = {
  describe() {
    return [
      {
        name: 'web_fetch',
        description:
          'Fetches an http(s) URL and returns its content as text: HTML is converted to ' +
          'readable text, JSON is pretty-printed. Only hosts the operator granted are reachable.',
        parameters: JSON.stringify(PARAMETERS),
        effects: { readsFs: false, writesFs: false, network: true, exec: false },
        render: 'generic',
        parallel: true,
      },
    ];
  },

  async invoke(call) {
    if (call.name !== 'web_fetch') {
      throw invalid(`unknown tool ${call.name}`);
    }
    try {
      return await webFetch(call.arguments);
    } catch (e) {
      // Our own tool errors pass through; anything else is a bug worth reporting.
      if (e && typeof e === 'object' && 'tag' in e) throw e;
      throw failed(`web_fetch failed: ${e && e.message ? e.message : e}`);
    }
  },
};
