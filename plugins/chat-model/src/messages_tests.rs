//! Tests of the history-to-messages mapping.

use super::*;

fn user(text: &str) -> Value {
    json!({"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]})
}

fn assistant(text: &str) -> Value {
    json!({"type": "message", "id": "msg_x", "role": "assistant", "content": [{"type": "output_text", "text": text}]})
}

fn call(id: &str) -> Value {
    json!({"type": "function_call", "id": format!("fc_{id}"), "call_id": id, "name": "read_file", "arguments": format!("{{\"file_path\":\"{id}\"}}")})
}

fn output(id: &str) -> Value {
    json!({"type": "function_call_output", "call_id": id, "output": format!("content of {id}")})
}

fn roles(messages: &[Value]) -> Vec<&str> {
    messages
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect()
}

#[test]
fn consecutive_calls_become_one_assistant_message() {
    let reasoning =
        json!({"type": "reasoning", "summary": [{"type": "summary_text", "text": "s"}]});
    // As the host records them: each call followed by its output.
    let input = vec![
        user("read a and b"),
        reasoning.clone(),
        assistant("Reading both."),
        call("a"),
        output("a"),
        call("b"),
        output("b"),
        reasoning,
        call("c"),
        output("c"),
        assistant("Done."),
    ];
    let messages = chat_messages("sys", &input);
    assert_eq!(
        roles(&messages),
        [
            "system",
            "user",
            "assistant",
            "tool",
            "tool",
            "assistant",
            "tool",
            "assistant"
        ]
    );
    assert_eq!(messages[1]["content"], "read a and b");
    assert_eq!(messages[2]["content"], "Reading both.");
    let calls = messages[2]["tool_calls"].as_array().unwrap();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0]["id"], "a");
    assert_eq!(calls[1]["function"]["name"], "read_file");
    assert_eq!(calls[1]["function"]["arguments"], "{\"file_path\":\"b\"}");
    assert_eq!(messages[3]["tool_call_id"], "a");
    assert_eq!(messages[4]["tool_call_id"], "b");
    assert_eq!(messages[4]["content"], "content of b");
    assert_eq!(messages[5]["content"], Value::Null);
    assert_eq!(messages[5]["tool_calls"][0]["id"], "c");
    assert_eq!(messages[7]["content"], "Done.");
    assert!(messages[7].get("tool_calls").is_none());
}

#[test]
fn calls_grouped_before_their_outputs_also_work() {
    let input = vec![user("x"), call("a"), call("b"), output("a"), output("b")];
    let messages = chat_messages("", &input);
    assert_eq!(roles(&messages), ["user", "assistant", "tool", "tool"]);
    assert_eq!(messages[1]["tool_calls"].as_array().unwrap().len(), 2);
}

#[test]
fn images_and_structured_outputs() {
    let input = vec![
        json!({"type": "message", "role": "user", "content": [
            {"type": "input_text", "text": "see"},
            {"type": "input_image", "image_url": "data:image/png;base64,AA"}
        ]}),
        call("a"),
        json!({"type": "function_call_output", "call_id": "a", "output": [{"type": "input_text", "text": "t"}]}),
    ];
    let messages = chat_messages("", &input);
    assert_eq!(
        messages[0]["content"][1]["image_url"]["url"],
        "data:image/png;base64,AA"
    );
    assert!(
        messages[2]["content"]
            .as_str()
            .unwrap()
            .contains("input_text")
    );
}

#[test]
fn the_body_streams_with_usage_and_function_tools() {
    let request = Request {
        model: "llama".into(),
        instructions: "sys".into(),
        input: vec![user("hi")],
        tools: vec![
            json!({"type": "function", "name": "read_file", "description": "d", "parameters": {"type": "object"}}),
        ],
        options: json!({"reasoning-effort": "low"})
            .as_object()
            .cloned()
            .unwrap(),
    };
    let body = request_body(&request);
    assert_eq!(body["stream"], true);
    assert_eq!(body["stream_options"]["include_usage"], true);
    assert_eq!(body["tools"][0]["type"], "function");
    assert_eq!(body["tools"][0]["function"]["name"], "read_file");
    assert_eq!(body["tool_choice"], "auto");
    assert_eq!(body["reasoning_effort"], "low");
    assert_eq!(
        body["messages"][0],
        json!({"role": "system", "content": "sys"})
    );
}
