//! What a plugin's `Store` holds, and the host side of the hearth interfaces it imports
//! (`log`, `progress`, `approval`, `exec`).

use super::bindings::tool::hearth::plugin::{approval, exec, log, progress};
use super::bindings::types::{Action, Approval, LogLevel};
use super::call_clock::CallClock;
use super::egress::EgressGate;
use super::limiter::CallLimiter;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

/// A boxed future, as returned by [`CallServices`].
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// A command a tool asked to run, as the host's exec service receives it.
pub type ExecCommand = exec::Command;
/// How that command ended.
pub type ExecExit = exec::Exit;

/// What the rest of hearth provides to a running plugin call: where progress goes, who
/// approves actions, who runs processes. The agent loop supplies a real one per call.
pub trait CallServices: Send + Sync {
    /// A chunk of output for the current call; false when nobody listens any more.
    fn progress(&self, chunk: &str) -> bool;
    /// Runs the policy chain (and the user, when asked) on an action.
    fn approve(&self, action: Action) -> BoxFuture<Approval>;
    /// Runs a process in the OS sandbox.
    fn exec(&self, command: ExecCommand) -> BoxFuture<Result<ExecExit, String>>;
}

/// Services for calls made outside a turn (CLI, load-time `describe`, benchmarks):
/// progress is dropped, approvals are denied, processes are refused.
pub struct DetachedServices;

impl CallServices for DetachedServices {
    fn progress(&self, _chunk: &str) -> bool {
        true
    }
    fn approve(&self, _action: Action) -> BoxFuture<Approval> {
        Box::pin(async { Approval::Denied("no approval channel outside a turn".into()) })
    }
    fn exec(&self, _command: ExecCommand) -> BoxFuture<Result<ExecExit, String>> {
        Box::pin(async { Err("running processes is not available outside a turn".into()) })
    }
}

/// Store data of tool and model plugins.
pub struct PluginState {
    /// Plugin id, for logs.
    pub plugin_id: Arc<str>,
    /// WASI context built from the effective grants only.
    pub wasi: WasiCtx,
    /// wasi:http context.
    pub http: WasiHttpCtx,
    /// Resources of this store.
    pub table: ResourceTable,
    /// Outbound HTTP decisions.
    pub gate: EgressGate,
    /// Memory and instance caps.
    pub limits: CallLimiter,
    /// Whether the operator granted `exec`.
    pub exec_granted: bool,
    /// Progress, approval and exec providers.
    pub services: Arc<dyn CallServices>,
    /// The call's time budget, paused while the host waits on the user or a process.
    pub clock: Arc<CallClock>,
    /// Bytes of progress emitted so far (capped like output).
    pub progress_bytes: u64,
    /// Cap on progress bytes.
    pub max_output_bytes: u64,
}

impl WasiView for PluginState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for PluginState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            hooks: &mut self.gate,
            table: &mut self.table,
            ctx: &mut self.http,
        }
    }
}

/// Store data of policy plugins: pure components need nothing but limits.
pub struct PolicyState {
    /// Memory and instance caps.
    pub limits: CallLimiter,
}

/// Longest log line a plugin may write; the rest is cut.
const MAX_LOG_LINE: usize = 4096;

impl log::Host for PluginState {
    async fn log(&mut self, level: LogLevel, message: String) {
        let mut message = message;
        if message.len() > MAX_LOG_LINE {
            let mut cut = MAX_LOG_LINE;
            while !message.is_char_boundary(cut) {
                cut -= 1;
            }
            message.truncate(cut);
            message.push('…');
        }
        let plugin = &*self.plugin_id;
        match level {
            LogLevel::Trace => tracing::trace!(target: "hearth::plugin", plugin, "{message}"),
            LogLevel::Debug => tracing::debug!(target: "hearth::plugin", plugin, "{message}"),
            LogLevel::Info => tracing::info!(target: "hearth::plugin", plugin, "{message}"),
            LogLevel::Warn => tracing::warn!(target: "hearth::plugin", plugin, "{message}"),
            LogLevel::Error => tracing::error!(target: "hearth::plugin", plugin, "{message}"),
        }
    }
}

impl progress::Host for PluginState {
    async fn emit(&mut self, chunk: String) -> bool {
        self.progress_bytes += chunk.len() as u64;
        if self.progress_bytes > self.max_output_bytes {
            return false;
        }
        self.services.progress(&chunk)
    }
}

impl approval::Host for PluginState {
    async fn request(&mut self, action: Action) -> Approval {
        let _waiting = self.clock.pause();
        self.services.approve(action).await
    }
}

impl exec::Host for PluginState {
    async fn run(&mut self, command: ExecCommand) -> Result<ExecExit, String> {
        if !self.exec_granted {
            return Err(format!("plugin {} is not granted exec", self.plugin_id));
        }
        let _waiting = self.clock.pause();
        self.services.exec(command).await
    }
}

impl super::bindings::types::Host for PluginState {}

impl super::bindings::model::hearth::plugin::model_types::Host for PluginState {}
