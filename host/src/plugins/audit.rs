//! The audit log: one JSON line per plugin call under `$HEARTH_HOME/audit/`, written in
//! batches by a background thread so the call path only pays for queueing the record.

use super::egress::EgressRecord;
use anyhow::{Context, Result};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, mpsc};
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

impl AuditRecord {
    /// The record of a call of `function` of plugin `plugin` (`id@version`) starting now;
    /// the rest is filled in as the call goes.
    pub fn starting(
        plugin: String,
        digest: String,
        function: &str,
        thread_id: Option<String>,
    ) -> Self {
        AuditRecord {
            ts: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            plugin,
            digest,
            function: function.to_string(),
            tool: None,
            thread_id,
            call_id: None,
            decision: None,
            rule_id: None,
            capabilities: Vec::new(),
            egress: Vec::new(),
            instantiate_us: 0,
            execute_us: 0,
            memory_peak: 0,
            outcome: Outcome::Ok,
            error: None,
        }
    }
}

/// Records waiting for the writer, and what it has been asked to do.
#[derive(Default)]
struct Queue {
    records: Vec<AuditRecord>,
    /// Answered once everything queued before them is written and flushed.
    flushes: Vec<mpsc::Sender<()>>,
    /// The writer is asleep with nothing to do (only then does queueing wake it).
    idle: bool,
    /// No more records will come: write what is left and end.
    closed: bool,
}

/// The queue and the writer thread; the thread is joined when the last `AuditLog` clone
/// drops.
struct Writer {
    queue: Mutex<Queue>,
    wake: Condvar,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
}

/// How long the writer gathers records after the first of a batch arrives.
const BATCH_WINDOW: Duration = Duration::from_millis(20);

impl Writer {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues work; wakes the writer only if it sleeps on an empty queue, so a busy
    /// caller pays for one wake-up per batch, not per record.
    fn push(&self, add: impl FnOnce(&mut Queue)) {
        let mut queue = self.lock();
        add(&mut queue);
        if std::mem::take(&mut queue.idle) {
            self.wake.notify_one();
        }
    }

    /// The writer thread: waits for work, lets a batch gather, writes it, repeats.
    fn run(&self, file: std::fs::File) {
        let mut out = std::io::BufWriter::new(file);
        loop {
            let (records, flushes, closed) = {
                let mut queue = self.lock();
                while queue.records.is_empty() && queue.flushes.is_empty() && !queue.closed {
                    queue.idle = true;
                    queue = self.wake.wait(queue).unwrap_or_else(|e| e.into_inner());
                }
                queue.idle = false;
                if queue.flushes.is_empty() && !queue.closed {
                    drop(queue);
                    std::thread::sleep(BATCH_WINDOW);
                    queue = self.lock();
                }
                (
                    std::mem::take(&mut queue.records),
                    std::mem::take(&mut queue.flushes),
                    queue.closed,
                )
            };
            let mut ok = true;
            for record in &records {
                ok &=
                    serde_json::to_writer(&mut out, record).is_ok() && out.write_all(b"\n").is_ok();
            }
            if !ok || out.flush().is_err() {
                tracing::error!("cannot write the audit log");
            }
            for done in flushes {
                let _ = done.send(());
            }
            if closed {
                return;
            }
        }
    }
}

/// Ends the writer once the last handle is gone, after it wrote everything queued.
struct WriterHandle(Arc<Writer>);

impl Drop for WriterHandle {
    fn drop(&mut self) {
        self.0.push(|queue| queue.closed = true);
        self.0.wake.notify_one();
        let thread = self.0.thread.lock().ok().and_then(|mut t| t.take());
        if let Some(handle) = thread {
            let _ = handle.join();
        }
    }
}

/// Handle to the audit writer; cheap to clone. Records are written in batches by a
/// background thread (within about 20 ms); records queued before the last clone is
/// dropped, or before [`AuditLog::flush`] returns, are on disk.
#[derive(Clone)]
pub struct AuditLog {
    writer: Option<Arc<WriterHandle>>,
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
        let writer = Arc::new(Writer {
            queue: Mutex::default(),
            wake: Condvar::new(),
            thread: Mutex::new(None),
        });
        let runner = writer.clone();
        let thread = std::thread::Builder::new()
            .name("hearth-audit".into())
            .spawn(move || runner.run(file))
            .context("cannot start the audit writer")?;
        *writer.thread.lock().unwrap_or_else(|e| e.into_inner()) = Some(thread);
        Ok(AuditLog {
            writer: Some(Arc::new(WriterHandle(writer))),
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
            writer.0.push(|queue| queue.records.push(record));
        }
    }

    /// Blocks until every record queued so far is written and flushed to the file (at
    /// most a few seconds). Call it before the process exits: `std::process::exit` does
    /// not wait for the writer thread.
    pub fn flush(&self) {
        let Some(writer) = &self.writer else { return };
        let (done, wait) = mpsc::channel();
        writer.0.push(|queue| queue.flushes.push(done));
        if wait.recv_timeout(FLUSH_TIMEOUT).is_err() {
            tracing::error!("the audit log writer did not flush in time");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(n: usize) -> AuditRecord {
        AuditRecord::starting(format!("p{n}@1"), String::new(), "invoke", None)
    }

    fn lines(dir: &Path) -> usize {
        std::fs::read_to_string(dir.join("audit.jsonl"))
            .unwrap()
            .lines()
            .count()
    }

    #[test]
    fn records_are_on_disk_after_flush_and_after_the_last_handle_drops() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::open(dir.path()).unwrap();
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let log = log.clone();
                std::thread::spawn(move || (0..250).for_each(|n| log.record(record(t * 1000 + n))))
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        log.flush();
        assert_eq!(lines(dir.path()), 1000);
        log.record(record(1));
        drop(log);
        assert_eq!(lines(dir.path()), 1001);
    }
}
