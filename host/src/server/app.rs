//! Process-wide server state: configuration, the plugin registry (loaded in the
//! background so `initialize` answers at once), and the live threads with their
//! subscribed connections.

use super::persist::ThreadLogs;
use crate::config::Config;
use crate::plugins::PluginRegistry;
use crate::plugins::grants::SandboxMode;
use crate::plugins::loader::{LoadOptions, load_registry};
use crate::protocol::{
    ServerNotification, Thread, ThreadStatus, ThreadStatusChangedNotification, TokenUsageBreakdown,
    Turn, UserInput,
};
use crate::rpc::ConnectionHandle;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

/// Outcome of loading the plugins.
type RegistryState = Option<Result<Arc<PluginRegistry>, String>>;

/// Shared state of one hearth server process.
pub struct App {
    /// hearth's home.
    pub home: PathBuf,
    /// Configuration.
    pub config: Arc<Config>,
    /// Durable thread logs.
    pub store: ThreadLogs,
    registry: watch::Receiver<RegistryState>,
    threads: Mutex<HashMap<String, Arc<LiveThread>>>,
}

impl App {
    /// Creates the state and starts loading plugins in the background.
    pub fn start(
        home: PathBuf,
        config: Config,
        plugin_dirs: Vec<PathBuf>,
    ) -> anyhow::Result<Arc<App>> {
        let store = ThreadLogs::open(&home)?;
        match crate::sandbox::landlock_abi() {
            Some(abi) => tracing::info!(abi, "OS sandbox: Landlock available"),
            None => tracing::warn!("{}", crate::sandbox::describe()),
        }
        let config = Arc::new(config);
        let (tx, rx) = watch::channel(None);
        let options = LoadOptions {
            home: Some(home.clone()),
            plugin_dirs,
            no_embedded: false,
        };
        let load_config = config.clone();
        tokio::spawn(async move {
            let result = match load_registry(&load_config, &options).await {
                Ok((registry, failures)) => {
                    for f in failures {
                        tracing::error!(source = %f.source, "plugin not loaded: {}", f.error);
                    }
                    Ok(Arc::new(registry))
                }
                Err(err) => Err(format!("{err:#}")),
            };
            let _ = tx.send(Some(result));
        });
        Ok(Arc::new(App {
            home,
            config,
            store,
            registry: rx,
            threads: Mutex::default(),
        }))
    }

    /// The plugin registry, once loaded.
    pub async fn registry(&self) -> Result<Arc<PluginRegistry>, String> {
        let mut rx = self.registry.clone();
        match rx.wait_for(Option::is_some).await {
            Ok(state) => state.clone().expect("checked by wait_for"),
            Err(_) => Err("plugin loading stopped".into()),
        }
    }

    fn threads(&self) -> MutexGuard<'_, HashMap<String, Arc<LiveThread>>> {
        self.threads.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A loaded thread.
    pub fn thread(&self, id: &str) -> Option<Arc<LiveThread>> {
        self.threads().get(id).cloned()
    }

    /// Registers a loaded thread.
    pub fn insert_thread(&self, thread: Arc<LiveThread>) {
        self.threads().insert(thread.id.clone(), thread);
    }

    /// Ids of loaded threads.
    pub fn loaded_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.threads().keys().cloned().collect();
        ids.sort();
        ids
    }
}

/// Settings a thread runs with.
#[derive(Debug, Clone)]
pub struct ThreadSettings {
    /// Provider id.
    pub provider: String,
    /// Model id.
    pub model: String,
    /// Approval policy.
    pub approval_policy: String,
    /// Sandbox mode.
    pub sandbox: SandboxMode,
    /// Whether sandboxed commands may use the network (Codex's `networkAccess`).
    pub network_access: bool,
    /// Directories the client let commands write besides the workspace (`writableRoots`).
    pub writable_roots: Vec<PathBuf>,
    /// Working directory.
    pub cwd: PathBuf,
}

/// One canonical history item and the turn it belongs to.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct HistoryEntry {
    /// The turn that added it.
    pub turn_id: String,
    /// The Responses-style item.
    pub item: Value,
}

/// What kind of turn is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TurnKind {
    /// A turn answering the user's input (steerable).
    Input,
    /// A manual compaction (`thread/compact/start`; not steerable).
    Compact,
}

/// The turn running on a thread.
pub struct ActiveTurn {
    /// Its id.
    pub id: String,
    /// What it does.
    pub kind: TurnKind,
    /// Fires on interrupt.
    pub cancel: CancellationToken,
    /// Steered input.
    pub steer: mpsc::UnboundedSender<Vec<UserInput>>,
}

