//! Connection tests over in-memory pipes (`tokio::io::duplex`).

use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf};

use super::*;

/// The client end of a connection under test.
struct Client {
    writer: WriteHalf<DuplexStream>,
    lines: tokio::io::Lines<BufReader<ReadHalf<DuplexStream>>>,
}

impl Client {
    async fn send_raw(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).await.unwrap();
        self.writer.flush().await.unwrap();
    }

    async fn send(&mut self, message: Value) {
        let mut line = message.to_string().into_bytes();
        line.push(b'\n');
        self.send_raw(&line).await;
    }

    async fn recv(&mut self) -> Value {
        let line = tokio::time::timeout(Duration::from_secs(10), self.lines.next_line())
            .await
            .expect("a message within 10 s")
            .unwrap()
            .expect("the connection is still open");
        let value: Value = serde_json::from_str(&line).unwrap();
        assert!(
            value.get("jsonrpc").is_none(),
            "jsonrpc member written: {line}"
        );
        value
    }

    async fn close_input(&mut self) {
        self.writer.shutdown().await.unwrap();
    }
}

fn start(config: ConnectionConfig) -> (Client, ConnectionHandle, ClientMessages) {
    let (client, server) = tokio::io::duplex(1024 * 1024);
    let (server_read, server_write) = tokio::io::split(server);
    let (client_read, client_write) = tokio::io::split(client);
    let (handle, incoming) = spawn_jsonl_connection(server_read, server_write, config);
    let client = Client {
        writer: client_write,
        lines: BufReader::new(client_read).lines(),
    };
    (client, handle, incoming)
}

/// Answers every request with `{"echo": <method>}` and reports notifications.
fn spawn_echo_server(handle: ConnectionHandle, mut incoming: ClientMessages) {
    tokio::spawn(async move {
        while let Some(message) = incoming.recv().await {
            match message {
                ClientMessage::Request(request) => {
                    let result = json!({"echo": request.method, "params": request.params});
                    handle.respond(request.id, result).await.unwrap();
                }
                ClientMessage::Notification(notification) => {
                    handle
                        .notify("warning", json!({"message": notification.method}))
                        .await
                        .unwrap();
                }
            }
        }
    });
}

#[tokio::test]
async fn ids_are_echoed_exactly() {
    let (mut client, handle, incoming) = start(ConnectionConfig::default());
    spawn_echo_server(handle, incoming);
    client.send(json!({"id": 1, "method": "a"})).await;
    assert_eq!(
        client.recv().await,
        json!({"id": 1, "result": {"echo": "a", "params": null}})
    );
    client
        .send(json!({"jsonrpc": "2.0", "id": "1", "method": "b", "params": {"x": 1}}))
        .await;
    assert_eq!(
        client.recv().await,
        json!({"id": "1", "result": {"echo": "b", "params": {"x": 1}}})
    );
    client
        .send(json!({"id": -9_007_199_254_740_993_i64, "method": "c"}))
        .await;
    assert_eq!(client.recv().await["id"], json!(-9_007_199_254_740_993_i64));
    client.send(json!({"id": "", "method": "d"})).await;
    assert_eq!(client.recv().await["id"], json!(""));
    // A notification comes through too, and what the server sends back has emittedAtMs.
    client.send(json!({"method": "initialized"})).await;
    let note = client.recv().await;
    assert_eq!(note["method"], "warning");
    assert_eq!(note["params"]["message"], "initialized");
    assert!(note["emittedAtMs"].is_i64());
}

#[tokio::test]
async fn malformed_messages_get_errors_and_reading_continues() {
    let (mut client, handle, incoming) = start(ConnectionConfig::default());
    spawn_echo_server(handle, incoming);
    client.send_raw(b"{bad json\n").await;
    let reply = client.recv().await;
    assert_eq!(reply["id"], Value::Null);
    assert_eq!(reply["error"]["code"], -32700);
    assert!(
        reply["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Parse error")
    );

    client.send_raw(b"\xff\xfe{}\n").await;
    let reply = client.recv().await;
    assert_eq!(reply["id"], Value::Null);
    assert_eq!(reply["error"]["code"], -32700);
    assert!(
        reply["error"]["message"]
            .as_str()
            .unwrap()
            .contains("UTF-8")
    );

    client.send_raw(b"[1,2]\n").await;
    let reply = client.recv().await;
    assert_eq!(
        (reply["id"].clone(), reply["error"]["code"].clone()),
        (Value::Null, json!(-32600))
    );

    client.send(json!({"id": 1.5, "method": "x"})).await;
    let reply = client.recv().await;
    assert_eq!(
        (reply["id"].clone(), reply["error"]["code"].clone()),
        (Value::Null, json!(-32600))
    );

    client.send(json!({"id": 3})).await;
    let reply = client.recv().await;
    assert_eq!(
        (reply["id"].clone(), reply["error"]["code"].clone()),
        (json!(3), json!(-32600))
    );

    client.send(json!({"id": 4, "method": 7})).await;
    let reply = client.recv().await;
    assert_eq!(
        (reply["id"].clone(), reply["error"]["code"].clone()),
        (json!(4), json!(-32600))
    );

    // Blank lines and CRLF endings are fine.
    client
        .send_raw(b"\n  \r\n{\"id\":5,\"method\":\"ok\"}\r\n")
        .await;
    assert_eq!(client.recv().await["result"]["echo"], "ok");
}

