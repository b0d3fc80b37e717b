//! `grep_files`: the files whose contents match a regular expression, newest first.
//!
//! Like `rg --files-with-matches --sortr=modified`: the pattern is matched line by line
//! (`^` and `$` match at line ends), `include` is a glob on the file name (or, when it
//! contains `/`, on the path below the searched directory), and the result is the list of
//! matching paths, most recently modified first. The walk skips `.git`, does not follow
//! symbolic links, skips binary files (a NUL byte in the first 8 KiB) and files over
//! 8 MiB, and stops after visiting [`MAX_FILES`] files.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use globset::{GlobBuilder, GlobMatcher};
use hearth_plugin_sdk::prelude::*;
use regex::bytes::{Regex, RegexBuilder};

use crate::args;
use crate::paths::{self, Kind};

/// Most paths a call may ask for.
pub const MAX_LIMIT: usize = 2000;
/// The walk stops after visiting this many files.
pub const MAX_FILES: usize = 50_000;
/// Larger files are not searched.
const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;
/// A NUL byte this early marks a binary file.
const BINARY_PROBE_BYTES: usize = 8 * 1024;

/// The `grep_files` tool.
pub struct GrepFiles;

impl Tool for GrepFiles {
    const NAME: &'static str = "grep_files";
    const DESCRIPTION: &'static str = "Finds files whose contents match the pattern and lists \
        them by modification time, most recent first.";
    const EFFECTS: Effects = Effects::READS_FS;
    const PARALLEL: bool = true;

    fn parameters() -> Value {
        json!({
            "type": "object",
            "properties": {
                "pattern": {
                    "type": "string",
                    "description": "Regular expression pattern to search for."
                },
                "include": {
                    "type": "string",
                    "description": "Optional glob that limits which files are searched (e.g. \"*.rs\" or \"*.{ts,tsx}\")."
                },
                "path": {
                    "type": "string",
                    "description": "Directory or file path to search. Defaults to the working directory."
                },
                "limit": {
                    "type": "number",
                    "description": "Maximum number of file paths to return (defaults to 100, at most 2000)."
                }
            },
            "required": ["pattern"],
            "additionalProperties": false
        })
    }

    fn call(args: Value, ctx: &CallContext) -> Result<ToolOutput, ToolError> {
        let pattern = args::required_str(&args, "pattern")?;
        let include = args::optional_str(&args, "include")?;
        let limit = args::count(&args, "limit", 100, "greater than zero")?.min(MAX_LIMIT);
        let root = match args::optional_str(&args, "path")? {
            Some(raw) => paths::resolve(&ctx.cwd, raw)?,
            None if ctx.cwd.is_empty() => {
                return Err(ToolError::invalid(
                    "`path` is required: the call has no working directory",
                ));
            }
            None => paths::normalize(Path::new(&ctx.cwd)),
        };
        let query = Query::new(pattern, include)?;
        search(&root, &query, limit).map(ToolOutput::text)
    }
}

/// A compiled search.
#[derive(Debug)]
pub struct Query {
    regex: Regex,
    include: Option<(GlobMatcher, bool)>,
}

impl Query {
    /// Compiles `pattern` and the optional `include` glob.
    pub fn new(pattern: &str, include: Option<&str>) -> Result<Self, ToolError> {
        let regex = RegexBuilder::new(pattern)
            .multi_line(true)
            .size_limit(10 * 1024 * 1024)
            .build()
            .map_err(|e| ToolError::invalid(format!("invalid regex pattern: {e}")))?;
        let include = include
            .map(|glob| {
                GlobBuilder::new(glob)
                    .literal_separator(true)
                    .build()
                    .map(|g| (g.compile_matcher(), glob.contains('/')))
                    .map_err(|e| ToolError::invalid(format!("invalid include glob: {e}")))
            })
            .transpose()?;
        Ok(Query { regex, include })
    }

    fn includes(&self, relative: &Path) -> bool {
        match &self.include {
            None => true,
            Some((glob, true)) => glob.is_match(relative),
            Some((glob, false)) => relative.file_name().is_some_and(|n| glob.is_match(n)),
        }
    }
}

