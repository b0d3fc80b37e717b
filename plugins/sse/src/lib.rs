//! # hearth-sse
//!
//! What hearth's HTTP model adapters (`hearth.responses`, `hearth.chat`) share: provider
//! settings to request targets ([`endpoint`]), HTTP over `wasi:http` ([`http`]), an
//! incremental `text/event-stream` parser ([`parser`]), the pull-driven response stream
//! ([`stream`]), and the mapping of provider failures to `model-error`s ([`errors`]).
//! A library, not a plugin: it has no manifest and is linked into each adapter.
//!
//! The API key never passes through here: the host's egress gate attaches it to requests
//! for the provider's origin, and refuses every other origin.
#![warn(missing_docs)]

pub mod endpoint;
pub mod errors;
pub mod http;
pub mod models;
pub mod parser;
pub mod stream;

use hearth_plugin_sdk::Value;
use hearth_plugin_sdk::model::{ModelError, ModelInfo};

pub use endpoint::{Provider, Target};
pub use http::{Body, HttpRequest, HttpResponse, MAX_ERROR_BODY, Method};
pub use parser::{SseEvent, SseParser};
pub use stream::{ByteSource, EventMapper, SseStream};

/// Limit on connecting to the provider.
pub const CONNECT_TIMEOUT_MS: u64 = 30_000;
/// Limit on the model list's response head.
pub const MODELS_TIMEOUT_MS: u64 = 30_000;

fn request(
    provider: &Provider,
    method: Method,
    path: &str,
    body: Vec<u8>,
) -> Result<HttpRequest, ModelError> {
    let mut headers = vec![];
    if method == Method::Post {
        headers.push(("content-type".to_string(), "application/json".to_string()));
        headers.push(("accept".to_string(), "text/event-stream".to_string()));
    } else {
        headers.push(("accept".to_string(), "application/json".to_string()));
    }
    headers.extend(provider.headers.iter().cloned());
    Ok(HttpRequest {
        method,
        target: provider.endpoint(path)?,
        headers,
        body,
        connect_timeout_ms: Some(CONNECT_TIMEOUT_MS),
        first_byte_timeout_ms: (method == Method::Get).then_some(MODELS_TIMEOUT_MS),
    })
}

/// Sends `request`; a failing status becomes the matching error (its body read for the
/// message).
fn send_ok(request: HttpRequest) -> Result<HttpResponse, ModelError> {
    let mut response = http::send(request)?;
    if !(200..300).contains(&response.status) {
        let body = response
            .body
            .read_to_string(MAX_ERROR_BODY)
            .unwrap_or_default();
        return Err(errors::status_error(
            response.status,
            &response.headers,
            &body,
        ));
    }
    Ok(response)
}

/// POSTs `body` as JSON to `path` under the provider's base URL and returns the response
/// body once the provider answered with a success status.
pub fn open_event_stream(settings: &Value, path: &str, body: &Value) -> Result<Body, ModelError> {
    let provider = Provider::from_settings(settings)?;
    let request = request(&provider, Method::Post, path, body.to_string().into_bytes())?;
    let mut response = send_ok(request)?;
    let content_type = response
        .header("content-type")
        .unwrap_or("")
        .to_ascii_lowercase();
    if content_type.starts_with("application/json") {
        let text = response.body.read_to_string(MAX_ERROR_BODY)?;
        return Err(ModelError::fatal(format!(
            "the model provider answered JSON instead of an event stream: {}",
            errors::quote(&text)
        ))
        .with_status(response.status));
    }
    Ok(response.body)
}

/// The provider's models, from `GET {base_url}/models`.
pub fn list_models(settings: &Value) -> Result<Vec<ModelInfo>, ModelError> {
    let provider = Provider::from_settings(settings)?;
    let mut response = send_ok(request(&provider, Method::Get, "/models", Vec::new())?)?;
    let body = response.body.read_to_string(4 << 20)?;
    models::parse_models(&body)
}

/// A suffix that makes ids made up by an adapter unique across responses: the wall
/// clock in nanoseconds and a per-instance counter, in hex.
pub fn unique_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    format!("{nanos:x}{:x}", COUNTER.fetch_add(1, Ordering::Relaxed))
}
