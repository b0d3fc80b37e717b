//! Tests of computing changes (nothing is written here).

use super::*;
use crate::parser::parse;
use crate::tests_support::TempDir;

fn compute_patch(dir: &TempDir, body: &str) -> Result<Vec<Change>, ToolError> {
    let ops = parse(&format!("*** Begin Patch\n{body}\n*** End Patch")).unwrap();
    compute(&dir.root(), &ops)
}

#[test]
fn later_operations_see_earlier_ones() {
    let dir = TempDir::new("overlay");
    let changes = compute_patch(
        &dir,
        "*** Add File: n.txt\n+one\n*** Update File: n.txt\n@@\n-one\n+two\n*** Delete File: n.txt",
    )
    .unwrap();
    let kinds: Vec<Kind> = changes.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [Kind::Add, Kind::Update, Kind::Delete]);
    assert_eq!(changes[1].contents.as_deref(), Some("two\n"));
    assert_eq!(
        changes[2].diff,
        "--- a/n.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-two\n"
    );
    assert_eq!(dir.read("n.txt"), None, "computing writes nothing");
}

#[test]
fn adding_an_existing_file_is_an_update() {
    let dir = TempDir::new("readd");
    dir.write("a.txt", "old\n");
    let changes = compute_patch(&dir, "*** Add File: a.txt\n+new").unwrap();
    assert_eq!(changes[0].kind, Kind::Update);
    assert_eq!(
        changes[0].diff,
        "--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-old\n+new\n"
    );
}

#[test]
fn moves_diff_between_both_names() {
    let dir = TempDir::new("move");
    dir.write("src/a.rs", "fn a() {}\n");
    let changes = compute_patch(
        &dir,
        "*** Update File: src/a.rs\n*** Move to: lib/b.rs\n@@\n-fn a() {}\n+fn b() {}",
    )
    .unwrap();
    let c = &changes[0];
    assert_eq!(c.move_to.as_ref().unwrap().relative, "lib/b.rs");
    assert!(
        c.diff.starts_with("--- a/src/a.rs\n+++ b/lib/b.rs\n"),
        "{}",
        c.diff
    );
    // A move onto the same path is a plain update.
    let same = compute_patch(
        &dir,
        "*** Update File: src/a.rs\n*** Move to: ./src/a.rs\n@@\n-fn a() {}\n+x",
    )
    .unwrap();
    assert_eq!(same[0].move_to, None);
}

#[test]
fn missing_files_and_directories_are_refused() {
    let dir = TempDir::new("missing");
    std::fs::create_dir_all(dir.path().join("sub")).unwrap();
    for (body, needle) in [
        (
            "*** Delete File: nope",
            "cannot delete nope: file not found",
        ),
        (
            "*** Update File: nope\n@@\n-x",
            "cannot update nope: file not found",
        ),
        ("*** Add File: sub\n+x", "sub is a directory"),
        ("*** Delete File: sub", "sub is a directory"),
        ("*** Delete File: ../outside", "escapes the workspace"),
    ] {
        let err = compute_patch(&dir, body).unwrap_err();
        assert!(
            matches!(err, ToolError::InvalidArguments(_)),
            "{body}: {err}"
        );
        assert!(err.message().contains(needle), "{body}: {err}");
    }
}

#[test]
fn binary_files_are_refused() {
    let dir = TempDir::new("binary");
    std::fs::write(dir.path().join("b.bin"), [0xff, 0xfe, 0x00]).unwrap();
    let err = compute_patch(&dir, "*** Delete File: b.bin").unwrap_err();
    assert!(err.message().contains("not UTF-8"), "{err}");
}