/// Searches `root` (a directory or one file); the result text for the model.
pub fn search(root: &Path, query: &Query, limit: usize) -> Result<String, ToolError> {
    let meta = fs::metadata(root).map_err(|e| paths::io_error(root, Kind::Directory, &e))?;
    let mut hits: Vec<(SystemTime, PathBuf)> = Vec::new();
    let mut visited = 0usize;
    if meta.is_file() {
        if matches(root, query) {
            hits.push((modified(root), root.to_path_buf()));
        }
    } else {
        walk(root, query, &mut hits, &mut visited)?;
    }
    if hits.is_empty() {
        return Ok(if visited >= MAX_FILES {
            format!("No matches found in the first {MAX_FILES} files; narrow `path` or `include`.")
        } else {
            "No matches found.".to_string()
        });
    }
    hits.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let mut out: Vec<String> = hits
        .iter()
        .take(limit)
        .map(|(_, p)| p.display().to_string())
        .collect();
    if visited >= MAX_FILES {
        out.push(format!(
            "(search stopped after {MAX_FILES} files; narrow `path` or `include`)"
        ));
    }
    Ok(out.join("\n"))
}

/// Depth-first walk below `root` collecting matching files with their modification time.
fn walk(
    root: &Path,
    query: &Query,
    hits: &mut Vec<(SystemTime, PathBuf)>,
    visited: &mut usize,
) -> Result<(), ToolError> {
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let reader = match fs::read_dir(&dir) {
            Ok(reader) => reader,
            Err(e) if dir == root => return Err(paths::io_error(&dir, Kind::Directory, &e)),
            Err(_) => continue,
        };
        let mut entries: Vec<_> = reader.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries.into_iter().rev() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            if kind.is_dir() {
                if entry.file_name() != ".git" {
                    stack.push(path);
                }
                continue;
            }
            if !kind.is_file() {
                continue;
            }
            if *visited >= MAX_FILES {
                return Ok(());
            }
            *visited += 1;
            let relative = path.strip_prefix(root).unwrap_or(&path);
            if query.includes(relative) && matches(&path, query) {
                hits.push((modified(&path), path));
            }
        }
    }
    Ok(())
}

/// True when the file is small enough, not binary, and its contents match.
fn matches(path: &Path, query: &Query) -> bool {
    let Ok(file) = fs::File::open(path) else {
        return false;
    };
    let mut contents = Vec::new();
    if file
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut contents)
        .is_err()
        || contents.len() as u64 > MAX_FILE_BYTES
    {
        return false;
    }
    let probe = &contents[..contents.len().min(BINARY_PROBE_BYTES)];
    !probe.contains(&0) && query.regex.is_match(&contents)
}

fn modified(path: &Path) -> SystemTime {
    fs::metadata(path)
        .and_then(|m| m.modified())
        .unwrap_or(SystemTime::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests_support::TempDir;

    fn run(dir: &TempDir, pattern: &str, include: Option<&str>, limit: usize) -> String {
        search(dir.path(), &Query::new(pattern, include).unwrap(), limit).unwrap()
    }

    #[test]
    fn finds_files_newest_first() {
        let dir = TempDir::new("grep");
        let old = dir.write("src/old.rs", "fn main() {}\n");
        let new = dir.write("src/new.rs", "pub fn helper() {}\n");
        dir.write("notes.md", "a fn in prose\n");
        dir.write(".git/config", "fn hidden\n");
        dir.write("bin.dat", "fn\0binary");
        dir.set_modified(&old, 1_000);
        dir.set_modified(&new, 2_000);
        let out = run(&dir, r"^(pub )?fn ", None, 100);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2, "{out}");
        assert_eq!(lines[0], new.display().to_string());
        assert_eq!(lines[1], old.display().to_string());
        assert_eq!(
            run(&dir, "fn", Some("*.md"), 100),
            dir.path().join("notes.md").display().to_string()
        );
        assert_eq!(run(&dir, "fn", Some("src/*.{rs,ts}"), 1).lines().count(), 1);
        assert_eq!(
            run(&dir, "nothing-like-this", None, 100),
            "No matches found."
        );
    }

    #[test]
    fn rejects_bad_patterns() {
        assert!(
            Query::new("(", None)
                .unwrap_err()
                .message()
                .contains("invalid regex")
        );
        assert!(
            Query::new("a", Some("["))
                .unwrap_err()
                .message()
                .contains("invalid include")
        );
    }

    #[test]
    fn call_defaults_to_cwd_and_caps_limit() {
        let dir = TempDir::new("grepcall");
        dir.write("a.txt", "needle\n");
        let out = GrepFiles::call(
            json!({"pattern": "needle", "limit": 1_000_000}),
            &dir.context(),
        )
        .unwrap();
        assert_eq!(out.content, dir.path().join("a.txt").display().to_string());
    }
}
