//! `hearth plugin ...`: list, inspect, check, and call plugins from the command line.

use super::Context;
use crate::plugins::bindings::types::{Action, ToolCall};
use crate::plugins::cache::digest;
use crate::plugins::calls::{evaluate_policy, invoke_tool, verdict_name};
use crate::plugins::check;
use crate::plugins::engine::shared_engine;
use crate::plugins::grants::{CallContext, SandboxMode};
use crate::plugins::loader::{load_registry, read_component};
use crate::plugins::manifest::PluginKind;
use crate::plugins::state::DetachedServices;
use crate::plugins::{LoadedPlugin, PluginRegistry};
use anyhow::{Context as _, Result};
use clap::Subcommand;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;

/// Prints a line to stdout. A closed stdout (`hearth plugin inspect x | head`) is not an
/// error worth a panic: the rest of the output is dropped.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// Plugin subcommands.
#[derive(Debug, Subcommand)]
pub enum PluginCommand {
    /// Lists loaded plugins (embedded and from --plugins directories).
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Shows a plugin's kind, WIT world, exports, tools, capabilities and limits.
    Inspect {
        /// A loaded plugin id, or a path to a manifest (.toml) or component (.wasm).
        target: String,
    },
    /// Checks that a component fits a hearth world, explaining what is wrong if not.
    Check {
        /// Component (.wasm) or manifest (.toml) path.
        path: PathBuf,
        /// The kind it must be (default: the manifest's, else detected from its exports).
        #[arg(long)]
        kind: Option<PluginKind>,
    },
    /// Calls a tool once, outside any thread, and prints its output as JSON.
    Call {
        /// Tool name.
        tool: String,
        /// Arguments as a JSON object.
        #[arg(default_value = "{}")]
        arguments: String,
        /// Workspace directory (default: the current directory).
        #[arg(long)]
        cwd: Option<PathBuf>,
        /// Sandbox mode for the call.
        #[arg(long, default_value = "read-only")]
        sandbox: String,
    },
    /// Creates a tool plugin project in Rust, Python or JavaScript that builds and runs as it is.
    New(super::scaffold::NewArgs),
    /// Asks a policy plugin for a decision on an action (JSON), with a context (JSON).
    Eval {
        /// Policy plugin id.
        policy: String,
        /// The action, e.g. `{"exec":{"argv":["ls"],"cwd":""}}`.
        action: String,
        /// The context, e.g. `{"approval-policy":"untrusted"}`.
        #[arg(default_value = "{}")]
        context: String,
    },
}

impl std::str::FromStr for PluginKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "tool" => Ok(PluginKind::Tool),
            "policy" => Ok(PluginKind::Policy),
            "model" => Ok(PluginKind::Model),
            other => Err(format!(
                "unknown kind {other:?}: expected tool, policy or model"
            )),
        }
    }
}

/// Runs a plugin subcommand; returns the process exit code.
pub async fn run(ctx: &Context, cmd: PluginCommand) -> Result<i32> {
    match cmd {
        PluginCommand::Check { path, kind } => check_path(ctx, &path, kind).await,
        PluginCommand::New(args) => super::scaffold::run(args),
        PluginCommand::Inspect { target }
            if target.ends_with(".wasm") || target.ends_with(".toml") =>
        {
            check_path(ctx, &PathBuf::from(target), None).await
        }
        other => {
            let (registry, failures) = load_registry(&ctx.config, &ctx.load_options()).await?;
            for f in &failures {
                eprintln!("warning: {}: {}", f.source, f.error);
            }
            let result = run_loaded(&registry, other).await;
            // The process exits right after this; make sure the audit records are on disk.
            registry.audit.flush();
            result
        }
    }
}

