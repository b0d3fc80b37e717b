//! Turning parsed file operations into concrete changes, before anything is written.
//!
//! Each operation is resolved against the workspace, the files it touches are read, and
//! its new contents and diff are computed. Operations see the results of the ones before
//! them in the same patch (an update after an add of the same file changes the added
//! text), through an in-memory overlay. Any error stops everything: nothing is written
//! unless every operation can be applied.
//!
//! An `*** Add File` whose file already exists replaces it and is reported as an update,
//! with the diff from the old contents, so that approving it shows what is lost.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use hearth_plugin_sdk::prelude::*;

use crate::apply::apply_hunks;
use crate::diff;
use crate::parser::FileOp;
use crate::paths::{self, Target};

/// What happens to a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// It is created.
    Add,
    /// It is removed.
    Delete,
    /// Its contents change, or it is renamed.
    Update,
}

impl Kind {
    /// `add`, `delete` or `update`, as in the details.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Add => "add",
            Kind::Delete => "delete",
            Kind::Update => "update",
        }
    }

    /// The letter of the summary for the model: `A`, `D` or `M`.
    pub fn letter(self) -> char {
        match self {
            Kind::Add => 'A',
            Kind::Delete => 'D',
            Kind::Update => 'M',
        }
    }
}

/// One file change, ready to be approved and written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// What happens.
    pub kind: Kind,
    /// The file.
    pub path: Target,
    /// Where it moves, for a rename.
    pub move_to: Option<Target>,
    /// Its contents afterwards (at `move_to` for a rename); `None` for a delete.
    pub contents: Option<String>,
    /// Unified diff of the change.
    pub diff: String,
}

impl Change {
    /// The path shown in the summary: where the file is afterwards.
    pub fn final_path(&self) -> &Target {
        self.move_to.as_ref().unwrap_or(&self.path)
    }
}

/// Computes the changes of `ops` against the workspace `root`.
pub fn compute(root: &str, ops: &[FileOp]) -> Result<Vec<Change>, ToolError> {
    let mut files = Files::default();
    ops.iter()
        .map(|op| compute_one(root, op, &mut files))
        .collect()
}

fn compute_one(root: &str, op: &FileOp, files: &mut Files) -> Result<Change, ToolError> {
    match op {
        FileOp::Add { path, contents } => {
            let target = paths::resolve(root, path)?;
            let old = files.read_if_exists(&target)?;
            let kind = if old.is_some() {
                Kind::Update
            } else {
                Kind::Add
            };
            let diff = diff::unified(
                old.as_deref(),
                Some(contents),
                &target.relative,
                &target.relative,
            );
            files.set(&target, Some(contents.clone()));
            Ok(Change {
                kind,
                path: target,
                move_to: None,
                contents: Some(contents.clone()),
                diff,
            })
        }
        FileOp::Delete { path } => {
            let target = paths::resolve(root, path)?;
            let old = files.read(&target, "delete")?;
            let diff = diff::unified(Some(&old), None, &target.relative, &target.relative);
            files.set(&target, None);
            Ok(Change {
                kind: Kind::Delete,
                path: target,
                move_to: None,
                contents: None,
                diff,
            })
        }
        FileOp::Update {
            path,
            move_to,
            hunks,
        } => {
            let target = paths::resolve(root, path)?;
            let dest = match move_to {
                Some(raw) => Some(paths::resolve(root, raw)?).filter(|d| *d != target),
                None => None,
            };
            let old = files.read(&target, "update")?;
            let new = apply_hunks(&target.relative, &old, hunks)?;
            let to = dest.as_ref().unwrap_or(&target);
            if dest.is_some() {
                files.refuse_directory(to)?;
            }
            let diff = diff::unified(Some(&old), Some(&new), &target.relative, &to.relative);
            files.set(&target, None);
            files.set(to, Some(new.clone()));
            Ok(Change {
                kind: Kind::Update,
                path: target,
                move_to: dest,
                contents: Some(new),
                diff,
            })
        }
    }
}

/// The workspace's files as earlier operations of the patch left them.
#[derive(Default)]
struct Files {
    /// Contents set by earlier operations; `None` for files they removed.
    overlay: HashMap<PathBuf, Option<String>>,
}

impl Files {
    fn set(&mut self, target: &Target, contents: Option<String>) {
        self.overlay.insert(target.absolute.clone(), contents);
    }

    /// The file's text, or an error saying why it cannot be `verb`d.
    fn read(&self, target: &Target, verb: &str) -> Result<String, ToolError> {
        self.read_if_exists(target)?.ok_or_else(|| {
            ToolError::invalid(format!("cannot {verb} {}: file not found", target.relative))
        })
    }

    /// The file's text, or `None` when there is no such file.
    fn read_if_exists(&self, target: &Target) -> Result<Option<String>, ToolError> {
        if let Some(contents) = self.overlay.get(&target.absolute) {
            return Ok(contents.clone());
        }
        self.refuse_directory(target)?;
        match std::fs::read(&target.absolute) {
            Ok(bytes) => String::from_utf8(bytes).map(Some).map_err(|_| {
                ToolError::invalid(format!(
                    "{} is not UTF-8 text; apply_patch only edits text files",
                    target.relative
                ))
            }),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(read_error(&target.relative, &target.absolute, &e)),
        }
    }

    /// Fails when `target` is a directory (that no earlier operation replaced).
    fn refuse_directory(&self, target: &Target) -> Result<(), ToolError> {
        let replaced = self.overlay.contains_key(&target.absolute);
        if !replaced && std::fs::metadata(&target.absolute).is_ok_and(|m| m.is_dir()) {
            return Err(ToolError::invalid(format!(
                "{} is a directory, not a file",
                target.relative
            )));
        }
        Ok(())
    }
}

/// wasi-libc's `ENOTCAPABLE`: the path is not reachable through any preopened directory.
pub const ENOTCAPABLE: i32 = 76;

fn read_error(relative: &str, absolute: &Path, error: &io::Error) -> ToolError {
    if error.kind() == io::ErrorKind::PermissionDenied || error.raw_os_error() == Some(ENOTCAPABLE)
    {
        return ToolError::denied(format!(
            "access denied: cannot read {relative} ({}); it may lead out of the workspace",
            absolute.display()
        ));
    }
    ToolError::failed(format!("cannot read {relative}: {error}"))
}

#[cfg(test)]
#[path = "changes_tests.rs"]
mod tests;
