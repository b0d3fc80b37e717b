//! Builds the plugin registry of a hearth process: the shared engine, the cache under
//! `$HEARTH_HOME`, the audit log, the embedded plugins, then each `--plugins` directory
//! (later sources override earlier ones with the same id).

use super::audit::AuditLog;
use super::cache::ComponentCache;
use super::engine::shared_engine;
use super::registry::{PluginRegistry, PluginSource};
use crate::config::Config;
use anyhow::Result;
use std::path::{Path, PathBuf};

/// A plugin that could not be loaded, and why.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LoadFailure {
    /// What was being loaded (plugin id or path).
    pub source: String,
    /// Why it failed.
    pub error: String,
}

/// Options for [`load_registry`].
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// hearth's home (cache and audit live there); `None` disables both.
    pub home: Option<PathBuf>,
    /// Plugin directories, in order.
    pub plugin_dirs: Vec<PathBuf>,
    /// Skip the embedded plugins.
    pub no_embedded: bool,
}

/// Loads every plugin. A plugin that fails to load is reported, never fatal.
pub async fn load_registry(
    config: &Config,
    options: &LoadOptions,
) -> Result<(PluginRegistry, Vec<LoadFailure>)> {
    let engine = shared_engine()?;
    // `HEARTH_CACHE_DIR` shares one precompiled cache between homes (entries are keyed
    // by content and engine, and written atomically, so sharing is safe).
    let cache_dir = std::env::var_os("HEARTH_CACHE_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            options
                .home
                .as_ref()
                .map(|h| h.join("cache").join("components"))
        });
    let cache = ComponentCache::new(&engine, cache_dir);
    let audit = match &options.home {
        Some(home) => AuditLog::open(&home.join("audit"))?,
        None => AuditLog::disabled(),
    };
    let mut registry = PluginRegistry::new(engine, cache, audit, config.plugins.clone())?;
    let mut failures = Vec::new();
    let mut sources = Vec::new();
    if !options.no_embedded {
        sources.extend(super::embedded::sources()?.into_iter().map(Ok));
    }
    let dirs = options.plugin_dirs.iter().chain(config.plugin_dirs.iter());
    for dir in dirs {
        match PluginSource::scan_dir(dir) {
            Ok(found) => sources.extend(found),
            Err(err) => failures.push(LoadFailure {
                source: dir.display().to_string(),
                error: format!("{err:#}"),
            }),
        }
    }
    for source in sources {
        match source {
            Ok(source) => {
                let id = source.manifest.id.clone();
                if let Err(err) = registry.load(source).await {
                    tracing::error!(plugin = %id, "{err:#}");
                    failures.push(LoadFailure {
                        source: id,
                        error: format!("{err:#}"),
                    });
                }
            }
            Err(err) => {
                tracing::error!("{err:#}");
                failures.push(LoadFailure {
                    source: "plugin directory".into(),
                    error: format!("{err:#}"),
                });
            }
        }
    }
    Ok((registry, failures))
}

/// Loads a single component file for `plugin check` / `plugin inspect <path>`.
pub fn read_component(path: &Path) -> Result<Vec<u8>> {
    use anyhow::Context;
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}
