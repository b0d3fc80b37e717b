//! The `apply_patch` tool: parse, compute, ask, write, report.
//!
//! The approval request goes through the [`Approver`] trait so the whole flow is
//! unit-tested on the build machine against a temporary directory.

use hearth_plugin_sdk::prelude::*;
use hearth_plugin_sdk::types::{Action, Approval, ChangeKind, FileChange};

use crate::changes::{self, Change, Kind};
use crate::{parser, write};

/// The `apply_patch` tool.
pub struct ApplyPatch;

impl Tool for ApplyPatch {
    const NAME: &'static str = "apply_patch";
    const DESCRIPTION: &'static str = r#"Edits files with a patch. `input` is the whole patch:

*** Begin Patch
[one or more file operations]
*** End Patch

A file operation is one of:
*** Add File: <path>          then every line of the new file, each prefixed with +
*** Delete File: <path>       nothing follows
*** Update File: <path>       optionally followed by *** Move to: <new path>, then hunks

A hunk starts with @@, optionally followed by a line to find first (such as the class or function the change is in), then its lines: ' ' (a space) for a context line, '-' for a line to remove, '+' for a line to add. Give about 3 lines of context before and after each change; hunks are located by their content, not by line numbers, so make the context unique, and add more @@ lines to narrow it down when needed. End a hunk that changes the end of the file with *** End of File.

Example:
*** Begin Patch
*** Add File: hello.txt
+Hello, world!
*** Update File: src/app.py
@@ def greet():
-    print("Hi")
+    print("Hello, world!")
*** Delete File: obsolete.txt
*** End Patch

Paths are relative to the workspace (absolute paths must lie inside it). Nothing is written unless every hunk matches."#;
    const EFFECTS: Effects = Effects::WRITES_FS;
    const RENDER: Render = Render::FileChange;
    const PARALLEL: bool = false;

    fn parameters() -> Value {
        json!({
            "type": "object",
            "properties": {
                "input": {
                    "type": "string",
                    "description": "The entire patch, from *** Begin Patch to *** End Patch."
                }
            },
            "required": ["input"],
            "additionalProperties": false
        })
    }

    fn call(args: Value, ctx: &CallContext) -> Result<ToolOutput, ToolError> {
        apply_patch(&SdkApprover, args, ctx)
    }
}

/// Asks the host whether changes may be made.
pub trait Approver {
    /// Asks whether `action` may go ahead.
    fn approve(&self, action: &Action) -> Approval;
}

/// The real host, through the SDK.
pub struct SdkApprover;

impl Approver for SdkApprover {
    fn approve(&self, action: &Action) -> Approval {
        hearth_plugin_sdk::approval::request(action)
    }
}

/// One `apply_patch` call.
pub fn apply_patch(
    approver: &dyn Approver,
    args: Value,
    ctx: &CallContext,
) -> Result<ToolOutput, ToolError> {
    let input = patch_text(&args)?;
    let ops = parser::parse(input)?;
    let changes = changes::compute(&ctx.cwd, &ops)?;
    let action = Action::FileChange(changes.iter().map(file_change).collect());
    if let Approval::Denied(reason) = approver.approve(&action) {
        return Err(ToolError::denied(format!(
            "the patch was not applied: {reason}"
        )));
    }
    write::commit(&changes, &ctx.sandbox_mode)?;
    Ok(ToolOutput::text(summary(&changes)).with_details(details(&changes)))
}

/// The patch text: `input` (Codex's name), or `patch` as a fallback.
fn patch_text(args: &Value) -> Result<&str, ToolError> {
    match args.get("input").or_else(|| args.get("patch")) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s),
        Some(Value::String(_)) => Err(ToolError::invalid("`input` must not be empty")),
        None | Some(Value::Null) => Err(ToolError::invalid(
            "`input` is required: the whole patch, from *** Begin Patch to *** End Patch",
        )),
        Some(_) => Err(ToolError::invalid("`input` must be a string")),
    }
}

/// A change as proposed to the policies and the user (workspace-relative paths).
fn file_change(change: &Change) -> FileChange {
    FileChange {
        path: change.path.relative.clone(),
        kind: match change.kind {
            Kind::Add => ChangeKind::Add,
            Kind::Delete => ChangeKind::Delete,
            Kind::Update => ChangeKind::Update,
        },
        diff: change.diff.clone(),
        move_to: change.move_to.as_ref().map(|t| t.relative.clone()),
    }
}

/// The text for the model: one `A`, `M` or `D` line per changed file.
pub fn summary(changes: &[Change]) -> String {
    let mut text = String::from("Success. Updated the following files:");
    for change in changes {
        text.push_str(&format!(
            "\n{} {}",
            change.kind.letter(),
            change.final_path().relative
        ));
    }
    text
}

/// The details the host renders as a `fileChange` item (absolute paths).
pub fn details(changes: &[Change]) -> Value {
    let changes: Vec<Value> = changes
        .iter()
        .map(|c| {
            json!({
                "path": c.path.shown(),
                "kind": c.kind.name(),
                "diff": c.diff,
                "movePath": c.move_to.as_ref().map(|t| t.shown()),
            })
        })
        .collect();
    json!({ "changes": changes })
}

#[cfg(test)]
#[path = "tool_tests.rs"]
mod tests;
