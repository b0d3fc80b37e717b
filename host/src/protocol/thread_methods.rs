//! Params and results of the `thread/*` methods.
//!
//! Note: the pinned schema (Codex 0.169.0) has no `thread/rollback`; it was replaced by
//! `thread/revert {threadId, beforeTurnId}`. Both are modelled: [`ThreadRevertParams`]
//! per the schema, and [`ThreadRollbackParams`] for older clients.

use serde::{Deserialize, Serialize};

use super::common::{
    ApprovalsReviewer, AskForApproval, Personality, ReasoningEffort, SandboxMode, SandboxPolicy,
    SortDirection, double_option,
};
use super::thread::Thread;
use super::turn::{Turn, TurnItemsView};

/// Params of `thread/start`; every field is optional.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadStartParams {
    /// Model.
    #[serde(default)]
    pub model: Option<String>,
    /// Model provider id.
    #[serde(default)]
    pub model_provider: Option<String>,
    /// Service tier: absent = default, `null` = none.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub service_tier: Option<Option<String>>,
    /// Working directory.
    #[serde(default)]
    pub cwd: Option<String>,
    /// Approval policy.
    #[serde(default)]
    pub approval_policy: Option<AskForApproval>,
    /// Reviewer of approval requests.
    #[serde(default)]
    pub approvals_reviewer: Option<ApprovalsReviewer>,
    /// Sandbox mode (kebab-case string).
    #[serde(default)]
    pub sandbox: Option<SandboxMode>,
    /// Config overrides keyed by dotted config keys.
    #[serde(default)]
    pub config: Option<serde_json::Map<String, serde_json::Value>>,
    /// Metrics tag.
    #[serde(default)]
    pub service_name: Option<String>,
    /// Replaces the base instructions.
    #[serde(default)]
    pub base_instructions: Option<String>,
    /// Developer instructions.
    #[serde(default)]
    pub developer_instructions: Option<String>,
    /// Personality.
    #[serde(default)]
    pub personality: Option<Personality>,
    /// Keep the thread in memory only.
    #[serde(default)]
    pub ephemeral: Option<bool>,
    /// Analytics source.
    #[serde(default)]
    pub thread_source: Option<String>,
}

/// Params of `thread/resume`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadResumeParams {
    /// Thread to resume.
    pub thread_id: String,
    /// Model override.
    #[serde(default)]
    pub model: Option<String>,
    /// Model provider override.
    #[serde(default)]
    pub model_provider: Option<String>,
    /// Service tier override.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub service_tier: Option<Option<String>>,
    /// Working directory override.
    #[serde(default)]
    pub cwd: Option<String>,
    /// Approval policy override.
    #[serde(default)]
    pub approval_policy: Option<AskForApproval>,
    /// Reviewer override.
    #[serde(default)]
    pub approvals_reviewer: Option<ApprovalsReviewer>,
    /// Sandbox mode override.
    #[serde(default)]
    pub sandbox: Option<SandboxMode>,
    /// Config overrides.
    #[serde(default)]
    pub config: Option<serde_json::Map<String, serde_json::Value>>,
    /// Base instructions override.
    #[serde(default)]
    pub base_instructions: Option<String>,
    /// Developer instructions override.
    #[serde(default)]
    pub developer_instructions: Option<String>,
    /// Personality override.
    #[serde(default)]
    pub personality: Option<Personality>,
    /// Do not include turns in the response.
    #[serde(default)]
    pub exclude_turns: bool,
}

/// Params of `thread/fork`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadForkParams {
    /// Source thread.
    pub thread_id: String,
    /// Copy history up to and including this turn (default: all turns).
    #[serde(default)]
    pub last_turn_id: Option<String>,
    /// Model override.
    #[serde(default)]
    pub model: Option<String>,
    /// Model provider override.
    #[serde(default)]
    pub model_provider: Option<String>,
    /// Service tier override.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub service_tier: Option<Option<String>>,
    /// Working directory override.
    #[serde(default)]
    pub cwd: Option<String>,
    /// Approval policy override.
    #[serde(default)]
    pub approval_policy: Option<AskForApproval>,
    /// Reviewer override.
    #[serde(default)]
    pub approvals_reviewer: Option<ApprovalsReviewer>,
    /// Sandbox mode override.
    #[serde(default)]
    pub sandbox: Option<SandboxMode>,
    /// Config overrides.
    #[serde(default)]
    pub config: Option<serde_json::Map<String, serde_json::Value>>,
    /// Base instructions override.
    #[serde(default)]
    pub base_instructions: Option<String>,
    /// Developer instructions override.
    #[serde(default)]
    pub developer_instructions: Option<String>,
    /// Keep the fork in memory only.
    #[serde(default)]
    pub ephemeral: bool,
    /// Do not include turns in the response.
    #[serde(default)]
    pub exclude_turns: bool,
    /// Analytics source.
    #[serde(default)]
    pub thread_source: Option<String>,
}

