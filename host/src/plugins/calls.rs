//! The invocation gateway: every call into a plugin goes through here. Each tool or
//! policy call gets a fresh `Store` (capabilities from the effective grants only), a memory
//! cap, a time budget (epoch deadlines plus an outer timeout; host waits for approvals and
//! processes do not count), an output-size cap, and one audit record.
//! A trap, timeout or exhausted memory fails that call with a clear error; nothing else.

use super::audit::{AuditRecord, Outcome};
use super::bindings::policy::hearth::plugin::policy_types::{Decision, Verdict};
use super::bindings::types::{Action, ToolCall, ToolError, ToolOutput, ToolSpec};
use super::call_clock::{CallClock, within_budget};
use super::egress::{EgressGate, InjectedHeaders};
use super::engine::ticks_for;
use super::grants::{CallContext, build_wasi};
use super::limiter::CallLimiter;
use super::network_rule::NetworkRule;
use super::registry::{LoadedPlugin, PluginRegistry, Prepared};
use super::state::{CallServices, DetachedServices, PluginState, PolicyState};
use anyhow::{Result, anyhow};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wasmtime::{Store, Trap, UpdateDeadline};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;

/// Why a call into a plugin failed (as opposed to the plugin returning an error value).
#[derive(Debug, Clone, thiserror::Error)]
pub enum CallError {
    /// Ran past its deadline.
    #[error("plugin {plugin} exceeded its time limit of {ms} ms and was stopped")]
    Timeout { plugin: String, ms: u64 },
    /// Tried to grow memory past its cap.
    #[error("plugin {plugin} exceeded its memory limit of {mib} MiB")]
    Memory { plugin: String, mib: u64 },
    /// Trapped.
    #[error("plugin {plugin} crashed: {message}")]
    Trap { plugin: String, message: String },
    /// Could not be set up or called.
    #[error("plugin {plugin}: {message}")]
    Failed { plugin: String, message: String },
}

impl CallError {
    pub(super) fn outcome(&self) -> Outcome {
        match self {
            CallError::Timeout { .. } => Outcome::Timeout,
            CallError::Memory { .. } => Outcome::MemoryLimit,
            CallError::Trap { .. } => Outcome::Trap,
            CallError::Failed { .. } => Outcome::Error,
        }
    }
}

pub(super) const STDERR_CAPTURE: usize = 8 * 1024;

/// Everything one call needs besides the store.
pub(super) struct CallRecorder<'a> {
    pub(super) plugin: &'a LoadedPlugin,
    pub(super) started: Instant,
    pub(super) instantiated: Option<Instant>,
    pub(super) record: AuditRecord,
}

impl<'a> CallRecorder<'a> {
    pub(super) fn new(plugin: &'a LoadedPlugin, function: &str, ctx: Option<&CallContext>) -> Self {
        CallRecorder {
            plugin,
            started: Instant::now(),
            instantiated: None,
            record: AuditRecord::starting(
                plugin.label(),
                plugin.digest.clone(),
                function,
                ctx.and_then(|c| c.thread_id.clone()),
            ),
        }
    }

    pub(super) fn instantiated(&mut self) {
        self.instantiated = Some(Instant::now());
    }

    pub(super) fn finish(
        mut self,
        registry: &PluginRegistry,
        memory_peak: usize,
        error: Option<&CallError>,
    ) {
        let end = Instant::now();
        let inst = self.instantiated.unwrap_or(end);
        self.record.instantiate_us = inst.duration_since(self.started).as_micros() as u64;
        self.record.execute_us = end.duration_since(inst).as_micros() as u64;
        self.record.memory_peak = memory_peak;
        if let Some(err) = error {
            self.record.outcome = err.outcome();
            self.record.error = Some(err.to_string());
        }
        registry.audit.record(self.record);
    }

    pub(super) fn failed(&self, message: impl std::fmt::Display) -> CallError {
        CallError::Failed {
            plugin: self.plugin.label(),
            message: message.to_string(),
        }
    }
}

impl CallError {
    /// The call ran past `plugin`'s time limit.
    pub(super) fn timeout(plugin: &LoadedPlugin) -> Self {
        CallError::Timeout {
            plugin: plugin.label(),
            ms: plugin.grants.limits.timeout_ms,
        }
    }
}

