//! Chat Completions chunks as model events. `choices[0].delta` carries `reasoning_content`
//! or `reasoning` (a reasoning item, as raw reasoning text), `content` (an assistant
//! message) and `tool_calls` fragments, merged by `index` into function calls reported
//! when the choice finishes. Items get ids made up here (`rs_…`, `msg_…`, `fc_…`), stable
//! for the response. Usage comes from the last chunk (`stream_options.include_usage`);
//! `[DONE]` ends the stream. A stream that ends before its choice finished was dropped,
//! which is retryable.

use std::collections::{BTreeMap, VecDeque};

use hearth_plugin_sdk::model::{ModelError, ModelEvent, TextDelta, Usage};
use hearth_plugin_sdk::{Value, json};
use hearth_sse::errors::{error_fields, event_error};
use hearth_sse::{EventMapper, SseEvent};

/// A tool call being assembled from fragments.
#[derive(Debug, Default)]
struct PendingCall {
    id: Option<String>,
    name: String,
    arguments: String,
}

/// Maps one response's chunks.
#[derive(Debug, Default)]
pub struct ChatMapper {
    suffix: String,
    /// Text of the open reasoning item.
    reasoning: Option<String>,
    /// Text of the open assistant message.
    message: Option<String>,
    /// Tool calls by index.
    calls: BTreeMap<u64, PendingCall>,
    /// The choice finished (`finish_reason`), so items are closed.
    finished: bool,
}

fn u64_at(value: &Value, pointer: &str) -> u64 {
    value.pointer(pointer).and_then(Value::as_u64).unwrap_or(0)
}

/// Token usage of a Chat Completions `usage` object.
pub fn usage(u: &Value) -> Usage {
    Usage {
        input_tokens: u64_at(u, "/prompt_tokens"),
        cached_input_tokens: u64_at(u, "/prompt_tokens_details/cached_tokens"),
        output_tokens: u64_at(u, "/completion_tokens"),
        reasoning_output_tokens: u64_at(u, "/completion_tokens_details/reasoning_tokens"),
    }
}

fn text_field<'a>(delta: &'a Value, key: &str) -> Option<&'a str> {
    delta
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

impl ChatMapper {
    /// A mapper whose item ids end in `suffix`.
    pub fn new(suffix: impl Into<String>) -> Self {
        ChatMapper {
            suffix: suffix.into(),
            ..Self::default()
        }
    }

    fn reasoning_id(&self) -> String {
        format!("rs_{}", self.suffix)
    }

    fn message_id(&self) -> String {
        format!("msg_{}", self.suffix)
    }

    fn close_reasoning(&mut self, out: &mut VecDeque<ModelEvent>) {
        if let Some(text) = self.reasoning.take() {
            let item = json!({
                "type": "reasoning",
                "id": self.reasoning_id(),
                "summary": [],
                "content": [{"type": "reasoning_text", "text": text}],
            });
            out.push_back(ModelEvent::ItemDone(item.to_string()));
        }
    }

    fn close_message(&mut self, out: &mut VecDeque<ModelEvent>) {
        if let Some(text) = self.message.take() {
            let item = json!({
                "type": "message",
                "id": self.message_id(),
                "role": "assistant",
                "status": "completed",
                "content": [{"type": "output_text", "text": text, "annotations": []}],
            });
            out.push_back(ModelEvent::ItemDone(item.to_string()));
        }
    }

    fn on_reasoning(&mut self, text: &str, out: &mut VecDeque<ModelEvent>) {
        let id = self.reasoning_id();
        let open = self.reasoning.get_or_insert_with(|| {
            let item = json!({"type": "reasoning", "id": id, "summary": [], "content": []});
            out.push_back(ModelEvent::ItemAdded(item.to_string()));
            String::new()
        });
        open.push_str(text);
        out.push_back(ModelEvent::ReasoningTextDelta(TextDelta {
            item_id: id,
            index: 0,
            delta: text.to_string(),
        }));
    }

