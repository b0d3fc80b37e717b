//! Durable thread storage: `$HEARTH_HOME/threads/<thread-id>.jsonl`, one append-only log
//! per thread, one JSON record per line ([`LogEntry`]). The logs are the single source of
//! truth; the listing index is rebuilt from them.
//!
//! - [`ThreadStore::append`] writes, then `sync_data`s before returning: a completed item
//!   is on disk before the next model request, and a crash loses at most the record being
//!   written. The calls block (an fsync); from async code use
//!   [`ThreadStore::commit_async`] or `spawn_blocking`.
//! - [`ThreadStore::load`] replays a log into a [`ThreadLog`]. A torn or invalid last line
//!   is ignored with a warning (and cut off before the next append); an invalid line
//!   elsewhere is an error naming the file and line.
//! - Ephemeral threads never touch disk: keep their [`ThreadLog`] in memory and record
//!   through [`ThreadStore::commit`], which only applies for ephemeral logs.

mod index;
mod log;
mod record;

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

pub use index::{ListQuery, SortKey, ThreadPage, ThreadSummary};
pub use log::ThreadLog;
pub use record::{LogEntry, Record, ThreadMeta, ThreadSettings, now_ms};

use index::Index;

/// File extension of thread logs.
pub const LOG_EXTENSION: &str = "jsonl";

/// Errors of the thread store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The id cannot name a log file (only letters, digits, `-`, `_`; 1–128 chars).
    #[error("invalid thread id {0:?}")]
    InvalidThreadId(String),
    /// No log for this thread.
    #[error("thread {0} not found")]
    NotFound(String),
    /// A log for this thread already exists.
    #[error("thread {0} already exists")]
    AlreadyExists(String),
    /// Ephemeral threads are never written.
    #[error("thread {0} is ephemeral and is never written to disk")]
    Ephemeral(String),
    /// A turn named in a request does not exist.
    #[error("turn {0} not found")]
    TurnNotFound(String),
    /// A list cursor this store did not produce.
    #[error("invalid cursor {0:?}")]
    InvalidCursor(String),
    /// A log line other than the last cannot be read.
    #[error("{path}:{line}: corrupt thread log record: {message}", path = path.display())]
    Corrupt {
        /// The log file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A log that does not make sense as a whole.
    #[error("invalid thread log: {0}")]
    Invalid(String),
    /// An I/O error.
    #[error("{path}: {source}", path = path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The error.
        #[source]
        source: io::Error,
    },
}

impl StoreError {
    fn io(path: &Path, source: io::Error) -> Self {
        Self::Io {
            path: path.to_owned(),
            source,
        }
    }
}

/// How one log line reads.
enum Line {
    Entry(Box<LogEntry>),
    /// A record type from a newer version: skipped.
    Unknown(String),
    Invalid(String),
}

fn classify(bytes: &[u8]) -> Line {
    match serde_json::from_slice::<LogEntry>(bytes) {
        Ok(entry) => Line::Entry(Box::new(entry)),
        Err(error) => match serde_json::from_slice::<serde_json::Value>(bytes) {
            Ok(value) => match value.get("type").and_then(|t| t.as_str()) {
                Some(kind) if !Record::TYPES.contains(&kind) => Line::Unknown(kind.to_owned()),
                _ => Line::Invalid(error.to_string()),
            },
            Err(_) => Line::Invalid(error.to_string()),
        },
    }
}

/// Checks that `id` can safely name a file.
pub fn validate_thread_id(id: &str) -> Result<(), StoreError> {
    let ok = !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(StoreError::InvalidThreadId(id.to_owned()))
    }
}

struct Inner {
    dir: PathBuf,
    /// Open append handles, one lock per file so appends to different threads overlap.
    writers: Mutex<HashMap<String, Arc<Mutex<File>>>>,
    /// Built on the first `list`.
    index: Mutex<Option<Index>>,
}

