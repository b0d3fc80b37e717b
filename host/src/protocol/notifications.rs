//! Server → client notifications: payload types and the [`ServerNotification`] enum,
//! which serialises as `{"method": "...", "params": {...}}`.

use serde::{Deserialize, Serialize};

use super::common::RequestId;
use super::items::ThreadItem;
use super::thread::{Thread, ThreadStatus};
use super::turn::{Turn, TurnError};

/// Declares [`ServerNotification`] with its wire method names in one place.
macro_rules! server_notifications {
    ($( $(#[$doc:meta])* $variant:ident($payload:ty) = $method:literal, )*) => {
        /// A notification hearth sends. Serialises as
        /// `{"method": <name>, "params": <payload>}`; use [`ServerNotification::method`] and
        /// [`ServerNotification::params`] to hand it to the rpc layer.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "method", content = "params")]
        pub enum ServerNotification {
            $( $(#[$doc])* #[serde(rename = $method)] $variant($payload), )*
        }

        impl ServerNotification {
            /// The wire method name, e.g. `turn/started`.
            pub fn method(&self) -> &'static str {
                match self {
                    $( Self::$variant(_) => $method, )*
                }
            }

            /// The payload as a JSON value (the `params` member).
            pub fn params(&self) -> serde_json::Value {
                let value = match self {
                    $( Self::$variant(payload) => serde_json::to_value(payload), )*
                };
                // Serialising these plain data types cannot fail.
                value.unwrap_or(serde_json::Value::Null)
            }
        }
    };
}

server_notifications! {
    /// `thread/started`: a thread was created (start, fork).
    ThreadStarted(ThreadStartedNotification) = "thread/started",
    /// `thread/status/changed`.
    ThreadStatusChanged(ThreadStatusChangedNotification) = "thread/status/changed",
    /// `thread/archived`.
    ThreadArchived(ThreadIdNotification) = "thread/archived",
    /// `thread/unarchived`.
    ThreadUnarchived(ThreadIdNotification) = "thread/unarchived",
    /// `thread/closed`: the thread was unloaded.
    ThreadClosed(ThreadIdNotification) = "thread/closed",
    /// `thread/reverted`: history was cut by `thread/revert`.
    ThreadReverted(ThreadIdNotification) = "thread/reverted",
    /// `thread/name/updated`.
    ThreadNameUpdated(ThreadNameUpdatedNotification) = "thread/name/updated",
    /// `thread/tokenUsage/updated`.
    ThreadTokenUsageUpdated(ThreadTokenUsageUpdatedNotification) = "thread/tokenUsage/updated",
    /// `turn/started`.
    TurnStarted(TurnNotification) = "turn/started",
    /// `turn/completed`.
    TurnCompleted(TurnNotification) = "turn/completed",
    /// `turn/plan/updated`.
    TurnPlanUpdated(TurnPlanUpdatedNotification) = "turn/plan/updated",
    /// `turn/diff/updated`.
    TurnDiffUpdated(TurnDiffUpdatedNotification) = "turn/diff/updated",
    /// `item/started`.
    ItemStarted(ItemStartedNotification) = "item/started",
    /// `item/completed`: the completed item is authoritative.
    ItemCompleted(ItemCompletedNotification) = "item/completed",
    /// `item/agentMessage/delta`.
    AgentMessageDelta(ItemDeltaNotification) = "item/agentMessage/delta",
    /// `item/plan/delta`.
    PlanDelta(ItemDeltaNotification) = "item/plan/delta",
    /// `item/reasoning/summaryTextDelta`.
    ReasoningSummaryTextDelta(ReasoningSummaryTextDeltaNotification) = "item/reasoning/summaryTextDelta",
    /// `item/reasoning/summaryPartAdded`.
    ReasoningSummaryPartAdded(ReasoningSummaryPartAddedNotification) = "item/reasoning/summaryPartAdded",
    /// `item/reasoning/textDelta`.
    ReasoningTextDelta(ReasoningTextDeltaNotification) = "item/reasoning/textDelta",
    /// `item/commandExecution/outputDelta`.
    CommandExecutionOutputDelta(ItemDeltaNotification) = "item/commandExecution/outputDelta",
    /// `serverRequest/resolved`: a server request was answered or cleaned up.
    ServerRequestResolved(ServerRequestResolvedNotification) = "serverRequest/resolved",
    /// `error`: a mid-turn error; `willRetry` tells whether the turn goes on.
    Error(ErrorNotification) = "error",
    /// `warning`.
    Warning(WarningNotification) = "warning",
}

impl ServerNotification {
    /// The thread this notification is about, for subscription routing.
    pub fn thread_id(&self) -> Option<&str> {
        Some(match self {
            Self::ThreadStarted(n) => &n.thread.id,
            Self::ThreadStatusChanged(n) => &n.thread_id,
            Self::ThreadArchived(n)
            | Self::ThreadUnarchived(n)
            | Self::ThreadClosed(n)
            | Self::ThreadReverted(n) => &n.thread_id,
            Self::ThreadNameUpdated(n) => &n.thread_id,
            Self::ThreadTokenUsageUpdated(n) => &n.thread_id,
            Self::TurnStarted(n) | Self::TurnCompleted(n) => &n.thread_id,
            Self::TurnPlanUpdated(n) => &n.thread_id,
            Self::TurnDiffUpdated(n) => &n.thread_id,
            Self::ItemStarted(n) => &n.thread_id,
            Self::ItemCompleted(n) => &n.thread_id,
            Self::AgentMessageDelta(n)
            | Self::PlanDelta(n)
            | Self::CommandExecutionOutputDelta(n) => &n.thread_id,
            Self::ReasoningSummaryTextDelta(n) => &n.thread_id,
            Self::ReasoningSummaryPartAdded(n) => &n.thread_id,
            Self::ReasoningTextDelta(n) => &n.thread_id,
            Self::ServerRequestResolved(n) => &n.thread_id,
            Self::Error(n) => &n.thread_id,
            Self::Warning(n) => return n.thread_id.as_deref(),
        })
    }
}

/// `thread/started` payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadStartedNotification {
    /// The new thread (`turns` empty).
    pub thread: Thread,
}

/// `thread/status/changed` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadStatusChangedNotification {
    /// The thread.
    pub thread_id: String,
    /// Its new status.
    pub status: ThreadStatus,
}

/// Payload naming just a thread (`thread/archived`, `thread/unarchived`, `thread/closed`,
/// `thread/reverted`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadIdNotification {
    /// The thread.
    pub thread_id: String,
}

