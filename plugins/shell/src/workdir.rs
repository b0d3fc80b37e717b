//! Resolving the `workdir` argument against the workspace.
//!
//! Commands run in the host's OS sandbox with a working directory given relative to the
//! workspace root (`exec.command.cwd`, "" for the root), so a `workdir` must lie inside
//! the workspace: relative paths are joined to it, absolute paths must start with it, and
//! `..` may not climb out of it. Resolution is lexical; the host checks the directory
//! itself when it starts the process.

use std::path::{Component, Path, PathBuf};

use hearth_plugin_sdk::paths::normalize;
use hearth_plugin_sdk::prelude::*;

/// Where a command runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workdir {
    /// Absolute path (the workspace path joined with [`relative`](Workdir::relative)).
    pub absolute: String,
    /// Path relative to the workspace root, with `/` separators; "" for the root.
    pub relative: String,
}

/// Resolves `workdir` (absent: the workspace root) against the workspace `root`.
pub fn resolve(root: &str, workdir: Option<&str>) -> Result<Workdir, ToolError> {
    let root_path = normalize(Path::new(root));
    let raw = workdir.unwrap_or("");
    let path = Path::new(raw);
    let relative = if path.is_absolute() {
        let full = normalize(path);
        if root.is_empty() {
            return Err(ToolError::invalid(format!(
                "`workdir` {raw:?} is absolute but the call has no workspace; pass a relative path"
            )));
        }
        full.strip_prefix(&root_path)
            .map(Path::to_path_buf)
            .map_err(|_| outside(raw, root))?
    } else {
        relative_inside(path).ok_or_else(|| outside(raw, root))?
    };
    let relative = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    let absolute = if relative.is_empty() {
        root_path.display().to_string()
    } else {
        root_path.join(&relative).display().to_string()
    };
    Ok(Workdir { absolute, relative })
}

fn outside(raw: &str, root: &str) -> ToolError {
    ToolError::invalid(format!(
        "`workdir` {raw:?} is outside the workspace ({root}); commands run inside it"
    ))
}

/// A relative path with `.` removed and `..` applied, or `None` when `..` climbs above
/// its start.
fn relative_inside(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::Normal(name) => out.push(name),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(root: &str, workdir: Option<&str>) -> (String, String) {
        let w = resolve(root, workdir).unwrap();
        (w.absolute, w.relative)
    }

    #[test]
    fn inside_the_workspace() {
        let s = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(ok("/w", None), s("/w", ""));
        assert_eq!(ok("/w/", Some(".")), s("/w", ""));
        assert_eq!(ok("/w", Some("src/./lib")), s("/w/src/lib", "src/lib"));
        assert_eq!(ok("/w", Some("a/../b")), s("/w/b", "b"));
        assert_eq!(ok("/w", Some("/w/a/b")), s("/w/a/b", "a/b"));
        assert_eq!(ok("/w", Some("/w")), s("/w", ""));
        assert_eq!(ok("/w", Some("/w/x/../y")), s("/w/y", "y"));
    }

    #[test]
    fn outside_the_workspace() {
        for raw in ["..", "../w2", "a/../../x", "/etc", "/w/../etc", "/wx"] {
            let err = resolve("/w", Some(raw)).unwrap_err();
            assert!(
                err.message().contains("outside the workspace"),
                "{raw}: {err}"
            );
        }
        assert!(resolve("", Some("/abs")).is_err());
        assert_eq!(ok("", Some("a")), ("a".to_string(), "a".to_string()));
    }
}
