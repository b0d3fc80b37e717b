//! How a tool call appears to clients: a `commandExecution`, `fileChange` or generic
//! `mcpToolCall` item, started from the call's arguments and completed from the tool's
//! structured `details`.

use super::services::display_command;
use crate::plugins::bindings::types::Render;
use crate::protocol::{
    CommandExecutionSource, CommandExecutionStatus, FileUpdateChange, McpToolCallError,
    McpToolCallResult, McpToolCallStatus, PatchApplyStatus, PatchChangeKind, ThreadItemDetails,
};
use serde_json::{Value, json};
use std::path::Path;

/// The in-progress item for a call.
pub fn started(
    render: Render,
    plugin: &str,
    tool: &str,
    arguments: &Value,
    cwd: &Path,
) -> ThreadItemDetails {
    match render {
        Render::CommandExecution => {
            let argv: Vec<String> = arguments
                .get("command")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .map(|v| v.as_str().unwrap_or_default().to_string())
                        .collect()
                })
                .unwrap_or_default();
            let workdir = arguments
                .get("workdir")
                .and_then(Value::as_str)
                .unwrap_or("");
            ThreadItemDetails::CommandExecution {
                command: display_command(&argv),
                cwd: cwd.join(workdir).display().to_string(),
                process_id: None,
                source: CommandExecutionSource::Agent,
                status: CommandExecutionStatus::InProgress,
                command_actions: Vec::new(),
                aggregated_output: None,
                exit_code: None,
                duration_ms: None,
                plugin_id: Some(plugin.to_string()),
            }
        }
        Render::FileChange => ThreadItemDetails::FileChange {
            changes: Vec::new(),
            status: PatchApplyStatus::InProgress,
        },
        Render::Generic => ThreadItemDetails::McpToolCall {
            server: plugin.to_string(),
            tool: tool.to_string(),
            status: McpToolCallStatus::InProgress,
            arguments: arguments.clone(),
            app_context: None,
            plugin_id: Some(plugin.to_string()),
            result: None,
            error: None,
            duration_ms: None,
        },
    }
}

/// How a call ended, for rendering.
pub enum Ending<'a> {
    /// The tool answered; `success` false means it ran but failed.
    Answered {
        text: &'a str,
        success: bool,
        details: Option<&'a Value>,
    },
    /// It was refused before acting (policy, user).
    Declined(&'a str),
    /// It could not run or crashed.
    Failed(&'a str),
}

/// File changes from a tool's details: `{"changes": [{path, kind, diff, movePath}]}`.
pub fn file_changes(details: Option<&Value>) -> Vec<FileUpdateChange> {
    details
        .and_then(|d| d.get("changes"))
        .and_then(Value::as_array)
        .map(|changes| {
            changes
                .iter()
                .map(|c| FileUpdateChange {
                    path: c["path"].as_str().unwrap_or_default().to_string(),
                    kind: match c["kind"].as_str() {
                        Some("add") => PatchChangeKind::Add,
                        Some("delete") => PatchChangeKind::Delete,
                        _ => PatchChangeKind::Update {
                            move_path: c["movePath"].as_str().map(str::to_string),
                        },
                    },
                    diff: c["diff"].as_str().unwrap_or_default().to_string(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Completes an item in place.
pub fn complete(details: &mut ThreadItemDetails, ending: Ending<'_>, duration_ms: i64) {
    match details {
        ThreadItemDetails::CommandExecution {
            status,
            aggregated_output,
            exit_code,
            duration_ms: d,
            ..
        } => {
            *d = Some(duration_ms);
            match ending {
                Ending::Answered {
                    text,
                    success,
                    details,
                } => {
                    *status = if success {
                        CommandExecutionStatus::Completed
                    } else {
                        CommandExecutionStatus::Failed
                    };
                    *exit_code = details
                        .and_then(|d| d["exitCode"].as_i64())
                        .map(|c| c as i32);
                    *aggregated_output = Some(
                        details
                            .and_then(|d| d["output"].as_str())
                            .map(str::to_string)
                            .unwrap_or_else(|| text.to_string()),
                    );
                    if let Some(ms) = details.and_then(|d| d["durationMs"].as_i64()) {
                        *d = Some(ms);
                    }
                }
                Ending::Declined(reason) => {
                    *status = CommandExecutionStatus::Declined;
                    *aggregated_output = Some(reason.to_string());
                }
                Ending::Failed(reason) => {
                    *status = CommandExecutionStatus::Failed;
                    *aggregated_output = Some(reason.to_string());
                }
            }
        }
        ThreadItemDetails::FileChange { changes, status } => match ending {
            Ending::Answered {
                success, details, ..
            } => {
                *changes = file_changes(details);
                *status = if success {
                    PatchApplyStatus::Completed
                } else {
                    PatchApplyStatus::Failed
                };
            }
            Ending::Declined(_) => *status = PatchApplyStatus::Declined,
            Ending::Failed(_) => *status = PatchApplyStatus::Failed,
        },
        ThreadItemDetails::McpToolCall {
            status,
            result,
            error,
            duration_ms: d,
            ..
        } => {
            *d = Some(duration_ms);
            match ending {
                Ending::Answered {
                    text,
                    success: true,
                    details,
                } => {
                    *status = McpToolCallStatus::Completed;
                    *result = Some(McpToolCallResult {
                        content: vec![json!({"type": "text", "text": text})],
                        structured_content: details.cloned(),
                        meta: None,
                    });
                }
                Ending::Answered { text: message, .. }
                | Ending::Declined(message)
                | Ending::Failed(message) => {
                    *status = McpToolCallStatus::Failed;
                    *error = Some(McpToolCallError {
                        message: message.to_string(),
                    });
                }
            }
        }
        _ => {}
    }
}
