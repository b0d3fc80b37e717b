//! [`ThreadLog`]: a thread's state as replayed from its records — metadata, settings,
//! turns with items, and the canonical model history. The same type holds live threads
//! (records are applied as they are appended) and ephemeral threads (never written).

use serde_json::Value;

use super::StoreError;
use super::record::{LogEntry, Record, ThreadMeta, ThreadSettings};
use crate::protocol::{
    SessionSource, Thread, ThreadItem, ThreadItemDetails, ThreadStatus, TokenUsageBreakdown, Turn,
    TurnItemsView, TurnStatus, UserInput,
};

/// A turn and where its model history starts.
#[derive(Debug, Clone, PartialEq)]
struct StoredTurn {
    turn: Turn,
    /// Index in `history` of this turn's first contribution.
    history_start: usize,
    usage: Option<TokenUsageBreakdown>,
}

/// A thread replayed from its log.
#[derive(Debug, Clone, PartialEq)]
pub struct ThreadLog {
    meta: ThreadMeta,
    settings: ThreadSettings,
    name: Option<String>,
    archived: bool,
    preview: String,
    updated_at_ms: i64,
    turns: Vec<StoredTurn>,
    history: Vec<Value>,
    total_usage: TokenUsageBreakdown,
}

impl ThreadLog {
    /// A new thread with no turns, created at `meta.created_at_ms`. The caller writes the
    /// matching `thread_created` record unless the thread is ephemeral.
    pub fn new(meta: ThreadMeta) -> Self {
        Self {
            preview: meta.preview.clone(),
            updated_at_ms: meta.created_at_ms,
            meta,
            settings: ThreadSettings::default(),
            name: None,
            archived: false,
            turns: Vec::new(),
            history: Vec::new(),
            total_usage: TokenUsageBreakdown::default(),
        }
    }

    /// Replays entries; the first must be `thread_created`.
    pub fn replay(entries: impl IntoIterator<Item = LogEntry>) -> Result<Self, StoreError> {
        let mut entries = entries.into_iter();
        let mut log = match entries.next() {
            Some(LogEntry {
                record: Record::ThreadCreated { meta },
                ..
            }) => Self::new(meta),
            _ => {
                return Err(StoreError::Invalid(
                    "a thread log must start with a thread_created record".into(),
                ));
            }
        };
        for entry in entries {
            log.apply(entry);
        }
        Ok(log)
    }

    /// Applies one record. Inconsistent records (a turn that was never started, a second
    /// `thread_created`) are handled leniently and logged, never fatal.
    pub fn apply(&mut self, entry: LogEntry) {
        self.updated_at_ms = self.updated_at_ms.max(entry.ts);
        match entry.record {
            Record::ThreadCreated { .. } => {
                tracing::warn!(thread = %self.meta.id, "duplicate thread_created record ignored");
            }
            Record::SettingsChanged { settings } => self.settings.merge(&settings),
            Record::NameSet { name } => self.name = name,
            Record::Archived => self.archived = true,
            Record::Unarchived => self.archived = false,
            Record::TurnStarted { turn_id } => {
                if self.turn_index(&turn_id).is_some() {
                    tracing::warn!(thread = %self.meta.id, turn = %turn_id, "turn started twice");
                } else {
                    self.start_turn(turn_id, entry.ts);
                }
            }
            Record::ItemCompleted {
                turn_id,
                item,
                history,
            } => {
                if self.preview.is_empty()
                    && let Some(text) = user_text(&item)
                {
                    self.preview = text;
                }
                let index = self.turn_index_or_start(&turn_id, entry.ts);
                let items = &mut self.turns[index].turn.items;
                match items.iter_mut().find(|existing| existing.id == item.id) {
                    Some(existing) => *existing = item,
                    None => items.push(item),
                }
                self.history.extend(history);
            }
            Record::HistoryAppended { turn_id, items } => {
                if let Some(turn_id) = turn_id {
                    self.turn_index_or_start(&turn_id, entry.ts);
                }
                self.history.extend(items);
            }
            Record::HistoryReplaced { history, .. } => {
                // History before this point cannot be split by turn any more: rolling back
                // past a compaction keeps the compacted history.
                for turn in &mut self.turns {
                    turn.history_start = turn.history_start.min(history.len());
                }
                self.history = history;
            }
            Record::TurnCompleted {
                turn_id,
                status,
                error,
                usage,
                duration_ms,
            } => {
                let index = self.turn_index_or_start(&turn_id, entry.ts);
                let stored = &mut self.turns[index];
                stored.turn.status = status;
                stored.turn.error = error;
                stored.turn.completed_at = Some(entry.ts.div_euclid(1000));
                stored.turn.duration_ms = duration_ms.or_else(|| {
                    stored
                        .turn
                        .started_at
                        .map(|started| (entry.ts - started * 1000).max(0))
                });
                if let Some(usage) = usage {
                    self.total_usage.add(&usage);
                    stored.usage = Some(usage);
                }
            }
            Record::RolledBack { num_turns } => {
                let keep = self
                    .turns
                    .len()
                    .saturating_sub(usize::try_from(num_turns).unwrap_or(usize::MAX));
                if let Some(first_dropped) = self.turns.get(keep) {
                    self.history.truncate(first_dropped.history_start);
                }
                self.turns.truncate(keep);
            }
        }
    }

