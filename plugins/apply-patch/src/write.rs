//! Writing approved changes to the workspace.
//!
//! Changes are written in patch order with `std::fs` through the plugin's preopened
//! workspace: parent directories are created for added and moved files, a moved file's
//! source is removed once its new copy is written, a deleted file is removed.
//!
//! In a `read-only` sandbox the host preopens the workspace read-only, so every write
//! fails; that failure is reported as "the workspace is read-only in this sandbox mode".
//! When a write fails after others succeeded, the error lists what was already applied.

use std::io;

use hearth_plugin_sdk::prelude::*;

use crate::changes::{Change, ENOTCAPABLE, Kind};

/// Writes `changes`; `sandbox_mode` (from the call context) only shapes error messages.
pub fn commit(changes: &[Change], sandbox_mode: &str) -> Result<(), ToolError> {
    for (i, change) in changes.iter().enumerate() {
        write_one(change).map_err(|(relative, e)| {
            let mut message = write_error(&relative, &e, sandbox_mode);
            let done = &changes[..i];
            if done.is_empty() {
                message.push_str("; no file was changed");
            } else {
                let list: Vec<String> = done
                    .iter()
                    .map(|c| format!("{} {}", c.kind.letter(), c.final_path().relative))
                    .collect();
                message.push_str(&format!(
                    "; these changes were already applied: {}",
                    list.join(", ")
                ));
            }
            ToolError::failed(message)
        })?;
    }
    Ok(())
}

/// Writes one change; on failure, the path that failed and the error.
fn write_one(change: &Change) -> Result<(), (String, io::Error)> {
    let source = &change.path;
    let fail = |relative: &str| {
        let relative = relative.to_string();
        move |e: io::Error| (relative, e)
    };
    match change.kind {
        Kind::Delete => std::fs::remove_file(&source.absolute).map_err(fail(&source.relative)),
        Kind::Add | Kind::Update => {
            let dest = change.final_path();
            if let Some(parent) = dest.absolute.parent() {
                std::fs::create_dir_all(parent).map_err(fail(&dest.relative))?;
            }
            let contents = change.contents.as_deref().unwrap_or_default();
            std::fs::write(&dest.absolute, contents).map_err(fail(&dest.relative))?;
            if change.move_to.is_some() {
                std::fs::remove_file(&source.absolute).map_err(fail(&source.relative))?;
            }
            Ok(())
        }
    }
}

/// The message for a failed write of `relative`.
pub fn write_error(relative: &str, error: &io::Error, sandbox_mode: &str) -> String {
    let refused = matches!(
        error.kind(),
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
    ) || error.raw_os_error() == Some(ENOTCAPABLE);
    if refused && sandbox_mode == "read-only" {
        format!("the workspace is read-only in this sandbox mode: cannot write {relative}")
    } else if refused {
        format!("access denied: cannot write {relative} (this plugin may not write there)")
    } else {
        format!("cannot write {relative}: {error}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_only_sandboxes_are_named() {
        let denied = io::Error::from(io::ErrorKind::PermissionDenied);
        assert_eq!(
            write_error("a.txt", &denied, "read-only"),
            "the workspace is read-only in this sandbox mode: cannot write a.txt"
        );
        let rofs = io::Error::from(io::ErrorKind::ReadOnlyFilesystem);
        assert!(write_error("a", &rofs, "read-only").starts_with("the workspace is read-only"));
        let capability = io::Error::from_raw_os_error(ENOTCAPABLE);
        assert!(
            write_error("a", &capability, "workspace-write").starts_with("access denied"),
            "{}",
            write_error("a", &capability, "workspace-write")
        );
        let other = io::Error::other("disk full");
        assert_eq!(
            write_error("a", &other, "read-only"),
            "cannot write a: disk full"
        );
    }
}
