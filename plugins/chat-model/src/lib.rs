//! # hearth.chat
//!
//! A model adapter for the Chat Completions API of OpenAI and the many servers compatible
//! with it (llama.cpp, vLLM, Ollama, LM Studio, ...), over `wasi:http`, streamed: the body
//! is read as the host pulls events, so deltas reach the client as they arrive.
//!
//! hearth's history is Responses items; [`messages`] turns it into Chat messages (tool
//! calls of one response merged into one assistant message, results as `role: tool`),
//! and [`events`] turns the streamed chunks back into Responses items with ids made up
//! here. Usage is requested with `stream_options.include_usage`.
//!
//! Provider settings (`options.provider`): `base_url` (default
//! `https://api.openai.com/v1`), `query_params`, `http_headers`. The API key is attached
//! by the host for the provider's origin only; this adapter never sees it and can reach
//! no other origin.
#![warn(missing_docs)]

pub mod events;
pub mod messages;

mod adapter;

pub use adapter::ChatModel;

hearth_plugin_sdk::export_model!(ChatModel);