    fn start_turn(&mut self, turn_id: String, ts: i64) -> usize {
        self.turns.push(StoredTurn {
            turn: Turn::in_progress(turn_id, Some(ts.div_euclid(1000))),
            history_start: self.history.len(),
            usage: None,
        });
        self.turns.len() - 1
    }

    fn turn_index(&self, turn_id: &str) -> Option<usize> {
        self.turns.iter().rposition(|t| t.turn.id == turn_id)
    }

    fn turn_index_or_start(&mut self, turn_id: &str, ts: i64) -> usize {
        match self.turn_index(turn_id) {
            Some(index) => index,
            None => {
                tracing::warn!(thread = %self.meta.id, turn = %turn_id, "record for a turn that never started");
                self.start_turn(turn_id.to_owned(), ts)
            }
        }
    }

    /// Thread id.
    pub fn id(&self) -> &str {
        &self.meta.id
    }

    /// Immutable metadata.
    pub fn meta(&self) -> &ThreadMeta {
        &self.meta
    }

    /// Whether the thread lives in memory only.
    pub fn is_ephemeral(&self) -> bool {
        self.meta.ephemeral
    }

    /// Sticky settings (merged over all `settings_changed` records).
    pub fn settings(&self) -> &ThreadSettings {
        &self.settings
    }

    /// User-facing name.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Whether the thread is archived.
    pub fn is_archived(&self) -> bool {
        self.archived
    }

    /// Preview: the first user message (or the initial preview).
    pub fn preview(&self) -> &str {
        &self.preview
    }

    /// Unix milliseconds of the last record.
    pub fn updated_at_ms(&self) -> i64 {
        self.updated_at_ms
    }

    /// The turns, oldest first.
    pub fn turns(&self) -> impl ExactSizeIterator<Item = &Turn> + DoubleEndedIterator {
        self.turns.iter().map(|t| &t.turn)
    }

    /// A turn by id.
    pub fn turn(&self, turn_id: &str) -> Option<&Turn> {
        self.turn_index(turn_id).map(|i| &self.turns[i].turn)
    }

    /// The latest turn.
    pub fn last_turn(&self) -> Option<&Turn> {
        self.turns.last().map(|t| &t.turn)
    }

    /// Tokens used by a turn, if recorded.
    pub fn turn_usage(&self, turn_id: &str) -> Option<TokenUsageBreakdown> {
        self.turn_index(turn_id).and_then(|i| self.turns[i].usage)
    }

    /// Tokens used over the thread.
    pub fn total_usage(&self) -> TokenUsageBreakdown {
        self.total_usage
    }

    /// The canonical model history (Responses-style items), oldest first.
    pub fn history(&self) -> &[Value] {
        &self.history
    }

    /// How many turns `thread/revert {beforeTurnId}` drops: that turn and every later one.
    pub fn turns_from(&self, turn_id: &str) -> Option<u32> {
        self.turn_index(turn_id)
            .map(|i| u32::try_from(self.turns.len() - i).unwrap_or(u32::MAX))
    }

    /// Marks turns still in progress as interrupted (in memory only): call after loading
    /// a thread whose process died mid-turn. Returns the affected turn ids.
    pub fn close_dangling_turns(&mut self) -> Vec<String> {
        self.turns
            .iter_mut()
            .filter(|t| t.turn.status == TurnStatus::InProgress)
            .map(|t| {
                t.turn.status = TurnStatus::Interrupted;
                t.turn.id.clone()
            })
            .collect()
    }

    /// The thread as clients see it. `path` is the log file (`None` when ephemeral).
    pub fn to_thread(
        &self,
        status: ThreadStatus,
        include_turns: bool,
        path: Option<String>,
    ) -> Thread {
        let turns = if include_turns {
            self.turns
                .iter()
                .map(|t| Turn {
                    items_view: TurnItemsView::Full,
                    ..t.turn.clone()
                })
                .collect()
        } else {
            Vec::new()
        };
        build_thread(
            &self.meta,
            &self.settings,
            ThreadFacts {
                name: self.name.clone(),
                preview: self.preview.clone(),
                updated_at_ms: self.updated_at_ms,
                status,
                path,
            },
            turns,
        )
    }

