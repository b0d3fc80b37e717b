//! The plugin runtime through real components built from this repository: grants,
//! limits, hostile plugins, the egress gate, the precompiled cache and the audit log.

use hearth::config::Config;
use hearth::plugins::bindings::model::hearth::plugin::model_types::{ModelEvent, ModelRequest};
use hearth::plugins::bindings::types::ToolCall;
use hearth::plugins::cache::LoadSource;
use hearth::plugins::loader::{LoadOptions, load_registry};
use hearth::plugins::state::DetachedServices;
use hearth::plugins::{CallContext, CallError, PluginRegistry, SandboxMode, invoke_tool};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn testing_plugins() -> PathBuf {
    Path::new(env!("HEARTH_BUILT_PLUGINS")).join("testing")
}

async fn registry_with(config_toml: &str, home: &Path) -> PluginRegistry {
    std::fs::write(home.join("config.toml"), config_toml).unwrap();
    let config = Config::load(home, &[]).unwrap();
    let options = LoadOptions {
        home: Some(home.to_path_buf()),
        plugin_dirs: vec![testing_plugins()],
        no_embedded: false,
    };
    let (registry, failures) = load_registry(&config, &options).await.unwrap();
    assert!(failures.is_empty(), "{failures:?}");
    registry
}

async fn call(
    registry: &PluginRegistry,
    tool: &str,
    args: Value,
    workspace: &Path,
) -> Result<Result<String, String>, CallError> {
    let (plugin, _) = registry
        .tool(tool)
        .unwrap_or_else(|| panic!("no tool {tool}"));
    let ctx = CallContext {
        workspace: Some(workspace.to_path_buf()),
        sandbox: SandboxMode::ReadOnly,
        ..Default::default()
    };
    let call = ToolCall {
        call_id: "c1".into(),
        name: tool.into(),
        arguments: args.to_string(),
        context: json!({"cwd": workspace}).to_string(),
    };
    invoke_tool(registry, &plugin, &call, &ctx, Arc::new(DetachedServices))
        .await
        .map(|r| r.map(|o| o.content).map_err(|e| format!("{e:?}")))
}

fn workspace() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    std::fs::create_dir_all(ws.join("src")).unwrap();
    std::fs::write(
        ws.join("src/main.rs"),
        "fn main() {\n    println!(\"hi\");\n}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("secret.txt"), "top secret").unwrap();
    std::os::unix::fs::symlink(dir.path().join("secret.txt"), ws.join("escape")).unwrap();
    let ws = ws.canonicalize().unwrap();
    (dir, ws)
}

#[tokio::test]
async fn file_tools_read_list_and_search_inside_the_workspace() {
    let home = tempfile::tempdir().unwrap();
    let (_dir, ws) = workspace();
    let registry = registry_with("", home.path()).await;
    let out = call(
        &registry,
        "read_file",
        json!({"file_path": "src/main.rs"}),
        &ws,
    )
    .await
    .unwrap()
    .unwrap();
    assert!(out.contains("L2:     println!(\"hi\");"), "{out}");
    let out = call(&registry, "list_dir", json!({"dir_path": ws}), &ws)
        .await
        .unwrap()
        .unwrap();
    assert!(out.contains("src/") && out.contains("main.rs"), "{out}");
    let out = call(&registry, "grep_files", json!({"pattern": "println"}), &ws)
        .await
        .unwrap()
        .unwrap();
    assert!(out.contains("main.rs"), "{out}");
}

#[tokio::test]
async fn file_tools_cannot_leave_the_workspace() {
    let home = tempfile::tempdir().unwrap();
    let (dir, ws) = workspace();
    let registry = registry_with("", home.path()).await;
    let outside = dir.path().canonicalize().unwrap().join("secret.txt");
    for path in [
        json!("../secret.txt"),
        json!(outside),
        json!("escape"),
        json!("/etc/passwd"),
    ] {
        let result = call(&registry, "read_file", json!({"file_path": path}), &ws)
            .await
            .unwrap();
        let err = result.expect_err(&format!("reading {path} must fail"));
        assert!(!err.contains("top secret"), "{err}");
        assert!(
            err.contains("outside the workspace") || err.contains("escapes the workspace"),
            "unclear error for {path}: {err}"
        );
    }
}

