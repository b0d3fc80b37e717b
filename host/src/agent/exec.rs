//! The host's `exec` service for tool plugins: runs a process in the OS sandbox per the
//! thread's sandbox mode, streams its output to the client as it arrives, and stops it
//! on timeout or interrupt (the whole process group).

use super::events::{AgentEvent, TurnSink};
use crate::plugins::SandboxMode;
use crate::plugins::state::{ExecCommand, ExecExit};
use crate::sandbox::{ExecPolicy, command};
use std::path::{Component, Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::AsyncReadExt;
use tokio_util::sync::CancellationToken;

/// Most output kept for the model and the item; the rest is dropped from the middle.
const MAX_AGGREGATED: usize = 1 << 20;
/// Default timeout when the tool gives none.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

/// Where a command runs and who hears about it.
pub struct ExecContext<'a> {
    /// The workspace root.
    pub workspace: &'a Path,
    /// The thread's sandbox mode.
    pub sandbox: SandboxMode,
    /// Whether the command may use the network.
    pub network: bool,
    /// Directories it may write besides the workspace (workspace-write mode).
    pub writable_roots: &'a [PathBuf],
    /// The item that streams the output.
    pub item_id: &'a str,
    /// Where output deltas go.
    pub sink: &'a Arc<dyn TurnSink>,
    /// Fires on interrupt.
    pub cancel: &'a CancellationToken,
}

/// Resolves a tool's working directory (relative to the workspace, or absolute inside it).
pub fn resolve_cwd(workspace: &Path, cwd: &str) -> Result<PathBuf, String> {
    let joined = workspace.join(cwd);
    let mut out = PathBuf::new();
    for part in joined.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    if !out.starts_with(workspace) {
        return Err(format!("working directory {cwd} is outside the workspace"));
    }
    Ok(out)
}

/// Runs one command to completion.
pub async fn run(ctx: ExecContext<'_>, request: ExecCommand) -> Result<ExecExit, String> {
    let cwd = resolve_cwd(ctx.workspace, &request.cwd)?;
    let policy = ExecPolicy {
        mode: ctx.sandbox,
        workspace: ctx.workspace.to_path_buf(),
        network: ctx.network,
        writable_roots: ctx.writable_roots.to_vec(),
    };
    let mut cmd =
        command(&request.argv, &cwd, &request.env, &policy).map_err(|e| format!("{e:#}"))?;
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    let started = Instant::now();
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", request.argv[0]))?;
    let pid = child.id();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Vec<u8>>();
    for stream in [
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn tokio::io::AsyncRead + Unpin + Send>),
        child.stderr.take().map(|s| Box::new(s) as Box<_>),
    ]
    .into_iter()
    .flatten()
    {
        let tx = tx.clone();
        tokio::spawn(async move {
            let mut stream = stream;
            let mut buf = vec![0u8; 8192];
            while let Ok(n) = stream.read(&mut buf).await {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
    }
    drop(tx);
    let timeout = request
        .timeout_ms
        .map(|ms| Duration::from_millis(ms.into()))
        .unwrap_or(DEFAULT_TIMEOUT);
    let deadline = tokio::time::sleep(timeout);
    tokio::pin!(deadline);
    let mut output: Vec<u8> = Vec::new();
    let mut dropped = 0usize;
    let mut timed_out = false;
    let mut streams_open = true;
    let status = loop {
        tokio::select! {
            chunk = rx.recv(), if streams_open => match chunk {
                Some(bytes) => {
                    ctx.sink.emit(AgentEvent::CommandOutputDelta {
                        item_id: ctx.item_id.to_string(),
                        delta: String::from_utf8_lossy(&bytes).into_owned(),
                    }).await;
                    if output.len() + bytes.len() <= MAX_AGGREGATED {
                        output.extend_from_slice(&bytes);
                    } else {
                        dropped += bytes.len();
                    }
                }
                None => streams_open = false,
            },
            status = child.wait(), if !streams_open => break status.ok(),
            _ = &mut deadline => {
                timed_out = true;
                kill_group(pid);
                break child.wait().await.ok();
            }
            _ = ctx.cancel.cancelled() => {
                kill_group(pid);
                let _ = child.wait().await;
                return Err("aborted: the turn was interrupted".into());
            }
        }
    };
    let mut text = String::from_utf8_lossy(&output).into_owned();
    if dropped > 0 {
        text.push_str(&format!("\n[... {dropped} bytes of output omitted ...]"));
    }
    Ok(ExecExit {
        exit_code: status.and_then(|s| s.code()),
        output: text,
        timed_out,
        duration_ms: started.elapsed().as_millis() as u64,
    })
}

fn kill_group(pid: Option<u32>) {
    if let Some(pid) = pid {
        // SAFETY: signalling the process group we created for this command.
        unsafe {
            libc::killpg(pid as libc::pid_t, libc::SIGKILL);
        }
    }
}
