//! A scratch workspace for the unit tests (run on the build machine, not in WASI).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use hearth_plugin_sdk::CallContext;

/// A directory under the system temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    /// A fresh, empty directory whose name contains `name`.
    pub fn new(name: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "hearth-apply-patch-{name}-{}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// The workspace root as the call context gives it.
    pub fn root(&self) -> String {
        self.0.display().to_string()
    }

    /// Writes `contents` to `relative`, creating parents.
    pub fn write(&self, relative: &str, contents: &str) {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }

    /// The contents of `relative`, or `None` when it does not exist.
    pub fn read(&self, relative: &str) -> Option<String> {
        std::fs::read_to_string(self.0.join(relative)).ok()
    }

    /// A call context for this workspace in the given sandbox mode.
    pub fn context(&self, sandbox_mode: &str) -> CallContext {
        CallContext {
            cwd: self.root(),
            sandbox_mode: sandbox_mode.to_string(),
            ..CallContext::default()
        }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
