//! Checks whether a component fits a hearth world, with messages that name what is
//! missing, and describes a component's imports and exports for `hearth plugin inspect`.

use super::manifest::PluginKind;
use serde::Serialize;
use wasmtime::Engine;
use wasmtime::component::Component;
use wasmtime::component::types::ComponentItem;

/// Imports and exports of a component, by name.
#[derive(Debug, Clone, Serialize)]
pub struct ComponentShape {
    /// Imported interfaces with the functions they import.
    pub imports: Vec<ExportShape>,
    /// Exported interfaces with the functions they export.
    pub exports: Vec<ExportShape>,
}

/// One import or export of a component.
#[derive(Debug, Clone, Serialize)]
pub struct ExportShape {
    /// Export name, e.g. `hearth:plugin/tool-provider@0.1.0`.
    pub name: String,
    /// Functions inside it (empty for a bare function export).
    pub functions: Vec<String>,
}

/// Reads a component's shape.
pub fn shape(engine: &Engine, component: &Component) -> ComponentShape {
    let ty = component.component_type();
    let entry = |name: &str, item: ComponentItem| ExportShape {
        name: name.to_string(),
        functions: match item {
            ComponentItem::ComponentInstance(inst) => inst
                .exports(engine)
                .filter(|(_, i)| matches!(i.ty, ComponentItem::ComponentFunc(_)))
                .map(|(n, _)| n.to_string())
                .collect(),
            ComponentItem::ComponentFunc(_) => vec![name.to_string()],
            _ => Vec::new(),
        },
    };
    let imports = ty
        .imports(engine)
        .map(|(name, item)| entry(name, item.ty))
        .collect();
    let exports = ty
        .exports(engine)
        .map(|(name, item)| entry(name, item.ty))
        .collect();
    ComponentShape { imports, exports }
}

/// The interface a world exports and the functions it must contain.
fn required_export(kind: PluginKind) -> (&'static str, &'static [&'static str]) {
    match kind {
        PluginKind::Tool => ("hearth:plugin/tool-provider", &["describe", "invoke"]),
        PluginKind::Policy => ("hearth:plugin/policy", &["evaluate"]),
        PluginKind::Model => (
            "hearth:plugin/adapter",
            &["models", "start", "[method]response-stream.next"],
        ),
    }
}

/// Interfaces (without version) a plugin of this kind may import.
fn allowed_import(kind: PluginKind, name: &str) -> bool {
    let unversioned = name.split('@').next().unwrap_or(name);
    match kind {
        PluginKind::Policy => false,
        PluginKind::Tool => {
            unversioned.starts_with("wasi:") || unversioned.starts_with("hearth:plugin/")
        }
        PluginKind::Model => {
            unversioned.starts_with("wasi:")
                || unversioned == "hearth:plugin/log"
                || unversioned == "hearth:plugin/types"
        }
    }
}

/// Version part of an export name, if it is a 0.1.x hearth interface.
fn compatible_version(name: &str, interface: &str) -> bool {
    match name.split_once('@') {
        Some((iface, version)) => iface == interface && version.starts_with("0.1."),
        None => false,
    }
}

/// The kind whose world the component exports, if any.
pub fn detect_kind(shape: &ComponentShape) -> Option<PluginKind> {
    [PluginKind::Tool, PluginKind::Policy, PluginKind::Model]
        .into_iter()
        .find(|kind| {
            let (iface, _) = required_export(*kind);
            shape
                .exports
                .iter()
                .any(|e| compatible_version(&e.name, iface))
        })
}

/// Problems that keep the component from fitting `kind`'s world; empty when it fits.
pub fn problems(shape: &ComponentShape, kind: PluginKind) -> Vec<String> {
    let mut problems = Vec::new();
    let (iface, functions) = required_export(kind);
    match shape
        .exports
        .iter()
        .find(|e| compatible_version(&e.name, iface))
    {
        None => {
            let found: Vec<&str> = shape.exports.iter().map(|e| e.name.as_str()).collect();
            problems.push(format!(
                "missing export `{iface}@0.1.0` (functions: {}) required by the {kind} world `{}`; the component exports {}",
                functions.join(", "),
                kind.world(),
                if found.is_empty() { "nothing".to_string() } else { found.join(", ") }
            ));
        }
        Some(export) => {
            for f in functions
                .iter()
                .filter(|f| !export.functions.iter().any(|g| g == *f))
            {
                problems.push(format!(
                    "export `{}` is missing function `{f}`",
                    export.name
                ));
            }
        }
    }
    // Interfaces that only define types (no functions) give a component nothing to call.
    let bad: Vec<&str> = shape
        .imports
        .iter()
        .filter(|i| !i.functions.is_empty() && !allowed_import(kind, &i.name))
        .map(|i| i.name.as_str())
        .collect();
    if !bad.is_empty() {
        problems.push(match kind {
            PluginKind::Policy => format!(
                "policy plugins must be pure components with no imports, but this one imports {} (build Rust policies for wasm32-unknown-unknown, Python with --stub-wasi, JS with disableFeatures)",
                bad.join(", ")
            ),
            _ => format!("imports not provided to {kind} plugins: {}", bad.join(", ")),
        });
    }
    problems
}

/// What a file is, judged by its first bytes, when it is not a loadable component.
pub fn not_a_component(bytes: &[u8]) -> Option<&'static str> {
    const CORE: [u8; 4] = [1, 0, 0, 0];
    match bytes {
        [0, b'a', b's', b'm', version @ ..] if version.starts_with(&CORE) => Some(
            "a core WebAssembly module, not a component: build tools and model adapters for wasm32-wasip2 \
             (which emits components), or wrap a module with `wasm-tools component new`",
        ),
        [0, b'a', b's', b'm', ..] => None,
        _ if looks_like_wat(bytes) => None,
        _ => Some(
            "not WebAssembly: a component starts with the bytes `\\0asm` (or is WAT text starting with `(component`)",
        ),
    }
}

