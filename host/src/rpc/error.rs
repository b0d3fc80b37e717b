//! JSON-RPC error objects and the codes hearth uses.

use std::fmt;

use serde::{Deserialize, Serialize};

/// -32700: the line is not JSON (or not UTF-8). Answered with id `null`.
pub const PARSE_ERROR: i64 = -32700;
/// -32600: the message is JSON but not a valid request (also: oversized lines,
/// "Not initialized", "Already initialized").
pub const INVALID_REQUEST: i64 = -32600;
/// -32601: unknown method.
pub const METHOD_NOT_FOUND: i64 = -32601;
/// -32602: params missing, of the wrong type, or invalid.
pub const INVALID_PARAMS: i64 = -32602;
/// -32603: internal error.
pub const INTERNAL_ERROR: i64 = -32603;
/// -32001: request ingress is saturated; the client should retry with backoff.
pub const OVERLOADED: i64 = -32001;
/// -32000: the peer went away before answering a server request (never sent on the wire;
/// callers waiting on an approval treat it as a decline).
pub const CLIENT_DISCONNECTED: i64 = -32000;

/// A JSON-RPC error object: `{"code", "message", "data"?}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[error("{message} (code {code})")]
pub struct RpcError {
    /// Error code.
    pub code: i64,
    /// Human-readable message.
    pub message: String,
    /// Extra data; omitted when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
}

impl RpcError {
    /// An error with a code and message.
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            data: None,
        }
    }

    /// Attaches `data`.
    pub fn with_data(mut self, data: serde_json::Value) -> Self {
        self.data = Some(data);
        self
    }

    /// -32700 `Parse error: <detail>`.
    pub fn parse_error(detail: impl fmt::Display) -> Self {
        Self::new(PARSE_ERROR, format!("Parse error: {detail}"))
    }

    /// -32600 `Invalid request: <detail>`.
    pub fn invalid_request(detail: impl fmt::Display) -> Self {
        Self::new(INVALID_REQUEST, format!("Invalid request: {detail}"))
    }

    /// -32601 `Method not found: <method>`.
    pub fn method_not_found(method: &str) -> Self {
        Self::new(METHOD_NOT_FOUND, format!("Method not found: {method}"))
    }

    /// -32602 `Invalid params: <detail>`.
    pub fn invalid_params(detail: impl fmt::Display) -> Self {
        Self::new(INVALID_PARAMS, format!("Invalid params: {detail}"))
    }

    /// -32603 `Internal error: <detail>`.
    pub fn internal(detail: impl fmt::Display) -> Self {
        Self::new(INTERNAL_ERROR, format!("Internal error: {detail}"))
    }

    /// -32001 `Server overloaded; retry later.`
    pub fn overloaded() -> Self {
        Self::new(OVERLOADED, "Server overloaded; retry later.")
    }

    /// The client disconnected before answering a server request.
    pub fn client_disconnected() -> Self {
        Self::new(CLIENT_DISCONNECTED, "client disconnected")
    }

    /// Whether this is [`RpcError::client_disconnected`].
    pub fn is_client_disconnected(&self) -> bool {
        self.code == CLIENT_DISCONNECTED
    }
}
