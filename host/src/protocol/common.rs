//! Small shared wire types: request ids, approval and sandbox settings, sort order,
//! the empty `{}` response, and serde helpers used across the protocol modules.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// A JSON-RPC request id: a string or a 64-bit integer, echoed back exactly as received
/// (same JSON type, same value). Ids are scoped to one connection.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RequestId {
    /// An integer id, e.g. `7`.
    Integer(i64),
    /// A string id, e.g. `"req-7"`.
    String(String),
}

impl RequestId {
    /// Interprets a JSON value as a request id. Only strings and integers that fit `i64`
    /// are ids; anything else (null, floats, booleans, objects) is not.
    pub fn from_value(value: &serde_json::Value) -> Option<Self> {
        match value {
            serde_json::Value::String(s) => Some(Self::String(s.clone())),
            serde_json::Value::Number(n) => n.as_i64().map(Self::Integer),
            _ => None,
        }
    }

    /// The id as a JSON value.
    pub fn to_value(&self) -> serde_json::Value {
        match self {
            Self::Integer(i) => serde_json::Value::from(*i),
            Self::String(s) => serde_json::Value::from(s.clone()),
        }
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Integer(i) => write!(f, "{i}"),
            Self::String(s) => write!(f, "{s:?}"),
        }
    }
}

impl From<i64> for RequestId {
    fn from(value: i64) -> Self {
        Self::Integer(value)
    }
}

impl From<&str> for RequestId {
    fn from(value: &str) -> Self {
        Self::String(value.to_owned())
    }
}

/// A reasoning effort value advertised by a model (`"low"`, `"medium"`, `"high"`, ...).
/// The schema types it as a non-empty string, not a closed enum.
pub type ReasoningEffort = String;

/// When the agent asks the user before acting (`AskForApproval`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AskForApproval {
    /// Only known-safe read-only commands run without asking.
    #[serde(rename = "untrusted")]
    Untrusted,
    /// The model decides when to ask.
    #[serde(rename = "on-request")]
    OnRequest,
    /// Never ask; failures go back to the model.
    #[serde(rename = "never")]
    Never,
    /// Fine-grained switches (experimental in Codex).
    #[serde(rename = "granular")]
    Granular(GranularApproval),
}

/// The switches of [`AskForApproval::Granular`]. Field names are snake_case on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GranularApproval {
    /// Ask for MCP elicitations.
    pub mcp_elicitations: bool,
    /// Ask for the `request_permissions` tool.
    #[serde(default)]
    pub request_permissions: bool,
    /// Ask when an exec-policy rule says so.
    pub rules: bool,
    /// Ask for sandbox escapes.
    pub sandbox_approval: bool,
    /// Ask for skills.
    #[serde(default)]
    pub skill_approval: bool,
}

/// Who reviews approval requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApprovalsReviewer {
    /// The user, through the client (default).
    #[serde(rename = "user")]
    User,
    /// An automatic reviewer.
    #[serde(rename = "auto_review")]
    AutoReview,
    /// Legacy alias of the automatic reviewer.
    #[serde(rename = "guardian_subagent")]
    GuardianSubagent,
}

/// The sandbox mode requested by `thread/start`, `thread/resume` and `thread/fork`
/// (kebab-case strings). Not the same type as [`SandboxPolicy`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SandboxMode {
    /// The workspace is mounted read-only.
    ReadOnly,
    /// The workspace is writable.
    WorkspaceWrite,
    /// No sandbox.
    DangerFullAccess,
}

/// Whether an external sandbox allows network access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum NetworkAccess {
    /// Network access is restricted (default).
    #[default]
    Restricted,
    /// Network access is enabled.
    Enabled,
}

/// The effective sandbox policy: returned by thread responses, accepted by `turn/start`
/// (`sandboxPolicy`). Tagged on `type`, camelCase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum SandboxPolicy {
    /// No sandbox at all.
    DangerFullAccess,
    /// Read-only access to the filesystem.
    #[serde(rename_all = "camelCase")]
    ReadOnly {
        /// Whether outbound network access is allowed.
        #[serde(default)]
        network_access: bool,
    },
    /// Codex does not enforce its own sandbox; an outer one does.
    #[serde(rename_all = "camelCase")]
    ExternalSandbox {
        /// The outer sandbox's network setting.
        #[serde(default)]
        network_access: NetworkAccess,
    },
    /// The workspace (and extra roots) are writable.
    #[serde(rename_all = "camelCase")]
    WorkspaceWrite {
        /// Extra writable roots (absolute paths).
        #[serde(default)]
        writable_roots: Vec<String>,
        /// Whether outbound network access is allowed.
        #[serde(default)]
        network_access: bool,
        /// Do not make `$TMPDIR` writable.
        #[serde(default)]
        exclude_tmpdir_env_var: bool,
        /// Do not make `/tmp` writable.
        #[serde(default)]
        exclude_slash_tmp: bool,
    },
}

/// A reasoning-summary setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReasoningSummary {
    /// The model decides.
    Auto,
    /// Short summaries.
    Concise,
    /// Detailed summaries.
    Detailed,
    /// No summaries.
    None,
}

/// A personality preset (deprecated upstream but still accepted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Personality {
    /// No personality.
    None,
    /// Friendly.
    Friendly,
    /// Pragmatic.
    Pragmatic,
}

/// Sort direction of list methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortDirection {
    /// Oldest first.
    Asc,
    /// Newest first (default).
    #[default]
    Desc,
}

/// The empty object `{}` returned by methods such as `thread/archive`,
/// `thread/name/set` and `turn/interrupt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EmptyResponse {}

/// Deserialises a "double option" field: absent → `None` (leave unchanged),
/// `null` → `Some(None)` (clear), a value → `Some(Some(v))`. Use with
/// `#[serde(default, deserialize_with = "double_option")]`.
pub fn double_option<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// `skip_serializing_if` helper for `bool` fields that are omitted when false.
pub fn is_false(value: &bool) -> bool {
    !*value
}
