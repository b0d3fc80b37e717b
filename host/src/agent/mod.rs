//! The agent loop: history -> model adapter -> items -> tools -> policies -> back to the
//! model, until a response has no tool calls. It knows nothing of connections or the wire:
//! it reports what happens as [`AgentEvent`]s to a [`TurnSink`], which the server turns
//! into notifications and durable records.

pub mod compact;
pub mod events;
pub mod exec;
pub mod history;
pub mod model_select;
pub mod policy_chain;
pub mod render;
pub mod respond;
pub mod services;
pub mod stream;
pub mod tools;
pub mod turn;

pub use events::{AgentEvent, TurnSink};
pub use model_select::{ModelSelection, select_model};
pub use turn::{TurnEnd, TurnSetup, run_compaction, run_turn};
