//! Context compaction against a real provider: `thread/compact/start` runs a turn with one
//! `contextCompaction` item, after which the model sees the recent user messages and the
//! summary instead of the old history (also after a restart, and until the compaction is
//! reverted); a summary request too long for the model leaves out the oldest items; an
//! interrupted compaction changes nothing and cannot be steered; with
//! `model_auto_compact_token_limit`, a turn whose context has grown past the limit
//! compacts before its next request.

use super::support::mock_model::{MockModel, Reply};
use super::support::wire::responses;
use super::*;

fn text_reply(id: &str, text: &str, input_tokens: u64) -> Reply {
    Reply::Stream(responses::response(
        vec![responses::message(0, id, &[text])],
        responses::completed(input_tokens, 0, 5, 0),
    ))
}

/// The texts of the `message` items of a request body's `input`, as `role: text`.
fn messages(body: &Value) -> Vec<String> {
    body["input"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["type"] == "message")
        .map(|i| {
            let text: String = i["content"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|c| c["text"].as_str())
                .collect();
            format!("{}: {text}", i["role"].as_str().unwrap())
        })
        .collect()
}

const SUMMARY: &str = "The user asked for two tasks; both are done.";

#[test]
fn manual_compaction_replaces_the_history_durably() {
    let mock = MockModel::start();
    mock.push(text_reply("msg_1", "first done", 100));
    mock.push(text_reply("msg_2", "second done", 200));
    mock.push(text_reply("msg_sum", SUMMARY, 300));
    mock.push(text_reply("msg_3", "third done", 50));
    mock.push(text_reply("msg_4", "fourth done", 60));
    mock.push(text_reply("msg_5", "fifth done", 60));
    let home = mock_home(&mock, "responses", "gpt-5", "");
    let ws = workspace();
    let mut s = spawn(home.path());
    let thread = start_thread(&mut s, ws.path(), json!({}));
    run_turn(&mut s, &thread, "first task");
    run_turn(&mut s, &thread, "second task");

    let answer = s.request("thread/compact/start", json!({"threadId": thread}));
    assert_eq!(answer, json!({}));
    let events = s.collect_until("turn/completed");
    assert_eq!(final_turn(&events)["status"], "completed", "{events:#?}");
    let started: Vec<&Value> = params(&events, "item/started")
        .into_iter()
        .map(|p| &p["item"])
        .collect();
    assert_eq!(started.len(), 1, "{started:#?}");
    assert_eq!(started[0]["type"], "contextCompaction");
    let done = completed(&events, "contextCompaction");
    assert_eq!(done.len(), 1);
    assert_eq!(done[0]["id"], started[0]["id"]);
    // The summary is not shown as an agent message.
    assert!(completed(&events, "agentMessage").is_empty());
    assert!(params(&events, "item/agentMessage/delta").is_empty());

    // The summary request: the whole history, then the compaction prompt, no tools.
    let posts = mock.posts();
    let summary_request = posts[2].json();
    let sent = messages(&summary_request);
    assert_eq!(sent[0], "user: first task");
    assert_eq!(sent[1], "assistant: first done");
    assert_eq!(sent[3], "assistant: second done");
    assert!(sent[4].contains("handoff summary"), "{sent:#?}");
    assert!(
        summary_request["tools"]
            .as_array()
            .is_none_or(|t| t.is_empty()),
        "{summary_request:#}"
    );

    // The next turn starts from the user messages and the summary.
    run_turn(&mut s, &thread, "third task");
    let sent = messages(&mock.posts()[3].json());
    assert_eq!(sent.len(), 4, "{sent:#?}");
    assert_eq!(sent[0], "user: first task");
    assert_eq!(sent[1], "user: second task");
    assert!(
        sent[2].starts_with("user: [Summary of the conversation so far")
            && sent[2].ends_with(SUMMARY),
        "{sent:#?}"
    );
    assert_eq!(sent[3], "user: third task");

    let read = s.request(
        "thread/read",
        json!({"threadId": thread, "includeTurns": true}),
    );
    let turns = read["thread"]["turns"].as_array().unwrap();
    assert_eq!(turns.len(), 4);
    assert_eq!(turns[2]["items"][0]["type"], "contextCompaction");
    s.shutdown();

    // After a restart the compacted history is what the model gets.
    let mut s = spawn(home.path());
    s.request("thread/resume", json!({"threadId": thread}));
    run_turn(&mut s, &thread, "fourth task");
    let sent = messages(&mock.posts()[4].json());
    assert_eq!(sent.len(), 6, "{sent:#?}");
    assert!(sent[2].ends_with(SUMMARY), "{sent:#?}");
    assert_eq!(
        &sent[3..],
        [
            "user: third task",
            "assistant: third done",
            "user: fourth task"
        ]
    );

    // Reverting the compaction turn (and those after it) brings the old history back.
    let compaction_turn = turns[2]["id"].as_str().unwrap();
    s.request(
        "thread/revert",
        json!({"threadId": thread, "beforeTurnId": compaction_turn}),
    );
    run_turn(&mut s, &thread, "fifth task");
    let sent = messages(&mock.posts()[5].json());
    assert_eq!(
        sent,
        [
            "user: first task",
            "assistant: first done",
            "user: second task",
            "assistant: second done",
            "user: fifth task"
        ]
    );
    s.shutdown();
}

