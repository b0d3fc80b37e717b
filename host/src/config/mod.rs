//! Configuration: `$HEARTH_HOME/config.toml` (Codex-compatible keys plus hearth's plugin
//! grants), `-c key=value` overrides, and defaults. Unknown keys are tolerated so a Codex
//! user's config file loads as it is.

mod overrides;

use crate::plugins::grants::{OperatorGrant, SandboxMode};
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

pub use overrides::apply_override;

/// One model provider (`[model_providers.<id>]`), as Codex defines it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ProviderConfig {
    /// Name shown to users.
    pub name: Option<String>,
    /// Base URL of the API, e.g. `https://api.openai.com/v1`.
    pub base_url: Option<String>,
    /// Environment variable holding the API key.
    pub env_key: Option<String>,
    /// `responses` or `chat`; hearth also knows `scripted`.
    pub wire_api: Option<String>,
    /// Extra headers sent with every request.
    pub http_headers: BTreeMap<String, String>,
    /// Headers whose values come from environment variables.
    pub env_http_headers: BTreeMap<String, String>,
    /// Query parameters added to every request.
    pub query_params: BTreeMap<String, String>,
    /// Retries of a failed request.
    pub request_max_retries: Option<u32>,
    /// Retries of a dropped stream.
    pub stream_max_retries: Option<u32>,
    /// Idle stream timeout.
    pub stream_idle_timeout_ms: Option<u64>,
    /// Model adapter plugin id to use instead of the one `wire_api` implies.
    pub adapter: Option<String>,
    /// For the scripted adapter: the script inline (JSON text).
    pub script: Option<String>,
    /// For the scripted adapter: a file holding the script.
    pub script_file: Option<PathBuf>,
}

/// `[sandbox_workspace_write]`, as in Codex.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SandboxWorkspaceWrite {
    /// Whether commands may use the network in workspace-write mode (default false).
    pub network_access: bool,
    /// Directories commands may also write in workspace-write mode (absolute paths).
    pub writable_roots: Vec<PathBuf>,
    /// Codex keys hearth does not use (e.g. `writable_roots`), kept for `config/read`.
    #[serde(flatten)]
    pub other: toml::Table,
}

/// The whole configuration.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Default model id.
    pub model: Option<String>,
    /// Default provider id (a key of `model_providers`).
    pub model_provider: Option<String>,
    /// Providers by id.
    pub model_providers: BTreeMap<String, ProviderConfig>,
    /// Default approval policy: `untrusted`, `on-request`, `on-failure`, `never`.
    pub approval_policy: Option<String>,
    /// Default sandbox mode.
    pub sandbox_mode: Option<SandboxMode>,
    /// Settings of the `workspace-write` sandbox mode.
    pub sandbox_workspace_write: SandboxWorkspaceWrite,
    /// The only sandbox modes threads may use (as Codex's requirements); none = any.
    pub allowed_sandbox_modes: Option<Vec<SandboxMode>>,
    /// The only approval policies threads may use; none = any.
    pub allowed_approval_policies: Option<Vec<String>>,
    /// Operator grants and limits per plugin id.
    pub plugins: HashMap<String, OperatorGrant>,
    /// Operator policy plugins, evaluated in order before the thread's approval policy.
    pub operator_policies: Vec<String>,
    /// Extra plugin directories (added to `--plugins`).
    pub plugin_dirs: Vec<PathBuf>,
    /// The model's context window in tokens (shown to clients; 90 % of it is the default
    /// auto-compaction limit).
    pub model_context_window: Option<i64>,
    /// Compact the history before a model request once it is estimated at this many tokens.
    pub model_auto_compact_token_limit: Option<i64>,
    /// What the model is asked when compacting (default: hearth's handoff-summary prompt).
    pub compact_prompt: Option<String>,
    /// Keys hearth does not use (Codex settings), kept for `config/read`.
    #[serde(flatten)]
    pub other: toml::Table,
}

