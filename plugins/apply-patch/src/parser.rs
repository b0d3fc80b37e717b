//! Parsing Codex's patch format.
//!
//! ```text
//! *** Begin Patch
//! *** Add File: docs/new.md
//! +first line
//! +second line
//! *** Delete File: old.txt
//! *** Update File: src/lib.rs
//! *** Move to: src/main.rs
//! @@ fn main() {
//!      let a = 1;
//! -    let b = 2;
//! +    let b = 3;
//! @@
//!  last context
//! +appended
//! *** End of File
//! *** End Patch
//! ```
//!
//! A patch is a list of file operations. An added file's lines each start with `+`. An
//! update holds hunks: each starts with `@@` (optionally followed by a line to find
//! first, such as a function's signature; the first hunk may leave `@@` out) and has
//! lines starting with ` ` (context), `-` (removed) or `+` (added); an empty line counts
//! as an empty context line. `*** End of File` anchors the hunk before it at the end of
//! the file. Lines may end in `\r\n`, and a patch wrapped in a shell here-document
//! (`<<'EOF'` … `EOF`) is unwrapped.

use hearth_plugin_sdk::prelude::*;

/// One file operation of a patch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileOp {
    /// Create a file with the given contents.
    Add {
        /// Path as written in the patch.
        path: String,
        /// The whole file, each line ending in `\n`.
        contents: String,
    },
    /// Delete a file.
    Delete {
        /// Path as written in the patch.
        path: String,
    },
    /// Change a file, and maybe rename it.
    Update {
        /// Path as written in the patch.
        path: String,
        /// New path, for a rename.
        move_to: Option<String>,
        /// The hunks, in file order.
        hunks: Vec<Hunk>,
    },
}

/// One hunk of an update.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hunk {
    /// The line after `@@ `, to find before matching the hunk's lines.
    pub header: Option<String>,
    /// The hunk's lines, in order.
    pub lines: Vec<HunkLine>,
    /// True when the hunk must match at the end of the file (`*** End of File`).
    pub end_of_file: bool,
}

/// One line of a hunk, without its prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HunkLine {
    /// ` `: a line that stays.
    Context(String),
    /// `-`: a line that goes.
    Remove(String),
    /// `+`: a line that comes.
    Add(String),
}

impl Hunk {
    /// The lines the hunk expects in the file: context and removed lines.
    pub fn old(&self) -> Vec<&str> {
        self.lines
            .iter()
            .filter_map(|l| match l {
                HunkLine::Context(t) | HunkLine::Remove(t) => Some(t.as_str()),
                HunkLine::Add(_) => None,
            })
            .collect()
    }

    /// True when the hunk only adds lines.
    pub fn is_insertion(&self) -> bool {
        self.lines.iter().all(|l| matches!(l, HunkLine::Add(_)))
    }
}

const BEGIN: &str = "*** Begin Patch";
const END: &str = "*** End Patch";
const ADD: &str = "*** Add File:";
const DELETE: &str = "*** Delete File:";
const UPDATE: &str = "*** Update File:";
const MOVE: &str = "*** Move to:";
const END_OF_FILE: &str = "*** End of File";

/// Parses a whole patch into its file operations, in order.
pub fn parse(input: &str) -> Result<Vec<FileOp>, ToolError> {
    let lines = unwrap_heredoc(
        input
            .trim()
            .lines()
            .map(|l| l.trim_end_matches('\r'))
            .collect(),
    );
    if lines.first().map(|l| l.trim()) != Some(BEGIN) {
        return Err(invalid(format!(
            "the first line of the patch must be `{BEGIN}`"
        )));
    }
    if lines.len() < 2 || lines.last().map(|l| l.trim()) != Some(END) {
        return Err(invalid(format!(
            "the last line of the patch must be `{END}`"
        )));
    }
    let mut parser = Parser {
        lines: &lines[..lines.len() - 1],
        at: 1,
    };
    let mut ops = Vec::new();
    while parser.at < parser.lines.len() {
        if parser.lines[parser.at].trim().is_empty() {
            parser.at += 1;
            continue;
        }
        ops.push(parser.file_op()?);
    }
    if ops.is_empty() {
        return Err(invalid("the patch changes no file"));
    }
    Ok(ops)
}

/// Drops a `<<'EOF'` … `EOF` wrapper (any delimiter, quoted or not).
fn unwrap_heredoc(lines: Vec<&str>) -> Vec<&str> {
    let [first, .., last] = lines.as_slice() else {
        return lines;
    };
    let Some(start) = first.trim().rfind("<<") else {
        return lines;
    };
    let delimiter = first.trim()[start + 2..]
        .trim_start_matches('-')
        .trim()
        .trim_matches(|c| c == '\'' || c == '"');
    if delimiter.is_empty() || last.trim() != delimiter {
        return lines;
    }
    lines[1..lines.len() - 1].to_vec()
}

fn invalid(message: impl AsRef<str>) -> ToolError {
    ToolError::invalid(format!("invalid patch: {}", message.as_ref()))
}

struct Parser<'a> {
    /// The lines between the begin and end markers (index 0 is the begin marker).
    lines: &'a [&'a str],
    /// Index of the next line to read.
    at: usize,
}

impl<'a> Parser<'a> {
    /// The 1-based line number of `self.lines[index]` in the patch.
    fn number(&self, index: usize) -> usize {
        index + 1
    }

