//! Runs the model's function calls: the policy chain judges the call, the tool plugin
//! runs in a fresh instance, and the call becomes a thread item (started, completed) plus
//! the output that goes back to the model.

use super::events::{AgentEvent, ApprovalKind, ApprovalRequest, ClientDecision, TurnSink};
use super::history::function_call_output;
use super::policy_chain::{ChainDecision, ChainVerdict, PolicyInput, decide};
use super::render::{self, Ending};
use super::services::TurnServices;
use super::stream::FunctionCall;
use crate::plugins::bindings::types::{Action, Render, ToolCall, ToolCallAction, ToolError};
use crate::plugins::{CallContext, PluginRegistry, invoke_tool};
use crate::protocol::ThreadItem;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio_util::sync::CancellationToken;

/// Id of the first-party plan tool plugin, whose calls update the turn's plan.
const PLAN_PLUGIN: &str = "hearth.plan";

/// Whether an action would leave the OS sandbox, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leave {
    /// It runs sandboxed.
    No,
    /// The model asked for it to run outside (`sandbox_permissions: "require_escalated"`).
    Requested,
    /// It ran sandboxed and the sandbox refused it.
    SandboxRefused,
}

/// What a tool call needs from its turn.
#[derive(Clone)]
pub struct ToolEnv {
    /// Loaded plugins.
    pub registry: Arc<PluginRegistry>,
    /// Operator policy plugin ids, in order.
    pub operator_policies: Arc<Vec<String>>,
    /// Operator settings per policy plugin id (passed in the policy context).
    pub policy_settings: Arc<serde_json::Map<String, Value>>,
    /// The thread's approval policy.
    pub approval_policy: String,
    /// Workspace, sandbox mode, thread and turn.
    pub call: CallContext,
    /// Where events go.
    pub sink: Arc<dyn TurnSink>,
    /// Fires on interrupt.
    pub cancel: CancellationToken,
    /// Actions the user accepted for the whole thread.
    pub session_approvals: Arc<Mutex<HashSet<String>>>,
    /// The turn's file diffs so far, for `turn/diff/updated`.
    pub turn_diff: Arc<Mutex<Vec<String>>>,
}

impl ToolEnv {
    /// Runs the policy chain on an action in this turn's context.
    pub async fn judge(&self, action: &Action) -> ChainDecision {
        self.judge_leaving_sandbox(action, Leave::No).await
    }

