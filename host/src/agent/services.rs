//! What a running tool call gets from its turn: progress to the client, approvals through
//! the policy chain (and the user when a policy asks), and processes in the OS sandbox.

use super::events::{AgentEvent, ApprovalKind, ApprovalRequest, ClientDecision};
use super::exec::{ExecContext, resolve_cwd, run};
use super::policy_chain::ChainVerdict;
use super::tools::ToolEnv;
use crate::plugins::action_json::action_to_json;
use crate::plugins::bindings::types::{Action, Approval, CommandAction};
use crate::plugins::state::{BoxFuture, CallServices, ExecCommand, ExecExit};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

/// Services for one tool call.
#[derive(Clone)]
pub struct TurnServices {
    env: ToolEnv,
    call_id: String,
    /// Actions approved during this call, so `exec` after `approval` does not ask twice.
    approved: Arc<Mutex<HashSet<String>>>,
    /// Progress chunks, forwarded in order by one task.
    progress: tokio::sync::mpsc::UnboundedSender<String>,
}

/// Joins argv into one display string, quoting where a shell would need it.
pub fn display_command(argv: &[String]) -> String {
    argv.iter()
        .map(|a| {
            if !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c))
            {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The key under which `acceptForSession` remembers an action.
fn session_key(action: &Action) -> String {
    match action {
        Action::Exec(CommandAction { argv, cwd, .. }) => {
            format!("exec:{cwd}:{}", serde_json::json!(argv))
        }
        other => action_to_json(other).to_string(),
    }
}

impl TurnServices {
    /// Services for call `call_id`; `streams_output` sends progress as command output.
    pub fn new(env: ToolEnv, call_id: String, streams_output: bool) -> Self {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
        let sink = env.sink.clone();
        let item_id = call_id.clone();
        tokio::spawn(async move {
            while let Some(delta) = rx.recv().await {
                if streams_output {
                    sink.emit(AgentEvent::CommandOutputDelta {
                        item_id: item_id.clone(),
                        delta,
                    })
                    .await;
                }
            }
        });
        TurnServices {
            env,
            call_id,
            approved: Arc::default(),
            progress: tx,
        }
    }

    async fn approve_action(&self, action: Action) -> Approval {
        let env = &self.env;
        let decision = env.judge(&action).await;
        let reason = match decision.verdict {
            ChainVerdict::Allow => return Approval::Approved,
            ChainVerdict::Deny(reason) => {
                return Approval::Denied(format!("{reason} (rule {})", decision.rule));
            }
            ChainVerdict::Ask(reason) => reason,
        };
        let key = session_key(&action);
        if self
            .approved
            .lock()
            .map(|s| s.contains(&key))
            .unwrap_or(false)
        {
            return Approval::Approved;
        }
        if !decision.by_operator
            && env
                .session_approvals
                .lock()
                .map(|s| s.contains(&key))
                .unwrap_or(false)
        {
            return Approval::Approved;
        }
        let kind = match &action {
            Action::Exec(c) => {
                let cwd = env
                    .call
                    .workspace
                    .as_deref()
                    .map(|ws| {
                        resolve_cwd(ws, &c.cwd)
                            .unwrap_or_else(|_| ws.to_path_buf())
                            .display()
                            .to_string()
                    })
                    .unwrap_or_default();
                ApprovalKind::Exec {
                    command: display_command(&c.argv),
                    cwd,
                }
            }
            _ => ApprovalKind::FileChange,
        };
        let request = ApprovalRequest {
            item_id: self.call_id.clone(),
            reason: reason.clone(),
            kind,
        };
        let answer = env.sink.request_approval(request).await;
        if matches!(
            answer,
            ClientDecision::Accept | ClientDecision::AcceptForSession
        ) && let Ok(mut approved) = self.approved.lock()
        {
            approved.insert(key.clone());
        }
        match answer {
            ClientDecision::Accept => Approval::Approved,
            ClientDecision::AcceptForSession => {
                if !decision.by_operator
                    && let Ok(mut s) = env.session_approvals.lock()
                {
                    s.insert(key);
                }
                Approval::Approved
            }
            ClientDecision::Decline => Approval::Denied("the user declined".into()),
            ClientDecision::Cancel => {
                env.cancel.cancel();
                Approval::Denied("the user cancelled the turn".into())
            }
        }
    }
}

impl CallServices for TurnServices {
    fn progress(&self, chunk: &str) -> bool {
        if self.env.cancel.is_cancelled() {
            return false;
        }
        self.progress.send(chunk.to_string()).is_ok()
    }

    fn approve(&self, action: Action) -> BoxFuture<Approval> {
        let this = self.clone();
        Box::pin(async move { this.approve_action(action).await })
    }

    fn exec(&self, command: ExecCommand) -> BoxFuture<Result<ExecExit, String>> {
        let services = self.clone();
        let env = self.env.clone();
        let call_id = self.call_id.clone();
        Box::pin(async move {
            let Some(workspace) = env.call.workspace.clone() else {
                return Err("no workspace to run commands in".into());
            };
            if command.argv.is_empty() {
                return Err("empty command".into());
            }
            // The policies judge every command again, whatever the tool asked before.
            let action = Action::Exec(CommandAction {
                argv: command.argv.clone(),
                cwd: command.cwd.clone(),
                justification: None,
            });
            if let Approval::Denied(reason) = services.approve_action(action).await {
                return Err(format!("not run: {reason}"));
            }
            let sink: Arc<dyn super::TurnSink> = env.sink.clone();
            run(
                ExecContext {
                    workspace: &workspace,
                    sandbox: env.call.sandbox,
                    network: env.call.command_network,
                    writable_roots: &env.call.command_writable_roots,
                    item_id: &call_id,
                    sink: &sink,
                    cancel: &env.cancel,
                },
                command,
            )
            .await
        })
    }
}
