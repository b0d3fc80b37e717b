//! A test client for the real `hearth app-server` binary over pipes: sends JSONL,
//! receives on a reader thread, and validates **every** message hearth emits against the
//! pinned Codex schema (responses by the method of the request they answer).

use super::schema::codex_schema;
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A running `hearth app-server`.
pub struct AppServer {
    /// The process.
    pub child: Child,
    stdin: Option<ChildStdin>,
    rx: mpsc::Receiver<Value>,
    methods: HashMap<String, String>,
    queue: VecDeque<Value>,
    next_id: i64,
    /// Every message received, in order.
    pub received: Vec<Value>,
}

impl AppServer {
    /// Spawns the binary with `home` as `$HEARTH_HOME`.
    pub fn spawn(home: &Path, args: &[&str]) -> Self {
        Self::spawn_with_env(home, args, &[])
    }

    /// Like [`spawn`](Self::spawn), with extra environment variables (set after
    /// `OPENAI_API_KEY` is removed, so a test may set it).
    pub fn spawn_with_env(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hearth"))
            .arg("app-server")
            .args(args)
            .env("HEARTH_HOME", home)
            // One precompiled cache for every test server (compiling each component once).
            .env(
                "HEARTH_CACHE_DIR",
                concat!(env!("CARGO_TARGET_TMPDIR"), "/component-cache"),
            )
            .env_remove("OPENAI_API_KEY")
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn hearth app-server");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let value: Value = serde_json::from_str(&line).unwrap_or_else(|e| {
                    panic!("hearth wrote a line that is not JSON ({e}): {line}")
                });
                if tx.send(value).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take();
        AppServer {
            child,
            stdin,
            rx,
            methods: HashMap::new(),
            queue: VecDeque::new(),
            next_id: 0,
            received: Vec::new(),
        }
    }

    /// Writes raw bytes (one line is added).
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).unwrap();
        stdin.write_all(b"\n").unwrap();
        stdin.flush().unwrap();
    }

    /// Sends a message.
    pub fn send(&mut self, message: &Value) {
        if let (Some(id), Some(method)) = (
            message.get("id"),
            message.get("method").and_then(Value::as_str),
        ) {
            self.methods.insert(id.to_string(), method.to_string());
        }
        self.send_raw(message.to_string().as_bytes());
    }

    fn receive(&mut self, timeout: Duration) -> Option<Value> {
        let message = self.rx.recv_timeout(timeout).ok()?;
        assert!(
            message.get("jsonrpc").is_none(),
            "hearth must omit jsonrpc: {message}"
        );
        let method = message
            .get("id")
            .and_then(|id| self.methods.get(&id.to_string()))
            .cloned();
        let is_response = message.get("result").is_some() || message.get("error").is_some();
        if let Err(err) = codex_schema()
            .validate_outgoing(&message, if is_response { method.as_deref() } else { None })
        {
            panic!(
                "hearth sent a message that does not fit the Codex schema: {err}\nmessage: {message}"
            );
        }
        self.received.push(message.clone());
        Some(message)
    }

    /// The next message (queued first), waiting up to 20 s.
    pub fn next(&mut self) -> Value {
        if let Some(m) = self.queue.pop_front() {
            return m;
        }
        self.receive(Duration::from_secs(20))
            .expect("no message from hearth within 20 s")
    }

    /// Sends a request and returns its response message; other messages are queued.
    pub fn request_raw(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"id": id, "method": method, "params": params}));
        loop {
            let m = self
                .receive(Duration::from_secs(30))
                .unwrap_or_else(|| panic!("no answer to {method}"));
            if m.get("id") == Some(&json!(id)) && m.get("method").is_none() {
                return m;
            }
            self.queue.push_back(m);
        }
    }

    /// Sends a request and returns its result, failing on an error.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let m = self.request_raw(method, params);
        assert!(m.get("error").is_none(), "{method} failed: {m}");
        m["result"].clone()
    }

    /// Waits for a notification of `method`, returning it; earlier ones are kept in order.
    pub fn wait_for(&mut self, method: &str) -> Value {
        let mut skipped = VecDeque::new();
        let found = loop {
            if let Some(m) = self.queue.pop_front() {
                if m["method"] == method {
                    break m;
                }
                skipped.push_back(m);
                continue;
            }
            let m = self
                .receive(Duration::from_secs(30))
                .unwrap_or_else(|| panic!("no {method} within 30 s"));
            if m["method"] == method {
                break m;
            }
            skipped.push_back(m);
        };
        skipped.extend(self.queue.drain(..));
        self.queue = skipped;
        found
    }

    /// Takes every queued message up to and including the first `method` notification.
    pub fn collect_until(&mut self, method: &str) -> Vec<Value> {
        let mut out = Vec::new();
        loop {
            let m = self.next();
            let done = m["method"] == method;
            out.push(m);
            if done {
                return out;
            }
        }
    }

    /// `initialize` + `initialized`.
    pub fn initialize(&mut self, capabilities: Value) -> Value {
        let result = self.request(
            "initialize",
            json!({"clientInfo": {"name": "hearth-tests", "version": "1"}, "capabilities": capabilities}),
        );
        self.send(&json!({"method": "initialized"}));
        result
    }

    /// Closes stdin and waits for the process to exit.
    pub fn shutdown(mut self) {
        self.stdin.take();
        let _ = self.child.wait();
    }
}

impl Drop for AppServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Writes a config.toml selecting the scripted adapter with `script`.
pub fn scripted_home(home: &Path, script: &Value) {
    scripted_home_with(home, script, "", "");
}

/// Like [`scripted_home`], with extra top-level keys (`top`) and extra tables (`tables`).
pub fn scripted_home_with(home: &Path, script: &Value, top: &str, tables: &str) {
    let script_path = home.join("script.json");
    std::fs::write(&script_path, script.to_string()).unwrap();
    std::fs::write(
        home.join("config.toml"),
        format!(
            "model_provider = \"script\"\nmodel = \"scripted\"\n{top}\n[model_providers.script]\nname = \"Test script\"\nwire_api = \"scripted\"\nscript_file = {:?}\n{tables}\n",
            script_path.display().to_string()
        ),
    )
    .unwrap();
}
