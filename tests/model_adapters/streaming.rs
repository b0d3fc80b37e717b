//! Both adapters stream text, reasoning and tool calls (one, then several) into the right
//! items, deltas and token usage, and send the right request bodies: the full history,
//! tools, encrypted reasoning carried back (Responses), tool calls merged into one
//! assistant message (Chat).

use super::support::mock_model::{MockModel, Reply};
use super::support::wire::{chat, responses};
use super::*;

fn read(path: &str) -> Value {
    json!({"file_path": path})
}

/// The tool items of a turn that completed: `(id, status)`.
fn tool_items(events: &[Value]) -> Vec<(String, String)> {
    params(events, "item/completed")
        .into_iter()
        .map(|p| &p["item"])
        .filter(|i| {
            !["userMessage", "agentMessage", "reasoning"].contains(&i["type"].as_str().unwrap())
        })
        .map(|i| {
            (
                i["id"].as_str().unwrap().to_string(),
                i["status"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn last_usage(events: &[Value]) -> Value {
    params(events, "thread/tokenUsage/updated").last().unwrap()["tokenUsage"].clone()
}

fn types(items: &[Value]) -> Vec<&str> {
    items.iter().map(|i| i["type"].as_str().unwrap()).collect()
}

#[test]
fn responses_adapter_streams_items_and_sends_stateless_requests() {
    let mock = MockModel::start();
    mock.push(Reply::Stream(responses::response(
        vec![
            responses::reasoning(0, "rs_1", &["Check ", "the file."], "enc-1"),
            responses::message(1, "msg_1", &["Let me ", "read a.txt."]),
            responses::call(2, "fc_1", "call_1", "read_file", &read("a.txt")),
        ],
        responses::completed(50, 10, 20, 5),
    )));
    mock.push(Reply::Stream(responses::response(
        vec![responses::message(0, "msg_2", &["a.txt says ", "alpha."])],
        responses::completed(80, 40, 10, 0),
    )));
    mock.push(Reply::Stream(responses::response(
        vec![
            responses::call(0, "fc_3", "call_3", "read_file", &read("a.txt")),
            responses::call(1, "fc_4", "call_4", "read_file", &read("b.txt")),
        ],
        responses::completed(120, 0, 30, 0),
    )));
    mock.push(Reply::Stream(responses::response(
        vec![responses::message(0, "msg_4", &["Both ", "read."])],
        responses::completed(150, 100, 5, 0),
    )));
    let home = mock_home(&mock, "responses", "gpt-5", "");
    let ws = workspace();
    let mut s = spawn(home.path());
    let thread = start_thread(&mut s, ws.path(), json!({}));

    // One tool call.
    let events = run_turn(&mut s, &thread, "what is in a.txt?");
    assert_eq!(final_turn(&events)["status"], "completed", "{events:#?}");
    assert_eq!(
        deltas(&events, "item/reasoning/summaryTextDelta", "rs_1"),
        ["Check ", "the file."]
    );
    assert_eq!(
        completed(&events, "reasoning")[0]["summary"],
        json!(["Check the file."])
    );
    assert_eq!(
        deltas(&events, "item/agentMessage/delta", "msg_1"),
        ["Let me ", "read a.txt."]
    );
    let texts: Vec<&str> = completed(&events, "agentMessage")
        .iter()
        .map(|i| i["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["Let me read a.txt.", "a.txt says alpha."]);
    assert_eq!(tool_items(&events), [("call_1".into(), "completed".into())]);
    let usage = last_usage(&events);
    assert_eq!(usage["last"]["inputTokens"], 80);
    assert_eq!(usage["last"]["cachedInputTokens"], 40);
    assert_eq!(usage["total"]["inputTokens"], 130);
    assert_eq!(usage["total"]["reasoningOutputTokens"], 5);

    // Several tool calls (parallel-safe tools run concurrently: any completion order).
    let events = run_turn(&mut s, &thread, "and both files?");
    assert_eq!(final_turn(&events)["status"], "completed", "{events:#?}");
    let mut items = tool_items(&events);
    items.sort();
    assert_eq!(
        items,
        [
            ("call_3".into(), "completed".into()),
            ("call_4".into(), "completed".into())
        ]
    );
    assert_eq!(completed(&events, "agentMessage")[0]["text"], "Both read.");
    assert_eq!(
        last_usage(&events)["total"]["totalTokens"],
        50 + 20 + 80 + 10 + 120 + 30 + 150 + 5
    );

    let posts = mock.posts();
    assert_eq!(posts.len(), 4);
    for post in &posts {
        assert_eq!(post.path, "/v1/responses");
        assert_eq!(
            post.header("authorization"),
            Some(format!("Bearer {KEY}").as_str())
        );
        assert_eq!(post.header("content-type"), Some("application/json"));
    }
    let first = posts[0].json();
    assert_eq!(first["model"], "gpt-5");
    assert_eq!(first["stream"], true);
    assert_eq!(first["store"], false);
    assert_eq!(first["prompt_cache_key"], thread.as_str());
    assert_eq!(first["parallel_tool_calls"], true);
    assert_eq!(first["include"], json!(["reasoning.encrypted_content"]));
    assert!(first["instructions"].as_str().unwrap().contains("hearth"));
    let tool = first["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "read_file")
        .expect("read_file offered");
    assert_eq!(tool["type"], "function");
    assert_eq!(tool["parameters"]["type"], "object");
    assert_eq!(types(first["input"].as_array().unwrap()), ["message"]);

    // The second request carries the whole first response back, reasoning unchanged.
    let input = posts[1].json()["input"].as_array().unwrap().clone();
    assert_eq!(
        types(&input),
        [
            "message",
            "reasoning",
            "message",
            "function_call",
            "function_call_output"
        ]
    );
    assert_eq!(input[1]["encrypted_content"], "enc-1");
    assert_eq!(input[1]["summary"][0]["text"], "Check the file.");
    assert!(input.iter().all(|i| i.get("id").is_none()), "{input:#?}");
    assert_eq!(input[3]["call_id"], "call_1");
    assert_eq!(input[3]["arguments"], read("a.txt").to_string());
    assert_eq!(input[4]["call_id"], "call_1");
    assert!(
        input[4]["output"].as_str().unwrap().contains("alpha"),
        "{input:#?}"
    );

    // The second turn starts from the whole first one.
    let input = posts[2].json()["input"].as_array().unwrap().clone();
    assert_eq!(input.len(), 7);
    assert_eq!(input[5]["content"][0]["text"], "a.txt says alpha.");
    let input = posts[3].json()["input"].as_array().unwrap().clone();
    let calls: Vec<&str> = input[7..]
        .iter()
        .map(|i| i["call_id"].as_str().unwrap())
        .collect();
    assert_eq!(calls, ["call_3", "call_3", "call_4", "call_4"]);
    assert!(input[10]["output"].as_str().unwrap().contains("beta"));
    s.shutdown();
}

#[test]
fn chat_adapter_streams_items_and_merges_tool_calls() {
    let mock = MockModel::start();
    mock.push(Reply::Stream(chat::response(vec![
        chat::reasoning(&["Think ", "hard."]),
        chat::text(&["Reading ", "a.txt."]),
        chat::calls(&[("call_1", "read_file", read("a.txt"))]),
        chat::finish("tool_calls", 40, 12, 3),
    ])));
    mock.push(Reply::Stream(chat::response(vec![
        chat::text(&["It says ", "alpha."]),
        chat::finish("stop", 60, 5, 0),
    ])));
    mock.push(Reply::Stream(chat::response(vec![
        chat::calls(&[
            ("call_3", "read_file", read("a.txt")),
            ("call_4", "read_file", read("b.txt")),
        ]),
        chat::finish("tool_calls", 70, 20, 0),
    ])));
    mock.push(Reply::Stream(chat::response(vec![
        chat::text(&["Both."]),
        chat::finish("stop", 90, 2, 0),
    ])));
    let home = mock_home(&mock, "chat", "mock-chat", "");
    let ws = workspace();
    let mut s = spawn(home.path());
    let thread = start_thread(&mut s, ws.path(), json!({}));

    let events = run_turn(&mut s, &thread, "what is in a.txt?");
    assert_eq!(final_turn(&events)["status"], "completed", "{events:#?}");
    let reasoning = completed(&events, "reasoning");
    assert_eq!(reasoning[0]["content"], json!(["Think hard."]));
    let rs_id = reasoning[0]["id"].as_str().unwrap();
    assert_eq!(
        deltas(&events, "item/reasoning/textDelta", rs_id),
        ["Think ", "hard."]
    );
    let messages = completed(&events, "agentMessage");
    assert_eq!(messages[0]["text"], "Reading a.txt.");
    assert_eq!(messages[1]["text"], "It says alpha.");
    let msg_id = messages[0]["id"].as_str().unwrap();
    assert_ne!(
        msg_id,
        messages[1]["id"].as_str().unwrap(),
        "ids are unique"
    );
    assert_eq!(
        deltas(&events, "item/agentMessage/delta", msg_id),
        ["Reading ", "a.txt."]
    );
    assert_eq!(tool_items(&events), [("call_1".into(), "completed".into())]);
    let usage = last_usage(&events);
    assert_eq!(usage["last"]["inputTokens"], 60);
    assert_eq!(usage["total"]["outputTokens"], 17);
    assert_eq!(usage["total"]["reasoningOutputTokens"], 3);

    let events = run_turn(&mut s, &thread, "and both?");
    assert_eq!(final_turn(&events)["status"], "completed", "{events:#?}");
    assert_eq!(tool_items(&events).len(), 2);
    assert_eq!(completed(&events, "agentMessage")[0]["text"], "Both.");

    let posts = mock.posts();
    assert_eq!(posts.len(), 4);
    for post in &posts {
        assert_eq!(post.path, "/v1/chat/completions");
        assert_eq!(
            post.header("authorization"),
            Some(format!("Bearer {KEY}").as_str())
        );
    }
    let first = posts[0].json();
    assert_eq!(first["model"], "mock-chat");
    assert_eq!(first["stream"], true);
    assert_eq!(first["stream_options"], json!({"include_usage": true}));
    let roles = |body: &Value| -> Vec<String> {
        body["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["role"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(roles(&first), ["system", "user"]);
    assert!(
        first["tools"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["type"] == "function" && t["function"]["name"] == "read_file")
    );

    // The text and the call of one response are one assistant message; the result a
    // tool message. Reasoning is not sent back.
    let second = posts[1].json();
    assert_eq!(roles(&second), ["system", "user", "assistant", "tool"]);
    let assistant = &second["messages"][2];
    assert_eq!(assistant["content"], "Reading a.txt.");
    assert_eq!(assistant["tool_calls"][0]["id"], "call_1");
    assert_eq!(
        assistant["tool_calls"][0]["function"]["arguments"],
        read("a.txt").to_string()
    );
    assert_eq!(second["messages"][3]["tool_call_id"], "call_1");
    assert!(
        second["messages"][3]["content"]
            .as_str()
            .unwrap()
            .contains("alpha")
    );

    // Two calls of one response: one assistant message, then both results.
    let fourth = posts[3].json();
    assert_eq!(
        roles(&fourth),
        [
            "system",
            "user",
            "assistant",
            "tool",
            "assistant",
            "user",
            "assistant",
            "tool",
            "tool"
        ]
    );
    let merged = &fourth["messages"][6];
    let ids: Vec<&str> = merged["tool_calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["call_3", "call_4"]);
    assert_eq!(fourth["messages"][7]["tool_call_id"], "call_3");
    assert_eq!(fourth["messages"][8]["tool_call_id"], "call_4");
    assert!(
        fourth["messages"][8]["content"]
            .as_str()
            .unwrap()
            .contains("beta")
    );
    s.shutdown();
}
