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
    let imports = ty.imports(engine).map(|(name, item)| entry(name, item.ty)).collect();
    let exports = ty.exports(engine).map(|(name, item)| entry(name, item.ty)).collect();
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
        PluginKind::Tool => unversioned.starts_with("wasi:") || unversioned.starts_with("hearth:plugin/"),
        PluginKind::Model => {
            unversioned.starts_with("wasi:") || unversioned == "hearth:plugin/log" || unversioned == "hearth:plugin/types"
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
            shape.exports.iter().any(|e| compatible_version(&e.name, iface))
        })
}

/// Problems that keep the component from fitting `kind`'s world; empty when it fits.
pub fn problems(shape: &ComponentShape, kind: PluginKind) -> Vec<String> {
    let mut problems = Vec::new();
    let (iface, functions) = required_export(kind);
    match shape.exports.iter().find(|e| compatible_version(&e.name, iface)) {
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
            for f in functions.iter().filter(|f| !export.functions.iter().any(|g| g == *f)) {
                problems.push(format!("export `{}` is missing function `{f}`", export.name));
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
