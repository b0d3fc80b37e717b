//! Tests of the chunk mapping, over whole streams split into small pieces.

use super::*;
use hearth_plugin_sdk::model::EventSource;
use hearth_sse::SseStream;
use hearth_sse::stream::{ChunkedBytes, drain};

fn chunk(delta: Value, finish: Option<&str>) -> Value {
    json!({"id": "chatcmpl-1", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
}

fn body(chunks: &[Value], done: bool) -> String {
    let mut text: String = chunks.iter().map(|c| format!("data: {c}\n\n")).collect();
    if done {
        text.push_str("data: [DONE]\n\n");
    }
    text
}

fn run(text: &str) -> (Vec<ModelEvent>, Option<ModelError>) {
    let mut stream = SseStream::new(ChunkedBytes::new(text.as_bytes(), 5), ChatMapper::new("t"));
    drain(&mut stream as &mut dyn EventSource)
}

fn done_items(events: &[ModelEvent]) -> Vec<Value> {
    events
        .iter()
        .filter_map(|e| match e {
            ModelEvent::ItemDone(j) => Some(serde_json::from_str(j).unwrap()),
            _ => None,
        })
        .collect()
}

#[test]
fn reasoning_text_and_usage() {
    let usage_chunk = json!({"choices": [], "usage": {"prompt_tokens": 30, "completion_tokens": 12, "total_tokens": 42, "prompt_tokens_details": {"cached_tokens": 10}, "completion_tokens_details": {"reasoning_tokens": 4}}});
    let (events, err) = run(&body(
        &[
            chunk(json!({"role": "assistant", "content": ""}), None),
            chunk(json!({"reasoning_content": "Think"}), None),
            chunk(json!({"reasoning": " more"}), None),
            chunk(json!({"content": "Hel"}), None),
            chunk(json!({"content": "lo"}), None),
            chunk(json!({}), Some("stop")),
            usage_chunk,
        ],
        true,
    ));
    assert!(err.is_none(), "{err:?}");
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| match e {
            ModelEvent::ItemAdded(_) => "added",
            ModelEvent::ReasoningTextDelta(_) => "raw",
            ModelEvent::TextDelta(_) => "text",
            ModelEvent::ItemDone(_) => "done",
            ModelEvent::Usage(_) => "usage",
            ModelEvent::ReasoningSummaryDelta(_) => "summary",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "added", "raw", "raw", "done", "added", "text", "text", "done", "usage"
        ]
    );
    let items = done_items(&events);
    assert_eq!(items[0]["id"], "rs_t");
    assert_eq!(items[0]["content"][0]["text"], "Think more");
    assert_eq!(items[1]["id"], "msg_t");
    assert_eq!(items[1]["content"][0]["text"], "Hello");
    let ModelEvent::TextDelta(d) = &events[5] else {
        panic!()
    };
    assert_eq!(d.item_id, "msg_t");
    let ModelEvent::Usage(u) = &events[8] else {
        panic!()
    };
    assert_eq!(
        (
            u.input_tokens,
            u.cached_input_tokens,
            u.output_tokens,
            u.reasoning_output_tokens
        ),
        (30, 10, 12, 4)
    );
}

#[test]
fn tool_call_fragments_merge_by_index() {
    let (events, err) = run(&body(
        &[
            chunk(json!({"content": "Reading."}), None),
            chunk(
                json!({"tool_calls": [{"index": 0, "id": "call_a", "type": "function", "function": {"name": "read_file", "arguments": ""}}]}),
                None,
            ),
            chunk(
                json!({"tool_calls": [{"index": 0, "function": {"arguments": "{\"file_path\":"}}]}),
                None,
            ),
            chunk(
                json!({"tool_calls": [{"index": 1, "id": "call_b", "function": {"name": "list_dir", "arguments": "{}"}}]}),
                None,
            ),
            chunk(
                json!({"tool_calls": [{"index": 0, "function": {"arguments": "\"a\"}"}}]}),
                None,
            ),
            chunk(json!({}), Some("tool_calls")),
        ],
        false,
    ));
    assert!(
        err.is_none(),
        "a finished choice may end without [DONE]: {err:?}"
    );
    let items = done_items(&events);
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["type"], "message");
    assert_eq!(items[1]["call_id"], "call_a");
    assert_eq!(items[1]["name"], "read_file");
    assert_eq!(items[1]["arguments"], "{\"file_path\":\"a\"}");
    assert_eq!(items[1]["id"], "fc_t_0");
    assert_eq!(items[2]["call_id"], "call_b");
    assert_eq!(items[2]["arguments"], "{}");
}

#[test]
fn calls_without_ids_and_whole_argument_objects() {
    let (events, _) = run(&body(
        &[chunk(
            json!({"tool_calls": [{"function": {"name": "f", "arguments": {"x": 1}}}]}),
            Some("tool_calls"),
        )],
        true,
    ));
    let items = done_items(&events);
    assert_eq!(items[0]["call_id"], "call_t_0");
    assert_eq!(items[0]["arguments"], "{\"x\":1}");
}

#[test]
fn errors_and_dropped_streams() {
    let (events, err) = run(&body(&[chunk(json!({"content": "par"}), None)], false));
    assert_eq!(events.len(), 2);
    assert!(err.unwrap().retryable);

    let error = json!({"error": {"message": "model overloaded", "code": "server_error"}});
    let err = run(&body(&[error], false)).1.unwrap();
    assert!(err.retryable && err.message.contains("model overloaded"));

    let error = json!({"error": {"message": "too long", "code": "context_length_exceeded"}});
    assert!(!run(&body(&[error], false)).1.unwrap().retryable);
}