#[tokio::test]
async fn hostile_plugins_fail_only_their_own_call() {
    let home = tempfile::tempdir().unwrap();
    let (_dir, ws) = workspace();
    let registry = registry_with("", home.path()).await;

    let started = std::time::Instant::now();
    let err = call(&registry, "spin", json!({}), &ws).await.unwrap_err();
    assert!(matches!(err, CallError::Timeout { .. }), "{err}");
    assert!(err.to_string().contains("time limit"), "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));

    let err = call(&registry, "hog", json!({}), &ws).await.unwrap_err();
    assert!(matches!(err, CallError::Memory { .. }), "{err}");
    assert!(err.to_string().contains("memory limit"), "{err}");

    let err = call(&registry, "boom", json!({}), &ws).await.unwrap_err();
    assert!(matches!(err, CallError::Trap { .. }), "{err}");

    let out = call(&registry, "echo", json!({"text": "still here"}), &ws)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(out, "still here");
}

/// A one-request-at-a-time HTTP server on loopback answering `hello from <port>`.
fn http_server() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let body = format!("hello from {port}");
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    port
}

#[tokio::test]
async fn network_only_reaches_granted_destinations() {
    let (_dir, ws) = workspace();
    let granted_port = http_server();
    let other_port = http_server();

    let home = tempfile::tempdir().unwrap();
    let registry = registry_with("", home.path()).await;
    let url = format!("http://127.0.0.1:{granted_port}/");
    let out = call(&registry, "fetch", json!({"url": url}), &ws)
        .await
        .unwrap();
    let text = format!("{out:?}");
    assert!(
        !text.contains("hello from"),
        "ungranted fetch got through: {text}"
    );

    let home = tempfile::tempdir().unwrap();
    let config = format!(
        "[plugins.\"hearth.test.hostile\".grants]\nnetwork = [\"http://127.0.0.1:{granted_port}\"]\n"
    );
    let registry = registry_with(&config, home.path()).await;
    let out = call(&registry, "fetch", json!({"url": url}), &ws)
        .await
        .unwrap();
    assert!(
        format!("{out:?}").contains(&format!("hello from {granted_port}")),
        "{out:?}"
    );

    let other = format!("http://127.0.0.1:{other_port}/");
    let out = call(&registry, "fetch", json!({"url": other}), &ws)
        .await
        .unwrap();
    assert!(!format!("{out:?}").contains("hello from"), "{out:?}");
    let out = call(
        &registry,
        "fetch",
        json!({"url": format!("http://localhost:{granted_port}/")}),
        &ws,
    )
    .await
    .unwrap();
    assert!(
        !format!("{out:?}").contains("hello from"),
        "a grant by IP must not open a name: {out:?}"
    );

    registry.audit.flush();
    let audit = std::fs::read_to_string(home.path().join("audit/audit.jsonl")).unwrap();
    assert!(
        audit.contains(&format!("http://127.0.0.1:{other_port}")),
        "{audit}"
    );
}

#[tokio::test]
async fn env_vars_are_visible_only_when_granted() {
    // SAFETY: set before any plugin call in this test process reads it; other tests don't touch it.
    unsafe { std::env::set_var("HEARTH_TEST_VISIBLE", "shown") };
    let (_dir, ws) = workspace();
    let home = tempfile::tempdir().unwrap();
    let registry = registry_with("", home.path()).await;
    let out = call(
        &registry,
        "env",
        json!({"name": "HEARTH_TEST_VISIBLE"}),
        &ws,
    )
    .await
    .unwrap();
    assert!(!format!("{out:?}").contains("shown"), "{out:?}");
    let home = tempfile::tempdir().unwrap();
    let registry = registry_with(
        "[plugins.\"hearth.test.hostile\".grants]\nenv = [\"HEARTH_TEST_VISIBLE\", \"HOME\"]\n",
        home.path(),
    )
    .await;
    let out = call(
        &registry,
        "env",
        json!({"name": "HEARTH_TEST_VISIBLE"}),
        &ws,
    )
    .await
    .unwrap();
    assert!(format!("{out:?}").contains("shown"), "{out:?}");
    let out = call(&registry, "env", json!({"name": "HOME"}), &ws)
        .await
        .unwrap();
    assert!(
        !format!("{out:?}").contains('/'),
        "HOME was not requested by the plugin: {out:?}"
    );
}

