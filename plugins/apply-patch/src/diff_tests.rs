//! Tests of the unified diffs.

use super::*;

#[test]
fn update_add_delete() {
    assert_eq!(
        unified(Some("a\nb\nc\n"), Some("a\nB\nc\n"), "f", "f"),
        "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"
    );
    assert_eq!(
        unified(None, Some("x\n"), "n", "n"),
        "--- /dev/null\n+++ b/n\n@@ -0,0 +1 @@\n+x\n"
    );
    assert_eq!(
        unified(Some("x\ny\n"), None, "d", "d"),
        "--- a/d\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-x\n-y\n"
    );
    assert_eq!(unified(Some("same\n"), Some("same\n"), "a", "b"), "");
}

#[test]
fn context_is_three_lines() {
    let old: String = (1..=20).map(|i| format!("{i}\n")).collect();
    let new = old.replace("10\n", "ten\n");
    let diff = unified(Some(&old), Some(&new), "f", "f");
    assert!(
        diff.contains("@@ -7,7 +7,7 @@\n 7\n 8\n 9\n-10\n+ten\n 11\n 12\n 13\n"),
        "{diff}"
    );
}

#[test]
fn huge_diffs_are_cut() {
    let big = "line\n".repeat(100_000);
    let diff = unified(None, Some(&big), "big", "big");
    assert!(diff.len() < MAX_DIFF_BYTES + 100);
    assert!(
        diff.ends_with("bytes of diff omitted ...]\n"),
        "{}",
        &diff[diff.len() - 80..]
    );
    assert!(diff.lines().rev().nth(1).unwrap() == "+line");
}

#[test]
fn missing_final_newlines_are_marked() {
    assert_eq!(
        unified(Some("a\nb"), Some("a\nc\n"), "f", "f"),
        "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n"
    );
    assert_eq!(
        unified(Some("a\n"), Some("a"), "f", "f"),
        "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+a\n\\ No newline at end of file\n"
    );
}

#[test]
fn distant_changes_get_their_own_hunks() {
    let old: String = (1..=30).map(|i| format!("{i}\n")).collect();
    let new = old
        .replace("\n5\n", "\nfive\n")
        .replace("\n25\n", "\n")
        .replace("30\n", "30\n31\n");
    let diff = unified(Some(&old), Some(&new), "f", "f");
    assert_eq!(
        diff,
        "--- a/f\n+++ b/f\n\
         @@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n\
         @@ -22,9 +22,9 @@\n 22\n 23\n 24\n-25\n 26\n 27\n 28\n 29\n 30\n+31\n"
    );
}

#[test]
fn changes_within_six_lines_share_a_hunk() {
    let old = "a\nb\nc\nd\ne\nf\ng\nh\ni\n";
    let new = "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\n";
    assert_eq!(
        unified(Some(old), Some(new), "f", "f"),
        "--- a/f\n+++ b/f\n@@ -1,9 +1,10 @@\n a\n b\n c\n-d\n+D\n e\n f\n g\n h\n i\n+j\n"
    );
}

#[test]
fn renames_label_both_paths() {
    let diff = unified(Some("x\n"), Some("y\n"), "old/a", "new/b");
    assert!(diff.starts_with("--- a/old/a\n+++ b/new/b\n"), "{diff}");
}
