//! `list_dir`: the entries of a directory, breadth first to a depth, as an indented tree.
//!
//! Like Codex: entries are collected level by level (each directory's entries sorted by
//! name), the page `offset..offset + limit` of that list is taken, and the page is shown
//! in tree order, indented two spaces per level. Directories end in `/`, symbolic links in
//! `@`, other special files in `?`. Links are never followed.

use std::collections::VecDeque;
use std::fs;
use std::path::{Path, PathBuf};

use hearth_plugin_sdk::prelude::*;

use crate::args;
use crate::paths::{self, Kind};

/// Entry names longer than this many characters are cut.
const MAX_NAME_CHARS: usize = 500;
/// The walk stops after collecting this many entries.
const MAX_ENTRIES: usize = 20_000;

/// The `list_dir` tool.
pub struct ListDir;

impl Tool for ListDir {
    const NAME: &'static str = "list_dir";
    const DESCRIPTION: &'static str = "Lists entries in a local directory with 1-indexed entry \
        numbers and simple type labels: directories end in `/`, symbolic links in `@`.";
    const EFFECTS: Effects = Effects::READS_FS;
    const PARALLEL: bool = true;

    fn parameters() -> Value {
        json!({
            "type": "object",
            "properties": {
                "dir_path": {
                    "type": "string",
                    "description": "Absolute path to the directory to list (or a path relative to the working directory)."
                },
                "offset": {
                    "type": "number",
                    "description": "The entry number to start listing from. Must be 1 or greater."
                },
                "limit": {
                    "type": "number",
                    "description": "The maximum number of entries to return (default 25)."
                },
                "depth": {
                    "type": "number",
                    "description": "The maximum directory depth to traverse. Must be 1 or greater (default 2)."
                }
            },
            "required": ["dir_path"],
            "additionalProperties": false
        })
    }

    fn call(args: Value, ctx: &CallContext) -> Result<ToolOutput, ToolError> {
        let raw = args::required_str(&args, "dir_path")?;
        let offset = args::count(&args, "offset", 1, "a 1-indexed entry number")?;
        let limit = args::count(&args, "limit", 25, "greater than zero")?;
        let depth = args::count(&args, "depth", 2, "greater than zero")?;
        let path = paths::resolve(&ctx.cwd, raw)?;
        list(&path, offset, limit, depth).map(ToolOutput::text)
    }
}

/// What an entry is, without following links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntryKind {
    File,
    Directory,
    Symlink,
    Other,
}

/// One collected entry.
#[derive(Debug)]
struct Entry {
    /// Path components relative to the listed directory (sort key).
    relative: Vec<String>,
    kind: EntryKind,
}

/// The listing of `dir`: header, page of entries, and a note when more entries follow.
pub fn list(dir: &Path, offset: usize, limit: usize, depth: usize) -> Result<String, ToolError> {
    let meta = fs::metadata(dir).map_err(|e| paths::io_error(dir, Kind::Directory, &e))?;
    if !meta.is_dir() {
        return Err(ToolError::invalid(format!(
            "not a directory: {} (use read_file)",
            dir.display()
        )));
    }
    let entries = collect(dir, depth)?;
    let mut out = format!("Absolute path: {}", dir.display());
    if entries.is_empty() {
        return Ok(out);
    }
    let start = offset - 1;
    if start >= entries.len() {
        return Err(ToolError::invalid(format!(
            "offset exceeds directory entry count: there are {} entries",
            entries.len()
        )));
    }
    let end = start.saturating_add(limit).min(entries.len());
    let mut page: Vec<&Entry> = entries[start..end].iter().collect();
    page.sort_by(|a, b| a.relative.cmp(&b.relative));
    for entry in page {
        out.push('\n');
        out.push_str(&format_entry(entry));
    }
    if end < entries.len() {
        out.push_str(&format!("\nMore than {} entries found", end - start));
    }
    Ok(out)
}

