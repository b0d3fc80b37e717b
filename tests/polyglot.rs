//! Plugins in any language, end to end: the Python and JavaScript examples (`examples/`)
//! are built with their pinned toolchains, loaded through `--plugins DIR`, and driven in
//! real app-server turns by the scripted model, under the same grants and limits as Rust
//! plugins. Also: the precompiled cache on a second start, `hearth plugin check` on
//! components that do not fit, and `hearth plugin new` scaffolds that build and pass check.
//!
//! The first test to run builds the examples (`examples/build.sh`, a few minutes cold,
//! seconds when nothing changed) and compiles them once; the others reuse both.

#[path = "support/mod.rs"]
mod support;

#[path = "polyglot/fixture.rs"]
mod fixture;

#[path = "polyglot/scaffolds.rs"]
mod scaffolds;

use fixture::{PageServer, append_config, examples, hearth, prepend_config, s};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use support::client::{AppServer, scripted_home};

/// Runs one turn of the home's script in a new thread on `workspace` with the given
/// examples loaded; returns the completed `mcpToolCall` items by call id (calls of one
/// response run in parallel and complete in any order) and every message received.
fn turn(
    home: &std::path::Path,
    plugins: &[&str],
    workspace: &std::path::Path,
) -> (BTreeMap<String, Value>, Vec<Value>) {
    let ex = examples();
    let args = ex.plugin_args(plugins);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    // The cache the examples' first start filled, so no server compiles a 12-18 MB
    // component while the client waits for `turn/start`.
    let cache = ex.cache_home.join("cache/components");
    let mut server = AppServer::spawn_with_env(home, &args, &[("HEARTH_CACHE_DIR", s(&cache))]);
    server.initialize(json!({}));
    let thread = server.request("thread/start", json!({"cwd": workspace}));
    let thread = thread["thread"]["id"].as_str().unwrap().to_string();
    server.wait_for("thread/started");
    server.request(
        "turn/start",
        json!({"threadId": thread, "input": [{"type": "text", "text": "go", "text_elements": []}]}),
    );
    let events = server.collect_until("turn/completed");
    assert_eq!(
        events.last().unwrap()["params"]["turn"]["status"],
        "completed"
    );
    let calls = events
        .iter()
        .filter(|e| e["method"] == "item/completed" && e["params"]["item"]["type"] == "mcpToolCall")
        .map(|e| {
            let item = e["params"]["item"].clone();
            (item["id"].as_str().unwrap().to_string(), item)
        })
        .collect();
    let received = server.received.clone();
    server.shutdown();
    (calls, received)
}

/// A scripted call of `name` with call id `id`.
fn tool_call(id: &str, name: &str, arguments: Value) -> Value {
    json!({"type": "tool_call", "call_id": id, "name": name, "arguments": arguments})
}

