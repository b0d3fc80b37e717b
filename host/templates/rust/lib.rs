//! {{id}}: a hearth tool plugin in Rust.
//!
//! `{{tool}}` counts the lines, words and characters of a text file in the workspace and
//! lists its most frequent words. Replace it with your own tool: one `Tool` impl per tool,
//! all of them named in `export_tools!`.

use hearth_plugin_sdk::prelude::*;
use std::collections::BTreeMap;

/// `{{tool}}`: counts what is in a text file.
pub struct Counter;

impl Tool for Counter {
    const NAME: &'static str = "{{tool}}";
    const DESCRIPTION: &'static str = "Counts the lines, words and characters of a text file in the workspace and lists its most frequent words.";
    const EFFECTS: Effects = Effects::READS_FS;
    const PARALLEL: bool = true;

    fn parameters() -> Value {
        json!({
            "type": "object",
            "properties": {
                "path": { "type": "string", "description": "Text file, relative to the workspace root" },
                "top": { "type": "integer", "minimum": 0, "maximum": 50, "description": "How many frequent words to list (default 5)" }
            },
            "required": ["path"],
            "additionalProperties": false
        })
    }

    fn call(args: Value, ctx: &CallContext) -> Result<ToolOutput, ToolError> {
        let path = args["path"]
            .as_str()
            .ok_or_else(|| ToolError::invalid("`path` must be a string"))?;
        let top = args["top"].as_u64().unwrap_or(5) as usize;
        // The workspace is preopened at its own path; `ctx.cwd` says where it is.
        let full = std::path::Path::new(&ctx.cwd).join(path);
        let bytes = std::fs::read(&full)
            .map_err(|e| ToolError::failed(format!("cannot read {path}: {e}")))?;
        Ok(ToolOutput::text(summarize(path, &String::from_utf8_lossy(&bytes), top)))
    }
}

/// The report: plain Rust, tested with `cargo test` on the build machine.
pub fn summarize(path: &str, text: &str, top: usize) -> String {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut counts = BTreeMap::<&str, usize>::new();
    for w in &words {
        *counts.entry(w).or_default() += 1;
    }
    let mut common: Vec<(&str, usize)> = counts.into_iter().collect();
    common.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut out = format!(
        "{path}: {} lines, {} words, {} characters",
        text.lines().count(),
        words.len(),
        text.chars().count()
    );
    if top > 0 && !common.is_empty() {
        let list: Vec<String> = common.iter().take(top).map(|(w, n)| format!("{w} ({n})")).collect();
        out.push_str(&format!("\nmost frequent: {}", list.join(", ")));
    }
    out
}

hearth_plugin_sdk::export_tools!(Counter);

#[cfg(test)]
mod tests {
    #[test]
    fn counts_words() {
        let report = super::summarize("a.txt", "to be or not to be\n", 2);
        assert!(report.starts_with("a.txt: 1 lines, 6 words"), "{report}");
        assert!(report.ends_with("most frequent: be (2), to (2)"), "{report}");
    }
}
