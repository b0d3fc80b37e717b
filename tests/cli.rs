//! The `hearth` binary end to end: every test runs the real executable over real pipes,
//! with its own `--home`, and reads what a user would read (stdout, stderr, exit code,
//! files under the home).

#[path = "support/mod.rs"]
mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The first-party plugins as `build.rs` built them: `embedded/` and `testing/`.
fn built(sub: &str) -> PathBuf {
    Path::new(env!("HEARTH_BUILT_PLUGINS")).join(sub)
}

/// What one run of the binary printed and returned.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    fn ok(self) -> Self {
        assert_eq!(
            self.code, 0,
            "exit code {}\nstdout:\n{}\nstderr:\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }
}

/// Runs `hearth --home <home> <args>` with a clean logging environment plus `env`.
fn hearth_env(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hearth"));
    cmd.arg("--home").arg(home).args(args);
    for var in ["RUST_LOG", "LOG_FORMAT", "HEARTH_HOME"] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied()).stdin(Stdio::null());
    let started = Instant::now();
    let out = cmd.output().expect("run the hearth binary");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        elapsed: started.elapsed(),
    }
}

fn hearth(home: &Path, args: &[&str]) -> Run {
    hearth_env(home, args, &[])
}

fn s(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// A home whose component cache already holds every built plugin, so tests that are not
/// about loading do not each spend seconds compiling the same components. The template
/// is filled once by the binary itself (`plugin list` compiles and caches).
fn warm_home() -> tempfile::TempDir {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    let template = TEMPLATE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        hearth(&dir, &["--plugins", s(&built("testing")), "plugin", "list"]).ok();
        dir
    });
    let home = tempfile::tempdir().unwrap();
    support::copy_dir(&template.join("cache"), &home.path().join("cache"));
    home
}

/// A workspace holding `x.txt`.
fn workspace() -> tempfile::TempDir {
    let ws = tempfile::tempdir().unwrap();
    std::fs::write(
        ws.path().join("x.txt"),
        "hello from the workspace\nsecond line\n",
    )
    .unwrap();
    ws
}

fn plugin_rows(run: &Run) -> Vec<Value> {
    run.json()
        .as_array()
        .expect("plugin list --json prints an array")
        .clone()
}

/// Ids of the plugins built into the binary (`build.rs` writes `<id>.toml` for each).
fn embedded_ids() -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(built("embedded"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".toml").map(str::to_string)
        })
        .collect();
    ids.sort();
    ids
}

fn ids(rows: &[Value]) -> Vec<String> {
    let mut ids: Vec<String> = rows
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

fn row<'a>(rows: &'a [Value], id: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("{id} is not listed: {rows:#?}"))
}

