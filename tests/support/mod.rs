//! Shared helpers for hearth's end-to-end tests. Include from an integration test with
//! `#[path = "../support/mod.rs"] mod support;` (adjust the path to the test's location).

#![allow(dead_code, unused_imports)]

pub mod client;
pub mod mock_model;
pub mod schema;
pub mod wire;

pub use schema::{CodexSchema, assert_valid_outgoing, codex_schema};

/// Copies a directory tree (a template home's component cache, say).
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}