/// The thread store. Cheap to clone; clones share handles and the index.
#[derive(Clone)]
pub struct ThreadStore {
    inner: Arc<Inner>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl ThreadStore {
    /// Opens (creating if needed) the store under `home` (`$HEARTH_HOME`).
    pub fn open(home: impl AsRef<Path>) -> Result<Self, StoreError> {
        let dir = home.as_ref().join("threads");
        std::fs::create_dir_all(&dir).map_err(|e| StoreError::io(&dir, e))?;
        Ok(Self {
            inner: Arc::new(Inner {
                dir,
                writers: Mutex::new(HashMap::new()),
                index: Mutex::new(None),
            }),
        })
    }

    /// The directory holding the logs.
    pub fn threads_dir(&self) -> &Path {
        &self.inner.dir
    }

    /// The log file of a thread.
    pub fn path_of(&self, thread_id: &str) -> Result<PathBuf, StoreError> {
        validate_thread_id(thread_id)?;
        Ok(self.inner.dir.join(format!("{thread_id}.{LOG_EXTENSION}")))
    }

    /// Whether a log exists for the thread.
    pub fn exists(&self, thread_id: &str) -> bool {
        self.path_of(thread_id).is_ok_and(|p| p.is_file())
    }

    /// Creates the log of a new thread with its `thread_created` record (durably, including
    /// the directory entry) and returns the thread. Fails for ephemeral metadata.
    pub fn create(&self, meta: ThreadMeta) -> Result<ThreadLog, StoreError> {
        if meta.ephemeral {
            return Err(StoreError::Ephemeral(meta.id));
        }
        let path = self.path_of(&meta.id)?;
        let file = OpenOptions::new()
            .append(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| match e.kind() {
                io::ErrorKind::AlreadyExists => StoreError::AlreadyExists(meta.id.clone()),
                _ => StoreError::io(&path, e),
            })?;
        let file = Arc::new(Mutex::new(file));
        lock(&self.inner.writers).insert(meta.id.clone(), Arc::clone(&file));
        let entry = LogEntry::at(
            meta.created_at_ms,
            Record::ThreadCreated { meta: meta.clone() },
        );
        self.write_entry(&meta.id, &path, &file, &entry)?;
        // Make the new directory entry durable too.
        if let Err(e) = File::open(&self.inner.dir).and_then(|d| d.sync_all()) {
            tracing::warn!(dir = %self.inner.dir.display(), "fsync of the threads directory failed: {e}");
        }
        Ok(ThreadLog::new(meta))
    }

    /// Creates a thread from prepared entries (the first must be `thread_created`), e.g.
    /// the output of [`ThreadLog::fork_entries`].
    pub fn create_from_entries(&self, entries: Vec<LogEntry>) -> Result<ThreadLog, StoreError> {
        let mut entries = entries.into_iter();
        let Some(LogEntry {
            record: Record::ThreadCreated { meta },
            ..
        }) = entries.next()
        else {
            return Err(StoreError::Invalid(
                "a thread log must start with a thread_created record".into(),
            ));
        };
        let mut log = self.create(meta)?;
        for entry in entries {
            self.append(log.id(), &entry)?;
            log.apply(entry);
        }
        Ok(log)
    }

    /// Appends one entry to a thread's log: write, then `sync_data`. Returns once the
    /// entry is on disk.
    pub fn append(&self, thread_id: &str, entry: &LogEntry) -> Result<(), StoreError> {
        let path = self.path_of(thread_id)?;
        let file = self.writer(thread_id, &path)?;
        self.write_entry(thread_id, &path, &file, entry)
    }

    /// Stamps `record` with the current time, appends it and returns the entry.
    pub fn append_record(&self, thread_id: &str, record: Record) -> Result<LogEntry, StoreError> {
        let entry = LogEntry::now(record);
        self.append(thread_id, &entry)?;
        Ok(entry)
    }

    /// Records `record` on a live thread: appends it (unless the thread is ephemeral),
    /// then applies it to `log`. On error nothing is applied.
    pub fn commit(&self, log: &mut ThreadLog, record: Record) -> Result<(), StoreError> {
        let entry = LogEntry::now(record);
        if !log.is_ephemeral() {
            self.append(log.id(), &entry)?;
        }
        log.apply(entry);
        Ok(())
    }

    /// [`ThreadStore::commit`] for async code: the write and fsync run on the blocking pool.
    pub async fn commit_async(
        &self,
        log: &mut ThreadLog,
        record: Record,
    ) -> Result<(), StoreError> {
        let entry = LogEntry::now(record);
        if !log.is_ephemeral() {
            let store = self.clone();
            let id = log.id().to_owned();
            let written = entry.clone();
            tokio::task::spawn_blocking(move || store.append(&id, &written))
                .await
                .map_err(|e| StoreError::Invalid(format!("append task failed: {e}")))??;
        }
        log.apply(entry);
        Ok(())
    }

    fn writer(&self, thread_id: &str, path: &Path) -> Result<Arc<Mutex<File>>, StoreError> {
        let mut writers = lock(&self.inner.writers);
        if let Some(file) = writers.get(thread_id) {
            return Ok(Arc::clone(file));
        }
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(path)
            .map_err(|e| match e.kind() {
                io::ErrorKind::NotFound => StoreError::NotFound(thread_id.to_owned()),
                _ => StoreError::io(path, e),
            })?;
        repair_tail(&mut file, path).map_err(|e| StoreError::io(path, e))?;
        let file = Arc::new(Mutex::new(file));
        writers.insert(thread_id.to_owned(), Arc::clone(&file));
        Ok(file)
    }

    fn write_entry(
        &self,
        thread_id: &str,
        path: &Path,
        file: &Mutex<File>,
        entry: &LogEntry,
    ) -> Result<(), StoreError> {
        let mut line = serde_json::to_vec(entry)
            .map_err(|e| StoreError::Invalid(format!("cannot serialise a record: {e}")))?;
        line.push(b'\n');
        let mut file = lock(file);
        file.write_all(&line)
            .and_then(|()| file.sync_data())
            .map_err(|e| StoreError::io(path, e))?;
        let (len, modified) = match file.metadata() {
            Ok(m) => (m.len(), m.modified().ok()),
            Err(_) => (0, None),
        };
        drop(file);
        if let Some(index) = lock(&self.inner.index).as_mut() {
            index.note_append(thread_id, entry, len, modified);
        }
        Ok(())
    }

    /// Replays a thread's log. Turns left in progress by a crash stay `inProgress`; see
    /// [`ThreadLog::close_dangling_turns`].
    pub fn load(&self, thread_id: &str) -> Result<ThreadLog, StoreError> {
        let path = self.path_of(thread_id)?;
        let file = File::open(&path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => StoreError::NotFound(thread_id.to_owned()),
            _ => StoreError::io(&path, e),
        })?;
        let mut lines = BufReader::new(file).split(b'\n').enumerate().peekable();
        let mut entries = Vec::new();
        while let Some((index, line)) = lines.next() {
            let line = line.map_err(|e| StoreError::io(&path, e))?;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match classify(&line) {
                Line::Entry(entry) => entries.push(*entry),
                Line::Unknown(kind) => {
                    tracing::warn!(path = %path.display(), line = index + 1, "unknown record type {kind:?} skipped");
                }
                Line::Invalid(message) => {
                    if lines.peek().is_none() {
                        tracing::warn!(path = %path.display(), line = index + 1, "torn last record ignored: {message}");
                    } else {
                        return Err(StoreError::Corrupt {
                            path,
                            line: index + 1,
                            message,
                        });
                    }
                }
            }
        }
        ThreadLog::replay(entries)
    }

