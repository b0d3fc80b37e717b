//! End-to-end tests of `apply_patch` against a temporary workspace.

use std::cell::RefCell;

use super::*;
use crate::tests_support::TempDir;

/// An approver that records the action and answers from a script.
struct FakeApprover {
    answer: Approval,
    asked: RefCell<Vec<Action>>,
}

impl FakeApprover {
    fn new(answer: Approval) -> Self {
        FakeApprover {
            answer,
            asked: RefCell::default(),
        }
    }
}

impl Approver for FakeApprover {
    fn approve(&self, action: &Action) -> Approval {
        self.asked.borrow_mut().push(action.clone());
        self.answer.clone()
    }
}

fn run(dir: &TempDir, body: &str) -> Result<ToolOutput, ToolError> {
    let approver = FakeApprover::new(Approval::Approved);
    let input = format!("*** Begin Patch\n{body}\n*** End Patch\n");
    apply_patch(
        &approver,
        json!({ "input": input }),
        &dir.context("workspace-write"),
    )
}

fn details_of(out: &ToolOutput) -> Value {
    serde_json::from_str(out.details.as_deref().unwrap()).unwrap()
}

#[test]
fn add_update_delete_round_trip() {
    let dir = TempDir::new("roundtrip");
    dir.write("keep.txt", "a\nb\nc\n");
    dir.write("gone.txt", "bye\n");
    let out = run(
        &dir,
        "*** Add File: new/deep/n.txt\n+hello\n+world\n\
         *** Update File: keep.txt\n@@\n a\n-b\n+B\n c\n\
         *** Delete File: gone.txt",
    )
    .unwrap();
    assert!(out.success);
    assert_eq!(
        out.content,
        "Success. Updated the following files:\nA new/deep/n.txt\nM keep.txt\nD gone.txt"
    );
    assert_eq!(
        dir.read("new/deep/n.txt").as_deref(),
        Some("hello\nworld\n")
    );
    assert_eq!(dir.read("keep.txt").as_deref(), Some("a\nB\nc\n"));
    assert_eq!(dir.read("gone.txt"), None);
    let root = dir.root();
    assert_eq!(
        details_of(&out),
        json!({"changes": [
            {"path": format!("{root}/new/deep/n.txt"), "kind": "add", "movePath": null,
             "diff": "--- /dev/null\n+++ b/new/deep/n.txt\n@@ -0,0 +1,2 @@\n+hello\n+world\n"},
            {"path": format!("{root}/keep.txt"), "kind": "update", "movePath": null,
             "diff": "--- a/keep.txt\n+++ b/keep.txt\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"},
            {"path": format!("{root}/gone.txt"), "kind": "delete", "movePath": null,
             "diff": "--- a/gone.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-bye\n"},
        ]})
    );
}

#[test]
fn the_approval_request_carries_relative_paths_and_diffs() {
    let dir = TempDir::new("approval");
    dir.write("src/old.rs", "x\n");
    let approver = FakeApprover::new(Approval::Approved);
    let input = "*** Begin Patch\n*** Update File: src/old.rs\n*** Move to: src/new.rs\n@@\n-x\n+y\n*** End Patch";
    apply_patch(
        &approver,
        json!({ "input": input }),
        &dir.context("workspace-write"),
    )
    .unwrap();
    let asked = approver.asked.borrow();
    let Action::FileChange(changes) = &asked[0] else {
        panic!("not a file change")
    };
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].path, "src/old.rs");
    assert_eq!(changes[0].move_to.as_deref(), Some("src/new.rs"));
    assert!(matches!(changes[0].kind, ChangeKind::Update));
    assert_eq!(
        changes[0].diff,
        "--- a/src/old.rs\n+++ b/src/new.rs\n@@ -1 +1 @@\n-x\n+y\n"
    );
}

#[test]
fn moves_write_the_new_file_and_remove_the_old() {
    let dir = TempDir::new("move");
    dir.write("a.txt", "one\ntwo\n");
    let out = run(
        &dir,
        "*** Update File: a.txt\n*** Move to: moved/b.txt\n@@\n one\n-two\n+2",
    )
    .unwrap();
    assert_eq!(
        out.content,
        "Success. Updated the following files:\nM moved/b.txt"
    );
    assert_eq!(dir.read("a.txt"), None);
    assert_eq!(dir.read("moved/b.txt").as_deref(), Some("one\n2\n"));
    let d = details_of(&out);
    assert_eq!(
        d["changes"][0]["movePath"],
        format!("{}/moved/b.txt", dir.root())
    );
    assert_eq!(d["changes"][0]["path"], format!("{}/a.txt", dir.root()));
}