async fn run_loaded(registry: &PluginRegistry, cmd: PluginCommand) -> Result<i32> {
    match cmd {
        PluginCommand::List { json } => {
            let rows: Vec<Value> = registry.plugins().map(|p| summary(p)).collect();
            if json {
                say!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                say!(
                    "{:<24} {:<9} {:<7} {:<10} {:<8} TOOLS",
                    "ID",
                    "VERSION",
                    "KIND",
                    "ORIGIN",
                    "LOAD"
                );
                for p in registry.plugins() {
                    let tools: Vec<&str> = p.tool_specs().iter().map(|s| s.name.as_str()).collect();
                    let origin = match &p.origin {
                        crate::plugins::PluginOrigin::Embedded => "embedded".to_string(),
                        crate::plugins::PluginOrigin::Directory(_) => "directory".to_string(),
                    };
                    say!(
                        "{:<24} {:<9} {:<7} {:<10} {:<8} {}",
                        p.manifest.id,
                        p.manifest.version,
                        p.manifest.kind.to_string(),
                        origin,
                        format!("{:?}", p.load_source).to_lowercase(),
                        tools.join(", ")
                    );
                }
            }
            Ok(0)
        }
        PluginCommand::Inspect { target } => {
            let plugin = registry.require(&target)?;
            let shape = check::shape(&registry.engine, &plugin.component);
            let mut out = summary(&plugin);
            out["world"] = json!(plugin.manifest.kind.world());
            out["imports"] = json!(shape.imports);
            out["exports"] = json!(shape.exports);
            out["requested"] = serde_json::to_value(&plugin.manifest.requests)?;
            out["effective"] = serde_json::to_value(&plugin.grants)?;
            say!("{}", serde_json::to_string_pretty(&out)?);
            Ok(0)
        }
        PluginCommand::Call {
            tool,
            arguments,
            cwd,
            sandbox,
        } => {
            let (plugin, _) = registry
                .tool(&tool)
                .with_context(|| format!("no loaded plugin offers a tool named `{tool}`"))?;
            let args: Value =
                serde_json::from_str(&arguments).context("arguments must be a JSON object")?;
            let sandbox: SandboxMode = serde_json::from_value(json!(sandbox))
                .context("sandbox must be read-only, workspace-write or danger-full-access")?;
            let cwd = match cwd {
                Some(c) => c,
                None => std::env::current_dir()?,
            };
            let cwd = cwd
                .canonicalize()
                .with_context(|| format!("no such directory {}", cwd.display()))?;
            let ctx = CallContext {
                workspace: Some(cwd.clone()),
                sandbox,
                ..Default::default()
            };
            let call = ToolCall {
                call_id: "cli".into(),
                name: tool,
                arguments: args.to_string(),
                context: json!({"cwd": cwd, "sandbox-mode": sandbox.as_str()}).to_string(),
            };
            let result =
                invoke_tool(registry, &plugin, &call, &ctx, Arc::new(DetachedServices)).await;
            let (value, code) = match result {
                Ok(Ok(out)) => (
                    json!({
                        "ok": true,
                        "content": out.content,
                        "success": out.success,
                        // `details` is JSON text; show it as JSON when it parses.
                        "details": out.details.map(|d| serde_json::from_str::<Value>(&d).unwrap_or(Value::String(d))),
                    }),
                    0,
                ),
                Ok(Err(err)) => (json!({"ok": false, "toolError": format!("{err:?}")}), 1),
                Err(err) => (json!({"ok": false, "callError": err.to_string()}), 2),
            };
            say!("{}", serde_json::to_string_pretty(&value)?);
            Ok(code)
        }
        PluginCommand::Eval {
            policy,
            action,
            context,
        } => {
            let plugin = registry.require(&policy)?;
            let action: Action = crate::plugins::action_json::action_from_json(&action)?;
            let decision = evaluate_policy(registry, &plugin, &action, &context, None).await?;
            let reason = match &decision.verdict {
                crate::plugins::bindings::policy::hearth::plugin::policy_types::Verdict::Deny(
                    r,
                )
                | crate::plugins::bindings::policy::hearth::plugin::policy_types::Verdict::Ask(r) => {
                    Some(r.clone())
                }
                _ => None,
            };
            say!(
                "{}",
                serde_json::to_string_pretty(&json!({
                    "verdict": verdict_name(&decision.verdict),
                    "reason": reason,
                    "ruleId": decision.rule_id,
                }))?
            );
            Ok(0)
        }
        PluginCommand::Check { .. } | PluginCommand::New(_) => {
            unreachable!("handled before loading")
        }
    }
}

