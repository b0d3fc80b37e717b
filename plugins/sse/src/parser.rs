//! An incremental parser of the `text/event-stream` format: bytes go in as they arrive,
//! complete events come out. Lines end in `\n`, `\r\n` or `\r`; comments (`:`) and the
//! `id` and `retry` fields are ignored; several `data` lines join with `\n`.

/// One server-sent event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event` field, when the server named the event.
    pub event: Option<String>,
    /// The `data` lines, joined with `\n`.
    pub data: String,
}

/// Parses an event stream incrementally.
#[derive(Debug, Default)]
pub struct SseParser {
    buf: Vec<u8>,
    /// Start of the unparsed part of `buf`.
    pos: usize,
    event: Option<String>,
    data: String,
    has_data: bool,
}

impl SseParser {
    /// A parser with nothing buffered.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends bytes received from the server.
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.pos > 0 && self.pos * 2 >= self.buf.len() {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// The next complete event, if the bytes fed so far hold one.
    pub fn next_event(&mut self) -> Option<SseEvent> {
        while let Some(line) = self.take_line(false) {
            if let Some(event) = self.apply_line(&line) {
                return Some(event);
            }
        }
        None
    }

    /// At the end of the body: the last event even without its closing blank line (some
    /// servers omit it). Call after [`next_event`](Self::next_event) returned `None`.
    pub fn finish(&mut self) -> Option<SseEvent> {
        while let Some(line) = self.take_line(true) {
            if let Some(event) = self.apply_line(&line) {
                return Some(event);
            }
        }
        self.dispatch()
    }

    /// Takes one line without its terminator; with `at_end`, the unterminated rest too.
    fn take_line(&mut self, at_end: bool) -> Option<String> {
        let rest = &self.buf[self.pos..];
        let (line, consumed) = match rest.iter().position(|b| *b == b'\n' || *b == b'\r') {
            Some(i) if rest[i] == b'\r' => match rest.get(i + 1) {
                Some(b'\n') => (&rest[..i], i + 2),
                Some(_) => (&rest[..i], i + 1),
                // A `\r` at the end of the buffer may be half of `\r\n`: wait for more.
                None if !at_end => return None,
                None => (&rest[..i], i + 1),
            },
            Some(i) => (&rest[..i], i + 1),
            None if at_end && !rest.is_empty() => (rest, rest.len()),
            None => return None,
        };
        let line = String::from_utf8_lossy(line).into_owned();
        self.pos += consumed;
        Some(line)
    }

    fn apply_line(&mut self, line: &str) -> Option<SseEvent> {
        if line.is_empty() {
            return self.dispatch();
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => self.event = Some(value.to_string()),
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            _ => {}
        }
        None
    }

    fn dispatch(&mut self) -> Option<SseEvent> {
        let event = self.event.take();
        if !self.has_data {
            return None;
        }
        self.has_data = false;
        Some(SseEvent {
            event,
            data: std::mem::take(&mut self.data),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(parser: &mut SseParser) -> Vec<SseEvent> {
        std::iter::from_fn(|| parser.next_event()).collect()
    }

    fn ev(event: Option<&str>, data: &str) -> SseEvent {
        SseEvent {
            event: event.map(str::to_string),
            data: data.to_string(),
        }
    }

    #[test]
    fn events_split_anywhere_come_out_whole() {
        let text = "event: a\ndata: {\"x\":1}\n\n: comment\r\ndata: one\r\ndata:two\r\n\r\nid: 3\rdata: é\r\r";
        let expected = vec![
            ev(Some("a"), "{\"x\":1}"),
            ev(None, "one\ntwo"),
            ev(None, "é"),
        ];
        for split in 0..text.len() {
            let mut parser = SseParser::new();
            let mut got = Vec::new();
            for chunk in [&text.as_bytes()[..split], &text.as_bytes()[split..]] {
                parser.feed(chunk);
                got.extend(all(&mut parser));
            }
            got.extend(parser.finish());
            assert_eq!(got, expected, "split at {split}");
        }
        let mut bytewise = SseParser::new();
        let mut got = Vec::new();
        for b in text.as_bytes() {
            bytewise.feed(std::slice::from_ref(b));
            got.extend(all(&mut bytewise));
        }
        got.extend(bytewise.finish());
        assert_eq!(got, expected);
    }

    #[test]
    fn events_without_data_are_skipped_and_the_tail_is_kept() {
        let mut parser = SseParser::new();
        parser.feed(b"event: ping\n\ndata: [DONE]");
        assert_eq!(parser.next_event(), None);
        assert_eq!(parser.finish(), Some(ev(None, "[DONE]")));
        assert_eq!(parser.finish(), None);
    }

    #[test]
    fn the_buffer_is_compacted() {
        let mut parser = SseParser::new();
        for i in 0..1000 {
            parser.feed(format!("data: {i}\n\n").as_bytes());
            assert_eq!(parser.next_event().unwrap().data, i.to_string());
        }
        assert!(parser.buf.len() < 64, "{}", parser.buf.len());
    }
}
