//! One client connection: a reader task, a writer task and a [`ConnectionHandle`] to
//! answer requests, send notifications and make server → client requests.
//!
//! ```text
//! MessageSource ─▶ reader task ─┬─▶ bounded queue ─▶ ClientMessage (server processes)
//!                               ├─▶ answers to server requests ─▶ pending oneshots
//!                               └─▶ protocol errors ─┐
//! ConnectionHandle::{respond, notify, request} ─────┴─▶ bounded queue ─▶ writer task ─▶ MessageSink
//! ```
//! When the processing queue is full, requests are answered at once with -32001 and
//! notifications are dropped with a warning. Answers to server requests bypass that queue,
//! so an approval can always come back. When the client goes away, pending server requests
//! fail with [`RpcError::client_disconnected`].

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::task::{Context, Poll};

use serde::Serialize;
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{mpsc, oneshot, watch};

use super::error::RpcError;
use super::framing::{
    DEFAULT_MAX_MESSAGE_BYTES, FrameError, JsonlReader, JsonlWriter, MessageSink, MessageSource,
};
use super::message::{
    Incoming, IncomingNotification, IncomingRequest, IncomingResponse, Outgoing, RequestId,
    parse_incoming,
};

/// Limits of one connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionConfig {
    /// Cap on one incoming message in bytes (default 8 MiB).
    pub max_message_bytes: usize,
    /// Capacity of the queue between reading and processing (default 128).
    pub incoming_capacity: usize,
    /// Capacity of the queue in front of the writer (default 1024).
    pub outgoing_capacity: usize,
}

impl Default for ConnectionConfig {
    fn default() -> Self {
        Self {
            max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
            incoming_capacity: 128,
            outgoing_capacity: 1024,
        }
    }
}

/// A message for the server to process.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientMessage {
    /// A request: answer it with [`ConnectionHandle::respond`] or
    /// [`ConnectionHandle::respond_error`].
    Request(IncomingRequest),
    /// A notification (e.g. `initialized`).
    Notification(IncomingNotification),
}

/// The connection's outgoing side is gone (the writer stopped or the peer closed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("connection closed")]
pub struct Disconnected;

type PendingSender = oneshot::Sender<Result<Value, RpcError>>;

#[derive(Default)]
struct Pending {
    closed: bool,
    waiting: HashMap<RequestId, PendingSender>,
}

struct Shared {
    id: u64,
    outgoing: mpsc::Sender<Outgoing>,
    pending: Mutex<Pending>,
    next_request_id: AtomicI64,
    closed: watch::Sender<bool>,
}

impl Shared {
    fn pending(&self) -> std::sync::MutexGuard<'_, Pending> {
        // A panic while holding this short-lived lock leaves the map consistent.
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Marks the connection closed and fails every pending server request.
    fn close(&self) {
        let waiting = {
            let mut pending = self.pending();
            pending.closed = true;
            std::mem::take(&mut pending.waiting)
        };
        for (_, sender) in waiting {
            let _ = sender.send(Err(RpcError::client_disconnected()));
        }
        self.closed.send_replace(true);
    }

    fn resolve(&self, response: IncomingResponse) {
        let sender = self.pending().waiting.remove(&response.id);
        match sender {
            Some(sender) => {
                let _ = sender.send(response.result);
            }
            None => tracing::warn!(
                connection = self.id,
                id = %response.id,
                "response to an unknown or abandoned server request; ignored"
            ),
        }
    }

    async fn send(&self, message: Outgoing) -> Result<(), Disconnected> {
        self.outgoing.send(message).await.map_err(|_| Disconnected)
    }
}

/// Cheap to clone; every clone talks to the same connection.
#[derive(Clone)]
pub struct ConnectionHandle {
    shared: Arc<Shared>,
}

/// Receives what the client sends, in order; `None` once the client is gone.
pub type ClientMessages = mpsc::Receiver<ClientMessage>;