    /// Lists stored threads (archived or not, per `query`), one page at a time.
    pub fn list(&self, query: &ListQuery) -> Result<ThreadPage, StoreError> {
        let mut index = lock(&self.inner.index);
        let index = index.get_or_insert_with(Index::default);
        index.refresh(&self.inner.dir)?;
        index.page(query)
    }

    /// Forks `source` into a new persisted thread described by `meta` (new id; see
    /// [`ThreadMeta::forked_from`]), keeping turns up to `last_turn_id` (all when `None`).
    /// For an ephemeral fork, use [`ThreadLog::fork_entries`] and [`ThreadLog::replay`].
    pub fn fork(
        &self,
        source: &ThreadLog,
        meta: ThreadMeta,
        last_turn_id: Option<&str>,
    ) -> Result<ThreadLog, StoreError> {
        let entries = source.fork_entries(meta, last_turn_id)?;
        self.create_from_entries(entries)
    }
}

/// Cuts a torn or invalid last line off a log before appending to it, so a new record
/// never lands on the end of a partial one.
fn repair_tail(file: &mut File, path: &Path) -> io::Result<()> {
    let len = file.metadata()?.len();
    if len == 0 {
        return Ok(());
    }
    // Find the start of the last line (after the last '\n' before the final byte).
    let mut last_byte = [0u8];
    file.seek(SeekFrom::Start(len - 1))?;
    file.read_exact(&mut last_byte)?;
    let content_end = if last_byte[0] == b'\n' { len - 1 } else { len };
    let mut start = content_end;
    let mut chunk = vec![0u8; 64 * 1024];
    while start > 0 {
        let read_from = start.saturating_sub(chunk.len() as u64);
        let n = usize::try_from(start - read_from).unwrap_or(chunk.len());
        file.seek(SeekFrom::Start(read_from))?;
        file.read_exact(&mut chunk[..n])?;
        if let Some(i) = chunk[..n].iter().rposition(|&b| b == b'\n') {
            start = read_from + i as u64 + 1;
            break;
        }
        start = read_from;
    }
    let mut last = vec![0u8; usize::try_from(content_end - start).unwrap_or(0)];
    file.seek(SeekFrom::Start(start))?;
    file.read_exact(&mut last)?;
    let complete = last_byte[0] == b'\n';
    let valid =
        last.iter().all(u8::is_ascii_whitespace) || !matches!(classify(&last), Line::Invalid(_));
    if complete && valid {
        return Ok(());
    }
    if !complete && valid {
        // A whole record that only lacks its newline: keep it.
        file.write_all(b"\n")?;
    } else {
        tracing::warn!(path = %path.display(), bytes = len - start, "cutting off a torn last record");
        file.set_len(start)?;
    }
    file.sync_data()
}

#[cfg(test)]
mod tests;
