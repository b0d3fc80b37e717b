//! The sink of a running turn: turns agent events into notifications for the thread's
//! subscribers and durable records in its log, and asks the user for approvals.

use super::app::{App, LiveThread};
use super::persist::{Record, apply_to};
use super::turns::persist;
use crate::agent::events::{ApprovalKind, ApprovalRequest, ClientDecision};
use crate::agent::{AgentEvent, TurnSink};
use crate::plugins::state::BoxFuture;
use crate::protocol::*;
use serde_json::{Value, json};
use std::sync::Arc;

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Delivers a turn's events to subscribers and the thread log.
pub struct ThreadSink {
    /// The server.
    pub app: Arc<App>,
    /// The thread the turn runs on.
    pub thread: Arc<LiveThread>,
    /// The turn.
    pub turn_id: String,
}

impl ThreadSink {
    fn delta(&self, item_id: String, delta: String) -> ItemDeltaNotification {
        ItemDeltaNotification {
            thread_id: self.thread.id.clone(),
            turn_id: self.turn_id.clone(),
            item_id,
            delta,
        }
    }

    /// Writes a record to the thread's log (durable when this returns), then applies it
    /// to the live thread the same way a load would.
    async fn record(&self, record: Record) {
        persist(&self.app, &self.thread, vec![record.clone()]).await;
        apply_to(&mut self.thread.lock(), record);
    }

    async fn deliver(&self, event: AgentEvent) {
        let thread_id = self.thread.id.clone();
        let turn_id = self.turn_id.clone();
        let notification = match event {
            AgentEvent::ItemStarted(item) => {
                ServerNotification::ItemStarted(ItemStartedNotification {
                    started_at_ms: item.started_at_ms.unwrap_or_else(now_ms),
                    item,
                    thread_id,
                    turn_id,
                })
            }
            AgentEvent::AgentMessageDelta { item_id, delta } => {
                ServerNotification::AgentMessageDelta(self.delta(item_id, delta))
            }
            AgentEvent::CommandOutputDelta { item_id, delta } => {
                ServerNotification::CommandExecutionOutputDelta(self.delta(item_id, delta))
            }
            AgentEvent::ReasoningSummaryPartAdded {
                item_id,
                summary_index,
            } => ServerNotification::ReasoningSummaryPartAdded(
                ReasoningSummaryPartAddedNotification {
                    thread_id,
                    turn_id,
                    item_id,
                    summary_index: summary_index.into(),
                },
            ),
            AgentEvent::ReasoningSummaryDelta {
                item_id,
                summary_index,
                delta,
            } => ServerNotification::ReasoningSummaryTextDelta(
                ReasoningSummaryTextDeltaNotification {
                    thread_id,
                    turn_id,
                    item_id,
                    delta,
                    summary_index: summary_index.into(),
                },
            ),
            AgentEvent::ReasoningTextDelta {
                item_id,
                content_index,
                delta,
            } => ServerNotification::ReasoningTextDelta(ReasoningTextDeltaNotification {
                thread_id,
                turn_id,
                item_id,
                delta,
                content_index: content_index.into(),
            }),
            AgentEvent::Compacted { item, history } => {
                let completed_at_ms = item.completed_at_ms.unwrap_or_else(now_ms);
                self.record(Record::Compacted {
                    turn_id: turn_id.clone(),
                    item: item.clone(),
                    history,
                })
                .await;
                ServerNotification::ItemCompleted(ItemCompletedNotification {
                    completed_at_ms,
                    item,
                    thread_id,
                    turn_id,
                    content_token_count: None,
                })
            }
            AgentEvent::ItemCompleted { item, history } => {
                let completed_at_ms = item.completed_at_ms.unwrap_or_else(now_ms);
                self.record(Record::ItemCompleted {
                    turn_id: turn_id.clone(),
                    item: item.clone(),
                    history,
                })
                .await;
                ServerNotification::ItemCompleted(ItemCompletedNotification {
                    completed_at_ms,
                    item,
                    thread_id,
                    turn_id,
                    content_token_count: None,
                })
            }
            AgentEvent::TokenUsage(last) => {
                let total = {
                    let mut inner = self.thread.lock();
                    let t = &mut inner.usage_total;
                    t.total_tokens += last.total_tokens;
                    t.input_tokens += last.input_tokens;
                    t.cached_input_tokens += last.cached_input_tokens;
                    t.output_tokens += last.output_tokens;
                    t.reasoning_output_tokens += last.reasoning_output_tokens;
                    *t
                };
                ServerNotification::ThreadTokenUsageUpdated(ThreadTokenUsageUpdatedNotification {
                    thread_id,
                    turn_id,
                    token_usage: ThreadTokenUsage {
                        total,
                        last,
                        model_context_window: self.app.config.model_context_window,
                    },
                })
            }
            AgentEvent::PlanUpdated { explanation, plan } => {
                ServerNotification::TurnPlanUpdated(TurnPlanUpdatedNotification {
                    thread_id,
                    turn_id,
                    explanation,
                    plan: plan_steps(plan),
                })
            }
            AgentEvent::DiffUpdated(diff) => {
                ServerNotification::TurnDiffUpdated(TurnDiffUpdatedNotification {
                    thread_id,
                    turn_id,
                    diff,
                })
            }
            AgentEvent::Error {
                message,
                will_retry,
            } => ServerNotification::Error(ErrorNotification {
                error: TurnError::new(message),
                will_retry,
                thread_id,
                turn_id,
            }),
        };
        self.thread.broadcast(notification).await;
    }
}

