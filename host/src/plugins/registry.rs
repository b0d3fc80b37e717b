//! The plugin registry: loads components (embedded and from plugin directories) through
//! the precompiled cache, checks them against their world, prepares one `InstancePre` per
//! plugin, and keeps each tool plugin's specs.

use super::audit::AuditLog;
use super::bindings::{
    model::ModelAdapterPre, policy::PolicyPluginPre, tool::ToolPre, types::ToolSpec,
};
use super::cache::{ComponentCache, LoadSource, digest};
use super::check;
use super::grants::{OperatorGrant, PluginGrants};
use super::manifest::{Manifest, PluginKind};
use super::state::{PluginState, PolicyState};
use anyhow::{Context, Result, anyhow, bail};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;
use wasmtime::Engine;
use wasmtime::component::{Component, HasSelf, Linker};

/// Where a plugin came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "type", content = "path")]
pub enum PluginOrigin {
    /// Built into the hearth binary.
    Embedded,
    /// A manifest in a `--plugins` directory.
    Directory(PathBuf),
}

/// A plugin before loading: manifest plus component bytes.
#[derive(Debug, Clone)]
pub struct PluginSource {
    /// Its manifest.
    pub manifest: Manifest,
    /// The component.
    pub bytes: Arc<[u8]>,
    /// Where it came from.
    pub origin: PluginOrigin,
}

impl PluginSource {
    /// Reads every plugin of a directory: each `*.toml` manifest names its component with
    /// `component = "file.wasm"`, or the component sits beside it as `<stem>.wasm`.
    pub fn scan_dir(dir: &Path) -> Result<Vec<Result<PluginSource>>> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read plugin directory {}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        entries.sort();
        Ok(entries
            .into_iter()
            .map(|p| Self::from_manifest_path(&p))
            .collect())
    }

    /// Reads one plugin from its manifest path.
    pub fn from_manifest_path(path: &Path) -> Result<PluginSource> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let manifest = Manifest::parse(&text).with_context(|| format!("in {}", path.display()))?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let component = match &manifest.component {
            Some(c) => dir.join(c),
            None => path.with_extension("wasm"),
        };
        let bytes = std::fs::read(&component).with_context(|| {
            format!(
                "plugin {}: cannot read component {}",
                manifest.id,
                component.display()
            )
        })?;
        Ok(PluginSource {
            manifest,
            bytes: bytes.into(),
            origin: PluginOrigin::Directory(path.to_path_buf()),
        })
    }
}

/// The prepared instance of a plugin, by kind.
pub enum Prepared {
    /// A tool plugin and the tools it described at load.
    Tool {
        pre: ToolPre<PluginState>,
        specs: Vec<ToolSpec>,
    },
    /// A policy plugin.
    Policy { pre: PolicyPluginPre<PolicyState> },
    /// A model adapter.
    Model { pre: ModelAdapterPre<PluginState> },
}

/// A loaded plugin.
pub struct LoadedPlugin {
    /// Its manifest.
    pub manifest: Manifest,
    /// SHA-256 of its component.
    pub digest: String,
    /// Where it came from.
    pub origin: PluginOrigin,
    /// Compiled now or read from the cache.
    pub load_source: LoadSource,
    /// Milliseconds to compile or deserialize.
    pub load_ms: f64,
    /// Effective capabilities and limits.
    pub grants: PluginGrants,
    /// The component.
    pub component: Component,
    /// Ready to instantiate.
    pub prepared: Prepared,
}

impl LoadedPlugin {
    /// `id@version`.
    pub fn label(&self) -> String {
        format!("{}@{}", self.manifest.id, self.manifest.version)
    }

    /// Tool specs, for tool plugins.
    pub fn tool_specs(&self) -> &[ToolSpec] {
        match &self.prepared {
            Prepared::Tool { specs, .. } => specs,
            _ => &[],
        }
    }
}

/// Linkers for each world, built once.
pub struct Linkers {
    tool: Linker<PluginState>,
    policy: Linker<PolicyState>,
    model: Linker<PluginState>,
}

impl Linkers {
    /// Links full WASI p2 + wasi:http + the hearth imports for tools and adapters, and
    /// nothing at all for policies.
    pub fn new(engine: &Engine) -> Result<Self> {
        let mut tool = Linker::<PluginState>::new(engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut tool)?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut tool)?;
        let mut model = tool.clone();
        super::bindings::tool::Tool::add_to_linker::<_, HasSelf<PluginState>>(&mut tool, |s| s)?;
        super::bindings::model::ModelAdapter::add_to_linker::<_, HasSelf<PluginState>>(
            &mut model,
            |s| s,
        )?;
        Ok(Linkers {
            tool,
            policy: Linker::new(engine),
            model,
        })
    }
}

/// All loaded plugins and the machinery to call them.
pub struct PluginRegistry {
    /// The shared engine.
    pub engine: Engine,
    /// Precompiled cache.
    pub cache: ComponentCache,
    /// Audit log.
    pub audit: AuditLog,
    linkers: Linkers,
    operator: HashMap<String, OperatorGrant>,
    plugins: BTreeMap<String, Arc<LoadedPlugin>>,
}

impl PluginRegistry {
    /// An empty registry.
    pub fn new(
        engine: Engine,
        cache: ComponentCache,
        audit: AuditLog,
        operator: HashMap<String, OperatorGrant>,
    ) -> Result<Self> {
        let linkers = Linkers::new(&engine)?;
        Ok(PluginRegistry {
            engine,
            cache,
            audit,
            linkers,
            operator,
            plugins: BTreeMap::new(),
        })
    }

