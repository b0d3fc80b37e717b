//! Operator grants and the effective capabilities of a plugin call:
//! effective = requested ∩ granted, capped by the thread's sandbox mode. Deny by default:
//! a plugin with no grant entry gets its workspace access (as the sandbox mode allows)
//! and nothing else.

use super::manifest::{Access, Capabilities, DirAccess, EffectiveLimits, Limits, Manifest};
use super::network_rule::NetworkRule;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxBuilder};

/// The thread's sandbox mode (Codex's `sandbox_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum SandboxMode {
    /// Nothing may be written.
    #[default]
    ReadOnly,
    /// The workspace may be written (`.git` stays protected for processes).
    WorkspaceWrite,
    /// No restriction: `/` is mounted.
    DangerFullAccess,
}

impl SandboxMode {
    /// The wire / config spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SandboxMode::ReadOnly => "read-only",
            SandboxMode::WorkspaceWrite => "workspace-write",
            SandboxMode::DangerFullAccess => "danger-full-access",
        }
    }
}

/// What the operator's config says about one plugin (`[plugins."<id>"]`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(from = "OperatorEntry")]
pub struct OperatorGrant {
    /// False disables the plugin entirely.
    pub enabled: bool,
    /// What it may use. `workspace` defaults to `write`, i.e. "as the sandbox mode allows",
    /// also when a `grants` table is written without it.
    pub grants: Capabilities,
    /// Whether the config wrote a `grants` table; without one the plugin keeps its
    /// default grant (see [`OperatorGrant::for_plugin`]).
    #[serde(skip)]
    pub grants_written: bool,
    /// Operator caps on its limits.
    pub limits: Limits,
    /// Settings handed to the plugin (policies receive them as `settings` in their context).
    pub settings: Option<serde_json::Value>,
}

impl Default for OperatorGrant {
    fn default() -> Self {
        OperatorEntry::default().into()
    }
}

/// `[plugins."<id>"]` as written.
#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct OperatorEntry {
    enabled: bool,
    #[serde(deserialize_with = "written_capabilities")]
    grants: Option<Capabilities>,
    limits: Limits,
    settings: Option<serde_json::Value>,
}

impl Default for OperatorEntry {
    fn default() -> Self {
        OperatorEntry {
            enabled: true,
            grants: None,
            limits: Limits::default(),
            settings: None,
        }
    }
}

impl From<OperatorEntry> for OperatorGrant {
    fn from(entry: OperatorEntry) -> Self {
        OperatorGrant {
            enabled: entry.enabled,
            grants_written: entry.grants.is_some(),
            grants: entry.grants.unwrap_or(Capabilities {
                workspace: Access::Write,
                ..Capabilities::default()
            }),
            limits: entry.limits,
            settings: entry.settings,
        }
    }
}

impl OperatorGrant {
    /// The grant of plugin `plugin_id` given its config entry, if any. Without a `grants`
    /// table, a plugin gets its workspace (as the sandbox mode allows) and nothing else,
    /// except the first-party shell tool, which may run processes: every command it runs
    /// is judged by the policy chain and confined by the OS sandbox per the thread's
    /// sandbox mode. Operators turn that off with `[plugins."hearth.shell".grants] exec = false`;
    /// setting only its `limits` leaves it on.
    pub fn for_plugin(entry: Option<&OperatorGrant>, plugin_id: &str) -> Self {
        let mut grant = entry.cloned().unwrap_or_default();
        if !grant.grants_written && plugin_id == "hearth.shell" {
            grant.grants.exec = true;
        }
        grant
    }
}

fn written_capabilities<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Capabilities>, D::Error> {
    operator_capabilities(d).map(Some)
}

/// Reads `[plugins."<id>".grants]`. Unlike a manifest's requests, where a missing
/// `workspace` means none, a grants table that does not mention `workspace` leaves it at
/// `write` (the sandbox mode still caps it): granting a plugin network access must not
/// silently take its workspace away.
fn operator_capabilities<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Capabilities, D::Error> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Granted {
        #[serde(default = "write_access")]
        workspace: Access,
        #[serde(default)]
        dirs: Vec<DirAccess>,
        #[serde(default)]
        network: Vec<String>,
        #[serde(default)]
        env: Vec<String>,
        #[serde(default)]
        exec: bool,
    }
    fn write_access() -> Access {
        Access::Write
    }
    let g = Granted::deserialize(d)?;
    Ok(Capabilities {
        workspace: g.workspace,
        dirs: g.dirs,
        network: g.network,
        env: g.env,
        exec: g.exec,
    })
}