#[tokio::test]
async fn oversized_line_is_skipped_and_the_next_line_served() {
    let config = ConnectionConfig {
        max_message_bytes: 4096,
        ..ConnectionConfig::default()
    };
    let (client, handle, incoming) = start(config);
    spawn_echo_server(handle, incoming);
    let Client { mut writer, lines } = client;
    // Write a 3 MB line in pieces (well over the cap), then a good request.
    let writer_task = tokio::spawn(async move {
        writer
            .write_all(b"{\"id\":1,\"method\":\"big\",\"params\":\"")
            .await
            .unwrap();
        let chunk = vec![b'a'; 64 * 1024];
        for _ in 0..48 {
            writer.write_all(&chunk).await.unwrap();
        }
        writer
            .write_all(b"\"}\n{\"id\":2,\"method\":\"after\"}\n")
            .await
            .unwrap();
        writer.flush().await.unwrap();
        writer
    });
    let mut client = Client {
        writer: writer_task.await.unwrap(),
        lines,
    };
    let reply = client.recv().await;
    assert_eq!(reply["id"], Value::Null);
    assert_eq!(reply["error"]["code"], -32600);
    let message = reply["error"]["message"].as_str().unwrap();
    assert!(message.contains("4096 bytes"), "{reply}");
    assert_eq!(
        client.recv().await,
        json!({"id": 2, "result": {"echo": "after", "params": null}})
    );
}

#[tokio::test]
async fn server_requests_are_correlated() {
    let (mut client, handle, _incoming) = start(ConnectionConfig::default());
    let first = handle
        .start_request("item/commandExecution/requestApproval", json!({"n": 1}))
        .await
        .unwrap();
    let second = handle
        .start_request("item/fileChange/requestApproval", json!({"n": 2}))
        .await
        .unwrap();
    let a = client.recv().await;
    let b = client.recv().await;
    assert_eq!(a["method"], "item/commandExecution/requestApproval");
    assert_eq!(a["params"], json!({"n": 1}));
    assert_eq!(b["method"], "item/fileChange/requestApproval");
    assert_eq!(&a["id"], &first.id().to_value());
    assert_ne!(a["id"], b["id"]);
    assert_eq!(handle.pending_requests(), 2);
    // Answer out of order; one with an error.
    client
        .send(json!({"id": b["id"], "error": {"code": -1, "message": "nope"}}))
        .await;
    client
        .send(json!({"id": a["id"], "result": {"decision": "accept"}}))
        .await;
    assert_eq!(first.await.unwrap(), json!({"decision": "accept"}));
    let error = second.await.unwrap_err();
    assert_eq!((error.code, error.message.as_str()), (-1, "nope"));
    assert_eq!(handle.pending_requests(), 0);
    // An answer nobody waits for is ignored.
    client.send(json!({"id": 99, "result": {}})).await;
    // `request` is the one-shot form.
    let waiting = tokio::spawn(handle.request("item/fileChange/requestApproval", json!({})));
    let c = client.recv().await;
    client
        .send(json!({"id": c["id"], "result": {"decision": "decline"}}))
        .await;
    assert_eq!(
        waiting.await.unwrap().unwrap(),
        json!({"decision": "decline"})
    );
}

#[tokio::test]
async fn disconnect_fails_pending_requests() {
    let (mut client, handle, mut incoming) = start(ConnectionConfig::default());
    let pending = handle
        .start_request("item/commandExecution/requestApproval", json!({}))
        .await
        .unwrap();
    let _ = client.recv().await;
    assert!(!handle.is_closed());
    client.close_input().await;
    let error = tokio::time::timeout(Duration::from_secs(5), pending)
        .await
        .unwrap()
        .unwrap_err();
    assert!(error.is_client_disconnected(), "{error}");
    assert!(incoming.recv().await.is_none(), "processing queue ends");
    tokio::time::timeout(Duration::from_secs(5), handle.closed())
        .await
        .unwrap();
    assert!(handle.is_closed());
    let error = handle
        .request("item/commandExecution/requestApproval", json!({}))
        .await
        .unwrap_err();
    assert!(error.is_client_disconnected());
    // Responses written after the client closed its input still go out.
    handle
        .respond(RequestId::Integer(7), json!({}))
        .await
        .unwrap();
    assert_eq!(client.recv().await, json!({"id": 7, "result": {}}));
}

