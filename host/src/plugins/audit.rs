//! The audit log: one JSON line per plugin call under `$HEARTH_HOME/audit/`, written by a
//! background thread so the call path only pays for a channel send.

use super::egress::EgressRecord;
use anyhow::{Context, Result};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

/// How a plugin call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Returned normally (a tool's own error result counts as ok).
    Ok,
    /// Trapped.
    Trap,
    /// Stopped at its deadline.
    Timeout,
    /// Hit its memory cap.
    MemoryLimit,
    /// Failed to instantiate or returned something invalid.
    Error,
}

/// One audit record.
#[derive(Debug, Clone, Serialize)]
pub struct AuditRecord {
    /// RFC 3339 time the call started.
    pub ts: String,
    /// `id@version`.
    pub plugin: String,
    /// SHA-256 of the component.
    pub digest: String,
    /// Export called, e.g. `invoke`, `evaluate`, `start`.
    pub function: String,
    /// Tool name, for tool calls.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    /// Thread id, when inside a thread.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<String>,
    /// Model's call id, for tool calls.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call_id: Option<String>,
    /// Policy verdict, for policy calls (`allow`, `deny`, `ask`, `abstain`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    /// Policy rule id, for policy calls.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<String>,
    /// Capabilities the call was given.
    pub capabilities: Vec<String>,
    /// Outbound requests it made.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub egress: Vec<EgressRecord>,
    /// Microseconds to create the store and instantiate.
    pub instantiate_us: u64,
    /// Microseconds running the export.
    pub execute_us: u64,
    /// Peak linear memory in bytes.
    pub memory_peak: usize,
    /// How it ended.
    pub outcome: Outcome,
    /// The error, when it did not end well.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What the writer thread receives.
enum Message {
    /// A record to append.
    Record(Box<AuditRecord>),
    /// Answer once every record queued before this one is written and flushed.
    Flush(mpsc::Sender<()>),
}

/// The writer thread's channel and handle; joined when the last `AuditLog` clone drops.
struct Writer {
    sender: Mutex<Option<mpsc::Sender<Message>>>,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl Writer {
    fn send(&self, message: Message) -> bool {
        match self.sender.lock() {
            Ok(guard) => guard.as_ref().is_some_and(|s| s.send(message).is_ok()),
            Err(_) => false,
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // Closing the channel lets the thread write what is queued and end.
        if let Ok(mut sender) = self.sender.lock() {
            sender.take();
        }
        if let Ok(mut thread) = self.thread.lock()
            && let Some(handle) = thread.take()
        {
            let _ = handle.join();
        }
    }
}

/// Handle to the audit writer; cheap to clone. Records queued before the last clone is
/// dropped, or before [`AuditLog::flush`] returns, are on disk.
#[derive(Clone)]
pub struct AuditLog {
    writer: Option<Arc<Writer>>,
    path: Option<PathBuf>,
}

/// Longest [`AuditLog::flush`] waits for the writer.
const FLUSH_TIMEOUT: Duration = Duration::from_secs(5);

impl AuditLog {
    /// An audit log that drops every record (for tools that run without a home).
    pub fn disabled() -> Self {
        AuditLog {
            writer: None,
            path: None,
        }
    }

    /// Opens (appending) `dir/audit.jsonl` and starts its writer thread.
    pub fn open(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create audit directory {}", dir.display()))?;
        let path = dir.join("audit.jsonl");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .with_context(|| format!("cannot open audit log {}", path.display()))?;
        let (sender, receiver) = mpsc::channel::<Message>();
        let thread = std::thread::Builder::new()
            .name("hearth-audit".into())
            .spawn(move || {
                let mut out = std::io::BufWriter::new(file);
                let mut waiting: Vec<mpsc::Sender<()>> = Vec::new();
                while let Ok(first) = receiver.recv() {
                    let mut ok = true;
                    let mut handle = |message: Message, ok: &mut bool| match message {
                        Message::Record(r) => {
                            *ok &= serde_json::to_writer(&mut out, &*r).is_ok()
                                && out.write_all(b"\n").is_ok();
                        }
                        Message::Flush(done) => waiting.push(done),
                    };
                    handle(first, &mut ok);
                    while let Ok(more) = receiver.try_recv() {
                        handle(more, &mut ok);
                    }
                    if !ok || out.flush().is_err() {
                        tracing::error!("cannot write the audit log");
                    }
                    for done in waiting.drain(..) {
                        let _ = done.send(());
                    }
                }
                let _ = out.flush();
            })
            .context("cannot start the audit writer")?;
        let writer = Writer {
            sender: Mutex::new(Some(sender)),
            thread: Mutex::new(Some(thread)),
        };
        Ok(AuditLog {
            writer: Some(Arc::new(writer)),
            path: Some(path),
        })
    }

    /// Where records go, if anywhere.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Queues one record.
    pub fn record(&self, record: AuditRecord) {
        if let Some(writer) = &self.writer {
            writer.send(Message::Record(Box::new(record)));
        }
    }

    /// Blocks until every record queued so far is written and flushed to the file (at
    /// most a few seconds). Call it before the process exits: `std::process::exit` does
    /// not wait for the writer thread.
    pub fn flush(&self) {
        let Some(writer) = &self.writer else { return };
        let (done, wait) = mpsc::channel();
        if writer.send(Message::Flush(done)) && wait.recv_timeout(FLUSH_TIMEOUT).is_err() {
            tracing::error!("the audit log writer did not flush in time");
        }
    }
}
