//! Tests of the decision logic.

use super::*;

fn ctx(policy: &str, sandbox: &str) -> PolicyContext {
    PolicyContext {
        approval_policy: policy.to_string(),
        sandbox_mode: sandbox.to_string(),
        ..PolicyContext::default()
    }
}

fn argv(words: &[&str]) -> Vec<String> {
    words.iter().map(|s| s.to_string()).collect()
}

fn rule_of(subject: &Subject, ctx: &PolicyContext) -> (&'static str, bool) {
    let out = decide(subject, ctx);
    (out.rule, out.verdict == Verdict::Allow)
}

const READ: ToolEffects = ToolEffects {
    writes_fs: false,
    network: false,
    exec: false,
};
const WRITE: ToolEffects = ToolEffects {
    writes_fs: true,
    network: false,
    exec: false,
};
const NET: ToolEffects = ToolEffects {
    writes_fs: false,
    network: true,
    exec: false,
};

#[test]
fn never_allows_but_never_leaves_the_sandbox() {
    let ls = argv(&["rm", "-rf", "x"]);
    let c = ctx("never", "read-only");
    assert_eq!(
        rule_of(&Subject::Exec { argv: &ls }, &c),
        ("never.allow", true)
    );
    assert_eq!(
        rule_of(&Subject::FileChange { paths: vec!["a"] }, &c),
        ("never.allow", true)
    );
    assert_eq!(
        rule_of(&Subject::ToolCall { effects: WRITE }, &c),
        ("never.allow", true)
    );
    let denied = PolicyContext {
        sandbox_denied: true,
        ..c.clone()
    };
    let out = decide(&Subject::Exec { argv: &ls }, &denied);
    assert_eq!(out.rule, "never.no-escalation");
    assert!(matches!(out.verdict, Verdict::Deny(_)));
    let escalated = PolicyContext {
        escalated: true,
        ..c
    };
    assert_eq!(
        decide(&Subject::Exec { argv: &ls }, &escalated).rule,
        "never.no-escalation"
    );
}

#[test]
fn untrusted_allows_known_safe_only() {
    let c = ctx("untrusted", "workspace-write");
    let ls = argv(&["bash", "-lc", "ls && git status"]);
    let rm = argv(&["rm", "x"]);
    assert_eq!(
        rule_of(&Subject::Exec { argv: &ls }, &c),
        ("untrusted.known-safe", true)
    );
    let out = decide(&Subject::Exec { argv: &rm }, &c);
    assert_eq!(out.rule, "untrusted.ask");
    assert!(matches!(out.verdict, Verdict::Ask(_)));
    assert_eq!(
        rule_of(&Subject::FileChange { paths: vec!["a"] }, &c),
        ("untrusted.ask", false)
    );
    let escalated = PolicyContext {
        escalated: true,
        ..c.clone()
    };
    assert_eq!(
        rule_of(&Subject::Exec { argv: &ls }, &escalated),
        ("untrusted.escalation", false)
    );
    let denied = PolicyContext {
        sandbox_denied: true,
        ..c
    };
    assert_eq!(
        rule_of(&Subject::Exec { argv: &ls }, &denied),
        ("untrusted.retry-unsandboxed", false)
    );
}

#[test]
fn tool_calls() {
    for policy in ["untrusted", "on-request", "on-failure"] {
        let c = ctx(policy, "read-only");
        assert_eq!(
            rule_of(&Subject::ToolCall { effects: READ }, &c),
            ("tool-call.no-side-effects", true)
        );
        let out = decide(&Subject::ToolCall { effects: WRITE }, &c);
        assert_eq!(
            (out.rule, out.verdict),
            ("tool-call.defer", Verdict::Abstain)
        );
        let exec = ToolEffects { exec: true, ..READ };
        assert_eq!(
            decide(&Subject::ToolCall { effects: exec }, &c).verdict,
            Verdict::Abstain
        );
    }
    assert_eq!(
        rule_of(&Subject::ToolCall { effects: NET }, &ctx("untrusted", "")),
        ("untrusted.network", false)
    );
    assert_eq!(
        rule_of(&Subject::ToolCall { effects: NET }, &ctx("on-request", "")),
        ("tool-call.no-side-effects", true)
    );
}