    /// Runs the policy chain on an action that would run outside the sandbox: because the
    /// model asked to, or because the sandbox refused it.
    pub async fn judge_leaving_sandbox(&self, action: &Action, leave: Leave) -> ChainDecision {
        let input = PolicyInput {
            approval_policy: &self.approval_policy,
            call: &self.call,
            sandbox_denied: leave == Leave::SandboxRefused,
            escalated: leave == Leave::Requested,
        };
        decide(
            &self.registry,
            &self.operator_policies,
            &self.policy_settings,
            action,
            &input,
        )
        .await
    }
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Asks the user about a whole tool call a policy wants approved (as Codex asks before an
/// MCP tool call). `acceptForSession` covers the tool for the rest of the thread, unless
/// an operator policy asked.
async fn approve_tool_call(
    env: &ToolEnv,
    action: &Action,
    call: &FunctionCall,
    reason: String,
    by_operator: bool,
) -> Result<(), String> {
    let Action::ToolCall(tool) = action else {
        return Err("not a tool call".into());
    };
    let key = format!("tool:{}:{}", tool.plugin, tool.tool);
    let remembered = || {
        env.session_approvals
            .lock()
            .map(|s| s.contains(&key))
            .unwrap_or(false)
    };
    if !by_operator && remembered() {
        return Ok(());
    }
    let request = ApprovalRequest {
        item_id: call.call_id.clone(),
        reason,
        kind: ApprovalKind::ToolCall {
            plugin: tool.plugin.clone(),
            tool: tool.tool.clone(),
            arguments: tool.arguments.clone(),
        },
    };
    match env.sink.request_approval(request).await {
        ClientDecision::Accept => Ok(()),
        ClientDecision::AcceptForSession => {
            if !by_operator && let Ok(mut s) = env.session_approvals.lock() {
                s.insert(key);
            }
            Ok(())
        }
        ClientDecision::Decline => Err("the user declined this tool call".into()),
        ClientDecision::Cancel => {
            env.cancel.cancel();
            Err("the user cancelled the turn".into())
        }
    }
}

/// Runs one function call to completion (or cancellation) and returns the history items
/// it contributes: the call and its output.
pub async fn run_call(env: &ToolEnv, call: &FunctionCall) -> Vec<Value> {
    let started = Instant::now();
    let arguments: Value =
        serde_json::from_str(&call.arguments).unwrap_or(Value::String(call.arguments.clone()));
    let found = env.registry.tool(&call.name);
    let plugin_id = found
        .as_ref()
        .map(|(p, _)| p.manifest.id.clone())
        .unwrap_or_else(|| "hearth".into());
    let render_kind = found
        .as_ref()
        .map(|(_, s)| s.render)
        .unwrap_or(Render::Generic);
    let workspace = env.call.workspace.clone().unwrap_or_default();
    let mut item = ThreadItem::new(
        call.call_id.clone(),
        render::started(render_kind, &plugin_id, &call.name, &arguments, &workspace),
    );
    item.started_at_ms = Some(now_ms());
    env.sink.emit(AgentEvent::ItemStarted(item.clone())).await;

    let (output_text, ending_kind, details) = match &found {
        None => (format!("unknown tool `{}`", call.name), Kind::Failed, None),
        Some(_) if !arguments.is_object() => (
            format!("arguments of `{}` must be a JSON object", call.name),
            Kind::Failed,
            None,
        ),
        Some((plugin, spec)) => {
            let action = Action::ToolCall(ToolCallAction {
                plugin: plugin.manifest.id.clone(),
                tool: call.name.clone(),
                effects: spec.effects,
                arguments: call.arguments.clone(),
            });
            let decision = env.judge(&action).await;
            match decision.verdict {
                ChainVerdict::Deny(reason) => (
                    format!("denied by policy ({}): {reason}", decision.rule),
                    Kind::Declined,
                    None,
                ),
                ChainVerdict::Ask(reason) => {
                    match approve_tool_call(env, &action, call, reason, decision.by_operator).await
                    {
                        Ok(()) => invoke(env, plugin, call, render_kind).await,
                        Err(why) => (why, Kind::Declined, None),
                    }
                }
                ChainVerdict::Allow => invoke(env, plugin, call, render_kind).await,
            }
        }
    };

    let duration = started.elapsed().as_millis() as i64;
    let ending = match ending_kind {
        Kind::Answered(success) => Ending::Answered {
            text: &output_text,
            success,
            details: details.as_ref(),
        },
        Kind::Declined => Ending::Declined(&output_text),
        Kind::Failed => Ending::Failed(&output_text),
    };
    render::complete(&mut item.details, ending, duration);
    item.completed_at_ms = Some(now_ms());
    if let (Some(details), Some((plugin, _))) = (&details, &found) {
        after_effects(env, &plugin.manifest.id, render_kind, details).await;
    }
    let history = vec![
        call.item.clone(),
        function_call_output(&call.call_id, &output_text),
    ];
    env.sink
        .emit(AgentEvent::ItemCompleted {
            item,
            history: history.clone(),
        })
        .await;
    history
}

enum Kind {
    Answered(bool),
    Declined,
    Failed,
}

async fn invoke(
    env: &ToolEnv,
    plugin: &crate::plugins::LoadedPlugin,
    call: &FunctionCall,
    render_kind: Render,
) -> (String, Kind, Option<Value>) {
    let tool_call = ToolCall {
        call_id: call.call_id.clone(),
        name: call.name.clone(),
        arguments: call.arguments.clone(),
        context: json!({
            "cwd": env.call.workspace,
            "thread-id": env.call.thread_id,
            "turn-id": env.call.turn_id,
            "sandbox-mode": env.call.sandbox.as_str(),
        })
        .to_string(),
    };
    // Codex's convention: a command the model wants outside the sandbox says so.
    let arguments: Value = serde_json::from_str(&call.arguments).unwrap_or_default();
    let escalation = (arguments["sandbox_permissions"] == "require_escalated").then(|| {
        arguments["justification"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    });
    let services = Arc::new(TurnServices::new(
        env.clone(),
        call.call_id.clone(),
        render_kind == Render::CommandExecution,
        escalation,
    ));
    tokio::select! {
        result = invoke_tool(&env.registry, plugin, &tool_call, &env.call, services) => match result {
            Ok(Ok(out)) => {
                let details = out.details.as_deref().and_then(|d| serde_json::from_str(d).ok());
                (out.content, Kind::Answered(out.success), details)
            }
            Ok(Err(ToolError::InvalidArguments(m))) => (format!("invalid arguments: {m}"), Kind::Failed, None),
            Ok(Err(ToolError::Denied(m))) => (m, Kind::Declined, None),
            Ok(Err(ToolError::Failed(m))) => (m, Kind::Failed, None),
            Err(call_error) => (call_error.to_string(), Kind::Failed, None),
        },
        _ = env.cancel.cancelled() => ("aborted: the turn was interrupted".into(), Kind::Failed, None),
    }
}

/// Turn-level notifications some tools imply: the plan, and the turn's diff.
async fn after_effects(env: &ToolEnv, plugin: &str, render_kind: Render, details: &Value) {
    if plugin == PLAN_PLUGIN {
        env.sink
            .emit(AgentEvent::PlanUpdated {
                explanation: details
                    .get("explanation")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                plan: details
                    .get("plan")
                    .cloned()
                    .unwrap_or(Value::Array(Vec::new())),
            })
            .await;
    }
    if render_kind == Render::FileChange {
        let changes = render::file_changes(Some(details));
        if changes.is_empty() {
            return;
        }
        let diff = {
            let mut all = env.turn_diff.lock().unwrap_or_else(|e| e.into_inner());
            all.extend(changes.into_iter().map(|c| c.diff));
            all.join("\n")
        };
        env.sink.emit(AgentEvent::DiffUpdated(diff)).await;
    }
}