/// The text a completed tool call gave back, or its error message.
fn output(item: &Value) -> String {
    match item["status"].as_str() {
        Some("completed") => item["result"]["content"][0]["text"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        _ => item["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    }
}

#[test]
fn a_second_start_loads_the_examples_from_the_precompiled_cache() {
    let ex = examples();
    let ids = ["example.data", "example.web", "example.guard"];
    let by_id = |list: &Value, id: &str| -> Value {
        list.as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .unwrap_or_else(|| panic!("{id} not loaded: {list:#}"))
            .clone()
    };
    for id in ids {
        let first = by_id(&ex.first_start, id);
        assert_eq!(first["loadSource"], "compiled", "{first:#}");
        eprintln!("first start: {id} compiled in {:.0} ms", first["loadMs"]);
    }
    let mut args = ex.plugin_args(&["python-tool", "js-tool", "python-policy"]);
    args.extend(["plugin", "list", "--json"].map(String::from));
    let second = hearth(&ex.cache_home, &args).ok();
    let list = second.json();
    for id in ids {
        let plugin = by_id(&list, id);
        assert_eq!(plugin["loadSource"], "cached", "{plugin:#}");
        let ms = plugin["loadMs"].as_f64().unwrap();
        eprintln!("second start: {id} loaded from the cache in {ms:.1} ms");
        // The release benchmark (benches/polyglot_load.rs) measures the real figure;
        // this debug-build bound only proves the cache, not compilation, was used.
        assert!(ms < 1000.0, "{id} took {ms} ms from the cache");
    }
    eprintln!(
        "whole process: first start {:.1} s, second start {:.2} s",
        ex.first_start_elapsed.as_secs_f64(),
        second.elapsed.as_secs_f64()
    );
    assert!(second.elapsed < ex.first_start_elapsed);
}

#[test]
fn the_python_tool_answers_in_a_turn_and_cannot_read_outside_its_workspace() {
    let ex = examples();
    let home = ex.home();
    let ws = tempfile::tempdir().unwrap();
    std::fs::create_dir(ws.path().join("data")).unwrap();
    std::fs::write(
        ws.path().join("data/people.csv"),
        "name,age,joined\nann,34,2020-01-02\nbob,,2021-03-04\ncy,51,2022-01-01\n",
    )
    .unwrap();
    std::fs::write(
        ws.path().join("Cargo.toml"),
        "[package]\nname = \"x\"\n[dependencies]\nserde = { version = \"1\" }\nregex = { version = \"1.10\" }\n",
    )
    .unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.json"),
        r#"{"token": "TOPSECRET-42"}"#,
    )
    .unwrap();
    let escape = format!(
        "../{}/secret.json",
        outside.path().file_name().unwrap().to_str().unwrap()
    );
    scripted_home(
        home.path(),
        &json!({"responses": [
            [
                tool_call("inspect", "data_inspect", json!({"path": "data/people.csv"})),
                tool_call("query", "data_query", json!({"path": "Cargo.toml", "query": "dependencies.*.version"})),
                tool_call("absolute", "data_inspect", json!({"path": s(&outside.path().join("secret.json"))})),
                tool_call("escape", "data_inspect", json!({"path": escape})),
            ],
            [{"type": "text", "text": "done"}]
        ]}),
    );
    let (calls, received) = turn(home.path(), &["python-tool"], ws.path());
    assert_eq!(calls.len(), 4, "{calls:#?}");
    assert!(calls.values().all(|c| c["server"] == "example.data"));
    let (inspect, query) = (&calls["inspect"], &calls["query"]);
    assert_eq!(inspect["status"], "completed", "{inspect:#}");
    let text = output(inspect);
    for expected in [
        "3 rows, 3 columns",
        "age: int",
        "range 34 .. 51",
        "joined: date",
    ] {
        assert!(text.contains(expected), "{expected:?} missing in:\n{text}");
    }
    assert_eq!(query["status"], "completed", "{query:#}");
    assert!(
        output(query).contains(r#"dependencies.regex.version: "1.10""#),
        "{query:#}"
    );
    // Outside the preopened workspace the file does not exist for the plugin.
    for denied in [&calls["absolute"], &calls["escape"]] {
        assert_eq!(denied["status"], "failed", "{denied:#}");
        assert!(output(denied).contains("cannot read"), "{denied:#}");
    }
    let all = serde_json::to_string(&received).unwrap();
    assert!(
        !all.contains("TOPSECRET"),
        "the secret leaked into the turn"
    );

    // The operator's limits hold as for any plugin: time, and memory (CPython's heap).
    // Big enough that parsing it takes far longer than a 1 ms deadline.
    let rows: String = (0..60_000)
        .map(|i| format!("p{i},{},2020-01-01\n", i % 90))
        .collect();
    std::fs::write(
        ws.path().join("data/big.csv"),
        format!("name,age,joined\n{rows}"),
    )
    .unwrap();
    let call = |limit: &str| {
        let arguments = json!({"path": "data/big.csv"}).to_string();
        let mut args = ex.plugin_args(&["python-tool"]);
        args.extend(["-c", limit, "plugin", "call", "data_inspect"].map(String::from));
        args.extend([arguments, "--cwd".into(), s(ws.path()).into()]);
        hearth(home.path(), &args)
    };
    // (The deadline covers `describe` at load too; either way the plugin is stopped.)
    let slow = call(r#"plugins."example.data".limits.timeout_ms=150"#);
    assert!(
        format!("{}{}", slow.stdout, slow.stderr).contains("exceeded its time limit of 150 ms"),
        "{slow:?}"
    );
    let small = call(r#"plugins."example.data".limits.memory_mb=8"#);
    assert!(
        small.stderr.contains("exceeded its memory limit of 8 MiB"),
        "{small:?}"
    );
}

#[test]
fn the_js_tool_reaches_only_the_host_it_was_granted_in_a_turn() {
    let ex = examples();
    let home = ex.home();
    let ws = tempfile::tempdir().unwrap();
    let granted = PageServer::start(
        "<html><head><title>Granted page</title><style>p{}</style></head><body><h1>Release notes</h1><p>Version 2 is out.</p></body></html>",
    );
    let other = PageServer::start("<p>you should never see this</p>");
    scripted_home(
        home.path(),
        &json!({"responses": [
            [
                tool_call("granted", "web_fetch", json!({"url": format!("{}/notes", granted.origin)})),
                tool_call("other", "web_fetch", json!({"url": format!("{}/", other.origin)})),
            ],
            [{"type": "text", "text": "done"}]
        ]}),
    );
    append_config(
        home.path(),
        &format!(
            "[plugins.\"example.web\".grants]\nnetwork = [{:?}]\n",
            granted.origin
        ),
    );
    let (calls, received) = turn(home.path(), &["js-tool"], ws.path());
    assert_eq!(calls.len(), 2, "{calls:#?}");
    let (ok, refused) = (&calls["granted"], &calls["other"]);
    assert_eq!(ok["server"], "example.web");
    assert_eq!(ok["status"], "completed", "{ok:#}");
    let text = output(ok);
    for expected in [
        "200 OK",
        "Granted page",
        "# Release notes",
        "Version 2 is out.",
    ] {
        assert!(text.contains(expected), "{expected:?} missing in:\n{text}");
    }
    assert!(!text.contains("p{}"), "styles must be dropped:\n{text}");
    assert_eq!(refused["status"], "failed", "{refused:#}");
    assert!(output(refused).contains("cannot fetch"), "{refused:#}");
    assert_eq!(granted.hits(), 1);
    assert_eq!(other.hits(), 0, "the egress gate let a request through");
    assert!(
        !serde_json::to_string(&received)
            .unwrap()
            .contains("never see this")
    );
}

#[test]
fn the_python_policy_blocks_what_it_says_in_a_turn() {
    let ex = examples();
    let home = ex.home();
    let ws = tempfile::tempdir().unwrap();
    std::fs::write(ws.path().join(".env"), "API_KEY=TOPSECRET-7\n").unwrap();
    std::fs::write(ws.path().join("notes.txt"), "alpha\nbeta\n").unwrap();
    std::fs::create_dir(ws.path().join("keys")).unwrap();
    std::fs::write(ws.path().join("keys/server.pem"), "-----TOPSECRET-----\n").unwrap();
    scripted_home(
        home.path(),
        &json!({"responses": [
            [
                tool_call("env", "read_file", json!({"file_path": ".env"})),
                tool_call("notes", "read_file", json!({"file_path": "notes.txt"})),
                tool_call("pem", "read_file", json!({"file_path": "keys/server.pem"})),
                tool_call("etc", "list_dir", json!({"dir_path": "/etc"})),
                tool_call("upload", "web_fetch", json!({"url": "https://exfiltrate.example/upload"})),
            ],
            [{"type": "text", "text": "done"}]
        ]}),
    );
    // Top-level keys go before the tables scripted_home wrote.
    prepend_config(home.path(), "operator_policies = [\"example.guard\"]\n");
    append_config(
        home.path(),
        "[plugins.\"example.web\".grants]\nnetwork = [\"*\"]\n",
    );
    let (calls, received) = turn(home.path(), &["python-policy", "js-tool"], ws.path());
    assert_eq!(calls.len(), 5, "{calls:#?}");
    let expect_denied = |item: &Value, rule: &str| {
        assert_eq!(item["status"], "failed", "{item:#}");
        let message = output(item);
        assert!(
            message.contains(&format!("example.guard:{rule}")),
            "{rule} missing in {message}"
        );
    };
    expect_denied(&calls["env"], "guard.paths.secret");
    assert_eq!(
        calls["notes"]["status"], "completed",
        "{:#}",
        calls["notes"]
    );
    assert!(output(&calls["notes"]).contains("alpha"));
    expect_denied(&calls["pem"], "guard.paths.secret");
    expect_denied(&calls["etc"], "guard.paths.outside-workspace");
    expect_denied(&calls["upload"], "guard.network.host-not-allowed");
    assert!(
        !serde_json::to_string(&received)
            .unwrap()
            .contains("TOPSECRET")
    );

    // Commands: judged the same way when a tool asks to run one.
    let eval = |action: Value| {
        let mut args = ex.plugin_args(&["python-policy"]);
        args.extend(["plugin", "eval", "example.guard"].map(String::from));
        args.push(action.to_string());
        args.push(json!({"cwd": s(ws.path())}).to_string());
        hearth(home.path(), &args).ok().json()
    };
    let push = eval(json!({"exec": {"argv": ["git", "push", "origin", "main"], "cwd": ""}}));
    assert_eq!(push["verdict"], "ask", "{push}");
    assert_eq!(push["ruleId"], "guard.exec.git-push");
    let rm = eval(json!({"exec": {"argv": ["bash", "-lc", "cd src && rm -rf /"], "cwd": ""}}));
    assert_eq!(rm["verdict"], "deny", "{rm}");
    assert_eq!(rm["ruleId"], "guard.exec.rm-root");
    let build = eval(json!({"exec": {"argv": ["cargo", "build"], "cwd": ""}}));
    assert_eq!(build["verdict"], "abstain", "{build}");

    // A pure component: it imports nothing at all.
    let mut args = ex.plugin_args(&["python-policy"]);
    args.extend(["plugin", "inspect", "example.guard"].map(String::from));
    let inspect = hearth(home.path(), &args).ok().json();
    // (Type-only interfaces may be listed; none has a function to call.)
    let imports = inspect["imports"].as_array().unwrap();
    assert!(
        imports.iter().all(|i| i["functions"] == json!([])),
        "{imports:#?}"
    );
}

#[test]
fn plugin_check_explains_what_does_not_fit() {
    let ex = examples();
    let home = ex.home();
    let tool = ex.dir("js-tool").join("web-fetch.wasm");
    let run = hearth(
        home.path(),
        &["plugin", "check", s(&tool), "--kind", "policy"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    for expected in [
        "does not fit the policy world hearth:plugin/policy-plugin@0.1.0",
        "missing export `hearth:plugin/policy@0.1.0`",
        "exports hearth:plugin/tool-provider@0.1.0",
        "pure components with no imports",
        "JS with disableFeatures",
    ] {
        assert!(
            run.stdout.contains(expected),
            "{expected:?} missing in:\n{}",
            run.stdout
        );
    }
    let policy = ex.dir("python-policy").join("workspace-guard.wasm");
    let run = hearth(
        home.path(),
        &["plugin", "check", s(&policy), "--kind", "tool"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .contains("missing export `hearth:plugin/tool-provider@0.1.0`"),
        "{}",
        run.stdout
    );
    let ok = hearth(home.path(), &["plugin", "check", s(&policy)]).ok();
    assert!(
        ok.stdout.contains("ok — fits the policy world"),
        "{}",
        ok.stdout
    );
}

#[test]
fn python_and_js_scaffolds_build_and_pass_check() {
    scaffolds::python_and_js(examples());
}

#[test]
fn the_rust_scaffold_builds_and_passes_check() {
    scaffolds::rust();
}
