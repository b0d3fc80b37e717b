//! Finding a hunk's lines in a file, on content rather than line numbers.
//!
//! [`find`] searches forward from a position and tries three ways of comparing lines in
//! turn, each over the whole remaining file before the next is tried: exactly, ignoring
//! trailing whitespace, and ignoring leading and trailing whitespace. So a model that
//! got the indentation or trailing spaces of a context line slightly wrong still lands
//! on the right place, while an exact match elsewhere always wins.

/// How two lines are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Comparison {
    Exact,
    TrailingWhitespace,
    Trimmed,
}

impl Comparison {
    fn same(self, file_line: &str, pattern_line: &str) -> bool {
        match self {
            Comparison::Exact => file_line == pattern_line,
            Comparison::TrailingWhitespace => file_line.trim_end() == pattern_line.trim_end(),
            Comparison::Trimmed => file_line.trim() == pattern_line.trim(),
        }
    }
}

/// Index of the first place at or after `start` where `lines` continue with `pattern`.
///
/// With `at_end`, the place where `pattern` ends the file is tried first (for hunks
/// marked `*** End of File`). An empty pattern matches at `start`.
pub fn find<A: AsRef<str>, B: AsRef<str>>(
    lines: &[A],
    pattern: &[B],
    start: usize,
    at_end: bool,
) -> Option<usize> {
    if pattern.is_empty() {
        return Some(start.min(lines.len()));
    }
    let last = lines.len().checked_sub(pattern.len())?;
    if start > last {
        return None;
    }
    let matches_at = |i: usize, how: Comparison| {
        lines[i..i + pattern.len()]
            .iter()
            .zip(pattern)
            .all(|(a, b)| how.same(a.as_ref(), b.as_ref()))
    };
    for how in [
        Comparison::Exact,
        Comparison::TrailingWhitespace,
        Comparison::Trimmed,
    ] {
        if at_end && matches_at(last, how) {
            return Some(last);
        }
        if let Some(i) = (start..=last).find(|&i| matches_at(i, how)) {
            return Some(i);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_matches_search_forward() {
        let lines = ["a", "b", "a", "b"];
        assert_eq!(find(&lines, &["a", "b"], 0, false), Some(0));
        assert_eq!(find(&lines, &["a", "b"], 1, false), Some(2));
        assert_eq!(find(&lines, &["a", "b"], 3, false), None);
        assert_eq!(find(&lines, &["b", "c"], 0, false), None);
        assert_eq!(find(&lines, &[] as &[&str], 2, false), Some(2));
        assert_eq!(find(&lines, &["a", "b", "a", "b", "a"], 0, false), None);
    }

    #[test]
    fn end_of_file_prefers_the_last_place() {
        let lines = ["x", "end", "x", "end"];
        assert_eq!(find(&lines, &["x", "end"], 0, true), Some(2));
        assert_eq!(find(&lines, &["x", "end"], 0, false), Some(0));
        // Falls back to a forward search when the end does not match.
        assert_eq!(find(&lines, &["end", "x"], 0, true), Some(1));
    }

    #[test]
    fn lenient_comparisons_come_after_exact_ones() {
        let lines = ["  foo  ", "foo", "bar\t"];
        assert_eq!(find(&lines, &["foo"], 0, false), Some(1));
        assert_eq!(find(&lines, &["  foo"], 0, false), Some(0));
        assert_eq!(find(&lines, &["bar"], 0, false), Some(2));
        assert_eq!(find(&lines, &["\tfoo", "foo "], 0, false), Some(0));
        assert_eq!(find(&lines, &["fo o"], 0, false), None);
    }
}