/// Starts a connection over a transport and returns its handle and incoming messages.
/// Must be called inside a tokio runtime.
pub fn spawn_connection<S: MessageSource, K: MessageSink>(
    source: S,
    sink: K,
    config: ConnectionConfig,
) -> (ConnectionHandle, ClientMessages) {
    static NEXT_CONNECTION: AtomicU64 = AtomicU64::new(1);
    let (outgoing_tx, outgoing_rx) = mpsc::channel(config.outgoing_capacity.max(1));
    let (incoming_tx, incoming_rx) = mpsc::channel(config.incoming_capacity.max(1));
    let shared = Arc::new(Shared {
        id: NEXT_CONNECTION.fetch_add(1, Ordering::Relaxed),
        outgoing: outgoing_tx,
        pending: Mutex::new(Pending::default()),
        next_request_id: AtomicI64::new(0),
        closed: watch::channel(false).0,
    });
    tokio::spawn(write_loop(sink, outgoing_rx, Arc::downgrade(&shared)));
    tokio::spawn(read_loop(source, Arc::clone(&shared), incoming_tx));
    (ConnectionHandle { shared }, incoming_rx)
}

/// Starts a JSONL connection (stdio, pipes, sockets).
pub fn spawn_jsonl_connection<R, W>(
    reader: R,
    writer: W,
    config: ConnectionConfig,
) -> (ConnectionHandle, ClientMessages)
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let source = JsonlReader::with_limit(reader, config.max_message_bytes);
    spawn_connection(source, JsonlWriter::new(writer), config)
}

async fn read_loop<S: MessageSource>(
    mut source: S,
    shared: Arc<Shared>,
    incoming: mpsc::Sender<ClientMessage>,
) {
    let id = shared.id;
    loop {
        let text = match source.next_message().await {
            Ok(Some(Ok(text))) => text,
            Ok(Some(Err(frame_error))) => {
                tracing::warn!(connection = id, "{frame_error}");
                let error = match frame_error {
                    FrameError::TooLong { .. } | FrameError::Binary => {
                        RpcError::invalid_request(&frame_error)
                    }
                    FrameError::InvalidUtf8(_) => RpcError::parse_error(&frame_error),
                };
                if shared
                    .send(Outgoing::Error { id: None, error })
                    .await
                    .is_err()
                {
                    break;
                }
                continue;
            }
            Ok(None) => break,
            Err(e) => {
                tracing::warn!(connection = id, "read failed: {e}");
                break;
            }
        };
        let reply = match parse_incoming(&text) {
            Err(failure) => {
                tracing::debug!(connection = id, "bad message: {}", failure.error.message);
                Some(Outgoing::Error {
                    id: failure.id,
                    error: failure.error,
                })
            }
            Ok(Incoming::Response(response)) => {
                shared.resolve(response);
                None
            }
            Ok(Incoming::Request(request)) => {
                match incoming.try_send(ClientMessage::Request(request)) {
                    Ok(()) => None,
                    Err(mpsc::error::TrySendError::Full(ClientMessage::Request(request))) => {
                        tracing::warn!(connection = id, method = %request.method, "overloaded; request rejected");
                        Some(Outgoing::Error {
                            id: Some(request.id),
                            error: RpcError::overloaded(),
                        })
                    }
                    Err(error) => {
                        let ClientMessage::Request(request) = error.into_inner() else {
                            unreachable!("a request was sent")
                        };
                        Some(Outgoing::Error {
                            id: Some(request.id),
                            error: RpcError::internal("the server is shutting down"),
                        })
                    }
                }
            }
            Ok(Incoming::Notification(notification)) => {
                let method = notification.method.clone();
                match incoming.try_send(ClientMessage::Notification(notification)) {
                    Ok(()) => {}
                    Err(mpsc::error::TrySendError::Full(_)) => {
                        tracing::warn!(connection = id, %method, "overloaded; notification dropped");
                    }
                    Err(mpsc::error::TrySendError::Closed(_)) => {}
                }
                None
            }
        };
        if let Some(reply) = reply
            && shared.send(reply).await.is_err()
        {
            break;
        }
    }
    tracing::debug!(connection = id, "client input ended");
    shared.close();
}

async fn write_loop<K: MessageSink>(
    mut sink: K,
    mut outgoing: mpsc::Receiver<Outgoing>,
    shared: Weak<Shared>,
) {
    let result: std::io::Result<()> = async {
        while let Some(message) = outgoing.recv().await {
            sink.send_message(&message.to_line()).await?;
            // Batch whatever else is queued, then flush once.
            while let Ok(message) = outgoing.try_recv() {
                sink.send_message(&message.to_line()).await?;
            }
            sink.flush().await?;
        }
        Ok(())
    }
    .await;
    if let Err(e) = result {
        tracing::warn!("writing to the client failed: {e}");
        if let Some(shared) = shared.upgrade() {
            shared.close();
        }
    }
}

