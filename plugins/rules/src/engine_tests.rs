//! Tests of rule matching and decisions.

use serde_json::json;

use super::*;
use crate::settings;

fn rules(list: serde_json::Value) -> Vec<Rule> {
    settings::parse(Some(&json!({ "rules": list }))).unwrap()
}

/// The rules of the crate documentation.
fn documented() -> Vec<Rule> {
    rules(json!([
        {"id": "no-push", "decision": "deny", "justification": "Pushing is done by CI", "argv_prefix": ["git", "push"]},
        {"id": "secrets", "decision": "deny", "paths": ["**/.env", "**/*.pem"]},
        {"id": "no-net-tools", "decision": "ask", "tools": ["fetch"]},
        {"id": "hosts", "decision": "deny", "hosts": ["*.internal.example.com"]},
        {"id": "status", "decision": "allow", "argv_prefix": ["git", "status"]},
        {"id": "log", "decision": "allow", "argv_prefix": ["git", "log"]},
    ]))
}

fn argv(words: &[&str]) -> Vec<String> {
    words.iter().map(|s| s.to_string()).collect()
}

fn exec(rules: &[Rule], words: &[&str]) -> Outcome {
    let argv = argv(words);
    decide(
        rules,
        &Subject::Exec {
            argv: &argv,
            cwd: "",
        },
        "/ws",
    )
}

fn tool(rules: &[Rule], name: &str, args: serde_json::Value) -> Outcome {
    let arguments = args.to_string();
    decide(
        rules,
        &Subject::ToolCall {
            tool: name,
            arguments: &arguments,
        },
        "/ws",
    )
}

fn files(rules: &[Rule], paths: &[&str]) -> Outcome {
    decide(
        rules,
        &Subject::FileChange {
            paths: paths.to_vec(),
        },
        "/ws",
    )
}

fn deny(rule: &str, reason: &str) -> Outcome {
    Outcome {
        verdict: Verdict::Deny(reason.into()),
        rule: rule.into(),
    }
}

fn rule_of(o: &Outcome) -> &str {
    &o.rule
}

#[test]
fn argv_prefixes() {
    let r = documented();
    assert_eq!(
        exec(&r, &["git", "push", "origin"]),
        deny("rules.no-push", "Pushing is done by CI (rule no-push)")
    );
    assert_eq!(
        rule_of(&exec(&r, &["/usr/bin/git", "push"])),
        "rules.no-push"
    );
    assert_eq!(rule_of(&exec(&r, &["git", "pull"])), "rules.no-match");
    assert_eq!(rule_of(&exec(&r, &["git"])), "rules.no-match");
    assert_eq!(exec(&r, &["git", "status"]).verdict, Verdict::Allow);
    assert_eq!(rule_of(&exec(&r, &["git", "status"])), "rules.status");
}

#[test]
fn wrapped_scripts_are_split() {
    let r = documented();
    for script in [
        "cd sub && git push",
        "git status; git push",
        "echo $(git push)",
        "sh -c 'git push --force'",
        "FOO=1 git push",
    ] {
        let o = exec(&r, &["bash", "-lc", script]);
        assert_eq!(rule_of(&o), "rules.no-push", "{script}");
        assert!(matches!(o.verdict, Verdict::Deny(_)));
    }
}

#[test]
fn allow_needs_every_command_of_a_plain_script() {
    let r = documented();
    let o = exec(&r, &["bash", "-lc", "git status && git log -1"]);
    assert_eq!(
        (o.verdict, o.rule.as_str()),
        (Verdict::Allow, "rules.status")
    );
    for script in [
        "git status && rm -rf x",
        "git status > out",
        "git log $(rm x)",
    ] {
        let o = exec(&r, &["bash", "-lc", script]);
        assert_eq!(o.verdict, Verdict::Abstain, "{script}");
    }
}

#[test]
fn deny_beats_ask_beats_allow_and_order_decides_within() {
    let r = rules(json!([
        {"id": "ask-curl", "decision": "ask", "justification": "Network access", "argv_prefix": ["curl"]},
        {"id": "allow-ls", "decision": "allow", "argv_prefix": ["ls"]},
        {"id": "deny-rm", "decision": "deny", "argv_prefix": ["rm"]},
        {"id": "allow-rm-tmp", "decision": "allow", "argv_prefix": ["rm", "tmp"]},
    ]));
    let o = exec(&r, &["bash", "-lc", "ls && curl x"]);
    assert_eq!(
        o.verdict,
        Verdict::Ask("Network access (rule ask-curl)".into())
    );
    let o = exec(&r, &["bash", "-lc", "curl x | rm y"]);
    assert_eq!(rule_of(&o), "rules.deny-rm");
    // The first matching rule wins: `rm tmp` is denied by the earlier, broader rule.
    assert_eq!(rule_of(&exec(&r, &["rm", "tmp"])), "rules.deny-rm");
    assert_eq!(
        exec(&r, &["rm"]).verdict,
        Verdict::Deny("matched the operator's rule deny-rm".into())
    );
}

