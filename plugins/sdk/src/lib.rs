//! # hearth-plugin-sdk
//!
//! The Rust guest SDK for hearth plugins: sandboxed WebAssembly
//! components that give an agent tools, judge its actions (approval policies) or speak a
//! model provider's protocol (model adapters). The contract is the WIT package
//! `hearth:plugin@0.1.0` (`wit/` at the repository root); this crate wraps its bindings so
//! that a plugin is a trait implementation plus one export macro.
//!
//! | kind   | world           | implement                  | export with                  | target                   |
//! |--------|-----------------|----------------------------|------------------------------|--------------------------|
//! | tool   | `tool`          | [`Tool`] (one per tool)    | [`export_tools!`]            | `wasm32-wasip2`          |
//! | policy | `policy-plugin` | [`policy::Policy`]         | [`export_policy!`]           | `wasm32-unknown-unknown` |
//! | model  | `model-adapter` | [`model::ModelAdapter`]    | [`export_model!`]            | `wasm32-wasip2`          |
//!
//! A tool plugin in full:
//!
//! ```
//! use hearth_plugin_sdk::prelude::*;
//!
//! /// Upper-cases a text.
//! struct Shout;
//!
//! impl Tool for Shout {
//!     const NAME: &'static str = "shout";
//!     const DESCRIPTION: &'static str = "Returns the given text in upper case.";
//!
//!     fn parameters() -> Value {
//!         json!({
//!             "type": "object",
//!             "properties": { "text": { "type": "string" } },
//!             "required": ["text"],
//!         })
//!     }
//!
//!     fn call(args: Value, _ctx: &CallContext) -> Result<ToolOutput, ToolError> {
//!         let text = args["text"].as_str().ok_or_else(|| ToolError::invalid("`text` must be a string"))?;
//!         Ok(ToolOutput::text(text.to_uppercase()))
//!     }
//! }
//!
//! hearth_plugin_sdk::export_tools!(Shout);
//! ```
//!
//! The raw bindings of each world live in [`tool`], [`policy`] and [`model`]; the types the
//! worlds share (`hearth:plugin/types`) are generated once and re-exported as [`types`].
//! Host calls that a tool may make are wrapped in [`log`], [`progress`], [`approval`] and
//! [`exec`]. Outside WebAssembly (unit tests on the build machine) those wrappers do not
//! call a host: see each module for what they do instead.
//!
//! A policy component imports nothing, so a policy must not call [`log`], [`progress`],
//! [`approval`] or [`exec`]: the host would refuse to load it.
#![warn(missing_docs)]

// Lets the paths written into the generated export macros (`hearth_plugin_sdk::...`)
// resolve inside this crate too.
extern crate self as hearth_plugin_sdk;

pub mod approval;
pub mod context;
pub mod exec;
pub mod log;
pub mod model;
pub mod paths;
pub mod policy;
pub mod progress;
pub mod tool;

pub use context::CallContext;
pub use serde_json;
pub use serde_json::{Value, json};
pub use tool::Tool;

/// The types shared by every world (`hearth:plugin/types@0.1.0`): tool specs and calls,
/// actions, effects, approvals. Generated once, with the [`tool`] world.
pub mod types {
    pub use crate::tool::hearth::plugin::types::*;
}

pub use types::{
    Action, Approval, ChangeKind, CommandAction, Effects, FileChange, LogLevel, Render, ToolCall,
    ToolCallAction, ToolError, ToolOutput, ToolSpec,
};

/// Everything a tool plugin usually needs, for `use hearth_plugin_sdk::prelude::*`.
pub mod prelude {
    pub use crate::context::CallContext;
    pub use crate::tool::{Tool, parse_args};
    pub use crate::types::{Effects, Render, ToolError, ToolOutput};
    pub use serde_json::{Value, json};
}

/// Compiles the README's example as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
