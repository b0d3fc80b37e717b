//! The `ModelAdapter` implementation: `POST {base_url}/chat/completions` with the request
//! body, then the chunk stream through [`ChatMapper`]; `GET {base_url}/models` for the
//! model list.

use hearth_plugin_sdk::Value;
use hearth_plugin_sdk::model::{EventSource, ModelAdapter, ModelError, ModelInfo, Request};
use hearth_sse::SseStream;

use crate::events::ChatMapper;
use crate::messages::request_body;

/// The Chat Completions adapter.
pub struct ChatModel;

impl ModelAdapter for ChatModel {
    fn models(settings: &Value) -> Result<Vec<ModelInfo>, ModelError> {
        hearth_sse::list_models(settings)
    }

    fn start(request: Request) -> Result<Box<dyn EventSource>, ModelError> {
        let body = request_body(&request);
        let stream = hearth_sse::open_event_stream(request.provider(), "/chat/completions", &body)?;
        let mapper = ChatMapper::new(hearth_sse::unique_suffix());
        Ok(Box::new(SseStream::new(stream, mapper)))
    }
}
