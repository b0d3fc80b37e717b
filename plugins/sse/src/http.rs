//! HTTP through `wasi:http/outgoing-handler`: one request, its status and headers, and a
//! body read incrementally. Whether a destination is reachable is the host's decision
//! (its egress gate opens only the provider's origin); a refusal is a final error, a
//! failed connection a retryable one.

use hearth_plugin_sdk::model::ModelError;

use crate::endpoint::Target;
use crate::stream::ByteSource;

/// Most bytes of an error body kept.
pub const MAX_ERROR_BODY: usize = 64 * 1024;

/// One outgoing request.
#[derive(Debug, Clone)]
pub struct HttpRequest {
    /// `GET` or `POST`.
    pub method: Method,
    /// Where it goes.
    pub target: Target,
    /// Headers besides those the host adds.
    pub headers: Vec<(String, String)>,
    /// The body, for `POST`.
    pub body: Vec<u8>,
    /// Limit on connecting, in milliseconds.
    pub connect_timeout_ms: Option<u64>,
    /// Limit on waiting for the response head, in milliseconds.
    pub first_byte_timeout_ms: Option<u64>,
}

/// The request methods adapters use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
}

/// A response whose body has not been read yet.
pub struct HttpResponse {
    /// HTTP status.
    pub status: u16,
    /// Headers (values as lossy UTF-8).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Body,
}

impl HttpResponse {
    /// The first value of header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A response body, read as it arrives.
pub struct Body {
    #[cfg(target_os = "wasi")]
    inner: Option<wasi_impl::Reader>,
}

impl Body {
    /// Reads the body to its end (at most `max` bytes kept) as lossy UTF-8.
    pub fn read_to_string(&mut self, max: usize) -> Result<String, ModelError> {
        let mut bytes = Vec::new();
        while let Some(chunk) = self.read()? {
            let room = max.saturating_sub(bytes.len());
            bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if bytes.len() >= max {
                break;
            }
        }
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// A transport failure: trying again may help.
pub fn transport_error(target: &Target, detail: &str) -> ModelError {
    ModelError::retryable(format!(
        "cannot reach the model provider at {}: {detail}",
        target.url()
    ))
}

#[cfg(target_os = "wasi")]
mod wasi_impl;

#[cfg(target_os = "wasi")]
pub use wasi_impl::send;

#[cfg(target_os = "wasi")]
impl ByteSource for Body {
    fn read(&mut self) -> Result<Option<Vec<u8>>, ModelError> {
        match &mut self.inner {
            Some(reader) => {
                let chunk = reader.read();
                if !matches!(chunk, Ok(Some(_))) {
                    self.inner = None;
                }
                chunk
            }
            None => Ok(None),
        }
    }
}

/// Outside WASI there is no `wasi:http`.
#[cfg(not(target_os = "wasi"))]
pub fn send(request: HttpRequest) -> Result<HttpResponse, ModelError> {
    Err(ModelError::fatal(format!(
        "cannot send {:?} {}: wasi:http is only available in the WebAssembly build",
        request.method,
        request.target.url()
    )))
}

#[cfg(not(target_os = "wasi"))]
impl ByteSource for Body {
    fn read(&mut self) -> Result<Option<Vec<u8>>, ModelError> {
        Ok(None)
    }
}