#[test]
fn list_shows_the_embedded_plugins_and_runs_them() {
    let home = tempfile::tempdir().unwrap();
    let run = hearth(home.path(), &["plugin", "list", "--json"]).ok();
    let rows = plugin_rows(&run);
    assert_eq!(ids(&rows), embedded_ids(), "{rows:#?}");
    for r in &rows {
        assert_eq!(r["origin"]["type"], "embedded", "{r:#}");
    }
    for (id, kind) in [
        ("hearth.files", "tool"),
        ("hearth.approval", "policy"),
        ("hearth.scripted", "model"),
    ] {
        let r = row(&rows, id);
        assert_eq!(r["kind"], kind, "{r:#}");
        assert_eq!(r["origin"]["type"], "embedded", "{r:#}");
        assert_eq!(
            r["loadSource"], "compiled",
            "a fresh home has no cache: {r:#}"
        );
    }
    let tools: Vec<&str> = row(&rows, "hearth.files")["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(tools, ["read_file", "list_dir", "grep_files"]);

    // The table form names the same plugins, and the second run loads from the cache.
    let table = hearth(home.path(), &["plugin", "list"]).ok();
    for id in ["hearth.files", "hearth.approval", "hearth.scripted"] {
        assert!(table.stdout.contains(id), "{}", table.stdout);
    }
    assert!(
        table.stdout.contains("cached") && !table.stdout.contains("compiled"),
        "{}",
        table.stdout
    );

    let ws = workspace();
    let run = hearth(
        home.path(),
        &[
            "plugin",
            "call",
            "read_file",
            r#"{"file_path":"x.txt"}"#,
            "--cwd",
            s(ws.path()),
        ],
    )
    .ok();
    let out = run.json();
    assert_eq!(out["ok"], true, "{out:#}");
    assert!(
        out["content"]
            .as_str()
            .unwrap()
            .contains("L1: hello from the workspace"),
        "{out:#}"
    );
}

#[test]
fn a_plugins_dir_adds_testing_plugins() {
    let home = warm_home();
    let run = hearth(
        home.path(),
        &[
            "--plugins",
            s(&built("testing")),
            "plugin",
            "list",
            "--json",
        ],
    )
    .ok();
    let rows = plugin_rows(&run);
    let mut expected = embedded_ids();
    expected.push("hearth.test.hostile".into());
    expected.sort();
    assert_eq!(ids(&rows), expected, "{rows:#?}");
    let hostile = row(&rows, "hearth.test.hostile");
    assert_eq!(hostile["kind"], "tool");
    assert_eq!(hostile["origin"]["type"], "directory");
    assert!(
        hostile["origin"]["path"]
            .as_str()
            .unwrap()
            .ends_with("hearth.test.hostile.toml"),
        "{hostile:#}"
    );
    assert_eq!(row(&rows, "hearth.files")["origin"]["type"], "embedded");
}

#[test]
fn first_party_plugins_load_from_a_directory_and_run() {
    let home = warm_home();
    let dir = built("embedded");
    let run = hearth(
        home.path(),
        &["--plugins", s(&dir), "plugin", "list", "--json"],
    )
    .ok();
    let rows = plugin_rows(&run);
    assert_eq!(
        ids(&rows),
        embedded_ids(),
        "the directory copies replace the embedded ones: {rows:#?}"
    );
    for r in &rows {
        assert_eq!(r["origin"]["type"], "directory", "{r:#}");
        assert!(
            r["origin"]["path"].as_str().unwrap().starts_with(s(&dir)),
            "{r:#}"
        );
    }

    let ws = workspace();
    let run = hearth(
        home.path(),
        &[
            "--plugins",
            s(&dir),
            "plugin",
            "call",
            "read_file",
            r#"{"file_path":"x.txt"}"#,
            "--cwd",
            s(ws.path()),
        ],
    )
    .ok();
    assert!(
        run.json()["content"]
            .as_str()
            .unwrap()
            .contains("hello from the workspace"),
        "{}",
        run.stdout
    );

    let run = hearth(
        home.path(),
        &[
            "--plugins",
            s(&dir),
            "plugin",
            "eval",
            "hearth.approval",
            r#"{"exec":{"argv":["ls"],"cwd":""}}"#,
            r#"{"approval-policy":"untrusted"}"#,
        ],
    )
    .ok();
    assert_eq!(run.json()["verdict"], "allow", "{}", run.stdout);
}

#[test]
fn a_tool_error_and_an_unknown_tool_fail_clearly() {
    let home = warm_home();
    let ws = workspace();
    let run = hearth(
        home.path(),
        &[
            "plugin",
            "call",
            "read_file",
            r#"{"file_path":"nope.txt"}"#,
            "--cwd",
            s(ws.path()),
        ],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.json()["ok"], false);

    let run = hearth(
        home.path(),
        &[
            "plugin",
            "call",
            "no_such_tool",
            "{}",
            "--cwd",
            s(ws.path()),
        ],
    );
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("no_such_tool"), "{run:?}");
}

