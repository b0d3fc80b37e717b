//! Runs a process in the host's OS sandbox (`hearth:plugin/exec`). Tool plugins granted
//! `exec` only; others get `denied` errors.
//!
//! Ask first with [`approval::request_exec`](crate::approval::request_exec): the host
//! checks its policies again regardless. Output streams to the client through `progress`
//! while the process runs.

pub use crate::tool::hearth::plugin::exec::{Command, Exit};

/// Runs `command` to completion and returns how it ended, or the host's refusal.
///
/// Outside WebAssembly (unit tests) nothing runs: the result is an error.
pub fn run(command: &Command) -> Result<Exit, String> {
    #[cfg(target_family = "wasm")]
    return crate::tool::hearth::plugin::exec::run(command);
    #[cfg(not(target_family = "wasm"))]
    {
        let _ = command;
        Err("exec is only available inside the hearth host".to_string())
    }
}

/// A command with no extra environment and no timeout, in `cwd` (relative to the
/// workspace root, "" for the root).
pub fn command(argv: &[&str], cwd: &str) -> Command {
    Command {
        argv: argv.iter().map(|s| s.to_string()).collect(),
        cwd: cwd.to_string(),
        env: Vec::new(),
        timeout_ms: None,
    }
}
