//! The records of a thread log: one JSON object per line,
//! `{"ts": <unix ms>, "type": "<record type>", ...fields}`.
//!
//! The log is append-only and the single source of truth: replaying it (see
//! [`super::ThreadLog`]) gives the thread's metadata, turns with items, and model history.
//! Record types this version does not know are skipped on replay (forward compatibility).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::protocol::{
    ApprovalsReviewer, AskForApproval, GitInfo, Personality, ReasoningEffort, ReasoningSummary,
    SandboxPolicy, SessionSource, ThreadItem, TokenUsageBreakdown, TurnError, TurnStatus,
};

/// One line of a thread log: a timestamp and a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogEntry {
    /// Unix milliseconds when the record was written.
    pub ts: i64,
    /// The record.
    #[serde(flatten)]
    pub record: Record,
}

impl LogEntry {
    /// Stamps `record` with the current time.
    pub fn now(record: Record) -> Self {
        Self {
            ts: now_ms(),
            record,
        }
    }

    /// Stamps `record` with `ts` (unix milliseconds).
    pub fn at(ts: i64, record: Record) -> Self {
        Self { ts, record }
    }
}

/// What happened to a thread. Serialised with a snake_case `type` tag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record {
    /// The first record of every log.
    ThreadCreated {
        /// Immutable metadata.
        meta: ThreadMeta,
    },
    /// Sticky settings changed (fields that are `None` are unchanged).
    SettingsChanged {
        /// The changed settings.
        settings: ThreadSettings,
    },
    /// The user-facing name was set (`None` clears it).
    NameSet {
        /// The new name.
        #[serde(default)]
        name: Option<String>,
    },
    /// The thread was archived.
    Archived,
    /// The thread was unarchived.
    Unarchived,
    /// A turn started.
    TurnStarted {
        /// The turn's id.
        turn_id: String,
    },
    /// An item completed: the final item, plus the model-history items (Responses-style:
    /// `message`, `reasoning`, `function_call`, `function_call_output`, ...) it contributes.
    ItemCompleted {
        /// The turn the item belongs to.
        turn_id: String,
        /// The completed item (as sent in `item/completed`).
        item: ThreadItem,
        /// Model-history items contributed by this item, in order.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        history: Vec<Value>,
    },
    /// Model-history items not tied to one thread item (e.g. context injected at turn
    /// start); `turn_id` is `None` for history before the first turn.
    HistoryAppended {
        /// The turn, if any.
        #[serde(default)]
        turn_id: Option<String>,
        /// The items.
        items: Vec<Value>,
    },
    /// The whole model history was replaced (compaction).
    HistoryReplaced {
        /// The turn that compacted, if any.
        #[serde(default)]
        turn_id: Option<String>,
        /// The new history.
        history: Vec<Value>,
    },
    /// A turn ended.
    TurnCompleted {
        /// The turn's id.
        turn_id: String,
        /// Final status (`completed`, `interrupted` or `failed`).
        status: TurnStatus,
        /// Why it failed, if it did.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<TurnError>,
        /// Tokens used by the turn.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        usage: Option<TokenUsageBreakdown>,
        /// Duration in milliseconds.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        duration_ms: Option<i64>,
    },
    /// The last `num_turns` turns were dropped from the thread and its model history.
    RolledBack {
        /// How many turns.
        num_turns: u32,
    },
}

impl Record {
    /// Every `type` tag this version writes and reads.
    pub const TYPES: &'static [&'static str] = &[
        "thread_created",
        "settings_changed",
        "name_set",
        "archived",
        "unarchived",
        "turn_started",
        "item_completed",
        "history_appended",
        "history_replaced",
        "turn_completed",
        "rolled_back",
    ];
}

/// Immutable facts about a thread, written once in its `thread_created` record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadMeta {
    /// Thread id; also the log's file name. Letters, digits, `-` and `_` only.
    pub id: String,
    /// Unix milliseconds of creation.
    pub created_at_ms: i64,
    /// Working directory (absolute).
    pub cwd: String,
    /// Model at creation.
    #[serde(default)]
    pub model: Option<String>,
    /// Model provider id at creation.
    pub model_provider: String,
    /// Reasoning effort at creation.
    #[serde(default)]
    pub reasoning_effort: Option<ReasoningEffort>,
    /// Version of hearth that created the thread.
    pub cli_version: String,
    /// Where the thread came from.
    pub source: SessionSource,
    /// Client name that created it.
    #[serde(default)]
    pub originator: Option<String>,
    /// Analytics source (`user`, `subagent`, ...).
    #[serde(default)]
    pub thread_source: Option<String>,
    /// Source thread of a fork.
    #[serde(default)]
    pub forked_from_id: Option<String>,
    /// Git metadata of `cwd`.
    #[serde(default)]
    pub git_info: Option<GitInfo>,
    /// Initial preview (usually empty; replay takes the first user message).
    #[serde(default)]
    pub preview: String,
    /// In-memory only. Never `true` on disk.
    #[serde(default)]
    pub ephemeral: bool,
}

impl ThreadMeta {
    /// Metadata for a fork of `source`: same working directory, model and origin, a new
    /// id and creation time, `forked_from_id` set.
    pub fn forked_from(source: &ThreadMeta, id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            created_at_ms: now_ms(),
            forked_from_id: Some(source.id.clone()),
            ephemeral: false,
            ..source.clone()
        }
    }
}

/// Sticky per-thread settings; in a `settings_changed` record only the changed fields
/// are present.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ThreadSettings {
    /// Model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Model provider id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_provider: Option<String>,
    /// Reasoning effort.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_effort: Option<ReasoningEffort>,
    /// Reasoning summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_summary: Option<ReasoningSummary>,
    /// Working directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwd: Option<String>,
    /// Approval policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval_policy: Option<AskForApproval>,
    /// Approvals reviewer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approvals_reviewer: Option<ApprovalsReviewer>,
    /// Sandbox policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sandbox: Option<SandboxPolicy>,
    /// Service tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_tier: Option<String>,
    /// Personality.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub personality: Option<Personality>,
    /// Base instructions override.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_instructions: Option<String>,
    /// Developer instructions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub developer_instructions: Option<String>,
}

impl ThreadSettings {
    /// Overwrites the fields that `changes` sets.
    pub fn merge(&mut self, changes: &ThreadSettings) {
        fn set<T: Clone>(target: &mut Option<T>, value: &Option<T>) {
            if value.is_some() {
                target.clone_from(value);
            }
        }
        set(&mut self.model, &changes.model);
        set(&mut self.model_provider, &changes.model_provider);
        set(&mut self.reasoning_effort, &changes.reasoning_effort);
        set(&mut self.reasoning_summary, &changes.reasoning_summary);
        set(&mut self.cwd, &changes.cwd);
        set(&mut self.approval_policy, &changes.approval_policy);
        set(&mut self.approvals_reviewer, &changes.approvals_reviewer);
        set(&mut self.sandbox, &changes.sandbox);
        set(&mut self.service_tier, &changes.service_tier);
        set(&mut self.personality, &changes.personality);
        set(&mut self.base_instructions, &changes.base_instructions);
        set(
            &mut self.developer_instructions,
            &changes.developer_instructions,
        );
    }

    /// Whether no field is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The current time in unix milliseconds.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
