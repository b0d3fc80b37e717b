//! # hearth.apply_patch
//!
//! The first-party `apply_patch` tool, shaped as Codex presents it to models: one
//! argument, `input`, holding a whole patch in Codex's patch format (see [`parser`]).
//!
//! A call goes through four steps, and stops at the first that fails:
//!
//! 1. **parse** the patch ([`parser`]); a malformed patch is `invalid-arguments`;
//! 2. **compute** every change before writing anything ([`changes`]): resolve each path
//!    inside the workspace ([`paths`]), read the files, apply the hunks on content
//!    ([`apply`], [`seek`]) and diff the result ([`diff`]). A hunk that does not match
//!    is `invalid-arguments` (`hunk N of <path> does not match: expected lines ...`),
//!    and nothing is written;
//! 3. **ask**: the changes go to the host's policy chain as one `file-change` action
//!    with workspace-relative paths and unified diffs; a denial is `denied`;
//! 4. **write** them ([`write`](mod@write)) and report. The model reads
//!    `Success. Updated the following files:` and one `A`/`M`/`D <path>` line per file;
//!    the host renders the `fileChange` item from the details:
//!
//! ```json
//! {"changes": [{"path": "/workspace/src/main.rs", "kind": "update",
//!   "diff": "--- a/src/lib.rs\n+++ b/src/main.rs\n@@ -1,3 +1,3 @@\n...",
//!   "movePath": "/workspace/src/main.rs"}]}
//! ```
//!
//! `path` is where the file was, `movePath` where a renamed file went (else `null`);
//! `kind` is `add`, `delete` or `update`.
#![warn(missing_docs)]

pub mod apply;
pub mod changes;
pub mod diff;
pub mod myers;
pub mod parser;
pub mod paths;
pub mod seek;
pub mod tool;
pub mod write;

hearth_plugin_sdk::export_tools!(tool::ApplyPatch);

#[cfg(test)]
mod tests_support;
