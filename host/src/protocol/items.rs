//! Thread items (`ThreadItem`) and user input (`UserInput`).
//!
//! A thread item is flat on the wire: `{"type": "...", "id": "...", <variant fields>,
//! "startedAtMs": ..., "completedAtMs": ...}`. Here it is a [`ThreadItem`] struct holding the
//! shared fields and a flattened [`ThreadItemDetails`] enum tagged on `type`.

use serde::{Deserialize, Serialize};

/// One item of a turn: a user message, an agent message, a tool call, ...
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadItem {
    /// Item id; for tool calls this is the model's `call_id`.
    pub id: String,
    /// What kind of item this is, with its fields.
    #[serde(flatten)]
    pub details: ThreadItemDetails,
    /// Unix milliseconds when the item started, if recorded.
    #[serde(default)]
    pub started_at_ms: Option<i64>,
    /// Unix milliseconds when the item completed, if recorded.
    #[serde(default)]
    pub completed_at_ms: Option<i64>,
}

impl ThreadItem {
    /// A new item without lifecycle times.
    pub fn new(id: impl Into<String>, details: ThreadItemDetails) -> Self {
        Self {
            id: id.into(),
            details,
            started_at_ms: None,
            completed_at_ms: None,
        }
    }

    /// The wire `type` of this item, e.g. `agentMessage`.
    pub fn kind(&self) -> &'static str {
        self.details.kind()
    }
}

/// The variant-specific part of a [`ThreadItem`], tagged on `type`. Each variant's fields
/// are camelCase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ThreadItemDetails {
    /// What the user sent.
    #[serde(rename_all = "camelCase")]
    UserMessage {
        /// Client-chosen id of the message, if any.
        #[serde(default)]
        client_id: Option<String>,
        /// The input parts.
        content: Vec<UserInput>,
    },
    /// Text from the agent (streamed with `item/agentMessage/delta`).
    #[serde(rename_all = "camelCase")]
    AgentMessage {
        /// The full text.
        text: String,
        /// Commentary, partial or final answer, if classified.
        #[serde(default)]
        phase: Option<MessagePhase>,
        /// Memory citation, if any (opaque).
        #[serde(default)]
        memory_citation: Option<serde_json::Value>,
    },
    /// A proposed plan (plan mode).
    Plan {
        /// The plan text.
        text: String,
    },
    /// Model reasoning: summary parts and raw reasoning text parts.
    Reasoning {
        /// Reasoning summary parts.
        #[serde(default)]
        summary: Vec<String>,
        /// Raw reasoning text parts.
        #[serde(default)]
        content: Vec<String>,
    },
    /// A command run by the agent (or the user's shell).
    #[serde(rename_all = "camelCase")]
    CommandExecution {
        /// Display string of the command, e.g. `bash -lc 'ls'`.
        command: String,
        /// Working directory.
        cwd: String,
        /// Process id for interactive sessions.
        #[serde(default)]
        process_id: Option<String>,
        /// Who started the command.
        #[serde(default)]
        source: CommandExecutionSource,
        /// Lifecycle status.
        status: CommandExecutionStatus,
        /// Parsed actions of the command (read, list files, search, unknown).
        #[serde(default)]
        command_actions: Vec<CommandAction>,
        /// Combined stdout/stderr, when known.
        #[serde(default)]
        aggregated_output: Option<String>,
        /// Exit code, when the command ran to completion.
        #[serde(default)]
        exit_code: Option<i32>,
        /// Wall time in milliseconds.
        #[serde(default)]
        duration_ms: Option<i64>,
        /// Id of the plugin that ran the command (hearth: the tool plugin).
        #[serde(default)]
        plugin_id: Option<String>,
    },
    /// File edits made by the agent.
    FileChange {
        /// The changes, one per file.
        changes: Vec<FileUpdateChange>,
        /// Lifecycle status.
        status: PatchApplyStatus,
    },
    /// A generic tool call; hearth uses it for plugin tools (`server` = plugin id).
    #[serde(rename_all = "camelCase")]
    McpToolCall {
        /// Server (hearth: plugin id).
        server: String,
        /// Tool name.
        tool: String,
        /// Lifecycle status.
        status: McpToolCallStatus,
        /// Arguments as sent by the model.
        arguments: serde_json::Value,
        /// App context, if any (opaque).
        #[serde(default)]
        app_context: Option<serde_json::Value>,
        /// Plugin id.
        #[serde(default)]
        plugin_id: Option<String>,
        /// Result when completed.
        #[serde(default)]
        result: Option<McpToolCallResult>,
        /// Error when failed.
        #[serde(default)]
        error: Option<McpToolCallError>,
        /// Wall time in milliseconds.
        #[serde(default)]
        duration_ms: Option<i64>,
    },
    /// History was compacted at this point.
    ContextCompaction,
}

impl ThreadItemDetails {
    /// The wire `type` of this variant.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::UserMessage { .. } => "userMessage",
            Self::AgentMessage { .. } => "agentMessage",
            Self::Plan { .. } => "plan",
            Self::Reasoning { .. } => "reasoning",
            Self::CommandExecution { .. } => "commandExecution",
            Self::FileChange { .. } => "fileChange",
            Self::McpToolCall { .. } => "mcpToolCall",
            Self::ContextCompaction => "contextCompaction",
        }
    }
}

