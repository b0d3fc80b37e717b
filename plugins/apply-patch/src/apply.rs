//! Applying an update's hunks to a file's text.
//!
//! Hunks are matched in order, each searching forward from where the previous one
//! ended (see [`seek`]). A hunk with a `@@ <line>` header first finds that
//! line and matches after it. A hunk that only adds lines inserts them right after its
//! header line, or at the end of the file when it has none. When a hunk's lines end with
//! an empty line that the file lacks (a blank line models add before `*** End Patch`),
//! the match is retried without it.
//!
//! The result always ends with a newline. A file using `\r\n` line ends keeps them.

use std::borrow::Cow;

use hearth_plugin_sdk::prelude::*;

use crate::parser::{Hunk, HunkLine};
use crate::seek;

/// Most lines of a non-matching hunk quoted in the error.
const QUOTED_LINES: usize = 40;

/// The text of `original` after applying `hunks`; `path` names the file in errors.
pub fn apply_hunks(path: &str, original: &str, hunks: &[Hunk]) -> Result<String, ToolError> {
    let crlf = original.contains("\r\n");
    let mut lines: Vec<String> = original
        .split('\n')
        .map(|l| {
            if crlf {
                l.strip_suffix('\r').unwrap_or(l)
            } else {
                l
            }
            .to_string()
        })
        .collect();
    if lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    // (first line replaced, number of lines replaced, replacement)
    let mut replacements: Vec<(usize, usize, Vec<String>)> = Vec::new();
    let mut position = 0;
    for (i, hunk) in hunks.iter().enumerate() {
        let number = i + 1;
        if let Some(header) = &hunk.header {
            let found = seek::find(&lines, &[header], position, false).ok_or_else(|| {
                ToolError::invalid(format!(
                    "hunk {number} of {path} does not match: cannot find the line `{header}` \
                     (after `@@`) in the file"
                ))
            })?;
            position = found + 1;
        }
        if hunk.is_insertion() {
            let at = if hunk.header.is_some() {
                position
            } else {
                lines.len()
            };
            replacements.push((at, 0, replacement(&hunk.lines, &[])));
            position = at;
            continue;
        }
        let (at, hunk_lines) = locate(&lines, hunk, position).ok_or_else(|| {
            ToolError::invalid(format!(
                "hunk {number} of {path} does not match: expected lines\n{}",
                quote(&hunk.old())
            ))
        })?;
        let old_len = hunk_lines
            .iter()
            .filter(|l| !matches!(l, HunkLine::Add(_)))
            .count();
        let new = replacement(&hunk_lines, &lines[at..at + old_len]);
        replacements.push((at, old_len, new));
        position = at + old_len;
    }
    for (at, old_len, new) in replacements.into_iter().rev() {
        lines.splice(at..at + old_len, new);
    }
    if lines.is_empty() {
        return Ok(String::new());
    }
    let end = if crlf { "\r\n" } else { "\n" };
    let mut text = lines.join(end);
    text.push_str(end);
    Ok(text)
}

/// Where a hunk's old lines are in the file, and the hunk lines that matched there (all
/// of them, or all but a last blank context line that the file lacks).
fn locate<'h>(
    lines: &[String],
    hunk: &'h Hunk,
    from: usize,
) -> Option<(usize, Cow<'h, [HunkLine]>)> {
    let old = hunk.old();
    if let Some(at) = seek::find(lines, &old, from, hunk.end_of_file) {
        return Some((at, Cow::Borrowed(&hunk.lines)));
    }
    let last_old = hunk
        .lines
        .iter()
        .rposition(|l| !matches!(l, HunkLine::Add(_)))?;
    if hunk.lines[last_old] != HunkLine::Context(String::new()) || old.len() < 2 {
        return None;
    }
    let at = seek::find(lines, &old[..old.len() - 1], from, hunk.end_of_file)?;
    let mut kept = hunk.lines.clone();
    kept.remove(last_old);
    Some((at, Cow::Owned(kept)))
}

/// The lines replacing `matched`: the file's own text for context lines (so a lenient
/// match keeps the file's whitespace), the patch's text for added lines.
fn replacement(hunk_lines: &[HunkLine], matched: &[String]) -> Vec<String> {
    let mut file = matched.iter();
    let mut out = Vec::new();
    for line in hunk_lines {
        match line {
            HunkLine::Context(text) => out.push(file.next().unwrap_or(text).clone()),
            HunkLine::Remove(_) => {
                file.next();
            }
            HunkLine::Add(text) => out.push(text.clone()),
        }
    }
    out
}

