//! Tool plugins: the `tool` world, the [`Tool`] trait and the
//! [`export_tools!`](crate::export_tools) macro.
//!
//! Implement [`Tool`] once per tool (usually on a unit struct), then list the tools in
//! [`export_tools!`](crate::export_tools). The macro answers `describe` from the trait's
//! constants and routes each `invoke` to the tool's [`Tool::call`] with the arguments
//! parsed as JSON and the thread's [`CallContext`]. The generated bindings of the world are
//! re-exported here (`hearth_plugin_sdk::tool::exports::...`) for plugins that want to
//! implement `tool-provider` by hand.
//!
//! Each call gets a fresh component instance: a tool keeps no state between calls.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::context::CallContext;
use crate::types::{Effects, Render, ToolCall, ToolError, ToolOutput, ToolSpec};

#[allow(missing_docs)]
mod bindings {
    wit_bindgen::generate!({
        world: "tool",
        path: "../../wit",
        pub_export_macro: true,
        export_macro_name: "export_tool_world",
        default_bindings_module: "hearth_plugin_sdk::tool",
    });
}

pub use bindings::*;

/// One tool offered to the model.
///
/// The constants and [`parameters`](Tool::parameters) make up the tool's `tool-spec`;
/// [`call`](Tool::call) runs it. Export tools with [`export_tools!`](crate::export_tools).
pub trait Tool {
    /// Name the model calls the tool by: `[a-zA-Z0-9_-]{1,64}`, unique across plugins.
    const NAME: &'static str;
    /// What the tool does and when to use it; the model reads this.
    const DESCRIPTION: &'static str;
    /// What the tool may do when called (default: nothing beyond computing).
    const EFFECTS: Effects = Effects::empty();
    /// How clients show its calls (default: a generic tool call).
    const RENDER: Render = Render::Generic;
    /// Whether calls may run concurrently with other calls of the same response
    /// (default: false).
    const PARALLEL: bool = false;

    /// JSON Schema of the arguments object, usually written with [`serde_json::json!`].
    fn parameters() -> Value;

    /// Runs one call. `args` is the arguments object the model sent (`{}` when it sent
    /// nothing); [`parse_args`] turns it into a typed struct.
    fn call(args: Value, ctx: &CallContext) -> Result<ToolOutput, ToolError>;
}

/// The `tool-spec` of a [`Tool`].
pub fn spec<T: Tool>() -> ToolSpec {
    ToolSpec {
        name: T::NAME.to_string(),
        description: T::DESCRIPTION.to_string(),
        parameters: T::parameters().to_string(),
        effects: T::EFFECTS,
        render: T::RENDER,
        parallel: T::PARALLEL,
    }
}

/// Deserialises a call's arguments into `T`; a mismatch becomes
/// [`ToolError::InvalidArguments`] naming the problem, so the model can correct itself.
pub fn parse_args<T: DeserializeOwned>(args: Value) -> Result<T, ToolError> {
    serde_json::from_value(args).map_err(|e| ToolError::invalid(format!("invalid arguments: {e}")))
}

/// A type-erased [`Tool`], as listed by [`export_tools!`](crate::export_tools).
#[derive(Clone, Copy)]
pub struct Entry {
    /// The tool's name.
    pub name: &'static str,
    /// Builds the tool's spec.
    pub spec: fn() -> ToolSpec,
    /// Runs the tool.
    pub call: fn(Value, &CallContext) -> Result<ToolOutput, ToolError>,
}

impl Entry {
    /// The entry of tool `T`.
    pub fn of<T: Tool>() -> Self {
        Entry {
            name: T::NAME,
            spec: spec::<T>,
            call: T::call,
        }
    }
}

/// Answers `describe`: the specs of `tools`, in order.
pub fn describe(tools: &[Entry]) -> Vec<ToolSpec> {
    tools.iter().map(|t| (t.spec)()).collect()
}

/// Answers `invoke`: finds the called tool in `tools`, parses the arguments (empty text
/// counts as `{}`) and the context, and runs it.
pub fn invoke(tools: &[Entry], call: ToolCall) -> Result<ToolOutput, ToolError> {
    let tool = tools
        .iter()
        .find(|t| t.name == call.name)
        .ok_or_else(|| ToolError::invalid(format!("unknown tool `{}`", call.name)))?;
    let args = if call.arguments.trim().is_empty() {
        Value::Object(Default::default())
    } else {
        serde_json::from_str(&call.arguments)
            .map_err(|e| ToolError::invalid(format!("arguments are not valid JSON: {e}")))?
    };
    let ctx = CallContext::parse(&call.context)
        .map_err(|e| ToolError::failed(format!("the host sent an invalid call context: {e}")))?;
    (tool.call)(args, &ctx)
}

impl ToolOutput {
    /// A successful output with the given text.
    pub fn text(content: impl Into<String>) -> Self {
        ToolOutput {
            content: content.into(),
            success: true,
            details: None,
        }
    }

    /// An output of a tool that ran but whose work failed (e.g. a command exited
    /// non-zero): the model sees the text and `success = false`.
    pub fn failure(content: impl Into<String>) -> Self {
        ToolOutput {
            content: content.into(),
            success: false,
            details: None,
        }
    }

    /// Attaches structured details (a JSON object) that clients may render.
    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details.to_string());
        self
    }
}

impl ToolError {
    /// The arguments do not fit the tool; the model may correct them and retry.
    pub fn invalid(message: impl Into<String>) -> Self {
        ToolError::InvalidArguments(message.into())
    }

    /// The action was refused (by a policy, the user or the plugin's grants).
    pub fn denied(message: impl Into<String>) -> Self {
        ToolError::Denied(message.into())
    }

    /// The tool could not do its job.
    pub fn failed(message: impl Into<String>) -> Self {
        ToolError::Failed(message.into())
    }

    /// The text shown to the model, whatever the variant.
    pub fn message(&self) -> &str {
        match self {
            ToolError::InvalidArguments(m) | ToolError::Denied(m) | ToolError::Failed(m) => m,
        }
    }
}

/// Exports tools: lists types implementing [`Tool`] and exports the `tool` world's
/// `tool-provider` interface for them. Use it once, at the root of a plugin crate.
///
/// ```ignore
/// hearth_plugin_sdk::export_tools!(ReadFile, ListDir, GrepFiles);
/// ```
#[macro_export]
macro_rules! export_tools {
    ($($tool:ty),+ $(,)?) => {
        #[doc(hidden)]
        pub struct __HearthToolProvider;

        impl __HearthToolProvider {
            fn entries() -> ::std::vec::Vec<$crate::tool::Entry> {
                ::std::vec![$($crate::tool::Entry::of::<$tool>()),+]
            }
        }

        impl $crate::tool::exports::hearth::plugin::tool_provider::Guest for __HearthToolProvider {
            fn describe() -> ::std::vec::Vec<$crate::types::ToolSpec> {
                $crate::tool::describe(&Self::entries())
            }

            fn invoke(
                call: $crate::types::ToolCall,
            ) -> ::core::result::Result<$crate::types::ToolOutput, $crate::types::ToolError> {
                $crate::tool::invoke(&Self::entries(), call)
            }
        }

        // Only WebAssembly has component exports; elsewhere (unit tests) the names
        // would not even link.
        #[cfg(target_family = "wasm")]
        $crate::tool::export_tool_world!(__HearthToolProvider with_types_in $crate::tool);
    };
}
