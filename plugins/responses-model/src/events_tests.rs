//! Tests of the Responses event mapping, over whole streams split into small chunks.

use super::*;
use hearth_plugin_sdk::model::EventSource;
use hearth_sse::SseStream;
use hearth_sse::stream::{ChunkedBytes, drain};

fn sse(events: &[Value]) -> String {
    events
        .iter()
        .map(|e| format!("event: {}\ndata: {e}\n\n", e["type"].as_str().unwrap()))
        .collect()
}

fn run(body: &str) -> (Vec<ModelEvent>, Option<ModelError>) {
    let mut stream = SseStream::new(
        ChunkedBytes::new(body.as_bytes(), 7),
        ResponsesMapper::new("t"),
    );
    drain(&mut stream as &mut dyn EventSource)
}

fn full_stream() -> Vec<Value> {
    vec![
        json!({"type": "response.created", "response": {"id": "resp_1"}}),
        json!({"type": "response.output_item.added", "output_index": 0, "item": {"type": "reasoning", "id": "rs_1", "summary": []}}),
        json!({"type": "response.reasoning_summary_part.added", "item_id": "rs_1", "summary_index": 0}),
        json!({"type": "response.reasoning_summary_text.delta", "item_id": "rs_1", "summary_index": 0, "delta": "Look "}),
        json!({"type": "response.reasoning_summary_text.delta", "item_id": "rs_1", "summary_index": 0, "delta": "first."}),
        json!({"type": "response.reasoning_text.delta", "item_id": "rs_1", "content_index": 1, "delta": "raw"}),
        json!({"type": "response.output_item.done", "output_index": 0, "item": {"type": "reasoning", "id": "rs_1", "summary": [{"type": "summary_text", "text": "Look first."}], "encrypted_content": "gAAA=="}}),
        json!({"type": "response.output_item.added", "output_index": 1, "item": {"type": "message", "id": "msg_1", "role": "assistant", "content": []}}),
        json!({"type": "response.output_text.delta", "item_id": "msg_1", "output_index": 1, "content_index": 0, "delta": "Hel"}),
        json!({"type": "response.output_text.delta", "item_id": "msg_1", "output_index": 1, "content_index": 0, "delta": "lo ✓"}),
        json!({"type": "response.output_item.done", "output_index": 1, "item": {"type": "message", "id": "msg_1", "role": "assistant", "content": [{"type": "output_text", "text": "Hello ✓"}]}}),
        json!({"type": "response.output_item.added", "output_index": 2, "item": {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "read_file", "arguments": ""}}),
        json!({"type": "response.function_call_arguments.delta", "item_id": "fc_1", "delta": "{\"file_path\""}),
        json!({"type": "response.output_item.done", "output_index": 2, "item": {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "read_file", "arguments": "{\"file_path\":\"a\"}"}}),
        json!({"type": "response.completed", "response": {"id": "resp_1", "output": [], "usage": {"input_tokens": 100, "input_tokens_details": {"cached_tokens": 40}, "output_tokens": 20, "output_tokens_details": {"reasoning_tokens": 8}, "total_tokens": 120}}}),
    ]
}

