//! # hearth.scripted
//!
//! A model adapter that replays a JSON script instead of calling a provider: the test
//! double of hearth's own tests and the offline demo. It needs no grants at all.
//!
//! ## Script
//!
//! The script is the provider setting `script` (`options.provider.script` in each
//! request; the host reads a script file and passes its content, as JSON or as text):
//!
//! ```json
//! {"responses": [
//!   [{"type": "reasoning", "summary": "Look at the file first."},
//!    {"type": "tool_call", "name": "read_file", "arguments": {"file_path": "README.md"}}],
//!   [{"type": "text", "text": "The README says hello."}]
//! ]}
//! ```
//!
//! Each response is a list of events:
//!
//! | event | effect |
//! |-------|--------|
//! | `{"type":"text","text":"…","chunk":N?}` | an assistant message, streamed in deltas of `N` characters (default: word by word) |
//! | `{"type":"reasoning","summary":"…","text":"…"?,"chunk":N?}` | a reasoning item: summary deltas, then raw-text deltas |
//! | `{"type":"tool_call","name":"…","arguments":{…},"call_id":"…"?}` | a function call (`arguments` an object or its JSON text; `call_id` generated when absent) |
//! | `{"type":"usage","input_tokens":N,"output_tokens":N,…}` | the usage to report (also `cached_input_tokens`, `reasoning_output_tokens`); without it, an estimate of about four characters per token |
//! | `{"type":"error","message":"…","retryable":B,"status":N?,"retry_after_ms":N?,"times":N?}` | the response fails here; with `times`, only the first `N` replays by one adapter instance fail |
//! | `{"type":"sleep","ms":N}` | waits before the next event (to test interrupts) |
//! | `{"type":"echo"}` | an assistant message repeating the last user message |
//!
//! **Which response is replayed**: the number of model responses already in the request's
//! `input` history — the maximal runs of consecutive model-output items (assistant
//! `message`, `reasoning`, `function_call`) — picks the index. Past the end of the script,
//! the reply is "(scripted model: the script has no more responses)".
//!
//! **Events sent**: for each output item `item-added` (ids `msg_<r>_<n>`, `rs_<r>_<n>`,
//! `fc_<r>_<n>` for response `r`), its deltas, `item-done` with the complete Responses
//! item; then `usage`, then the end of the stream.
//!
//! **Models**: `scripted` ("Scripted demo model", the default) plus any listed in the
//! provider settings' `models` array (ids, or objects with `id`, `display_name`,
//! `description`, `is_default`).
#![warn(missing_docs)]

pub mod history;
pub mod player;
pub mod script;

mod adapter;

pub use adapter::ScriptedModel;

hearth_plugin_sdk::export_model!(ScriptedModel);