/// Turns a wasmtime error of a call into `plugin` into the right `CallError`.
pub(super) fn classify(
    plugin: &LoadedPlugin,
    err: wasmtime::Error,
    limiter: &CallLimiter,
    stderr: Option<&MemoryOutputPipe>,
) -> CallError {
    if limiter.memory_denied {
        return CallError::Memory {
            plugin: plugin.label(),
            mib: plugin.grants.limits.memory_bytes >> 20,
        };
    }
    if matches!(err.downcast_ref::<Trap>(), Some(Trap::Interrupt)) {
        return CallError::timeout(plugin);
    }
    let mut message = format!("{err:#}");
    if let Some(pipe) = stderr {
        let bytes = pipe.contents();
        let text = String::from_utf8_lossy(&bytes);
        let text = text.trim();
        if !text.is_empty() {
            message.push_str("; plugin stderr: ");
            message.push_str(text);
        }
    }
    CallError::Trap {
        plugin: plugin.label(),
        message,
    }
}

/// The outcome of a call run under an outer timeout (any error type `E` means it fired):
/// its value, its classified error, or a timeout.
pub(super) fn settle<T, E>(
    plugin: &LoadedPlugin,
    result: Result<Result<T, wasmtime::Error>, E>,
    limiter: &CallLimiter,
    stderr: Option<&MemoryOutputPipe>,
) -> Result<T, CallError> {
    match result {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(classify(plugin, err, limiter, stderr)),
        Err(_) => Err(CallError::timeout(plugin)),
    }
}

pub(super) fn timeout_of(plugin: &LoadedPlugin) -> Duration {
    Duration::from_millis(plugin.grants.limits.timeout_ms)
}

/// Grace after the epoch deadline before the outer timeout drops the call (covers time
/// spent inside host calls, which epochs cannot interrupt).
pub(super) const OUTER_GRACE: Duration = Duration::from_millis(500);

/// A store for one call. `granted` replaces the plugin-wide network grant when given: a
/// model adapter call may reach its provider's origins only.
pub(super) fn plugin_store(
    registry: &PluginRegistry,
    plugin: &LoadedPlugin,
    ctx: &CallContext,
    services: Arc<dyn CallServices>,
    injected: Arc<Vec<InjectedHeaders>>,
    granted: Option<Arc<Vec<NetworkRule>>>,
) -> Result<(Store<PluginState>, Vec<String>, MemoryOutputPipe)> {
    let stderr = MemoryOutputPipe::new(STDERR_CAPTURE);
    let (wasi, mut caps) = build_wasi(&plugin.grants, ctx, stderr.clone())?;
    let granted = granted.unwrap_or_else(|| plugin.grants.network_granted.clone());
    caps.extend(granted.iter().map(|r| format!("net:{}", r.text)));
    let gate = EgressGate::new(
        &plugin.manifest.id,
        plugin.grants.network_requested.clone(),
        granted,
        injected,
    );
    let state = PluginState {
        plugin_id: plugin.manifest.id.as_str().into(),
        wasi,
        http: wasmtime_wasi_http::WasiHttpCtx::new(),
        table: wasmtime::component::ResourceTable::new(),
        gate,
        limits: CallLimiter::new(plugin.grants.limits.memory_bytes),
        exec_granted: plugin.grants.exec,
        services,
        clock: CallClock::new(timeout_of(plugin)),
        progress_bytes: 0,
        max_output_bytes: plugin.grants.limits.max_output_bytes,
    };
    let mut store = Store::new(&registry.engine, state);
    store.limiter(|s| &mut s.limits);
    budget_by_clock(&mut store);
    Ok((store, caps, stderr))
}

/// Longest a plugin runs before yielding its thread to other tasks.
pub(super) const YIELD_SLICE: Duration = Duration::from_millis(50);

/// Epoch deadlines for a tool or model store: every [`YIELD_SLICE`] the call yields (so a
/// busy plugin cannot starve the runtime) and its clock decides whether it may go on. The
/// clock leaves out host waits (approvals, processes), which the epoch counter cannot.
fn budget_by_clock(store: &mut Store<PluginState>) {
    let slice = ticks_for(YIELD_SLICE);
    store.set_epoch_deadline(slice);
    store.epoch_deadline_callback(move |ctx| {
        Ok(match ctx.data().clock.remaining() {
            Some(left) => UpdateDeadline::Yield(ticks_for(left).min(slice)),
            None => UpdateDeadline::Interrupt,
        })
    });
}

fn truncate_to(text: &mut String, max: u64) {
    let max = max as usize;
    if text.len() > max {
        let total = text.len();
        let mut cut = max;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push_str(&format!(
            "\n[output truncated: {total} bytes exceeded the plugin's {max}-byte cap]"
        ));
    }
}