    /// Entries that recreate this thread, as of turn `last_turn_id` (inclusive; all turns
    /// when `None`), under new metadata: the log of a fork. A kept turn that is still in
    /// progress is recorded as interrupted.
    pub fn fork_entries(
        &self,
        mut meta: ThreadMeta,
        last_turn_id: Option<&str>,
    ) -> Result<Vec<LogEntry>, StoreError> {
        let kept = match last_turn_id {
            Some(id) => {
                self.turn_index(id)
                    .ok_or_else(|| StoreError::TurnNotFound(id.into()))?
                    + 1
            }
            None => self.turns.len(),
        };
        meta.forked_from_id = Some(self.meta.id.clone());
        if meta.preview.is_empty() {
            meta.preview.clone_from(&self.preview);
        }
        let created = meta.created_at_ms;
        let mut entries = vec![LogEntry::at(created, Record::ThreadCreated { meta })];
        if !self.settings.is_empty() {
            entries.push(LogEntry::at(
                created,
                Record::SettingsChanged {
                    settings: self.settings.clone(),
                },
            ));
        }
        let history_end = |i: usize| {
            self.turns
                .get(i + 1)
                .map_or(self.history.len(), |next| next.history_start)
        };
        let first_start = self
            .turns
            .first()
            .map_or(self.history.len(), |t| t.history_start);
        if first_start > 0 {
            entries.push(LogEntry::at(
                created,
                Record::HistoryAppended {
                    turn_id: None,
                    items: self.history[..first_start].to_vec(),
                },
            ));
        }
        for (i, stored) in self.turns[..kept].iter().enumerate() {
            let turn = &stored.turn;
            let started = turn.started_at.map_or(created, |s| s * 1000);
            entries.push(LogEntry::at(
                started,
                Record::TurnStarted {
                    turn_id: turn.id.clone(),
                },
            ));
            for item in &turn.items {
                entries.push(LogEntry::at(
                    started,
                    Record::ItemCompleted {
                        turn_id: turn.id.clone(),
                        item: item.clone(),
                        history: Vec::new(),
                    },
                ));
            }
            let slice = &self.history[stored.history_start.min(history_end(i))..history_end(i)];
            if !slice.is_empty() {
                entries.push(LogEntry::at(
                    started,
                    Record::HistoryAppended {
                        turn_id: Some(turn.id.clone()),
                        items: slice.to_vec(),
                    },
                ));
            }
            let interrupted = turn.status == TurnStatus::InProgress;
            entries.push(LogEntry::at(
                turn.completed_at.map_or(started, |c| c * 1000),
                Record::TurnCompleted {
                    turn_id: turn.id.clone(),
                    status: if interrupted {
                        TurnStatus::Interrupted
                    } else {
                        turn.status
                    },
                    error: turn.error.clone(),
                    usage: stored.usage,
                    duration_ms: turn.duration_ms,
                },
            ));
        }
        Ok(entries)
    }
}

/// Mutable facts that [`build_thread`] combines with metadata.
pub(super) struct ThreadFacts {
    pub name: Option<String>,
    pub preview: String,
    pub updated_at_ms: i64,
    pub status: ThreadStatus,
    pub path: Option<String>,
}

/// Builds the protocol `Thread` from stored state.
pub(super) fn build_thread(
    meta: &ThreadMeta,
    settings: &ThreadSettings,
    facts: ThreadFacts,
    turns: Vec<Turn>,
) -> Thread {
    Thread {
        id: meta.id.clone(),
        session_id: meta.id.clone(),
        forked_from_id: meta.forked_from_id.clone(),
        preview: facts.preview,
        ephemeral: meta.ephemeral,
        model_provider: settings
            .model_provider
            .clone()
            .unwrap_or_else(|| meta.model_provider.clone()),
        model: settings.model.clone().or_else(|| meta.model.clone()),
        reasoning_effort: settings
            .reasoning_effort
            .clone()
            .or_else(|| meta.reasoning_effort.clone()),
        created_at: meta.created_at_ms.div_euclid(1000),
        updated_at: facts.updated_at_ms.div_euclid(1000),
        status: facts.status,
        path: facts.path,
        cwd: settings.cwd.clone().unwrap_or_else(|| meta.cwd.clone()),
        cli_version: meta.cli_version.clone(),
        source: meta.source.clone(),
        thread_source: meta.thread_source.clone(),
        originator: meta.originator.clone(),
        agent_nickname: None,
        agent_role: None,
        parent_thread_id: match &meta.source {
            SessionSource::SubAgent(source) => source
                .pointer("/thread_spawn/parent_thread_id")
                .and_then(Value::as_str)
                .map(str::to_owned),
            _ => None,
        },
        git_info: meta.git_info.clone(),
        name: facts.name,
        project_id: None,
        turns,
    }
}

/// The text of a user message item, for the preview.
pub(super) fn user_text(item: &ThreadItem) -> Option<String> {
    let ThreadItemDetails::UserMessage { content, .. } = &item.details else {
        return None;
    };
    let text: Vec<&str> = content
        .iter()
        .filter_map(|input| match input {
            UserInput::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    let text = text.join("\n");
    (!text.trim().is_empty()).then_some(text)
}
