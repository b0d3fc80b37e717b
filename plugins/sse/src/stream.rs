//! A response stream in the SDK's pull model: each [`EventSource::next_event`] returns a
//! queued model event, or parses the next server-sent event, or — only when neither is
//! ready — reads more bytes from the body. So deltas reach the host as they arrive, and
//! nothing is read ahead of what the host asked for.

use std::collections::VecDeque;

use hearth_plugin_sdk::model::{EventSource, ModelError, ModelEvent};

use crate::parser::{SseEvent, SseParser};

/// Where the bytes of a response body come from.
pub trait ByteSource {
    /// The next bytes (blocking until some arrive), `None` at the end of the body.
    fn read(&mut self) -> Result<Option<Vec<u8>>, ModelError>;
}

/// Turns a provider's server-sent events into model events.
pub trait EventMapper {
    /// Maps one event, pushing model events onto `out`; `Ok(true)` when the response is
    /// complete (nothing after it is read).
    fn on_event(
        &mut self,
        event: &SseEvent,
        out: &mut VecDeque<ModelEvent>,
    ) -> Result<bool, ModelError>;

    /// The body ended before an event completed the response: either finish (pushing
    /// any last events) or say why the response is broken.
    fn on_eof(&mut self, out: &mut VecDeque<ModelEvent>) -> Result<(), ModelError>;
}

/// Model events parsed lazily from an event-stream body.
pub struct SseStream<B, M> {
    body: B,
    mapper: M,
    parser: SseParser,
    queue: VecDeque<ModelEvent>,
    complete: bool,
    at_end: bool,
}

impl<B: ByteSource, M: EventMapper> SseStream<B, M> {
    /// Reads `body` through `mapper`.
    pub fn new(body: B, mapper: M) -> Self {
        SseStream {
            body,
            mapper,
            parser: SseParser::new(),
            queue: VecDeque::new(),
            complete: false,
            at_end: false,
        }
    }

    fn map(&mut self, event: &SseEvent) -> Result<(), ModelError> {
        if self.mapper.on_event(event, &mut self.queue)? {
            self.complete = true;
        }
        Ok(())
    }
}

impl<B: ByteSource, M: EventMapper> EventSource for SseStream<B, M> {
    fn next_event(&mut self) -> Result<Option<ModelEvent>, ModelError> {
        loop {
            if let Some(event) = self.queue.pop_front() {
                return Ok(Some(event));
            }
            if self.complete {
                return Ok(None);
            }
            if let Some(event) = self.parser.next_event() {
                self.map(&event)?;
                continue;
            }
            if self.at_end {
                match self.parser.finish() {
                    Some(event) => self.map(&event)?,
                    None => {
                        self.mapper.on_eof(&mut self.queue)?;
                        self.complete = true;
                    }
                }
                continue;
            }
            match self.body.read()? {
                Some(bytes) => self.parser.feed(&bytes),
                None => self.at_end = true,
            }
        }
    }
}

/// A body held in memory, handed out in fixed-size chunks (for tests).
#[derive(Debug, Clone)]
pub struct ChunkedBytes {
    chunks: VecDeque<Vec<u8>>,
    /// Returned once the chunks run out, instead of the end of the body.
    pub fail_at_end: Option<ModelError>,
}

impl ChunkedBytes {
    /// `bytes` in chunks of `size` bytes.
    pub fn new(bytes: &[u8], size: usize) -> Self {
        ChunkedBytes {
            chunks: bytes.chunks(size.max(1)).map(<[u8]>::to_vec).collect(),
            fail_at_end: None,
        }
    }
}

impl ByteSource for ChunkedBytes {
    fn read(&mut self) -> Result<Option<Vec<u8>>, ModelError> {
        match self.chunks.pop_front() {
            Some(chunk) => Ok(Some(chunk)),
            None => match self.fail_at_end.take() {
                Some(err) => Err(err),
                None => Ok(None),
            },
        }
    }
}

/// Pulls every event of `source`: the events, and the error that ended it if any.
pub fn drain(source: &mut dyn EventSource) -> (Vec<ModelEvent>, Option<ModelError>) {
    let mut events = Vec::new();
    loop {
        match source.next_event() {
            Ok(Some(event)) => events.push(event),
            Ok(None) => return (events, None),
            Err(err) => return (events, Some(err)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearth_plugin_sdk::model::TextDelta;

    /// Each `data` becomes a text delta; `end` completes; EOF without it is an error.
    struct Echo;

    impl EventMapper for Echo {
        fn on_event(
            &mut self,
            event: &SseEvent,
            out: &mut VecDeque<ModelEvent>,
        ) -> Result<bool, ModelError> {
            if event.data == "end" {
                return Ok(true);
            }
            out.push_back(ModelEvent::TextDelta(TextDelta {
                item_id: "m".into(),
                index: 0,
                delta: event.data.clone(),
            }));
            Ok(false)
        }

        fn on_eof(&mut self, _out: &mut VecDeque<ModelEvent>) -> Result<(), ModelError> {
            Err(ModelError::retryable("closed early"))
        }
    }

    fn texts(events: &[ModelEvent]) -> Vec<String> {
        events
            .iter()
            .map(|e| match e {
                ModelEvent::TextDelta(d) => d.delta.clone(),
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn reads_only_as_far_as_needed_and_stops_at_completion() {
        let body = ChunkedBytes::new(b"data: a\n\ndata: b\n\ndata: end\n\ndata: never\n\n", 3);
        let mut stream = SseStream::new(body, Echo);
        assert!(matches!(stream.next_event(), Ok(Some(_))));
        // "data: a\n\n" is 9 bytes: three chunks read, the rest still unread.
        assert_eq!(stream.body.chunks.len(), 11);
        let (events, err) = drain(&mut stream);
        assert_eq!(texts(&events), ["b"]);
        assert!(err.is_none());
    }

    #[test]
    fn a_body_that_ends_early_or_fails_is_an_error() {
        let mut stream = SseStream::new(ChunkedBytes::new(b"data: a\n\ndata: b", 4), Echo);
        let (events, err) = drain(&mut stream);
        assert_eq!(texts(&events), ["a", "b"]);
        assert_eq!(err.unwrap().message, "closed early");

        let mut body = ChunkedBytes::new(b"data: a\n\n", 100);
        body.fail_at_end = Some(ModelError::retryable("reset"));
        let (events, err) = drain(&mut SseStream::new(body, Echo));
        assert_eq!(texts(&events), ["a"]);
        assert_eq!(err.unwrap().message, "reset");

        let (_, err) = drain(&mut SseStream::new(
            ChunkedBytes::new(b"data: end", 2),
            Echo,
        ));
        assert!(err.is_none(), "an unterminated last event still counts");
    }
}