/// Calls a tool plugin's `describe` (at load time).
pub async fn describe(registry: &PluginRegistry, plugin: &LoadedPlugin) -> Result<Vec<ToolSpec>> {
    let Prepared::Tool { pre, .. } = &plugin.prepared else {
        return Err(anyhow!("{} is not a tool plugin", plugin.label()));
    };
    let mut rec = CallRecorder::new(plugin, "describe", None);
    let (mut store, _, stderr) = plugin_store(
        registry,
        plugin,
        &CallContext::default(),
        Arc::new(DetachedServices),
        Arc::default(),
        None,
    )?;
    let clock = store.data().clock.clone();
    let result = within_budget(&clock, OUTER_GRACE, async {
        let tool = pre.instantiate_async(&mut store).await?;
        rec.instantiated();
        tool.hearth_plugin_tool_provider()
            .call_describe(&mut store)
            .await
    })
    .await;
    let outcome = settle(plugin, result, &store.data().limits, Some(&stderr));
    let peak = store.data().limits.peak_memory;
    rec.finish(registry, peak, outcome.as_ref().err());
    Ok(outcome?)
}

/// Runs one tool call in a fresh instance. The inner `Result` is the tool's own answer.
pub async fn invoke_tool(
    registry: &PluginRegistry,
    plugin: &LoadedPlugin,
    call: &ToolCall,
    ctx: &CallContext,
    services: Arc<dyn CallServices>,
) -> Result<Result<ToolOutput, ToolError>, CallError> {
    let mut rec = CallRecorder::new(plugin, "invoke", Some(ctx));
    rec.record.tool = Some(call.name.clone());
    rec.record.call_id = Some(call.call_id.clone());
    let Prepared::Tool { pre, .. } = &plugin.prepared else {
        let err = rec.failed("not a tool plugin");
        rec.finish(registry, 0, Some(&err));
        return Err(err);
    };
    let (mut store, caps, stderr) =
        match plugin_store(registry, plugin, ctx, services, Arc::default(), None) {
            Ok(parts) => parts,
            Err(err) => {
                let err = rec.failed(format!("{err:#}"));
                rec.finish(registry, 0, Some(&err));
                return Err(err);
            }
        };
    rec.record.capabilities = caps;
    let clock = store.data().clock.clone();
    let result = within_budget(&clock, OUTER_GRACE, async {
        let tool = pre.instantiate_async(&mut store).await?;
        rec.instantiated();
        tool.hearth_plugin_tool_provider()
            .call_invoke(&mut store, call)
            .await
    })
    .await;
    let outcome = settle(plugin, result, &store.data().limits, Some(&stderr)).map(|mut answer| {
        let max = plugin.grants.limits.max_output_bytes;
        match &mut answer {
            Ok(out) => truncate_to(&mut out.content, max),
            Err(ToolError::Failed(m) | ToolError::Denied(m) | ToolError::InvalidArguments(m)) => {
                truncate_to(m, max)
            }
        }
        answer
    });
    rec.record.egress = store.data().gate.records();
    let peak = store.data().limits.peak_memory;
    rec.finish(registry, peak, outcome.as_ref().err());
    outcome
}

/// Asks a policy plugin for a decision, in a fresh instance of the pure component.
pub async fn evaluate_policy(
    registry: &PluginRegistry,
    plugin: &LoadedPlugin,
    action: &Action,
    context: &str,
    ctx: Option<&CallContext>,
) -> Result<Decision, CallError> {
    let mut rec = CallRecorder::new(plugin, "evaluate", ctx);
    let Prepared::Policy { pre } = &plugin.prepared else {
        let err = rec.failed("not a policy plugin");
        rec.finish(registry, 0, Some(&err));
        return Err(err);
    };
    let mut store = Store::new(
        &registry.engine,
        PolicyState {
            limits: CallLimiter::new(plugin.grants.limits.memory_bytes),
        },
    );
    store.limiter(|s| &mut s.limits);
    store.set_epoch_deadline(ticks_for(timeout_of(plugin)));
    store.epoch_deadline_trap();
    let result = tokio::time::timeout(timeout_of(plugin) + OUTER_GRACE, async {
        let policy = pre.instantiate_async(&mut store).await?;
        rec.instantiated();
        policy
            .hearth_plugin_policy()
            .call_evaluate(&mut store, action, &context.to_string())
            .await
    })
    .await;
    let outcome = settle(plugin, result, &store.data().limits, None);
    if let Ok(d) = &outcome {
        rec.record.decision = Some(verdict_name(&d.verdict).to_string());
        rec.record.rule_id = Some(d.rule_id.clone());
    }
    let peak = store.data().limits.peak_memory;
    rec.finish(registry, peak, outcome.as_ref().err());
    outcome
}

/// Short name of a verdict.
pub fn verdict_name(v: &Verdict) -> &'static str {
    match v {
        Verdict::Allow => "allow",
        Verdict::Deny(_) => "deny",
        Verdict::Ask(_) => "ask",
        Verdict::Abstain => "abstain",
    }
}
