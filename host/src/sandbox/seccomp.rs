//! The network half of the sandbox: a seccomp filter that keeps a command (and everything
//! it starts) from opening any socket but a Unix one. Landlock only governs TCP bind and
//! connect; this also closes UDP, raw and packet sockets, and `io_uring`, which could open
//! sockets without the `socket` system call.

use anyhow::{Context, Result};
use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
    SeccompRule,
};
use std::collections::BTreeMap;

/// The filter: `socket(domain != AF_UNIX, …)` and `io_uring_setup` fail with `EPERM`;
/// every other system call is allowed.
fn no_network_filter() -> Result<BpfProgram> {
    let not_unix = SeccompRule::new(vec![SeccompCondition::new(
        0,
        SeccompCmpArgLen::Dword,
        SeccompCmpOp::Ne,
        libc::AF_UNIX as u64,
    )?])?;
    let rules: BTreeMap<i64, Vec<SeccompRule>> = [
        (libc::SYS_socket, vec![not_unix]),
        // An empty rule list matches every call.
        (libc::SYS_io_uring_setup, Vec::new()),
    ]
    .into_iter()
    .collect();
    let arch = std::env::consts::ARCH
        .try_into()
        .context("seccomp does not support this architecture")?;
    let filter = SeccompFilter::new(
        rules,
        SeccompAction::Allow,
        SeccompAction::Errno(libc::EPERM as u32),
        arch,
    )?;
    Ok(filter.try_into()?)
}

/// Installs the filter on this (single-threaded helper) process; the command it execs
/// inherits it and cannot remove it.
pub fn deny_network() -> Result<()> {
    let program = no_network_filter().context("cannot build the seccomp filter")?;
    seccompiler::apply_filter(&program).context("cannot install the seccomp filter")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_filter_builds_for_this_architecture() {
        let program = super::no_network_filter().unwrap();
        assert!(!program.is_empty());
    }
}