/// Result of `thread/start`, `thread/resume` and `thread/fork`: the thread plus the
/// effective settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadSessionResponse {
    /// The thread (`turns` populated by resume and fork).
    pub thread: Thread,
    /// Effective model.
    pub model: String,
    /// Effective model provider id.
    pub model_provider: String,
    /// Effective service tier.
    #[serde(default)]
    pub service_tier: Option<String>,
    /// Effective working directory (absolute).
    pub cwd: String,
    /// Instruction files in effect (e.g. AGENTS.md paths).
    #[serde(default)]
    pub instruction_sources: Vec<String>,
    /// Effective approval policy.
    pub approval_policy: AskForApproval,
    /// Effective reviewer.
    pub approvals_reviewer: ApprovalsReviewer,
    /// Effective sandbox policy (an object, unlike the request's mode string).
    pub sandbox: SandboxPolicy,
    /// Effective reasoning effort.
    #[serde(default)]
    pub reasoning_effort: Option<ReasoningEffort>,
    /// Plugins disabled for this thread.
    #[serde(default)]
    pub disabled_plugin_ids: Vec<String>,
}

/// Result of `thread/start`.
pub type ThreadStartResponse = ThreadSessionResponse;
/// Result of `thread/resume`.
pub type ThreadResumeResponse = ThreadSessionResponse;
/// Result of `thread/fork`.
pub type ThreadForkResponse = ThreadSessionResponse;

/// Params of `thread/list`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadListParams {
    /// Opaque cursor from a previous page.
    #[serde(default)]
    pub cursor: Option<String>,
    /// Page size.
    #[serde(default)]
    pub limit: Option<u32>,
    /// Sort key (default `created_at`).
    #[serde(default)]
    pub sort_key: Option<ThreadSortKey>,
    /// Sort direction (default `desc`).
    #[serde(default)]
    pub sort_direction: Option<SortDirection>,
    /// Only these providers (`[]`/null = all).
    #[serde(default)]
    pub model_providers: Option<Vec<String>>,
    /// Only these sources (`[]`/null = interactive ones).
    #[serde(default)]
    pub source_kinds: Option<Vec<ThreadSourceKind>>,
    /// `true` = archived threads only.
    #[serde(default)]
    pub archived: Option<bool>,
    /// Exact working directory match: one path or several.
    #[serde(default)]
    pub cwd: Option<ThreadListCwdFilter>,
    /// Substring of the title/preview.
    #[serde(default)]
    pub search_term: Option<String>,
}

/// The `cwd` filter of `thread/list`: one path or a list of paths.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ThreadListCwdFilter {
    /// One path.
    One(String),
    /// Any of several paths.
    Many(Vec<String>),
}

impl ThreadListCwdFilter {
    /// The paths as a list.
    pub fn into_vec(self) -> Vec<String> {
        match self {
            Self::One(p) => vec![p],
            Self::Many(ps) => ps,
        }
    }
}

/// Sort key of `thread/list` (snake_case strings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThreadSortKey {
    /// Creation time (default).
    #[default]
    CreatedAt,
    /// Last update.
    UpdatedAt,
    /// Recency.
    RecencyAt,
    /// Position in a section.
    SectionPosition,
}

/// Source filter of `thread/list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ThreadSourceKind {
    /// CLI.
    Cli,
    /// VS Code.
    #[serde(rename = "vscode")]
    VsCode,
    /// Exec.
    Exec,
    /// App server.
    AppServer,
    /// Any sub-agent.
    SubAgent,
    /// Review sub-agent.
    SubAgentReview,
    /// Compaction sub-agent.
    SubAgentCompact,
    /// Spawned sub-agent.
    SubAgentThreadSpawn,
    /// Other sub-agent.
    SubAgentOther,
    /// Unknown.
    Unknown,
}

