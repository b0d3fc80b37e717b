//! Tests of the player.

use super::*;
use serde_json::json;

fn play(events: Vec<Event>) -> Vec<Result<Emitted, Failure>> {
    Player::new(events, 0, 0, "what the user said".into(), 40).collect()
}

fn text(t: &str, chunk: Option<usize>) -> Event {
    Event::Text {
        text: t.into(),
        chunk,
    }
}

#[test]
fn splits_words_and_chunks() {
    assert_eq!(
        split("Hello, world!\nBye", None),
        ["Hello, ", "world!\n", "Bye"]
    );
    assert_eq!(split("  hi", None), ["  hi"]);
    assert_eq!(split("abcdé", Some(2)), ["ab", "cd", "é"]);
    assert!(split("", None).is_empty());
    assert_eq!(split("abc", Some(0)), ["abc"]);
}

#[test]
fn a_message_then_usage() {
    let out = play(vec![text("Hi there", None)]);
    let id = "msg_0_1";
    assert_eq!(
        out,
        vec![
            Ok(Emitted::ItemAdded(
                json!({"type": "message", "role": "assistant", "id": id, "content": []})
            )),
            Ok(Emitted::TextDelta {
                item_id: id.into(),
                delta: "Hi ".into()
            }),
            Ok(Emitted::TextDelta {
                item_id: id.into(),
                delta: "there".into()
            }),
            Ok(Emitted::ItemDone(json!({
                "type": "message", "role": "assistant", "id": id,
                "content": [{"type": "output_text", "text": "Hi there"}],
            }))),
            Ok(Emitted::Usage(Usage {
                input_tokens: 10,
                cached_input_tokens: 0,
                output_tokens: 2,
                reasoning_output_tokens: 0
            })),
        ]
    );
}

#[test]
fn reasoning_and_tool_calls() {
    let out = play(vec![
        Event::Reasoning {
            summary: "Look".into(),
            text: Some("raw".into()),
            chunk: None,
        },
        Event::ToolCall {
            name: "read_file".into(),
            arguments: json!({"file_path": "a"}),
            call_id: None,
        },
        Event::ToolCall {
            name: "x".into(),
            arguments: json!("{\"k\":1}"),
            call_id: Some("mine".into()),
        },
        Event::Usage {
            input_tokens: 7,
            cached_input_tokens: 1,
            output_tokens: 9,
            reasoning_output_tokens: 2,
        },
    ]);
    let events: Vec<Emitted> = out.into_iter().map(Result::unwrap).collect();
    assert_eq!(
        events[1],
        Emitted::ReasoningSummaryDelta {
            item_id: "rs_0_1".into(),
            index: 0,
            delta: "Look".into()
        }
    );
    assert_eq!(
        events[2],
        Emitted::ReasoningTextDelta {
            item_id: "rs_0_1".into(),
            index: 0,
            delta: "raw".into()
        }
    );
    assert_eq!(
        events[3],
        Emitted::ItemDone(json!({
            "type": "reasoning", "id": "rs_0_1",
            "summary": [{"type": "summary_text", "text": "Look"}],
            "content": [{"type": "reasoning_text", "text": "raw"}],
        }))
    );
    assert_eq!(
        events[5],
        Emitted::ItemDone(json!({
            "type": "function_call", "id": "fc_0_2", "call_id": "call_0_2",
            "name": "read_file", "arguments": "{\"file_path\":\"a\"}",
        }))
    );
    assert!(
        matches!(&events[7], Emitted::ItemDone(v) if v["call_id"] == "mine" && v["arguments"] == "{\"k\":1}")
    );
    assert_eq!(
        events[8],
        Emitted::Usage(Usage {
            input_tokens: 7,
            cached_input_tokens: 1,
            output_tokens: 9,
            reasoning_output_tokens: 2
        })
    );
    assert_eq!(events.len(), 9);
}

#[test]
fn errors_end_the_response() {
    let error = Event::Error {
        message: "overloaded".into(),
        retryable: true,
        status: Some(529),
        retry_after_ms: Some(10),
        times: None,
    };
    let out = play(vec![
        text("partial", None),
        error.clone(),
        text("never", None),
    ]);
    assert_eq!(out.len(), 4);
    assert_eq!(
        out[3],
        Err(Failure {
            message: "overloaded".into(),
            retryable: true,
            status: Some(529),
            retry_after_ms: Some(10)
        })
    );
    let once = Event::Error {
        message: "once".into(),
        retryable: true,
        status: None,
        retry_after_ms: None,
        times: Some(1),
    };
    assert!(Player::new(vec![once.clone()], 0, 0, String::new(), 0).any(|e| e.is_err()));
    assert!(!Player::new(vec![once], 0, 1, String::new(), 0).any(|e| e.is_err()));
}

#[test]
fn echo_and_sleep() {
    let start = std::time::Instant::now();
    let out = play(vec![Event::Sleep { ms: 20 }, Event::Echo]);
    assert!(start.elapsed() >= Duration::from_millis(20));
    assert!(out.iter().any(
        |e| matches!(e, Ok(Emitted::ItemDone(v)) if v["content"][0]["text"] == "what the user said")
    ));
}
