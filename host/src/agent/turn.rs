//! One turn of the agent loop: model request, streamed items, tool calls, repeat until a
//! response has no tool calls. Model requests are retried as the provider allows (see
//! [`super::respond`]); the history is compacted first when it has grown past the
//! auto-compaction limit (see [`super::compact`]). Interrupt cancels the stream (and its
//! HTTP request) and running tools.

use super::compact::{CompactionSettings, approx_tokens, compact};
use super::events::{AgentEvent, TurnSink};
use super::history::user_message;
use super::model_select::ModelSelection;
use super::respond::ModelCall;
use super::stream::FunctionCall;
use super::tools::{ToolEnv, run_call};
use crate::plugins::{CallContext, PluginRegistry};
use crate::protocol::{ThreadItem, ThreadItemDetails, UserInput};
use serde_json::{Value, json};
use std::sync::Arc;
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
    /// When and how the history is compacted.
    pub compaction: CompactionSettings,
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

/// The adapter and everything its requests share, or why the turn cannot start.
fn model_call(setup: &TurnSetup) -> Result<ModelCall, TurnEnd> {
    let Some(adapter) = setup.registry.get(&setup.selection.adapter) else {
        return Err(TurnEnd::Failed(format!(
            "model adapter plugin `{}` (for provider `{}`) is not loaded",
            setup.selection.adapter, setup.selection.provider
        )));
    };
    Ok(ModelCall {
        registry: setup.registry.clone(),
        adapter,
        selection: setup.selection.clone(),
        call: setup.call.clone(),
        cancel: setup.cancel.clone(),
    })
}

/// Runs the turn to its end.
pub async fn run_turn(mut setup: TurnSetup, sink: Arc<dyn TurnSink>) -> TurnEnd {
    let model = match model_call(&setup) {
        Ok(model) => model,
        Err(end) => return end,
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
    // Tokens the provider last reported for the context (input + output); the estimate
    // from the history itself covers what was added since.
    let mut reported_tokens = 0i64;
    let mut auto_limit = setup.compaction.auto_limit;
    loop {
        steer_inputs(&mut setup, sink.as_ref()).await;
        if let Some(limit) = auto_limit
            && reported_tokens.max(approx_tokens(&setup.history)) >= limit
        {
            let prompt = setup.compaction.prompt.clone();
            if let Err(end) = compact(&model, &mut setup.history, &prompt, sink.as_ref()).await {
                return end;
            }
            reported_tokens = 0;
            if approx_tokens(&setup.history) >= limit {
                tracing::warn!(
                    limit,
                    "the compacted history is still over the auto-compaction limit; \
                     not compacting again in this turn"
                );
                auto_limit = None;
            }
        }
        let output = match model
            .respond(INSTRUCTIONS, &mut setup.history, &tools, sink.as_ref())
            .await
        {
            Ok(output) => output,
            Err(end) => return end,
        };
        if let Some(tokens) = output.context_tokens {
            reported_tokens = tokens;
        }
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
    }
}

/// Runs a compaction turn (`thread/compact/start`): one `contextCompaction` item.
pub async fn run_compaction(mut setup: TurnSetup, sink: Arc<dyn TurnSink>) -> TurnEnd {
    let model = match model_call(&setup) {
        Ok(model) => model,
        Err(end) => return end,
    };
    let prompt = setup.compaction.prompt.clone();
    match compact(&model, &mut setup.history, &prompt, sink.as_ref()).await {
        Ok(()) => TurnEnd::Completed,
        Err(end) => end,
    }
}