fn summary(p: &LoadedPlugin) -> Value {
    json!({
        "id": p.manifest.id,
        "version": p.manifest.version,
        "kind": p.manifest.kind,
        "description": p.manifest.description,
        "origin": p.origin,
        "digest": p.digest,
        "loadSource": p.load_source,
        "loadMs": p.load_ms,
        "limits": p.grants.limits,
        "tools": p.tool_specs().iter().map(|s| json!({
            "name": s.name,
            "description": s.description,
            "parameters": serde_json::from_str::<Value>(&s.parameters).unwrap_or(Value::Null),
            "parallel": s.parallel,
        })).collect::<Vec<_>>(),
    })
}

async fn check_path(
    ctx: &Context,
    path: &std::path::Path,
    kind: Option<PluginKind>,
) -> Result<i32> {
    let (bytes, manifest) = if path.extension().is_some_and(|e| e == "toml") {
        let source = crate::plugins::PluginSource::from_manifest_path(path)?;
        (source.bytes.to_vec(), Some(source.manifest))
    } else {
        (read_component(path)?, None)
    };
    if let Some(what) = check::not_a_component(&bytes) {
        say!(
            "{}: not a WebAssembly component: it is {what}",
            path.display()
        );
        return Ok(1);
    }
    let engine = shared_engine()?;
    // Through hearth's cache: Python and JavaScript components take seconds to compile,
    // and the trial load below (and the next start of hearth) then reuse the result.
    let cache = crate::plugins::cache::ComponentCache::new(
        &engine,
        Some(ctx.home.join("cache").join("components")),
    );
    let digest = digest(&bytes);
    let component = match cache.load(&engine, &bytes, &digest) {
        Ok((c, _)) => c,
        Err(err) => {
            say!(
                "{}: not a loadable WebAssembly component: {err:#}",
                path.display()
            );
            return Ok(1);
        }
    };
    let shape = check::shape(&engine, &component);
    let Some(kind) = kind
        .or(manifest.as_ref().map(|m| m.kind))
        .or_else(|| check::detect_kind(&shape))
    else {
        let exports: Vec<&str> = shape.exports.iter().map(|e| e.name.as_str()).collect();
        say!(
            "{}: does not export any hearth world: expected hearth:plugin/tool-provider@0.1.0 (tool), hearth:plugin/policy@0.1.0 (policy) or hearth:plugin/adapter@0.1.0 (model); it exports {}",
            path.display(),
            if exports.is_empty() {
                "nothing".into()
            } else {
                exports.join(", ")
            }
        );
        return Ok(1);
    };
    let problems = check::problems(&shape, kind);
    if !problems.is_empty() {
        say!(
            "{}: does not fit the {kind} world {}:",
            path.display(),
            kind.world()
        );
        for p in problems {
            say!("  - {p}");
        }
        return Ok(1);
    }
    // The names fit; now load it as hearth would (types of the exports, `describe`).
    let manifest = match manifest {
        Some(m) => crate::plugins::Manifest { kind, ..m },
        None => crate::plugins::Manifest {
            id: "unchecked-component".into(),
            version: "0.0.0".into(),
            kind,
            description: String::new(),
            component: None,
            requests: Default::default(),
            limits: Default::default(),
        },
    };
    let origin = crate::plugins::PluginOrigin::Directory(path.to_path_buf());
    match check::trial_load(&engine, cache, manifest, bytes.into(), origin).await {
        Ok(tools) => {
            let tools = if tools.is_empty() {
                String::new()
            } else {
                format!("; tools: {}", tools.join(", "))
            };
            say!(
                "{}: ok — fits the {kind} world {} (sha256 {}){tools}",
                path.display(),
                kind.world(),
                &digest[..16]
            );
            Ok(0)
        }
        Err(err) => {
            say!(
                "{}: does not fit the {kind} world {}:",
                path.display(),
                kind.world()
            );
            say!("  - it has the right exports but does not load: {err:#}");
            Ok(1)
        }
    }
}
