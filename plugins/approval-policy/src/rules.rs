//! The decision logic, on plain Rust types: no bindings, unit-tested on the build machine.
//!
//! [`decide`] maps an action ([`Subject`]) and the thread's [`PolicyContext`] to an
//! [`Outcome`]: a [`Verdict`] and the id of the rule that produced it. The rules are
//! described in the crate documentation.

use std::path::{Component, Path};

use hearth_plugin_sdk::policy::PolicyContext;

use crate::safe_commands::is_known_safe;

/// The outcome of a policy, without the bindings' types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Go ahead without asking.
    Allow,
    /// Do not do it; the text says why.
    Deny(String),
    /// Ask the user; the text is the reason shown.
    Ask(String),
    /// No opinion: the next policy decides.
    Abstain,
}

/// A verdict and the rule that produced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// What to do.
    pub verdict: Verdict,
    /// Rule id for the audit log, e.g. `untrusted.known-safe`.
    pub rule: &'static str,
}

/// What a tool declares it may do (the `effects` flags).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ToolEffects {
    /// Creates, changes or deletes files.
    pub writes_fs: bool,
    /// Makes outbound HTTP requests.
    pub network: bool,
    /// Runs processes.
    pub exec: bool,
}

/// The action being judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject<'a> {
    /// Run a command.
    Exec {
        /// Program and arguments.
        argv: &'a [String],
    },
    /// Change files: every path touched (sources and rename targets), relative to the
    /// workspace root.
    FileChange {
        /// The paths.
        paths: Vec<&'a str>,
    },
    /// Call a tool, judged once before it runs.
    ToolCall {
        /// What the tool declares.
        effects: ToolEffects,
    },
}

fn outcome(verdict: Verdict, rule: &'static str) -> Outcome {
    Outcome { verdict, rule }
}

fn allow(rule: &'static str) -> Outcome {
    outcome(Verdict::Allow, rule)
}

fn ask(rule: &'static str, reason: &str) -> Outcome {
    outcome(Verdict::Ask(reason.to_string()), rule)
}

fn deny(rule: &'static str, reason: String) -> Outcome {
    outcome(Verdict::Deny(reason), rule)
}

/// Judges `subject` under the thread's approval policy.
pub fn decide(subject: &Subject, ctx: &PolicyContext) -> Outcome {
    match ctx.approval_policy.as_str() {
        "never" => never(subject, ctx),
        "untrusted" => untrusted(subject, ctx),
        "on-request" => on_request(subject, ctx),
        "on-failure" => on_failure(subject, ctx),
        "" => deny(
            "config.unknown-policy",
            "the thread's context names no approval policy (expected untrusted, on-request, \
             on-failure or never)"
                .to_string(),
        ),
        other => deny(
            "config.unknown-policy",
            format!(
                "unknown approval policy `{other}` (expected untrusted, on-request, on-failure \
                 or never)"
            ),
        ),
    }
}

/// `never`: never ask. Everything is allowed, except leaving the sandbox: under `never`
/// a sandbox refusal or a request for escalated permissions goes back to the model.
fn never(subject: &Subject, ctx: &PolicyContext) -> Outcome {
    let leaves_sandbox =
        !matches!(subject, Subject::ToolCall { .. }) && (ctx.sandbox_denied || ctx.escalated);
    if leaves_sandbox {
        return deny(
            "never.no-escalation",
            "the approval policy is `never`: nothing runs outside the sandbox and nobody can \
             be asked; work within the sandbox's limits"
                .to_string(),
        );
    }
    allow("never.allow")
}

/// Tool calls under the asking policies: pure reads and computations go ahead; tools that
/// write or run processes are judged by their commands and file changes (which they must
/// submit through `approval`), so this policy abstains; network-only tools are limited
/// to the operator's granted origins, and `untrusted` asks before using them.
fn tool_call(effects: ToolEffects, untrusted: bool) -> Outcome {
    if effects.writes_fs || effects.exec {
        outcome(Verdict::Abstain, "tool-call.defer")
    } else if effects.network && untrusted {
        ask("untrusted.network", "the tool makes network requests")
    } else {
        allow("tool-call.no-side-effects")
    }
}

/// `untrusted`: only known-safe read-only commands run without asking.
fn untrusted(subject: &Subject, ctx: &PolicyContext) -> Outcome {
    match subject {
        Subject::ToolCall { effects } => tool_call(*effects, true),
        _ if ctx.sandbox_denied => ask(
            "untrusted.retry-unsandboxed",
            "the sandbox refused this; run it again outside the sandbox?",
        ),
        _ if ctx.escalated => ask(
            "untrusted.escalation",
            "the model asks to run this outside the sandbox",
        ),
        Subject::Exec { argv } if is_known_safe(argv) => allow("untrusted.known-safe"),
        Subject::Exec { .. } => ask("untrusted.ask", "the command is not known to be read-only"),
        Subject::FileChange { .. } => ask("untrusted.ask", "the change edits files"),
    }
}

/// `on-request`: everything runs in the sandbox without asking; the model asks for
/// escalation when it needs to leave it.
fn on_request(subject: &Subject, ctx: &PolicyContext) -> Outcome {
    match subject {
        Subject::ToolCall { effects } => tool_call(*effects, false),
        _ if ctx.escalated => ask(
            "on-request.escalation",
            "the model asks to run this outside the sandbox",
        ),
        _ if ctx.sandbox_denied => deny(
            "on-request.sandbox-denied",
            "the sandbox refused this; to run it outside the sandbox, request escalated \
             permissions with a justification"
                .to_string(),
        ),
        Subject::Exec { .. } => allow("on-request.sandboxed"),
        Subject::FileChange { paths } => match ctx.sandbox_mode.as_str() {
            "danger-full-access" => allow("on-request.full-access"),
            "workspace-write" if paths.iter().all(|p| inside_workspace(p)) => {
                allow("on-request.workspace-write")
            }
            "workspace-write" => ask(
                "on-request.outside-workspace",
                "the change edits files outside the workspace",
            ),
            _ => ask(
                "on-request.read-only",
                "the sandbox is read-only and the change edits files",
            ),
        },
    }
}

/// `on-failure`: everything runs in the sandbox without asking; when the sandbox refuses,
/// the user is asked whether to run it outside.
fn on_failure(subject: &Subject, ctx: &PolicyContext) -> Outcome {
    match subject {
        Subject::ToolCall { effects } => tool_call(*effects, false),
        _ if ctx.sandbox_denied => ask(
            "on-failure.retry-unsandboxed",
            "the sandbox refused this; run it again outside the sandbox?",
        ),
        _ if ctx.escalated => ask(
            "on-failure.escalation",
            "the model asks to run this outside the sandbox",
        ),
        _ => allow("on-failure.sandboxed"),
    }
}

/// True when `path` (relative to the workspace root) stays inside it, lexically.
fn inside_workspace(path: &str) -> bool {
    let path = Path::new(path);
    if path.is_absolute() {
        return false;
    }
    let mut depth = 0usize;
    for component in path.components() {
        match component {
            Component::ParentDir if depth == 0 => return false,
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            _ => {}
        }
    }
    true
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