#[test]
fn multiple_hunks_end_of_file_and_lenient_whitespace() {
    let dir = TempDir::new("hunks");
    dir.write(
        "m.py",
        "import os\n\ndef a():\n    return 1   \n\ndef b():\n    return 2\n# end\n",
    );
    run(
        &dir,
        "*** Update File: m.py\n@@ def a():\n-    return 1\n+    return 10\n\
         @@ def b():\n-  return 2\n+    return 20\n\
         @@\n-# end\n+# the end\n*** End of File",
    )
    .unwrap();
    assert_eq!(
        dir.read("m.py").as_deref(),
        Some("import os\n\ndef a():\n    return 10\n\ndef b():\n    return 20\n# the end\n")
    );
}

#[test]
fn a_non_matching_hunk_writes_nothing() {
    let dir = TempDir::new("nomatch");
    dir.write("a.txt", "a\n");
    dir.write("b.txt", "b\n");
    let err = run(
        &dir,
        "*** Update File: a.txt\n@@\n-a\n+A\n*** Update File: b.txt\n@@\n-not there\n+x",
    )
    .unwrap_err();
    assert!(matches!(err, ToolError::InvalidArguments(_)));
    assert_eq!(
        err.message(),
        "hunk 1 of b.txt does not match: expected lines\n  not there"
    );
    assert_eq!(dir.read("a.txt").as_deref(), Some("a\n"));
}

#[test]
fn paths_escaping_the_workspace_are_refused() {
    let dir = TempDir::new("escape");
    let outside = dir.path().with_extension("outside");
    let err = run(&dir, "*** Add File: ../escape.outside/x\n+x").unwrap_err();
    assert!(err.message().contains("escapes the workspace"), "{err}");
    let abs = format!("*** Add File: {}/x\n+x", outside.display());
    let err = run(&dir, &abs).unwrap_err();
    assert!(err.message().contains("outside the workspace"), "{err}");
    assert!(!outside.exists());
    // Absolute paths inside the workspace are fine.
    let inside = format!("*** Add File: {}/in.txt\n+x", dir.root());
    run(&dir, &inside).unwrap();
    assert_eq!(dir.read("in.txt").as_deref(), Some("x\n"));
}

#[test]
fn denied_patches_write_nothing() {
    let dir = TempDir::new("denied");
    let approver = FakeApprover::new(Approval::Denied("not today".into()));
    let input = "*** Begin Patch\n*** Add File: a.txt\n+x\n*** End Patch";
    let err = apply_patch(
        &approver,
        json!({ "input": input }),
        &dir.context("workspace-write"),
    )
    .unwrap_err();
    assert!(
        matches!(err, ToolError::Denied(ref m) if m == "the patch was not applied: not today"),
        "{err}"
    );
    assert_eq!(dir.read("a.txt"), None);
}

#[test]
fn failed_writes_say_what_was_applied() {
    let dir = TempDir::new("partial");
    dir.write("blocker", "a file, not a directory\n");
    let err = run(
        &dir,
        "*** Add File: first.txt\n+1\n*** Add File: blocker/x.txt\n+2",
    )
    .unwrap_err();
    assert!(matches!(err, ToolError::Failed(_)), "{err}");
    assert!(
        err.message().starts_with("cannot write blocker/x.txt: "),
        "{err}"
    );
    assert!(
        err.message()
            .ends_with("these changes were already applied: A first.txt"),
        "{err}"
    );
}

#[test]
fn argument_errors() {
    let dir = TempDir::new("args");
    let approver = FakeApprover::new(Approval::Approved);
    let ctx = dir.context("workspace-write");
    for (args, needle) in [
        (json!({}), "`input` is required"),
        (json!({"input": 3}), "must be a string"),
        (json!({"input": " "}), "must not be empty"),
        (
            json!({"input": "not a patch"}),
            "invalid patch: the first line",
        ),
    ] {
        let err = apply_patch(&approver, args, &ctx).unwrap_err();
        assert!(err.message().contains(needle), "{needle}: {err}");
    }
    assert!(approver.asked.borrow().is_empty());
    let input = "*** Begin Patch\n*** Add File: p.txt\n+x\n*** End Patch";
    apply_patch(&approver, json!({ "patch": input }), &ctx).unwrap();
    assert_eq!(dir.read("p.txt").as_deref(), Some("x\n"));
}

#[test]
fn spec_is_codex_shaped() {
    let spec = hearth_plugin_sdk::tool::spec::<ApplyPatch>();
    assert_eq!(spec.name, "apply_patch");
    assert_eq!(spec.render, Render::FileChange);
    assert!(spec.effects.contains(Effects::WRITES_FS) && !spec.parallel);
    let params: Value = serde_json::from_str(&spec.parameters).unwrap();
    assert_eq!(params["required"], json!(["input"]));
}
