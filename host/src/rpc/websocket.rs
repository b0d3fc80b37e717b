//! The websocket transport: one JSON-RPC message per text frame, as Codex's
//! `--listen ws://` does. Pings are answered by the websocket layer; a binary frame is
//! reported as a [`FrameError`] and reading goes on; a frame or message over the size
//! cap closes the connection (the websocket layer cannot skip it).

use super::framing::{DEFAULT_MAX_MESSAGE_BYTES, FrameError, MessageSink, MessageSource};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use std::io;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

/// Limits of a websocket connection: messages and frames up to the JSONL line cap.
pub fn websocket_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .max_message_size(Some(DEFAULT_MAX_MESSAGE_BYTES))
        .max_frame_size(Some(DEFAULT_MAX_MESSAGE_BYTES))
}

/// Incoming half: text frames as messages.
pub struct WsSource<S> {
    stream: SplitStream<WebSocketStream<S>>,
}

/// Outgoing half: each message as one text frame.
pub struct WsSink<S> {
    sink: SplitSink<WebSocketStream<S>, Message>,
}

/// Splits an accepted websocket into the two halves a connection runs on.
pub fn split<S>(socket: WebSocketStream<S>) -> (WsSource<S>, WsSink<S>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (sink, stream) = socket.split();
    (WsSource { stream }, WsSink { sink })
}

fn to_io(err: WsError) -> io::Error {
    match err {
        WsError::Io(e) => e,
        other => io::Error::other(other),
    }
}

impl<S> MessageSource for WsSource<S>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    async fn next_message(&mut self) -> io::Result<Option<Result<String, FrameError>>> {
        loop {
            match self.stream.next().await {
                None | Some(Ok(Message::Close(_))) => return Ok(None),
                Some(Ok(Message::Text(text))) => return Ok(Some(Ok(text.as_str().to_owned()))),
                Some(Ok(Message::Binary(_))) => return Ok(Some(Err(FrameError::Binary))),
                // Pings are answered by the websocket layer; pongs and raw frames carry
                // nothing for us.
                Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => {}
                Some(Err(WsError::ConnectionClosed | WsError::AlreadyClosed)) => return Ok(None),
                Some(Err(err)) => return Err(to_io(err)),
            }
        }
    }
}

impl<S> MessageSink for WsSink<S>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    async fn send_message(&mut self, message: &str) -> io::Result<()> {
        self.sink
            .feed(Message::text(message.to_owned()))
            .await
            .map_err(to_io)
    }

    async fn flush(&mut self) -> io::Result<()> {
        self.sink.flush().await.map_err(to_io)
    }
}