/// The lines as a block for an error message, cut after [`QUOTED_LINES`] lines.
fn quote(lines: &[&str]) -> String {
    let mut out: Vec<String> = lines
        .iter()
        .take(QUOTED_LINES)
        .map(|l| format!("  {l}"))
        .collect();
    if lines.len() > QUOTED_LINES {
        out.push(format!("  [... {} more lines]", lines.len() - QUOTED_LINES));
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parser::{FileOp, parse};

    /// Applies the hunks of a one-update patch body to `original`.
    fn apply(original: &str, body: &str) -> Result<String, ToolError> {
        let ops = parse(&format!(
            "*** Begin Patch\n*** Update File: f\n{body}\n*** End Patch"
        ))
        .unwrap();
        let FileOp::Update { hunks, .. } = &ops[0] else {
            panic!()
        };
        apply_hunks("f", original, hunks)
    }

    #[test]
    fn replaces_lines_and_keeps_the_rest() {
        let out = apply("a\nb\nc\nd\n", "@@\n a\n-b\n+B\n c").unwrap();
        assert_eq!(out, "a\nB\nc\nd\n");
    }

    #[test]
    fn several_hunks_apply_in_order() {
        let original = "x\nfn one() {\n    1\n}\nfn two() {\n    1\n}\n";
        let out = apply(
            original,
            "@@ fn one() {\n-    1\n+    10\n@@ fn two() {\n-    1\n+    20",
        )
        .unwrap();
        assert_eq!(out, "x\nfn one() {\n    10\n}\nfn two() {\n    20\n}\n");
    }

    #[test]
    fn the_same_lines_twice_match_forward() {
        let out = apply("v\nv\n", "@@\n-v\n+first\n@@\n-v\n+second").unwrap();
        assert_eq!(out, "first\nsecond\n");
    }

    #[test]
    fn end_of_file_hunks_match_the_last_lines() {
        let out = apply("end\nmid\nend\n", "@@\n-end\n+END\n*** End of File").unwrap();
        assert_eq!(out, "end\nmid\nEND\n");
    }

    #[test]
    fn pure_additions_go_after_the_header_or_at_the_end() {
        assert_eq!(apply("a\nb", "@@\n+c").unwrap(), "a\nb\nc\n");
        assert_eq!(apply("a\nb\n", "@@ a\n+a2").unwrap(), "a\na2\nb\n");
        assert_eq!(apply("", "@@\n+only").unwrap(), "only\n");
    }

    #[test]
    fn whitespace_is_matched_leniently() {
        let out = apply(
            "  let x = 1;   \n\tlet y = 2;\n",
            "@@\n-let x = 1;\n+let x = 3;\n \tlet y = 2;   ",
        )
        .unwrap();
        // Context lines keep the file's own whitespace.
        assert_eq!(out, "let x = 3;\n\tlet y = 2;\n");
    }

    #[test]
    fn a_trailing_blank_context_line_is_optional() {
        assert_eq!(apply("a\nb\n", "@@\n-b\n+c\n").unwrap(), "a\nc\n");
    }

    #[test]
    fn crlf_files_stay_crlf() {
        assert_eq!(apply("a\r\nb\r\n", "@@\n-a\n+A").unwrap(), "A\r\nb\r\n");
    }

    #[test]
    fn deleting_every_line_leaves_an_empty_file() {
        assert_eq!(apply("a\nb\n", "@@\n-a\n-b").unwrap(), "");
    }

    #[test]
    fn non_matching_hunks_name_themselves() {
        let err = apply("a\nb\n", "@@\n-a\n+A\n@@\n-zzz\n+y").unwrap_err();
        assert!(matches!(err, ToolError::InvalidArguments(_)));
        assert_eq!(
            err.message(),
            "hunk 2 of f does not match: expected lines\n  zzz"
        );
        let err = apply("a\n", "@@ nowhere\n-a").unwrap_err();
        assert!(
            err.message().contains("cannot find the line `nowhere`"),
            "{err}"
        );
        // Hunks only search forward: the second cannot match before the first.
        assert!(apply("a\nb\n", "@@\n-b\n+B\n@@\n-a\n+A").is_err());
    }

    #[test]
    fn long_expectations_are_cut() {
        let body: Vec<String> = (0..50).map(|i| format!("-{i}")).collect();
        let body = body.join("\n");
        let err = apply("x\n", &body).unwrap_err();
        assert!(err.message().ends_with("[... 10 more lines]"), "{err}");
    }
}
