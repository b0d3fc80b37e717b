//! Resolving argument paths against the workspace and explaining file system errors.
//!
//! [`resolve`] normalises lexically (no file system access): `.` components go, `..`
//! removes the previous component. A path whose `..` components lead out of the
//! workspace is refused with "path escapes the workspace". Absolute paths without `..`
//! are left to WASI, which only reaches the plugin's preopened directories.
//!
//! [`io_error`] turns what WASI reports into messages for the model: "file not found",
//! "access denied: ... is outside the workspace" (for a path outside every preopen, or a
//! symbolic link leading out of one), and so on.

use std::io;
use std::path::{Component, Path, PathBuf};

use hearth_plugin_sdk::prelude::*;

/// wasi-libc's `ENOTCAPABLE`: the path is not reachable through any preopened directory.
const ENOTCAPABLE: i32 = 76;

/// Lexically normalised absolute form of `raw`: relative paths are joined to `cwd`.
///
/// Errors: an empty path, a relative path without a workspace, or `..` leading out of the
/// workspace.
pub fn resolve(cwd: &str, raw: &str) -> Result<PathBuf, ToolError> {
    let raw_path = Path::new(raw);
    let joined = if raw_path.is_absolute() {
        raw_path.to_path_buf()
    } else if cwd.is_empty() {
        return Err(ToolError::invalid(format!(
            "`{raw}` is relative but the call has no working directory; pass an absolute path"
        )));
    } else {
        Path::new(cwd).join(raw_path)
    };
    let resolved = normalize(&joined);
    let climbs = raw_path.components().any(|c| c == Component::ParentDir);
    if climbs && !cwd.is_empty() && !resolved.starts_with(normalize(Path::new(cwd))) {
        return Err(ToolError::denied(format!(
            "path escapes the workspace: `{raw}` resolves to {} (the workspace is {cwd})",
            resolved.display()
        )));
    }
    Ok(resolved)
}

/// Removes `.` and resolves `..` lexically; `..` at the root stays at the root.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() && !path.is_absolute() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(if path.is_absolute() { "/" } else { "." });
    }
    out
}

/// What the failing path was meant to be, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A file to read.
    File,
    /// A directory to list or search.
    Directory,
}

/// Turns an I/O error on `path` into a message for the model.
pub fn io_error(path: &Path, kind: Kind, error: &io::Error) -> ToolError {
    let what = match kind {
        Kind::File => "file",
        Kind::Directory => "directory",
    };
    let shown = path.display();
    let text = error.to_string();
    if error.raw_os_error() == Some(ENOTCAPABLE) || text.contains("pre-opened") {
        return ToolError::denied(format!("access denied: {shown} is outside the workspace"));
    }
    match error.kind() {
        io::ErrorKind::NotFound if cfg!(target_os = "wasi") && unreachable_path(path) => {
            ToolError::denied(format!("access denied: {shown} is outside the workspace"))
        }
        io::ErrorKind::NotFound => ToolError::invalid(format!("{what} not found: {shown}")),
        io::ErrorKind::PermissionDenied => match escaping_link(path) {
            Some(link) => ToolError::denied(format!(
                "access denied: {shown} is outside the workspace (it goes through the symbolic link {link})"
            )),
            None => ToolError::denied(format!(
                "access denied: {shown} is outside the workspace or not readable"
            )),
        },
        io::ErrorKind::NotADirectory => ToolError::invalid(format!("not a directory: {shown}")),
        io::ErrorKind::IsADirectory => {
            ToolError::invalid(format!("not a file: {shown} is a directory (use list_dir)"))
        }
        _ => ToolError::failed(format!("cannot read {what} {shown}: {text}")),
    }
}

/// The nearest symbolic link among `path` and its ancestors, shown as `link -> target`
/// (just `link` when WASI will not tell the target, as for absolute targets).
fn escaping_link(path: &Path) -> Option<String> {
    path.ancestors().find_map(|p| {
        let meta = std::fs::symlink_metadata(p).ok()?;
        if !meta.file_type().is_symlink() {
            return None;
        }
        Some(match std::fs::read_link(p) {
            Ok(target) => format!("{} -> {}", p.display(), target.display()),
            Err(_) => p.display().to_string(),
        })
    })
}

/// True when neither `path` nor any of its ancestors exists: under WASI, the path lies
/// outside every preopened directory (wasi-libc reports those as not found).
fn unreachable_path(path: &Path) -> bool {
    path.is_absolute()
        && path
            .ancestors()
            .all(|p| std::fs::symlink_metadata(p).is_err())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_join_the_workspace() {
        assert_eq!(resolve("/w", "a/./b").unwrap(), PathBuf::from("/w/a/b"));
        assert_eq!(resolve("/w/", "a/../b").unwrap(), PathBuf::from("/w/b"));
        assert_eq!(resolve("/w", ".").unwrap(), PathBuf::from("/w"));
        assert_eq!(resolve("/w", "/etc/x").unwrap(), PathBuf::from("/etc/x"));
    }

    #[test]
    fn climbing_out_is_refused() {
        for raw in ["..", "../x", "a/../../x", "/w/../etc/passwd"] {
            let err = resolve("/w", raw).unwrap_err();
            assert!(
                err.message().contains("path escapes the workspace"),
                "{raw}: {err}"
            );
        }
        assert!(resolve("/w", "/w/a/../b").is_ok());
        assert!(resolve("", "a").is_err());
    }

    #[test]
    fn normalize_stays_at_root() {
        assert_eq!(normalize(Path::new("/../a")), PathBuf::from("/a"));
        assert_eq!(normalize(Path::new("/")), PathBuf::from("/"));
    }

    #[test]
    fn not_found_message() {
        let err = std::fs::metadata("/definitely/not/here").unwrap_err();
        let msg = io_error(Path::new("/definitely/not/here"), Kind::File, &err)
            .message()
            .to_string();
        assert!(
            msg.contains("file not found: /definitely/not/here"),
            "{msg}"
        );
    }
}
