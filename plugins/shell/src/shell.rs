//! The `shell` tool: validate, ask, run, report.
//!
//! The host calls ([`approval`](hearth_plugin_sdk::approval) and
//! [`exec`](hearth_plugin_sdk::exec)) go through the [`Host`] trait so that the flow is
//! unit-tested with a fake host on the build machine.

use hearth_plugin_sdk::exec::{Command, Exit};
use hearth_plugin_sdk::prelude::*;
use hearth_plugin_sdk::types::{Action, Approval, CommandAction};

use crate::args::ShellArgs;
use crate::{output, workdir};

/// The `shell` tool.
pub struct Shell;

impl Tool for Shell {
    const NAME: &'static str = "shell";
    const DESCRIPTION: &'static str = "Runs a shell command and returns its output. \
        `command` is the argv to execute, not a command line: wrap shell syntax (pipes, \
        `&&`, redirections, globs) as [\"bash\", \"-lc\", \"<script>\"]. Always set \
        `workdir` instead of using `cd`. The command runs in the sandbox of the session; the \
        result gives the exit code, the wall time and the combined standard output and \
        standard error (long output is cut in the middle).";
    const EFFECTS: Effects = Effects::EXEC;
    const RENDER: Render = Render::CommandExecution;
    const PARALLEL: bool = false;

    fn parameters() -> Value {
        json!({
            "type": "object",
            "properties": {
                "command": {
                    "type": "array",
                    "items": { "type": "string" },
                    "description": "The command to execute, as an argv array."
                },
                "workdir": {
                    "type": "string",
                    "description": "The working directory to run the command in (inside the workspace; defaults to its root)."
                },
                "timeout_ms": {
                    "type": "number",
                    "description": "Stop the command after this many milliseconds."
                },
                "justification": {
                    "type": "string",
                    "description": "Only with sandbox_permissions \"require_escalated\": one sentence telling the user why the command must run outside the sandbox."
                },
                "sandbox_permissions": {
                    "type": "string",
                    "enum": ["use_default", "require_escalated"],
                    "description": "\"use_default\" runs the command in the sandbox (the default); \"require_escalated\" asks to run it without the sandbox's restrictions."
                }
            },
            "required": ["command"],
            "additionalProperties": false
        })
    }

    fn call(args: Value, ctx: &CallContext) -> Result<ToolOutput, ToolError> {
        run_shell(&SdkHost, args, ctx)
    }
}

/// The host calls the tool makes.
pub trait Host {
    /// Asks whether `action` may go ahead.
    fn approve(&self, action: &Action) -> Approval;
    /// Runs a command to completion.
    fn run(&self, command: &Command) -> Result<Exit, String>;
}

/// The real host, through the SDK.
pub struct SdkHost;

impl Host for SdkHost {
    fn approve(&self, action: &Action) -> Approval {
        hearth_plugin_sdk::approval::request(action)
    }

    fn run(&self, command: &Command) -> Result<Exit, String> {
        hearth_plugin_sdk::exec::run(command)
    }
}

