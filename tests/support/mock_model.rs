//! A model provider for the tests: a real HTTP/1.1 server on 127.0.0.1 (std sockets, one
//! thread per connection, `connection: close`) that answers each `POST` with the next
//! scripted [`Reply`] — an event stream (`text/event-stream`, chunked, one chunk per
//! event with a short pause between them), a stream cut off mid-way, a stream held open,
//! or an error status — answers `GET …/models` with a model list, and records every
//! request (method, path, headers, body, arrival time) for assertions.

use serde_json::{Value, json};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Pause before each streamed event, so deltas arrive one by one.
pub const EVENT_GAP: Duration = Duration::from_millis(15);

/// How the server answers one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// `200 text/event-stream` with these events (complete SSE blocks), then the end.
    Stream(Vec<String>),
    /// These events, then the connection is cut without ending the chunked body.
    Drop(Vec<String>),
    /// These events, then nothing but keep-alive comments until the client goes away.
    Hold(Vec<String>),
    /// A status with extra headers and a JSON body.
    Status {
        /// HTTP status.
        status: u16,
        /// Extra headers.
        headers: Vec<(String, String)>,
        /// The body.
        body: String,
    },
}

impl Reply {
    /// An error status with an OpenAI-style error body.
    pub fn status(status: u16, message: &str) -> Reply {
        Reply::Status {
            status,
            headers: Vec::new(),
            body: json!({"error": {"message": message, "type": "server_error"}}).to_string(),
        }
    }
}

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// `GET`, `POST`, ...
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
    /// When it arrived.
    pub at: Instant,
}

impl Recorded {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.body))
    }

    /// The value of header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct State {
    replies: VecDeque<Reply>,
    fallback: Option<Reply>,
    models: Option<Value>,
    requests: Vec<Recorded>,
    disconnects: usize,
}

/// A running mock provider; it lives as long as the test process.
#[derive(Clone)]
pub struct MockModel {
    /// The port it listens on.
    pub port: u16,
    state: Arc<Mutex<State>>,
}

impl MockModel {
    /// Starts a server on a free port of 127.0.0.1.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state: Arc<Mutex<State>> = Arc::default();
        let shared = state.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let state = shared.clone();
                std::thread::spawn(move || handle(conn, &state));
            }
        });
        MockModel { port, state }
    }

    /// `http://127.0.0.1:<port>/v1`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/v1", self.port)
    }

    /// Queues the reply to the next `POST`.
    pub fn push(&self, reply: Reply) {
        self.state.lock().unwrap().replies.push_back(reply);
    }

    /// The reply once the queue is empty (default: a 500 saying nothing is scripted).
    pub fn set_fallback(&self, reply: Reply) {
        self.state.lock().unwrap().fallback = Some(reply);
    }

    /// The answer to `GET …/models` (default: 404).
    pub fn set_models(&self, models: Value) {
        self.state.lock().unwrap().models = Some(models);
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().unwrap().requests.clone()
    }

    /// The `POST` requests so far.
    pub fn posts(&self) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == "POST")
            .collect()
    }

    /// How many held streams the client closed.
    pub fn disconnects(&self) -> usize {
        self.state.lock().unwrap().disconnects
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Recorded> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let path = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (name, value) = h.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let get = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let mut body = Vec::new();
    if get("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).ok()?;
            let size = usize::from_str_radix(size.trim(), 16).ok()?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).ok()?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    } else if let Some(len) = get("content-length").and_then(|v| v.parse::<usize>().ok()) {
        body.resize(len, 0);
        reader.read_exact(&mut body).ok()?;
    }
    Some(Recorded {
        method,
        path,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
        at: Instant::now(),
    })
}

fn write_chunk(conn: &mut TcpStream, data: &str) -> std::io::Result<()> {
    write!(conn, "{:x}\r\n{data}\r\n", data.len())?;
    conn.flush()
}

fn stream_events(conn: &mut TcpStream, events: &[String]) -> std::io::Result<()> {
    conn.write_all(
        b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n",
    )?;
    conn.flush()?;
    for event in events {
        std::thread::sleep(EVENT_GAP);
        write_chunk(conn, event)?;
    }
    Ok(())
}

fn write_status(conn: &mut TcpStream, status: u16, headers: &[(String, String)], body: &str) {
    let mut head = format!(
        "HTTP/1.1 {status} Scripted\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = conn.write_all(head.as_bytes());
    let _ = conn.write_all(body.as_bytes());
    let _ = conn.flush();
}

fn handle(conn: TcpStream, state: &Mutex<State>) {
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut conn = conn;
    let Some(request) = read_request(&mut reader) else {
        return;
    };
    let (method, path) = (request.method.clone(), request.path.clone());
    let reply = {
        let mut s = state.lock().unwrap();
        s.requests.push(request);
        if method == "GET" && path.split('?').next().unwrap_or("").ends_with("/models") {
            match &s.models {
                Some(models) => Reply::Status {
                    status: 200,
                    headers: Vec::new(),
                    body: models.to_string(),
                },
                None => Reply::status(404, "no models here"),
            }
        } else {
            s.replies
                .pop_front()
                .or_else(|| s.fallback.clone())
                .unwrap_or_else(|| Reply::status(500, "the mock has no reply scripted"))
        }
    };
    match reply {
        Reply::Status {
            status,
            headers,
            body,
        } => write_status(&mut conn, status, &headers, &body),
        Reply::Stream(events) => {
            if stream_events(&mut conn, &events).is_ok() {
                let _ = conn.write_all(b"0\r\n\r\n");
            }
        }
        Reply::Drop(events) => {
            let _ = stream_events(&mut conn, &events);
            std::thread::sleep(EVENT_GAP);
        }
        Reply::Hold(events) => {
            let _ = stream_events(&mut conn, &events);
            let deadline = Instant::now() + Duration::from_secs(30);
            while Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
                if write_chunk(&mut conn, ": keep-alive\n\n").is_err() {
                    state.lock().unwrap().disconnects += 1;
                    break;
                }
            }
        }
    }
    let _ = conn.shutdown(Shutdown::Both);
}