/// Collects entries breadth first, down to `depth` levels.
fn collect(root: &Path, depth: usize) -> Result<Vec<Entry>, ToolError> {
    let mut entries = Vec::new();
    let mut queue: VecDeque<(PathBuf, Vec<String>, usize)> = VecDeque::new();
    queue.push_back((root.to_path_buf(), Vec::new(), depth));
    while let Some((dir, prefix, remaining)) = queue.pop_front() {
        let reader = match fs::read_dir(&dir) {
            Ok(reader) => reader,
            // The listed directory itself must be readable; below it, skip what is not.
            Err(e) if dir == root => return Err(paths::io_error(&dir, Kind::Directory, &e)),
            Err(_) => continue,
        };
        let mut level: Vec<(String, EntryKind)> = reader
            .filter_map(Result::ok)
            .map(|e| {
                let kind = match e.file_type() {
                    Ok(t) if t.is_symlink() => EntryKind::Symlink,
                    Ok(t) if t.is_dir() => EntryKind::Directory,
                    Ok(t) if t.is_file() => EntryKind::File,
                    _ => EntryKind::Other,
                };
                (e.file_name().to_string_lossy().into_owned(), kind)
            })
            .collect();
        level.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, kind) in level {
            if entries.len() >= MAX_ENTRIES {
                return Ok(entries);
            }
            let mut relative = prefix.clone();
            relative.push(name);
            if kind == EntryKind::Directory && remaining > 1 {
                let child = dir.join(relative.last().expect("just pushed"));
                queue.push_back((child, relative.clone(), remaining - 1));
            }
            entries.push(Entry { relative, kind });
        }
    }
    Ok(entries)
}

/// `{indent}{name}{suffix}`: two spaces per level.
fn format_entry(entry: &Entry) -> String {
    let level = entry.relative.len().saturating_sub(1);
    let name: String = entry
        .relative
        .last()
        .map(|n| n.chars().take(MAX_NAME_CHARS).collect())
        .unwrap_or_default();
    let suffix = match entry.kind {
        EntryKind::Directory => "/",
        EntryKind::Symlink => "@",
        EntryKind::Other => "?",
        EntryKind::File => "",
    };
    format!("{}{name}{suffix}", "  ".repeat(level))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests_support::TempDir;

    fn tree() -> TempDir {
        let dir = TempDir::new("list");
        dir.write("b.txt", "");
        dir.write("a/x.rs", "");
        dir.write("a/deep/y.rs", "");
        dir.write("a.b", "");
        #[cfg(unix)]
        std::os::unix::fs::symlink("/etc", dir.path().join("link")).unwrap();
        dir
    }

    #[test]
    fn lists_a_tree_to_a_depth() {
        let dir = tree();
        let out = list(dir.path(), 1, 25, 2).unwrap();
        let expected = format!(
            "Absolute path: {}\na/\n  deep/\n  x.rs\na.b\nb.txt\nlink@",
            dir.path().display()
        );
        assert_eq!(out, expected);
        let shallow = list(dir.path(), 1, 25, 1).unwrap();
        assert!(!shallow.contains("x.rs"), "{shallow}");
    }

    #[test]
    fn pages_and_notes_truncation() {
        let dir = tree();
        let out = list(dir.path(), 2, 2, 3).unwrap();
        assert!(
            out.ends_with("a.b\nb.txt\nMore than 2 entries found"),
            "{out}"
        );
        let err = list(dir.path(), 99, 2, 3).unwrap_err();
        assert!(err.message().contains("offset exceeds"), "{err}");
    }

    #[test]
    fn errors_are_plain() {
        let dir = tree();
        let err = list(&dir.path().join("nope"), 1, 1, 1).unwrap_err();
        assert!(err.message().starts_with("directory not found"), "{err}");
        let err = list(&dir.path().join("b.txt"), 1, 1, 1).unwrap_err();
        assert!(err.message().starts_with("not a directory"), "{err}");
    }
}