impl ThreadSink {
    fn clone_sink(&self) -> ThreadSink {
        ThreadSink {
            app: self.app.clone(),
            thread: self.thread.clone(),
            turn_id: self.turn_id.clone(),
        }
    }

    /// Sends an approval request to the first subscribed client and waits for its answer;
    /// the thread shows `waitingOnApproval` meanwhile. No client, or one that goes away,
    /// counts as decline.
    async fn ask(&self, request: ApprovalRequest) -> ClientDecision {
        let Some(client) = self.thread.subscribers().into_iter().next() else {
            return ClientDecision::Decline;
        };
        let base = (
            self.thread.id.clone(),
            self.turn_id.clone(),
            request.item_id.clone(),
            now_ms(),
        );
        let is_tool_call = matches!(request.kind, ApprovalKind::ToolCall { .. });
        let server_request = match request.kind {
            ApprovalKind::ToolCall {
                plugin,
                tool,
                arguments,
            } => ServerRequest::ToolCallApproval(ToolCallApprovalParams {
                thread_id: base.0,
                turn_id: Some(base.1),
                message: format!(
                    "Allow the tool `{tool}` of {plugin} to run with {}? ({})",
                    shorten(&arguments, 400),
                    request.reason
                ),
                server_name: plugin,
                mode: "form".into(),
                requested_schema: json!({"type": "object", "properties": {}}),
                meta: json!({"codex_approval_kind": "mcp_tool_call", "persist": ["session"]}),
            }),
            ApprovalKind::Exec { command, cwd } => {
                ServerRequest::CommandExecutionApproval(CommandExecutionRequestApprovalParams {
                    thread_id: base.0,
                    turn_id: base.1,
                    item_id: base.2,
                    started_at_ms: base.3,
                    command: Some(command),
                    cwd: Some(cwd),
                    reason: Some(request.reason),
                    command_actions: None,
                    proposed_execpolicy_amendment: None,
                    network_approval_context: None,
                    proposed_network_policy_amendments: None,
                })
            }
            ApprovalKind::FileChange => {
                ServerRequest::FileChangeApproval(FileChangeRequestApprovalParams {
                    thread_id: base.0,
                    turn_id: base.1,
                    item_id: base.2,
                    started_at_ms: base.3,
                    reason: Some(request.reason),
                    grant_root: None,
                })
            }
        };
        self.thread
            .set_status(ThreadStatus::Active {
                active_flags: vec![ThreadActiveFlag::WaitingOnApproval],
            })
            .await;
        let pending = client
            .handle
            .start_request(server_request.method(), server_request.params())
            .await;
        let (decision, request_id) = match pending {
            Ok(pending) => {
                let id = pending.id().clone();
                let answer = pending.await;
                (
                    answer
                        .map(|v| {
                            if is_tool_call {
                                parse_elicitation(&v)
                            } else {
                                parse_decision(&v)
                            }
                        })
                        .unwrap_or(ClientDecision::Decline),
                    Some(id),
                )
            }
            Err(_) => (ClientDecision::Decline, None),
        };
        if let Some(request_id) = request_id {
            self.thread
                .broadcast(ServerNotification::ServerRequestResolved(
                    ServerRequestResolvedNotification {
                        thread_id: self.thread.id.clone(),
                        request_id,
                    },
                ))
                .await;
        }
        self.thread
            .set_status(ThreadStatus::Active {
                active_flags: Vec::new(),
            })
            .await;
        decision
    }
}

/// Plan steps from `update_plan` details (`in_progress` becomes the wire's `inProgress`).
fn plan_steps(plan: Value) -> Vec<TurnPlanStep> {
    let steps = plan.as_array().cloned().unwrap_or_default();
    steps
        .into_iter()
        .filter_map(|mut step| {
            if let Some(status) = step.get_mut("status")
                && status == "in_progress"
            {
                *status = Value::String("inProgress".into());
            }
            serde_json::from_value(step).ok()
        })
        .collect()
}

/// Reads a client's answer to a tool-call elicitation (`{"action": ...}`, with
/// `_meta.persist = "session"` for the rest of the thread); anything unknown declines.
fn parse_elicitation(value: &Value) -> ClientDecision {
    let persist = &value["_meta"]["persist"];
    let for_session = persist == "session" || persist == "always";
    match value["action"].as_str() {
        Some("accept") if for_session => ClientDecision::AcceptForSession,
        Some("accept") => ClientDecision::Accept,
        Some("cancel") => ClientDecision::Cancel,
        _ => ClientDecision::Decline,
    }
}

/// At most `max` characters of `text`, with `…` when cut.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// Reads a client's approval answer (`{"decision": ...}`); anything unknown declines.
fn parse_decision(value: &Value) -> ClientDecision {
    match &value["decision"] {
        Value::String(s) => match s.as_str() {
            "accept" => ClientDecision::Accept,
            "acceptForSession" => ClientDecision::AcceptForSession,
            "cancel" => ClientDecision::Cancel,
            _ => ClientDecision::Decline,
        },
        Value::Object(o) if o.contains_key("acceptWithExecpolicyAmendment") => {
            ClientDecision::Accept
        }
        _ => ClientDecision::Decline,
    }
}

impl TurnSink for ThreadSink {
    fn emit(&self, event: AgentEvent) -> BoxFuture<()> {
        let sink = self.clone_sink();
        Box::pin(async move { sink.deliver(event).await })
    }

    fn request_approval(&self, request: ApprovalRequest) -> BoxFuture<ClientDecision> {
        let sink = self.clone_sink();
        Box::pin(async move { sink.ask(request).await })
    }
}
