//! What a running tool call gets from its turn: progress to the client, approvals through
//! the policy chain (and the user when a policy asks), and processes in the OS sandbox.

use super::events::{AgentEvent, ApprovalKind, ApprovalRequest, ClientDecision};
use super::exec::{ExecContext, resolve_cwd, run};
use super::policy_chain::ChainVerdict;
use super::tools::{Leave, ToolEnv};
use crate::plugins::SandboxMode;
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
    /// The model asked for this call's commands to run outside the sandbox, with this
    /// justification.
    escalation: Option<String>,
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
    /// Services for call `call_id`; `streams_output` sends progress as command output;
    /// `escalation` is the justification when the model asked to leave the sandbox.
    pub fn new(
        env: ToolEnv,
        call_id: String,
        streams_output: bool,
        escalation: Option<String>,
    ) -> Self {
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
            escalation,
        }
    }

    /// Whether this call's commands would run outside the sandbox because the model asked.
    fn leave(&self) -> Leave {
        if self.escalation.is_some() && self.env.call.sandbox != SandboxMode::DangerFullAccess {
            Leave::Requested
        } else {
            Leave::No
        }
    }

    async fn approve_action(&self, action: Action, leave: Leave) -> Approval {
        let env = &self.env;
        let decision = env.judge_leaving_sandbox(&action, leave).await;
        let reason = match decision.verdict {
            ChainVerdict::Allow => return Approval::Approved,
            ChainVerdict::Deny(reason) => {
                return Approval::Denied(format!("{reason} (rule {})", decision.rule));
            }
            ChainVerdict::Ask(reason) => match (&self.escalation, leave) {
                (Some(why), Leave::Requested) if !why.is_empty() => format!("{reason}: {why}"),
                _ => reason,
            },
        };
        // Approving a command in the sandbox does not approve it outside.
        let key = match leave {
            Leave::No => session_key(&action),
            _ => format!("unsandboxed:{}", session_key(&action)),
        };
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
            Action::ToolCall(t) => ApprovalKind::ToolCall {
                plugin: t.plugin.clone(),
                tool: t.tool.clone(),
                arguments: t.arguments.clone(),
            },
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
        Box::pin(async move {
            let leave = match action {
                Action::Exec(_) => this.leave(),
                _ => Leave::No,
            };
            this.approve_action(action, leave).await
        })
    }

    fn exec(&self, command: ExecCommand) -> BoxFuture<Result<ExecExit, String>> {
        let services = self.clone();
        Box::pin(async move { services.run_command(command).await })
    }
}

/// Output that suggests the sandbox, not the command, failed.
fn looks_refused_by_sandbox(exit: &ExecExit) -> bool {
    exit.exit_code != Some(0)
        && !exit.timed_out
        && [
            "Permission denied",
            "Read-only file system",
            "Operation not permitted",
        ]
        .iter()
        .any(|sign| exit.output.contains(sign))
}

impl TurnServices {
    /// Runs a command a tool asked for: judged again by the policies, in the OS sandbox
    /// (or outside it when the model asked and the policies, or the user, agreed). When
    /// the sandbox seems to have refused it, the policies decide whether to run it again
    /// outside (`on-failure` asks the user; the others tell the model why not).
    async fn run_command(&self, command: ExecCommand) -> Result<ExecExit, String> {
        let env = &self.env;
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
        let leave = self.leave();
        if let Approval::Denied(reason) = self.approve_action(action.clone(), leave).await {
            return Err(format!("not run: {reason}"));
        }
        let sandbox = match leave {
            Leave::No => env.call.sandbox,
            _ => SandboxMode::DangerFullAccess,
        };
        let exit = self.spawn(&workspace, sandbox, command.clone()).await?;
        if sandbox == SandboxMode::DangerFullAccess || !looks_refused_by_sandbox(&exit) {
            return Ok(exit);
        }
        match self.approve_action(action, Leave::SandboxRefused).await {
            Approval::Approved => {
                let _ = self.progress.send(
                    "\n[hearth: the sandbox refused the command; running it again outside the sandbox, as approved]\n"
                        .into(),
                );
                self.spawn(&workspace, SandboxMode::DangerFullAccess, command)
                    .await
            }
            Approval::Denied(reason) => {
                let mut exit = exit;
                exit.output.push_str(&format!(
                    "\n[hearth: not run outside the sandbox: {reason}]"
                ));
                Ok(exit)
            }
        }
    }

    /// Runs one process to completion in `sandbox`, streaming to this call's item.
    async fn spawn(
        &self,
        workspace: &std::path::Path,
        sandbox: SandboxMode,
        command: ExecCommand,
    ) -> Result<ExecExit, String> {
        let env = &self.env;
        let sink: Arc<dyn super::TurnSink> = env.sink.clone();
        run(
            ExecContext {
                workspace,
                sandbox,
                network: env.call.command_network,
                writable_roots: &env.call.command_writable_roots,
                item_id: &self.call_id,
                sink: &sink,
                cancel: &env.cancel,
            },
            command,
        )
        .await
    }
}
