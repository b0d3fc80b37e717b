//! Turning one scripted response into the events of a streamed response, lazily: a
//! `sleep` happens when the host pulls the event after it.

use std::collections::VecDeque;
use std::time::Duration;

use serde_json::{Value, json};

use crate::script::Event;

/// A model event, on plain types (mapped to the WIT's `model-event` by the crate root).
#[derive(Debug, Clone, PartialEq)]
pub enum Emitted {
    /// An output item started (Responses item JSON).
    ItemAdded(Value),
    /// Assistant message text.
    TextDelta {
        /// Item id.
        item_id: String,
        /// Fragment.
        delta: String,
    },
    /// Reasoning summary text (summary part `index`).
    ReasoningSummaryDelta {
        /// Item id.
        item_id: String,
        /// Summary part.
        index: u32,
        /// Fragment.
        delta: String,
    },
    /// Raw reasoning text (content part `index`).
    ReasoningTextDelta {
        /// Item id.
        item_id: String,
        /// Content part.
        index: u32,
        /// Fragment.
        delta: String,
    },
    /// An output item finished (complete Responses item JSON).
    ItemDone(Value),
    /// Token usage.
    Usage(Usage),
}

/// Token counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Input tokens.
    pub input_tokens: u64,
    /// Of which cached.
    pub cached_input_tokens: u64,
    /// Output tokens.
    pub output_tokens: u64,
    /// Of which reasoning.
    pub reasoning_output_tokens: u64,
}

/// A scripted failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Error text.
    pub message: String,
    /// Whether retrying may help.
    pub retryable: bool,
    /// HTTP status.
    pub status: Option<u16>,
    /// Requested retry delay.
    pub retry_after_ms: Option<u64>,
}

/// Plays one response. An iterator of events that ends after `usage`, or at the first
/// failure.
pub struct Player {
    events: VecDeque<Event>,
    pending: VecDeque<Emitted>,
    /// Which response of the script this is (for ids).
    response: usize,
    /// How many times this response was started before by this instance.
    attempt: u32,
    /// Text of the last user message, for `echo`.
    last_user: String,
    /// Estimated input tokens.
    input_tokens: u64,
    items: usize,
    output_chars: u64,
    reasoning_chars: u64,
    usage: Option<Usage>,
    done: bool,
}

impl Player {
    /// A player of `events`, the `response`-th response, started `attempt` times before.
    /// `input_chars` (the request's size) feeds the usage estimate.
    pub fn new(
        events: Vec<Event>,
        response: usize,
        attempt: u32,
        last_user: String,
        input_chars: usize,
    ) -> Self {
        Player {
            events: events.into(),
            pending: VecDeque::new(),
            response,
            attempt,
            last_user,
            input_tokens: tokens(input_chars as u64),
            items: 0,
            output_chars: 0,
            reasoning_chars: 0,
            usage: None,
            done: false,
        }
    }

    fn next_id(&mut self, prefix: &str) -> String {
        self.items += 1;
        format!("{prefix}_{}_{}", self.response, self.items)
    }

    /// Expands one event into `pending`; a failure ends the response.
    fn expand(&mut self, event: Event) -> Result<(), Failure> {
        match event {
            Event::Text { text, chunk } => self.message(&text, chunk),
            Event::Echo => {
                let text = self.last_user.clone();
                self.message(&text, None);
            }
            Event::Reasoning {
                summary,
                text,
                chunk,
            } => self.reasoning(&summary, text.as_deref(), chunk),
            Event::ToolCall {
                name,
                arguments,
                call_id,
            } => self.tool_call(name, arguments, call_id),
            Event::Usage {
                input_tokens,
                cached_input_tokens,
                output_tokens,
                reasoning_output_tokens,
            } => {
                self.usage = Some(Usage {
                    input_tokens,
                    cached_input_tokens,
                    output_tokens,
                    reasoning_output_tokens,
                });
            }
            Event::Sleep { ms } => std::thread::sleep(Duration::from_millis(ms)),
            Event::Error {
                message,
                retryable,
                status,
                retry_after_ms,
                times,
            } => {
                if times.is_none_or(|n| self.attempt < n) {
                    return Err(Failure {
                        message,
                        retryable,
                        status,
                        retry_after_ms,
                    });
                }
            }
        }
        Ok(())
    }