impl Config {
    /// Reads `home/config.toml` (absent = defaults) and applies `-c` overrides in order.
    pub fn load(home: &Path, overrides: &[String]) -> Result<Self> {
        let path = home.join("config.toml");
        let mut table: toml::Table = match std::fs::read_to_string(&path) {
            Ok(text) => {
                toml::from_str(&text).with_context(|| format!("invalid {}", path.display()))?
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => toml::Table::new(),
            Err(err) => return Err(err).with_context(|| format!("cannot read {}", path.display())),
        };
        for o in overrides {
            apply_override(&mut table, o)?;
        }
        toml::Value::Table(table).try_into().with_context(|| {
            format!(
                "invalid configuration ({} and -c overrides)",
                path.display()
            )
        })
    }

    /// The approval policy, defaulting to `on-request` as Codex does.
    pub fn approval_policy(&self) -> &str {
        self.approval_policy.as_deref().unwrap_or("on-request")
    }

    /// Operator settings of each plugin that has some, as JSON (policies get theirs in
    /// their context).
    pub fn policy_settings(&self) -> serde_json::Map<String, serde_json::Value> {
        self.plugins
            .iter()
            .filter_map(|(id, g)| g.settings.clone().map(|s| (id.clone(), s)))
            .collect()
    }

    /// When and how threads compact their history.
    pub fn compaction(&self) -> crate::agent::compact::CompactionSettings {
        let auto_limit = self
            .model_auto_compact_token_limit
            .or_else(|| self.model_context_window.map(|w| w / 10 * 9))
            .filter(|limit| *limit > 0);
        crate::agent::compact::CompactionSettings {
            auto_limit,
            prompt: self
                .compact_prompt
                .clone()
                .unwrap_or_else(|| crate::agent::compact::DEFAULT_COMPACT_PROMPT.into()),
        }
    }

    /// Refuses a thread's sandbox mode or approval policy that the operator did not allow
    /// (`allowed_sandbox_modes`, `allowed_approval_policies`): no client can choose them.
    /// When the operator restricts sandbox modes without allowing `danger-full-access`, a
    /// client cannot widen the sandbox either: network access for commands only if the
    /// config grants it, extra writable directories only inside the config's.
    pub fn check_allowed(
        &self,
        sandbox: SandboxMode,
        approval_policy: &str,
        network: bool,
        writable_roots: &[PathBuf],
    ) -> Result<(), String> {
        if let Some(allowed) = &self.allowed_sandbox_modes
            && !allowed.contains(&sandbox)
        {
            let names: Vec<&str> = allowed.iter().map(|m| m.as_str()).collect();
            return Err(format!(
                "sandbox mode {} is not allowed here (the operator allows: {})",
                sandbox.as_str(),
                names.join(", ")
            ));
        }
        if let Some(allowed) = &self.allowed_approval_policies
            && !allowed.iter().any(|p| p == approval_policy)
        {
            return Err(format!(
                "approval policy {approval_policy} is not allowed here (the operator allows: {})",
                allowed.join(", ")
            ));
        }
        let capped = self
            .allowed_sandbox_modes
            .as_ref()
            .is_some_and(|modes| !modes.contains(&SandboxMode::DangerFullAccess));
        if capped && sandbox != SandboxMode::DangerFullAccess {
            let configured = &self.sandbox_workspace_write;
            if network && !configured.network_access {
                return Err("network access for commands is not allowed here".into());
            }
            if let Some(root) = writable_roots
                .iter()
                .find(|r| !configured.writable_roots.iter().any(|c| r.starts_with(c)))
            {
                return Err(format!(
                    "writable root {} is not allowed here (the operator caps the sandbox)",
                    root.display()
                ));
            }
        }
        Ok(())
    }

    /// The sandbox mode, defaulting to `read-only`.
    pub fn sandbox_mode(&self) -> SandboxMode {
        self.sandbox_mode.unwrap_or_default()
    }
}

/// hearth's home: `$HEARTH_HOME`, else `~/.hearth`.
pub fn home_dir(explicit: Option<&Path>) -> PathBuf {
    if let Some(p) = explicit {
        return p.to_path_buf();
    }
    if let Some(p) = std::env::var_os("HEARTH_HOME") {
        return PathBuf::from(p);
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    home.join(".hearth")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_codex_keys_and_overrides() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("config.toml"),
            r#"
            model = "gpt-5"
            model_provider = "local"
            approval_policy = "untrusted"
            model_reasoning_effort = "high"
            [model_providers.local]
            name = "Local"
            base_url = "http://127.0.0.1:11434/v1"
            wire_api = "chat"
            [plugins."acme.tool".grants]
            network = ["http://127.0.0.1:8080"]
            "#,
        )
        .unwrap();
        let c = Config::load(
            dir.path(),
            &["sandbox_mode=\"workspace-write\"".into(), "model=o3".into()],
        )
        .unwrap();
        assert_eq!(c.model.as_deref(), Some("o3"));
        assert_eq!(c.sandbox_mode(), SandboxMode::WorkspaceWrite);
        assert_eq!(c.model_providers["local"].wire_api.as_deref(), Some("chat"));
        assert!(c.other.contains_key("model_reasoning_effort"));
        assert_eq!(c.plugins["acme.tool"].grants.network.len(), 1);
    }

    #[test]
    fn bad_values_name_the_problem() {
        let dir = tempfile::tempdir().unwrap();
        let err = Config::load(dir.path(), &["sandbox_mode=\"everything\"".into()]).unwrap_err();
        assert!(
            format!("{err:#}").contains("sandbox_mode")
                || format!("{err:#}").contains("everything"),
            "{err:#}"
        );
        assert!(Config::load(dir.path(), &["novalue".into()]).is_err());
    }
}