/// Capabilities a plugin holds, independent of any thread.
#[derive(Debug, Clone, Serialize)]
pub struct PluginGrants {
    /// Workspace access before the sandbox mode caps it.
    pub workspace: Access,
    /// Directories outside the workspace.
    pub dirs: Vec<DirAccess>,
    /// Rules the plugin asked for.
    #[serde(serialize_with = "rule_texts")]
    pub network_requested: Arc<Vec<NetworkRule>>,
    /// Rules the operator granted that overlap a request.
    #[serde(serialize_with = "rule_texts")]
    pub network_granted: Arc<Vec<NetworkRule>>,
    /// Environment variables it may read.
    pub env: Vec<String>,
    /// Whether it may run processes.
    pub exec: bool,
    /// Per-call limits.
    pub limits: EffectiveLimits,
}

fn rule_texts<S: serde::Serializer>(
    rules: &Arc<Vec<NetworkRule>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_seq(rules.iter().map(|r| r.text.as_str()))
}

fn parse_rules(rules: &[String], whose: &str) -> Result<Vec<NetworkRule>> {
    rules
        .iter()
        .map(|r| NetworkRule::parse(r).with_context(|| format!("in {whose} network rules")))
        .collect()
}

impl PluginGrants {
    /// Intersects a manifest's requests with the operator's grant.
    pub fn resolve(manifest: &Manifest, operator: &OperatorGrant) -> Result<Self> {
        let req = &manifest.requests;
        let granted = &operator.grants;
        let dirs = req
            .dirs
            .iter()
            .filter_map(|want| {
                granted
                    .dirs
                    .iter()
                    .filter(|g| want.path.starts_with(&g.path))
                    .map(|g| g.access.min(want.access))
                    .max()
                    .filter(|a| *a != Access::None)
                    .map(|access| DirAccess {
                        path: want.path.clone(),
                        access,
                    })
            })
            .collect();
        let requested = parse_rules(&req.network, &format!("plugin {}'s", manifest.id))?;
        let operator_rules =
            parse_rules(&granted.network, &format!("the operator's {}", manifest.id))?;
        let network_granted = if requested.is_empty() {
            Vec::new()
        } else {
            operator_rules
        };
        Ok(PluginGrants {
            workspace: req.workspace.min(granted.workspace),
            dirs,
            network_requested: Arc::new(requested),
            network_granted: Arc::new(network_granted),
            env: req
                .env
                .iter()
                .filter(|n| granted.env.contains(n))
                .cloned()
                .collect(),
            exec: req.exec && granted.exec,
            limits: Limits::resolve(manifest.kind, &manifest.limits, &operator.limits),
        })
    }

    /// Workspace access for a thread in `mode`.
    pub fn workspace_access(&self, mode: SandboxMode) -> Access {
        match mode {
            SandboxMode::ReadOnly => self.workspace.min(Access::Read),
            SandboxMode::WorkspaceWrite | SandboxMode::DangerFullAccess => self.workspace,
        }
    }
}

/// Where a call runs: the thread's workspace and sandbox mode.
#[derive(Debug, Clone, Default)]
pub struct CallContext {
    /// The thread's working directory (mounted at the same path), if any.
    pub workspace: Option<PathBuf>,
    /// The thread's sandbox mode.
    pub sandbox: SandboxMode,
    /// Whether processes started for the call may use the network (sandboxed modes).
    pub command_network: bool,
    /// Directories processes may write besides the workspace (workspace-write mode).
    pub command_writable_roots: Arc<[PathBuf]>,
    /// Thread id, for the audit log.
    pub thread_id: Option<String>,
    /// Turn id, for the audit log.
    pub turn_id: Option<String>,
}

fn perms(access: Access) -> Option<FsPerms> {
    match access {
        Access::None => None,
        Access::Read => Some(FsPerms::ReadOnly),
        Access::Write => Some(FsPerms::ReadWrite),
    }
}

/// `read` or `write`, as capabilities are written in the audit log. (Only the access is
/// lower-cased: paths keep their case.)
fn access_name(access: Access) -> &'static str {
    match access {
        Access::None => "none",
        Access::Read => "read",
        Access::Write => "write",
    }
}

fn preopen(builder: &mut WasiCtxBuilder, path: &Path, access: Access) -> Result<()> {
    if let Some(p) = perms(access) {
        let guest = path.to_string_lossy();
        builder
            .preopened_dir(path, guest.as_ref(), p)
            .map_err(anyhow::Error::from)
            .with_context(|| format!("cannot open granted directory {}", path.display()))?;
    }
    Ok(())
}

