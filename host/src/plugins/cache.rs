//! The precompiled component cache under `$HEARTH_HOME/cache/components`.
//!
//! Entries are keyed by the SHA-256 of the component bytes and a hash of the engine's
//! compatibility settings (wasmtime version, target, compiler flags), so a new hearth or
//! a different machine never loads code compiled for another engine.

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use wasmtime::Engine;
use wasmtime::component::Component;

/// How a component was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LoadSource {
    /// Compiled now (and written to the cache).
    Compiled,
    /// Deserialized from the cache.
    Cached,
}

/// Lowercase hex SHA-256 of some bytes.
pub fn digest(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

struct ShaHasher(Sha256);

impl Hasher for ShaHasher {
    fn finish(&self) -> u64 {
        0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

/// Stable hash of the engine's compatibility settings.
pub fn engine_hash(engine: &Engine) -> String {
    let mut hasher = ShaHasher(Sha256::new());
    engine.precompile_compatibility_hash().hash(&mut hasher);
    hex::encode(&hasher.0.finalize()[..12])
}

/// A directory of precompiled components.
#[derive(Debug, Clone)]
pub struct ComponentCache {
    dir: Option<PathBuf>,
    engine_hash: String,
}

impl ComponentCache {
    /// A cache in `dir`; `None` disables caching (every load compiles).
    pub fn new(engine: &Engine, dir: Option<PathBuf>) -> Self {
        ComponentCache {
            dir,
            engine_hash: engine_hash(engine),
        }
    }

    fn entry(&self, digest: &str) -> Option<PathBuf> {
        self.dir
            .as_ref()
            .map(|d| d.join(format!("{digest}-{}.cwasm", self.engine_hash)))
    }

    /// Loads a component from the cache, or compiles it and stores the result.
    pub fn load(
        &self,
        engine: &Engine,
        bytes: &[u8],
        digest: &str,
    ) -> Result<(Component, LoadSource)> {
        if let Some(path) = self.entry(digest)
            && path.exists()
        {
            // SAFETY: the file was written by `store` below from `Engine::precompile_component`
            // for an engine with the same compatibility hash; the cache directory belongs
            // to hearth's home, which is as trusted as its config.
            match unsafe { Component::deserialize_file(engine, &path) } {
                Ok(component) => return Ok((component, LoadSource::Cached)),
                Err(err) => {
                    tracing::warn!(path = %path.display(), error = %err, "discarding unusable cache entry");
                    let _ = std::fs::remove_file(&path);
                }
            }
        }
        let compiled = engine
            .precompile_component(bytes)
            .map_err(anyhow::Error::from)
            .context("component does not compile")?;
        if let Some(path) = self.entry(digest)
            && let Err(err) = store(&path, &compiled)
        {
            tracing::warn!(path = %path.display(), error = %err, "cannot write the component cache");
        }
        // SAFETY: these bytes were produced just now by this engine.
        let component = unsafe { Component::deserialize(engine, &compiled) }
            .map_err(anyhow::Error::from)
            .context("cannot load the compiled component")?;
        Ok((component, LoadSource::Compiled))
    }
}

fn store(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().context("cache path has no parent")?;
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".tmp-{}", uuid::Uuid::new_v4()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}
