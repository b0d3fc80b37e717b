//! JSON-RPC message shapes: parsing incoming text into [`Incoming`], serialising
//! [`Outgoing`] messages. `"jsonrpc": "2.0"` is tolerated on input and never written.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::error::RpcError;
pub use crate::protocol::RequestId;

/// A parsed incoming message.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    /// A request from the client; must be answered.
    Request(IncomingRequest),
    /// A notification from the client.
    Notification(IncomingNotification),
    /// The client's answer to a server → client request.
    Response(IncomingResponse),
}

/// A client request.
#[derive(Debug, Clone, PartialEq)]
pub struct IncomingRequest {
    /// Id, echoed exactly in the answer.
    pub id: RequestId,
    /// Method name.
    pub method: String,
    /// Params, if present (`null` counts as absent).
    pub params: Option<Value>,
    /// W3C trace context, if sent.
    pub trace: Option<Value>,
}

impl IncomingRequest {
    /// Deserialises the params. Absent or `null` params are read as `{}`, so methods
    /// whose params are all optional accept a missing `params`. A mismatch gives a
    /// -32602 error naming the problem.
    pub fn parse_params<T: DeserializeOwned>(&self) -> Result<T, RpcError> {
        parse_params(self.params.as_ref())
    }
}

/// Deserialises params as [`IncomingRequest::parse_params`] does.
pub fn parse_params<T: DeserializeOwned>(params: Option<&Value>) -> Result<T, RpcError> {
    let result = match params {
        None | Some(Value::Null) => serde_json::from_value(Value::Object(Map::new())),
        Some(value) => T::deserialize(value),
    };
    result.map_err(RpcError::invalid_params)
}

/// A client notification.
#[derive(Debug, Clone, PartialEq)]
pub struct IncomingNotification {
    /// Method name.
    pub method: String,
    /// Params, if present.
    pub params: Option<Value>,
}

/// The client's answer to a server request.
#[derive(Debug, Clone, PartialEq)]
pub struct IncomingResponse {
    /// Id of the server request.
    pub id: RequestId,
    /// The result, or the client's error.
    pub result: Result<Value, RpcError>,
}

/// Why a line could not be parsed into an [`Incoming`]; answer it with
/// `Outgoing::Error { id: self.id, error: self.error }`.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseFailure {
    /// The request's id when it could be read (`None` → `null`).
    pub id: Option<RequestId>,
    /// -32700 or -32600 with a message.
    pub error: RpcError,
}

impl ParseFailure {
    fn invalid(id: Option<RequestId>, detail: impl std::fmt::Display) -> Self {
        Self {
            id,
            error: RpcError::invalid_request(detail),
        }
    }
}

/// Parses one incoming message.
pub fn parse_incoming(text: &str) -> Result<Incoming, ParseFailure> {
    let value: Value = serde_json::from_str(text).map_err(|e| ParseFailure {
        id: None,
        error: RpcError::parse_error(e),
    })?;
    let mut object = match value {
        Value::Object(object) => object,
        Value::Array(_) => {
            return Err(ParseFailure::invalid(
                None,
                "batch requests are not supported",
            ));
        }
        other => {
            return Err(ParseFailure::invalid(
                None,
                format!("expected a JSON object, got {}", json_type(&other)),
            ));
        }
    };
    let raw_id = object.remove("id");
    let id = match &raw_id {
        None => None,
        Some(raw) => match RequestId::from_value(raw) {
            Some(id) => Some(id),
            None => {
                return Err(ParseFailure::invalid(
                    None,
                    format!("id must be a string or an integer, got {raw}"),
                ));
            }
        },
    };
    if let Some(method) = object.remove("method") {
        let Value::String(method) = method else {
            return Err(ParseFailure::invalid(id, "method must be a string"));
        };
        let params = object.remove("params").filter(|p| !p.is_null());
        return Ok(match id {
            Some(id) => Incoming::Request(IncomingRequest {
                id,
                method,
                params,
                trace: object.remove("trace").filter(|t| !t.is_null()),
            }),
            None => Incoming::Notification(IncomingNotification { method, params }),
        });
    }
    let Some(id) = id else {
        return Err(ParseFailure::invalid(
            None,
            "message has neither a method nor an id",
        ));
    };
    if let Some(error) = object.remove("error") {
        let error = serde_json::from_value::<RpcError>(error)
            .unwrap_or_else(|e| RpcError::invalid_request(format!("malformed error object: {e}")));
        return Ok(Incoming::Response(IncomingResponse {
            id,
            result: Err(error),
        }));
    }
    match object.remove("result") {
        Some(result) => Ok(Incoming::Response(IncomingResponse {
            id,
            result: Ok(result),
        })),
        None => Err(ParseFailure::invalid(
            Some(id),
            "message has an id but no method, result or error",
        )),
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A message hearth sends.
#[derive(Debug, Clone, PartialEq)]
pub enum Outgoing {
    /// Successful answer to a client request.
    Response {
        /// The request's id.
        id: RequestId,
        /// The result.
        result: Value,
    },
    /// Error answer; `id` is `None` (→ `null`) when the request's id was unreadable.
    Error {
        /// The request's id.
        id: Option<RequestId>,
        /// The error.
        error: RpcError,
    },
    /// A notification.
    Notification {
        /// Method name.
        method: String,
        /// Params; omitted when `None`.
        params: Option<Value>,
        /// Unix milliseconds when it was emitted (Codex's `emittedAtMs`).
        emitted_at_ms: Option<i64>,
    },
    /// A server → client request.
    Request {
        /// Server-chosen id.
        id: RequestId,
        /// Method name.
        method: String,
        /// Params; omitted when `None`.
        params: Option<Value>,
    },
}

impl serde::Serialize for Outgoing {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        match self {
            Self::Response { id, result } => {
                map.serialize_entry("id", id)?;
                map.serialize_entry("result", result)?;
            }
            Self::Error { id, error } => {
                map.serialize_entry("id", id)?;
                map.serialize_entry("error", error)?;
            }
            Self::Notification {
                method,
                params,
                emitted_at_ms,
            } => {
                map.serialize_entry("method", method)?;
                if let Some(params) = params {
                    map.serialize_entry("params", params)?;
                }
                if let Some(at) = emitted_at_ms {
                    map.serialize_entry("emittedAtMs", at)?;
                }
            }
            Self::Request { id, method, params } => {
                map.serialize_entry("id", id)?;
                map.serialize_entry("method", method)?;
                if let Some(params) = params {
                    map.serialize_entry("params", params)?;
                }
            }
        }
        map.end()
    }
}

impl Outgoing {
    /// The message as a JSON value (no `jsonrpc` member).
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// The message as one line of JSON (no trailing newline).
    pub fn to_line(&self) -> String {
        // Serialising JSON values and plain structs cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}
