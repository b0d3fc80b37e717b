//! Listing threads: a lazily built in-memory index of per-thread summaries, rebuilt from
//! the logs (files whose size or mtime changed are re-read) and kept current by appends.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::time::SystemTime;

use serde::Deserialize;

use super::log::{ThreadFacts, build_thread, user_text};
use super::record::{LogEntry, Record, ThreadMeta, ThreadSettings};
use super::{LOG_EXTENSION, StoreError};
use crate::protocol::{SortDirection, Thread, ThreadStatus};

/// What [`super::ThreadStore::list`] returns for each thread.
#[derive(Debug, Clone, PartialEq)]
pub struct ThreadSummary {
    /// Immutable metadata.
    pub meta: ThreadMeta,
    /// Sticky settings.
    pub settings: ThreadSettings,
    /// Name.
    pub name: Option<String>,
    /// Archived flag.
    pub archived: bool,
    /// First user message (or the initial preview).
    pub preview: String,
    /// Unix milliseconds of the last record.
    pub updated_at_ms: i64,
}

impl ThreadSummary {
    /// The thread as `thread/list` shows it (no turns).
    pub fn to_thread(&self, status: ThreadStatus, path: Option<String>) -> Thread {
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
            Vec::new(),
        )
    }

    fn new(meta: ThreadMeta, ts: i64) -> Self {
        Self {
            preview: meta.preview.clone(),
            meta,
            settings: ThreadSettings::default(),
            name: None,
            archived: false,
            updated_at_ms: ts,
        }
    }

    /// Applies one record's effect on the summary.
    pub(super) fn apply(&mut self, entry: &LogEntry) {
        self.updated_at_ms = self.updated_at_ms.max(entry.ts);
        match &entry.record {
            Record::SettingsChanged { settings } => self.settings.merge(settings),
            Record::NameSet { name } => self.name.clone_from(name),
            Record::Archived => self.archived = true,
            Record::Unarchived => self.archived = false,
            Record::ItemCompleted { item, .. } if self.preview.is_empty() => {
                if let Some(text) = user_text(item) {
                    self.preview = text;
                }
            }
            _ => {}
        }
    }

    fn sort_value(&self, key: SortKey) -> i64 {
        match key {
            SortKey::CreatedAt => self.meta.created_at_ms,
            SortKey::UpdatedAt => self.updated_at_ms,
        }
    }
}

/// Order of [`ListQuery`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// Creation time.
    CreatedAt,
    /// Last update (default).
    #[default]
    UpdatedAt,
}

/// Filters, order and page of [`super::ThreadStore::list`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    /// `false`: only threads not archived; `true`: only archived ones.
    pub archived: bool,
    /// Only threads whose working directory is one of these.
    pub cwd: Option<Vec<String>>,
    /// Only threads of these model providers (empty = all).
    pub model_providers: Option<Vec<String>>,
    /// Only threads whose name or preview contains this text.
    pub search_term: Option<String>,
    /// Sort key.
    pub sort_key: SortKey,
    /// Sort direction (default newest first).
    pub direction: SortDirection,
    /// Cursor from the previous page.
    pub cursor: Option<String>,
    /// Page size (at least 1).
    pub limit: usize,
}

impl Default for ListQuery {
    fn default() -> Self {
        Self {
            archived: false,
            cwd: None,
            model_providers: None,
            search_term: None,
            sort_key: SortKey::UpdatedAt,
            direction: SortDirection::Desc,
            cursor: None,
            limit: 50,
        }
    }
}

impl ListQuery {
    fn matches(&self, summary: &ThreadSummary) -> bool {
        if summary.archived != self.archived {
            return false;
        }
        if let Some(cwds) = &self.cwd {
            let cwd = summary.settings.cwd.as_ref().unwrap_or(&summary.meta.cwd);
            if !cwds.iter().any(|c| c == cwd) {
                return false;
            }
        }
        if let Some(providers) = self.model_providers.as_ref().filter(|p| !p.is_empty()) {
            let provider = summary
                .settings
                .model_provider
                .as_ref()
                .unwrap_or(&summary.meta.model_provider);
            if !providers.iter().any(|p| p == provider) {
                return false;
            }
        }
        if let Some(term) = &self.search_term {
            let in_name = summary
                .name
                .as_deref()
                .is_some_and(|n| n.contains(term.as_str()));
            if !in_name && !summary.preview.contains(term.as_str()) {
                return false;
            }
        }
        true
    }
}

/// One page of threads.
#[derive(Debug, Clone, PartialEq)]
pub struct ThreadPage {
    /// The threads of this page.
    pub threads: Vec<ThreadSummary>,
    /// Cursor of the next page; `None` at the end.
    pub next_cursor: Option<String>,
}

struct IndexEntry {
    summary: ThreadSummary,
    len: u64,
    modified: Option<SystemTime>,
}

/// Summaries of every thread log in the directory.
#[derive(Default)]
pub(super) struct Index {
    entries: HashMap<String, IndexEntry>,
}

