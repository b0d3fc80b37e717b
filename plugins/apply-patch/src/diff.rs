//! Unified diffs of file changes, for the approval request and the client's item.
//!
//! Diffs carry `--- a/<path>` / `+++ b/<path>` headers (`/dev/null` for an added or
//! deleted file) and `@@ -a,b +c,d @@` hunks with three lines of context; a last line
//! without a newline is marked `\ No newline at end of file`. A diff longer than
//! [`MAX_DIFF_BYTES`] is cut at a line end with a `[... N bytes of diff omitted ...]`
//! line, so that a large deleted or added file does not flood the approval prompt.
//!
//! The line matching is Myers' O(ND) algorithm in its linear-space form (see [`myers`]),
//! written here rather than taken from a diff crate to keep the component small.

use std::collections::HashMap;

use crate::myers::{self, Op};

/// Longest diff kept whole.
pub const MAX_DIFF_BYTES: usize = 256 * 1024;
/// Lines of context around each change.
const CONTEXT: usize = 3;

/// The unified diff from `old` (`None`: the file did not exist) to `new` (`None`: it is
/// deleted), labelled with the workspace-relative paths before and after. Empty when
/// the contents are the same.
pub fn unified(old: Option<&str>, new: Option<&str>, from: &str, to: &str) -> String {
    let old_lines: Vec<&str> = old.unwrap_or_default().split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.unwrap_or_default().split_inclusive('\n').collect();
    let (a, b) = intern(&old_lines, &new_lines);
    let ops = myers::diff(&a, &b);
    if ops.iter().all(|op| matches!(op, Op::Equal(..))) {
        return String::new();
    }
    let mut out = String::new();
    out.push_str(&match old {
        Some(_) => format!("--- a/{from}\n"),
        None => "--- /dev/null\n".to_string(),
    });
    out.push_str(&match new {
        Some(_) => format!("+++ b/{to}\n"),
        None => "+++ /dev/null\n".to_string(),
    });
    for (start, end) in hunks(&ops) {
        write_hunk(&mut out, &ops[start..end], &old_lines, &new_lines);
    }
    cap(out)
}

/// Replaces lines by numbers, equal lines by equal numbers.
fn intern<'t>(old: &[&'t str], new: &[&'t str]) -> (Vec<u32>, Vec<u32>) {
    let mut ids: HashMap<&'t str, u32> = HashMap::new();
    let mut id = |line: &'t str| {
        let next = ids.len() as u32;
        *ids.entry(line).or_insert(next)
    };
    let a = old.iter().map(|l| id(l)).collect();
    let b = new.iter().map(|l| id(l)).collect();
    (a, b)
}

/// Ranges of `ops` making up hunks: each change with up to [`CONTEXT`] equal lines
/// around it, changes closer than twice that sharing a hunk.
fn hunks(ops: &[Op]) -> Vec<(usize, usize)> {
    let changes: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, op)| !matches!(op, Op::Equal(..)))
        .map(|(i, _)| i)
        .collect();
    let mut out: Vec<(usize, usize)> = Vec::new();
    for i in changes {
        let start = i.saturating_sub(CONTEXT);
        let end = (i + 1 + CONTEXT).min(ops.len());
        match out.last_mut() {
            Some(last) if start <= last.1 => last.1 = end,
            _ => out.push((start, end)),
        }
    }
    out
}

fn write_hunk(out: &mut String, ops: &[Op], old: &[&str], new: &[&str]) {
    let old_count = ops.iter().filter(|op| !matches!(op, Op::Insert(_))).count();
    let new_count = ops.iter().filter(|op| !matches!(op, Op::Delete(_))).count();
    // The first line of each side in the hunk. A side without any is an empty file: a
    // hunk always takes in the equal lines next to its changes, so only a file with no
    // lines at all leaves one side of a hunk empty.
    let old_start = ops.iter().find_map(|op| match op {
        Op::Equal(i, _) | Op::Delete(i) => Some(*i),
        Op::Insert(_) => None,
    });
    let new_start = ops.iter().find_map(|op| match op {
        Op::Equal(_, j) | Op::Insert(j) => Some(*j),
        Op::Delete(_) => None,
    });
    out.push_str(&format!(
        "@@ -{} +{} @@\n",
        range(old_start, old_count),
        range(new_start, new_count)
    ));
    for op in ops {
        let (prefix, line) = match op {
            Op::Equal(i, _) => (' ', old[*i]),
            Op::Delete(i) => ('-', old[*i]),
            Op::Insert(j) => ('+', new[*j]),
        };
        out.push(prefix);
        out.push_str(line);
        if !line.ends_with('\n') {
            out.push_str("\n\\ No newline at end of file\n");
        }
    }
}

/// `start,count` of one side (1-based start); a count of 1 is left out, an empty side
/// is `0,0`.
fn range(start: Option<usize>, count: usize) -> String {
    match (start, count) {
        (Some(s), 1) => format!("{}", s + 1),
        (Some(s), n) => format!("{},{n}", s + 1),
        (None, _) => "0,0".to_string(),
    }
}

/// `diff` cut after [`MAX_DIFF_BYTES`] at a line end, with a note of what was left out.
fn cap(diff: String) -> String {
    if diff.len() <= MAX_DIFF_BYTES {
        return diff;
    }
    let mut end = MAX_DIFF_BYTES;
    while !diff.is_char_boundary(end) {
        end -= 1;
    }
    let end = diff[..end].rfind('\n').map_or(end, |i| i + 1);
    let omitted = diff.len() - end;
    format!(
        "{}[... {omitted} bytes of diff omitted ...]\n",
        &diff[..end]
    )
}

#[cfg(test)]
#[path = "diff_tests.rs"]
mod tests;
