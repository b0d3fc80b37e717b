//! # hearth.approval
//!
//! The first-party approval policy: Codex's approval policies, chosen per thread by the
//! context key `approval-policy`. It is a pure component (no imports at all), built for
//! `wasm32-unknown-unknown`. Every decision names the rule that made it:
//!
//! | policy       | action                                   | verdict | rule                           |
//! |--------------|------------------------------------------|---------|--------------------------------|
//! | `never`      | anything                                 | allow   | `never.allow`                  |
//! | `never`      | command/file change, `sandbox-denied` or `escalated` | deny | `never.no-escalation` |
//! | `untrusted`  | known-safe read-only command             | allow   | `untrusted.known-safe`         |
//! | `untrusted`  | any other command, any file change       | ask     | `untrusted.ask`                |
//! | `untrusted`  | command/file change, `escalated`         | ask     | `untrusted.escalation`         |
//! | `untrusted`  | command/file change, `sandbox-denied`    | ask     | `untrusted.retry-unsandboxed`  |
//! | `on-request` | command                                  | allow   | `on-request.sandboxed`         |
//! | `on-request` | command/file change, `escalated`         | ask     | `on-request.escalation`        |
//! | `on-request` | command/file change, `sandbox-denied`    | deny    | `on-request.sandbox-denied`    |
//! | `on-request` | file change, `workspace-write`, inside   | allow   | `on-request.workspace-write`   |
//! | `on-request` | file change, `workspace-write`, outside  | ask     | `on-request.outside-workspace` |
//! | `on-request` | file change, `danger-full-access`        | allow   | `on-request.full-access`       |
//! | `on-request` | file change, `read-only`                 | ask     | `on-request.read-only`         |
//! | `on-failure` | command/file change                      | allow   | `on-failure.sandboxed`         |
//! | `on-failure` | command/file change, `sandbox-denied`    | ask     | `on-failure.retry-unsandboxed` |
//! | `on-failure` | command/file change, `escalated`         | ask     | `on-failure.escalation`        |
//! | any other    | anything                                 | deny    | `config.unknown-policy`        |
//!
//! **Tool calls** (every call is judged once before it runs), under every policy but
//! `never`: a tool whose effects include neither `writes-fs`, `exec` nor `network` only
//! reads or computes, and is allowed (`tool-call.no-side-effects`). A tool that writes
//! files or runs processes is expected to submit each concrete command or file change
//! through `approval.request`, where the rows above decide; this policy abstains on the
//! call itself (`tool-call.defer`) so as not to ask twice, and leaves the call to the
//! operator's policies and the plugin's grants. A network-only tool can reach just the
//! origins the operator granted; `untrusted` asks before it runs (`untrusted.network`),
//! the other policies allow it.
//!
//! **Known-safe commands** are Codex's read-only set (see [`safe_commands`]): `cat`,
//! `ls`, `grep`, `head`, `tail`, `wc`, `pwd`, … without writing flags; `find` without
//! `-exec`/`-delete`/`-fprint*`…; `rg` without `--pre`/`-z`…; `git status|log|diff|show`
//! and listing `git branch`; `sed -n <range>p`; and `bash -lc "<script>"` chaining such
//! commands with `&&`, `||`, `;`, `|` and nothing else (see [`shell`]).
//!
//! **Escalation and sandbox refusals.** `escalated` means the model asked to run outside
//! the sandbox; `sandbox-denied` means the action already ran sandboxed and the sandbox
//! refused it, so allowing it would mean running it outside. Like Codex, `never` turns
//! both into a denial the model sees (nobody can be asked, and the sandbox stays), and
//! `on-request` denies a bare sandbox refusal, telling the model to request escalation
//! with a justification instead.
#![warn(missing_docs)]

pub mod rules;
pub mod safe_commands;
pub mod shell;

use hearth_plugin_sdk::policy::{Decision, Policy, PolicyContext};
use hearth_plugin_sdk::types::{Action, Effects};

use rules::{Subject, ToolEffects, Verdict};

/// The exported policy.
pub struct ApprovalPolicy;

impl Policy for ApprovalPolicy {
    fn evaluate(action: &Action, context: &PolicyContext) -> Decision {
        let subject = match action {
            Action::Exec(command) => Subject::Exec {
                argv: &command.argv,
            },
            Action::FileChange(changes) => Subject::FileChange {
                paths: changes
                    .iter()
                    .flat_map(|c| std::iter::once(c.path.as_str()).chain(c.move_to.as_deref()))
                    .collect(),
            },
            Action::ToolCall(call) => Subject::ToolCall {
                effects: ToolEffects {
                    writes_fs: call.effects.contains(Effects::WRITES_FS),
                    network: call.effects.contains(Effects::NETWORK),
                    exec: call.effects.contains(Effects::EXEC),
                },
            },
        };
        let outcome = rules::decide(&subject, context);
        match outcome.verdict {
            Verdict::Allow => Decision::allow(outcome.rule),
            Verdict::Deny(reason) => Decision::deny(outcome.rule, reason),
            Verdict::Ask(reason) => Decision::ask(outcome.rule, reason),
            Verdict::Abstain => Decision::abstain(outcome.rule),
        }
    }
}

hearth_plugin_sdk::export_policy!(ApprovalPolicy);