    fn message(&mut self, text: &str, chunk: Option<usize>) {
        let id = self.next_id("msg");
        self.output_chars += text.chars().count() as u64;
        self.pending.push_back(Emitted::ItemAdded(
            json!({"type": "message", "role": "assistant", "id": id, "content": []}),
        ));
        for delta in split(text, chunk) {
            self.pending.push_back(Emitted::TextDelta {
                item_id: id.clone(),
                delta,
            });
        }
        self.pending.push_back(Emitted::ItemDone(json!({
            "type": "message", "role": "assistant", "id": id,
            "content": [{"type": "output_text", "text": text}],
        })));
    }

    fn reasoning(&mut self, summary: &str, text: Option<&str>, chunk: Option<usize>) {
        let id = self.next_id("rs");
        self.reasoning_chars +=
            (summary.chars().count() + text.map_or(0, |t| t.chars().count())) as u64;
        self.pending.push_back(Emitted::ItemAdded(
            json!({"type": "reasoning", "id": id, "summary": [], "content": []}),
        ));
        for delta in split(summary, chunk) {
            self.pending.push_back(Emitted::ReasoningSummaryDelta {
                item_id: id.clone(),
                index: 0,
                delta,
            });
        }
        for delta in text.map(|t| split(t, chunk)).unwrap_or_default() {
            self.pending.push_back(Emitted::ReasoningTextDelta {
                item_id: id.clone(),
                index: 0,
                delta,
            });
        }
        let content = match text {
            Some(t) => json!([{"type": "reasoning_text", "text": t}]),
            None => json!([]),
        };
        self.pending.push_back(Emitted::ItemDone(json!({
            "type": "reasoning", "id": id,
            "summary": [{"type": "summary_text", "text": summary}],
            "content": content,
        })));
    }

    fn tool_call(&mut self, name: String, arguments: Value, call_id: Option<String>) {
        let id = self.next_id("fc");
        let call_id = call_id.unwrap_or_else(|| format!("call_{}_{}", self.response, self.items));
        let arguments = match arguments {
            Value::String(text) => text,
            Value::Null => "{}".to_string(),
            other => other.to_string(),
        };
        self.output_chars += (name.len() + arguments.len()) as u64;
        self.pending.push_back(Emitted::ItemAdded(json!({
            "type": "function_call", "id": id, "call_id": call_id, "name": name, "arguments": "",
        })));
        self.pending.push_back(Emitted::ItemDone(json!({
            "type": "function_call", "id": id, "call_id": call_id, "name": name, "arguments": arguments,
        })));
    }

    fn final_usage(&self) -> Usage {
        self.usage.unwrap_or(Usage {
            input_tokens: self.input_tokens,
            cached_input_tokens: 0,
            output_tokens: tokens(self.output_chars + self.reasoning_chars),
            reasoning_output_tokens: tokens(self.reasoning_chars)
                .min(tokens(self.output_chars + self.reasoning_chars)),
        })
    }
}

impl Iterator for Player {
    type Item = Result<Emitted, Failure>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(event) = self.pending.pop_front() {
                return Some(Ok(event));
            }
            if self.done {
                return None;
            }
            match self.events.pop_front() {
                Some(event) => {
                    if let Err(failure) = self.expand(event) {
                        self.done = true;
                        return Some(Err(failure));
                    }
                }
                None => {
                    self.done = true;
                    return Some(Ok(Emitted::Usage(self.final_usage())));
                }
            }
        }
    }
}

/// About four characters per token, at least one for non-empty text.
fn tokens(chars: u64) -> u64 {
    chars.div_ceil(4)
}

/// Splits `text` into deltas of `chunk` characters, or into words (each with the
/// whitespace that follows it) when `chunk` is absent or zero.
pub fn split(text: &str, chunk: Option<usize>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    match chunk.filter(|n| *n > 0) {
        Some(n) => {
            let chars: Vec<char> = text.chars().collect();
            out.extend(chars.chunks(n).map(|c| c.iter().collect()));
        }
        None => {
            let mut current = String::new();
            let mut prev_space = true;
            for c in text.chars() {
                if !c.is_whitespace() && prev_space && current.chars().any(|x| !x.is_whitespace()) {
                    out.push(std::mem::take(&mut current));
                }
                prev_space = c.is_whitespace();
                current.push(c);
            }
            if !current.is_empty() {
                out.push(current);
            }
        }
    }
    out
}

#[cfg(test)]
#[path = "player_tests.rs"]
mod tests;
