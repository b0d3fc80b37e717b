//! What the polyglot tests share: the Python and JavaScript examples built once per test
//! process by `examples/build.sh` (which installs the pinned toolchains under `.cache/`),
//! a component cache filled once by the binary itself, homes that reuse that cache,
//! command-line runs of `hearth`, and a small local HTTP server.

use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A path as `&str`.
pub fn s(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// The built examples and the first start of hearth that compiled them.
pub struct Examples {
    /// `target/examples`.
    pub root: PathBuf,
    /// A home whose `cache/` holds the examples' precompiled components.
    pub cache_home: PathBuf,
    /// `hearth plugin list --json` of the first start (which compiled the examples).
    pub first_start: Value,
    /// Wall time of that first start.
    pub first_start_elapsed: Duration,
}

impl Examples {
    /// The directory of one example's component and manifest.
    pub fn dir(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    /// `--plugins DIR` for each named example.
    pub fn plugin_args(&self, names: &[&str]) -> Vec<String> {
        names
            .iter()
            .flat_map(|n| ["--plugins".to_string(), s(&self.dir(n)).to_string()])
            .collect()
    }

    /// A fresh home that shares the precompiled cache (so no test compiles again).
    pub fn home(&self) -> tempfile::TempDir {
        let home = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(self.cache_home.join("cache"), home.path().join("cache"))
            .unwrap();
        home
    }
}

/// Builds the examples (once per process) and starts hearth once with all of them.
/// Fails with the build script's own message when a toolchain cannot be installed.
pub fn examples() -> &'static Examples {
    static EXAMPLES: OnceLock<Examples> = OnceLock::new();
    EXAMPLES.get_or_init(|| {
        let script = repo().join("examples/build.sh");
        let started = Instant::now();
        let out = Command::new("bash")
            .arg(&script)
            .stdin(Stdio::null())
            .output()
            .expect("run examples/build.sh");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "examples/build.sh failed, so the Python and JavaScript examples cannot be tested.\n\
             It needs python3 (with venv) and pip reaching PyPI, and npm reaching the npm registry.\n\
             --- its output ---\n{stderr}"
        );
        eprintln!(
            "examples built in {:.1} s:\n{stderr}",
            started.elapsed().as_secs_f64()
        );
        let root = PathBuf::from(String::from_utf8(out.stdout).unwrap().trim());
        let cache_home = fresh_cache_home();
        let examples = Examples {
            root,
            cache_home,
            first_start: Value::Null,
            first_start_elapsed: Duration::ZERO,
        };
        let mut args = examples.plugin_args(&["python-tool", "js-tool", "python-policy"]);
        args.extend(["plugin", "list", "--json"].map(String::from));
        let run = hearth(&examples.cache_home, &args).ok();
        Examples {
            first_start: run.json(),
            first_start_elapsed: run.elapsed,
            ..examples
        }
    })
}

/// An empty home for this test process under `target/polyglot-home/<pid>`: empty, so the
/// first start must compile; per process, so test runs in the same tree at the same time
/// do not pull the cache from under each other; and homes of processes that are gone are
/// removed, so the precompiled components (tens of MB each) do not pile up.
fn fresh_cache_home() -> PathBuf {
    let root = repo().join("target/polyglot-home");
    if let Ok(entries) = std::fs::read_dir(&root) {
        for entry in entries.flatten() {
            let pid = entry.file_name();
            if !Path::new("/proc").join(&pid).exists() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let home = root.join(std::process::id().to_string());
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).unwrap();
    home
}

/// What one run of the binary printed and returned.
#[derive(Debug)]
pub struct Run {
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// Wall time.
    pub elapsed: Duration,
}

impl Run {
    /// Standard output as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// Asserts a zero exit code.
    pub fn ok(self) -> Self {
        assert_eq!(
            self.code, 0,
            "exit code {}\nstdout:\n{}\nstderr:\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }
}

/// Runs `hearth --home <home> <args>`.
pub fn hearth<S: AsRef<str>>(home: &Path, args: &[S]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hearth"));
    cmd.arg("--home").arg(home);
    cmd.args(args.iter().map(|a| a.as_ref()));
    for var in ["RUST_LOG", "LOG_FORMAT", "HEARTH_HOME", "OPENAI_API_KEY"] {
        cmd.env_remove(var);
    }
    cmd.stdin(Stdio::null());
    let started = Instant::now();
    let out = cmd.output().expect("run the hearth binary");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed: started.elapsed(),
    }
}

/// Appends TOML to a home's `config.toml`.
pub fn append_config(home: &Path, toml: &str) {
    let path = home.join("config.toml");
    let mut text = std::fs::read_to_string(&path).unwrap_or_default();
    text.push('\n');
    text.push_str(toml);
    std::fs::write(path, text).unwrap();
}

/// Puts TOML (top-level keys) at the start of a home's `config.toml`.
pub fn prepend_config(home: &Path, toml: &str) {
    let path = home.join("config.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    std::fs::write(path, format!("{toml}\n{text}")).unwrap();
}

/// A one-page HTTP server on 127.0.0.1 that counts the requests it answers. It serves
/// until dropped, and never longer than two minutes.
pub struct PageServer {
    /// `http://127.0.0.1:<port>`.
    pub origin: String,
    hits: Arc<AtomicUsize>,
    stop: Arc<AtomicUsize>,
}

impl PageServer {
    /// Starts serving `html`.
    pub fn start(html: &'static str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let hits = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicUsize::new(0));
        let (h, st) = (hits.clone(), stop.clone());
        std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(120);
            while st.load(Ordering::SeqCst) == 0 && Instant::now() < deadline {
                let Ok((mut conn, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                };
                conn.set_nonblocking(false).unwrap();
                conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match conn.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                h.fetch_add(1, Ordering::SeqCst);
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{html}",
                    html.len()
                );
                let _ = conn.write_all(response.as_bytes());
            }
        });
        PageServer { origin, hits, stop }
    }

    /// Requests answered so far.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

impl Drop for PageServer {
    fn drop(&mut self) {
        self.stop.store(1, Ordering::SeqCst);
    }
}
