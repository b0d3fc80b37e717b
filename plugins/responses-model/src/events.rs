//! The Responses API's streamed events as model events: output items as they are added
//! and done, text, reasoning-summary and reasoning-text deltas, function calls (their
//! arguments a JSON string), usage from `response.completed`, and failures from
//! `response.failed`, `response.incomplete` and `error`. A stream that ends before
//! `response.completed` was dropped, which is retryable.

use std::collections::{HashMap, HashSet, VecDeque};

use hearth_plugin_sdk::model::{ModelError, ModelEvent, TextDelta, Usage};
use hearth_plugin_sdk::{Value, json};
use hearth_sse::errors::{error_fields, event_error};
use hearth_sse::{EventMapper, SseEvent};

/// Maps one response's events.
#[derive(Debug, Default)]
pub struct ResponsesMapper {
    /// Suffix of ids made up for items the server sent without one.
    suffix: String,
    /// Item id by output index.
    ids: HashMap<u64, String>,
    /// Items already reported done.
    done: HashSet<String>,
}

fn u64_at(value: &Value, path: &[&str]) -> u64 {
    path.iter()
        .try_fold(value, |v, key| v.get(*key))
        .and_then(Value::as_u64)
        .unwrap_or(0)
}

/// Token usage of a Responses `usage` object.
pub fn usage(u: &Value) -> Usage {
    Usage {
        input_tokens: u64_at(u, &["input_tokens"]),
        cached_input_tokens: u64_at(u, &["input_tokens_details", "cached_tokens"]),
        output_tokens: u64_at(u, &["output_tokens"]),
        reasoning_output_tokens: u64_at(u, &["output_tokens_details", "reasoning_tokens"]),
    }
}

impl ResponsesMapper {
    /// A mapper whose made-up ids end in `suffix`.
    pub fn new(suffix: impl Into<String>) -> Self {
        ResponsesMapper {
            suffix: suffix.into(),
            ..Self::default()
        }
    }

    /// The item with an id (made up from its output index when the server sent none)
    /// and, for function calls, a `call_id` and string arguments.
    fn normalize(&mut self, event: &Value, mut item: Value) -> Value {
        let index = event.get("output_index").and_then(Value::as_u64);
        let id = match item.get("id").and_then(Value::as_str) {
            Some(id) => id.to_string(),
            None => index
                .and_then(|i| self.ids.get(&i).cloned())
                .unwrap_or_else(|| {
                    format!(
                        "item_{}_{}",
                        index.unwrap_or(self.ids.len() as u64),
                        self.suffix
                    )
                }),
        };
        if let Some(i) = index {
            self.ids.insert(i, id.clone());
        }
        item["id"] = json!(id);
        if item.get("type").and_then(Value::as_str) == Some("function_call") {
            if let Some(args) = item.get("arguments").filter(|a| !a.is_string()) {
                item["arguments"] = match args {
                    Value::Null => json!(""),
                    other => json!(other.to_string()),
                };
            }
            if item.get("call_id").and_then(Value::as_str).is_none() {
                item["call_id"] = json!(id);
            }
        }
        item
    }

    /// The item id a delta belongs to.
    fn item_id(&self, event: &Value) -> String {
        if let Some(id) = event.get("item_id").and_then(Value::as_str) {
            return id.to_string();
        }
        event
            .get("output_index")
            .and_then(Value::as_u64)
            .and_then(|i| self.ids.get(&i).cloned())
            .unwrap_or_default()
    }

    /// A delta; `index_key` names the part index (none for message text).
    fn delta(&self, event: &Value, index_key: Option<&str>) -> TextDelta {
        TextDelta {
            item_id: self.item_id(event),
            index: index_key
                .and_then(|k| event.get(k))
                .and_then(Value::as_u64)
                .unwrap_or(0) as u32,
            delta: event
                .get("delta")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
        }
    }

    fn item_done(&mut self, event: &Value, item: Value, out: &mut VecDeque<ModelEvent>) {
        let item = self.normalize(event, item);
        let id = item["id"].as_str().unwrap_or_default().to_string();
        if self.done.insert(id) {
            out.push_back(ModelEvent::ItemDone(item.to_string()));
        }
    }

    fn completed(&mut self, event: &Value, out: &mut VecDeque<ModelEvent>) {
        let response = event.get("response").unwrap_or(&Value::Null);
        // Items only listed in the final response (some compatible servers) still count.
        if let Some(items) = response.get("output").and_then(Value::as_array) {
            for (i, item) in items.iter().enumerate() {
                self.item_done(&json!({"output_index": i}), item.clone(), out);
            }
        }
        if let Some(u) = response.get("usage").filter(|u| u.is_object()) {
            out.push_back(ModelEvent::Usage(usage(u)));
        }
    }
}

fn failure(value: &Value) -> ModelError {
    let (code, message) = error_fields(value).unwrap_or((
        None,
        "the response failed without an error message".to_string(),
    ));
    event_error(code.as_deref(), &message)
}

impl EventMapper for ResponsesMapper {
    fn on_event(
        &mut self,
        sse: &SseEvent,
        out: &mut VecDeque<ModelEvent>,
    ) -> Result<bool, ModelError> {
        let Ok(event) = serde_json::from_str::<Value>(&sse.data) else {
            hearth_plugin_sdk::log::debug(&format!("ignored a non-JSON event: {}", sse.data));
            return Ok(false);
        };
        let kind = event
            .get("type")
            .and_then(Value::as_str)
            .or(sse.event.as_deref())
            .unwrap_or_default();
        match kind {
            "response.output_item.added" => {
                if let Some(item) = event.get("item") {
                    let item = self.normalize(&event, item.clone());
                    out.push_back(ModelEvent::ItemAdded(item.to_string()));
                }
            }
            "response.output_text.delta" => {
                out.push_back(ModelEvent::TextDelta(self.delta(&event, None)));
            }
            "response.reasoning_summary_text.delta" => {
                out.push_back(ModelEvent::ReasoningSummaryDelta(
                    self.delta(&event, Some("summary_index")),
                ));
            }
            "response.reasoning_text.delta" => {
                out.push_back(ModelEvent::ReasoningTextDelta(
                    self.delta(&event, Some("content_index")),
                ));
            }
            "response.output_item.done" => {
                if let Some(item) = event.get("item") {
                    self.item_done(&event, item.clone(), out);
                }
            }
            "response.completed" => {
                self.completed(&event, out);
                return Ok(true);
            }
            "response.failed" => {
                let response = event.get("response").unwrap_or(&Value::Null);
                return Err(failure(response));
            }
            "response.incomplete" => {
                let reason = event
                    .pointer("/response/incomplete_details/reason")
                    .and_then(Value::as_str)
                    .unwrap_or("unknown");
                return Err(ModelError::fatal(format!(
                    "the model stopped before finishing its response (reason: {reason})"
                )));
            }
            "error" => return Err(failure(&event)),
            _ => {}
        }
        Ok(false)
    }

    fn on_eof(&mut self, _out: &mut VecDeque<ModelEvent>) -> Result<(), ModelError> {
        Err(ModelError::retryable(
            "the model provider closed the stream before response.completed",
        ))
    }
}

#[cfg(test)]
#[path = "events_tests.rs"]
mod tests;