/// Builds the WASI context of one call from the effective grants, and returns it with
/// the capabilities actually used (for the audit log).
pub fn build_wasi(
    grants: &PluginGrants,
    ctx: &CallContext,
    stderr: wasmtime_wasi::p2::pipe::MemoryOutputPipe,
) -> Result<(WasiCtx, Vec<String>)> {
    let mut builder = WasiCtxBuilder::new();
    // File operations run on the calling thread instead of hopping to tokio's blocking
    // pool for each one: a plugin call already owns its task.
    builder
        .allow_blocking_current_thread(true)
        .allow_tcp(false)
        .allow_udp(false)
        .allow_ip_name_lookup(false)
        .stderr(stderr);
    let mut used = Vec::new();
    if let Some(ws) = &ctx.workspace {
        let access = grants.workspace_access(ctx.sandbox);
        if ctx.sandbox == SandboxMode::DangerFullAccess && access != Access::None {
            preopen(&mut builder, Path::new("/"), access)?;
            used.push(format!("fs:/:{}", access_name(access)));
        }
        preopen(&mut builder, ws, access)?;
        if access != Access::None {
            used.push(format!("fs:{}:{}", ws.display(), access_name(access)));
        }
    }
    for dir in &grants.dirs {
        preopen(&mut builder, &dir.path, dir.access)?;
        used.push(format!(
            "fs:{}:{}",
            dir.path.display(),
            access_name(dir.access)
        ));
    }
    for name in &grants.env {
        if let Ok(value) = std::env::var(name) {
            builder.env(name, value);
            used.push(format!("env:{name}"));
        }
    }
    if grants.exec {
        used.push("exec".into());
    }
    Ok((builder.build(), used))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugins::manifest::PluginKind;

    fn manifest(requests: Capabilities) -> Manifest {
        Manifest {
            id: "t".into(),
            version: "1".into(),
            kind: PluginKind::Tool,
            description: String::new(),
            component: None,
            requests,
            limits: Limits::default(),
        }
    }

    #[test]
    fn effective_is_the_intersection() {
        let m = manifest(Capabilities {
            workspace: Access::Write,
            dirs: vec![DirAccess {
                path: "/data/x".into(),
                access: Access::Write,
            }],
            network: vec!["http://127.0.0.1:*".into()],
            env: vec!["A".into(), "B".into()],
            exec: true,
        });
        let op = OperatorGrant {
            enabled: true,
            grants: Capabilities {
                workspace: Access::Read,
                dirs: vec![DirAccess {
                    path: "/data".into(),
                    access: Access::Read,
                }],
                network: vec!["http://127.0.0.1:8080".into()],
                env: vec!["B".into(), "C".into()],
                exec: false,
            },
            grants_written: true,
            limits: Limits::default(),
            settings: None,
        };
        let g = PluginGrants::resolve(&m, &op).unwrap();
        assert_eq!(g.workspace, Access::Read);
        assert_eq!(
            g.dirs,
            vec![DirAccess {
                path: "/data/x".into(),
                access: Access::Read
            }]
        );
        assert_eq!(g.env, vec!["B".to_string()]);
        assert!(!g.exec);
        assert_eq!(g.network_granted.len(), 1);
    }

    #[test]
    fn a_grants_table_without_workspace_keeps_the_workspace() {
        let op: OperatorGrant =
            toml::from_str("[grants]\nnetwork = [\"https://x.dev\"]\n").unwrap();
        assert_eq!(op.grants.workspace, Access::Write);
        assert_eq!(op.grants.network.len(), 1);
        let op: OperatorGrant = toml::from_str("[grants]\nworkspace = \"none\"\n").unwrap();
        assert_eq!(op.grants.workspace, Access::None);
        assert!(toml::from_str::<OperatorGrant>("[grants]\nworkspaces = \"read\"\n").is_err());
        let op: OperatorGrant = toml::from_str("enabled = false\n").unwrap();
        assert_eq!(op.grants.workspace, Access::Write);
    }

    #[test]
    fn the_shell_keeps_exec_unless_a_grants_table_says_otherwise() {
        let shell = |toml: &str| {
            let op: OperatorGrant = toml::from_str(toml).unwrap();
            OperatorGrant::for_plugin(Some(&op), "hearth.shell")
                .grants
                .exec
        };
        assert!(OperatorGrant::for_plugin(None, "hearth.shell").grants.exec);
        assert!(shell("[limits]\ntimeout_ms = 400\n"));
        assert!(!shell("[grants]\nexec = false\n"));
        assert!(!shell("[grants]\nnetwork = [\"https://x.dev\"]\n"));
        assert!(!OperatorGrant::for_plugin(None, "acme.tool").grants.exec);
    }

    #[test]
    fn nothing_is_granted_by_default_but_the_workspace() {
        let m = manifest(Capabilities {
            workspace: Access::Write,
            network: vec!["https://example.com".into()],
            env: vec!["HOME".into()],
            exec: true,
            ..Default::default()
        });
        let g = PluginGrants::resolve(&m, &OperatorGrant::default()).unwrap();
        assert!(g.network_granted.is_empty() && g.env.is_empty() && !g.exec);
        assert_eq!(g.workspace_access(SandboxMode::ReadOnly), Access::Read);
        assert_eq!(
            g.workspace_access(SandboxMode::WorkspaceWrite),
            Access::Write
        );
    }
}
