//! `read_file`: a slice of a text file with 1-indexed line numbers.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use hearth_plugin_sdk::prelude::*;

use crate::args;
use crate::paths::{self, Kind};

/// Lines longer than this many characters are cut.
pub const MAX_LINE_CHARS: usize = 500;
/// Bytes of one line kept in memory while reading (enough for [`MAX_LINE_CHARS`] chars).
const MAX_LINE_BYTES: usize = MAX_LINE_CHARS * 4;

/// The `read_file` tool.
pub struct ReadFile;

impl Tool for ReadFile {
    const NAME: &'static str = "read_file";
    const DESCRIPTION: &'static str = "Reads a local file with 1-indexed line numbers. Returns up \
        to `limit` lines starting at line `offset`, each prefixed `L<n>: `; lines longer than \
        500 characters are truncated.";
    const EFFECTS: Effects = Effects::READS_FS;
    const PARALLEL: bool = true;

    fn parameters() -> Value {
        json!({
            "type": "object",
            "properties": {
                "file_path": {
                    "type": "string",
                    "description": "Absolute path to the file (or a path relative to the working directory)."
                },
                "offset": {
                    "type": "number",
                    "description": "The line number to start reading from. Must be 1 or greater."
                },
                "limit": {
                    "type": "number",
                    "description": "The maximum number of lines to return (default 2000)."
                }
            },
            "required": ["file_path"],
            "additionalProperties": false
        })
    }

    fn call(args: Value, ctx: &CallContext) -> Result<ToolOutput, ToolError> {
        let raw = args::required_str(&args, "file_path")?;
        let offset = args::count(&args, "offset", 1, "a 1-indexed line number")?;
        let limit = args::count(&args, "limit", 2000, "greater than zero")?;
        let path = paths::resolve(&ctx.cwd, raw)?;
        read_lines(&path, offset, limit).map(ToolOutput::text)
    }
}

/// Lines `offset..offset + limit` of the file at `path`, formatted `L{n}: {line}`.
pub fn read_lines(path: &Path, offset: usize, limit: usize) -> Result<String, ToolError> {
    let meta = std::fs::metadata(path).map_err(|e| paths::io_error(path, Kind::File, &e))?;
    if meta.is_dir() {
        return Err(ToolError::invalid(format!(
            "not a file: {} is a directory (use list_dir)",
            path.display()
        )));
    }
    let file = File::open(path).map_err(|e| paths::io_error(path, Kind::File, &e))?;
    let mut reader = BufReader::new(file);
    let mut out = String::new();
    let mut line = Vec::new();
    let mut number = 0usize;
    let mut shown = 0usize;
    while shown < limit {
        let more = read_capped_line(&mut reader, &mut line)
            .map_err(|e| paths::io_error(path, Kind::File, &e))?;
        if !more {
            break;
        }
        number += 1;
        if number < offset {
            continue;
        }
        if shown > 0 {
            out.push('\n');
        }
        out.push_str(&format!("L{number}: {}", display_line(&line)));
        shown += 1;
    }
    if number < offset && !(number == 0 && offset == 1) {
        return Err(ToolError::invalid(format!(
            "offset exceeds file length: the file has {number} lines"
        )));
    }
    Ok(out)
}

/// Reads one line into `line` (without its end), keeping at most [`MAX_LINE_BYTES`] bytes
/// of it and skipping the rest. False at the end of the file.
fn read_capped_line(reader: &mut impl BufRead, line: &mut Vec<u8>) -> std::io::Result<bool> {
    line.clear();
    let mut read_any = false;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(read_any);
        }
        read_any = true;
        let (chunk, used, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..i], i + 1, true),
            None => (buf, buf.len(), false),
        };
        let room = MAX_LINE_BYTES.saturating_sub(line.len());
        line.extend_from_slice(&chunk[..chunk.len().min(room)]);
        reader.consume(used);
        if done {
            return Ok(true);
        }
    }
}

/// The line as text: `\r` ending dropped, invalid UTF-8 replaced, cut at
/// [`MAX_LINE_CHARS`] characters.
fn display_line(line: &[u8]) -> String {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    String::from_utf8_lossy(line)
        .chars()
        .take(MAX_LINE_CHARS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests_support::TempDir;

    #[test]
    fn reads_a_slice_with_line_numbers() {
        let dir = TempDir::new("read");
        let path = dir.write("a.txt", "one\r\ntwo\nthree\nfour");
        assert_eq!(
            read_lines(&path, 1, 2000).unwrap(),
            "L1: one\nL2: two\nL3: three\nL4: four"
        );
        assert_eq!(read_lines(&path, 2, 2).unwrap(), "L2: two\nL3: three");
        let err = read_lines(&path, 5, 1).unwrap_err();
        assert!(
            err.message().contains("offset exceeds file length"),
            "{err}"
        );
    }

    #[test]
    fn long_lines_are_cut() {
        let dir = TempDir::new("long");
        let long = "é".repeat(3000);
        let path = dir.write("long.txt", &format!("{long}\nnext\n"));
        let out = read_lines(&path, 1, 10).unwrap();
        let first = out.lines().next().unwrap();
        assert_eq!(first.chars().count(), "L1: ".len() + MAX_LINE_CHARS);
        assert!(out.ends_with("L2: next"), "{out}");
    }

    #[test]
    fn errors_are_plain() {
        let dir = TempDir::new("errs");
        let missing = read_lines(&dir.path().join("nope"), 1, 1).unwrap_err();
        assert!(missing.message().starts_with("file not found"), "{missing}");
        let not_file = read_lines(dir.path(), 1, 1).unwrap_err();
        assert!(not_file.message().starts_with("not a file"), "{not_file}");
        let empty = dir.write("empty", "");
        assert_eq!(read_lines(&empty, 1, 1).unwrap(), "");
    }

    #[test]
    fn call_resolves_relative_paths() {
        let dir = TempDir::new("call");
        dir.write("sub/f.txt", "hi\n");
        let ctx = dir.context();
        let out = ReadFile::call(json!({"file_path": "sub/f.txt"}), &ctx).unwrap();
        assert_eq!(out.content, "L1: hi");
        let err = ReadFile::call(json!({"file_path": "../x"}), &ctx).unwrap_err();
        assert!(
            err.message().contains("path escapes the workspace"),
            "{err}"
        );
        let err = ReadFile::call(json!({"file_path": "sub/f.txt", "offset": 0}), &ctx).unwrap_err();
        assert!(err.message().contains("1-indexed"), "{err}");
    }
}
