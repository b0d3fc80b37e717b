//! The `hearth` command line (clap): global options, and dispatch to subcommands.

mod plugin_cmd;
mod scaffold;
mod serve_cmd;

use crate::config::{Config, home_dir};
use crate::plugins::loader::LoadOptions;
use anyhow::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// hearth: an agent host for Codex-compatible clients, with sandboxed WebAssembly plugins.
#[derive(Debug, Parser)]
#[command(name = "hearth", version, about)]
pub struct Cli {
    /// hearth's home (config, plugin cache, threads, audit log). Default: $HEARTH_HOME or ~/.hearth.
    #[arg(long, global = true, value_name = "DIR")]
    pub home: Option<PathBuf>,
    /// Adds a plugin directory (repeatable); its plugins override embedded ones with the same id.
    #[arg(long = "plugins", global = true, value_name = "DIR")]
    pub plugin_dirs: Vec<PathBuf>,
    /// Overrides a configuration key, e.g. `-c model=o3` or `-c sandbox_mode="workspace-write"`.
    #[arg(short = 'c', long = "config", global = true, value_name = "KEY=VALUE")]
    pub overrides: Vec<String>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serves the Codex App Server protocol (JSON-RPC): JSONL on stdin/stdout, or a websocket.
    AppServer(serve_cmd::AppServerArgs),
    /// Runs one turn non-interactively and prints it as it streams.
    Exec(serve_cmd::ExecArgs),
    /// Manage and inspect plugins.
    #[command(subcommand)]
    Plugin(plugin_cmd::PluginCommand),
}

/// What every subcommand needs: the resolved home and configuration.
pub struct Context {
    /// hearth's home.
    pub home: PathBuf,
    /// Loaded configuration.
    pub config: Config,
    /// Plugin directories from the command line.
    pub plugin_dirs: Vec<PathBuf>,
}

impl Context {
    /// Options for loading the plugin registry.
    pub fn load_options(&self) -> LoadOptions {
        LoadOptions {
            home: Some(self.home.clone()),
            plugin_dirs: self.plugin_dirs.clone(),
            no_embedded: false,
        }
    }
}

/// Runs the command line.
pub fn run(cli: Cli) -> Result<i32> {
    let home = home_dir(cli.home.as_deref());
    let config = Config::load(&home, &cli.overrides)?;
    let ctx = Context {
        home,
        config,
        plugin_dirs: cli.plugin_dirs,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        match cli.command {
            Command::AppServer(args) => serve_cmd::app_server(&ctx, args).await,
            Command::Exec(args) => serve_cmd::exec(&ctx, args).await,
            Command::Plugin(cmd) => plugin_cmd::run(&ctx, cmd).await,
        }
    })
}