/// A component that exports `hearth:plugin/tool-provider@0.1.0` with `describe` only.
const DESCRIBE_ONLY: &str = r#"
(component
  (core module $m
    (func (export "describe")))
  (core instance $i (instantiate $m))
  (func $describe (canon lift (core func $i "describe")))
  (instance $provider (export "describe" (func $describe)))
  (export "hearth:plugin/tool-provider@0.1.0" (instance $provider))
)
"#;

/// A would-be policy that imports a WASI interface.
const IMPURE_POLICY: &str = r#"
(component
  (import "wasi:cli/environment@0.2.0" (instance $env
    (export "get-arguments" (func))))
  (core module $m
    (func (export "evaluate")))
  (core instance $i (instantiate $m))
  (func $evaluate (canon lift (core func $i "evaluate")))
  (instance $policy (export "evaluate" (func $evaluate)))
  (export "hearth:plugin/policy@0.1.0" (instance $policy))
)
"#;

/// Exports the policy interface by name, but `evaluate` has the wrong type.
const WRONG_TYPES_POLICY: &str = r#"
(component
  (core module $m
    (func (export "evaluate")))
  (core instance $i (instantiate $m))
  (func $evaluate (canon lift (core func $i "evaluate")))
  (instance $policy (export "evaluate" (func $evaluate)))
  (export "hearth:plugin/policy@0.1.0" (instance $policy))
)
"#;

fn write_wasm(dir: &Path, name: &str, wat_text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, wat::parse_str(wat_text).expect("valid WAT")).unwrap();
    path
}

