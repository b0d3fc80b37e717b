//! Model adapters: the `model-adapter` world, the [`ModelAdapter`] trait and the
//! [`export_model!`](crate::export_model) macro.
//!
//! An adapter lists its models and turns one [`Request`] (history and tools as OpenAI
//! Responses JSON items) into a stream of [`ModelEvent`]s: for each output item
//! `item-added`, its deltas, `item-done` with the complete item; then `usage`. The SDK
//! wraps any [`EventSource`] into the world's `response-stream` resource; the host pulls
//! one event per `next` call, so work done lazily in
//! [`next_event`](EventSource::next_event) (network reads, sleeps) happens between pulls.

use std::cell::{Cell, RefCell};

use serde_json::{Map, Value};

#[allow(missing_docs)]
mod bindings {
    wit_bindgen::generate!({
        world: "model-adapter",
        path: "../../wit",
        pub_export_macro: true,
        export_macro_name: "export_model_world",
        default_bindings_module: "hearth_plugin_sdk::model",
        with: {
            "hearth:plugin/types@0.1.0": crate::tool::hearth::plugin::types,
            "hearth:plugin/log@0.1.0": crate::tool::hearth::plugin::log,
        },
    });
}

pub use bindings::exports::hearth::plugin::adapter::{GuestResponseStream, ResponseStream};
pub use bindings::hearth::plugin::model_types::{
    ModelError, ModelEvent, ModelInfo, ModelRequest, TextDelta, Usage,
};
pub use bindings::*;

/// A model provider's adapter.
pub trait ModelAdapter {
    /// Models the provider offers; `settings` is the provider's configuration (`{}` when
    /// the host sent none).
    fn models(settings: &Value) -> Result<Vec<ModelInfo>, ModelError>;

    /// Starts one response. Errors here and from the source's events reach the host as
    /// `model-error`s.
    fn start(request: Request) -> Result<Box<dyn EventSource>, ModelError>;
}

/// Produces the events of one response, one per call.
///
/// Every iterator of `Result<ModelEvent, ModelError>` is an event source.
pub trait EventSource {
    /// The next event, `Ok(None)` at the end of the response, or an error (which also ends
    /// it).
    fn next_event(&mut self) -> Result<Option<ModelEvent>, ModelError>;
}

impl<I: Iterator<Item = Result<ModelEvent, ModelError>>> EventSource for I {
    fn next_event(&mut self) -> Result<Option<ModelEvent>, ModelError> {
        self.next().transpose()
    }
}

/// A `model-request` with its JSON fields parsed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Request {
    /// Model id.
    pub model: String,
    /// System instructions.
    pub instructions: String,
    /// Responses input items: `message`, `reasoning`, `function_call`,
    /// `function_call_output`.
    pub input: Vec<Value>,
    /// Function tools: `{"type":"function","name","description","parameters"}`.
    pub tools: Vec<Value>,
    /// Options: `prompt-cache-key`, `parallel-tool-calls`, `reasoning-effort`, `provider`.
    pub options: Map<String, Value>,
}

impl Request {
    /// Parses the JSON fields of `request`; empty text counts as an empty array or object.
    pub fn parse(request: ModelRequest) -> Result<Self, ModelError> {
        Ok(Request {
            input: parse_json(&request.input, "input")?,
            tools: parse_json(&request.tools, "tools")?,
            options: parse_json(&request.options, "options")?,
            model: request.model,
            instructions: request.instructions,
        })
    }

    /// The provider's configuration block (`options.provider`), `Null` when absent.
    pub fn provider(&self) -> &Value {
        self.options.get("provider").unwrap_or(&Value::Null)
    }
}

fn parse_json<T: serde::de::DeserializeOwned + Default>(
    text: &str,
    field: &str,
) -> Result<T, ModelError> {
    if text.trim().is_empty() {
        return Ok(T::default());
    }
    serde_json::from_str(text)
        .map_err(|e| ModelError::fatal(format!("request field `{field}` is not valid: {e}")))
}

