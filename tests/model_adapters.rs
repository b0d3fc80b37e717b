//! The Responses and Chat Completions model adapters end to end: the real `hearth
//! app-server` (and `hearth exec`) against a real HTTP/1.1 mock provider speaking
//! server-sent events, configured only through `config.toml`. Every message hearth emits
//! is validated against the pinned Codex schema by the harness; every request the
//! provider receives is recorded and checked.
//!
//! - `streaming`: items, deltas, token usage and request bodies for both wire APIs.
//! - `retries`: 5xx, 429 with `retry-after`, dropped and idle streams, endless failures,
//!   interrupt cancelling the HTTP request.
//! - `isolation`: keys and origins per provider, `model/list`, `hearth exec`, defaults.
//! - `compaction`: manual and automatic context compaction.

#[path = "support/mod.rs"]
mod support;

#[path = "model_adapters/compaction.rs"]
mod compaction;
#[path = "model_adapters/isolation.rs"]
mod isolation;
#[path = "model_adapters/retries.rs"]
mod retries;
#[path = "model_adapters/streaming.rs"]
mod streaming;

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use support::client::AppServer;
use support::mock_model::MockModel;

/// The API key of the `mock` provider, set in hearth's environment.
pub const KEY: &str = "sk-test-mock-key";
/// Its environment variable.
pub const KEY_VAR: &str = "HEARTH_TEST_KEY";

/// A fresh home whose component cache already holds the embedded plugins (compiled once
/// per test run by `hearth plugin list`), so each test does not compile them again.
pub fn warm_home() -> tempfile::TempDir {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    let template = TEMPLATE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_hearth"))
            .arg("--home")
            .arg(&dir)
            .args(["plugin", "list"])
            .env_remove("HEARTH_HOME")
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        dir
    });
    let home = tempfile::tempdir().unwrap();
    support::copy_dir(&template.join("cache"), &home.path().join("cache"));
    home
}

/// A `[model_providers.<id>]` block for `mock` speaking `wire` with key variable `key_var`,
/// plus `extra` lines.
pub fn provider_block(
    id: &str,
    mock: &MockModel,
    wire: &str,
    key_var: &str,
    extra: &str,
) -> String {
    format!(
        "[model_providers.{id}]\nname = \"Mock {id}\"\nbase_url = \"{}\"\nwire_api = \"{wire}\"\nenv_key = \"{key_var}\"\n{extra}\n",
        mock.base_url()
    )
}

/// A warm home whose config selects provider `mock` (the given server, `wire`, model
/// `model`), with `extra` lines in its block.
pub fn mock_home(mock: &MockModel, wire: &str, model: &str, extra: &str) -> tempfile::TempDir {
    let home = warm_home();
    std::fs::write(
        home.path().join("config.toml"),
        format!(
            "model_provider = \"mock\"\nmodel = \"{model}\"\n{}",
            provider_block("mock", mock, wire, KEY_VAR, extra)
        ),
    )
    .unwrap();
    home
}

/// `hearth app-server` on `home` with the mock provider's key, initialized.
pub fn spawn(home: &Path) -> AppServer {
    let mut server = AppServer::spawn_with_env(home, &[], &[(KEY_VAR, KEY)]);
    server.initialize(json!({}));
    server
}

/// A workspace holding `a.txt` and `b.txt`.
pub fn workspace() -> tempfile::TempDir {
    let ws = tempfile::tempdir().unwrap();
    std::fs::write(ws.path().join("a.txt"), "alpha\n").unwrap();
    std::fs::write(ws.path().join("b.txt"), "beta\n").unwrap();
    ws
}

/// Starts a thread in `cwd` with extra `thread/start` params; returns its id.
pub fn start_thread(server: &mut AppServer, cwd: &Path, params: Value) -> String {
    let mut p = json!({"cwd": cwd});
    p.as_object_mut()
        .unwrap()
        .extend(params.as_object().cloned().unwrap_or_default());
    let result = server.request("thread/start", p);
    server.wait_for("thread/started");
    result["thread"]["id"].as_str().unwrap().to_string()
}

/// Starts a turn with `prompt`.
pub fn begin_turn(server: &mut AppServer, thread: &str, prompt: &str) {
    server.request(
        "turn/start",
        json!({"threadId": thread, "input": [{"type": "text", "text": prompt, "text_elements": []}]}),
    );
}

/// Runs a turn; returns every message up to and including `turn/completed`.
pub fn run_turn(server: &mut AppServer, thread: &str, prompt: &str) -> Vec<Value> {
    begin_turn(server, thread, prompt);
    server.collect_until("turn/completed")
}

/// The params of the notifications of `method`.
pub fn params<'a>(events: &'a [Value], method: &str) -> Vec<&'a Value> {
    events
        .iter()
        .filter(|e| e["method"] == method)
        .map(|e| &e["params"])
        .collect()
}

/// The completed items of type `kind`.
pub fn completed<'a>(events: &'a [Value], kind: &str) -> Vec<&'a Value> {
    params(events, "item/completed")
        .into_iter()
        .map(|p| &p["item"])
        .filter(|i| i["type"] == kind)
        .collect()
}

/// The deltas of `method` for item `id`.
pub fn deltas(events: &[Value], method: &str, id: &str) -> Vec<String> {
    params(events, method)
        .into_iter()
        .filter(|p| p["itemId"] == id)
        .map(|p| p["delta"].as_str().unwrap().to_string())
        .collect()
}

/// The turn of the last `turn/completed`.
pub fn final_turn(events: &[Value]) -> &Value {
    &params(events, "turn/completed")
        .last()
        .expect("turn/completed")["turn"]
}

/// `error` notifications as `(message, willRetry)`.
pub fn errors(events: &[Value]) -> Vec<(String, bool)> {
    params(events, "error")
        .into_iter()
        .map(|p| {
            (
                p["error"]["message"].as_str().unwrap().to_string(),
                p["willRetry"].as_bool().unwrap(),
            )
        })
        .collect()
}
