//! Turns: the `Turn` object, its status and error, and the `turn/start`, `turn/steer`
//! and `turn/interrupt` methods.

use serde::{Deserialize, Serialize};

use super::common::{
    ApprovalsReviewer, AskForApproval, Personality, ReasoningEffort, ReasoningSummary,
    SandboxPolicy, double_option,
};
use super::items::{ThreadItem, UserInput};

/// One turn: user input, then everything the agent did until it stopped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Turn {
    /// Turn id.
    pub id: String,
    /// Id of the first turn in the chain of work that led to this one (usually itself).
    #[serde(default)]
    pub root_turn_id: Option<String>,
    /// Items of the turn; how complete they are is given by `items_view`.
    #[serde(default)]
    pub items: Vec<ThreadItem>,
    /// How much of `items` is present.
    #[serde(default)]
    pub items_view: TurnItemsView,
    /// Lifecycle status.
    pub status: TurnStatus,
    /// Why the turn failed, if it did.
    #[serde(default)]
    pub error: Option<TurnError>,
    /// Unix seconds when the turn started.
    #[serde(default)]
    pub started_at: Option<i64>,
    /// Unix seconds when the turn completed.
    #[serde(default)]
    pub completed_at: Option<i64>,
    /// Duration in milliseconds, once completed.
    #[serde(default)]
    pub duration_ms: Option<i64>,
}

impl Turn {
    /// A new in-progress turn with no items.
    pub fn in_progress(id: impl Into<String>, started_at: Option<i64>) -> Self {
        let id = id.into();
        Self {
            root_turn_id: Some(id.clone()),
            id,
            items: Vec::new(),
            items_view: TurnItemsView::Full,
            status: TurnStatus::InProgress,
            error: None,
            started_at,
            completed_at: None,
            duration_ms: None,
        }
    }
}

/// Lifecycle status of a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TurnStatus {
    /// Running.
    InProgress,
    /// Finished normally.
    Completed,
    /// Interrupted by the client (or by a crash, on reload).
    Interrupted,
    /// Failed; see `error`.
    Failed,
}

/// How much of a turn's `items` is included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TurnItemsView {
    /// `items` was not loaded and is empty on purpose.
    NotLoaded,
    /// `items` holds a display summary only.
    Summary,
    /// `items` holds every item (default).
    #[default]
    Full,
}

/// Why a turn failed (also the payload of the `error` notification).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TurnError {
    /// Human-readable message.
    pub message: String,
    /// Machine-readable category, if known.
    #[serde(default)]
    pub codex_error_info: Option<CodexErrorInfo>,
    /// Extra details (e.g. the upstream error body).
    #[serde(default)]
    pub additional_details: Option<String>,
}

impl TurnError {
    /// An error with just a message.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            codex_error_info: None,
            additional_details: None,
        }
    }
}

