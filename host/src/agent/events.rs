//! What a running turn reports, and the sink it reports to.

use crate::plugins::state::BoxFuture;
use crate::protocol::{ThreadItem, TokenUsageBreakdown};
use serde_json::Value;

/// Something that happened in a turn, in order.
#[derive(Debug, Clone)]
pub enum AgentEvent {
    /// An item started (in progress).
    ItemStarted(ThreadItem),
    /// A `contextCompaction` item completed: `history` replaces the thread's model history.
    Compacted {
        /// The completed item.
        item: ThreadItem,
        /// The new history.
        history: Vec<Value>,
    },
    /// Text appended to an agent message.
    AgentMessageDelta {
        /// The agent message item.
        item_id: String,
        /// The text.
        delta: String,
    },
    /// A new reasoning summary part began.
    ReasoningSummaryPartAdded {
        /// The reasoning item.
        item_id: String,
        /// Index of the part.
        summary_index: u32,
    },
    /// Text appended to a reasoning summary part.
    ReasoningSummaryDelta {
        /// The reasoning item.
        item_id: String,
        /// Index of the part.
        summary_index: u32,
        /// The text.
        delta: String,
    },
    /// Raw reasoning text.
    ReasoningTextDelta {
        /// The reasoning item.
        item_id: String,
        /// Index of the content part.
        content_index: u32,
        /// The text.
        delta: String,
    },
    /// Output of a running command.
    CommandOutputDelta {
        /// The command execution item.
        item_id: String,
        /// The output chunk.
        delta: String,
    },
    /// An item completed. `history` holds the model-history items it contributes
    /// (Responses format); the sink must make both durable before returning.
    ItemCompleted {
        /// The completed item (authoritative).
        item: ThreadItem,
        /// Canonical history items to append.
        history: Vec<Value>,
    },
    /// The agent's plan changed (`update_plan`).
    PlanUpdated {
        /// Why, if the model said.
        explanation: Option<String>,
        /// The steps: `[{step, status}]`.
        plan: Value,
    },
    /// The turn's aggregated unified diff changed.
    DiffUpdated(String),
    /// Token usage of the latest model response.
    TokenUsage(TokenUsageBreakdown),
    /// A recoverable or fatal error; `will_retry` says which.
    Error {
        /// What went wrong.
        message: String,
        /// True when the loop retries.
        will_retry: bool,
    },
}

/// What an approval request asks the user about.
#[derive(Debug, Clone)]
pub enum ApprovalKind {
    /// A call of a plugin's tool, as a whole.
    ToolCall {
        /// The plugin.
        plugin: String,
        /// The tool.
        tool: String,
        /// Its arguments (JSON text).
        arguments: String,
    },
    /// Running a command.
    Exec {
        /// The command as one display string.
        command: String,
        /// Its working directory.
        cwd: String,
    },
    /// Changing files.
    FileChange,
}

/// An approval the policy chain wants from the user.
#[derive(Debug, Clone)]
pub struct ApprovalRequest {
    /// The item the approval is about (the tool call's id).
    pub item_id: String,
    /// Why the policy asks.
    pub reason: String,
    /// What is asked.
    pub kind: ApprovalKind,
}

/// The user's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientDecision {
    /// Go ahead once.
    Accept,
    /// Go ahead, and do not ask again for the same action in this thread.
    AcceptForSession,
    /// Do not act; the turn goes on.
    Decline,
    /// Do not act, and end the turn.
    Cancel,
}

/// Where a turn's events go. The server implements it: notifications to subscribed
/// connections, and the thread's durable log.
pub trait TurnSink: Send + Sync {
    /// Delivers one event. For `ItemCompleted`, returns only once the item is on disk.
    fn emit(&self, event: AgentEvent) -> BoxFuture<()>;
    /// Asks the user; a client that goes away counts as `Decline`.
    fn request_approval(&self, request: ApprovalRequest) -> BoxFuture<ClientDecision>;
}
