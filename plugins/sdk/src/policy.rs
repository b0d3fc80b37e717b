//! Policy plugins: the `policy-plugin` world, the [`Policy`] trait and the
//! [`export_policy!`](crate::export_policy) macro.
//!
//! A policy judges every action (command, file change, tool call) before it happens and
//! answers with a [`Decision`]: a [`Verdict`] plus the id of the rule that produced it,
//! for the audit log. Policy components import nothing (no WASI, no log): build them for
//! `wasm32-unknown-unknown` and keep them deterministic and fast.

use serde_json::{Map, Value};

use crate::context::{bool_key, string_key};
use crate::types::Action;

#[allow(missing_docs)]
mod bindings {
    wit_bindgen::generate!({
        world: "policy-plugin",
        path: "../../wit",
        pub_export_macro: true,
        export_macro_name: "export_policy_world",
        default_bindings_module: "hearth_plugin_sdk::policy",
        with: {
            "hearth:plugin/types@0.1.0": crate::tool::hearth::plugin::types,
        },
    });
}

pub use bindings::hearth::plugin::policy_types::{Decision, Verdict};
pub use bindings::*;

/// An approval policy.
pub trait Policy {
    /// Judges one action in the thread's `context`.
    fn evaluate(action: &Action, context: &PolicyContext) -> Decision;
}

/// What a policy knows about the thread, parsed from the `context` JSON object.
///
/// Keys are read in kebab case (`approval-policy`) or snake case; missing strings are
/// empty and missing flags false. Unknown keys stay in [`extra`](PolicyContext::extra).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicyContext {
    /// `untrusted`, `on-request`, `on-failure` or `never`.
    pub approval_policy: String,
    /// `read-only`, `workspace-write` or `danger-full-access`.
    pub sandbox_mode: String,
    /// The workspace path.
    pub cwd: String,
    /// Id of the thread.
    pub thread_id: String,
    /// True when the action already ran sandboxed and the sandbox refused it.
    pub sandbox_denied: bool,
    /// True when the model asked to run outside the sandbox.
    pub escalated: bool,
    /// The whole context object, including keys added by later hosts.
    pub extra: Map<String, Value>,
}

impl PolicyContext {
    /// Parses the context JSON; empty text gives the default context.
    pub fn parse(json: &str) -> Result<Self, serde_json::Error> {
        if json.trim().is_empty() {
            return Ok(Self::default());
        }
        let map: Map<String, Value> = serde_json::from_str(json)?;
        Ok(PolicyContext {
            approval_policy: string_key(&map, "approval-policy"),
            sandbox_mode: string_key(&map, "sandbox-mode"),
            cwd: string_key(&map, "cwd"),
            thread_id: string_key(&map, "thread-id"),
            sandbox_denied: bool_key(&map, "sandbox-denied"),
            escalated: bool_key(&map, "escalated"),
            extra: map,
        })
    }
}

impl Decision {
    /// The action may go ahead without asking.
    pub fn allow(rule_id: impl Into<String>) -> Self {
        Self::new(Verdict::Allow, rule_id)
    }

    /// The action must not happen; `reason` is shown to the user and the model.
    pub fn deny(rule_id: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::new(Verdict::Deny(reason.into()), rule_id)
    }

    /// The user must be asked; `reason` is shown with the question.
    pub fn ask(rule_id: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::new(Verdict::Ask(reason.into()), rule_id)
    }

    /// No opinion: the next policy in the chain decides.
    pub fn abstain(rule_id: impl Into<String>) -> Self {
        Self::new(Verdict::Abstain, rule_id)
    }

    fn new(verdict: Verdict, rule_id: impl Into<String>) -> Self {
        Decision {
            verdict,
            rule_id: rule_id.into(),
        }
    }
}

/// Answers `evaluate` for policy `P`: parses the context and asks `P`. An unreadable
/// context is denied (rule `context.invalid`): a policy must not guess.
pub fn evaluate<P: Policy>(action: &Action, context: &str) -> Decision {
    match PolicyContext::parse(context) {
        Ok(ctx) => P::evaluate(action, &ctx),
        Err(e) => Decision::deny(
            "context.invalid",
            format!("the policy context is not a JSON object: {e}"),
        ),
    }
}

/// Exports a type implementing [`Policy`] as the `policy-plugin` world's `policy`
/// interface. Use it once, at the root of a plugin crate.
///
/// ```ignore
/// hearth_plugin_sdk::export_policy!(ApprovalPolicy);
/// ```
#[macro_export]
macro_rules! export_policy {
    ($policy:ty) => {
        #[doc(hidden)]
        pub struct __HearthPolicy;

        impl $crate::policy::exports::hearth::plugin::policy::Guest for __HearthPolicy {
            fn evaluate(
                action: $crate::types::Action,
                context: ::std::string::String,
            ) -> $crate::policy::Decision {
                $crate::policy::evaluate::<$policy>(&action, &context)
            }
        }

        // Only WebAssembly has component exports; elsewhere (unit tests) the names
        // would not even link.
        #[cfg(target_family = "wasm")]
        $crate::policy::export_policy_world!(__HearthPolicy with_types_in $crate::policy);
    };
}