#[tokio::test]
async fn second_load_comes_from_the_precompiled_cache() {
    let home = tempfile::tempdir().unwrap();
    let registry = registry_with("", home.path()).await;
    assert!(
        registry
            .plugins()
            .all(|p| p.load_source == LoadSource::Compiled)
    );
    drop(registry);
    let registry = registry_with("", home.path()).await;
    assert!(
        registry
            .plugins()
            .all(|p| p.load_source == LoadSource::Cached)
    );
}

#[tokio::test]
async fn approval_policy_implements_codex_modes() {
    let home = tempfile::tempdir().unwrap();
    let registry = registry_with("", home.path()).await;
    let policy = registry.require("hearth.approval").unwrap();
    let eval = |argv: &[&str], mode: &str| {
        let action = hearth::plugins::action_json::action_from_json(
            &json!({"exec": {"argv": argv, "cwd": ""}}).to_string(),
        )
        .unwrap();
        let context =
            json!({"approval-policy": mode, "sandbox-mode": "workspace-write"}).to_string();
        let registry = &registry;
        let policy = policy.clone();
        async move {
            let d = hearth::plugins::evaluate_policy(registry, &policy, &action, &context, None)
                .await
                .unwrap();
            hearth::plugins::calls::verdict_name(&d.verdict)
        }
    };
    assert_eq!(eval(&["ls", "-la"], "untrusted").await, "allow");
    assert_eq!(eval(&["rm", "-rf", "x"], "untrusted").await, "ask");
    assert_eq!(eval(&["rm", "-rf", "x"], "never").await, "allow");
    assert_eq!(eval(&["ls"], "bogus").await, "deny");
}

#[tokio::test]
async fn scripted_model_streams_its_script() {
    let home = tempfile::tempdir().unwrap();
    let registry = registry_with("", home.path()).await;
    let plugin = registry.require("hearth.scripted").unwrap();
    let script = json!({"responses": [[
        {"type": "reasoning", "summary": "thinking"},
        {"type": "text", "text": "hello there"},
        {"type": "tool_call", "name": "read_file", "arguments": {"file_path": "a"}}
    ]]});
    let request = ModelRequest {
        model: "scripted".into(),
        instructions: String::new(),
        input: json!([{"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]}])
            .to_string(),
        tools: "[]".into(),
        options: json!({"provider": {"script": script}}).to_string(),
    };
    let mut stream = hearth::plugins::start_model(
        &registry,
        plugin,
        &request,
        &CallContext::default(),
        Arc::default(),
        Arc::default(),
    )
    .await
    .unwrap()
    .unwrap();
    let mut text = String::new();
    let mut done = Vec::new();
    let mut usage = false;
    while let Some(event) = stream.next().await.unwrap().unwrap() {
        match event {
            ModelEvent::TextDelta(d) => text.push_str(&d.delta),
            ModelEvent::ItemDone(item) => done.push(serde_json::from_str::<Value>(&item).unwrap()),
            ModelEvent::Usage(_) => usage = true,
            _ => {}
        }
    }
    assert_eq!(text, "hello there");
    assert!(usage);
    let kinds: Vec<&str> = done.iter().map(|i| i["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["reasoning", "message", "function_call"]);
    assert_eq!(done[2]["name"], "read_file");
}