    fn file_op(&mut self) -> Result<FileOp, ToolError> {
        let line = self.lines[self.at].trim();
        let number = self.number(self.at);
        self.at += 1;
        if let Some(path) = line.strip_prefix(ADD) {
            let path = self.path(path, number)?;
            let mut contents = String::new();
            while let Some(text) = self.lines.get(self.at).and_then(|l| l.strip_prefix('+')) {
                contents.push_str(text);
                contents.push('\n');
                self.at += 1;
            }
            self.expect_header(&format!(
                "every line of the added file {path} must start with `+`"
            ))?;
            Ok(FileOp::Add { path, contents })
        } else if let Some(path) = line.strip_prefix(DELETE) {
            let path = self.path(path, number)?;
            self.expect_header(&format!(
                "`{DELETE} {path}` must be followed by another file operation"
            ))?;
            Ok(FileOp::Delete { path })
        } else if let Some(path) = line.strip_prefix(UPDATE) {
            let path = self.path(path, number)?;
            let move_to = match self.lines.get(self.at).map(|l| l.trim()) {
                Some(l) if l.starts_with(MOVE) => {
                    self.at += 1;
                    Some(self.path(&l[MOVE.len()..], number + 1)?)
                }
                _ => None,
            };
            let hunks = self.hunks(&path)?;
            if hunks.is_empty() && move_to.is_none() {
                return Err(invalid(format!(
                    "line {number}: the update of {path} has no hunks"
                )));
            }
            Ok(FileOp::Update {
                path,
                move_to,
                hunks,
            })
        } else {
            Err(invalid(format!(
                "line {number}: `{line}` is not a file operation; expected `{ADD} <path>`, \
                 `{DELETE} <path>` or `{UPDATE} <path>`"
            )))
        }
    }

    fn path(&self, raw: &str, number: usize) -> Result<String, ToolError> {
        let path = raw.trim();
        if path.is_empty() {
            return Err(invalid(format!("line {number}: the path is missing")));
        }
        Ok(path.to_string())
    }

    /// Fails with `message` unless the next line starts a file operation (or ends the
    /// patch). Blank lines before it are skipped.
    fn expect_header(&mut self, message: &str) -> Result<(), ToolError> {
        while self.lines.get(self.at).is_some_and(|l| l.trim().is_empty()) {
            self.at += 1;
        }
        match self.lines.get(self.at) {
            None => Ok(()),
            Some(line) if is_file_header(line) => Ok(()),
            Some(line) => Err(invalid(format!(
                "line {}: unexpected `{line}`: {message}",
                self.number(self.at)
            ))),
        }
    }

    /// The hunks of an update, up to the next file operation.
    fn hunks(&mut self, path: &str) -> Result<Vec<Hunk>, ToolError> {
        let mut hunks: Vec<Hunk> = Vec::new();
        let mut current: Option<Hunk> = None;
        while let Some(&line) = self.lines.get(self.at) {
            if is_file_header(line) {
                break;
            }
            let number = self.number(self.at);
            self.at += 1;
            if let Some(rest) = line.strip_prefix("@@") {
                finish(&mut hunks, current.take(), path, number)?;
                let header = hunk_header(rest);
                current = Some(Hunk {
                    header: (!header.is_empty()).then(|| header.to_string()),
                    ..Hunk::default()
                });
                continue;
            }
            if line.trim() == END_OF_FILE {
                let mut hunk = current.take().ok_or_else(|| {
                    invalid(format!(
                        "line {number}: `{END_OF_FILE}` outside a hunk of {path}"
                    ))
                })?;
                hunk.end_of_file = true;
                finish(&mut hunks, Some(hunk), path, number)?;
                continue;
            }
            if current.is_none() && !hunks.is_empty() {
                return Err(invalid(format!(
                    "line {number}: a new hunk of {path} must start with `@@`, found `{line}`"
                )));
            }
            let hunk = current.get_or_insert_with(Hunk::default);
            let text = line.get(1..).unwrap_or_default().to_string();
            match line.chars().next() {
                None | Some(' ') => hunk.lines.push(HunkLine::Context(text)),
                Some('-') => hunk.lines.push(HunkLine::Remove(text)),
                Some('+') => hunk.lines.push(HunkLine::Add(text)),
                Some(_) => {
                    return Err(invalid(format!(
                        "line {number}: unexpected `{line}` in a hunk of {path}: hunk lines \
                         start with ` ` (context), `-` (remove) or `+` (add)"
                    )));
                }
            }
        }
        finish(&mut hunks, current, path, self.number(self.at))?;
        Ok(hunks)
    }
}

/// Adds a finished hunk, refusing one without any line.
fn finish(
    hunks: &mut Vec<Hunk>,
    hunk: Option<Hunk>,
    path: &str,
    number: usize,
) -> Result<(), ToolError> {
    if let Some(hunk) = hunk {
        if hunk.lines.is_empty() {
            return Err(invalid(format!(
                "line {number}: hunk {} of {path} has no lines",
                hunks.len() + 1
            )));
        }
        hunks.push(hunk);
    }
    Ok(())
}

/// The text after `@@`: a line to find. A unified-diff range (`-12,3 +12,4 @@ fn f()`),
/// which models sometimes copy from `git diff`, is dropped, keeping what follows it.
fn hunk_header(rest: &str) -> &str {
    let rest = rest.trim();
    let is_range = |word: &str, sign: char| {
        word.strip_prefix(sign).is_some_and(|r| {
            !r.is_empty()
                && r.split(',')
                    .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        })
    };
    let mut words = rest.splitn(3, ' ');
    match (words.next(), words.next(), words.next()) {
        (Some(old), Some(new), tail) if is_range(old, '-') && is_range(new, '+') => tail
            .map(str::trim)
            .and_then(|t| t.strip_prefix("@@"))
            .map_or("", str::trim),
        _ => rest,
    }
}

fn is_file_header(line: &str) -> bool {
    let line = line.trim();
    line.starts_with(ADD) || line.starts_with(DELETE) || line.starts_with(UPDATE)
}

#[cfg(test)]
#[path = "parser_tests.rs"]
mod tests;
