//! # hearth.files
//!
//! The first-party file tools, shaped as Codex presents them to models:
//!
//! - [`read_file`](read_file::ReadFile) — `{file_path, offset = 1, limit = 2000}`: lines
//!   prefixed `L{n}: `, each cut at 500 characters.
//! - [`list_dir`](list_dir::ListDir) — `{dir_path, offset = 1, limit = 25, depth = 2}`:
//!   `Absolute path: <dir>`, then entries indented two spaces per level, directories
//!   with a trailing `/`, symbolic links with `@`.
//! - [`grep_files`](grep_files::GrepFiles) — `{pattern, include?, path?, limit = 100}`: the
//!   files whose contents match a regular expression, most recently modified first.
//!
//! All three only read (`reads-fs`), render as generic tool calls and may run in parallel.
//!
//! ## Paths
//!
//! The host preopens the workspace at its real path and sends it as the context's `cwd`.
//! Relative paths resolve against it. Paths are normalised lexically first, and a path
//! whose `..` components lead out of the workspace is refused ("path escapes the
//! workspace") before any file system call. Everything else is left to WASI, which refuses
//! whatever lies outside the plugin's preopened directories — including symbolic links
//! that point out of them; such errors are turned into plain messages (see [`paths`]).
#![warn(missing_docs)]

pub mod args;
pub mod grep_files;
pub mod list_dir;
pub mod paths;
pub mod read_file;

hearth_plugin_sdk::export_tools!(
    read_file::ReadFile,
    list_dir::ListDir,
    grep_files::GrepFiles
);

#[cfg(test)]
mod tests_support;
