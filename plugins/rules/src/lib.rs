//! # hearth.rules
//!
//! The operator's rule policy: a pure component (built for `wasm32-unknown-unknown`)
//! that denies, asks about or allows actions by what they touch. Put it in the policy
//! chain with `operator_policies = ["hearth.rules"]`; the host passes the table
//! `[plugins."hearth.rules".settings]` of `config.toml` in the context under `settings`:
//!
//! ```toml
//! [[plugins."hearth.rules".settings.rules]]
//! id = "no-push"                        # reported as rule `rules.no-push`
//! decision = "deny"                     # allow | ask | deny
//! justification = "Pushing is done by CI"
//! argv_prefix = ["git", "push"]
//!
//! [[plugins."hearth.rules".settings.rules]]
//! id = "secrets"
//! decision = "deny"
//! paths = ["**/.env", "**/*.pem"]
//!
//! [[plugins."hearth.rules".settings.rules]]
//! id = "no-net-tools"
//! decision = "ask"
//! tools = ["fetch"]
//!
//! [[plugins."hearth.rules".settings.rules]]
//! id = "hosts"
//! decision = "deny"
//! hosts = ["*.internal.example.com"]
//! ```
//!
//! **Matchers.** A rule matches when every matcher it has matches (so `tools` with
//! `hosts` means "this tool, to these hosts"):
//!
//! | matcher       | matches                                                                  |
//! |---------------|--------------------------------------------------------------------------|
//! | `argv_prefix` | commands whose argv starts with these words (the program also by file name) |
//! | `paths`       | globs (see [`glob`]) against file-change paths, the `file_path`, `dir_path` and `path` arguments of tool calls, and the arguments of commands (non-flag words and `--flag=value` values, taken relative to the command's directory) |
//! | `tools`       | tool names (globs: `*`, `?`, `[…]`, `{a,b}`) of tool calls                |
//! | `hosts`       | host names of the tool-call arguments (any string value, nested too) and command arguments that are `scheme://host…` URLs (see [`url`]) |
//!
//! **Commands in scripts.** `bash -lc "<script>"` (and `sh`, `zsh`, `dash`, `ksh` with
//! `-c`) is matched as itself and as each command of the script, split at `&&`, `||`,
//! `;`, `|` and more (see [`script`]); wrappers inside scripts are followed too.
//!
//! **Decisions.** Each part of an action takes the first rule, in order, that matches
//! it. Then a `deny` of any part wins, then an `ask`; an `allow` counts when it matched
//! the whole command, or every command of a plain script (so an allowed `git status`
//! does not let `git status && rm -rf x` through). With no match the policy abstains
//! (`rules.no-match`; `rules.none` when there are no rules) and the next policy decides.
//! The text shown with a deny or ask is the rule's justification and its id, e.g.
//! `Pushing is done by CI (rule no-push)`; the decision's rule id is `rules.<id>`.
//!
//! **Broken settings fail closed**: unknown keys, a rule without matchers, an empty list
//! or a malformed pattern make every action denied (`rules.invalid-settings`) with a
//! message saying what to fix, rather than silently dropping a rule.
//!
//! These rules judge what actions say, not what programs do: a command can reach a
//! file or host without naming it. The OS sandbox and the grants remain the boundary.
#![warn(missing_docs)]

pub mod engine;
pub mod glob;
pub mod script;
pub mod settings;
pub mod url;

use hearth_plugin_sdk::policy::{Decision, Policy, PolicyContext};
use hearth_plugin_sdk::types::Action;

use engine::{Subject, Verdict};

/// The exported policy.
pub struct RulesPolicy;

