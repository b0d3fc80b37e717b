//! Calls into model adapters: a response streamed from an adapter instance that lives as
//! long as the response, and the provider's model list. Each goes through the same
//! gateway as tool calls (see [`super::calls`]): a store with the adapter's grants (its
//! provider's origins only), a time budget per pull, and an audit record.

use super::audit::AuditRecord;
use super::bindings::model::hearth::plugin::model_types::{ModelError, ModelEvent, ModelRequest};
use super::call_clock::{CallClock, within_budget};
use super::calls::{
    CallError, CallRecorder, OUTER_GRACE, YIELD_SLICE, classify, plugin_store, settle, timeout_of,
};
use super::egress::InjectedHeaders;
use super::engine::ticks_for;
use super::grants::CallContext;
use super::network_rule::NetworkRule;
use super::registry::{LoadedPlugin, PluginRegistry, Prepared};
use super::state::{DetachedServices, PluginState};
use std::sync::Arc;
use std::time::Instant;
use wasmtime::Store;
use wasmtime::component::ResourceAny;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;

/// A model response being streamed from an adapter instance that lives as long as it.
pub struct ModelStream {
    store: Store<PluginState>,
    adapter: super::bindings::model::ModelAdapter,
    stream: ResourceAny,
    plugin: Arc<LoadedPlugin>,
    registry_audit: super::audit::AuditLog,
    record: AuditRecord,
    started: Instant,
    events: u64,
    finished: bool,
    stderr: MemoryOutputPipe,
}

/// Starts a model response on a fresh adapter instance. The instance may reach the
/// provider's `origins` and nothing else (they replace the plugin-wide grant), and
/// credentials for those origins travel in `injected`, attached by the egress gate.
pub async fn start_model(
    registry: &PluginRegistry,
    plugin: Arc<LoadedPlugin>,
    request: &ModelRequest,
    ctx: &CallContext,
    injected: Arc<Vec<InjectedHeaders>>,
    origins: Arc<Vec<NetworkRule>>,
) -> Result<Result<ModelStream, ModelError>, CallError> {
    let mut rec = CallRecorder::new(&plugin, "start", Some(ctx));
    let Prepared::Model { pre } = &plugin.prepared else {
        let err = rec.failed("not a model adapter");
        rec.finish(registry, 0, Some(&err));
        return Err(err);
    };
    let (mut store, caps, stderr) = match plugin_store(
        registry,
        &plugin,
        &CallContext::default(),
        Arc::new(DetachedServices),
        injected,
        Some(origins),
    ) {
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
        let adapter = pre.instantiate_async(&mut store).await?;
        rec.instantiated();
        let started = adapter
            .hearth_plugin_adapter()
            .call_start(&mut store, request)
            .await?;
        Ok::<_, wasmtime::Error>((adapter, started))
    })
    .await;
    match result {
        Ok(Ok((adapter, Ok(stream)))) => {
            let record = rec.record.clone();
            Ok(Ok(ModelStream {
                store,
                adapter,
                stream,
                registry_audit: registry.audit.clone(),
                plugin: plugin.clone(),
                record,
                started: rec.started,
                events: 0,
                finished: false,
                stderr,
            }))
        }
        Ok(Ok((_, Err(model_error)))) => {
            rec.record.error = Some(model_error.message.clone());
            rec.record.egress = store.data().gate.records();
            let peak = store.data().limits.peak_memory;
            rec.finish(registry, peak, None);
            Ok(Err(model_error))
        }
        Ok(Err(err)) => {
            let err = classify(&plugin, err, &store.data().limits, Some(&stderr));
            let peak = store.data().limits.peak_memory;
            rec.finish(registry, peak, Some(&err));
            Err(err)
        }
        Err(_) => {
            let err = CallError::timeout(&plugin);
            rec.finish(registry, 0, Some(&err));
            Err(err)
        }
    }
}

impl ModelStream {
    /// The next event; `Ok(Ok(None))` at the end. Each pull gets the plugin's full
    /// deadline, so a long stream is fine as long as events keep coming.
    pub async fn next(&mut self) -> Result<Result<Option<ModelEvent>, ModelError>, CallError> {
        if self.finished {
            return Ok(Ok(None));
        }
        let clock = CallClock::new(timeout_of(&self.plugin));
        self.store.data_mut().clock = clock.clone();
        self.store.set_epoch_deadline(ticks_for(YIELD_SLICE));
        let stream = self.stream;
        let adapter = &self.adapter;
        let store = &mut self.store;
        let result = within_budget(&clock, OUTER_GRACE, async {
            adapter
                .hearth_plugin_adapter()
                .response_stream()
                .call_next(&mut *store, stream)
                .await
        })
        .await;
        let outcome = match result {
            Ok(Ok(Ok(Some(event)))) => {
                self.events += 1;
                return Ok(Ok(Some(event)));
            }
            Ok(Ok(Ok(None))) => Ok(Ok(None)),
            Ok(Ok(Err(model_error))) => {
                self.record.error = Some(model_error.message.clone());
                Ok(Err(model_error))
            }
            Ok(Err(err)) => Err(classify(
                &self.plugin,
                err,
                &self.store.data().limits,
                Some(&self.stderr),
            )),
            Err(_) => Err(CallError::timeout(&self.plugin)),
        };
        self.finish(outcome.as_ref().err());
        outcome
    }

    fn finish(&mut self, error: Option<&CallError>) {
        if self.finished {
            return;
        }
        self.finished = true;
        self.record.function = format!("start+next*{}", self.events);
        self.record.execute_us = self.started.elapsed().as_micros() as u64;
        self.record.egress = self.store.data().gate.records();
        self.record.memory_peak = self.store.data().limits.peak_memory;
        if let Some(err) = error {
            self.record.outcome = err.outcome();
            self.record.error = Some(err.to_string());
        }
        self.registry_audit.record(self.record.clone());
    }
}

impl Drop for ModelStream {
    fn drop(&mut self) {
        self.finish(None);
    }
}

/// Asks a model adapter which models its provider offers; like [`start_model`], the
/// instance may reach the provider's `origins` only.
pub async fn list_models(
    registry: &PluginRegistry,
    plugin: &LoadedPlugin,
    settings: &str,
    injected: Arc<Vec<InjectedHeaders>>,
    origins: Arc<Vec<NetworkRule>>,
) -> Result<
    Result<Vec<super::bindings::model::hearth::plugin::model_types::ModelInfo>, ModelError>,
    CallError,
> {
    let rec = CallRecorder::new(plugin, "models", None);
    let Prepared::Model { pre } = &plugin.prepared else {
        return Err(rec.failed("not a model adapter"));
    };
    let (mut store, _, stderr) = plugin_store(
        registry,
        plugin,
        &CallContext::default(),
        Arc::new(DetachedServices),
        injected,
        Some(origins),
    )
    .map_err(|e| rec.failed(format!("{e:#}")))?;
    let clock = store.data().clock.clone();
    let result = within_budget(&clock, OUTER_GRACE, async {
        let adapter = pre.instantiate_async(&mut store).await?;
        adapter
            .hearth_plugin_adapter()
            .call_models(&mut store, settings)
            .await
    })
    .await;
    let outcome = settle(plugin, result, &store.data().limits, Some(&stderr));
    let peak = store.data().limits.peak_memory;
    rec.finish(registry, peak, outcome.as_ref().err());
    outcome
}
