//! The OS sandbox for the one capability that leaves WebAssembly: running processes.
//!
//! A command runs through a helper mode of the hearth binary (`hearth __sandbox-exec`):
//! the helper, already in the child process, protects `.git` with a read-only bind mount
//! in a new user + mount namespace (workspace-write), restricts itself with Landlock
//! (read everywhere; write only where the sandbox mode allows; no TCP unless network is
//! allowed) and, without network, with a seccomp filter that refuses every socket but a
//! Unix one (UDP included), and then execs the command, which inherits every restriction. The host
//! process itself is never restricted. `danger-full-access` runs commands unconfined.
//! Without Landlock, sandboxed commands are refused, never run unconfined.

mod helper;
mod seccomp;

pub use helper::run_helper;

use crate::plugins::SandboxMode;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The hidden subcommand the helper runs as.
pub const HELPER_ARG: &str = "__sandbox-exec";

/// What a sandboxed command may do.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExecPolicy {
    /// The thread's sandbox mode.
    pub mode: SandboxMode,
    /// The workspace root.
    pub workspace: PathBuf,
    /// Whether outbound network is allowed.
    pub network: bool,
    /// Directories writable besides the workspace (workspace-write mode).
    #[serde(default)]
    pub writable_roots: Vec<PathBuf>,
}

/// The Landlock ABI version the kernel offers, if any.
pub fn landlock_abi() -> Option<i32> {
    const LANDLOCK_CREATE_RULESET_VERSION: libc::c_uint = 1;
    // SAFETY: querying the version passes no pointers the kernel writes to.
    let v = unsafe {
        libc::syscall(
            libc::SYS_landlock_create_ruleset,
            std::ptr::null::<libc::c_void>(),
            0usize,
            LANDLOCK_CREATE_RULESET_VERSION,
        )
    };
    (v > 0).then_some(v as i32)
}

/// One line saying what the sandbox can do here (startup log and `config/read`).
pub fn describe() -> String {
    match landlock_abi() {
        Some(abi) => format!("landlock ABI {abi}: commands run confined per sandbox mode"),
        None => "landlock unavailable: read-only and workspace-write commands are refused".into(),
    }
}

/// Variables never passed to commands (credentials the host holds for providers).
fn is_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["KEY", "TOKEN", "SECRET", "PASSWORD", "CREDENTIAL"]
        .iter()
        .any(|w| upper.contains(w))
}

/// Builds the process for `argv` in `cwd` under `policy`.
pub fn command(
    argv: &[String],
    cwd: &Path,
    env: &[(String, String)],
    policy: &ExecPolicy,
) -> Result<tokio::process::Command> {
    let program = argv.first().context("empty command")?;
    let mut cmd = if policy.mode == SandboxMode::DangerFullAccess {
        let mut c = tokio::process::Command::new(program);
        c.args(&argv[1..]);
        c
    } else {
        if landlock_abi().is_none() {
            anyhow::bail!(
                "the OS sandbox (Landlock) is not available on this kernel; refusing to run commands in {} mode",
                policy.mode.as_str()
            );
        }
        let exe = std::env::current_exe()
            .context("cannot locate the hearth binary for the sandbox helper")?;
        let mut c = tokio::process::Command::new(exe);
        c.arg(HELPER_ARG)
            .arg(serde_json::to_string(policy)?)
            .arg("--")
            .args(argv);
        c
    };
    cmd.current_dir(cwd);
    cmd.env_clear();
    for (k, v) in std::env::vars() {
        if !is_secret(&k) && !k.starts_with("HEARTH_") {
            cmd.env(k, v);
        }
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    Ok(cmd)
}
