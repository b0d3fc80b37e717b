//! Plugin manifests: what a plugin is (id, version, kind) and what it asks for
//! (capabilities and limits). The operator's grants decide what it actually gets.

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Which WIT world a plugin implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PluginKind {
    /// Offers tools to the model (`hearth:plugin/tool`).
    Tool,
    /// Judges actions (`hearth:plugin/policy-plugin`), a pure component.
    Policy,
    /// Speaks a model provider's protocol (`hearth:plugin/model-adapter`).
    Model,
}

impl PluginKind {
    /// The WIT world a component of this kind must fit.
    pub fn world(self) -> &'static str {
        match self {
            PluginKind::Tool => "hearth:plugin/tool@0.1.0",
            PluginKind::Policy => "hearth:plugin/policy-plugin@0.1.0",
            PluginKind::Model => "hearth:plugin/model-adapter@0.1.0",
        }
    }
}

impl std::fmt::Display for PluginKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PluginKind::Tool => "tool",
            PluginKind::Policy => "policy",
            PluginKind::Model => "model",
        })
    }
}

/// Read or read-write access to a directory.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "kebab-case")]
pub enum Access {
    /// No access at all.
    #[default]
    None,
    /// Read-only.
    Read,
    /// Read and write.
    Write,
}

/// A directory outside the workspace a plugin asks for or is granted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirAccess {
    /// Host path of the directory; the plugin sees it at the same path.
    pub path: PathBuf,
    /// Read or write.
    pub access: Access,
}

/// Capabilities a plugin asks for (in its manifest) or is granted (in the operator config).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Capabilities {
    /// Access to the thread's workspace (further capped by the thread's sandbox mode).
    pub workspace: Access,
    /// Other directories.
    pub dirs: Vec<DirAccess>,
    /// Outbound HTTP origins, e.g. `https://api.openai.com` or `http://127.0.0.1:8080`.
    pub network: Vec<String>,
    /// Environment variable names the plugin may read.
    pub env: Vec<String>,
    /// Whether it may run processes through the host's OS sandbox.
    pub exec: bool,
}

/// Resource limits for each call into a plugin. Unset fields take the host defaults.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Linear memory cap in MiB.
    pub memory_mb: Option<u64>,
    /// Wall-clock deadline of one call in milliseconds.
    pub timeout_ms: Option<u64>,
    /// Cap on the size of what one call returns, in bytes.
    pub max_output_bytes: Option<u64>,
}

/// Limits with every field decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EffectiveLimits {
    /// Linear memory cap in bytes.
    pub memory_bytes: u64,
    /// Wall-clock deadline of one call.
    pub timeout_ms: u64,
    /// Cap on the size of one call's output.
    pub max_output_bytes: u64,
}

impl Limits {
    /// The host's defaults per kind (Python/JS components need tens of MiB).
    pub fn defaults(kind: PluginKind) -> EffectiveLimits {
        match kind {
            PluginKind::Policy => EffectiveLimits {
                memory_bytes: 64 << 20,
                timeout_ms: 1_000,
                max_output_bytes: 64 << 10,
            },
            PluginKind::Tool => EffectiveLimits {
                memory_bytes: 256 << 20,
                timeout_ms: 120_000,
                max_output_bytes: 1 << 20,
            },
            PluginKind::Model => EffectiveLimits {
                memory_bytes: 256 << 20,
                timeout_ms: 600_000,
                max_output_bytes: 8 << 20,
            },
        }
    }

    /// Combines the plugin's own limits with the operator's: each field is the smaller
    /// of the two that are set, and the kind's default when neither is.
    pub fn resolve(kind: PluginKind, plugin: &Limits, operator: &Limits) -> EffectiveLimits {
        let d = Self::defaults(kind);
        let pick = |a: Option<u64>, b: Option<u64>, default: u64| match (a, b) {
            (Some(a), Some(b)) => a.min(b),
            (Some(v), None) | (None, Some(v)) => v,
            (None, None) => default,
        };
        EffectiveLimits {
            memory_bytes: pick(
                plugin.memory_mb.map(|m| m << 20),
                operator.memory_mb.map(|m| m << 20),
                d.memory_bytes,
            ),
            timeout_ms: pick(plugin.timeout_ms, operator.timeout_ms, d.timeout_ms),
            max_output_bytes: pick(
                plugin.max_output_bytes,
                operator.max_output_bytes,
                d.max_output_bytes,
            ),
        }
    }
}

/// A plugin manifest (`hearth-plugin.toml` or `<name>.toml` beside the component).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Unique id, e.g. `hearth.files` or `acme.jira`.
    pub id: String,
    /// The plugin's own version (semver).
    pub version: String,
    /// Which world it implements.
    pub kind: PluginKind,
    /// One line saying what it is for.
    #[serde(default)]
    pub description: String,
    /// Component file, relative to the manifest (plugin directories only).
    #[serde(default)]
    pub component: Option<PathBuf>,
    /// What it asks for.
    #[serde(default)]
    pub requests: Capabilities,
    /// Its own limits.
    #[serde(default)]
    pub limits: Limits,
}

impl Manifest {
    /// Parses and validates a manifest.
    pub fn parse(text: &str) -> Result<Self> {
        let manifest: Manifest = toml::from_str(text).context("invalid plugin manifest")?;
        manifest.validate()?;
        Ok(manifest)
    }

    fn validate(&self) -> Result<()> {
        let id_ok = !self.id.is_empty()
            && self.id.len() <= 64
            && self
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
        if !id_ok {
            bail!(
                "plugin id {:?} is invalid: use 1-64 characters from [A-Za-z0-9._-]",
                self.id
            );
        }
        if self.version.trim().is_empty() {
            bail!("plugin {} has an empty version", self.id);
        }
        if self.kind == PluginKind::Policy && self.requests != Capabilities::default() {
            bail!(
                "policy plugin {} requests capabilities; policies are pure and get none",
                self.id
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_manifest() {
        let m = Manifest::parse(
            r#"
            id = "acme.tool"
            version = "1.2.0"
            kind = "tool"
            [requests]
            workspace = "write"
            network = ["https://api.acme.dev"]
            env = ["ACME_TOKEN"]
            [limits]
            memory_mb = 32
            "#,
        )
        .unwrap();
        assert_eq!(m.kind, PluginKind::Tool);
        assert_eq!(m.requests.workspace, Access::Write);
        assert_eq!(m.limits.memory_mb, Some(32));
    }

    #[test]
    fn rejects_bad_ids_unknown_keys_and_impure_policies() {
        assert!(Manifest::parse("id = \"a b\"\nversion = \"1\"\nkind = \"tool\"").is_err());
        assert!(Manifest::parse("id = \"a\"\nversion = \"1\"\nkind = \"tool\"\nwhat = 1").is_err());
        let err = Manifest::parse(
            "id = \"p\"\nversion = \"1\"\nkind = \"policy\"\n[requests]\nexec = true",
        )
        .unwrap_err();
        assert!(err.to_string().contains("pure"), "{err}");
    }

    #[test]
    fn limits_take_the_smaller_of_plugin_and_operator() {
        let plugin = Limits {
            memory_mb: Some(64),
            timeout_ms: None,
            max_output_bytes: Some(10),
        };
        let operator = Limits {
            memory_mb: Some(16),
            timeout_ms: Some(5),
            max_output_bytes: None,
        };
        let l = Limits::resolve(PluginKind::Tool, &plugin, &operator);
        assert_eq!(l.memory_bytes, 16 << 20);
        assert_eq!(l.timeout_ms, 5);
        assert_eq!(l.max_output_bytes, 10);
    }
}
