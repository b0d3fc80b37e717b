//! One model response, retried as the provider allows: failures before the stream starts
//! spend `request_max_retries`, failures after it (a dropped or idle stream) spend
//! `stream_max_retries`; backoff is exponential with jitter and honours `retry-after`;
//! each retry is reported as an `error` event with `will_retry`. Interrupt cancels the
//! stream, and with it the adapter's HTTP request.

use super::events::{AgentEvent, TurnSink};
use super::model_select::ModelSelection;
use super::stream::{ResponseOutput, StreamFailure, consume, idle_error};
use super::turn::TurnEnd;
use crate::plugins::bindings::model::hearth::plugin::model_types::ModelRequest;
use crate::plugins::{CallContext, LoadedPlugin, PluginRegistry, start_model};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// What every model request of a turn shares.
pub struct ModelCall {
    /// Loaded plugins.
    pub registry: Arc<PluginRegistry>,
    /// The adapter plugin.
    pub adapter: Arc<LoadedPlugin>,
    /// Model, provider settings, credentials, retry limits.
    pub selection: ModelSelection,
    /// Workspace, sandbox, thread and turn.
    pub call: CallContext,
    /// Fires on interrupt.
    pub cancel: CancellationToken,
}

impl ModelCall {
    /// The request for `input` (Responses-style items) offering `tools` (JSON array text).
    fn request(&self, instructions: &str, input: &[Value], tools: &str) -> ModelRequest {
        ModelRequest {
            model: self.selection.model.clone(),
            instructions: instructions.into(),
            input: Value::Array(input.to_vec()).to_string(),
            tools: tools.into(),
            options: json!({
                "provider": self.selection.provider_settings,
                "prompt-cache-key": self.call.thread_id,
                "parallel-tool-calls": true,
            })
            .to_string(),
        }
    }

    /// Gets one complete response to `history`, retrying as allowed. Items a failed
    /// attempt completed (the client saw them) are added to `history`, so the retry builds
    /// on them. `Err` is how the turn ends: interrupted, or failed with the last error.
    pub async fn respond(
        &self,
        instructions: &str,
        history: &mut Vec<Value>,
        tools: &str,
        sink: &dyn TurnSink,
    ) -> Result<ResponseOutput, TurnEnd> {
        let mut request_attempt = 0u32;
        let mut stream_attempt = 0u32;
        loop {
            let request = self.request(instructions, history, tools);
            let idle = self.selection.stream_idle_timeout;
            let start = start_model(
                &self.registry,
                self.adapter.clone(),
                &request,
                &self.call,
                self.selection.injected.clone(),
                self.selection.origins.clone(),
            );
            let started = tokio::select! {
                s = tokio::time::timeout(idle, start) => s.unwrap_or_else(|_| Ok(Err(idle_error(idle)))),
                _ = self.cancel.cancelled() => return Err(TurnEnd::Interrupted),
            };
            // Which budget a failure spends: the request's, or (once it streams) the stream's.
            let mut streaming = false;
            let failure = match started {
                Err(call_error) => return Err(TurnEnd::Failed(call_error.to_string())),
                Ok(Err(model_error)) => StreamFailure::Model(model_error),
                Ok(Ok(mut stream)) => {
                    streaming = true;
                    let consumed = tokio::select! {
                        c = consume(&mut stream, sink, idle) => c,
                        _ = self.cancel.cancelled() => return Err(TurnEnd::Interrupted),
                    };
                    match consumed {
                        Ok(output) => return Ok(output),
                        Err((failure, partial)) => {
                            if partial.completed_items > 0 {
                                tracing::warn!(
                                    "model stream failed after {} completed items",
                                    partial.completed_items
                                );
                            }
                            // The client saw them complete and the thread keeps them: the
                            // retry builds on them rather than repeating them.
                            history.extend(partial.items);
                            failure
                        }
                    }
                }
            };
            let (message, retryable, retry_after) = match &failure {
                StreamFailure::Model(e) => (e.message.clone(), e.retryable, e.retry_after_ms),
                StreamFailure::Plugin(e) => (e.to_string(), false, None),
            };
            let (attempt, limit) = if streaming {
                (&mut stream_attempt, self.selection.stream_max_retries)
            } else {
                (&mut request_attempt, self.selection.request_max_retries)
            };
            if !retryable || *attempt >= limit {
                let message = if *attempt > 0 {
                    format!("{message} (after {attempt} retries)")
                } else {
                    message
                };
                return Err(TurnEnd::Failed(message));
            }
            *attempt += 1;
            let attempt = *attempt;
            sink.emit(AgentEvent::Error {
                message: format!("{message}; retrying ({attempt}/{limit})"),
                will_retry: true,
            })
            .await;
            tokio::select! {
                _ = tokio::time::sleep(backoff(attempt - 1, retry_after)) => {}
                _ = self.cancel.cancelled() => return Err(TurnEnd::Interrupted),
            }
        }
    }
}

/// Delay before retry number `attempt + 1`: the server's `retry-after` when it gave one
/// (at most a minute), else 200 ms doubling per attempt (at most 10 s) plus up to 25 %.
fn backoff(attempt: u32, retry_after_ms: Option<u64>) -> Duration {
    if let Some(ms) = retry_after_ms {
        return Duration::from_millis(ms.min(60_000));
    }
    let base = 200u64.saturating_mul(1 << attempt.min(8)).min(10_000);
    let jitter = rand_jitter(base / 4);
    Duration::from_millis(base + jitter)
}

fn rand_jitter(max: u64) -> u64 {
    if max == 0 {
        return 0;
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    u64::from(nanos) % max
}