/// `thread/name/updated` payload; `threadName` is omitted when cleared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadNameUpdatedNotification {
    /// The thread.
    pub thread_id: String,
    /// The new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_name: Option<String>,
}

/// `thread/tokenUsage/updated` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadTokenUsageUpdatedNotification {
    /// The thread.
    pub thread_id: String,
    /// The turn that used the tokens.
    pub turn_id: String,
    /// Totals and the latest response's usage.
    pub token_usage: ThreadTokenUsage,
}

/// Token usage of a thread.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadTokenUsage {
    /// Accumulated over the thread.
    pub total: TokenUsageBreakdown,
    /// The latest model response.
    pub last: TokenUsageBreakdown,
    /// The model's context window, if known.
    #[serde(default)]
    pub model_context_window: Option<i64>,
}

/// Token counts of one response or a sum of responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenUsageBreakdown {
    /// Total tokens.
    pub total_tokens: i64,
    /// Input tokens.
    pub input_tokens: i64,
    /// Input tokens served from cache.
    pub cached_input_tokens: i64,
    /// Input tokens written to cache.
    #[serde(default)]
    pub cache_write_input_tokens: i64,
    /// Output tokens.
    pub output_tokens: i64,
    /// Output tokens spent on reasoning.
    pub reasoning_output_tokens: i64,
}

