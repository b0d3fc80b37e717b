//! The first-party plugins built into the binary by `build.rs`.

use super::manifest::Manifest;
use super::registry::{PluginOrigin, PluginSource};
use anyhow::{Context, Result};

/// One plugin compiled into the binary.
pub struct EmbeddedPlugin {
    /// Its manifest text.
    pub manifest: &'static str,
    /// Its component bytes.
    pub component: &'static [u8],
}

include!(concat!(env!("OUT_DIR"), "/embedded_plugins.rs"));

/// The embedded plugins as loadable sources.
pub fn sources() -> Result<Vec<PluginSource>> {
    EMBEDDED
        .iter()
        .map(|p| {
            let manifest = Manifest::parse(p.manifest).context("embedded plugin manifest")?;
            Ok(PluginSource {
                manifest,
                bytes: p.component.into(),
                origin: PluginOrigin::Embedded,
            })
        })
        .collect()
}
