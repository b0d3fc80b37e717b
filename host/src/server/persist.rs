//! Durable threads: one append-only JSONL log per thread under `$HEARTH_HOME/threads/`,
//! the single source of truth. A completed item is fsynced before the next model request;
//! a torn last line (a crash mid-write) is ignored on load. Ephemeral threads never get here.

use super::app::{HistoryEntry, ThreadInner, ThreadSettings};
use crate::plugins::grants::SandboxMode;
use crate::protocol::{Thread, ThreadItem, ThreadStatus, TokenUsageBreakdown, Turn, TurnStatus};
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Settings as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredSettings {
    provider: String,
    model: String,
    approval_policy: String,
    sandbox: SandboxMode,
    #[serde(default)]
    network_access: bool,
    #[serde(default)]
    writable_roots: Vec<PathBuf>,
    cwd: PathBuf,
}

impl From<&ThreadSettings> for StoredSettings {
    fn from(s: &ThreadSettings) -> Self {
        StoredSettings {
            provider: s.provider.clone(),
            model: s.model.clone(),
            approval_policy: s.approval_policy.clone(),
            sandbox: s.sandbox,
            network_access: s.network_access,
            writable_roots: s.writable_roots.clone(),
            cwd: s.cwd.clone(),
        }
    }
}

/// One line of a thread log.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "snake_case")]
pub enum Record {
    /// The thread was created (or forked: `history` and `turns` carry what it started with).
    Created {
        thread: Box<Thread>,
        settings: StoredSettings,
        turns: Vec<Turn>,
        history: Vec<HistoryEntry>,
    },
    /// Settings changed (resume with overrides).
    Settings { settings: StoredSettings },
    /// A turn started.
    TurnStarted { turn: Turn },
    /// An item completed, with the model-history items it contributes.
    ItemCompleted {
        turn_id: String,
        item: ThreadItem,
        history: Vec<Value>,
    },
    /// History was compacted: `history` replaces the model history, and the
    /// `contextCompaction` item completed.
    Compacted {
        turn_id: String,
        item: ThreadItem,
        history: Vec<Value>,
    },
    /// A turn ended.
    TurnCompleted {
        turn: Turn,
        usage_total: TokenUsageBreakdown,
    },
    /// The name changed.
    Name { name: Option<String> },
    /// Archived or unarchived.
    Archived { archived: bool },
    /// The last `num_turns` turns were dropped.
    Rollback { num_turns: usize },
}

/// The directory of thread logs.
#[derive(Debug, Clone)]
pub struct ThreadLogs {
    dir: PathBuf,
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl ThreadLogs {
    /// Opens (creating) `home/threads`.
    pub fn open(home: &Path) -> Result<Self> {
        let dir = home.join("threads");
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(ThreadLogs { dir })
    }

    fn path(&self, id: &str) -> Result<PathBuf> {
        if !valid_id(id) {
            bail!("invalid thread id {id:?}");
        }
        Ok(self.dir.join(format!("{id}.jsonl")))
    }

    /// Where a thread's log lives.
    pub fn log_path(&self, id: &str) -> Option<PathBuf> {
        self.path(id).ok()
    }

    /// Appends records and makes them durable.
    pub fn append(&self, id: &str, records: &[Record]) -> Result<()> {
        let path = self.path(id)?;
        let mut buf = Vec::new();
        for r in records {
            serde_json::to_writer(&mut buf, r)?;
            buf.push(b'\n');
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        file.write_all(&buf)
            .and_then(|_| file.sync_data())
            .with_context(|| format!("cannot write {}", path.display()))
    }

    /// Whether a thread has a log.
    pub fn exists(&self, id: &str) -> bool {
        self.path(id).is_ok_and(|p| p.exists())
    }

    /// Replays a thread's log.
    pub fn load(&self, id: &str) -> Result<ThreadInner> {
        let path = self.path(id)?;
        let text =
            std::fs::read_to_string(&path).with_context(|| format!("no stored thread {id}"))?;
        let lines: Vec<(usize, &str)> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .collect();
        let mut state: Option<ThreadInner> = None;
        for (i, (n, line)) in lines.iter().enumerate() {
            let record: Record = match serde_json::from_str(line) {
                Ok(r) => r,
                Err(err) if i + 1 == lines.len() => {
                    tracing::warn!(thread = id, %err, "ignoring a torn last line");
                    break;
                }
                Err(err) => bail!("{}:{}: corrupt record: {err}", path.display(), n + 1),
            };
            apply(&mut state, record);
        }
        let mut inner =
            state.with_context(|| format!("thread log {} has no header", path.display()))?;
        for turn in &mut inner.turns {
            if turn.status == TurnStatus::InProgress {
                turn.status = TurnStatus::Interrupted;
            }
        }
        inner.thread.status = ThreadStatus::NotLoaded;
        inner.thread.path = Some(path.display().to_string());
        Ok(inner)
    }

    /// Every stored thread id.
    pub fn ids(&self) -> Result<Vec<String>> {
        let mut ids = Vec::new();
        for entry in std::fs::read_dir(&self.dir)? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "jsonl")
                && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
            {
                ids.push(stem.to_string());
            }
        }
        Ok(ids)
    }
}