    /// Loads a plugin, replacing any loaded plugin with the same id. Disabled plugins are
    /// skipped (returns `Ok(None)`).
    pub async fn load(&mut self, source: PluginSource) -> Result<Option<Arc<LoadedPlugin>>> {
        let id = source.manifest.id.clone();
        let operator = OperatorGrant::for_plugin(self.operator.get(&id), &id);
        if !operator.enabled {
            tracing::info!(plugin = %id, "plugin disabled by configuration");
            self.plugins.remove(&id);
            return Ok(None);
        }
        let plugin = self
            .prepare(source, &operator)
            .await
            .with_context(|| format!("cannot load plugin {id}"))?;
        if let Prepared::Tool { specs, .. } = &plugin.prepared {
            for spec in specs {
                if let Some(other) = self.plugins.values().find(|p| {
                    p.manifest.id != id && p.tool_specs().iter().any(|s| s.name == spec.name)
                }) {
                    bail!(
                        "plugin {id}: tool `{}` is already provided by {}",
                        spec.name,
                        other.manifest.id
                    );
                }
            }
        }
        let plugin = Arc::new(plugin);
        tracing::debug!(plugin = %plugin.label(), source = ?plugin.load_source, ms = plugin.load_ms, "plugin loaded");
        self.plugins.insert(id, plugin.clone());
        Ok(Some(plugin))
    }

    async fn prepare(
        &self,
        source: PluginSource,
        operator: &OperatorGrant,
    ) -> Result<LoadedPlugin> {
        let manifest = source.manifest;
        let digest = digest(&source.bytes);
        let started = Instant::now();
        let (component, load_source) = self.cache.load(&self.engine, &source.bytes, &digest)?;
        let load_ms = started.elapsed().as_secs_f64() * 1e3;
        let shape = check::shape(&self.engine, &component);
        let problems = check::problems(&shape, manifest.kind);
        if !problems.is_empty() {
            bail!(
                "component does not fit the {} world:\n  - {}",
                manifest.kind,
                problems.join("\n  - ")
            );
        }
        let grants = PluginGrants::resolve(&manifest, operator)?;
        let prepared = match manifest.kind {
            PluginKind::Tool => {
                let pre = ToolPre::new(
                    self.linkers
                        .tool
                        .instantiate_pre(&component)
                        .map_err(anyhow::Error::from)?,
                )
                .map_err(anyhow::Error::from)?;
                Prepared::Tool {
                    pre,
                    specs: Vec::new(),
                }
            }
            PluginKind::Policy => Prepared::Policy {
                pre: PolicyPluginPre::new(
                    self.linkers
                        .policy
                        .instantiate_pre(&component)
                        .map_err(anyhow::Error::from)?,
                )
                .map_err(anyhow::Error::from)?,
            },
            PluginKind::Model => Prepared::Model {
                pre: ModelAdapterPre::new(
                    self.linkers
                        .model
                        .instantiate_pre(&component)
                        .map_err(anyhow::Error::from)?,
                )
                .map_err(anyhow::Error::from)?,
            },
        };
        let mut plugin = LoadedPlugin {
            manifest,
            digest,
            origin: source.origin,
            load_source,
            load_ms,
            grants,
            component,
            prepared,
        };
        if let Prepared::Tool { .. } = plugin.prepared {
            let specs = super::calls::describe(self, &plugin).await?;
            validate_specs(&specs)?;
            if let Prepared::Tool { specs: slot, .. } = &mut plugin.prepared {
                *slot = specs;
            }
        }
        Ok(plugin)
    }

    /// A loaded plugin by id.
    pub fn get(&self, id: &str) -> Option<Arc<LoadedPlugin>> {
        self.plugins.get(id).cloned()
    }

    /// All loaded plugins, by id.
    pub fn plugins(&self) -> impl Iterator<Item = &Arc<LoadedPlugin>> {
        self.plugins.values()
    }

    /// The plugin providing a tool, with the tool's spec.
    pub fn tool(&self, name: &str) -> Option<(Arc<LoadedPlugin>, ToolSpec)> {
        self.plugins.values().find_map(|p| {
            p.tool_specs()
                .iter()
                .find(|s| s.name == name)
                .map(|s| (p.clone(), s.clone()))
        })
    }

    /// Loaded plugins of a kind.
    pub fn of_kind(&self, kind: PluginKind) -> Vec<Arc<LoadedPlugin>> {
        self.plugins
            .values()
            .filter(|p| p.manifest.kind == kind)
            .cloned()
            .collect()
    }

    /// Fails with a helpful message when a plugin id is unknown.
    pub fn require(&self, id: &str) -> Result<Arc<LoadedPlugin>> {
        self.get(id).ok_or_else(|| {
            let known: Vec<&str> = self.plugins.keys().map(String::as_str).collect();
            anyhow!("no plugin `{id}` is loaded (loaded: {})", known.join(", "))
        })
    }
}

fn validate_specs(specs: &[ToolSpec]) -> Result<()> {
    for spec in specs {
        let name_ok = !spec.name.is_empty()
            && spec.name.len() <= 64
            && spec
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !name_ok {
            bail!("tool name {:?} must match [a-zA-Z0-9_-]{{1,64}}", spec.name);
        }
        let schema: serde_json::Value = serde_json::from_str(&spec.parameters)
            .with_context(|| format!("tool `{}`: parameters is not JSON", spec.name))?;
        if schema.get("type").and_then(|t| t.as_str()) != Some("object") {
            bail!(
                "tool `{}`: parameters must be a JSON Schema of type object",
                spec.name
            );
        }
    }
    Ok(())
}
