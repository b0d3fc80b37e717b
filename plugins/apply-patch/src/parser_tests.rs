//! Tests of the patch parser.

use super::*;

fn patch(body: &str) -> String {
    format!("*** Begin Patch\n{body}\n*** End Patch")
}

fn err(input: &str) -> String {
    parse(input).unwrap_err().message().to_string()
}

/// A hunk from lines written with their patch prefixes (` `, `-`, `+`).
fn hunk(header: Option<&str>, lines: &[&str], end_of_file: bool) -> Hunk {
    let lines = lines
        .iter()
        .map(|l| {
            let text = l[1..].to_string();
            match &l[..1] {
                " " => HunkLine::Context(text),
                "-" => HunkLine::Remove(text),
                _ => HunkLine::Add(text),
            }
        })
        .collect();
    Hunk {
        header: header.map(str::to_string),
        lines,
        end_of_file,
    }
}

#[test]
fn parses_every_operation() {
    let ops = parse(&patch(
        "*** Add File: docs/new.md\n+first\n+\n+third\n\
         *** Delete File: old.txt\n\
         *** Update File: src/lib.rs\n*** Move to: src/main.rs\n\
         @@ fn main() {\n     let a = 1;\n-    let b = 2;\n+    let b = 3;\n\
         @@\n last\n+appended\n*** End of File",
    ))
    .unwrap();
    assert_eq!(
        ops,
        vec![
            FileOp::Add {
                path: "docs/new.md".into(),
                contents: "first\n\nthird\n".into()
            },
            FileOp::Delete {
                path: "old.txt".into()
            },
            FileOp::Update {
                path: "src/lib.rs".into(),
                move_to: Some("src/main.rs".into()),
                hunks: vec![
                    hunk(
                        Some("fn main() {"),
                        &["     let a = 1;", "-    let b = 2;", "+    let b = 3;"],
                        false
                    ),
                    hunk(None, &[" last", "+appended"], true),
                ],
            },
        ]
    );
}

#[test]
fn first_hunk_may_omit_the_marker_and_blank_lines_are_context() {
    let ops = parse(&patch("*** Update File: a.txt\n a\n\n-b\n+c")).unwrap();
    let FileOp::Update { hunks, .. } = &ops[0] else {
        panic!("{ops:?}")
    };
    assert_eq!(hunks, &[hunk(None, &[" a", " ", "-b", "+c"], false)]);
}

#[test]
fn tolerates_crlf_heredocs_and_padding() {
    let input =
        "  <<'EOF'\r\n*** Begin Patch\r\n*** Add File: a\r\n+x\r\n\r\n*** End Patch\r\nEOF\n";
    assert_eq!(
        parse(input).unwrap(),
        vec![FileOp::Add {
            path: "a".into(),
            contents: "x\n".into()
        }]
    );
}

#[test]
fn unified_diff_ranges_in_markers_are_dropped() {
    let ops = parse(&patch(
        "*** Update File: a\n@@ -1,2 +1,2 @@ fn f()\n-x\n+y\n@@ -9 +9 @@\n-p\n+q",
    ))
    .unwrap();
    let FileOp::Update { hunks, .. } = &ops[0] else {
        panic!()
    };
    assert_eq!(hunks[0].header.as_deref(), Some("fn f()"));
    assert_eq!(hunks[1].header, None);
    assert_eq!(hunk_header(" class A "), "class A");
}

#[test]
fn a_rename_needs_no_hunks() {
    let ops = parse(&patch("*** Update File: a\n*** Move to: b")).unwrap();
    assert_eq!(
        ops,
        vec![FileOp::Update {
            path: "a".into(),
            move_to: Some("b".into()),
            hunks: vec![]
        }]
    );
}

#[test]
fn rejects_malformed_patches() {
    for (input, needle) in [
        (
            "*** Add File: a\n+x\n*** End Patch".to_string(),
            "first line",
        ),
        (
            "*** Begin Patch\n*** Add File: a\n+x".to_string(),
            "last line",
        ),
        (patch(""), "changes no file"),
        (patch("*** Frobnicate File: a"), "not a file operation"),
        (patch("*** Add File:  \n+x"), "path is missing"),
        (patch("*** Add File: a\n+x\nno plus"), "must start with `+`"),
        (
            patch("*** Delete File: a\n+x"),
            "followed by another file operation",
        ),
        (patch("*** Update File: a"), "has no hunks"),
        (
            patch("*** Update File: a\n@@\n@@\n-x"),
            "hunk 1 of a has no lines",
        ),
        (
            patch("*** Update File: a\n@@\n-x\n*** End of File\n-y"),
            "must start with `@@`",
        ),
        (
            patch("*** Update File: a\n*** End of File"),
            "outside a hunk",
        ),
        (
            patch("*** Update File: a\n@@\n-x\nx"),
            "unexpected `x` in a hunk of a",
        ),
    ] {
        let msg = err(&input);
        assert!(msg.contains(needle), "{needle}: {msg}");
        assert!(msg.starts_with("invalid patch: "), "{msg}");
    }
}

#[test]
fn errors_name_the_line() {
    let msg = err(&patch(
        "*** Add File: a\n+x\n*** Update File: b\n@@\n-x\nbad",
    ));
    assert!(msg.contains("line 7:"), "{msg}");
}
