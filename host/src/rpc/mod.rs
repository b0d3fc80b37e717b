//! JSON-RPC transport for the app-server protocol: framing, message shapes, connections.
//!
//! - [`framing`]: [`MessageSource`] / [`MessageSink`] traits and their JSONL
//!   implementations, with a hard cap on message size (over-long lines are skipped, not
//!   buffered).
//! - [`websocket`]: the same two traits over a websocket, one message per text frame.
//! - [`message`]: parsing incoming text into [`Incoming`] (request, notification, answer
//!   to a server request) and serialising [`Outgoing`] messages. Ids are echoed exactly;
//!   `"jsonrpc"` is tolerated on input and never written.
//! - [`connection`]: reader and writer tasks, the bounded processing queue (-32001 when
//!   full), server → client request correlation, disconnect handling.
//! - [`error`]: [`RpcError`] and the error codes.
//!
//! Typical server loop:
//! ```no_run
//! # async fn serve() {
//! use hearth::rpc::{ClientMessage, ConnectionConfig, RpcError, spawn_jsonl_connection};
//! let (conn, mut incoming) =
//!     spawn_jsonl_connection(tokio::io::stdin(), tokio::io::stdout(), ConnectionConfig::default());
//! while let Some(message) = incoming.recv().await {
//!     match message {
//!         ClientMessage::Request(request) => {
//!             let _ = conn.respond_error(request.id, RpcError::method_not_found(&request.method)).await;
//!         }
//!         ClientMessage::Notification(_) => {}
//!     }
//! }
//! # }
//! ```

pub mod connection;
pub mod error;
pub mod framing;
pub mod message;
pub mod websocket;

pub use connection::{
    ClientMessage, ClientMessages, ConnectionConfig, ConnectionHandle, Disconnected,
    PendingRequest, spawn_connection, spawn_jsonl_connection,
};
pub use error::RpcError;
pub use framing::{FrameError, JsonlReader, JsonlWriter, MessageSink, MessageSource};
pub use message::{
    Incoming, IncomingNotification, IncomingRequest, IncomingResponse, Outgoing, ParseFailure,
    RequestId, parse_incoming, parse_params,
};

#[cfg(test)]
mod tests;