#[tokio::test]
async fn abandoned_requests_are_forgotten() {
    let (mut client, handle, _incoming) = start(ConnectionConfig::default());
    let pending = handle.start_request("x", json!({})).await.unwrap();
    let id = client.recv().await["id"].clone();
    drop(pending);
    assert_eq!(handle.pending_requests(), 0);
    client.send(json!({"id": id, "result": {}})).await;
}

#[tokio::test]
async fn full_processing_queue_answers_overloaded() {
    let config = ConnectionConfig {
        incoming_capacity: 1,
        ..ConnectionConfig::default()
    };
    let (mut client, handle, mut incoming) = start(config);
    // Nobody processes: the first request fills the queue.
    client.send(json!({"id": 1, "method": "a"})).await;
    client.send(json!({"method": "dropped"})).await;
    client.send(json!({"id": "two", "method": "b"})).await;
    let reply = client.recv().await;
    assert_eq!(reply["id"], "two");
    assert_eq!(reply["error"]["code"], -32001);
    assert_eq!(reply["error"]["message"], "Server overloaded; retry later.");
    // Answers to server requests bypass the full queue.
    let pending = handle.start_request("approve", json!({})).await.unwrap();
    let request = client.recv().await;
    client
        .send(json!({"id": request["id"], "result": {"ok": true}}))
        .await;
    assert_eq!(pending.await.unwrap(), json!({"ok": true}));
    // The queued request is still delivered, in order.
    match incoming.recv().await.unwrap() {
        ClientMessage::Request(r) => assert_eq!(r.id, RequestId::Integer(1)),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn params_parsing_treats_absent_as_empty_and_reports_type_errors() {
    #[derive(serde::Deserialize, Debug)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    struct ListParams {
        limit: Option<u32>,
    }
    #[derive(serde::Deserialize, Debug)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    struct ReadParams {
        thread_id: String,
    }
    let request = |params: Option<Value>| IncomingRequest {
        id: RequestId::Integer(1),
        method: "m".into(),
        params,
        trace: None,
    };
    assert!(request(None).parse_params::<ListParams>().is_ok());
    assert!(
        request(Some(json!({"limit": 3, "x": 1})))
            .parse_params::<ListParams>()
            .is_ok()
    );
    let error = request(Some(json!({"limit": "x"})))
        .parse_params::<ListParams>()
        .unwrap_err();
    assert_eq!(error.code, -32602);
    assert!(error.message.contains("invalid type"), "{}", error.message);
    let error = request(None).parse_params::<ReadParams>().unwrap_err();
    assert_eq!(error.code, -32602);
    assert!(
        error.message.contains("missing field `threadId`"),
        "{}",
        error.message
    );
}

#[test]
fn outgoing_serialisation() {
    let cases = [
        (
            Outgoing::Error {
                id: None,
                error: RpcError::parse_error("x"),
            },
            json!({"id": null, "error": {"code": -32700, "message": "Parse error: x"}}),
        ),
        (
            Outgoing::Error {
                id: Some(RequestId::String("a".into())),
                error: RpcError::method_not_found("foo/bar").with_data(json!({"k": 1})),
            },
            json!({"id": "a", "error": {"code": -32601, "message": "Method not found: foo/bar", "data": {"k": 1}}}),
        ),
        (
            Outgoing::Notification {
                method: "initialized".into(),
                params: None,
                emitted_at_ms: None,
            },
            json!({"method": "initialized"}),
        ),
        (
            Outgoing::Request {
                id: RequestId::Integer(0),
                method: "m".into(),
                params: Some(json!({})),
            },
            json!({"id": 0, "method": "m", "params": {}}),
        ),
    ];
    for (message, expected) in cases {
        assert_eq!(message.to_value(), expected);
        assert_eq!(
            serde_json::from_str::<Value>(&message.to_line()).unwrap(),
            expected
        );
        assert!(!message.to_line().contains('\n'));
    }
}

#[test]
fn incoming_parsing() {
    let parsed =
        parse_incoming(r#"{"id":1,"method":"m","params":null,"trace":{"traceparent":null}}"#)
            .unwrap();
    assert_eq!(
        parsed,
        Incoming::Request(IncomingRequest {
            id: RequestId::Integer(1),
            method: "m".into(),
            params: None,
            trace: Some(json!({"traceparent": null})),
        })
    );
    let parsed = parse_incoming(r#"{"id":"x","error":{"code":5,"message":"m"}}"#).unwrap();
    assert!(matches!(
        parsed,
        Incoming::Response(IncomingResponse {
            result: Err(RpcError { code: 5, .. }),
            ..
        })
    ));
    let parsed = parse_incoming(r#"{"id":"x","error":"weird"}"#).unwrap();
    assert!(matches!(
        parsed,
        Incoming::Response(IncomingResponse { result: Err(_), .. })
    ));
    let failure = parse_incoming(r#"{"id":null,"method":"m"}"#).unwrap_err();
    assert_eq!((failure.id, failure.error.code), (None, -32600));
    let failure = parse_incoming("42").unwrap_err();
    assert!(failure.error.message.contains("expected a JSON object"));
}