impl ConnectionHandle {
    /// A number identifying the connection in logs.
    pub fn id(&self) -> u64 {
        self.shared.id
    }

    /// Sends any message.
    pub async fn send(&self, message: Outgoing) -> Result<(), Disconnected> {
        self.shared.send(message).await
    }

    /// Answers request `id` with `result`.
    pub async fn respond(&self, id: RequestId, result: Value) -> Result<(), Disconnected> {
        self.send(Outgoing::Response { id, result }).await
    }

    /// Answers request `id` with a serialisable result.
    pub async fn respond_with<T: Serialize + ?Sized>(
        &self,
        id: RequestId,
        result: &T,
    ) -> Result<(), Disconnected> {
        match serde_json::to_value(result) {
            Ok(result) => self.respond(id, result).await,
            Err(e) => self.respond_error(id, RpcError::internal(e)).await,
        }
    }

    /// Answers request `id` with an error.
    pub async fn respond_error(&self, id: RequestId, error: RpcError) -> Result<(), Disconnected> {
        self.send(Outgoing::Error {
            id: Some(id),
            error,
        })
        .await
    }

    /// Sends a notification, stamped with `emittedAtMs`.
    pub async fn notify(&self, method: &str, params: Value) -> Result<(), Disconnected> {
        self.send(Outgoing::Notification {
            method: method.to_owned(),
            params: Some(params),
            emitted_at_ms: Some(now_ms()),
        })
        .await
    }

    /// Sends a typed protocol notification.
    pub async fn notify_protocol(
        &self,
        notification: &crate::protocol::ServerNotification,
    ) -> Result<(), Disconnected> {
        self.notify(notification.method(), notification.params())
            .await
    }

    /// Sends a server → client request and returns it once it is queued: its id (for
    /// `serverRequest/resolved`) and a future of the client's answer. Dropping the
    /// [`PendingRequest`] abandons it (a late answer is ignored).
    pub async fn start_request(
        &self,
        method: &str,
        params: Value,
    ) -> Result<PendingRequest, RpcError> {
        let id = RequestId::Integer(self.shared.next_request_id.fetch_add(1, Ordering::Relaxed));
        let (sender, receiver) = oneshot::channel();
        {
            let mut pending = self.shared.pending();
            if pending.closed {
                return Err(RpcError::client_disconnected());
            }
            pending.waiting.insert(id.clone(), sender);
        }
        let request = PendingRequest {
            id: id.clone(),
            receiver,
            shared: Arc::clone(&self.shared),
        };
        let message = Outgoing::Request {
            id,
            method: method.to_owned(),
            params: Some(params),
        };
        if self.send(message).await.is_err() {
            return Err(RpcError::client_disconnected());
        }
        Ok(request)
    }

    /// Sends a server → client request and waits for the answer. Fails with
    /// [`RpcError::client_disconnected`] if the client goes away first (treat as decline),
    /// or with the client's own error.
    pub fn request(
        &self,
        method: &str,
        params: Value,
    ) -> impl Future<Output = Result<Value, RpcError>> + Send + 'static {
        let handle = self.clone();
        let method = method.to_owned();
        async move { handle.start_request(&method, params).await?.await }
    }

    /// Whether the client has gone away.
    pub fn is_closed(&self) -> bool {
        *self.shared.closed.borrow()
    }

    /// Resolves once the client has gone away.
    pub async fn closed(&self) {
        let mut receiver = self.shared.closed.subscribe();
        // The sender lives in `shared`, which this handle keeps alive.
        let _ = receiver.wait_for(|closed| *closed).await;
    }

    /// Number of server requests still waiting for an answer.
    pub fn pending_requests(&self) -> usize {
        self.shared.pending().waiting.len()
    }
}

/// A server → client request in flight; a future of the client's answer.
pub struct PendingRequest {
    id: RequestId,
    receiver: oneshot::Receiver<Result<Value, RpcError>>,
    shared: Arc<Shared>,
}

impl PendingRequest {
    /// The id the request was sent with.
    pub fn id(&self) -> &RequestId {
        &self.id
    }
}

impl Future for PendingRequest {
    type Output = Result<Value, RpcError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.receiver)
            .poll(cx)
            .map(|answer| answer.unwrap_or_else(|_| Err(RpcError::client_disconnected())))
    }
}

impl Drop for PendingRequest {
    fn drop(&mut self) {
        self.shared.pending().waiting.remove(&self.id);
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