impl Index {
    /// Brings the index up to date with the directory: new or changed logs are re-read,
    /// deleted ones dropped.
    pub(super) fn refresh(&mut self, dir: &Path) -> Result<(), StoreError> {
        let mut seen = HashMap::with_capacity(self.entries.len());
        let listing = std::fs::read_dir(dir).map_err(|e| StoreError::io(dir, e))?;
        for dirent in listing {
            let dirent = dirent.map_err(|e| StoreError::io(dir, e))?;
            let path = dirent.path();
            if path.extension().and_then(|e| e.to_str()) != Some(LOG_EXTENSION) {
                continue;
            }
            let Some(id) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            let Ok(metadata) = dirent.metadata() else {
                continue;
            };
            let (len, modified) = (metadata.len(), metadata.modified().ok());
            match self.entries.remove(id) {
                Some(entry) if entry.len == len && entry.modified == modified => {
                    seen.insert(id.to_owned(), entry);
                }
                _ => match summarize(&path) {
                    Ok(Some(summary)) => {
                        seen.insert(
                            id.to_owned(),
                            IndexEntry {
                                summary,
                                len,
                                modified,
                            },
                        );
                    }
                    Ok(None) => {
                        tracing::warn!(path = %path.display(), "not a thread log; skipped in listings");
                    }
                    Err(e) => tracing::warn!("{e}; skipped in listings"),
                },
            }
        }
        self.entries = seen;
        Ok(())
    }

    /// Records an append made through the store, keeping the entry in step with the file.
    pub(super) fn note_append(
        &mut self,
        id: &str,
        entry: &LogEntry,
        len: u64,
        modified: Option<SystemTime>,
    ) {
        if let Record::ThreadCreated { meta } = &entry.record {
            self.entries.insert(
                id.to_owned(),
                IndexEntry {
                    summary: ThreadSummary::new(meta.clone(), entry.ts),
                    len,
                    modified,
                },
            );
        } else if let Some(indexed) = self.entries.get_mut(id) {
            indexed.summary.apply(entry);
            indexed.len = len;
            indexed.modified = modified;
        }
    }

    /// One page of matching summaries.
    pub(super) fn page(&self, query: &ListQuery) -> Result<ThreadPage, StoreError> {
        let after = query.cursor.as_deref().map(parse_cursor).transpose()?;
        let mut matching: Vec<&ThreadSummary> = self
            .entries
            .values()
            .map(|e| &e.summary)
            .filter(|s| query.matches(s))
            .collect();
        let key = |s: &ThreadSummary| (s.sort_value(query.sort_key), s.meta.id.clone());
        matching.sort_by_key(|s| key(s));
        if query.direction == SortDirection::Desc {
            matching.reverse();
        }
        let start = match &after {
            None => 0,
            Some(cursor) => matching
                .iter()
                .position(|s| match query.direction {
                    SortDirection::Desc => key(s) < *cursor,
                    SortDirection::Asc => key(s) > *cursor,
                })
                .unwrap_or(matching.len()),
        };
        let limit = query.limit.max(1);
        let page: Vec<ThreadSummary> = matching[start..]
            .iter()
            .take(limit)
            .map(|s| (*s).clone())
            .collect();
        let next_cursor = (start + page.len() < matching.len())
            .then(|| {
                page.last()
                    .map(|s| make_cursor(s.sort_value(query.sort_key), &s.meta.id))
            })
            .flatten();
        Ok(ThreadPage {
            threads: page,
            next_cursor,
        })
    }
}

fn make_cursor(value: i64, id: &str) -> String {
    format!("{value}:{id}")
}

fn parse_cursor(cursor: &str) -> Result<(i64, String), StoreError> {
    cursor
        .split_once(':')
        .and_then(|(value, id)| Some((value.parse().ok()?, id.to_owned())))
        .ok_or_else(|| StoreError::InvalidCursor(cursor.to_owned()))
}

/// Just enough of a line to decide whether it matters for a summary.
#[derive(Deserialize)]
struct Probe<'a> {
    ts: i64,
    #[serde(rename = "type", borrow)]
    kind: std::borrow::Cow<'a, str>,
}

/// Reads a log's summary without materialising every item. `Ok(None)`: not a thread log.
fn summarize(path: &Path) -> Result<Option<ThreadSummary>, StoreError> {
    let file = std::fs::File::open(path).map_err(|e| StoreError::io(path, e))?;
    let mut summary: Option<ThreadSummary> = None;
    for line in BufReader::new(file).split(b'\n') {
        let line = line.map_err(|e| StoreError::io(path, e))?;
        let Ok(probe) = serde_json::from_slice::<Probe<'_>>(&line) else {
            continue; // torn or foreign line: listings ignore it
        };
        let Some(current) = summary.as_mut() else {
            if probe.kind != "thread_created" {
                return Ok(None);
            }
            match serde_json::from_slice::<LogEntry>(&line) {
                Ok(LogEntry {
                    ts,
                    record: Record::ThreadCreated { meta },
                }) => summary = Some(ThreadSummary::new(meta, ts)),
                _ => return Ok(None),
            }
            continue;
        };
        let needs_record = match probe.kind.as_ref() {
            "settings_changed" | "name_set" | "archived" | "unarchived" => true,
            "item_completed" => current.preview.is_empty(),
            _ => false,
        };
        if needs_record {
            if let Ok(entry) = serde_json::from_slice::<LogEntry>(&line) {
                current.apply(&entry);
            }
        } else {
            current.updated_at_ms = current.updated_at_ms.max(probe.ts);
        }
    }
    Ok(summary)
}
