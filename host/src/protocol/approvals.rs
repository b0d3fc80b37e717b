//! Server → client approval requests (`item/commandExecution/requestApproval`,
//! `item/fileChange/requestApproval`), their params and the client's decisions.
//!
//! Flow: `item/started` → approval request → client answer → `serverRequest/resolved` →
//! `item/completed` (status `completed`, `failed` or `declined`).

use serde::{Deserialize, Serialize};

use super::items::CommandAction;

/// A request hearth sends to the client. Serialises as `{"method": ..., "params": ...}`;
/// the rpc layer adds the `id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", content = "params")]
pub enum ServerRequest {
    /// Ask before running a command.
    #[serde(rename = "item/commandExecution/requestApproval")]
    CommandExecutionApproval(CommandExecutionRequestApprovalParams),
    /// Ask before changing files.
    #[serde(rename = "item/fileChange/requestApproval")]
    FileChangeApproval(FileChangeRequestApprovalParams),
    /// Ask before a tool call (as Codex asks before an MCP tool call).
    #[serde(rename = "mcpServer/elicitation/request")]
    ToolCallApproval(ToolCallApprovalParams),
}

impl ServerRequest {
    /// The wire method name.
    pub fn method(&self) -> &'static str {
        match self {
            Self::CommandExecutionApproval(_) => "item/commandExecution/requestApproval",
            Self::FileChangeApproval(_) => "item/fileChange/requestApproval",
            Self::ToolCallApproval(_) => "mcpServer/elicitation/request",
        }
    }

    /// The params as a JSON value.
    pub fn params(&self) -> serde_json::Value {
        let value = match self {
            Self::CommandExecutionApproval(p) => serde_json::to_value(p),
            Self::FileChangeApproval(p) => serde_json::to_value(p),
            Self::ToolCallApproval(p) => serde_json::to_value(p),
        };
        // Serialising these plain data types cannot fail.
        value.unwrap_or(serde_json::Value::Null)
    }

    /// The thread the request belongs to.
    pub fn thread_id(&self) -> &str {
        match self {
            Self::CommandExecutionApproval(p) => &p.thread_id,
            Self::FileChangeApproval(p) => &p.thread_id,
            Self::ToolCallApproval(p) => &p.thread_id,
        }
    }
}

/// Params of `mcpServer/elicitation/request` when it asks to approve a tool call: a form
/// with no fields, marked in `_meta` as Codex marks MCP tool-call approvals
/// (`codex_approval_kind: "mcp_tool_call"`, `persist: "session"` offered). The client
/// answers `{"action": "accept" | "decline" | "cancel"}`, optionally with
/// `_meta.persist = "session"` to approve the tool for the rest of the thread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolCallApprovalParams {
    /// The thread.
    pub thread_id: String,
    /// The turn.
    pub turn_id: Option<String>,
    /// The plugin that provides the tool (shown as the MCP server).
    pub server_name: String,
    /// Always `form`.
    pub mode: String,
    /// What the user is asked.
    pub message: String,
    /// The (empty) form.
    pub requested_schema: serde_json::Value,
    /// Codex's approval markers.
    #[serde(rename = "_meta")]
    pub meta: serde_json::Value,
}

/// Params of `item/commandExecution/requestApproval`. Optional fields are omitted when
/// absent, as Codex does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommandExecutionRequestApprovalParams {
    /// The thread.
    pub thread_id: String,
    /// The turn.
    pub turn_id: String,
    /// The `commandExecution` item (its id is the model's call id).
    pub item_id: String,
    /// Unix milliseconds when the approval was requested.
    pub started_at_ms: i64,
    /// Display string of the command.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// Working directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwd: Option<String>,
    /// Why approval is needed (e.g. the policy's reason).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Parsed actions of the command.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command_actions: Option<Vec<CommandAction>>,
    /// Proposed command prefix to allow from now on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposed_execpolicy_amendment: Option<Vec<String>>,
    /// Network access being requested, if that is what this is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_approval_context: Option<NetworkApprovalContext>,
    /// Proposed network rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposed_network_policy_amendments: Option<Vec<NetworkPolicyAmendment>>,
}

/// A network access being approved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkApprovalContext {
    /// Host name.
    pub host: String,
    /// Protocol.
    pub protocol: NetworkApprovalProtocol,
}

/// Protocol of a network approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum NetworkApprovalProtocol {
    /// HTTP.
    Http,
    /// HTTPS.
    Https,
    /// SOCKS5 TCP.
    Socks5Tcp,
    /// SOCKS5 UDP.
    Socks5Udp,
}

/// A persistent network rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkPolicyAmendment {
    /// Host name.
    pub host: String,
    /// Allow or deny.
    pub action: NetworkPolicyRuleAction,
}

/// Action of a network rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NetworkPolicyRuleAction {
    /// Allow.
    Allow,
    /// Deny.
    Deny,
}

/// The client's answer to `item/commandExecution/requestApproval`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandExecutionRequestApprovalResponse {
    /// The decision.
    pub decision: CommandExecutionApprovalDecision,
}

/// Decision on a command. Unit variants are strings; the amendment variants are
/// single-key objects whose inner field names are snake_case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CommandExecutionApprovalDecision {
    /// Run it.
    Accept,
    /// Run it and do not ask again for the session.
    AcceptForSession,
    /// Run it and allow this command prefix from now on.
    AcceptWithExecpolicyAmendment {
        /// The prefix.
        execpolicy_amendment: Vec<String>,
    },
    /// Apply a persistent network rule.
    ApplyNetworkPolicyAmendment {
        /// The rule.
        network_policy_amendment: NetworkPolicyAmendment,
    },
    /// Do not run it; the turn continues.
    Decline,
    /// Do not run it and interrupt the turn.
    Cancel,
}

impl CommandExecutionApprovalDecision {
    /// Whether the command may run.
    pub fn is_approved(&self) -> bool {
        match self {
            Self::Accept | Self::AcceptForSession | Self::AcceptWithExecpolicyAmendment { .. } => {
                true
            }
            Self::ApplyNetworkPolicyAmendment {
                network_policy_amendment,
            } => network_policy_amendment.action == NetworkPolicyRuleAction::Allow,
            Self::Decline | Self::Cancel => false,
        }
    }
}

/// Params of `item/fileChange/requestApproval`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileChangeRequestApprovalParams {
    /// The thread.
    pub thread_id: String,
    /// The turn.
    pub turn_id: String,
    /// The `fileChange` item.
    pub item_id: String,
    /// Unix milliseconds when the approval was requested.
    pub started_at_ms: i64,
    /// Why approval is needed.
    #[serde(default)]
    pub reason: Option<String>,
    /// Root under which a session-wide write grant is requested (unstable).
    #[serde(default)]
    pub grant_root: Option<String>,
}

/// The client's answer to `item/fileChange/requestApproval`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileChangeRequestApprovalResponse {
    /// The decision.
    pub decision: FileChangeApprovalDecision,
}

/// Decision on a file change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FileChangeApprovalDecision {
    /// Apply it.
    Accept,
    /// Apply it and do not ask again for these files this session.
    AcceptForSession,
    /// Do not apply it; the turn continues.
    Decline,
    /// Do not apply it and interrupt the turn.
    Cancel,
}

impl FileChangeApprovalDecision {
    /// Whether the change may be applied.
    pub fn is_approved(self) -> bool {
        matches!(self, Self::Accept | Self::AcceptForSession)
    }
}
