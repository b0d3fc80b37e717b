//! One turn of the agent loop: model request, streamed items, tool calls, repeat until a
//! response has no tool calls. Retries retryable model errors with backoff and jitter
//! (honouring `retry-after`): failures before the stream starts spend the provider's
//! `request_max_retries`, failures after it (a dropped or idle stream) its
//! `stream_max_retries`. Interrupt cancels the stream (and its HTTP request) and running
//! tools.

use super::events::{AgentEvent, TurnSink};
use super::history::user_message;
use super::model_select::ModelSelection;
use super::stream::FunctionCall;
use super::stream::{StreamFailure, consume, idle_error};
use super::tools::{ToolEnv, run_call};
use crate::plugins::bindings::model::hearth::plugin::model_types::ModelRequest;
use crate::plugins::{CallContext, PluginRegistry, start_model};
use crate::protocol::{ThreadItem, ThreadItemDetails, UserInput};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// Base instructions sent with every request.
pub const INSTRUCTIONS: &str = "You are hearth, a coding agent working in the user's workspace. \
Use the tools you are given to inspect and change the workspace; every tool runs in a sandbox and \
some actions need the user's approval. Be concise and precise.";

/// How a turn ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TurnEnd {
    /// The model finished.
    Completed,
    /// `turn/interrupt` stopped it.
    Interrupted,
    /// It failed; the message says why.
    Failed(String),
}

/// Everything a turn needs.
pub struct TurnSetup {
    /// Loaded plugins.
    pub registry: Arc<PluginRegistry>,
    /// Model, adapter and credentials.
    pub selection: ModelSelection,
    /// Operator policy plugin ids.
    pub operator_policies: Arc<Vec<String>>,
    /// Operator settings per policy plugin id.
    pub policy_settings: Arc<serde_json::Map<String, Value>>,
    /// The thread's approval policy.
    pub approval_policy: String,
    /// Actions the user accepted for the whole thread.
    pub session_approvals: Arc<std::sync::Mutex<std::collections::HashSet<String>>>,
    /// Workspace, sandbox mode, thread and turn.
    pub call: CallContext,
    /// Canonical history so far, including this turn's user message.
    pub history: Vec<Value>,
    /// Fires on interrupt.
    pub cancel: CancellationToken,
    /// Input steered into the running turn.
    pub steer: mpsc::UnboundedReceiver<Vec<UserInput>>,
}

fn tools_json(registry: &PluginRegistry) -> Value {
    Value::Array(
        registry
            .plugins()
            .flat_map(|p| p.tool_specs().iter())
            .map(|s| {
                json!({
                    "type": "function",
                    "name": s.name,
                    "description": s.description,
                    "parameters": serde_json::from_str::<Value>(&s.parameters).unwrap_or(json!({"type": "object"})),
                })
            })
            .collect(),
    )
}

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

async fn steer_inputs(setup: &mut TurnSetup, sink: &dyn TurnSink) {
    while let Ok(input) = setup.steer.try_recv() {
        let message = user_message(&input);
        let mut item = ThreadItem::new(
            uuid::Uuid::now_v7().to_string(),
            ThreadItemDetails::UserMessage {
                client_id: None,
                content: input,
            },
        );
        let now = chrono::Utc::now().timestamp_millis();
        item.started_at_ms = Some(now);
        sink.emit(AgentEvent::ItemStarted(item.clone())).await;
        item.completed_at_ms = Some(now);
        sink.emit(AgentEvent::ItemCompleted {
            item,
            history: vec![message.clone()],
        })
        .await;
        setup.history.push(message);
    }
}

/// Whether a tool declares that its calls may run alongside others.
fn is_parallel(registry: &PluginRegistry, name: &str) -> bool {
    registry.tool(name).is_some_and(|(_, spec)| spec.parallel)
}

/// Runs a response's calls: consecutive calls of parallel-safe tools run concurrently, the
/// others alone; outputs go back to the model in call order.
async fn run_calls(env: &ToolEnv, calls: &[FunctionCall]) -> Vec<Value> {
    let mut history = Vec::new();
    let mut i = 0;
    while i < calls.len() && !env.cancel.is_cancelled() {
        let mut j = i + 1;
        if is_parallel(&env.registry, &calls[i].name) {
            while j < calls.len() && is_parallel(&env.registry, &calls[j].name) {
                j += 1;
            }
        }
        if j - i == 1 {
            history.extend(run_call(env, &calls[i]).await);
        } else {
            let tasks: Vec<_> = calls[i..j]
                .iter()
                .map(|call| {
                    let (env, call) = (env.clone(), call.clone());
                    tokio::spawn(async move { run_call(&env, &call).await })
                })
                .collect();
            for task in tasks {
                history.extend(task.await.unwrap_or_default());
            }
        }
        i = j;
    }
    history
}

