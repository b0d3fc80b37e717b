//! # hearth.shell
//!
//! The first-party `shell` tool, shaped as Codex presents it to models:
//! `{command: [string], workdir?, timeout_ms?, justification?, sandbox_permissions?}`.
//!
//! A call is validated (a non-empty argv; a `workdir` inside the workspace, see
//! [`workdir`]), submitted to the host's policy chain as an `exec` action through
//! `approval.request`, and, once approved, run in the host's OS sandbox through
//! `exec.run`. The host streams the command's output to the client while it runs; the
//! tool returns Codex's text for the model and details for the `commandExecution` item
//! (see [`output`]):
//!
//! ```json
//! {"command": ["bash", "-lc", "ls"], "cwd": "/workspace/src", "exitCode": 0,
//!  "durationMs": 12, "timedOut": false, "output": "lib.rs\n"}
//! ```
//!
//! A denial becomes a `denied` error (`the command was not run: <reason>`); a refusal of
//! `exec.run` a `failed` one. A command that runs and exits non-zero is a result with
//! `success = false`, not an error.
//!
//! Escalation (`sandbox_permissions = "require_escalated"`) is accepted but not supported
//! yet: such commands run in the sandbox like the others.
#![warn(missing_docs)]

pub mod args;
pub mod output;
pub mod shell;
pub mod workdir;

hearth_plugin_sdk::export_tools!(shell::Shell);