impl Policy for RulesPolicy {
    fn evaluate(action: &Action, context: &PolicyContext) -> Decision {
        let rules = match settings::parse(context.extra.get("settings")) {
            Ok(rules) => rules,
            Err(e) => {
                return Decision::deny(
                    "rules.invalid-settings",
                    format!(
                        "hearth.rules: the operator's rules are invalid ({e}); fix \
                         [plugins.\"hearth.rules\".settings] in config.toml"
                    ),
                );
            }
        };
        let subject = match action {
            Action::Exec(command) => Subject::Exec {
                argv: &command.argv,
                cwd: &command.cwd,
            },
            Action::FileChange(changes) => Subject::FileChange {
                paths: changes
                    .iter()
                    .flat_map(|c| std::iter::once(c.path.as_str()).chain(c.move_to.as_deref()))
                    .collect(),
            },
            Action::ToolCall(call) => Subject::ToolCall {
                tool: &call.tool,
                arguments: &call.arguments,
            },
        };
        let outcome = engine::decide(&rules, &subject, &context.cwd);
        match outcome.verdict {
            Verdict::Allow => Decision::allow(outcome.rule),
            Verdict::Ask(reason) => Decision::ask(outcome.rule, reason),
            Verdict::Deny(reason) => Decision::deny(outcome.rule, reason),
            Verdict::Abstain => Decision::abstain(outcome.rule),
        }
    }
}

hearth_plugin_sdk::export_policy!(RulesPolicy);

#[cfg(test)]
mod tests {
    use hearth_plugin_sdk::policy::{Verdict as WitVerdict, evaluate};
    use hearth_plugin_sdk::types::{
        ChangeKind, CommandAction, Effects, FileChange, ToolCallAction,
    };
    use serde_json::json;

    use super::*;

    fn context(settings: serde_json::Value) -> String {
        json!({"approval-policy": "on-request", "cwd": "/ws", "settings": settings}).to_string()
    }

    fn exec(argv: &[&str]) -> Action {
        Action::Exec(CommandAction {
            argv: argv.iter().map(|s| s.to_string()).collect(),
            cwd: String::new(),
            justification: None,
        })
    }

    #[test]
    fn evaluates_every_kind_of_action() {
        let ctx = context(json!({"rules": [
            {"id": "no-push", "decision": "deny", "justification": "CI pushes", "argv_prefix": ["git", "push"]},
            {"id": "secrets", "decision": "ask", "paths": ["**/.env"]},
            {"id": "fetch", "decision": "allow", "tools": ["fetch"]},
        ]}));
        let d = evaluate::<RulesPolicy>(&exec(&["bash", "-lc", "git push"]), &ctx);
        assert_eq!(d.rule_id, "rules.no-push");
        assert!(matches!(d.verdict, WitVerdict::Deny(ref r) if r == "CI pushes (rule no-push)"));
        let change = Action::FileChange(vec![FileChange {
            path: "a.txt".into(),
            kind: ChangeKind::Update,
            diff: String::new(),
            move_to: Some("b/.env".into()),
        }]);
        let d = evaluate::<RulesPolicy>(&change, &ctx);
        assert_eq!(d.rule_id, "rules.secrets");
        assert!(matches!(d.verdict, WitVerdict::Ask(_)));
        let call = Action::ToolCall(ToolCallAction {
            plugin: "acme.web".into(),
            tool: "fetch".into(),
            effects: Effects::NETWORK,
            arguments: "{}".into(),
        });
        let d = evaluate::<RulesPolicy>(&call, &ctx);
        assert!(matches!(d.verdict, WitVerdict::Allow));
        let d = evaluate::<RulesPolicy>(&exec(&["ls"]), &ctx);
        assert_eq!(d.rule_id, "rules.no-match");
        assert!(matches!(d.verdict, WitVerdict::Abstain));
    }

    #[test]
    fn no_settings_abstain_and_broken_settings_deny() {
        let d = evaluate::<RulesPolicy>(&exec(&["ls"]), r#"{"cwd": "/ws"}"#);
        assert_eq!(d.rule_id, "rules.none");
        assert!(matches!(d.verdict, WitVerdict::Abstain));
        let ctx = context(json!({"rules": [{"id": "x", "decision": "deny"}]}));
        let d = evaluate::<RulesPolicy>(&exec(&["ls"]), &ctx);
        assert_eq!(d.rule_id, "rules.invalid-settings");
        assert!(
            matches!(d.verdict, WitVerdict::Deny(ref r) if r.contains("give at least one of")),
            "{:?}",
            d.verdict
        );
    }
}