/// Classification of agent text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessagePhase {
    /// Mid-turn narration.
    Commentary,
    /// Stable partial answer.
    PartialAnswer,
    /// The terminal answer of the turn.
    FinalAnswer,
}

/// Who started a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CommandExecutionSource {
    /// The agent (default).
    #[default]
    Agent,
    /// The user's `!` shell command.
    UserShell,
    /// Unified exec start-up.
    UnifiedExecStartup,
    /// Unified exec interaction.
    UnifiedExecInteraction,
}

/// Status of a command execution item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CommandExecutionStatus {
    /// Running or awaiting approval.
    InProgress,
    /// Ran to completion (any exit code).
    Completed,
    /// Could not run or was killed.
    Failed,
    /// The user declined it.
    Declined,
}

/// Status of a file change item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PatchApplyStatus {
    /// Pending or awaiting approval.
    InProgress,
    /// Applied.
    Completed,
    /// Failed to apply.
    Failed,
    /// The user declined it.
    Declined,
}

/// Status of a generic tool call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum McpToolCallStatus {
    /// Running.
    InProgress,
    /// Finished.
    Completed,
    /// Failed.
    Failed,
}

/// A parsed action of a command. Tagged on `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum CommandAction {
    /// Reads one file.
    Read {
        /// The command text.
        command: String,
        /// File name.
        name: String,
        /// File path.
        path: String,
    },
    /// Lists files.
    ListFiles {
        /// The command text.
        command: String,
        /// Directory, if known.
        #[serde(default)]
        path: Option<String>,
    },
    /// Searches files.
    Search {
        /// The command text.
        command: String,
        /// Search query, if known.
        #[serde(default)]
        query: Option<String>,
        /// Search root, if known.
        #[serde(default)]
        path: Option<String>,
    },
    /// Anything else.
    Unknown {
        /// The command text.
        command: String,
    },
}

/// One file of a [`ThreadItemDetails::FileChange`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileUpdateChange {
    /// Absolute path of the file.
    pub path: String,
    /// Add, delete or update (possibly with a move).
    pub kind: PatchChangeKind,
    /// Unified diff (for adds: the new content).
    pub diff: String,
}

/// Kind of a file change, tagged on `type`. Note `move_path` is snake_case on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum PatchChangeKind {
    /// A new file.
    Add,
    /// A removed file.
    Delete,
    /// A modified file, optionally moved.
    Update {
        /// New path when the file moves.
        #[serde(default)]
        move_path: Option<String>,
    },
}

/// Result of a generic tool call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct McpToolCallResult {
    /// Content blocks (MCP style, e.g. `{"type":"text","text":"..."}`).
    pub content: Vec<serde_json::Value>,
    /// Structured output, if any.
    #[serde(default)]
    pub structured_content: Option<serde_json::Value>,
    /// Extra metadata, if any.
    #[serde(default, rename = "_meta")]
    pub meta: Option<serde_json::Value>,
}

/// Error of a failed generic tool call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct McpToolCallError {
    /// What went wrong.
    pub message: String,
}

/// One part of user input (`turn/start`, `turn/steer`, user message items). Tagged on `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum UserInput {
    /// Text. Note `text_elements` is snake_case on the wire.
    Text {
        /// The text.
        text: String,
        /// Placeholder spans inside `text`.
        #[serde(default)]
        text_elements: Vec<TextElement>,
    },
    /// An image by URL (or data URL) or by uploaded file id.
    #[serde(rename_all = "camelCase")]
    Image {
        /// Image URL or data URL.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        url: Option<String>,
        /// Uploaded file id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        file_id: Option<String>,
        /// Requested detail level.
        #[serde(default)]
        detail: Option<ImageDetail>,
    },
    /// An image file on the server's machine.
    LocalImage {
        /// Path of the image.
        path: String,
        /// Requested detail level.
        #[serde(default)]
        detail: Option<ImageDetail>,
    },
    /// A skill reference.
    Skill {
        /// Skill name.
        name: String,
        /// Path to its SKILL.md.
        path: String,
    },
    /// A mention of an app or plugin.
    Mention {
        /// Display name.
        name: String,
        /// `app://...` or `plugin://...`.
        path: String,
    },
}

impl UserInput {
    /// A plain text input.
    pub fn text(text: impl Into<String>) -> Self {
        Self::Text {
            text: text.into(),
            text_elements: Vec::new(),
        }
    }
}

/// Image detail level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImageDetail {
    /// Let the model decide.
    Auto,
    /// Low detail.
    Low,
    /// High detail.
    High,
    /// Original resolution.
    Original,
}

/// A placeholder span inside a text input (camelCase fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TextElement {
    /// Byte range in the text.
    pub byte_range: ByteRange,
    /// Placeholder text shown instead, if any.
    #[serde(default)]
    pub placeholder: Option<String>,
}

/// A half-open byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ByteRange {
    /// First byte.
    pub start: u64,
    /// One past the last byte.
    pub end: u64,
}
