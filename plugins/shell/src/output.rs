//! What a finished command becomes: the text for the model (Codex's format) and the
//! structured details the host renders as a `commandExecution` item.
//!
//! The model sees
//!
//! ```text
//! Exit code: 0
//! Wall time: 1.2 seconds
//! Output:
//! <output>
//! ```
//!
//! with `Total output lines: N` before `Output:` when the output was cut. Output longer
//! than [`MODEL_OUTPUT_BYTES`] keeps its beginning and its end around a
//! `[... N bytes omitted ...]` line. A command stopped by its timeout reports exit code
//! 124 (as `timeout(1)` does) and says so at the start of the output; one killed by a
//! signal reports -1.

use hearth_plugin_sdk::exec::Exit;
use hearth_plugin_sdk::prelude::*;

/// Output budget of the text the model sees.
pub const MODEL_OUTPUT_BYTES: usize = 10_000;
/// Output budget of the `output` in the details (the client has already seen the whole
/// output streamed; this is what stays in the item).
pub const DETAILS_OUTPUT_BYTES: usize = 64 * 1024;
/// The exit code shown to the model for a command stopped by its timeout.
pub const TIMEOUT_EXIT_CODE: i32 = 124;

/// `text` cut in the middle to at most about `budget` bytes: the first and last halves
/// stay (at character boundaries, preferring line ends), with a
/// `[... N bytes omitted ...]` line between them.
pub fn truncate_middle(text: &str, budget: usize) -> String {
    if text.len() <= budget {
        return text.to_string();
    }
    let half = budget / 2;
    let mut head_end = floor_boundary(text, half);
    if let Some(nl) = text[..head_end].rfind('\n')
        && nl + 1 >= head_end - head_end / 5
    {
        head_end = nl + 1;
    }
    let mut tail_start = ceil_boundary(text, text.len() - half);
    if let Some(nl) = text[tail_start..].find('\n')
        && nl < half / 5
    {
        tail_start += nl + 1;
    }
    let head = &text[..head_end];
    let tail = &text[tail_start..];
    let omitted = tail_start - head_end;
    let sep = if head.ends_with('\n') || head.is_empty() {
        ""
    } else {
        "\n"
    };
    format!("{head}{sep}[... {omitted} bytes omitted ...]\n{tail}")
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The output as the model sees it: a note first when the command did not exit normally.
fn annotated_output(exit: &Exit, timeout_ms: Option<u32>) -> String {
    if exit.timed_out {
        let after = match timeout_ms {
            Some(ms) => format!(" after {ms} milliseconds"),
            None => String::new(),
        };
        format!("command timed out{after}\n{}", exit.output)
    } else if exit.exit_code.is_none() {
        format!("command was killed by a signal\n{}", exit.output)
    } else {
        exit.output.clone()
    }
}

/// The exit code shown to the model.
fn shown_exit_code(exit: &Exit) -> i32 {
    match exit.exit_code {
        Some(code) => code,
        None if exit.timed_out => TIMEOUT_EXIT_CODE,
        None => -1,
    }
}

/// The text for the model, in Codex's format.
pub fn model_text(exit: &Exit, timeout_ms: Option<u32>) -> String {
    let output = annotated_output(exit, timeout_ms);
    let shown = truncate_middle(&output, MODEL_OUTPUT_BYTES);
    let seconds = exit.duration_ms as f64 / 1000.0;
    let mut text = format!(
        "Exit code: {}\nWall time: {seconds:.1} seconds\n",
        shown_exit_code(exit)
    );
    if shown.len() != output.len() {
        text.push_str(&format!("Total output lines: {}\n", output.lines().count()));
    }
    text.push_str("Output:\n");
    text.push_str(&shown);
    text
}

/// The structured details the host renders as a `commandExecution` item.
pub fn details(argv: &[String], cwd: &str, exit: &Exit) -> Value {
    json!({
        "command": argv,
        "cwd": cwd,
        "exitCode": exit.exit_code,
        "durationMs": exit.duration_ms,
        "timedOut": exit.timed_out,
        "output": truncate_middle(&exit.output, DETAILS_OUTPUT_BYTES),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exit(code: Option<i32>, output: &str, timed_out: bool, ms: u64) -> Exit {
        Exit {
            exit_code: code,
            output: output.to_string(),
            timed_out,
            duration_ms: ms,
        }
    }

    #[test]
    fn short_output_is_kept() {
        assert_eq!(truncate_middle("abc", 10), "abc");
        let e = exit(Some(0), "hello\n", false, 1234);
        assert_eq!(
            model_text(&e, None),
            "Exit code: 0\nWall time: 1.2 seconds\nOutput:\nhello\n"
        );
    }

    #[test]
    fn long_output_is_cut_in_the_middle() {
        let text: String = (0..5000).map(|i| format!("line {i}\n")).collect();
        let cut = truncate_middle(&text, MODEL_OUTPUT_BYTES);
        assert!(cut.len() <= MODEL_OUTPUT_BYTES + 40, "{}", cut.len());
        assert!(cut.starts_with("line 0\nline 1\n"));
        assert!(cut.ends_with("line 4999\n"));
        let marker = cut.lines().find(|l| l.starts_with("[... ")).unwrap();
        let omitted: usize = marker[5..].split(' ').next().unwrap().parse().unwrap();
        assert_eq!(cut.len() - marker.len() - 1 + omitted, text.len());
        // Cut at line ends: every other line is whole.
        assert!(cut.lines().all(|l| l.starts_with("line ") || l == marker));
    }

    #[test]
    fn cuts_respect_characters() {
        let text = "é".repeat(20_000);
        let cut = truncate_middle(&text, 1001);
        assert!(cut.contains("bytes omitted"));
        assert!(cut.starts_with('é') && cut.ends_with('é'));
    }

    #[test]
    fn model_text_counts_lines_when_cut() {
        let text: String = (0..5000).map(|i| format!("{i}\n")).collect();
        let out = model_text(&exit(Some(1), &text, false, 50), None);
        assert!(
            out.starts_with(
                "Exit code: 1\nWall time: 0.1 seconds\nTotal output lines: 5000\nOutput:\n0\n"
            ),
            "{}",
            &out[..80]
        );
    }

    #[test]
    fn timeouts_and_signals() {
        let out = model_text(&exit(None, "partial", true, 2000), Some(2000));
        assert_eq!(
            out,
            "Exit code: 124\nWall time: 2.0 seconds\nOutput:\ncommand timed out after 2000 milliseconds\npartial"
        );
        let out = model_text(&exit(None, "", false, 10), None);
        assert!(out.starts_with("Exit code: -1\n"), "{out}");
        assert!(
            out.ends_with("Output:\ncommand was killed by a signal\n"),
            "{out}"
        );
    }

    #[test]
    fn details_shape() {
        let argv = vec!["ls".to_string()];
        let d = details(&argv, "/w", &exit(None, "x", true, 7));
        assert_eq!(
            d,
            json!({"command": ["ls"], "cwd": "/w", "exitCode": null, "durationMs": 7, "timedOut": true, "output": "x"})
        );
    }
}
