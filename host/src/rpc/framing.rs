//! Message framing, separate from connection logic: a transport is a [`MessageSource`]
//! (whole incoming messages as text) plus a [`MessageSink`] (whole outgoing messages).
//! [`JsonlReader`] / [`JsonlWriter`] implement them for newline-delimited JSON over any
//! `AsyncRead` / `AsyncWrite` (stdio, pipes, sockets); [`super::websocket`] implements
//! them with one message per websocket text frame.

use std::future::Future;
use std::io;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader, BufWriter};

/// Default cap on one incoming message: 8 MiB.
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 8 * 1024 * 1024;

/// A message the transport could not deliver as text. Reading continues after it.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    /// The message exceeded the size cap; it is skipped (not buffered) up to its end.
    #[error("message exceeds the maximum size of {limit} bytes and was skipped")]
    TooLong {
        /// The cap in bytes.
        limit: usize,
    },
    /// The message is not valid UTF-8.
    #[error("message is not valid UTF-8: {0}")]
    InvalidUtf8(#[from] std::string::FromUtf8Error),
    /// A websocket binary frame: messages are JSON in text frames.
    #[error("binary websocket frames are not accepted; send each JSON message as a text frame")]
    Binary,
}

/// Incoming side of a transport: yields whole messages.
pub trait MessageSource: Send + 'static {
    /// The next message; `Ok(None)` at end of stream, `Err` on an I/O error (fatal).
    /// A [`FrameError`] is a per-message problem: the caller reports it and reads on.
    fn next_message(
        &mut self,
    ) -> impl Future<Output = io::Result<Option<Result<String, FrameError>>>> + Send;
}

/// Outgoing side of a transport: writes whole messages.
pub trait MessageSink: Send + 'static {
    /// Queues one serialised message (without a trailing newline).
    fn send_message(&mut self, message: &str) -> impl Future<Output = io::Result<()>> + Send;
    /// Pushes queued messages to the peer.
    fn flush(&mut self) -> impl Future<Output = io::Result<()>> + Send;
}

/// Reads newline-delimited messages with a hard cap on line length.
///
/// An over-long line is reported as [`FrameError::TooLong`] as soon as it crosses the cap,
/// then skipped up to its newline without being buffered: memory stays bounded by the cap
/// whatever the line's length. A trailing `\r` is stripped; blank lines are skipped. A
/// final line without a newline is still delivered at end of stream.
pub struct JsonlReader<R> {
    reader: BufReader<R>,
    limit: usize,
    line: Vec<u8>,
    /// Inside an over-long line that was already reported: drop bytes until `\n`.
    discarding: bool,
}

impl<R: AsyncRead + Unpin> JsonlReader<R> {
    /// A reader with the default 8 MiB cap.
    pub fn new(inner: R) -> Self {
        Self::with_limit(inner, DEFAULT_MAX_MESSAGE_BYTES)
    }

    /// A reader with a custom cap (bytes, excluding the newline).
    pub fn with_limit(inner: R, limit: usize) -> Self {
        Self {
            reader: BufReader::with_capacity(64 * 1024, inner),
            limit,
            line: Vec::new(),
            discarding: false,
        }
    }

    /// The next line: `Ok(None)` at end of stream.
    pub async fn next_line(&mut self) -> io::Result<Option<Result<String, FrameError>>> {
        loop {
            match self.next_raw_line().await? {
                None => return Ok(None),
                Some(Err(e)) => return Ok(Some(Err(e))),
                Some(Ok(mut bytes)) => {
                    if bytes.last() == Some(&b'\r') {
                        bytes.pop();
                    }
                    if bytes.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    return Ok(Some(String::from_utf8(bytes).map_err(FrameError::from)));
                }
            }
        }
    }

    async fn next_raw_line(&mut self) -> io::Result<Option<Result<Vec<u8>, FrameError>>> {
        loop {
            let buf = self.reader.fill_buf().await?;
            if buf.is_empty() {
                // End of stream: deliver a final unterminated line, if any.
                self.discarding = false;
                if self.line.is_empty() {
                    return Ok(None);
                }
                return Ok(Some(Ok(std::mem::take(&mut self.line))));
            }
            let newline = buf.iter().position(|&b| b == b'\n');
            let chunk_len = newline.unwrap_or(buf.len());
            if self.discarding {
                let consumed = newline.map_or(chunk_len, |i| i + 1);
                self.reader.consume(consumed);
                if newline.is_some() {
                    self.discarding = false;
                }
                continue;
            }
            if self.line.len() + chunk_len > self.limit {
                // Report now; skip the rest of the line without buffering it.
                let consumed = newline.map_or(chunk_len, |i| i + 1);
                self.reader.consume(consumed);
                self.discarding = newline.is_none();
                self.release_line_buffer();
                return Ok(Some(Err(FrameError::TooLong { limit: self.limit })));
            }
            self.line.extend_from_slice(&buf[..chunk_len]);
            match newline {
                Some(i) => {
                    self.reader.consume(i + 1);
                    let line = std::mem::take(&mut self.line);
                    return Ok(Some(Ok(line)));
                }
                None => self.reader.consume(chunk_len),
            }
        }
    }

