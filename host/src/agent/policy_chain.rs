//! The policy chain: operator policies first, in configured order, then the thread's
//! approval policy plugin. An operator `deny` or `allow` is final — no client decision
//! can override it; `abstain` passes to the next policy. A policy that fails (trap,
//! timeout) denies: the chain fails closed.

use crate::plugins::action_json::action_to_json;
use crate::plugins::bindings::policy::hearth::plugin::policy_types::Verdict;
use crate::plugins::bindings::types::Action;
use crate::plugins::{CallContext, PluginRegistry, evaluate_policy};
use serde_json::json;

/// Id of the first-party approval policy plugin.
pub const APPROVAL_POLICY: &str = "hearth.approval";

/// The chain's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainVerdict {
    /// Go ahead.
    Allow,
    /// Refused; the text says why.
    Deny(String),
    /// Ask the user; the text says why.
    Ask(String),
}

/// A verdict with where it came from.
#[derive(Debug, Clone)]
pub struct ChainDecision {
    /// The verdict.
    pub verdict: ChainVerdict,
    /// Rule that decided, `<plugin>:<rule>`.
    pub rule: String,
    /// True when an operator policy decided (clients cannot override a deny).
    pub by_operator: bool,
}

/// What the policies know about the thread.
#[derive(Debug, Clone)]
pub struct PolicyInput<'a> {
    /// `untrusted` | `on-request` | `on-failure` | `never`.
    pub approval_policy: &'a str,
    /// The call's context (workspace, sandbox mode, thread).
    pub call: &'a CallContext,
    /// The action already ran sandboxed and was refused.
    pub sandbox_denied: bool,
    /// The model asked to run outside the sandbox.
    pub escalated: bool,
}

/// Runs the chain on an action.
pub async fn decide(
    registry: &PluginRegistry,
    operator_policies: &[String],
    settings: &serde_json::Map<String, serde_json::Value>,
    action: &Action,
    input: &PolicyInput<'_>,
) -> ChainDecision {
    let mut context = json!({
        "approval-policy": input.approval_policy,
        "sandbox-mode": input.call.sandbox.as_str(),
        "cwd": input.call.workspace,
        "thread-id": input.call.thread_id,
        "sandbox-denied": input.sandbox_denied,
        "escalated": input.escalated,
    });
    let chain = operator_policies
        .iter()
        .map(|id| (id.as_str(), true))
        .chain([(APPROVAL_POLICY, false)]);
    for (id, by_operator) in chain {
        let Some(plugin) = registry.get(id) else {
            return ChainDecision {
                verdict: ChainVerdict::Deny(format!(
                    "policy plugin `{id}` is not loaded; refusing to act"
                )),
                rule: format!("{id}:missing"),
                by_operator,
            };
        };
        context["settings"] = settings.get(id).cloned().unwrap_or(serde_json::Value::Null);
        match evaluate_policy(
            registry,
            &plugin,
            action,
            &context.to_string(),
            Some(input.call),
        )
        .await
        {
            Ok(decision) => {
                let rule = format!("{id}:{}", decision.rule_id);
                let verdict = match decision.verdict {
                    Verdict::Allow => ChainVerdict::Allow,
                    Verdict::Deny(reason) => ChainVerdict::Deny(reason),
                    Verdict::Ask(reason) => ChainVerdict::Ask(reason),
                    Verdict::Abstain => continue,
                };
                tracing::debug!(policy = id, %rule, action = %action_to_json(action), ?verdict, "policy decision");
                return ChainDecision {
                    verdict,
                    rule,
                    by_operator,
                };
            }
            Err(err) => {
                return ChainDecision {
                    verdict: ChainVerdict::Deny(format!("policy failed, refusing to act: {err}")),
                    rule: format!("{id}:error"),
                    by_operator,
                };
            }
        }
    }
    ChainDecision {
        verdict: ChainVerdict::Allow,
        rule: "chain:no-opinion".into(),
        by_operator: false,
    }
}