fn apply(state: &mut Option<ThreadInner>, record: Record) {
    if let Record::Created {
        thread,
        settings,
        turns,
        history,
    } = record
    {
        *state = Some(ThreadInner {
            thread: *thread,
            turns,
            history,
            settings: ThreadSettings {
                provider: settings.provider,
                model: settings.model,
                approval_policy: settings.approval_policy,
                sandbox: settings.sandbox,
                network_access: settings.network_access,
                writable_roots: settings.writable_roots,
                cwd: settings.cwd,
            },
            active: None,
            usage_total: TokenUsageBreakdown::default(),
            archived: false,
            session_approvals: Default::default(),
            replaced_by_compaction: Vec::new(),
        });
        return;
    }
    if let Some(s) = state.as_mut() {
        apply_to(s, record);
    }
}

/// Applies a record to a thread's state: on load, and as the live thread records it.
pub fn apply_to(s: &mut ThreadInner, record: Record) {
    match record {
        Record::Created { .. } => {}
        Record::Settings { settings } => {
            s.settings.provider = settings.provider;
            s.settings.model = settings.model;
            s.settings.approval_policy = settings.approval_policy;
            s.settings.sandbox = settings.sandbox;
            s.settings.network_access = settings.network_access;
            s.settings.writable_roots = settings.writable_roots;
            s.settings.cwd = settings.cwd;
        }
        Record::TurnStarted { turn } => s.turns.push(turn),
        Record::ItemCompleted {
            turn_id,
            item,
            history,
        } => {
            if let Some(turn) = s.turns.iter_mut().rev().find(|t| t.id == turn_id) {
                turn.items.retain(|i| i.id != item.id);
                turn.items.push(item);
            }
            s.history
                .extend(history.into_iter().map(|item| HistoryEntry {
                    turn_id: turn_id.clone(),
                    item,
                }));
        }
        Record::Compacted {
            turn_id,
            item,
            history,
        } => {
            if let Some(turn) = s.turns.iter_mut().rev().find(|t| t.id == turn_id) {
                turn.items.retain(|i| i.id != item.id);
                turn.items.push(item);
            }
            s.compact(&turn_id, history);
        }
        Record::TurnCompleted { turn, usage_total } => {
            if let Some(t) = s.turns.iter_mut().rev().find(|t| t.id == turn.id) {
                let items = std::mem::take(&mut t.items);
                *t = turn;
                t.items = items;
            }
            s.usage_total = usage_total;
            s.thread.updated_at = chrono::Utc::now().timestamp();
        }
        Record::Name { name } => s.thread.name = name,
        Record::Archived { archived } => s.archived = archived,
        Record::Rollback { num_turns } => s.drop_turns(num_turns),
    }
}