fn looks_like_wat(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let mut rest = text.trim_start();
    // Skip leading `;;` line comments and `(; ;)` block comments.
    loop {
        if let Some(after) = rest.strip_prefix(";;") {
            rest = after.split_once('\n').map_or("", |(_, r)| r).trim_start();
        } else if let Some(after) = rest.strip_prefix("(;") {
            rest = after.split_once(";)").map_or("", |(_, r)| r).trim_start();
        } else {
            break;
        }
    }
    rest.starts_with('(')
}

/// Loads a component as a plugin of `manifest`'s kind would be loaded, through `cache`
/// (so a component compiled once for the check is not compiled again) but without the
/// audit log, and instantiates it once: this checks the types of its exports against the
/// world (names alone are checked by [`problems`]) and, for tools, runs `describe` and
/// validates the tool specs. Returns the tool names (empty for other kinds).
pub async fn trial_load(
    engine: &Engine,
    cache: super::cache::ComponentCache,
    manifest: super::Manifest,
    bytes: std::sync::Arc<[u8]>,
    origin: super::PluginOrigin,
) -> anyhow::Result<Vec<String>> {
    use super::registry::Prepared;
    use anyhow::Context as _;
    let mut registry = super::PluginRegistry::new(
        engine.clone(),
        cache,
        super::audit::AuditLog::disabled(),
        Default::default(),
    )?;
    let source = super::PluginSource {
        manifest,
        bytes,
        origin,
    };
    let plugin = registry
        .load(source)
        .await?
        .context("the plugin is disabled")?;
    let deadline = super::engine::ticks_for(std::time::Duration::from_millis(
        plugin.grants.limits.timeout_ms,
    ));
    let limits = || super::limiter::CallLimiter::new(plugin.grants.limits.memory_bytes);
    match &plugin.prepared {
        // `describe` already ran in a fresh instance of the typed bindings.
        Prepared::Tool { specs, .. } => return Ok(specs.iter().map(|s| s.name.clone()).collect()),
        Prepared::Policy { pre } => {
            let mut store =
                wasmtime::Store::new(engine, super::state::PolicyState { limits: limits() });
            store.limiter(|s| &mut s.limits);
            store.set_epoch_deadline(deadline);
            pre.instantiate_async(&mut store)
                .await
                .map_err(anyhow::Error::from)?;
        }
        Prepared::Model { pre } => {
            let (wasi, _) = super::grants::build_wasi(
                &plugin.grants,
                &super::CallContext::default(),
                wasmtime_wasi::p2::pipe::MemoryOutputPipe::new(4096),
            )?;
            let state = super::state::PluginState {
                plugin_id: plugin.manifest.id.as_str().into(),
                wasi,
                http: wasmtime_wasi_http::WasiHttpCtx::new(),
                table: wasmtime::component::ResourceTable::new(),
                gate: super::egress::EgressGate::default(),
                limits: limits(),
                exec_granted: false,
                services: std::sync::Arc::new(super::state::DetachedServices),
                clock: super::call_clock::CallClock::new(std::time::Duration::from_millis(
                    plugin.grants.limits.timeout_ms,
                )),
                progress_bytes: 0,
                max_output_bytes: plugin.grants.limits.max_output_bytes,
            };
            let mut store = wasmtime::Store::new(engine, state);
            store.limiter(|s| &mut s.limits);
            store.set_epoch_deadline(deadline);
            pre.instantiate_async(&mut store)
                .await
                .map_err(anyhow::Error::from)?;
        }
    }
    Ok(Vec::new())
}
