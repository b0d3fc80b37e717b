//! Consumes one model response stream: maps adapter events onto item events as they
//! arrive and collects the output items and function calls. When a stream fails part
//! way, the items it left open are completed with what the client already saw.

use super::events::{AgentEvent, TurnSink};
use super::history::{message_text, reasoning_parts};
use crate::plugins::bindings::model::hearth::plugin::model_types::{ModelError, ModelEvent};
use crate::plugins::{CallError, ModelStream};
use crate::protocol::{ThreadItem, ThreadItemDetails, TokenUsageBreakdown};
use serde_json::Value;
use std::collections::HashSet;
use std::time::Duration;

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
    /// History items of the messages and reasoning that completed, in order (the next
    /// request of the turn carries them).
    pub items: Vec<Value>,
    /// Whether any item completed (a retry would repeat work the client saw).
    pub completed_items: usize,
    /// Input plus output tokens the provider reported for this response: about the size
    /// of the context the next request starts from.
    pub context_tokens: Option<i64>,
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

/// The error for a stream that sent nothing for `idle`: retryable, like a dropped one.
pub fn idle_error(idle: Duration) -> ModelError {
    ModelError {
        message: format!(
            "the model provider sent nothing for {} ms (stream_idle_timeout_ms)",
            idle.as_millis()
        ),
        retryable: true,
        retry_after_ms: None,
        status: None,
    }
}

/// Adds a delta to the started item it belongs to, so an item cut off by a failure can
/// be completed with the text the client already has.
fn append_delta(open: &mut [ThreadItem], item_id: &str, delta: &str, part: Option<(bool, u32)>) {
    let Some(item) = open.iter_mut().find(|i| i.id == item_id) else {
        return;
    };
    match (&mut item.details, part) {
        (ThreadItemDetails::AgentMessage { text, .. }, None) => text.push_str(delta),
        (ThreadItemDetails::Reasoning { summary, content }, Some((is_summary, index))) => {
            let parts = if is_summary { summary } else { content };
            let index = index as usize;
            if parts.len() <= index {
                parts.resize(index + 1, String::new());
            }
            parts[index].push_str(delta);
        }
        _ => {}
    }
}

/// Completes the items a failed response left open, with what was streamed of them and
/// no history: the client sees them end, the model never sees partial text.
async fn close_open(open: Vec<ThreadItem>, sink: &dyn TurnSink) {
    for mut item in open {
        item.completed_at_ms = Some(now_ms());
        sink.emit(AgentEvent::ItemCompleted {
            item,
            history: Vec::new(),
        })
        .await;
    }
}

/// Pulls every event of `stream`, emitting item events to `sink`. A stream that sends
/// nothing for `idle` fails with a retryable error.
pub async fn consume(
    stream: &mut ModelStream,
    sink: &dyn TurnSink,
    idle: Duration,
) -> Result<ResponseOutput, (StreamFailure, ResponseOutput)> {
    let mut out = ResponseOutput::default();
    let mut open: Vec<ThreadItem> = Vec::new();
    let mut summary_parts: HashSet<(String, u32)> = HashSet::new();
    loop {
        let failure = match tokio::time::timeout(idle, stream.next()).await {
            Ok(Ok(Ok(Some(event)))) => {
                handle_event(event, &mut out, &mut open, &mut summary_parts, sink).await;
                continue;
            }
            Ok(Ok(Ok(None))) => return Ok(out),
            Ok(Ok(Err(model_error))) => StreamFailure::Model(model_error),
            Ok(Err(call_error)) => StreamFailure::Plugin(call_error),
            Err(_) => StreamFailure::Model(idle_error(idle)),
        };
        close_open(open, sink).await;
        return Err((failure, out));
    }
}

async fn handle_event(
    event: ModelEvent,
    out: &mut ResponseOutput,
    open: &mut Vec<ThreadItem>,
    summary_parts: &mut HashSet<(String, u32)>,
    sink: &dyn TurnSink,
) {
    match event {
        ModelEvent::ItemAdded(json) => {
            let item: Value = serde_json::from_str(&json).unwrap_or(Value::Null);
            if let Some(started_item) = start_item(&item)
                && !open.iter().any(|i| i.id == started_item.id)
            {
                open.push(started_item.clone());
                sink.emit(AgentEvent::ItemStarted(started_item)).await;
            }
        }
        ModelEvent::TextDelta(d) => {
            append_delta(open, &d.item_id, &d.delta, None);
            sink.emit(AgentEvent::AgentMessageDelta {
                item_id: d.item_id,
                delta: d.delta,
            })
            .await;
        }
        ModelEvent::ReasoningSummaryDelta(d) => {
            append_delta(open, &d.item_id, &d.delta, Some((true, d.index)));
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
            append_delta(open, &d.item_id, &d.delta, Some((false, d.index)));
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
                    return;
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
                        match open.iter().position(|i| i.id == done.id) {
                            Some(at) => {
                                done.started_at_ms = open.remove(at).started_at_ms;
                            }
                            None => sink.emit(AgentEvent::ItemStarted(done.clone())).await,
                        }
                        complete_details(&mut done.details, &item);
                        done.completed_at_ms = Some(now_ms());
                        out.completed_items += 1;
                        out.items.push(item.clone());
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
            out.context_tokens = Some(input + output);
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
