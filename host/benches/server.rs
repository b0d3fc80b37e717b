//! Benchmarks of the app server driven as a client does: the real `hearth` binary over
//! pipes.
//!
//! - `server/spawn_to_initialize`: process spawn until the `initialize` response (warm
//!   page cache; plugins load in the background and are not waited for).
//! - `server/turn_roundtrip`: `turn/start` until `turn/completed` for a one-message turn
//!   from the scripted model (the adapter instance, the user and agent items with their
//!   fsyncs, and every notification) — the server's overhead around an instant model.
//!
//! Run: `cargo bench --bench server`.

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Server {
    fn spawn(home: &std::path::Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hearth"))
            .arg("app-server")
            .env("HEARTH_HOME", home)
            .env_remove("OPENAI_API_KEY")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn hearth");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Server {
            child,
            stdin,
            stdout,
        }
    }

    fn send(&mut self, v: Value) {
        writeln!(self.stdin, "{v}").unwrap();
        self.stdin.flush().unwrap();
    }

    fn until(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        let mut line = String::new();
        loop {
            line.clear();
            assert!(
                self.stdout.read_line(&mut line).unwrap() > 0,
                "server closed"
            );
            let v: Value = serde_json::from_str(&line).unwrap();
            if pred(&v) {
                return v;
            }
        }
    }

    fn initialize(&mut self) {
        self.send(json!({"id": 0, "method": "initialize", "params": {"clientInfo": {"name": "bench", "version": "1"}}}));
        self.until(|v| v["id"] == 0);
        self.send(json!({"method": "initialized"}));
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn home_with_script() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    let script = json!({"responses": [[{"type": "text", "text": "ok"}]]});
    std::fs::write(home.path().join("script.json"), script.to_string()).unwrap();
    let script_path = home.path().join("script.json");
    std::fs::write(
        home.path().join("config.toml"),
        format!(
            "model_provider = \"s\"\nmodel = \"scripted\"\n[model_providers.s]\nwire_api = \"scripted\"\nscript_file = {:?}\n",
            script_path.display().to_string()
        ),
    )
    .unwrap();
    home
}

fn benches(c: &mut Criterion) {
    let home = home_with_script();
    let mut group = c.benchmark_group("server");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("spawn_to_initialize", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                let mut s = Server::spawn(home.path());
                s.initialize();
                total += start.elapsed();
            }
            total
        })
    });

    let ws = tempfile::tempdir().unwrap();
    let mut s = Server::spawn(home.path());
    s.initialize();
    let mut id = 0;
    // A fresh ephemeral thread per turn (not timed), so history does not grow.
    let mut new_thread = |s: &mut Server| {
        id += 2;
        s.send(json!({"id": id, "method": "thread/start", "params": {"cwd": ws.path(), "ephemeral": true}}));
        let thread = s.until(|v| v["id"] == id)["result"]["thread"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        (thread, id + 1)
    };
    let run_turn = |s: &mut Server, thread: &str, id: i64| {
        s.send(json!({"id": id, "method": "turn/start", "params": {"threadId": thread, "input": [{"type": "text", "text": "hi", "text_elements": []}]}}));
        s.until(|v| v["method"] == "turn/completed");
    };
    let (thread, tid) = new_thread(&mut s);
    run_turn(&mut s, &thread, tid); // loads the plugins
    group.bench_function("turn_roundtrip", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (thread, tid) = new_thread(&mut s);
                let start = Instant::now();
                run_turn(&mut s, &thread, tid);
                total += start.elapsed();
            }
            total
        })
    });
    group.finish();
}

criterion_group!(server, benches);
criterion_main!(server);
