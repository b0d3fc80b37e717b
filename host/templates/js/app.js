// {{id}}: a hearth tool plugin in JavaScript.
//
// `{{tool}}` counts the lines, words and characters of a text and lists its most frequent
// words. Replace it with your own tool: `describe` says what the tool is (its JSON Schema
// of arguments is what the model fills in), `invoke` runs a call.
//
// The contract is the `tool` world in wit/ (a copy of hearth's wit/). Exports are plain
// objects named after the WIT interface (`tool-provider` -> `toolProvider`); imports are
// ES modules named after it (`hearth:plugin/log@0.1.0`). A `result` error is thrown as
// `{ tag: 'invalid-arguments' | 'denied' | 'failed', val: 'message' }`.

import { log } from 'hearth:plugin/log@0.1.0';

const PARAMETERS = {
  type: 'object',
  properties: {
    text: { type: 'string', description: 'The text to measure' },
    top: { type: 'integer', minimum: 0, maximum: 50, description: 'How many frequent words to list (default 5)' },
  },
  required: ['text'],
  additionalProperties: false,
};

/** The tool itself: plain JavaScript, easy to test with Node. */
export function run(args) {
  if (typeof args.text !== 'string') {
    throw { tag: 'invalid-arguments', val: '`text` must be a string' };
  }
  const top = args.top ?? 5;
  // Words: runs of letters, digits and apostrophes (any script beyond ASCII counts as letters).
  const words = args.text.toLowerCase().split(/[^a-z0-9'\u00c0-\uffff]+/).filter(Boolean);
  const counts = new Map();
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  const common = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, top);
  const lines = args.text === '' ? 0 : args.text.split('\n').length;
  let content = `${lines} lines, ${words.length} words, ${args.text.length} characters`;
  if (common.length) content += `\nmost frequent: ${common.map(([w, n]) => `${w} (${n})`).join(', ')}`;
  return { content, success: true, details: JSON.stringify({ words: words.length }) };
}

/** The exported `tool-provider` interface. */
export const toolProvider = {
  describe() {
    return [
      {
        name: '{{tool}}',
        description: 'Counts the lines, words and characters of a text and lists its most frequent words.',
        parameters: JSON.stringify(PARAMETERS),
        effects: { readsFs: false, writesFs: false, network: false, exec: false },
        render: 'generic',
        parallel: true,
      },
    ];
  },

  invoke(call) {
    let args;
    try {
      args = JSON.parse(call.arguments || '{}');
    } catch (e) {
      throw { tag: 'invalid-arguments', val: `arguments are not JSON: ${e.message}` };
    }
    log('debug', `${call.name} called`);
    try {
      return run(args);
    } catch (e) {
      if (e && typeof e === 'object' && 'tag' in e) throw e;
      // Anything else would trap the instance; report it to the model instead.
      throw { tag: 'failed', val: String(e && e.message ? e.message : e) };
    }
  },
};
