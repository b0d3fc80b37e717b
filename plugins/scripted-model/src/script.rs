//! The script format: `{"responses": [[event, ...], ...]}` (see the crate documentation).

use serde::Deserialize;
use serde_json::Value;

/// One scripted event of a response.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// An assistant message, streamed in deltas of `chunk` characters (default: words).
    Text {
        /// The message text.
        text: String,
        /// Characters per delta.
        #[serde(default)]
        chunk: Option<usize>,
    },
    /// A reasoning item: a summary and optionally raw reasoning text.
    Reasoning {
        /// The reasoning summary.
        #[serde(default)]
        summary: String,
        /// The raw reasoning text.
        #[serde(default)]
        text: Option<String>,
        /// Characters per delta.
        #[serde(default)]
        chunk: Option<usize>,
    },
    /// A function call.
    ToolCall {
        /// Tool name.
        name: String,
        /// Arguments: a JSON object, or its text.
        #[serde(default)]
        arguments: Value,
        /// Call id; generated when absent.
        #[serde(default)]
        call_id: Option<String>,
    },
    /// Token usage reported for the response (replaces the computed estimate).
    Usage {
        /// Input tokens.
        #[serde(default)]
        input_tokens: u64,
        /// Of which cached.
        #[serde(default)]
        cached_input_tokens: u64,
        /// Output tokens.
        #[serde(default)]
        output_tokens: u64,
        /// Of which reasoning.
        #[serde(default)]
        reasoning_output_tokens: u64,
    },
    /// The response fails here.
    Error {
        /// Error text.
        message: String,
        /// Whether the host may retry.
        #[serde(default)]
        retryable: bool,
        /// HTTP status to report.
        #[serde(default)]
        status: Option<u16>,
        /// Retry delay to report.
        #[serde(default)]
        retry_after_ms: Option<u64>,
        /// Fail only the first `times` replays of this response by one adapter instance.
        #[serde(default)]
        times: Option<u32>,
    },
    /// Pause before the next event.
    Sleep {
        /// Milliseconds.
        ms: u64,
    },
    /// An assistant message repeating the last user message.
    Echo,
}

/// A parsed script.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Script {
    /// The responses, replayed in order.
    pub responses: Vec<Vec<Event>>,
}

impl Script {
    /// Reads a script from the provider's `script` value: a JSON object
    /// `{"responses": [...]}`, a bare array of responses, or either as JSON text.
    /// `Null` means no script.
    pub fn from_value(value: &Value) -> Result<Option<Script>, String> {
        let parsed;
        let value = match value {
            Value::Null => return Ok(None),
            Value::String(text) => {
                parsed = serde_json::from_str::<Value>(text)
                    .map_err(|e| format!("the script is not valid JSON: {e}"))?;
                &parsed
            }
            other => other,
        };
        let responses = match value {
            Value::Object(map) => map
                .get("responses")
                .ok_or("the script has no `responses` array")?,
            array @ Value::Array(_) => array,
            _ => return Err("the script must be an object with a `responses` array".to_string()),
        };
        let Value::Array(responses) = responses else {
            return Err("`responses` must be an array of arrays of events".to_string());
        };
        let responses = responses
            .iter()
            .enumerate()
            .map(|(i, response)| parse_response(i, response))
            .collect::<Result<_, _>>()?;
        Ok(Some(Script { responses }))
    }
}

fn parse_response(i: usize, response: &Value) -> Result<Vec<Event>, String> {
    let Value::Array(events) = response else {
        return Err(format!("responses[{i}] must be an array of events"));
    };
    events
        .iter()
        .enumerate()
        .map(|(j, event)| {
            Event::deserialize(event).map_err(|e| format!("responses[{i}][{j}]: {e}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_every_event() {
        let script = json!({"responses": [[
            {"type": "text", "text": "hi", "chunk": 1},
            {"type": "reasoning", "summary": "s"},
            {"type": "tool_call", "name": "read_file", "arguments": {"file_path": "a"}},
            {"type": "usage", "input_tokens": 3, "output_tokens": 4},
            {"type": "error", "message": "boom", "retryable": true, "status": 503},
            {"type": "sleep", "ms": 5},
            {"type": "echo"}
        ]]});
        let parsed = Script::from_value(&script).unwrap().unwrap();
        assert_eq!(parsed.responses[0].len(), 7);
        assert_eq!(parsed.responses[0][6], Event::Echo);
        let as_text = Value::String(script.to_string());
        assert_eq!(Script::from_value(&as_text).unwrap().unwrap(), parsed);
    }

    #[test]
    fn errors_name_the_event() {
        let bad = json!({"responses": [[{"type": "text", "text": "ok"}], [{"type": "txt"}]]});
        let err = Script::from_value(&bad).unwrap_err();
        assert!(
            err.starts_with("responses[1][0]: unknown variant `txt`"),
            "{err}"
        );
        assert!(Script::from_value(&json!({"x": 1})).is_err());
        assert!(Script::from_value(&json!("{")).is_err());
        assert_eq!(Script::from_value(&Value::Null).unwrap(), None);
        assert_eq!(
            Script::from_value(&json!([]))
                .unwrap()
                .unwrap()
                .responses
                .len(),
            0
        );
    }
}
