//! The audit log: one JSON line per plugin call under `$HEARTH_HOME/audit/`, written by a
//! background thread so the call path only pays for a channel send.

use super::egress::EgressRecord;
use anyhow::{Context, Result};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

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

/// Handle to the audit writer; cheap to clone.
#[derive(Clone)]
pub struct AuditLog {
    sender: Option<mpsc::Sender<AuditRecord>>,
    path: Option<PathBuf>,
}

impl AuditLog {
    /// An audit log that drops every record (for tools that run without a home).
    pub fn disabled() -> Self {
        AuditLog { sender: None, path: None }
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
        let (sender, receiver) = mpsc::channel::<AuditRecord>();
        std::thread::Builder::new()
            .name("hearth-audit".into())
            .spawn(move || {
                let mut out = std::io::BufWriter::new(file);
                while let Ok(record) = receiver.recv() {
                    let mut write = |r: &AuditRecord| -> std::io::Result<()> {
                        serde_json::to_writer(&mut out, r)?;
                        out.write_all(b"\n")
                    };
                    let mut ok = write(&record).is_ok();
                    while let Ok(more) = receiver.try_recv() {
                        ok &= write(&more).is_ok();
                    }
                    if !ok || out.flush().is_err() {
                        tracing::error!("cannot write the audit log");
                    }
                }
            })
            .context("cannot start the audit writer")?;
        Ok(AuditLog { sender: Some(sender), path: Some(path) })
    }

    /// Where records go, if anywhere.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Queues one record.
    pub fn record(&self, record: AuditRecord) {
        if let Some(sender) = &self.sender {
            let _ = sender.send(record);
        }
    }
}
