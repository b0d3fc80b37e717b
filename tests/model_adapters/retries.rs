//! Failures: a 5xx is retried and surfaced as one `error` with `willRetry: true`; a 429's
//! `retry-after` is honoured; a stream cut mid-way or gone idle is retried (what the
//! client already saw stays consistent); endless failures fail the turn with the error;
//! an interrupt closes the HTTP connection.

use super::support::mock_model::{MockModel, Reply};
use super::support::wire::{chat, responses};
use super::*;
use std::time::{Duration, Instant};

fn text_reply(id: &str, text: &str) -> Reply {
    Reply::Stream(responses::response(
        vec![responses::message(0, id, &[text])],
        responses::completed(10, 0, 2, 0),
    ))
}

#[test]
fn a_server_error_is_retried_once_then_the_turn_completes() {
    let mock = MockModel::start();
    mock.push(Reply::status(500, "upstream hiccup"));
    mock.push(text_reply("msg_ok", "recovered"));
    let home = mock_home(&mock, "responses", "gpt-5", "");
    let ws = workspace();
    let mut s = spawn(home.path());
    let thread = start_thread(&mut s, ws.path(), json!({}));
    let events = run_turn(&mut s, &thread, "hi");
    let errors = errors(&events);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].1, "willRetry");
    assert!(
        errors[0].0.contains("500") && errors[0].0.contains("upstream hiccup"),
        "{errors:?}"
    );
    assert_eq!(final_turn(&events)["status"], "completed");
    assert_eq!(completed(&events, "agentMessage")[0]["text"], "recovered");
    let posts = mock.posts();
    assert_eq!(posts.len(), 2);
    assert_eq!(
        posts[0].body, posts[1].body,
        "a retry sends the same request"
    );
    s.shutdown();
}

#[test]
fn a_429_is_retried_after_the_delay_it_names() {
    let mock = MockModel::start();
    mock.push(Reply::Status {
        status: 429,
        headers: vec![("retry-after".into(), "1".into())],
        body: json!({"error": {"message": "Rate limit reached", "type": "rate_limit_error"}})
            .to_string(),
    });
    mock.push(Reply::Stream(chat::response(vec![
        chat::text(&["fine"]),
        chat::finish("stop", 5, 1, 0),
    ])));
    let home = mock_home(&mock, "chat", "mock-chat", "");
    let ws = workspace();
    let mut s = spawn(home.path());
    let thread = start_thread(&mut s, ws.path(), json!({}));
    let events = run_turn(&mut s, &thread, "hi");
    assert_eq!(final_turn(&events)["status"], "completed");
    let errors = errors(&events);
    assert_eq!(errors.len(), 1);
    assert!(errors[0].1 && errors[0].0.contains("429"), "{errors:?}");
    let posts = mock.posts();
    assert_eq!(posts.len(), 2);
    let waited = posts[1].at - posts[0].at;
    // Without the header the first backoff is 200-250 ms.
    assert!(waited >= Duration::from_millis(1000), "{waited:?}");
    s.shutdown();
}

#[test]
fn a_stream_cut_mid_way_is_retried() {
    let mock = MockModel::start();
    let mut cut = responses::response(
        vec![
            responses::reasoning(0, "rs_cut", &["Planning."], "enc-cut"),
            responses::message_start(1, "msg_cut", &["Hal", "f"]),
        ],
        String::new(),
    );
    cut.pop();
    mock.push(Reply::Drop(cut));
    mock.push(text_reply("msg_whole", "Whole answer."));
    let home = mock_home(&mock, "responses", "gpt-5", "");
    let ws = workspace();
    let mut s = spawn(home.path());
    let thread = start_thread(&mut s, ws.path(), json!({}));
    let events = run_turn(&mut s, &thread, "hi");
    assert_eq!(final_turn(&events)["status"], "completed", "{events:#?}");
    let errors = errors(&events);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].1, "{errors:?}");
    // The cut message ends with what was streamed of it; then the retry's message.
    let texts: Vec<(&str, &str)> = completed(&events, "agentMessage")
        .iter()
        .map(|i| (i["id"].as_str().unwrap(), i["text"].as_str().unwrap()))
        .collect();
    assert_eq!(texts, [("msg_cut", "Half"), ("msg_whole", "Whole answer.")]);
    // The reasoning that completed is in the thread, so the retry carries it.
    let posts = mock.posts();
    assert_eq!(posts.len(), 2);
    let input = posts[1].json()["input"].as_array().unwrap().clone();
    assert_eq!(input.len(), 2, "{input:#?}");
    assert_eq!(input[1]["encrypted_content"], "enc-cut");

    // The same over Chat Completions.
    let mock = MockModel::start();
    mock.push(Reply::Drop(chat::text(&["par", "tial"])));
    mock.push(Reply::Stream(chat::response(vec![
        chat::text(&["complete"]),
        chat::finish("stop", 5, 1, 0),
    ])));
    let home = mock_home(&mock, "chat", "mock-chat", "");
    let mut s = spawn(home.path());
    let thread = start_thread(&mut s, ws.path(), json!({}));
    let events = run_turn(&mut s, &thread, "hi");
    assert_eq!(final_turn(&events)["status"], "completed", "{events:#?}");
    assert_eq!(super::errors(&events).len(), 1);
    let texts: Vec<&str> = completed(&events, "agentMessage")
        .iter()
        .map(|i| i["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["partial", "complete"]);
    s.shutdown();
}

#[test]
fn endless_failures_fail_the_turn_with_the_error() {
    let mock = MockModel::start();
    mock.set_fallback(Reply::status(503, "overloaded"));
    let extra = "request_max_retries = 2\nstream_max_retries = 1";
    let home = mock_home(&mock, "responses", "gpt-5", extra);
    let ws = workspace();
    let mut s = spawn(home.path());
    let thread = start_thread(&mut s, ws.path(), json!({}));
    let events = run_turn(&mut s, &thread, "hi");
    let turn = final_turn(&events);
    assert_eq!(turn["status"], "failed");
    let message = turn["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("503")
            && message.contains("overloaded")
            && message.contains("after 2 retries"),
        "{message}"
    );
    let errors = errors(&events);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors.iter().all(|e| e.1));
    assert!(
        errors[0].0.ends_with("(1/2)") && errors[1].0.ends_with("(2/2)"),
        "{errors:?}"
    );
    assert_eq!(mock.posts().len(), 3);

    // A stream that always breaks spends the stream budget.
    mock.set_fallback(Reply::Drop(responses::message_start(0, "msg_x", &["x"])));
    let events = run_turn(&mut s, &thread, "again");
    let turn = final_turn(&events);
    assert_eq!(turn["status"], "failed");
    let message = turn["error"]["message"].as_str().unwrap();
    assert!(message.contains("after 1 retries"), "{message}");
    assert_eq!(mock.posts().len(), 5);
    s.shutdown();
}