    /// Drops the partial line, giving back a large allocation.
    fn release_line_buffer(&mut self) {
        if self.line.capacity() > 1024 * 1024 {
            self.line = Vec::new();
        } else {
            self.line.clear();
        }
    }
}

impl<R: AsyncRead + Unpin + Send + 'static> MessageSource for JsonlReader<R> {
    async fn next_message(&mut self) -> io::Result<Option<Result<String, FrameError>>> {
        self.next_line().await
    }
}

/// Writes one message per line through a buffer; [`MessageSink::flush`] pushes it out.
pub struct JsonlWriter<W: AsyncWrite> {
    writer: BufWriter<W>,
}

impl<W: AsyncWrite + Unpin> JsonlWriter<W> {
    /// A writer over `inner`.
    pub fn new(inner: W) -> Self {
        Self {
            writer: BufWriter::with_capacity(64 * 1024, inner),
        }
    }
}

impl<W: AsyncWrite + Unpin + Send + 'static> MessageSink for JsonlWriter<W> {
    async fn send_message(&mut self, message: &str) -> io::Result<()> {
        debug_assert!(
            !message.contains('\n'),
            "serialised JSON has no raw newline"
        );
        self.writer.write_all(message.as_bytes()).await?;
        self.writer.write_all(b"\n").await
    }

    async fn flush(&mut self) -> io::Result<()> {
        self.writer.flush().await
    }
}

#[cfg(test)]
mod tests {
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use tokio::io::ReadBuf;

    use super::*;

    /// Produces `prefix`, then `filler` bytes of `a`, then `suffix`, without ever holding
    /// the whole stream in memory.
    struct Generated {
        prefix: &'static [u8],
        filler: usize,
        suffix: &'static [u8],
        position: usize,
    }

    impl AsyncRead for Generated {
        fn poll_read(
            mut self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            const FILL: [u8; 8192] = [b'a'; 8192];
            let (prefix_len, filler) = (self.prefix.len(), self.filler);
            let p = self.position;
            let chunk: &[u8] = if p < prefix_len {
                &self.prefix[p..]
            } else if p < prefix_len + filler {
                &FILL[..(prefix_len + filler - p).min(FILL.len())]
            } else {
                &self.suffix[(p - prefix_len - filler).min(self.suffix.len())..]
            };
            let n = chunk.len().min(buf.remaining());
            buf.put_slice(&chunk[..n]);
            self.position += n;
            Poll::Ready(Ok(()))
        }
    }

    #[tokio::test]
    async fn a_50_mb_line_is_skipped_with_bounded_memory() {
        let source = Generated {
            prefix: b"{\"id\":1,\"method\":\"x\",\"params\":\"",
            filler: 50 * 1024 * 1024,
            suffix: b"\"}\n{\"id\":2}\nlast-without-newline",
            position: 0,
        };
        let limit = 1024 * 1024;
        let mut reader = JsonlReader::with_limit(source, limit);
        let first = reader.next_line().await.unwrap().unwrap();
        assert!(matches!(first, Err(FrameError::TooLong { limit: l }) if l == limit));
        assert!(
            reader.line.capacity() <= limit + 64 * 1024,
            "line buffer stays bounded"
        );
        let second = reader.next_line().await.unwrap().unwrap().unwrap();
        assert_eq!(second, "{\"id\":2}");
        assert!(reader.line.capacity() <= 2 * limit);
        let last = reader.next_line().await.unwrap().unwrap().unwrap();
        assert_eq!(last, "last-without-newline");
        assert!(reader.next_line().await.unwrap().is_none());
    }

    #[tokio::test]
    async fn a_line_exactly_at_the_limit_is_accepted() {
        let data: &[u8] = b"12345\n123456\nok\n";
        let mut reader = JsonlReader::with_limit(data, 5);
        assert_eq!(reader.next_line().await.unwrap().unwrap().unwrap(), "12345");
        assert!(matches!(
            reader.next_line().await.unwrap().unwrap(),
            Err(FrameError::TooLong { .. })
        ));
        assert_eq!(reader.next_line().await.unwrap().unwrap().unwrap(), "ok");
        assert!(reader.next_line().await.unwrap().is_none());
    }

    #[tokio::test]
    async fn invalid_utf8_is_reported_and_reading_continues() {
        let data: &[u8] = b"\xc3\x28\n{}\n";
        let mut reader = JsonlReader::new(data);
        assert!(matches!(
            reader.next_line().await.unwrap().unwrap(),
            Err(FrameError::InvalidUtf8(_))
        ));
        assert_eq!(reader.next_line().await.unwrap().unwrap().unwrap(), "{}");
    }
}
