//! Runs the model's function calls: policy chain, then the tool plugin in a fresh
//! instance, as a thread item with its start and completion, and the output that goes
//! back to the model.

use super::events::{AgentEvent, TurnSink};
use super::history::function_call_output;
use super::policy_chain::{ChainVerdict, PolicyInput, decide};
use super::stream::FunctionCall;
use crate::plugins::bindings::types::{Action, Approval, ToolCall, ToolCallAction, ToolError};
use crate::plugins::state::{BoxFuture, CallServices, ExecCommand, ExecExit};
use crate::plugins::{CallContext, PluginRegistry, invoke_tool};
use crate::protocol::{
    McpToolCallError, McpToolCallResult, McpToolCallStatus, ThreadItem, ThreadItemDetails,
};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Instant;
use tokio_util::sync::CancellationToken;

/// What a tool call needs from its turn.
#[derive(Clone)]
pub struct ToolEnv {
    /// Loaded plugins.
    pub registry: Arc<PluginRegistry>,
    /// Operator policy plugin ids, in order.
    pub operator_policies: Arc<Vec<String>>,
    /// The thread's approval policy.
    pub approval_policy: String,
    /// Workspace, sandbox mode, thread and turn.
    pub call: CallContext,
    /// Where events go.
    pub sink: Arc<dyn TurnSink>,
    /// Fires on interrupt.
    pub cancel: CancellationToken,
}

/// Services for one running tool call: progress goes to the client, approvals run the
/// policy chain, processes are not available until the OS sandbox lands.
struct TurnServices {
    env: ToolEnv,
}

impl CallServices for TurnServices {
    fn progress(&self, _chunk: &str) -> bool {
        !self.env.cancel.is_cancelled()
    }

    fn approve(&self, action: Action) -> BoxFuture<Approval> {
        let env = self.env.clone();
        Box::pin(async move {
            let input = PolicyInput {
                approval_policy: &env.approval_policy,
                call: &env.call,
                sandbox_denied: false,
                escalated: false,
            };
            let decision = decide(&env.registry, &env.operator_policies, &action, &input).await;
            match decision.verdict {
                ChainVerdict::Allow => Approval::Approved,
                ChainVerdict::Deny(reason) => {
                    Approval::Denied(format!("{reason} (rule {})", decision.rule))
                }
                ChainVerdict::Ask(reason) => Approval::Denied(format!(
                    "approval required ({reason}), but interactive approval of plugin actions is not available yet"
                )),
            }
        })
    }

    fn exec(&self, _command: ExecCommand) -> BoxFuture<Result<ExecExit, String>> {
        Box::pin(async {
            Err(
                "running processes needs the OS sandbox, which this hearth does not provide yet"
                    .into(),
            )
        })
    }
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Runs one function call to completion (or cancellation) and returns the history items
/// it contributes: the call and its output.
pub async fn run_call(env: &ToolEnv, call: &FunctionCall) -> Vec<Value> {
    let started = Instant::now();
    let arguments: Value =
        serde_json::from_str(&call.arguments).unwrap_or(Value::String(call.arguments.clone()));
    let found = env.registry.tool(&call.name);
    let server = found
        .as_ref()
        .map(|(p, _)| p.manifest.id.clone())
        .unwrap_or_else(|| "hearth".into());
    let mut item = ThreadItem::new(
        call.call_id.clone(),
        ThreadItemDetails::McpToolCall {
            server: server.clone(),
            tool: call.name.clone(),
            status: McpToolCallStatus::InProgress,
            arguments: arguments.clone(),
            app_context: None,
            plugin_id: found.as_ref().map(|(p, _)| p.manifest.id.clone()),
            result: None,
            error: None,
            duration_ms: None,
        },
    );
    item.started_at_ms = Some(now_ms());
    env.sink.emit(AgentEvent::ItemStarted(item.clone())).await;

    let outcome: Result<(String, Option<Value>), String> = match &found {
        None => Err(format!("unknown tool `{}`", call.name)),
        Some(_) if !arguments.is_object() => Err(format!(
            "arguments of `{}` must be a JSON object",
            call.name
        )),
        Some((plugin, spec)) => {
            let action = Action::ToolCall(ToolCallAction {
                plugin: plugin.manifest.id.clone(),
                tool: call.name.clone(),
                effects: spec.effects,
                arguments: call.arguments.clone(),
            });
            let input = PolicyInput {
                approval_policy: &env.approval_policy,
                call: &env.call,
                sandbox_denied: false,
                escalated: false,
            };
            let decision = decide(&env.registry, &env.operator_policies, &action, &input).await;
            match decision.verdict {
                ChainVerdict::Deny(reason) => {
                    Err(format!("denied by policy ({}): {reason}", decision.rule))
                }
                ChainVerdict::Ask(reason) => Err(format!(
                    "approval required ({reason}); interactive approval of generic tool calls is not available yet"
                )),
                ChainVerdict::Allow => {
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
                    let services = Arc::new(TurnServices { env: env.clone() });
                    tokio::select! {
                        result = invoke_tool(&env.registry, plugin, &tool_call, &env.call, services) => match result {
                            Ok(Ok(out)) if out.success => Ok((out.content, out.details.and_then(|d| serde_json::from_str(&d).ok()))),
                            Ok(Ok(out)) => Err(out.content),
                            Ok(Err(ToolError::InvalidArguments(m))) => Err(format!("invalid arguments: {m}")),
                            Ok(Err(ToolError::Denied(m))) => Err(format!("denied: {m}")),
                            Ok(Err(ToolError::Failed(m))) => Err(m),
                            Err(call_error) => Err(call_error.to_string()),
                        },
                        _ = env.cancel.cancelled() => Err("aborted: the turn was interrupted".into()),
                    }
                }
            }
        }
    };

    let output_text = match &outcome {
        Ok((text, _)) => text.clone(),
        Err(message) => message.clone(),
    };
    if let ThreadItemDetails::McpToolCall {
        status,
        result,
        error,
        duration_ms,
        ..
    } = &mut item.details
    {
        *duration_ms = Some(started.elapsed().as_millis() as i64);
        match outcome {
            Ok((text, structured)) => {
                *status = McpToolCallStatus::Completed;
                *result = Some(McpToolCallResult {
                    content: vec![json!({"type": "text", "text": text})],
                    structured_content: structured,
                    meta: None,
                });
            }
            Err(message) => {
                *status = McpToolCallStatus::Failed;
                *error = Some(McpToolCallError { message });
            }
        }
    }
    item.completed_at_ms = Some(now_ms());
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