#[test]
fn a_full_response_maps_to_items_deltas_and_usage() {
    let (events, err) = run(&sse(&full_stream()));
    assert!(err.is_none(), "{err:?}");
    let mut kinds = Vec::new();
    for e in &events {
        kinds.push(match e {
            ModelEvent::ItemAdded(_) => "added",
            ModelEvent::TextDelta(_) => "text",
            ModelEvent::ReasoningSummaryDelta(_) => "summary",
            ModelEvent::ReasoningTextDelta(_) => "raw",
            ModelEvent::ItemDone(_) => "done",
            ModelEvent::Usage(_) => "usage",
        });
    }
    assert_eq!(
        kinds,
        [
            "added", "summary", "summary", "raw", "done", "added", "text", "text", "done", "added",
            "done", "usage"
        ]
    );
    let ModelEvent::ReasoningTextDelta(raw) = &events[3] else {
        panic!()
    };
    assert_eq!((raw.item_id.as_str(), raw.index), ("rs_1", 1));
    let ModelEvent::TextDelta(text) = &events[7] else {
        panic!()
    };
    assert_eq!(
        (text.item_id.as_str(), text.delta.as_str()),
        ("msg_1", "lo ✓")
    );
    let ModelEvent::ItemDone(reasoning) = &events[4] else {
        panic!()
    };
    let reasoning: Value = serde_json::from_str(reasoning).unwrap();
    assert_eq!(reasoning["encrypted_content"], "gAAA==");
    let ModelEvent::ItemDone(call) = &events[10] else {
        panic!()
    };
    let call: Value = serde_json::from_str(call).unwrap();
    assert_eq!(call["arguments"], "{\"file_path\":\"a\"}");
    assert_eq!(call["call_id"], "call_1");
    let ModelEvent::Usage(u) = &events[11] else {
        panic!()
    };
    assert_eq!(
        (
            u.input_tokens,
            u.cached_input_tokens,
            u.output_tokens,
            u.reasoning_output_tokens
        ),
        (100, 40, 20, 8)
    );
}

#[test]
fn items_without_ids_get_stable_made_up_ones() {
    let (events, err) = run(&sse(&[
        json!({"type": "response.output_item.added", "output_index": 0, "item": {"type": "message", "role": "assistant", "content": []}}),
        json!({"type": "response.output_text.delta", "output_index": 0, "delta": "hi"}),
        json!({"type": "response.output_item.done", "output_index": 0, "item": {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "hi"}]}}),
        json!({"type": "response.completed", "response": {"output": [
            {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "hi"}]},
            {"type": "function_call", "name": "f", "arguments": {"a": 1}}
        ]}}),
    ]));
    assert!(err.is_none());
    let ids: Vec<String> = events
        .iter()
        .map(|e| match e {
            ModelEvent::ItemAdded(j) | ModelEvent::ItemDone(j) => serde_json::from_str::<Value>(j)
                .unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string(),
            ModelEvent::TextDelta(d) => d.item_id.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(ids, ["item_0_t", "item_0_t", "item_0_t", "item_1_t"]);
    let ModelEvent::ItemDone(call) = &events[3] else {
        panic!()
    };
    let call: Value = serde_json::from_str(call).unwrap();
    assert_eq!(call["arguments"], "{\"a\":1}");
    assert_eq!(call["call_id"], "item_1_t");
}

#[test]
fn failures_and_dropped_streams_are_errors() {
    let failed = json!({"type": "response.failed", "response": {"error": {"code": "rate_limit_exceeded", "message": "Slow down. Please try again in 2s."}}});
    let (_, err) = run(&sse(&[failed]));
    let err = err.unwrap();
    assert!(err.retryable);
    assert_eq!(err.retry_after_ms, Some(2000));

    let quota = json!({"type": "error", "code": "insufficient_quota", "message": "no credit"});
    let err = run(&sse(&[quota])).1.unwrap();
    assert!(
        !err.retryable && err.message.contains("no credit"),
        "{err:?}"
    );

    let incomplete = json!({"type": "response.incomplete", "response": {"incomplete_details": {"reason": "max_output_tokens"}}});
    let err = run(&sse(&[incomplete])).1.unwrap();
    assert!(!err.retryable && err.message.contains("max_output_tokens"));

    let mut partial = full_stream();
    partial.truncate(9);
    let (events, err) = run(&sse(&partial));
    assert_eq!(events.len(), 7);
    let err = err.unwrap();
    assert!(
        err.retryable && err.message.contains("response.completed"),
        "{err:?}"
    );

    let (events, err) = run("data: not json\n\n: keep-alive\n\n");
    assert!(events.is_empty());
    assert!(err.unwrap().retryable);
}
