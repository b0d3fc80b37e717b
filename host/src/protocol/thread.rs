//! The `Thread` object, its runtime status and where it came from.

use serde::{Deserialize, Serialize};

use super::common::ReasoningEffort;
use super::turn::Turn;

/// A thread (conversation) as clients see it. Optional fields are serialised as explicit
/// `null`, as Codex does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Thread {
    /// Thread id (a UUID string).
    pub id: String,
    /// Session id, shared by a thread and its sub-agents (hearth: the thread id).
    pub session_id: String,
    /// Id of the thread this one was forked from.
    #[serde(default)]
    pub forked_from_id: Option<String>,
    /// Usually the first user message; `""` for a new thread.
    pub preview: String,
    /// In-memory only: never written to disk.
    pub ephemeral: bool,
    /// Model provider id.
    pub model_provider: String,
    /// Model, if known.
    #[serde(default)]
    pub model: Option<String>,
    /// Reasoning effort, if set.
    #[serde(default)]
    pub reasoning_effort: Option<ReasoningEffort>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds of the last change.
    pub updated_at: i64,
    /// Runtime status.
    pub status: ThreadStatus,
    /// Path of the thread's log file; `null` when ephemeral.
    #[serde(default)]
    pub path: Option<String>,
    /// Working directory (absolute).
    pub cwd: String,
    /// Version of the server that created the thread.
    pub cli_version: String,
    /// Where the thread came from.
    pub source: SessionSource,
    /// Analytics source (`user`, `subagent`, ...), if any.
    #[serde(default)]
    pub thread_source: Option<String>,
    /// Originator (client name) that created the thread, if known.
    #[serde(default)]
    pub originator: Option<String>,
    /// Sub-agent nickname.
    #[serde(default)]
    pub agent_nickname: Option<String>,
    /// Sub-agent role.
    #[serde(default)]
    pub agent_role: Option<String>,
    /// Parent thread of a sub-agent.
    #[serde(default)]
    pub parent_thread_id: Option<String>,
    /// Git metadata of the working directory.
    #[serde(default)]
    pub git_info: Option<GitInfo>,
    /// User-facing name.
    #[serde(default)]
    pub name: Option<String>,
    /// Project assignment (required, nullable).
    #[serde(default)]
    pub project_id: Option<String>,
    /// Turns; populated only by resume, fork, rollback/revert and `thread/read` with
    /// `includeTurns`; `[]` elsewhere.
    #[serde(default)]
    pub turns: Vec<Turn>,
}

/// Runtime status of a thread, tagged on `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ThreadStatus {
    /// Not loaded in memory.
    NotLoaded,
    /// Loaded, no turn running.
    Idle,
    /// The last turn failed with a system error.
    SystemError,
    /// A turn is running.
    #[serde(rename_all = "camelCase")]
    Active {
        /// What the running turn waits for, if anything.
        active_flags: Vec<ThreadActiveFlag>,
    },
}

/// What an active thread is waiting on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ThreadActiveFlag {
    /// A server→client approval request is pending.
    WaitingOnApproval,
    /// A request for user input is pending.
    WaitingOnUserInput,
}

/// Where a session came from. Unit variants are strings; `custom` and `subAgent` are
/// single-key objects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SessionSource {
    /// Command-line client.
    Cli,
    /// VS Code extension.
    #[serde(rename = "vscode")]
    VsCode,
    /// Non-interactive exec.
    Exec,
    /// Created through the app server (hearth's default).
    AppServer,
    /// Unknown.
    Unknown,
    /// A custom source name.
    Custom(String),
    /// A sub-agent (opaque payload).
    SubAgent(serde_json::Value),
}

/// Git metadata of a thread's working directory.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GitInfo {
    /// Commit hash.
    #[serde(default)]
    pub sha: Option<String>,
    /// Branch name.
    #[serde(default)]
    pub branch: Option<String>,
    /// Remote origin URL.
    #[serde(default)]
    pub origin_url: Option<String>,
}