#[test]
fn an_interrupted_compaction_changes_nothing_and_cannot_be_steered() {
    let mock = MockModel::start();
    mock.push(text_reply("msg_1", "first done", 100));
    mock.push(Reply::Hold(responses::message_start(
        0,
        "msg_sum",
        &["The user"],
    )));
    mock.push(text_reply("msg_2", "second done", 100));
    let home = mock_home(&mock, "responses", "gpt-5", "");
    let ws = workspace();
    let mut s = spawn(home.path());
    let thread = start_thread(&mut s, ws.path(), json!({}));
    run_turn(&mut s, &thread, "first task");
    s.request("thread/compact/start", json!({"threadId": thread}));
    let started = s.wait_for("turn/started");
    let turn_id = started["params"]["turn"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    s.wait_for("item/started");
    let steer = s.request_raw(
        "turn/steer",
        json!({"threadId": thread, "expectedTurnId": turn_id, "input": [{"type": "text", "text": "also this", "text_elements": []}]}),
    );
    assert_eq!(steer["error"]["code"], -32600, "{steer}");
    assert!(
        steer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("cannot be steered")
    );
    let busy = s.request_raw(
        "turn/start",
        json!({"threadId": thread, "input": [{"type": "text", "text": "x", "text_elements": []}]}),
    );
    assert!(busy.get("error").is_some(), "{busy}");
    s.request(
        "turn/interrupt",
        json!({"threadId": thread, "turnId": turn_id}),
    );
    let events = s.collect_until("turn/completed");
    assert_eq!(final_turn(&events)["status"], "interrupted");
    run_turn(&mut s, &thread, "second task");
    let sent = messages(&mock.posts()[2].json());
    assert_eq!(
        sent,
        [
            "user: first task",
            "assistant: first done",
            "user: second task"
        ]
    );
    s.shutdown();
}

#[test]
fn a_turn_compacts_when_its_context_passes_the_limit() {
    let mock = MockModel::start();
    // The first response calls a tool and reports a context of 5 000 tokens, over the
    // limit of 1 000: before its next request, the turn compacts.
    mock.push(Reply::Stream(responses::response(
        vec![responses::call(
            0,
            "fc_1",
            "call_1",
            "read_file",
            &json!({"file_path": "a.txt"}),
        )],
        responses::completed(5_000, 0, 20, 0),
    )));
    mock.push(text_reply("msg_sum", "Read a.txt: it says alpha.", 5_100));
    mock.push(text_reply("msg_done", "a.txt says alpha", 300));
    let home = mock_home(&mock, "responses", "gpt-5", "");
    let config = home.path().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        format!("model_auto_compact_token_limit = 1000\nmodel_context_window = 2000\n{text}"),
    )
    .unwrap();
    let ws = workspace();
    let mut s = spawn(home.path());
    let thread = start_thread(&mut s, ws.path(), json!({}));
    let events = run_turn(&mut s, &thread, "what does a.txt say?");
    assert_eq!(final_turn(&events)["status"], "completed", "{events:#?}");
    let order: Vec<&str> = params(&events, "item/completed")
        .into_iter()
        .map(|p| p["item"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        [
            "userMessage",
            "mcpToolCall",
            "contextCompaction",
            "agentMessage"
        ],
        "{events:#?}"
    );
    let usage = params(&events, "thread/tokenUsage/updated");
    assert_eq!(
        usage.last().unwrap()["tokenUsage"]["modelContextWindow"],
        2000
    );

    let posts = mock.posts();
    assert_eq!(posts.len(), 3);
    // The summary request carried the tool call and its output.
    let summary_input = posts[1].json()["input"].to_string();
    assert!(summary_input.contains("function_call_output") && summary_input.contains("alpha"));
    // The request after it: the user's message and the summary, nothing else.
    let sent = messages(&posts[2].json());
    assert_eq!(sent.len(), 2, "{sent:#?}");
    assert_eq!(sent[0], "user: what does a.txt say?");
    assert!(sent[1].ends_with("Read a.txt: it says alpha."));
    assert_eq!(posts[2].json()["input"].as_array().unwrap().len(), 2);
    s.shutdown();
}

#[test]
fn a_summary_request_too_long_for_the_model_leaves_out_the_oldest_items() {
    let mock = MockModel::start();
    mock.push(text_reply("msg_1", "first done", 100));
    mock.push(text_reply("msg_2", "second done", 100));
    mock.push(text_reply("msg_3", "third done", 100));
    mock.push(Reply::status(
        400,
        "This model's maximum context length is 64 tokens. Please reduce the length of the messages.",
    ));
    mock.push(text_reply("msg_sum", SUMMARY, 100));
    let home = mock_home(&mock, "responses", "gpt-5", "");
    let ws = workspace();
    let mut s = spawn(home.path());
    let thread = start_thread(&mut s, ws.path(), json!({}));
    for task in ["first task", "second task", "third task"] {
        run_turn(&mut s, &thread, task);
    }
    s.request("thread/compact/start", json!({"threadId": thread}));
    let events = s.collect_until("turn/completed");
    assert_eq!(final_turn(&events)["status"], "completed", "{events:#?}");
    assert_eq!(completed(&events, "contextCompaction").len(), 1);
    let posts = mock.posts();
    let (refused, accepted) = (messages(&posts[3].json()), messages(&posts[4].json()));
    assert_eq!(refused.len(), 7, "{refused:#?}");
    // A third of the six history items left out; the prompt is still last.
    assert_eq!(accepted.len(), 5, "{accepted:#?}");
    assert_eq!(accepted[0], "user: second task");
    assert!(accepted[4].contains("handoff summary"));
    s.shutdown();
}
