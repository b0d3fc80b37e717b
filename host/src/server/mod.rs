//! The app server: one connection loop per client over the rpc layer, method dispatch,
//! and the handshake. Thread and turn handlers live in [`threads`] and [`turns`].

pub mod app;
mod info;
pub mod listen;
pub mod persist;
mod sink;
pub mod thread_queries;
pub mod threads;
pub mod turns;

use crate::protocol::{InitializeParams, RequestId, methods};
use crate::rpc::{
    ClientMessage, ClientMessages, ConnectionConfig, ConnectionHandle, IncomingRequest,
    MessageSink, MessageSource, RpcError, spawn_connection, spawn_jsonl_connection,
};
use app::{App, Subscriber};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashSet;
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncWrite};

/// JSON-RPC "invalid request", which Codex uses for handshake errors.
const INVALID_REQUEST: i64 = -32600;

/// What a handler returns: `Some(result)` to answer, `None` when it answered itself.
pub type HandlerResult = Result<Option<Value>, RpcError>;

/// One request's view of its connection.
pub struct Conn {
    /// The connection.
    pub handle: ConnectionHandle,
    /// Methods the client opted out of.
    pub opt_out: Arc<HashSet<String>>,
    /// The request being handled.
    pub id: RequestId,
}

impl Conn {
    /// This connection as a thread subscriber.
    pub fn subscriber(&self) -> Subscriber {
        Subscriber {
            handle: self.handle.clone(),
            opt_out: self.opt_out.clone(),
        }
    }

    /// Answers the request being handled.
    pub async fn respond<T: Serialize>(&self, result: T) {
        let _ = self.handle.respond_with(self.id.clone(), &result).await;
    }
}

fn to_result<T: Serialize>(value: T) -> HandlerResult {
    serde_json::to_value(value)
        .map(Some)
        .map_err(RpcError::internal)
}

/// Serves one client over a byte stream pair (JSONL) until it disconnects.
pub async fn serve<R, W>(app: Arc<App>, reader: R, writer: W)
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let (handle, messages) = spawn_jsonl_connection(reader, writer, ConnectionConfig::default());
    serve_connection(app, handle, messages).await;
}

/// Serves one client over any transport until it disconnects.
pub async fn serve_transport<S: MessageSource, K: MessageSink>(app: Arc<App>, source: S, sink: K) {
    let (handle, messages) = spawn_connection(source, sink, ConnectionConfig::default());
    serve_connection(app, handle, messages).await;
}

async fn serve_connection(app: Arc<App>, handle: ConnectionHandle, mut messages: ClientMessages) {
    let mut initialized = false;
    let mut opt_out = Arc::new(HashSet::new());
    while let Some(message) = messages.recv().await {
        let request = match message {
            ClientMessage::Request(r) => r,
            ClientMessage::Notification(n) => {
                if n.method != "initialized" {
                    tracing::debug!(method = %n.method, "ignoring client notification");
                }
                continue;
            }
        };
        let conn = Conn {
            handle: handle.clone(),
            opt_out: opt_out.clone(),
            id: request.id.clone(),
        };
        let result = if request.method == methods::INITIALIZE {
            if initialized {
                Err(RpcError::new(INVALID_REQUEST, "Already initialized"))
            } else {
                match request.parse_params::<InitializeParams>() {
                    Ok(params) => {
                        initialized = true;
                        let methods = params
                            .capabilities
                            .as_ref()
                            .and_then(|c| c.opt_out_notification_methods.clone())
                            .unwrap_or_default();
                        opt_out = Arc::new(methods.into_iter().collect());
                        info::initialize(&app, &params)
                    }
                    Err(err) => Err(err),
                }
            }
        } else if !initialized {
            Err(RpcError::new(INVALID_REQUEST, "Not initialized"))
        } else {
            dispatch(&app, &conn, request).await
        };
        match result {
            Ok(Some(value)) => {
                let _ = handle.respond(conn.id, value).await;
            }
            Ok(None) => {}
            Err(error) => {
                let _ = handle.respond_error(conn.id, error).await;
            }
        }
    }
    tracing::debug!(connection = handle.id(), "client disconnected");
}

async fn dispatch(app: &Arc<App>, conn: &Conn, request: IncomingRequest) -> HandlerResult {
    macro_rules! params {
        () => {
            request.parse_params()?
        };
    }
    match request.method.as_str() {
        "thread/start" => threads::start(app, conn, params!()).await,
        "thread/resume" => threads::resume(app, conn, params!()).await,
        "thread/fork" => threads::fork(app, conn, params!()).await,
        "thread/list" => thread_queries::list(app, params!()).await,
        "thread/read" => thread_queries::read(app, params!()).await,
        "thread/turns/list" => thread_queries::turns_list(app, params!()).await,
        "thread/loaded/list" => thread_queries::loaded_list(app, params!()).await,
        "thread/archive" => threads::set_archived(app, conn, params!(), true).await,
        "thread/unarchive" => threads::set_archived(app, conn, params!(), false).await,
        "thread/name/set" => threads::set_name(app, conn, params!()).await,
        "thread/revert" => threads::revert(app, params!()).await,
        "thread/rollback" => threads::rollback(app, params!()).await,
        "thread/unsubscribe" => threads::unsubscribe(app, conn, params!()).await,
        "turn/start" => turns::start(app, conn, params!()).await,
        "thread/compact/start" => turns::compact_start(app, conn, params!()).await,
        "turn/steer" => turns::steer(app, params!()).await,
        "turn/interrupt" => turns::interrupt(app, params!()).await,
        "model/list" => info::model_list(app, params!()).await,
        "config/read" => info::config_read(app, params!()).await,
        other => Err(RpcError::method_not_found(other)),
    }
}

/// Runs the app server on stdin/stdout until stdin closes.
pub async fn serve_stdio(app: Arc<App>) {
    serve(app, tokio::io::stdin(), tokio::io::stdout()).await;
}
