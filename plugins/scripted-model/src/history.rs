//! Reading the request's input history: which response comes next, and what the user
//! said last.

use serde_json::Value;

/// True for items the model produced: assistant messages, reasoning, function calls.
fn is_model_output(item: &Value) -> bool {
    match item.get("type").and_then(Value::as_str) {
        Some("reasoning") | Some("function_call") => true,
        Some("message") | None => item.get("role").and_then(Value::as_str) == Some("assistant"),
        _ => false,
    }
}

/// The number of model responses already in `input`: the number of maximal runs of
/// consecutive model-output items.
pub fn completed_responses(input: &[Value]) -> usize {
    let mut count = 0;
    let mut in_run = false;
    for item in input {
        let output = is_model_output(item);
        if output && !in_run {
            count += 1;
        }
        in_run = output;
    }
    count
}

/// The text of the last user message (its text parts joined by newlines), "" when there
/// is none.
pub fn last_user_text(input: &[Value]) -> String {
    let Some(message) = input
        .iter()
        .rev()
        .find(|item| item.get("role").and_then(Value::as_str) == Some("user"))
    else {
        return String::new();
    };
    match message.get("content") {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .filter_map(|part| part.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user(text: &str) -> Value {
        json!({"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]})
    }

    #[test]
    fn counts_runs_of_model_output() {
        let assistant = json!({"type": "message", "role": "assistant", "content": []});
        let reasoning = json!({"type": "reasoning", "summary": []});
        let call = json!({"type": "function_call", "call_id": "c", "name": "x", "arguments": "{}"});
        let output = json!({"type": "function_call_output", "call_id": "c", "output": "ok"});
        assert_eq!(completed_responses(&[]), 0);
        assert_eq!(completed_responses(&[user("hi")]), 0);
        assert_eq!(completed_responses(&[user("hi"), assistant.clone()]), 1);
        let history = [
            user("hi"),
            reasoning,
            call.clone(),
            call,
            output,
            assistant.clone(),
            user("more"),
        ];
        assert_eq!(completed_responses(&history), 2);
        let easy = json!({"role": "assistant", "content": "plain"});
        assert_eq!(
            completed_responses(&[user("a"), easy, user("b"), assistant]),
            2
        );
    }

    #[test]
    fn finds_the_last_user_text() {
        let plain = json!({"role": "user", "content": "plain text"});
        assert_eq!(last_user_text(&[user("first"), user("second")]), "second");
        assert_eq!(last_user_text(&[plain]), "plain text");
        assert_eq!(last_user_text(&[]), "");
    }
}