#[test]
fn on_request_runs_sandboxed_and_asks_to_escalate() {
    let c = ctx("on-request", "workspace-write");
    let cmd = argv(&["cargo", "build"]);
    assert_eq!(
        rule_of(&Subject::Exec { argv: &cmd }, &c),
        ("on-request.sandboxed", true)
    );
    let escalated = PolicyContext {
        escalated: true,
        ..c.clone()
    };
    let out = decide(&Subject::Exec { argv: &cmd }, &escalated);
    assert_eq!(out.rule, "on-request.escalation");
    assert!(matches!(out.verdict, Verdict::Ask(_)));
    let denied = PolicyContext {
        sandbox_denied: true,
        ..c
    };
    let out = decide(&Subject::Exec { argv: &cmd }, &denied);
    assert_eq!(out.rule, "on-request.sandbox-denied");
    assert!(matches!(out.verdict, Verdict::Deny(_)));
}

#[test]
fn on_request_file_changes_follow_the_sandbox_mode() {
    let inside = Subject::FileChange {
        paths: vec!["src/a.rs", "b/../c.rs"],
    };
    let outside = Subject::FileChange {
        paths: vec!["src/a.rs", "../elsewhere.rs"],
    };
    let absolute = Subject::FileChange {
        paths: vec!["/etc/passwd"],
    };
    let ww = ctx("on-request", "workspace-write");
    assert_eq!(rule_of(&inside, &ww), ("on-request.workspace-write", true));
    assert_eq!(
        rule_of(&outside, &ww),
        ("on-request.outside-workspace", false)
    );
    assert_eq!(
        rule_of(&absolute, &ww),
        ("on-request.outside-workspace", false)
    );
    let full = ctx("on-request", "danger-full-access");
    assert_eq!(rule_of(&outside, &full), ("on-request.full-access", true));
    let ro = ctx("on-request", "read-only");
    assert_eq!(rule_of(&inside, &ro), ("on-request.read-only", false));
}

#[test]
fn on_failure_asks_only_after_a_sandbox_refusal() {
    let c = ctx("on-failure", "read-only");
    let cmd = argv(&["make"]);
    assert_eq!(
        rule_of(&Subject::Exec { argv: &cmd }, &c),
        ("on-failure.sandboxed", true)
    );
    assert_eq!(
        rule_of(&Subject::FileChange { paths: vec!["a"] }, &c),
        ("on-failure.sandboxed", true)
    );
    let denied = PolicyContext {
        sandbox_denied: true,
        ..c
    };
    let out = decide(&Subject::Exec { argv: &cmd }, &denied);
    assert_eq!(out.rule, "on-failure.retry-unsandboxed");
    assert!(matches!(out.verdict, Verdict::Ask(_)));
}

#[test]
fn unknown_policies_are_denied() {
    let cmd = argv(&["ls"]);
    for policy in ["", "sometimes", "Never"] {
        let out = decide(&Subject::Exec { argv: &cmd }, &ctx(policy, "read-only"));
        assert_eq!(out.rule, "config.unknown-policy");
        assert!(
            matches!(out.verdict, Verdict::Deny(ref r) if r.contains("approval policy")),
            "{out:?}"
        );
    }
}

#[test]
fn workspace_paths() {
    assert!(inside_workspace("a/b"));
    assert!(inside_workspace("a/../b"));
    assert!(inside_workspace("./a"));
    assert!(!inside_workspace("../a"));
    assert!(!inside_workspace("a/../../b"));
    assert!(!inside_workspace("/abs"));
}
