//! `hearth app-server --listen ws://…`: the real binary serving websocket clients. Two
//! clients share a thread and both see its turn; ids are per connection; a binary frame
//! gets an error and the connection goes on; health probes answer; browser origins and
//! clients without the token are refused; SIGTERM stops the server. Every message hearth
//! sends is validated against the pinned Codex schema.

use super::support::client::scripted_home;
use super::support::schema::codex_schema;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tungstenite::client::IntoClientRequest;
use tungstenite::{Message, WebSocket, stream::MaybeTlsStream};

const TOKEN: &str = "s3cret-capability-token";

/// The server process and its address.
struct Listener {
    child: Child,
    addr: String,
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn listen(home: &std::path::Path) -> Listener {
    let token_file = home.join("ws-token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_hearth"))
        .args([
            "app-server",
            "--listen",
            "ws://127.0.0.1:0",
            "--ws-token-file",
        ])
        .arg(&token_file)
        .env("HEARTH_HOME", home)
        .env(
            "HEARTH_CACHE_DIR",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/component-cache"),
        )
        .env("RUST_LOG", "warn")
        .env_remove("OPENAI_API_KEY")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    // Log lines may come first; the address line says where it listens.
    let addr = loop {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "the server exited before listening"
        );
        if let Some(addr) = line
            .trim()
            .strip_prefix("hearth app-server listening on ws://")
        {
            break addr.to_string();
        }
    };
    // Keep draining stderr so the server never blocks on it.
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    Listener { child, addr }
}

/// A websocket client that validates what it receives.
struct Client {
    socket: WebSocket<MaybeTlsStream<TcpStream>>,
    methods: HashMap<String, String>,
    queue: Vec<Value>,
}

fn connect(addr: &str, token: Option<&str>, origin: Option<&str>) -> Result<Client, u16> {
    let mut request = format!("ws://{addr}/").into_client_request().unwrap();
    if let Some(token) = token {
        request
            .headers_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
    }
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("origin", origin.parse().unwrap());
    }
    match tungstenite::connect(request) {
        Ok((socket, _)) => {
            if let MaybeTlsStream::Plain(s) = socket.get_ref() {
                s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
            }
            Ok(Client {
                socket,
                methods: HashMap::new(),
                queue: Vec::new(),
            })
        }
        Err(tungstenite::Error::Http(response)) => Err(response.status().as_u16()),
        Err(other) => panic!("connect failed: {other}"),
    }
}

impl Client {
    fn send(&mut self, message: Value) {
        if let (Some(id), Some(method)) = (message.get("id"), message["method"].as_str()) {
            self.methods.insert(id.to_string(), method.to_string());
        }
        self.socket
            .send(Message::text(message.to_string()))
            .unwrap();
    }

    fn receive(&mut self) -> Value {
        loop {
            match self.socket.read().expect("a message within 20 s") {
                Message::Text(text) => {
                    let message: Value = serde_json::from_str(text.as_str()).unwrap();
                    let method = message
                        .get("id")
                        .and_then(|id| self.methods.get(&id.to_string()))
                        .cloned();
                    let is_response =
                        message.get("result").is_some() || message.get("error").is_some();
                    codex_schema()
                        .validate_outgoing(
                            &message,
                            if is_response { method.as_deref() } else { None },
                        )
                        .unwrap_or_else(|e| panic!("off-schema message {message}: {e}"));
                    return message;
                }
                Message::Ping(_) | Message::Pong(_) => {}
                other => panic!("unexpected frame: {other:?}"),
            }
        }
    }

    /// Sends a request with `id` and returns its answer (result or error message).
    fn call(&mut self, id: i64, method: &str, params: Value) -> Value {
        self.send(json!({"id": id, "method": method, "params": params}));
        loop {
            let message = self.receive();
            if message["id"] == json!(id) && message.get("method").is_none() {
                return message;
            }
            self.queue.push(message);
        }
    }

    fn wait_for(&mut self, method: &str) -> Value {
        if let Some(at) = self.queue.iter().position(|m| m["method"] == method) {
            return self.queue.remove(at);
        }
        loop {
            let message = self.receive();
            if message["method"] == method {
                return message;
            }
            self.queue.push(message);
        }
    }
}

fn http_get(addr: &str, path: &str, extra: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{extra}\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn websocket_clients_share_threads_and_strangers_are_refused() {
    let home = tempfile::tempdir().unwrap();
    scripted_home(
        home.path(),
        &json!({"responses": [[{"type": "text", "text": "hello over the websocket"}]]}),
    );
    let server = listen(home.path());
    let addr = server.addr.clone();

    assert!(http_get(&addr, "/readyz", "").starts_with("HTTP/1.1 200"));
    assert!(http_get(&addr, "/healthz", "").starts_with("HTTP/1.1 200"));
    assert!(
        http_get(&addr, "/healthz", "Origin: https://evil.example\r\n").starts_with("HTTP/1.1 403")
    );
    assert_eq!(connect(&addr, None, None).err(), Some(401));
    assert_eq!(connect(&addr, Some("guess"), None).err(), Some(401));
    assert_eq!(
        connect(&addr, Some(TOKEN), Some("https://evil.example")).err(),
        Some(403)
    );

    let mut a = connect(&addr, Some(TOKEN), None).unwrap();
    let mut b = connect(&addr, Some(TOKEN), None).unwrap();
    let not_yet = b.call(77, "thread/list", json!({}));
    assert_eq!(not_yet["error"]["message"], "Not initialized");
    // The same id on two connections is answered on each.
    for client in [&mut a, &mut b] {
        let init = client.call(
            1,
            "initialize",
            json!({"clientInfo": {"name": "ws-test", "version": "1"}}),
        );
        assert!(init["result"]["userAgent"].is_string(), "{init}");
        client.send(json!({"method": "initialized"}));
    }
    let ws = tempfile::tempdir().unwrap();
    let started = a.call(2, "thread/start", json!({"cwd": ws.path()}));
    let thread = started["result"]["thread"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let resumed = b.call(2, "thread/resume", json!({"threadId": thread}));
    assert_eq!(resumed["result"]["thread"]["id"], thread.as_str());

    // A binary frame is refused; the connection goes on.
    a.socket.send(Message::binary(b"{}".to_vec())).unwrap();
    let refused = loop {
        let message = a.receive();
        if message.get("error").is_some() {
            break message;
        }
        a.queue.push(message);
    };
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("binary"),
        "{refused}"
    );

    let turn = a.call(
        3,
        "turn/start",
        json!({"threadId": thread, "input": [{"type": "text", "text": "hi", "text_elements": []}]}),
    );
    assert!(turn["result"]["turn"]["id"].is_string(), "{turn}");
    for client in [&mut a, &mut b] {
        let delta = client.wait_for("item/agentMessage/delta");
        assert_eq!(delta["params"]["threadId"], thread.as_str());
        let done = client.wait_for("turn/completed");
        assert_eq!(done["params"]["turn"]["status"], "completed");
    }

    // SIGTERM stops it cleanly.
    let mut server = server;
    // SAFETY: signalling our own child process.
    unsafe { libc::kill(server.child.id() as i32, libc::SIGTERM) };
    let status = server.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
}
