//! hearth's history (Responses items) as Chat Completions `messages`, and the request
//! body. Strict servers accept tool calls only as one assistant message carrying every
//! call of a response, followed by one `tool` message per call: consecutive
//! `function_call` / `function_call_output` items are regrouped that way (an assistant
//! text right before them becomes that message's content). Reasoning items are not sent
//! back: Chat Completions has no standard field for them.

use hearth_plugin_sdk::model::Request;
use hearth_plugin_sdk::{Value, json};

fn kind(item: &Value) -> &str {
    item.get("type")
        .and_then(Value::as_str)
        .unwrap_or("message")
}

fn str_field(item: &Value, key: &str) -> String {
    match item.get(key) {
        Some(Value::String(s)) => s.clone(),
        None | Some(Value::Null) => String::new(),
        Some(other) => other.to_string(),
    }
}

/// The texts of a message's content (a string, or parts with `text`).
fn text_of(item: &Value) -> String {
    match item.get("content") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .filter_map(|p| p.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join(""),
        _ => String::new(),
    }
}

/// A user message's content: a string when it is all text, else content parts.
fn user_content(item: &Value) -> Value {
    let Some(Value::Array(parts)) = item.get("content") else {
        return json!(text_of(item));
    };
    if parts.iter().all(|p| p.get("text").is_some()) {
        let texts: Vec<&str> = parts
            .iter()
            .filter_map(|p| p.get("text").and_then(Value::as_str))
            .collect();
        return json!(texts.join("\n"));
    }
    Value::Array(
        parts
            .iter()
            .filter_map(|p| {
                if let Some(text) = p.get("text").and_then(Value::as_str) {
                    Some(json!({"type": "text", "text": text}))
                } else {
                    p.get("image_url")
                        .and_then(Value::as_str)
                        .map(|url| json!({"type": "image_url", "image_url": {"url": url}}))
                }
            })
            .collect(),
    )
}

fn tool_call(item: &Value) -> Value {
    json!({
        "id": str_field(item, "call_id"),
        "type": "function",
        "function": {"name": str_field(item, "name"), "arguments": str_field(item, "arguments")},
    })
}

/// The `messages` of a request: `instructions` as the system message, then `input`.
pub fn chat_messages(instructions: &str, input: &[Value]) -> Vec<Value> {
    let mut messages = Vec::new();
    if !instructions.is_empty() {
        messages.push(json!({"role": "system", "content": instructions}));
    }
    // Whether the last message is an assistant text that tool calls may join.
    let mut open_assistant = false;
    let mut i = 0;
    while i < input.len() {
        let item = &input[i];
        match kind(item) {
            "message" => {
                let role = item.get("role").and_then(Value::as_str).unwrap_or("user");
                let message = match role {
                    "assistant" => json!({"role": "assistant", "content": text_of(item)}),
                    "system" | "developer" => json!({"role": "system", "content": text_of(item)}),
                    _ => json!({"role": "user", "content": user_content(item)}),
                };
                open_assistant = role == "assistant";
                messages.push(message);
                i += 1;
            }
            "function_call" | "function_call_output" => {
                let mut calls = Vec::new();
                let mut results = Vec::new();
                while let Some(item) = input.get(i) {
                    match kind(item) {
                        "function_call" => calls.push(tool_call(item)),
                        "function_call_output" => results.push(json!({
                            "role": "tool",
                            "tool_call_id": str_field(item, "call_id"),
                            "content": str_field(item, "output"),
                        })),
                        // Anything else, reasoning included, starts another response.
                        _ => break,
                    }
                    i += 1;
                }
                if !calls.is_empty() {
                    match messages.last_mut() {
                        Some(last) if open_assistant => last["tool_calls"] = json!(calls),
                        _ => messages.push(
                            json!({"role": "assistant", "content": null, "tool_calls": calls}),
                        ),
                    }
                }
                open_assistant = false;
                messages.extend(results);
            }
            _ => i += 1,
        }
    }
    messages
}

/// Function tools in the Chat Completions shape.
pub fn chat_tools(tools: &[Value]) -> Vec<Value> {
    tools
        .iter()
        .map(|t| {
            json!({
                "type": "function",
                "function": {
                    "name": t.get("name").cloned().unwrap_or(Value::Null),
                    "description": t.get("description").cloned().unwrap_or(json!("")),
                    "parameters": t.get("parameters").cloned().unwrap_or(json!({"type": "object"})),
                },
            })
        })
        .collect()
}

/// The body of `POST /chat/completions` for `request`.
pub fn request_body(request: &Request) -> Value {
    let mut body = json!({
        "model": request.model,
        "messages": chat_messages(&request.instructions, &request.input),
        "stream": true,
        "stream_options": {"include_usage": true},
    });
    if !request.tools.is_empty() {
        body["tools"] = json!(chat_tools(&request.tools));
        body["tool_choice"] = json!("auto");
    }
    if let Some(effort) = request
        .options
        .get("reasoning-effort")
        .and_then(Value::as_str)
    {
        body["reasoning_effort"] = json!(effort);
    }
    body
}

#[cfg(test)]
#[path = "messages_tests.rs"]
mod tests;
