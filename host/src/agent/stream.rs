//! Consumes one model response stream: maps adapter events onto item events as they
//! arrive and collects the output items and function calls.

use super::events::{AgentEvent, TurnSink};
use super::history::{message_text, reasoning_parts};
use crate::plugins::bindings::model::hearth::plugin::model_types::{ModelError, ModelEvent};
use crate::plugins::{CallError, ModelStream};
use crate::protocol::{ThreadItem, ThreadItemDetails, TokenUsageBreakdown};
use serde_json::Value;
use std::collections::HashSet;

/// A function call the model made.
#[derive(Debug, Clone)]
pub struct FunctionCall {
    /// The model's call id.
    pub call_id: String,
    /// Tool name.
    pub name: String,
    /// Arguments (JSON text).
    pub arguments: String,
    /// The Responses `function_call` item, for history.
    pub item: Value,
}

/// What one response produced.
#[derive(Debug, Default)]
pub struct ResponseOutput {
    /// Function calls, in order.
    pub calls: Vec<FunctionCall>,
    /// Whether any item completed (a retry would repeat work the client saw).
    pub completed_items: usize,
}

/// Why a response stopped early.
#[derive(Debug)]
pub enum StreamFailure {
    /// The adapter reported a model error.
    Model(ModelError),
    /// The adapter itself failed.
    Plugin(CallError),
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Pulls every event of `stream`, emitting item events to `sink`.
pub async fn consume(
    stream: &mut ModelStream,
    sink: &dyn TurnSink,
) -> Result<ResponseOutput, (StreamFailure, ResponseOutput)> {
    let mut out = ResponseOutput::default();
    let mut started: HashSet<String> = HashSet::new();
    let mut summary_parts: HashSet<(String, u32)> = HashSet::new();
    loop {
        let event = match stream.next().await {
            Ok(Ok(Some(event))) => event,
            Ok(Ok(None)) => return Ok(out),
            Ok(Err(model_error)) => return Err((StreamFailure::Model(model_error), out)),
            Err(call_error) => return Err((StreamFailure::Plugin(call_error), out)),
        };
        match event {
            ModelEvent::ItemAdded(json) => {
                let item: Value = serde_json::from_str(&json).unwrap_or(Value::Null);
                if let Some(started_item) = start_item(&item) {
                    started.insert(started_item.id.clone());
                    sink.emit(AgentEvent::ItemStarted(started_item)).await;
                }
            }
            ModelEvent::TextDelta(d) => {
                sink.emit(AgentEvent::AgentMessageDelta {
                    item_id: d.item_id,
                    delta: d.delta,
                })
                .await;
            }
            ModelEvent::ReasoningSummaryDelta(d) => {
                if summary_parts.insert((d.item_id.clone(), d.index)) {
                    sink.emit(AgentEvent::ReasoningSummaryPartAdded {
                        item_id: d.item_id.clone(),
                        summary_index: d.index,
                    })
                    .await;
                }
                sink.emit(AgentEvent::ReasoningSummaryDelta {
                    item_id: d.item_id,
                    summary_index: d.index,
                    delta: d.delta,
                })
                .await;
            }
            ModelEvent::ReasoningTextDelta(d) => {
                sink.emit(AgentEvent::ReasoningTextDelta {
                    item_id: d.item_id,
                    content_index: d.index,
                    delta: d.delta,
                })
                .await;
            }
            ModelEvent::ItemDone(json) => {
                let item: Value = match serde_json::from_str(&json) {
                    Ok(v) => v,
                    Err(err) => {
                        tracing::warn!(%err, "model adapter sent an invalid item; ignored");
                        continue;
                    }
                };
                match item.get("type").and_then(Value::as_str) {
                    Some("function_call") => out.calls.push(FunctionCall {
                        call_id: str_of(&item, "call_id"),
                        name: str_of(&item, "name"),
                        arguments: str_of(&item, "arguments"),
                        item: item.clone(),
                    }),
                    _ => {
                        if let Some(mut done) = start_item(&item) {
                            if !started.contains(&done.id) {
                                sink.emit(AgentEvent::ItemStarted(done.clone())).await;
                            }
                            complete_details(&mut done.details, &item);
                            done.completed_at_ms = Some(now_ms());
                            out.completed_items += 1;
                            sink.emit(AgentEvent::ItemCompleted {
                                item: done,
                                history: vec![item],
                            })
                            .await;
                        }
                    }
                }
            }
            ModelEvent::Usage(u) => {
                let input = u.input_tokens as i64;
                let output = u.output_tokens as i64;
                sink.emit(AgentEvent::TokenUsage(TokenUsageBreakdown {
                    total_tokens: input + output,
                    input_tokens: input,
                    cached_input_tokens: u.cached_input_tokens as i64,
                    output_tokens: output,
                    reasoning_output_tokens: u.reasoning_output_tokens as i64,
                    ..Default::default()
                }))
                .await;
            }
        }
    }
}

fn str_of(item: &Value, key: &str) -> String {
    item.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// The in-progress thread item for a Responses output item (none for function calls).
fn start_item(item: &Value) -> Option<ThreadItem> {
    let id = item
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let details = match item.get("type").and_then(Value::as_str)? {
        "message" => ThreadItemDetails::AgentMessage {
            text: String::new(),
            phase: None,
            memory_citation: None,
        },
        "reasoning" => ThreadItemDetails::Reasoning {
            summary: Vec::new(),
            content: Vec::new(),
        },
        _ => return None,
    };
    let mut thread_item = ThreadItem::new(id, details);
    thread_item.started_at_ms = Some(now_ms());
    Some(thread_item)
}

fn complete_details(details: &mut ThreadItemDetails, item: &Value) {
    match details {
        ThreadItemDetails::AgentMessage { text, .. } => *text = message_text(item),
        ThreadItemDetails::Reasoning { summary, content } => {
            let (s, c) = reasoning_parts(item);
            *summary = s;
            *content = c;
        }
        _ => {}
    }
}