#[test]
fn paths_in_file_changes_tool_calls_and_commands() {
    let r = documented();
    assert_eq!(
        rule_of(&files(&r, &["src/main.rs", "config/.env"])),
        "rules.secrets"
    );
    assert_eq!(rule_of(&files(&r, &[".env"])), "rules.secrets");
    assert_eq!(rule_of(&files(&r, &["src/main.rs"])), "rules.no-match");
    assert_eq!(
        rule_of(&tool(
            &r,
            "read_file",
            json!({"file_path": "/ws/keys/server.pem"})
        )),
        "rules.secrets"
    );
    assert_eq!(
        rule_of(&tool(&r, "list_dir", json!({"dir_path": "a/.env"}))),
        "rules.secrets"
    );
    assert_eq!(
        rule_of(&tool(&r, "read_file", json!({"file_path": "README.md"}))),
        "rules.no-match"
    );
    assert_eq!(
        rule_of(&tool(&r, "grep_files", json!({"pattern": ".env"}))),
        "rules.no-match"
    );
    assert_eq!(rule_of(&exec(&r, &["cat", ".env"])), "rules.secrets");
    assert_eq!(
        rule_of(&exec(&r, &["bash", "-lc", "cat config/.env | head"])),
        "rules.secrets"
    );
    assert_eq!(
        rule_of(&exec(&r, &["openssl", "x509", "--in=k.pem"])),
        "rules.secrets"
    );
    assert_eq!(
        rule_of(&exec(&r, &["grep", "-r", "--include", "x"])),
        "rules.no-match"
    );
}

#[test]
fn relative_and_absolute_path_patterns() {
    let r = rules(json!([
        {"id": "etc", "decision": "deny", "paths": ["/etc/**"]},
        {"id": "gen", "decision": "ask", "paths": ["generated/**"]},
    ]));
    assert_eq!(
        rule_of(&tool(&r, "read_file", json!({"file_path": "/etc/passwd"}))),
        "rules.etc"
    );
    assert_eq!(
        rule_of(&tool(
            &r,
            "read_file",
            json!({"path": "/ws/generated/x.rs"})
        )),
        "rules.gen"
    );
    assert_eq!(rule_of(&files(&r, &["generated/a/b.rs"])), "rules.gen");
    let argv = argv(&["rm", "../generated/x"]);
    let o = decide(
        &r,
        &Subject::Exec {
            argv: &argv,
            cwd: "sub",
        },
        "/ws",
    );
    assert_eq!(rule_of(&o), "rules.gen");
    assert_eq!(
        rule_of(&exec(&r, &["cat", "../../etc/passwd"])),
        "rules.etc"
    );
}

#[test]
fn tools_and_hosts() {
    let r = documented();
    assert!(matches!(
        tool(&r, "fetch", json!({"url": "https://example.com"})).verdict,
        Verdict::Ask(_)
    ));
    let o = tool(
        &r,
        "web_search",
        json!({"query": "x", "sources": ["https://wiki.internal.example.com/a"]}),
    );
    assert_eq!(rule_of(&o), "rules.hosts");
    assert_eq!(
        rule_of(&exec(
            &r,
            &["curl", "-s", "http://db.internal.example.com:8080/x"]
        )),
        "rules.hosts"
    );
    assert_eq!(
        rule_of(&exec(&r, &["curl", "https://example.com"])),
        "rules.no-match"
    );
    // Every matcher of a rule must match.
    let both =
        rules(json!([{"id": "f", "decision": "deny", "tools": ["fetch"], "hosts": ["*.corp"]}]));
    assert_eq!(
        rule_of(&tool(&both, "fetch", json!({"url": "https://a.corp/x"}))),
        "rules.f"
    );
    assert_eq!(
        rule_of(&tool(&both, "fetch", json!({"url": "https://a.org/x"}))),
        "rules.no-match"
    );
    assert_eq!(
        rule_of(&tool(&both, "other", json!({"url": "https://a.corp/x"}))),
        "rules.no-match"
    );
}

#[test]
fn matchers_only_apply_to_their_actions() {
    let r = documented();
    assert_eq!(
        rule_of(&tool(&r, "shell", json!({"command": ["git", "push"]}))),
        "rules.no-match"
    );
    assert_eq!(rule_of(&exec(&r, &["fetch"])), "rules.no-match");
    assert_eq!(
        rule_of(&tool(&r, "x", json!("not an object"))),
        "rules.no-match"
    );
    assert_eq!(
        rule_of(&decide(
            &[],
            &Subject::FileChange {
                paths: vec![".env"]
            },
            "/ws"
        )),
        "rules.none"
    );
}

#[test]
fn path_facts() {
    let f = path_fact("/ws", "sub", "../a/./b");
    assert_eq!(
        (f.relative.as_deref(), f.absolute.as_deref()),
        (Some("a/b"), Some("/ws/a/b"))
    );
    let f = path_fact("/ws", "", "../../x");
    assert_eq!((f.relative, f.absolute.as_deref()), (None, Some("/x")));
    let f = path_fact("/ws", "", "/other/y");
    assert_eq!(
        (f.relative, f.absolute.as_deref()),
        (None, Some("/other/y"))
    );
    let f = path_fact("", "", "rel");
    assert_eq!((f.relative.as_deref(), f.absolute), (Some("rel"), None));
}