/// Result of `thread/list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadListResponse {
    /// Threads of this page (`turns` empty).
    pub data: Vec<Thread>,
    /// Cursor of the next page; `null` at the end.
    #[serde(default)]
    pub next_cursor: Option<String>,
    /// Cursor of the previous page, if supported.
    #[serde(default)]
    pub backwards_cursor: Option<String>,
}

/// Params of `thread/read`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadReadParams {
    /// Thread to read.
    pub thread_id: String,
    /// Include turns and their items.
    #[serde(default)]
    pub include_turns: bool,
}

/// Result of `thread/read`, `thread/unarchive` and `thread/rollback`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadResponse {
    /// The thread.
    pub thread: Thread,
}

/// Result of `thread/read`.
pub type ThreadReadResponse = ThreadResponse;
/// Result of `thread/unarchive`.
pub type ThreadUnarchiveResponse = ThreadResponse;

/// Params of `thread/turns/list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadTurnsListParams {
    /// Thread.
    pub thread_id: String,
    /// Opaque cursor.
    #[serde(default)]
    pub cursor: Option<String>,
    /// Page size.
    #[serde(default)]
    pub limit: Option<u32>,
    /// Sort direction.
    #[serde(default)]
    pub sort_direction: Option<SortDirection>,
    /// How much of each turn's items to include.
    #[serde(default)]
    pub items_view: Option<TurnItemsView>,
}

/// Result of `thread/turns/list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadTurnsListResponse {
    /// Turns of this page.
    pub data: Vec<Turn>,
    /// Cursor of the next page.
    #[serde(default)]
    pub next_cursor: Option<String>,
    /// Cursor of the previous page.
    #[serde(default)]
    pub backwards_cursor: Option<String>,
}

/// Params of `thread/loaded/list` (params may be absent).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadLoadedListParams {
    /// Opaque cursor.
    #[serde(default)]
    pub cursor: Option<String>,
    /// Page size.
    #[serde(default)]
    pub limit: Option<u32>,
}

/// Result of `thread/loaded/list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadLoadedListResponse {
    /// Ids of loaded threads.
    pub data: Vec<String>,
    /// Cursor of the next page.
    #[serde(default)]
    pub next_cursor: Option<String>,
}

/// Params naming just a thread: `thread/archive`, `thread/unarchive`,
/// `thread/unsubscribe`. `thread/archive` returns `{}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadIdParams {
    /// The thread.
    pub thread_id: String,
}

/// Params of `thread/archive`.
pub type ThreadArchiveParams = ThreadIdParams;
/// Params of `thread/unarchive`.
pub type ThreadUnarchiveParams = ThreadIdParams;
/// Params of `thread/unsubscribe`.
pub type ThreadUnsubscribeParams = ThreadIdParams;
/// Params of `thread/compact/start` (which returns `{}`).
pub type ThreadCompactStartParams = ThreadIdParams;

/// Params of `thread/name/set`. Returns `{}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadSetNameParams {
    /// The thread.
    pub thread_id: String,
    /// New name (need not be unique).
    pub name: String,
}

/// Params of `thread/revert`: drop `beforeTurnId` and every later turn from history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadRevertParams {
    /// The thread.
    pub thread_id: String,
    /// First turn to drop.
    pub before_turn_id: String,
}

/// Result of `thread/revert`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadRevertResponse {
    /// The thread with its remaining turns.
    pub thread: Thread,
    /// Cursor for paging turns backwards.
    #[serde(default)]
    pub turns_backwards_cursor: Option<String>,
    /// Cursor for paging items backwards.
    #[serde(default)]
    pub items_backwards_cursor: Option<String>,
}

/// Params of the legacy `thread/rollback` (not in the 0.169.0 schema): drop the last
/// `num_turns` turns. Result: [`ThreadResponse`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadRollbackParams {
    /// The thread.
    pub thread_id: String,
    /// How many turns to drop (at least 1).
    pub num_turns: u32,
}

/// Result of `thread/unsubscribe`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadUnsubscribeResponse {
    /// What happened.
    pub status: ThreadUnsubscribeStatus,
}

/// Outcome of `thread/unsubscribe`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ThreadUnsubscribeStatus {
    /// The thread is not loaded.
    NotLoaded,
    /// This connection was not subscribed.
    NotSubscribed,
    /// Unsubscribed.
    Unsubscribed,
}
