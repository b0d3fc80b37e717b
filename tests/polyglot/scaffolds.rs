//! `hearth plugin new` end to end: each scaffold is written by the real binary, built by
//! its own `build.sh` (with the toolchains the examples installed, so nothing is installed
//! twice), passes `hearth plugin check`, and answers a call.

use super::fixture::{Examples, Run, hearth, repo, s};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Where `examples/build.sh` installed the pinned toolchains.
fn tools_cache() -> PathBuf {
    std::env::var_os("HEARTH_TOOLS_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".cache"))
}

/// `hearth plugin new --lang <lang> <name> --dir <dir>`, checked.
fn scaffold(home: &Path, lang: &str, name: &str, dir: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["plugin", "new", "--lang", lang, name, "--dir", s(dir)];
    args.extend_from_slice(extra);
    let run = hearth(home, &args).ok();
    assert!(
        run.stdout
            .contains(&format!("cd {} && ./build.sh", dir.display())),
        "{}",
        run.stdout
    );
    for file in ["build.sh", "hearth-plugin.toml", "README.md", ".gitignore"] {
        assert!(dir.join(file).exists(), "{lang} scaffold lacks {file}");
    }
    run
}

/// Runs a scaffold's `build.sh` with `env`, failing with its output.
fn build(dir: &Path, env: &[(&str, PathBuf)]) {
    let mut cmd = Command::new(dir.join("build.sh"));
    cmd.stdin(Stdio::null());
    for (key, value) in env {
        cmd.env(key, value);
    }
    let out = cmd.output().expect("run build.sh");
    assert!(
        out.status.success(),
        "{}/build.sh failed:\n{}\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `hearth plugin check` on the built manifest, then one call of the tool.
fn check_and_call(home: &Path, dir: &Path, name: &str, tool: &str, arguments: &str) -> String {
    let manifest = dir.join("dist").join(format!("{name}.toml"));
    let check = hearth(home, &["plugin", "check", s(&manifest)]).ok();
    assert!(
        check.stdout.contains("ok — fits the tool world") && check.stdout.contains(tool),
        "{}",
        check.stdout
    );
    let dist = dir.join("dist");
    let call = hearth(
        home,
        &[
            "--plugins",
            s(&dist),
            "plugin",
            "call",
            tool,
            arguments,
            "--cwd",
            s(dir),
        ],
    )
    .ok();
    let value = call.json();
    assert_eq!(value["ok"], true, "{value:#}");
    value["content"].as_str().unwrap().to_string()
}

/// The Python and JavaScript scaffolds, built side by side.
pub fn python_and_js(ex: &Examples) {
    let home = ex.home();
    let tmp = tempfile::tempdir().unwrap();
    let (py, js) = (tmp.path().join("py"), tmp.path().join("js"));
    scaffold(home.path(), "python", "word-stats", &py, &[]);
    scaffold(home.path(), "js", "text-stats", &js, &["--id", "acme.text"]);
    for f in ["app.py", "wit/types.wit", "wit/worlds.wit"] {
        assert!(py.join(f).exists(), "python scaffold lacks {f}");
    }
    for f in ["app.js", "package.json", "wit/worlds.wit"] {
        assert!(js.join(f).exists(), "js scaffold lacks {f}");
    }
    // The copied contract is hearth's own.
    assert_eq!(
        std::fs::read_to_string(py.join("wit/worlds.wit")).unwrap(),
        std::fs::read_to_string(repo().join("wit/worlds.wit")).unwrap()
    );
    let cache = tools_cache();
    let py_env = [("COMPONENTIZE_PY", cache.join("pyenv/bin/componentize-py"))];
    let js_env = [(
        "COMPONENTIZE_JS",
        cache.join("node-tools/node_modules/.bin/componentize-js"),
    )];
    std::thread::scope(|scope| {
        scope.spawn(|| build(&py, &py_env));
        scope.spawn(|| build(&js, &js_env));
    });
    std::fs::write(py.join("sample.txt"), "to be or not to be\nthat is it\n").unwrap();
    let out = check_and_call(
        home.path(),
        &py,
        "word-stats",
        "word_stats",
        r#"{"path": "sample.txt", "top": 2}"#,
    );
    assert!(
        out.contains("sample.txt: 2 lines, 9 words") && out.contains("be (2)"),
        "{out}"
    );
    let out = check_and_call(
        home.path(),
        &js,
        "text-stats",
        "text_stats",
        r#"{"text": "to be or not to be", "top": 1}"#,
    );
    assert!(out.contains("1 lines, 6 words, 18 characters"), "{out}");
    assert!(out.contains("most frequent: be (2)"), "{out}");
    let manifest = std::fs::read_to_string(js.join("hearth-plugin.toml")).unwrap();
    assert!(manifest.contains("id = \"acme.text\""), "{manifest}");
}

/// The Rust scaffold: native unit test, component build, check, call.
pub fn rust() {
    let home = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("word-count");
    scaffold(home.path(), "rust", "word-count", &dir, &[]);
    let cargo_toml = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let sdk = repo().join("plugins/sdk").canonicalize().unwrap();
    assert!(
        cargo_toml.contains(&format!("path = \"{}\"", sdk.display())),
        "{cargo_toml}"
    );
    // A persistent target directory keeps later runs quick (the SDK's dependencies).
    let target = repo().join("target/scaffold-rust");
    let out = Command::new("cargo")
        .args(["test", "--quiet", "--target", "x86_64-unknown-linux-gnu"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target)
        .stdin(Stdio::null())
        .output()
        .expect("run cargo test");
    assert!(
        out.status.success(),
        "the Rust scaffold's own test failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    build(&dir, &[("CARGO_TARGET_DIR", target)]);
    std::fs::write(dir.join("sample.txt"), "one two two\n").unwrap();
    let out = check_and_call(
        home.path(),
        &dir,
        "word-count",
        "word_count",
        r#"{"path": "sample.txt"}"#,
    );
    assert!(
        out.contains("1 lines, 3 words") && out.contains("two (2)"),
        "{out}"
    );

    // Refusals a user can act on.
    let again = hearth(
        home.path(),
        &[
            "plugin",
            "new",
            "--lang",
            "rust",
            "word-count",
            "--dir",
            s(&dir),
        ],
    );
    assert_ne!(again.code, 0);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    let bad = hearth(home.path(), &["plugin", "new", "--lang", "js", "Bad_Name"]);
    assert_ne!(bad.code, 0);
    assert!(bad.stderr.contains("lower-case letters"), "{}", bad.stderr);
}