/// Runs the turn to its end.
pub async fn run_turn(mut setup: TurnSetup, sink: Arc<dyn TurnSink>) -> TurnEnd {
    let Some(adapter) = setup.registry.get(&setup.selection.adapter) else {
        return TurnEnd::Failed(format!(
            "model adapter plugin `{}` (for provider `{}`) is not loaded",
            setup.selection.adapter, setup.selection.provider
        ));
    };
    let tools = tools_json(&setup.registry).to_string();
    let env = ToolEnv {
        registry: setup.registry.clone(),
        operator_policies: setup.operator_policies.clone(),
        policy_settings: setup.policy_settings.clone(),
        approval_policy: setup.approval_policy.clone(),
        call: setup.call.clone(),
        sink: sink.clone(),
        cancel: setup.cancel.clone(),
        session_approvals: setup.session_approvals.clone(),
        turn_diff: Arc::default(),
    };
    let mut request_attempt = 0u32;
    let mut stream_attempt = 0u32;
    loop {
        steer_inputs(&mut setup, sink.as_ref()).await;
        let request = ModelRequest {
            model: setup.selection.model.clone(),
            instructions: INSTRUCTIONS.into(),
            input: Value::Array(setup.history.clone()).to_string(),
            tools: tools.clone(),
            options: json!({
                "provider": setup.selection.provider_settings,
                "prompt-cache-key": setup.call.thread_id,
                "parallel-tool-calls": true,
            })
            .to_string(),
        };
        let selection = &setup.selection;
        let idle = selection.stream_idle_timeout;
        let start = start_model(
            &setup.registry,
            adapter.clone(),
            &request,
            &setup.call,
            selection.injected.clone(),
            selection.origins.clone(),
        );
        let started = tokio::select! {
            s = tokio::time::timeout(idle, start) => s.unwrap_or_else(|_| Ok(Err(idle_error(idle)))),
            _ = setup.cancel.cancelled() => return TurnEnd::Interrupted,
        };
        // Which budget a failure spends: the request's, or (once it streams) the stream's.
        let mut streaming = false;
        let failure = match started {
            Err(call_error) => return TurnEnd::Failed(call_error.to_string()),
            Ok(Err(model_error)) => StreamFailure::Model(model_error),
            Ok(Ok(mut stream)) => {
                streaming = true;
                let consumed = tokio::select! {
                    c = consume(&mut stream, sink.as_ref(), idle) => c,
                    _ = setup.cancel.cancelled() => return TurnEnd::Interrupted,
                };
                match consumed {
                    Ok(output) => {
                        request_attempt = 0;
                        stream_attempt = 0;
                        setup.history.extend(output.items);
                        if output.calls.is_empty() {
                            if setup.steer.is_empty() {
                                return TurnEnd::Completed;
                            }
                            continue;
                        }
                        let items = run_calls(&env, &output.calls).await;
                        setup.history.extend(items);
                        if setup.cancel.is_cancelled() {
                            return TurnEnd::Interrupted;
                        }
                        continue;
                    }
                    Err((failure, partial)) => {
                        if partial.completed_items > 0 {
                            tracing::warn!(
                                "model stream failed after {} completed items",
                                partial.completed_items
                            );
                        }
                        // The client saw them complete and the thread keeps them: the
                        // retry builds on them rather than repeating them.
                        setup.history.extend(partial.items);
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
            (&mut stream_attempt, setup.selection.stream_max_retries)
        } else {
            (&mut request_attempt, setup.selection.request_max_retries)
        };
        if !retryable || *attempt >= limit {
            let message = if *attempt > 0 {
                format!("{message} (after {attempt} retries)")
            } else {
                message
            };
            return TurnEnd::Failed(message);
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
            _ = setup.cancel.cancelled() => return TurnEnd::Interrupted,
        }
    }
}