    fn on_content(&mut self, text: &str, out: &mut VecDeque<ModelEvent>) {
        self.close_reasoning(out);
        let id = self.message_id();
        let open = self.message.get_or_insert_with(|| {
            let item = json!({"type": "message", "id": id, "role": "assistant", "status": "in_progress", "content": []});
            out.push_back(ModelEvent::ItemAdded(item.to_string()));
            String::new()
        });
        open.push_str(text);
        out.push_back(ModelEvent::TextDelta(TextDelta {
            item_id: id,
            index: 0,
            delta: text.to_string(),
        }));
    }

    fn on_tool_calls(&mut self, fragments: &[Value]) {
        for (position, fragment) in fragments.iter().enumerate() {
            let index = fragment
                .get("index")
                .and_then(Value::as_u64)
                .unwrap_or(position as u64);
            let call = self.calls.entry(index).or_default();
            if let Some(id) = text_field(fragment, "id") {
                call.id.get_or_insert_with(|| id.to_string());
            }
            let function = fragment.get("function").unwrap_or(&Value::Null);
            if let Some(name) = text_field(function, "name")
                && call.name.is_empty()
            {
                call.name = name.to_string();
            }
            match function.get("arguments") {
                Some(Value::String(part)) => call.arguments.push_str(part),
                Some(Value::Null) | None => {}
                Some(whole) => call.arguments = whole.to_string(),
            }
        }
    }

    /// Closes the open items and reports the assembled calls.
    fn finish(&mut self, out: &mut VecDeque<ModelEvent>) {
        if self.finished {
            return;
        }
        self.finished = true;
        self.close_reasoning(out);
        self.close_message(out);
        for (index, call) in std::mem::take(&mut self.calls) {
            let call_id = call
                .id
                .unwrap_or_else(|| format!("call_{}_{index}", self.suffix));
            let item = json!({
                "type": "function_call",
                "id": format!("fc_{}_{index}", self.suffix),
                "call_id": call_id,
                "name": call.name,
                "arguments": call.arguments,
            });
            out.push_back(ModelEvent::ItemDone(item.to_string()));
        }
    }
}

impl EventMapper for ChatMapper {
    fn on_event(
        &mut self,
        sse: &SseEvent,
        out: &mut VecDeque<ModelEvent>,
    ) -> Result<bool, ModelError> {
        if sse.data.trim() == "[DONE]" {
            self.finish(out);
            return Ok(true);
        }
        let Ok(chunk) = serde_json::from_str::<Value>(&sse.data) else {
            hearth_plugin_sdk::log::debug(&format!("ignored a non-JSON chunk: {}", sse.data));
            return Ok(false);
        };
        if chunk.get("error").is_some_and(|e| !e.is_null()) {
            let (code, message) = error_fields(&chunk)
                .unwrap_or((None, "the provider sent an error without a message".into()));
            return Err(event_error(code.as_deref(), &message));
        }
        let choice = chunk
            .get("choices")
            .and_then(Value::as_array)
            .and_then(|choices| {
                choices
                    .iter()
                    .find(|c| c.get("index").and_then(Value::as_u64).unwrap_or(0) == 0)
            });
        if let Some(choice) = choice {
            let delta = choice.get("delta").unwrap_or(&Value::Null);
            if let Some(text) =
                text_field(delta, "reasoning_content").or_else(|| text_field(delta, "reasoning"))
            {
                self.on_reasoning(text, out);
            }
            if let Some(text) = text_field(delta, "content") {
                self.on_content(text, out);
            }
            if let Some(Value::Array(fragments)) = delta.get("tool_calls") {
                self.close_reasoning(out);
                self.close_message(out);
                self.on_tool_calls(fragments);
            }
            if choice
                .get("finish_reason")
                .is_some_and(|reason| !reason.is_null())
            {
                self.finish(out);
            }
        }
        if let Some(u) = chunk.get("usage").filter(|u| u.is_object()) {
            out.push_back(ModelEvent::Usage(usage(u)));
        }
        Ok(false)
    }

    fn on_eof(&mut self, _out: &mut VecDeque<ModelEvent>) -> Result<(), ModelError> {
        if self.finished {
            // Some servers close without `[DONE]` after the last chunk.
            return Ok(());
        }
        Err(ModelError::retryable(
            "the model provider closed the stream before the response finished",
        ))
    }
}

#[cfg(test)]
#[path = "events_tests.rs"]
mod tests;
