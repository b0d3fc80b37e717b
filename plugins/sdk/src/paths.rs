//! Path helpers for tools that work inside the workspace preopen.

use std::path::{Component, Path, PathBuf};

/// Removes `.` and applies `..` lexically (without touching the file system); `..` at
/// the root stays at the root. Tools use it to see whether a path the model gave stays
/// inside the workspace before they open anything.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dots_are_resolved_lexically() {
        assert_eq!(normalize(Path::new("/ws/./a/../b")), PathBuf::from("/ws/b"));
        assert_eq!(normalize(Path::new("/../x")), PathBuf::from("/x"));
    }
}
