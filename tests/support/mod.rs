//! Shared helpers for hearth's end-to-end tests. Include from an integration test with
//! `#[path = "../support/mod.rs"] mod support;` (adjust the path to the test's location).

#![allow(dead_code, unused_imports)]

pub mod client;
pub mod mock_model;
pub mod schema;
pub mod wire;

pub use schema::{CodexSchema, assert_valid_outgoing, codex_schema};