/// Error category. Unit variants are camelCase strings; struct variants are single-key
/// objects such as `{"httpConnectionFailed":{"httpStatusCode":502}}`. Values this type
/// does not know are kept in [`CodexErrorInfo::Unrecognized`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CodexErrorInfo {
    /// The context window is full.
    ContextWindowExceeded,
    /// The session budget is exhausted.
    SessionBudgetExceeded,
    /// The usage limit was reached.
    UsageLimitExceeded,
    /// Rate limited.
    RateLimitExceeded,
    /// Flex tier unavailable.
    FlexUnavailable,
    /// The server is overloaded.
    ServerOverloaded,
    /// The model does not exist.
    ModelNotFound,
    /// Policy capacity unavailable.
    PolicyCapacityUnavailable,
    /// Cyber policy.
    CyberPolicy,
    /// Misalignment policy violation.
    MisalignmentPolicyViolation,
    /// Too many denials.
    TooManyDenials,
    /// Upstream internal error.
    InternalServerError,
    /// Authentication failed.
    Unauthorized,
    /// The request was rejected as malformed.
    BadRequest,
    /// `thread/rollback` failed.
    ThreadRollbackFailed,
    /// Sandbox error.
    SandboxError,
    /// Anything else.
    Other,
    /// An inference hook denied the request.
    InferenceHookDenied,
    /// Could not connect over HTTP.
    #[serde(rename_all = "camelCase")]
    HttpConnectionFailed {
        /// HTTP status, if any.
        http_status_code: Option<u16>,
    },
    /// Could not connect to the response stream.
    #[serde(rename_all = "camelCase")]
    ResponseStreamConnectionFailed {
        /// HTTP status, if any.
        http_status_code: Option<u16>,
    },
    /// The response stream disconnected mid-turn.
    #[serde(rename_all = "camelCase")]
    ResponseStreamDisconnected {
        /// HTTP status, if any.
        http_status_code: Option<u16>,
    },
    /// The retry limit was reached.
    #[serde(rename_all = "camelCase")]
    ResponseTooManyFailedAttempts {
        /// HTTP status, if any.
        http_status_code: Option<u16>,
    },
    /// The active turn cannot be steered.
    #[serde(rename_all = "camelCase")]
    ActiveTurnNotSteerable {
        /// Kind of the active turn.
        turn_kind: NonSteerableTurnKind,
    },
    /// A value this version does not know (a string or an object).
    #[serde(untagged)]
    Unrecognized(serde_json::Value),
}

/// Kinds of turns that cannot be steered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum NonSteerableTurnKind {
    /// A review turn.
    Review,
    /// A manual compaction turn.
    Compact,
}

/// Params of `turn/start`. Overrides (everything but `output_schema`) become the thread's
/// defaults for later turns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TurnStartParams {
    /// Target thread.
    pub thread_id: String,
    /// The user's input.
    pub input: Vec<UserInput>,
    /// Working directory override.
    #[serde(default)]
    pub cwd: Option<String>,
    /// Approval policy override.
    #[serde(default)]
    pub approval_policy: Option<AskForApproval>,
    /// Reviewer override.
    #[serde(default)]
    pub approvals_reviewer: Option<ApprovalsReviewer>,
    /// Sandbox policy override.
    #[serde(default)]
    pub sandbox_policy: Option<SandboxPolicy>,
    /// Model override.
    #[serde(default)]
    pub model: Option<String>,
    /// Service tier: absent = unchanged, `null` = clear.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub service_tier: Option<Option<String>>,
    /// Reasoning effort override.
    #[serde(default)]
    pub effort: Option<ReasoningEffort>,
    /// Reasoning summary override.
    #[serde(default)]
    pub summary: Option<ReasoningSummary>,
    /// Personality override.
    #[serde(default)]
    pub personality: Option<Personality>,
    /// JSON Schema constraining the final message of this turn only.
    #[serde(default)]
    pub output_schema: Option<serde_json::Value>,
    /// Client-chosen id for the user message item.
    #[serde(default)]
    pub client_user_message_id: Option<String>,
}

/// Result of `turn/start`: the new in-progress turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TurnStartResponse {
    /// The turn.
    pub turn: Turn,
}

/// Params of `turn/steer`: add input to the running turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TurnSteerParams {
    /// Target thread.
    pub thread_id: String,
    /// Extra input.
    pub input: Vec<UserInput>,
    /// Must match the active turn's id.
    pub expected_turn_id: String,
    /// Client-chosen id for the user message item.
    #[serde(default)]
    pub client_user_message_id: Option<String>,
}

/// Result of `turn/steer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TurnSteerResponse {
    /// The active turn's id.
    pub turn_id: String,
}

/// Params of `turn/interrupt`. The result is `{}` ([`super::EmptyResponse`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TurnInterruptParams {
    /// Target thread.
    pub thread_id: String,
    /// The turn to interrupt.
    pub turn_id: String,
}