/// One `shell` call against `host`.
///
/// `sandbox_permissions = "require_escalated"` is acted on by the host, which sees the
/// call's arguments: it judges the command as escalated (the user is asked, with the
/// justification, under the asking policies) and, when approved, runs it outside the
/// OS sandbox.
pub fn run_shell(host: &dyn Host, args: Value, ctx: &CallContext) -> Result<ToolOutput, ToolError> {
    let args = ShellArgs::parse(&args)?;
    let dir = workdir::resolve(&ctx.cwd, args.workdir.as_deref())?;
    let action = Action::Exec(CommandAction {
        argv: args.command.clone(),
        cwd: dir.relative.clone(),
        justification: args.justification.clone(),
    });
    if let Approval::Denied(reason) = host.approve(&action) {
        return Err(ToolError::denied(format!(
            "the command was not run: {reason}"
        )));
    }
    let command = Command {
        argv: args.command.clone(),
        cwd: dir.relative,
        env: Vec::new(),
        timeout_ms: args.timeout_ms,
    };
    let exit = host
        .run(&command)
        .map_err(|e| ToolError::failed(format!("the command could not be run: {e}")))?;
    Ok(ToolOutput {
        content: output::model_text(&exit, args.timeout_ms),
        success: exit.exit_code == Some(0),
        details: Some(output::details(&args.command, &dir.absolute, &exit).to_string()),
    })
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    /// A host that records what it was asked and answers from a script.
    struct FakeHost {
        approval: Approval,
        exit: Result<Exit, String>,
        asked: RefCell<Vec<Action>>,
        ran: RefCell<Vec<Command>>,
    }

    impl FakeHost {
        fn new(approval: Approval, exit: Result<Exit, String>) -> Self {
            FakeHost {
                approval,
                exit,
                asked: RefCell::default(),
                ran: RefCell::default(),
            }
        }
    }

    impl Host for FakeHost {
        fn approve(&self, action: &Action) -> Approval {
            self.asked.borrow_mut().push(action.clone());
            self.approval.clone()
        }

        fn run(&self, command: &Command) -> Result<Exit, String> {
            self.ran.borrow_mut().push(command.clone());
            self.exit.clone()
        }
    }

    fn ctx() -> CallContext {
        CallContext {
            cwd: "/ws".into(),
            ..CallContext::default()
        }
    }

    fn exited(code: i32, output: &str) -> Result<Exit, String> {
        Ok(Exit {
            exit_code: Some(code),
            output: output.into(),
            timed_out: false,
            duration_ms: 1500,
        })
    }

    #[test]
    fn approved_commands_run_in_their_workdir() {
        let host = FakeHost::new(Approval::Approved, exited(0, "ok\n"));
        let args = json!({"command": ["cargo", "test"], "workdir": "/ws/crate", "timeout_ms": 9000, "justification": "run tests"});
        let out = run_shell(&host, args, &ctx()).unwrap();
        assert!(out.success);
        assert_eq!(
            out.content,
            "Exit code: 0\nWall time: 1.5 seconds\nOutput:\nok\n"
        );
        let details: Value = serde_json::from_str(out.details.as_deref().unwrap()).unwrap();
        assert_eq!(
            details,
            json!({"command": ["cargo", "test"], "cwd": "/ws/crate", "exitCode": 0, "durationMs": 1500, "timedOut": false, "output": "ok\n"})
        );
        let Action::Exec(asked) = &host.asked.borrow()[0] else {
            panic!("not an exec action");
        };
        assert_eq!(asked.argv, ["cargo", "test"]);
        assert_eq!(asked.cwd, "crate");
        assert_eq!(asked.justification.as_deref(), Some("run tests"));
        let ran = &host.ran.borrow()[0];
        assert_eq!((ran.cwd.as_str(), ran.timeout_ms), ("crate", Some(9000)));
        assert!(ran.env.is_empty());
    }

    #[test]
    fn non_zero_exit_is_not_a_success() {
        let host = FakeHost::new(Approval::Approved, exited(2, "boom"));
        let out = run_shell(&host, json!({"command": ["false"]}), &ctx()).unwrap();
        assert!(!out.success);
        assert!(out.content.starts_with("Exit code: 2\n"));
        assert_eq!(host.ran.borrow()[0].cwd, "");
    }

    #[test]
    fn denied_commands_do_not_run() {
        let host = FakeHost::new(Approval::Denied("user said no".into()), exited(0, ""));
        let err = run_shell(&host, json!({"command": ["rm", "-rf", "x"]}), &ctx()).unwrap_err();
        assert!(
            matches!(err, ToolError::Denied(ref m) if m == "the command was not run: user said no"),
            "{err}"
        );
        assert!(host.ran.borrow().is_empty());
    }

    #[test]
    fn exec_errors_fail_the_call() {
        let host = FakeHost::new(Approval::Approved, Err("exec is not granted".into()));
        let err = run_shell(&host, json!({"command": ["ls"]}), &ctx()).unwrap_err();
        assert!(matches!(err, ToolError::Failed(ref m) if m.contains("exec is not granted")));
    }

    #[test]
    fn invalid_calls_ask_nothing() {
        let host = FakeHost::new(Approval::Approved, exited(0, ""));
        for args in [
            json!({"command": []}),
            json!({"command": ["ls"], "workdir": "../x"}),
        ] {
            let err = run_shell(&host, args, &ctx()).unwrap_err();
            assert!(matches!(err, ToolError::InvalidArguments(_)), "{err}");
        }
        assert!(host.asked.borrow().is_empty());
    }

    #[test]
    fn spec_is_codex_shaped() {
        let spec = hearth_plugin_sdk::tool::spec::<Shell>();
        assert_eq!(spec.name, "shell");
        assert_eq!(spec.render, Render::CommandExecution);
        assert!(spec.effects.contains(Effects::EXEC) && !spec.parallel);
        let params: Value = serde_json::from_str(&spec.parameters).unwrap();
        assert_eq!(params["required"], json!(["command"]));
    }
}
