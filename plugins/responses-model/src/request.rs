//! The Responses API request body: stateless (`store: false`, the full history every
//! time), streamed, tools as function tools, the thread id as `prompt_cache_key`, and
//! encrypted reasoning requested so it can be carried back unchanged.

use hearth_plugin_sdk::model::Request;
use hearth_plugin_sdk::{Value, json};

/// Whether `model` is a reasoning model (reasoning settings are an error for others).
pub fn is_reasoning_model(model: &str) -> bool {
    let m = model
        .rsplit('/')
        .next()
        .unwrap_or(model)
        .to_ascii_lowercase();
    m.starts_with("gpt-5")
        || m.contains("codex")
        || ["o1", "o3", "o4"]
            .iter()
            .any(|p| m == *p || m.starts_with(&format!("{p}-")))
}

/// History items as sent: unchanged (reasoning summaries, content and
/// `encrypted_content` included) except for server-assigned `id`s, which a stateless
/// request must not refer to.
pub fn input_items(input: &[Value]) -> Vec<Value> {
    input
        .iter()
        .map(|item| {
            let mut item = item.clone();
            if let Value::Object(map) = &mut item {
                map.remove("id");
            }
            item
        })
        .collect()
}

/// The body of `POST /responses` for `request`.
pub fn request_body(request: &Request) -> Value {
    let options = &request.options;
    let mut body = json!({
        "model": request.model,
        "input": input_items(&request.input),
        "store": false,
        "stream": true,
    });
    if !request.instructions.is_empty() {
        body["instructions"] = json!(request.instructions);
    }
    if !request.tools.is_empty() {
        body["tools"] = json!(request.tools);
        body["tool_choice"] = json!("auto");
        body["parallel_tool_calls"] = json!(
            options
                .get("parallel-tool-calls")
                .and_then(Value::as_bool)
                .unwrap_or(false)
        );
    }
    if let Some(key) = options.get("prompt-cache-key").and_then(Value::as_str) {
        body["prompt_cache_key"] = json!(key);
    }
    let effort = options.get("reasoning-effort").and_then(Value::as_str);
    if effort.is_some() || is_reasoning_model(&request.model) {
        let mut reasoning = json!({"summary": "auto"});
        if let Some(effort) = effort {
            reasoning["effort"] = json!(effort);
        }
        body["reasoning"] = reasoning;
        body["include"] = json!(["reasoning.encrypted_content"]);
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(model: &str, options: Value) -> Request {
        Request {
            model: model.into(),
            instructions: "be brief".into(),
            input: vec![
                json!({"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]}),
                json!({"type": "reasoning", "id": "rs_1", "summary": [{"type": "summary_text", "text": "s"}], "encrypted_content": "gAAA=="}),
                json!({"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "read_file", "arguments": "{\"a\":1}"}),
                json!({"type": "function_call_output", "call_id": "call_1", "output": "text"}),
            ],
            tools: vec![
                json!({"type": "function", "name": "read_file", "description": "d", "parameters": {"type": "object"}}),
            ],
            options: options.as_object().cloned().unwrap_or_default(),
        }
    }

    #[test]
    fn the_body_is_stateless_and_keeps_reasoning() {
        let body = request_body(&request(
            "gpt-5",
            json!({"prompt-cache-key": "thread-1", "parallel-tool-calls": true, "provider": {"base_url": "x"}}),
        ));
        assert_eq!(body["store"], false);
        assert_eq!(body["stream"], true);
        assert_eq!(body["instructions"], "be brief");
        assert_eq!(body["prompt_cache_key"], "thread-1");
        assert_eq!(body["parallel_tool_calls"], true);
        assert_eq!(body["tool_choice"], "auto");
        assert_eq!(body["tools"][0]["name"], "read_file");
        assert_eq!(body["include"], json!(["reasoning.encrypted_content"]));
        assert_eq!(body["reasoning"], json!({"summary": "auto"}));
        let input = body["input"].as_array().unwrap();
        assert_eq!(input.len(), 4);
        assert_eq!(input[1]["encrypted_content"], "gAAA==");
        assert_eq!(input[1]["summary"][0]["text"], "s");
        assert!(input.iter().all(|i| i.get("id").is_none()));
        assert_eq!(input[2]["call_id"], "call_1");
        assert!(body.get("provider").is_none());
    }

    #[test]
    fn plain_models_get_no_reasoning_settings() {
        let body = request_body(&request("gpt-4.1", json!({})));
        assert!(body.get("reasoning").is_none() && body.get("include").is_none());
        assert_eq!(body["parallel_tool_calls"], false);
        let body = request_body(&request("llama", json!({"reasoning-effort": "high"})));
        assert_eq!(body["reasoning"]["effort"], "high");
        let mut bare = request("gpt-4.1", json!({}));
        bare.tools.clear();
        bare.instructions.clear();
        let body = request_body(&bare);
        assert!(body.get("tools").is_none() && body.get("parallel_tool_calls").is_none());
        assert!(body.get("instructions").is_none());
        for (model, reasoning) in [
            ("o3", true),
            ("o4-mini", true),
            ("openai/gpt-5-codex", true),
            ("o", false),
            ("omni", false),
        ] {
            assert_eq!(is_reasoning_model(model), reasoning, "{model}");
        }
    }
}
