//! Resolving patch paths against the workspace.
//!
//! Paths in a patch are relative to the workspace (the call context's `cwd`); absolute
//! paths are accepted when they lie inside it. Resolution is lexical (`.` removed, `..`
//! applied), and a path that ends up outside the workspace is refused before anything
//! is read. Symbolic links leading out of the workspace are left to WASI, which only
//! reaches the plugin's preopened directories.

use std::path::{Path, PathBuf};

use hearth_plugin_sdk::paths::normalize;
use hearth_plugin_sdk::prelude::*;

/// A file a patch names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    /// Absolute path (inside the workspace).
    pub absolute: PathBuf,
    /// Path relative to the workspace root, with `/` separators.
    pub relative: String,
}

impl Target {
    /// The absolute path as text.
    pub fn shown(&self) -> String {
        self.absolute.display().to_string()
    }
}

/// Resolves `raw` against the workspace `root`.
pub fn resolve(root: &str, raw: &str) -> Result<Target, ToolError> {
    if root.is_empty() {
        return Err(ToolError::failed(
            "the call has no workspace (the host sent no `cwd`)",
        ));
    }
    let root = normalize(Path::new(root));
    let raw_path = Path::new(raw);
    let absolute = normalize(&root.join(raw_path));
    let relative = absolute.strip_prefix(&root).map_err(|_| {
        let why = if raw_path.is_absolute() {
            "it is outside the workspace"
        } else {
            "it escapes the workspace"
        };
        ToolError::invalid(format!(
            "`{raw}` resolves to {}: {why} ({}); patch paths must be relative to the workspace \
             or inside it",
            absolute.display(),
            root.display()
        ))
    })?;
    let relative = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    if relative.is_empty() {
        return Err(ToolError::invalid(format!(
            "`{raw}` is the workspace directory itself, not a file"
        )));
    }
    Ok(Target { absolute, relative })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(raw: &str) -> (String, String) {
        let t = resolve("/ws/", raw).unwrap();
        (t.shown(), t.relative)
    }

    #[test]
    fn paths_inside_the_workspace() {
        let p = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(ok("a.txt"), p("/ws/a.txt", "a.txt"));
        assert_eq!(ok("./src/../lib/x.rs"), p("/ws/lib/x.rs", "lib/x.rs"));
        assert_eq!(ok("/ws/deep/f"), p("/ws/deep/f", "deep/f"));
    }

    #[test]
    fn paths_outside_are_refused() {
        for raw in ["../x", "a/../../x", "/etc/passwd", "/ws/../x", "/wsx/f"] {
            let err = resolve("/ws", raw).unwrap_err();
            assert!(matches!(err, ToolError::InvalidArguments(_)), "{raw}");
            assert!(err.message().contains("workspace"), "{raw}: {err}");
        }
        assert!(
            resolve("/ws", "../x")
                .unwrap_err()
                .message()
                .contains("escapes")
        );
        assert!(
            resolve("/ws", ".")
                .unwrap_err()
                .message()
                .contains("itself")
        );
        assert!(resolve("", "a").is_err());
    }
}