#[test]
fn a_refused_connection_is_a_transport_error_and_is_retried() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let home = warm_home();
    std::fs::write(
        home.path().join("config.toml"),
        format!(
            "model_provider = \"gone\"\nmodel = \"gpt-5\"\n[model_providers.gone]\nbase_url = \"http://127.0.0.1:{port}/v1\"\nrequest_max_retries = 1\n"
        ),
    )
    .unwrap();
    let ws = workspace();
    let mut s = spawn(home.path());
    let thread = start_thread(&mut s, ws.path(), json!({}));
    let events = run_turn(&mut s, &thread, "hi");
    let errors = errors(&events);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].1 && errors[0].0.contains("cannot reach"),
        "{errors:?}"
    );
    let turn = final_turn(&events);
    assert_eq!(turn["status"], "failed");
    assert!(
        turn["error"]["message"]
            .as_str()
            .unwrap()
            .contains("after 1 retries"),
        "{turn}"
    );
    s.shutdown();
}

#[test]
fn an_idle_stream_times_out_and_is_retried() {
    let mock = MockModel::start();
    mock.push(Reply::Hold(responses::message_start(
        0,
        "msg_idle",
        &["wait"],
    )));
    mock.push(text_reply("msg_done", "done"));
    let home = mock_home(&mock, "responses", "gpt-5", "stream_idle_timeout_ms = 400");
    let ws = workspace();
    let mut s = spawn(home.path());
    let thread = start_thread(&mut s, ws.path(), json!({}));
    let events = run_turn(&mut s, &thread, "hi");
    assert_eq!(final_turn(&events)["status"], "completed", "{events:#?}");
    let errors = errors(&events);
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].0.contains("sent nothing for 400 ms"),
        "{errors:?}"
    );
    wait_until(|| mock.disconnects() == 1, "the idle connection is closed");
    s.shutdown();
}

#[test]
fn an_interrupt_closes_the_http_request() {
    let mock = MockModel::start();
    mock.push(Reply::Hold(responses::message_start(
        0,
        "msg_long",
        &["thinking", "..."],
    )));
    let home = mock_home(&mock, "responses", "gpt-5", "");
    let ws = workspace();
    let mut s = spawn(home.path());
    let thread = start_thread(&mut s, ws.path(), json!({}));
    begin_turn(&mut s, &thread, "take your time");
    // Deltas arrive while the response is still streaming.
    let delta = s.wait_for("item/agentMessage/delta");
    assert_eq!(delta["params"]["delta"], "thinking");
    let turn_id = delta["params"]["turnId"].as_str().unwrap().to_string();
    s.request(
        "turn/interrupt",
        json!({"threadId": thread, "turnId": turn_id}),
    );
    let done = s.wait_for("turn/completed");
    assert_eq!(done["params"]["turn"]["status"], "interrupted");
    wait_until(
        || mock.disconnects() == 1,
        "the interrupted connection is closed",
    );
    assert_eq!(mock.posts().len(), 1);
    s.shutdown();
}

fn wait_until(mut condition: impl FnMut() -> bool, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}
