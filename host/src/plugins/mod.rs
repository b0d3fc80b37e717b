//! Plugins: the wasmtime runtime that loads tools, policies and model adapters as
//! sandboxed components, decides what each may touch, and calls them safely.

pub mod action_json;
pub mod audit;
pub mod bindings;
pub mod cache;
pub mod call_clock;
pub mod calls;
pub mod check;
pub mod egress;
pub mod embedded;
pub mod engine;
pub mod grants;
pub mod limiter;
pub mod loader;
pub mod manifest;
pub mod model_calls;
pub mod network_rule;
pub mod registry;
pub mod state;

pub use calls::{CallError, evaluate_policy, invoke_tool};
pub use grants::{CallContext, OperatorGrant, SandboxMode};
pub use manifest::{Manifest, PluginKind};
pub use model_calls::{ModelStream, start_model};
pub use registry::{LoadedPlugin, PluginOrigin, PluginRegistry, PluginSource};