impl ModelError {
    /// An error that trying again will not fix.
    pub fn fatal(message: impl Into<String>) -> Self {
        ModelError {
            message: message.into(),
            retryable: false,
            retry_after_ms: None,
            status: None,
        }
    }

    /// An error that trying again may fix (transport errors, 5xx, 429).
    pub fn retryable(message: impl Into<String>) -> Self {
        ModelError {
            retryable: true,
            ..Self::fatal(message)
        }
    }

    /// Sets the HTTP status.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Sets how long the provider asked to wait before retrying.
    pub fn with_retry_after_ms(mut self, ms: u64) -> Self {
        self.retry_after_ms = Some(ms);
        self
    }
}

impl ModelInfo {
    /// A model that is not the provider's default, with an empty description.
    pub fn new(id: impl Into<String>, display_name: impl Into<String>) -> Self {
        ModelInfo {
            id: id.into(),
            display_name: display_name.into(),
            description: String::new(),
            is_default: false,
        }
    }
}

/// The `response-stream` resource: wraps an [`EventSource`] and ends it after `None` or
/// an error.
pub struct Stream {
    source: RefCell<Box<dyn EventSource>>,
    finished: Cell<bool>,
}

impl Stream {
    /// Wraps `source`.
    pub fn new(source: Box<dyn EventSource>) -> Self {
        Stream {
            source: RefCell::new(source),
            finished: Cell::new(false),
        }
    }
}

impl GuestResponseStream for Stream {
    fn next(&self) -> Result<Option<ModelEvent>, ModelError> {
        if self.finished.get() {
            return Ok(None);
        }
        let event = self.source.borrow_mut().next_event();
        if !matches!(event, Ok(Some(_))) {
            self.finished.set(true);
        }
        event
    }
}

/// Answers `models` for adapter `A`: parses `settings` (empty text counts as `{}`).
pub fn models<A: ModelAdapter>(settings: &str) -> Result<Vec<ModelInfo>, ModelError> {
    let settings: Value = if settings.trim().is_empty() {
        Value::Object(Map::new())
    } else {
        serde_json::from_str(settings)
            .map_err(|e| ModelError::fatal(format!("provider settings are not valid JSON: {e}")))?
    };
    A::models(&settings)
}

/// Answers `start` for adapter `A`: parses the request and wraps the adapter's events in
/// a `response-stream`.
pub fn start<A: ModelAdapter>(request: ModelRequest) -> Result<ResponseStream, ModelError> {
    let source = A::start(Request::parse(request)?)?;
    Ok(ResponseStream::new(Stream::new(source)))
}

/// Exports a type implementing [`ModelAdapter`] as the `model-adapter` world's `adapter`
/// interface. Use it once, at the root of a plugin crate.
///
/// ```ignore
/// hearth_plugin_sdk::export_model!(ScriptedModel);
/// ```
#[macro_export]
macro_rules! export_model {
    ($adapter:ty) => {
        #[doc(hidden)]
        pub struct __HearthModelAdapter;

        impl $crate::model::exports::hearth::plugin::adapter::Guest for __HearthModelAdapter {
            type ResponseStream = $crate::model::Stream;

            fn models(
                settings: ::std::string::String,
            ) -> ::core::result::Result<
                ::std::vec::Vec<$crate::model::ModelInfo>,
                $crate::model::ModelError,
            > {
                $crate::model::models::<$adapter>(&settings)
            }

            fn start(
                request: $crate::model::ModelRequest,
            ) -> ::core::result::Result<$crate::model::ResponseStream, $crate::model::ModelError>
            {
                $crate::model::start::<$adapter>(request)
            }
        }

        // Only WebAssembly has component exports; elsewhere (unit tests) the names
        // would not even link.
        #[cfg(target_family = "wasm")]
        $crate::model::export_model_world!(__HearthModelAdapter with_types_in $crate::model);
    };
}
