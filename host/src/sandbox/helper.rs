//! The sandbox helper: runs inside the child process, restricts it, then execs the command.

use super::ExecPolicy;
use crate::plugins::SandboxMode;
use anyhow::{Context, Result, bail};
use landlock::{
    ABI, Access, AccessFs, AccessNet, Ruleset, RulesetAttr, RulesetCreatedAttr, RulesetStatus,
    path_beneath_rules,
};
use std::ffi::CString;
use std::os::unix::process::CommandExt;
use std::path::Path;

/// Entry point of `hearth __sandbox-exec <policy-json> -- argv...`. Never returns.
pub fn run_helper(args: &[String]) -> ! {
    let code = match apply_and_exec(args) {
        Ok(never) => match never {},
        Err(err) => {
            eprintln!("hearth sandbox: {err:#}");
            126
        }
    };
    std::process::exit(code)
}

enum Never {}

fn apply_and_exec(args: &[String]) -> Result<Never> {
    let policy: ExecPolicy = serde_json::from_str(args.first().context("missing policy")?)
        .context("bad sandbox policy")?;
    let argv = match args.get(1).map(String::as_str) {
        Some("--") => &args[2..],
        _ => bail!("usage: hearth __sandbox-exec <policy> -- <command>"),
    };
    if argv.is_empty() {
        bail!("no command to run");
    }
    if policy.mode == SandboxMode::WorkspaceWrite {
        protect_git(&policy.workspace)?;
    }
    restrict(&policy)?;
    let err = std::process::Command::new(&argv[0]).args(&argv[1..]).exec();
    bail!("cannot run {}: {err}", argv[0])
}

/// Makes `<workspace>/.git` read-only in a private mount namespace.
fn protect_git(workspace: &Path) -> Result<()> {
    let git = workspace.join(".git");
    if !git.exists() {
        return Ok(());
    }
    // SAFETY: plain syscalls on this single-threaded helper process.
    unsafe {
        let uid = libc::geteuid();
        let gid = libc::getegid();
        if libc::unshare(libc::CLONE_NEWUSER | libc::CLONE_NEWNS) != 0 {
            bail!(
                "cannot create a mount namespace to protect .git: {}",
                std::io::Error::last_os_error()
            );
        }
        std::fs::write("/proc/self/setgroups", "deny").ok();
        std::fs::write("/proc/self/uid_map", format!("{uid} {uid} 1")).context("uid_map")?;
        std::fs::write("/proc/self/gid_map", format!("{gid} {gid} 1")).context("gid_map")?;
        let root = CString::new("/").unwrap();
        if libc::mount(
            std::ptr::null(),
            root.as_ptr(),
            std::ptr::null(),
            libc::MS_REC | libc::MS_PRIVATE,
            std::ptr::null(),
        ) != 0
        {
            bail!(
                "cannot make mounts private: {}",
                std::io::Error::last_os_error()
            );
        }
        let target = CString::new(git.as_os_str().as_encoded_bytes()).context("bad .git path")?;
        if libc::mount(
            target.as_ptr(),
            target.as_ptr(),
            std::ptr::null(),
            libc::MS_BIND | libc::MS_REC,
            std::ptr::null(),
        ) != 0
        {
            bail!("cannot bind .git: {}", std::io::Error::last_os_error());
        }
        let flags = libc::MS_BIND | libc::MS_REMOUNT | libc::MS_RDONLY;
        if libc::mount(
            std::ptr::null(),
            target.as_ptr(),
            std::ptr::null(),
            flags,
            std::ptr::null(),
        ) != 0
        {
            bail!(
                "cannot make .git read-only: {}",
                std::io::Error::last_os_error()
            );
        }
    }
    Ok(())
}

/// Restricts this process with Landlock per the policy, and without network, seccomp.
fn restrict(policy: &ExecPolicy) -> Result<()> {
    let abi = ABI::V5;
    let mut ruleset = Ruleset::default().handle_access(AccessFs::from_all(abi))?;
    if !policy.network {
        ruleset = ruleset.handle_access(AccessNet::BindTcp | AccessNet::ConnectTcp)?;
    }
    let mut created = ruleset
        .create()?
        .add_rules(path_beneath_rules(["/"], AccessFs::from_read(abi)))?;
    let mut writable: Vec<std::path::PathBuf> =
        vec!["/dev/null".into(), "/dev/zero".into(), "/dev/tty".into()];
    if policy.mode == SandboxMode::WorkspaceWrite {
        writable.push(policy.workspace.clone());
        writable.extend(policy.writable_roots.iter().cloned());
        writable.push("/tmp".into());
        if let Some(tmp) = std::env::var_os("TMPDIR") {
            writable.push(tmp.into());
        }
    }
    writable.retain(|p| p.exists());
    created = created.add_rules(path_beneath_rules(&writable, AccessFs::from_all(abi)))?;
    let status = created.restrict_self()?;
    if status.ruleset == RulesetStatus::NotEnforced {
        bail!("Landlock is not enforced by this kernel");
    }
    if !policy.network {
        super::seccomp::deny_network()?;
    }
    Ok(())
}
