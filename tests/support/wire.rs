//! Event streams as the two provider APIs send them, for the mock provider: the OpenAI
//! Responses API (`event:` + `data:` blocks) and Chat Completions (`data:` chunks ending
//! in `[DONE]`).

use serde_json::{Value, json};

/// Server-sent events of the Responses API.
pub mod responses {
    use super::*;

    /// One event block.
    pub fn event(value: Value) -> String {
        format!(
            "event: {}\ndata: {value}\n\n",
            value["type"].as_str().unwrap()
        )
    }

    /// A reasoning item at `index`: added, summary deltas, done with encrypted content.
    pub fn reasoning(index: u32, id: &str, summary: &[&str], encrypted: &str) -> Vec<String> {
        let mut out = vec![
            event(
                json!({"type": "response.output_item.added", "output_index": index, "item": {"type": "reasoning", "id": id, "summary": []}}),
            ),
            event(
                json!({"type": "response.reasoning_summary_part.added", "item_id": id, "output_index": index, "summary_index": 0}),
            ),
        ];
        for delta in summary {
            out.push(event(json!({"type": "response.reasoning_summary_text.delta", "item_id": id, "output_index": index, "summary_index": 0, "delta": delta})));
        }
        out.push(event(
            json!({"type": "response.output_item.done", "output_index": index, "item": {
                "type": "reasoning", "id": id,
                "summary": [{"type": "summary_text", "text": summary.concat()}],
                "encrypted_content": encrypted,
            }}),
        ));
        out
    }

    /// The start and text deltas of an assistant message (no `done`).
    pub fn message_start(index: u32, id: &str, chunks: &[&str]) -> Vec<String> {
        let mut out = vec![event(
            json!({"type": "response.output_item.added", "output_index": index, "item": {"type": "message", "id": id, "role": "assistant", "status": "in_progress", "content": []}}),
        )];
        for delta in chunks {
            out.push(event(json!({"type": "response.output_text.delta", "item_id": id, "output_index": index, "content_index": 0, "delta": delta})));
        }
        out
    }

    /// An assistant message at `index`, streamed in `chunks`.
    pub fn message(index: u32, id: &str, chunks: &[&str]) -> Vec<String> {
        let mut out = message_start(index, id, chunks);
        out.push(event(
            json!({"type": "response.output_item.done", "output_index": index, "item": {
                "type": "message", "id": id, "role": "assistant", "status": "completed",
                "content": [{"type": "output_text", "text": chunks.concat(), "annotations": []}],
            }}),
        ));
        out
    }

    /// A function call at `index`.
    pub fn call(index: u32, id: &str, call_id: &str, name: &str, args: &Value) -> Vec<String> {
        let args = args.to_string();
        let (a, b) = args.split_at(args.len() / 2);
        let item = |arguments: &str| json!({"type": "function_call", "id": id, "call_id": call_id, "name": name, "arguments": arguments});
        vec![
            event(
                json!({"type": "response.output_item.added", "output_index": index, "item": item("")}),
            ),
            event(
                json!({"type": "response.function_call_arguments.delta", "item_id": id, "output_index": index, "delta": a}),
            ),
            event(
                json!({"type": "response.function_call_arguments.delta", "item_id": id, "output_index": index, "delta": b}),
            ),
            event(
                json!({"type": "response.output_item.done", "output_index": index, "item": item(&args)}),
            ),
        ]
    }

    /// `response.completed` with usage.
    pub fn completed(input: u64, cached: u64, output: u64, reasoning: u64) -> String {
        event(
            json!({"type": "response.completed", "response": {"id": "resp_mock", "status": "completed", "output": [], "usage": {
                "input_tokens": input, "input_tokens_details": {"cached_tokens": cached},
                "output_tokens": output, "output_tokens_details": {"reasoning_tokens": reasoning},
                "total_tokens": input + output,
            }}}),
        )
    }

    /// A whole response: `response.created`, the parts, then `completed`.
    pub fn response(parts: Vec<Vec<String>>, completed: String) -> Vec<String> {
        let mut out = vec![event(
            json!({"type": "response.created", "response": {"id": "resp_mock", "status": "in_progress"}}),
        )];
        out.extend(parts.into_iter().flatten());
        out.push(completed);
        out
    }
}

/// Chunks of the Chat Completions API.
pub mod chat {
    use super::*;

    /// One `data:` chunk.
    pub fn data(value: Value) -> String {
        format!("data: {value}\n\n")
    }

    /// A chunk with one choice delta.
    pub fn delta(delta: Value) -> String {
        data(
            json!({"id": "chatcmpl-mock", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": delta, "finish_reason": null}]}),
        )
    }

    /// Reasoning deltas (`reasoning_content`).
    pub fn reasoning(chunks: &[&str]) -> Vec<String> {
        chunks
            .iter()
            .map(|c| delta(json!({"reasoning_content": c})))
            .collect()
    }

    /// Content deltas (the first one also carries the role).
    pub fn text(chunks: &[&str]) -> Vec<String> {
        chunks
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == 0 {
                    delta(json!({"role": "assistant", "content": c}))
                } else {
                    delta(json!({"content": c}))
                }
            })
            .collect()
    }

    /// Tool calls as fragments: each call's head, then its arguments in two pieces,
    /// interleaved across calls.
    pub fn calls(calls: &[(&str, &str, Value)]) -> Vec<String> {
        let mut out = Vec::new();
        let mut tails = Vec::new();
        for (i, (id, name, args)) in calls.iter().enumerate() {
            let args = args.to_string();
            let (a, b) = args.split_at(args.len() / 2);
            out.push(delta(json!({"tool_calls": [{"index": i, "id": id, "type": "function", "function": {"name": name, "arguments": a}}]})));
            tails.push(delta(
                json!({"tool_calls": [{"index": i, "function": {"arguments": b}}]}),
            ));
        }
        out.extend(tails);
        out
    }

    /// The end of a response: finish reason, usage, `[DONE]`.
    pub fn finish(reason: &str, prompt: u64, completion: u64, reasoning: u64) -> Vec<String> {
        vec![
            data(
                json!({"id": "chatcmpl-mock", "choices": [{"index": 0, "delta": {}, "finish_reason": reason}]}),
            ),
            data(json!({"id": "chatcmpl-mock", "choices": [], "usage": {
                "prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion,
                "prompt_tokens_details": {"cached_tokens": 0},
                "completion_tokens_details": {"reasoning_tokens": reasoning},
            }})),
            "data: [DONE]\n\n".to_string(),
        ]
    }

    /// A whole response from its parts.
    pub fn response(parts: Vec<Vec<String>>) -> Vec<String> {
        parts.into_iter().flatten().collect()
    }
}
