//! hearth: an agent host speaking the Codex App Server protocol, whose tools, approval
//! policies and model adapters are sandboxed WebAssembly components.

pub mod agent;
pub mod cli;
pub mod config;
pub mod logging;
pub mod plugins;
pub mod protocol;
pub mod rpc;
pub mod sandbox;
pub mod server;