impl TokenUsageBreakdown {
    /// Adds `other` to these counts.
    pub fn add(&mut self, other: &Self) {
        self.total_tokens += other.total_tokens;
        self.input_tokens += other.input_tokens;
        self.cached_input_tokens += other.cached_input_tokens;
        self.cache_write_input_tokens += other.cache_write_input_tokens;
        self.output_tokens += other.output_tokens;
        self.reasoning_output_tokens += other.reasoning_output_tokens;
    }
}

/// `turn/started` and `turn/completed` payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TurnNotification {
    /// The thread.
    pub thread_id: String,
    /// The turn.
    pub turn: Turn,
}

/// `turn/plan/updated` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TurnPlanUpdatedNotification {
    /// The thread.
    pub thread_id: String,
    /// The turn.
    pub turn_id: String,
    /// Why the plan changed, if given.
    #[serde(default)]
    pub explanation: Option<String>,
    /// The steps.
    pub plan: Vec<TurnPlanStep>,
}

/// One plan step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TurnPlanStep {
    /// What to do.
    pub step: String,
    /// Its status.
    pub status: TurnPlanStepStatus,
}

/// Status of a plan step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TurnPlanStepStatus {
    /// Not started.
    Pending,
    /// Being worked on.
    InProgress,
    /// Done.
    Completed,
}

/// `turn/diff/updated` payload: the turn's aggregated unified diff so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TurnDiffUpdatedNotification {
    /// The thread.
    pub thread_id: String,
    /// The turn.
    pub turn_id: String,
    /// Unified diff.
    pub diff: String,
}

/// `item/started` payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemStartedNotification {
    /// The item in its initial state.
    pub item: ThreadItem,
    /// The thread.
    pub thread_id: String,
    /// The turn.
    pub turn_id: String,
    /// Unix milliseconds.
    pub started_at_ms: i64,
}

/// `item/completed` payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemCompletedNotification {
    /// The final item (authoritative).
    pub item: ThreadItem,
    /// The thread.
    pub thread_id: String,
    /// The turn.
    pub turn_id: String,
    /// Unix milliseconds.
    pub completed_at_ms: i64,
    /// Tokens of the item's content, if counted.
    #[serde(default)]
    pub content_token_count: Option<u64>,
}

/// A text delta of an item: `item/agentMessage/delta`, `item/plan/delta`,
/// `item/commandExecution/outputDelta`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemDeltaNotification {
    /// The thread.
    pub thread_id: String,
    /// The turn.
    pub turn_id: String,
    /// The item.
    pub item_id: String,
    /// Text to append.
    pub delta: String,
}

/// `item/reasoning/summaryTextDelta` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReasoningSummaryTextDeltaNotification {
    /// The thread.
    pub thread_id: String,
    /// The turn.
    pub turn_id: String,
    /// The item.
    pub item_id: String,
    /// Text to append.
    pub delta: String,
    /// Which summary part.
    pub summary_index: i64,
}

/// `item/reasoning/summaryPartAdded` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReasoningSummaryPartAddedNotification {
    /// The thread.
    pub thread_id: String,
    /// The turn.
    pub turn_id: String,
    /// The item.
    pub item_id: String,
    /// Index of the new part.
    pub summary_index: i64,
}

/// `item/reasoning/textDelta` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReasoningTextDeltaNotification {
    /// The thread.
    pub thread_id: String,
    /// The turn.
    pub turn_id: String,
    /// The item.
    pub item_id: String,
    /// Text to append.
    pub delta: String,
    /// Which content part.
    pub content_index: i64,
}

/// `serverRequest/resolved` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerRequestResolvedNotification {
    /// The thread.
    pub thread_id: String,
    /// Id of the server request that was resolved.
    pub request_id: RequestId,
}

/// `error` payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorNotification {
    /// What went wrong.
    pub error: TurnError,
    /// `true`: transient, the turn goes on (a retry follows).
    pub will_retry: bool,
    /// The thread.
    pub thread_id: String,
    /// The turn.
    pub turn_id: String,
}

/// `warning` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WarningNotification {
    /// The thread, if the warning is about one.
    #[serde(default)]
    pub thread_id: Option<String>,
    /// The warning.
    pub message: String,
}
