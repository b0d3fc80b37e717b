//! The `ModelAdapter` implementation: `POST {base_url}/responses` with the request body,
//! then the event stream through [`ResponsesMapper`]; `GET {base_url}/models` for the
//! model list.

use hearth_plugin_sdk::Value;
use hearth_plugin_sdk::model::{EventSource, ModelAdapter, ModelError, ModelInfo, Request};
use hearth_sse::SseStream;

use crate::events::ResponsesMapper;
use crate::request::request_body;

/// The Responses API adapter.
pub struct ResponsesModel;

impl ModelAdapter for ResponsesModel {
    fn models(settings: &Value) -> Result<Vec<ModelInfo>, ModelError> {
        hearth_sse::list_models(settings)
    }

    fn start(request: Request) -> Result<Box<dyn EventSource>, ModelError> {
        let body = request_body(&request);
        let stream = hearth_sse::open_event_stream(request.provider(), "/responses", &body)?;
        let mapper = ResponsesMapper::new(hearth_sse::unique_suffix());
        Ok(Box::new(SseStream::new(stream, mapper)))
    }
}
