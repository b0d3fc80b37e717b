//! # hearth.responses
//!
//! A model adapter for the OpenAI Responses API and servers compatible with it, over
//! `wasi:http`. Each request is stateless — `store: false`, the full history every time,
//! `prompt_cache_key` set to the thread id, encrypted reasoning requested and sent back
//! unchanged — and streamed: the body is read as the host pulls events, so deltas reach
//! the client as they arrive.
//!
//! Provider settings (`options.provider`, the `[model_providers.<id>]` block): `base_url`
//! (default `https://api.openai.com/v1`), `query_params`, `http_headers`. The API key is
//! not among them: the host attaches it, for the provider's origin only, and opens no
//! other origin to this adapter.
//!
//! Failures are `model-error`s: transport errors, 5xx and 429 are retryable (with the
//! `retry-after` delay), a stream that ends before `response.completed` is retryable, the
//! rest is final.
#![warn(missing_docs)]

pub mod events;
pub mod request;

mod adapter;

pub use adapter::ResponsesModel;

hearth_plugin_sdk::export_model!(ResponsesModel);