#[test]
fn check_names_what_is_missing() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();

    let policy = built("embedded").join("hearth.approval.wasm");
    let run = hearth(
        home.path(),
        &["plugin", "check", s(&policy), "--kind", "tool"],
    );
    assert_ne!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("hearth:plugin/tool-provider"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("describe") && run.stdout.contains("invoke"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("hearth:plugin/policy@0.1.0"),
        "says what it does export: {}",
        run.stdout
    );

    let half = write_wasm(dir.path(), "half.wasm", DESCRIBE_ONLY);
    let run = hearth(home.path(), &["plugin", "check", s(&half)]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains("missing function `invoke`"),
        "{}",
        run.stdout
    );

    // The WAT text form is accepted as it is.
    let half_wat = dir.path().join("half.wat");
    std::fs::write(&half_wat, DESCRIBE_ONLY).unwrap();
    let run = hearth(home.path(), &["plugin", "check", s(&half_wat)]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("`invoke`"), "{}", run.stdout);

    let impure = write_wasm(dir.path(), "impure.wasm", IMPURE_POLICY);
    let run = hearth(home.path(), &["plugin", "check", s(&impure)]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains("policy plugins must be pure"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("wasi:cli/environment@0.2.0"),
        "{}",
        run.stdout
    );

    let wrong = write_wasm(dir.path(), "wrong.wasm", WRONG_TYPES_POLICY);
    let run = hearth(home.path(), &["plugin", "check", s(&wrong)]);
    assert_eq!(
        run.code, 1,
        "right names, wrong types must not pass: {run:?}"
    );
    assert!(
        run.stdout.contains("does not load") && run.stdout.contains("type"),
        "{}",
        run.stdout
    );
}

#[test]
fn check_explains_files_that_are_not_components() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();

    let text = dir.path().join("notes.wasm");
    std::fs::write(&text, "just some notes\n").unwrap();
    let run = hearth(home.path(), &["plugin", "check", s(&text)]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("not WebAssembly"), "{}", run.stdout);

    let core = write_wasm(dir.path(), "core.wasm", "(module (func (export \"f\")))");
    let run = hearth(home.path(), &["plugin", "check", s(&core)]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .contains("core WebAssembly module, not a component"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("wasm32-wasip2"), "{}", run.stdout);

    let run = hearth(
        home.path(),
        &["plugin", "check", s(&dir.path().join("absent.wasm"))],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("cannot read") && run.stderr.contains("absent.wasm"),
        "{run:?}"
    );
}

#[test]
fn check_accepts_good_components() {
    let home = tempfile::tempdir().unwrap();
    for (file, world) in [
        ("embedded/hearth.files.wasm", "hearth:plugin/tool@0.1.0"),
        (
            "embedded/hearth.approval.wasm",
            "hearth:plugin/policy-plugin@0.1.0",
        ),
        (
            "embedded/hearth.scripted.toml",
            "hearth:plugin/model-adapter@0.1.0",
        ),
    ] {
        let path = built("").join(file);
        let run = hearth(home.path(), &["plugin", "check", s(&path)]).ok();
        assert!(run.stdout.contains(": ok"), "{}", run.stdout);
        assert!(run.stdout.contains(world), "{}", run.stdout);
    }
    let run = hearth(
        home.path(),
        &[
            "plugin",
            "check",
            s(&built("embedded").join("hearth.files.wasm")),
        ],
    )
    .ok();
    assert!(
        run.stdout
            .contains("tools: read_file, list_dir, grep_files"),
        "{}",
        run.stdout
    );
}

#[test]
fn inspect_shows_world_tools_capabilities_and_limits() {
    let home = warm_home();
    let run = hearth(home.path(), &["plugin", "inspect", "hearth.files"]).ok();
    let out = run.json();
    assert_eq!(out["world"], "hearth:plugin/tool@0.1.0");
    let tools: Vec<&str> = out["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(tools, ["read_file", "list_dir", "grep_files"]);
    assert_eq!(out["tools"][0]["parameters"]["type"], "object", "{out:#}");
    assert_eq!(out["requested"]["workspace"], "read", "{out:#}");
    assert_eq!(out["requested"]["exec"], false, "{out:#}");
    assert_eq!(out["effective"]["workspace"], "read", "{out:#}");
    assert_eq!(out["effective"]["exec"], false, "{out:#}");
    assert_eq!(
        out["effective"]["network_granted"],
        serde_json::json!([]),
        "{out:#}"
    );
    assert_eq!(out["limits"]["memory_bytes"], 64 << 20, "{out:#}");
    assert_eq!(out["limits"]["timeout_ms"], 30_000, "{out:#}");
    let exports: Vec<&str> = out["exports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert!(
        exports.contains(&"hearth:plugin/tool-provider@0.1.0"),
        "{exports:?}"
    );

    let run = hearth(home.path(), &["plugin", "inspect", "acme.nothing"]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("acme.nothing") && run.stderr.contains("hearth.files"),
        "{run:?}"
    );
}

#[test]
fn eval_asks_before_a_push_when_untrusted() {
    let home = warm_home();
    let run = hearth(
        home.path(),
        &[
            "plugin",
            "eval",
            "hearth.approval",
            r#"{"exec":{"argv":["git","push"],"cwd":""}}"#,
            r#"{"approval-policy":"untrusted"}"#,
        ],
    )
    .ok();
    let out = run.json();
    assert_eq!(out["verdict"], "ask", "{out:#}");
    let rule = out["ruleId"].as_str().unwrap();
    assert!(!rule.is_empty() && rule.starts_with("untrusted"), "{out:#}");
    assert!(
        out["reason"].as_str().is_some_and(|r| !r.is_empty()),
        "{out:#}"
    );
}

/// Runs `spin` (an endless loop; the plugin's own limit is 2000 ms) and returns the run.
fn spin(home: &Path, extra: &[&str]) -> Run {
    let ws = workspace();
    let testing = built("testing");
    let mut args = vec!["--plugins", s(&testing)];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["plugin", "call", "spin", "{}", "--cwd", s(ws.path())]);
    hearth(home, &args)
}

fn assert_stopped_at_300ms(run: &Run) {
    assert_eq!(run.code, 2, "a call error exits 2: {run:?}");
    let err = run.json()["callError"].as_str().unwrap().to_string();
    assert!(err.contains("time limit of 300 ms"), "{err}");
    // The message names the operator's 300 ms limit, not the plugin's own 2000 ms; the run
    // cannot have ended before that limit passed.
    assert!(
        run.elapsed >= Duration::from_millis(300),
        "{:?}",
        run.elapsed
    );
}

#[test]
fn operator_limits_from_config_toml_stop_a_spinning_tool() {
    let home = warm_home();
    std::fs::write(
        home.path().join("config.toml"),
        "[plugins.\"hearth.test.hostile\".limits]\ntimeout_ms = 300\n",
    )
    .unwrap();
    let run = spin(home.path(), &[]);
    assert_stopped_at_300ms(&run);
}

#[test]
fn operator_limits_from_dash_c_stop_a_spinning_tool() {
    let home = warm_home();
    let run = spin(
        home.path(),
        &[
            "-c",
            r#"plugins."hearth.test.hostile".limits.timeout_ms=300"#,
        ],
    );
    assert_stopped_at_300ms(&run);
}

#[test]
fn a_malformed_config_names_the_file() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(&config, "[plugins.\"hearth.files\"\nenabled = yes\n").unwrap();
    let run = hearth(home.path(), &["plugin", "list"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
    assert!(run.stderr.contains(s(&config)), "{}", run.stderr);
    assert!(run.stderr.contains("invalid"), "{}", run.stderr);

    // Well-formed TOML with a wrong key is named too.
    std::fs::write(&config, "[plugins.\"hearth.files\".limits]\ntimeout = 5\n").unwrap();
    let run = hearth(home.path(), &["plugin", "list"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains(s(&config)) && run.stderr.contains("timeout"),
        "{}",
        run.stderr
    );

    let run = hearth(
        tempfile::tempdir().unwrap().path(),
        &["-c", "novalue", "plugin", "list"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("novalue"), "{}", run.stderr);
}

#[test]
fn a_disabled_plugin_is_not_loaded() {
    let home = warm_home();
    let run = hearth(
        home.path(),
        &[
            "-c",
            r#"plugins."hearth.scripted".enabled=false"#,
            "plugin",
            "list",
            "--json",
        ],
    )
    .ok();
    let rows = plugin_rows(&run);
    assert!(
        rows.iter().all(|r| r["id"] != "hearth.scripted"),
        "{rows:#?}"
    );
    assert_eq!(rows.len(), embedded_ids().len() - 1);
}

#[test]
fn logs_go_to_stderr_only() {
    let home = warm_home();
    let testing = built("testing");
    let args = ["--plugins", s(&testing), "plugin", "list", "--json"];
    let run = hearth_env(home.path(), &args, &[("RUST_LOG", "debug")]).ok();
    assert_eq!(plugin_rows(&run).len(), embedded_ids().len() + 1);
    assert!(
        run.stderr.contains("plugin loaded"),
        "debug logs are on stderr: {}",
        run.stderr
    );

    let run = hearth_env(
        home.path(),
        &args,
        &[("RUST_LOG", "debug"), ("LOG_FORMAT", "json")],
    )
    .ok();
    assert_eq!(plugin_rows(&run).len(), embedded_ids().len() + 1);
    let lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert!(!lines.is_empty(), "expected debug logs on stderr");
    for line in &lines {
        let v: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("stderr line is not JSON ({e}): {line}"));
        assert!(
            v.get("level").is_some() && v.get("fields").is_some(),
            "{line}"
        );
    }
    assert!(run.stderr.contains("plugin loaded"), "{}", run.stderr);
}

#[test]
fn a_tool_call_is_in_the_audit_log_when_the_process_exits() {
    // The writer is a background thread and the process exits right after the call:
    // repeat, so a record lost at exit shows up.
    let home = warm_home();
    let ws = workspace();
    let audit = home.path().join("audit/audit.jsonl");
    for round in 1..=10 {
        hearth(
            home.path(),
            &[
                "plugin",
                "call",
                "read_file",
                r#"{"file_path":"x.txt"}"#,
                "--cwd",
                s(ws.path()),
            ],
        )
        .ok();
        let text = std::fs::read_to_string(&audit).unwrap();
        let records: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let invokes: Vec<&Value> = records
            .iter()
            .filter(|r| r["function"] == "invoke")
            .collect();
        assert_eq!(invokes.len(), round, "a record was lost at exit:\n{text}");
        let r = invokes.last().unwrap();
        assert_eq!(r["plugin"], "hearth.files@0.1.0", "{r:#}");
        assert_eq!(r["tool"], "read_file", "{r:#}");
        assert_eq!(r["call_id"], "cli", "{r:#}");
        assert_eq!(r["outcome"], "ok", "{r:#}");
        assert_eq!(r["digest"].as_str().unwrap().len(), 64, "{r:#}");
        let ws_path = ws.path().canonicalize().unwrap();
        assert_eq!(
            r["capabilities"],
            serde_json::json!([format!("fs:{}:read", ws_path.display())]),
            "{r:#}"
        );
        assert!(r["instantiate_us"].as_u64().unwrap() > 0, "{r:#}");
        assert!(r["execute_us"].as_u64().unwrap() > 0, "{r:#}");
        assert!(r["memory_peak"].as_u64().unwrap() > 0, "{r:#}");
        assert!(r["ts"].as_str().unwrap().ends_with('Z'), "{r:#}");
    }
}

#[test]
fn policy_decisions_and_failed_calls_are_audited() {
    let home = warm_home();
    hearth(
        home.path(),
        &[
            "plugin",
            "eval",
            "hearth.approval",
            r#"{"exec":{"argv":["rm","-rf","x"],"cwd":""}}"#,
            r#"{"approval-policy":"untrusted"}"#,
        ],
    )
    .ok();
    let run = spin(
        home.path(),
        &[
            "-c",
            r#"plugins."hearth.test.hostile".limits.timeout_ms=100"#,
        ],
    );
    assert_eq!(run.code, 2, "{run:?}");
    let text = std::fs::read_to_string(home.path().join("audit/audit.jsonl")).unwrap();
    let records: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let eval = records
        .iter()
        .find(|r| r["function"] == "evaluate")
        .expect("an evaluate record");
    assert_eq!(eval["plugin"], "hearth.approval@0.1.0");
    assert_eq!(eval["decision"], "ask");
    assert!(
        eval["rule_id"].as_str().is_some_and(|r| !r.is_empty()),
        "{eval:#}"
    );
    let spun = records
        .iter()
        .find(|r| r["tool"] == "spin")
        .expect("a spin record");
    assert_eq!(spun["outcome"], "timeout", "{spun:#}");
    assert!(
        spun["error"].as_str().unwrap().contains("time limit"),
        "{spun:#}"
    );
}

#[test]
fn a_grants_table_without_workspace_keeps_workspace_access() {
    let home = warm_home();
    let ws = workspace();
    let file = ws.path().canonicalize().unwrap().join("x.txt");
    let testing = built("testing");
    let args = |config: &'static str| {
        std::fs::write(home.path().join("config.toml"), config).unwrap();
        let arguments = serde_json::json!({ "path": file }).to_string();
        hearth(
            home.path(),
            &[
                "--plugins",
                s(&testing),
                "plugin",
                "call",
                "read_path",
                &arguments,
                "--cwd",
                s(ws.path()),
            ],
        )
    };
    // Granting an env var must not take the workspace away.
    let run = args("[plugins.\"hearth.test.hostile\".grants]\nenv = [\"HEARTH_TEST_VISIBLE\"]\n");
    assert_eq!(
        run.json()["content"].as_str(),
        Some("hello from the workspace\nsecond line\n"),
        "{run:?}"
    );
    // Taking it away explicitly works.
    let run = args("[plugins.\"hearth.test.hostile\".grants]\nworkspace = \"none\"\n");
    assert_eq!(run.json()["ok"], false, "{run:?}");
}