/// Mutable state of a loaded thread.
pub struct ThreadInner {
    /// The thread as clients see it (without turns).
    pub thread: Thread,
    /// Its turns.
    pub turns: Vec<Turn>,
    /// Canonical model history, each item tagged with its turn (for rollback).
    pub history: Vec<HistoryEntry>,
    /// Runtime settings.
    pub settings: ThreadSettings,
    /// The running turn.
    pub active: Option<ActiveTurn>,
    /// Token totals.
    pub usage_total: TokenUsageBreakdown,
    /// Whether the thread is archived.
    pub archived: bool,
    /// Actions the user accepted for the whole thread (`acceptForSession`).
    pub session_approvals: Arc<std::sync::Mutex<HashSet<String>>>,
    /// The history each compaction replaced, by the compaction's turn (oldest first), so
    /// that rolling that turn back restores it.
    pub replaced_by_compaction: Vec<(String, Vec<HistoryEntry>)>,
}

impl ThreadInner {
    /// Makes `history` the model history after a compaction in turn `turn_id`.
    pub fn compact(&mut self, turn_id: &str, history: Vec<serde_json::Value>) {
        let entries = history
            .into_iter()
            .map(|item| HistoryEntry {
                turn_id: turn_id.to_string(),
                item,
            })
            .collect();
        let before = std::mem::replace(&mut self.history, entries);
        self.replaced_by_compaction
            .push((turn_id.to_string(), before));
    }

    /// Drops the last `num_turns` turns and the history they added. When a dropped turn
    /// compacted the history, the history from before that compaction comes back.
    pub fn drop_turns(&mut self, num_turns: usize) {
        let keep = self.turns.len().saturating_sub(num_turns);
        let dropped: Vec<String> = self.turns.drain(keep..).map(|t| t.id).collect();
        if let Some(at) = self
            .replaced_by_compaction
            .iter()
            .position(|(turn, _)| dropped.contains(turn))
            && let Some((_, before)) = self.replaced_by_compaction.drain(at..).next()
        {
            self.history = before;
        }
        self.history.retain(|h| !dropped.contains(&h.turn_id));
    }
}

/// A connection subscribed to a thread.
#[derive(Clone)]
pub struct Subscriber {
    /// Its handle.
    pub handle: ConnectionHandle,
    /// Methods it opted out of.
    pub opt_out: Arc<HashSet<String>>,
}

/// A thread in memory.
pub struct LiveThread {
    /// Thread id.
    pub id: String,
    inner: Mutex<ThreadInner>,
    subscribers: Mutex<Vec<Subscriber>>,
}

impl LiveThread {
    /// Wraps a thread's state.
    pub fn new(inner: ThreadInner) -> Arc<Self> {
        Arc::new(LiveThread {
            id: inner.thread.id.clone(),
            inner: Mutex::new(inner),
            subscribers: Mutex::default(),
        })
    }

    /// Locks the state (short critical sections only; never across an await).
    pub fn lock(&self) -> MutexGuard<'_, ThreadInner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn subs(&self) -> MutexGuard<'_, Vec<Subscriber>> {
        self.subscribers.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Subscribes a connection (idempotent).
    pub fn subscribe(&self, sub: Subscriber) {
        let mut subs = self.subs();
        subs.retain(|s| !s.handle.is_closed());
        if !subs.iter().any(|s| s.handle.id() == sub.handle.id()) {
            subs.push(sub);
        }
    }

    /// Unsubscribes a connection; true when it was subscribed.
    pub fn unsubscribe(&self, connection: u64) -> bool {
        let mut subs = self.subs();
        let before = subs.len();
        subs.retain(|s| s.handle.id() != connection);
        before != subs.len()
    }

    /// Live subscribers.
    pub fn subscribers(&self) -> Vec<Subscriber> {
        let mut subs = self.subs();
        subs.retain(|s| !s.handle.is_closed());
        subs.clone()
    }

    /// Sends a notification to every subscriber that has not opted out of it.
    pub async fn broadcast(&self, notification: ServerNotification) {
        let method = notification.method();
        let params = notification.params();
        for sub in self.subscribers() {
            if !sub.opt_out.contains(method) {
                let _ = sub.handle.notify(method, params.clone()).await;
            }
        }
    }

    /// Sets the status and tells subscribers.
    pub async fn set_status(&self, status: ThreadStatus) {
        {
            let mut inner = self.lock();
            if inner.thread.status == status {
                return;
            }
            inner.thread.status = status.clone();
        }
        self.broadcast(ServerNotification::ThreadStatusChanged(
            ThreadStatusChangedNotification {
                thread_id: self.id.clone(),
                status,
            },
        ))
        .await;
    }

    /// The thread with its turns, as clients see it.
    pub fn snapshot(&self, include_turns: bool) -> Thread {
        let inner = self.lock();
        let mut thread = inner.thread.clone();
        if include_turns {
            thread.turns = inner.turns.clone();
        }
        thread
    }
}
