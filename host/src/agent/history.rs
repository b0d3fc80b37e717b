//! Canonical history: Responses-style items (`message`, `reasoning`, `function_call`,
//! `function_call_output`), built from user input and tool results.

use crate::protocol::UserInput;
use serde_json::{Value, json};

/// The Responses `message` item for a user's input.
pub fn user_message(input: &[UserInput]) -> Value {
    let content: Vec<Value> = input
        .iter()
        .filter_map(|part| match part {
            UserInput::Text { text, .. } => Some(json!({"type": "input_text", "text": text})),
            UserInput::Image { url: Some(url), .. } => {
                Some(json!({"type": "input_image", "image_url": url}))
            }
            UserInput::LocalImage { path, .. } => {
                Some(json!({"type": "input_text", "text": format!("[local image: {path}]")}))
            }
            _ => None,
        })
        .collect();
    json!({"type": "message", "role": "user", "content": content})
}

/// A user `message` item holding one text.
pub fn user_text(text: &str) -> Value {
    json!({"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]})
}

/// The output item answering a function call.
pub fn function_call_output(call_id: &str, output: &str) -> Value {
    json!({"type": "function_call_output", "call_id": call_id, "output": output})
}

/// Text of a Responses assistant `message` item.
pub fn message_text(item: &Value) -> String {
    item.get("content")
        .and_then(Value::as_array)
        .map(|parts| {
            parts
                .iter()
                .filter_map(|p| p.get("text").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join("")
        })
        .unwrap_or_default()
}

/// Summary and content texts of a Responses `reasoning` item.
pub fn reasoning_parts(item: &Value) -> (Vec<String>, Vec<String>) {
    let texts = |key: &str| -> Vec<String> {
        item.get(key)
            .and_then(Value::as_array)
            .map(|parts| {
                parts
                    .iter()
                    .filter_map(|p| p.get("text").and_then(Value::as_str).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    (texts("summary"), texts("content"))
}

/// Preview text of a thread: its first user message.
pub fn preview(input: &[UserInput]) -> String {
    input
        .iter()
        .find_map(|p| match p {
            UserInput::Text { text, .. } => Some(text.chars().take(200).collect()),
            _ => None,
        })
        .unwrap_or_default()
}
