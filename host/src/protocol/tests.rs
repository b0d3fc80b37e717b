//! Serialises sample values of every protocol type hearth emits and validates them
//! against the generated Codex schema; checks parsing of client params.

mod client;
mod methods;

use serde_json::{Value, json};

use super::schema_check::codex_schema;
use super::*;

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("serialises")
}

#[track_caller]
fn assert_result(method: &str, value: &impl serde::Serialize) {
    let json = to_json(value);
    if let Err(e) = codex_schema().validate_result(method, &json) {
        panic!("{e}");
    }
}

#[track_caller]
fn assert_def(definition: &str, value: &impl serde::Serialize) {
    let json = to_json(value);
    if let Err(e) = codex_schema().validate_definition(definition, &json) {
        panic!("{e}");
    }
}

#[track_caller]
fn assert_notification(notification: &ServerNotification) {
    let message = json!({"method": notification.method(), "params": notification.params()});
    // The enum's own serialisation must be the same wire shape.
    assert_eq!(to_json(notification), message);
    if let Err(e) = codex_schema().validate_notification(&message) {
        panic!("{e}");
    }
}

fn sample_thread(turns: Vec<Turn>) -> Thread {
    Thread {
        id: "01a2177a-fc93-7f42-9bc6-74578750373d".into(),
        session_id: "01a2177a-fc93-7f42-9bc6-74578750373d".into(),
        forked_from_id: None,
        preview: "hello".into(),
        ephemeral: false,
        model_provider: "mock".into(),
        model: Some("mock-model".into()),
        reasoning_effort: Some("medium".into()),
        created_at: 1_795_690_265,
        updated_at: 1_795_690_266,
        status: ThreadStatus::Idle,
        path: Some("/home/user/.hearth/threads/x.jsonl".into()),
        cwd: "/home/user/project".into(),
        cli_version: "0.1.0".into(),
        source: SessionSource::AppServer,
        thread_source: None,
        originator: Some("drive".into()),
        agent_nickname: None,
        agent_role: None,
        parent_thread_id: None,
        git_info: Some(GitInfo {
            sha: Some("abc".into()),
            branch: Some("main".into()),
            origin_url: None,
        }),
        name: None,
        project_id: None,
        turns,
    }
}

fn sample_items() -> Vec<ThreadItem> {
    let mut user = ThreadItem::new(
        "u1",
        ThreadItemDetails::UserMessage {
            client_id: None,
            content: vec![
                UserInput::text("hello"),
                UserInput::Image {
                    url: Some("data:image/png;base64,AAAA".into()),
                    file_id: None,
                    detail: Some(ImageDetail::Auto),
                },
                UserInput::LocalImage {
                    path: "/tmp/a.png".into(),
                    detail: None,
                },
                UserInput::Text {
                    text: "see @file".into(),
                    text_elements: vec![TextElement {
                        byte_range: ByteRange { start: 4, end: 9 },
                        placeholder: Some("@file".into()),
                    }],
                },
                UserInput::Skill {
                    name: "s".into(),
                    path: "/s/SKILL.md".into(),
                },
                UserInput::Mention {
                    name: "p".into(),
                    path: "plugin://p".into(),
                },
            ],
        },
    );
    user.started_at_ms = Some(1_795_690_265_980);
    user.completed_at_ms = Some(1_795_690_265_980);
    vec![
        user,
        ThreadItem::new(
            "m1",
            ThreadItemDetails::AgentMessage {
                text: "Hi".into(),
                phase: Some(MessagePhase::FinalAnswer),
                memory_citation: None,
            },
        ),
        ThreadItem::new(
            "r1",
            ThreadItemDetails::Reasoning {
                summary: vec!["thinking".into()],
                content: vec![],
            },
        ),
        ThreadItem::new(
            "call-1",
            ThreadItemDetails::CommandExecution {
                command: "bash -lc 'ls'".into(),
                cwd: "/home/user/project".into(),
                process_id: None,
                source: CommandExecutionSource::Agent,
                status: CommandExecutionStatus::Declined,
                command_actions: vec![
                    CommandAction::ListFiles {
                        command: "ls".into(),
                        path: None,
                    },
                    CommandAction::Read {
                        command: "cat a".into(),
                        name: "a".into(),
                        path: "/home/user/project/a".into(),
                    },
                    CommandAction::Search {
                        command: "rg x".into(),
                        query: Some("x".into()),
                        path: None,
                    },
                    CommandAction::Unknown {
                        command: "make".into(),
                    },
                ],
                aggregated_output: None,
                exit_code: None,
                duration_ms: None,
                plugin_id: Some("hearth.shell".into()),
            },
        ),
        ThreadItem::new(
            "patch-call",
            ThreadItemDetails::FileChange {
                changes: vec![
                    FileUpdateChange {
                        path: "/p/README.md".into(),
                        kind: PatchChangeKind::Add,
                        diff: "new line\n".into(),
                    },
                    FileUpdateChange {
                        path: "/p/b".into(),
                        kind: PatchChangeKind::Update {
                            move_path: Some("/p/c".into()),
                        },
                        diff: "@@\n-a\n+b\n".into(),
                    },
                    FileUpdateChange {
                        path: "/p/d".into(),
                        kind: PatchChangeKind::Delete,
                        diff: String::new(),
                    },
                ],
                status: PatchApplyStatus::Completed,
            },
        ),
        ThreadItem::new(
            "call-2",
            ThreadItemDetails::McpToolCall {
                server: "hearth.web".into(),
                tool: "fetch".into(),
                status: McpToolCallStatus::Completed,
                arguments: json!({"url": "https://example.com"}),
                app_context: None,
                plugin_id: Some("hearth.web".into()),
                result: Some(McpToolCallResult {
                    content: vec![json!({"type": "text", "text": "ok"})],
                    structured_content: None,
                    meta: None,
                }),
                error: None,
                duration_ms: Some(12),
            },
        ),
        ThreadItem::new(
            "call-3",
            ThreadItemDetails::McpToolCall {
                server: "hearth.web".into(),
                tool: "fetch".into(),
                status: McpToolCallStatus::Failed,
                arguments: json!({}),
                app_context: None,
                plugin_id: None,
                result: None,
                error: Some(McpToolCallError {
                    message: "trap".into(),
                }),
                duration_ms: None,
            },
        ),
        ThreadItem::new(
            "plan-1",
            ThreadItemDetails::Plan {
                text: "1. a".into(),
            },
        ),
        ThreadItem::new("c1", ThreadItemDetails::ContextCompaction),
    ]
}

fn sample_turn(status: TurnStatus) -> Turn {
    let mut turn = Turn::in_progress("t1", Some(1_795_690_265));
    turn.items = sample_items();
    turn.status = status;
    if status != TurnStatus::InProgress {
        turn.completed_at = Some(1_795_690_266);
        turn.duration_ms = Some(204);
    }
    if status == TurnStatus::Failed {
        turn.error = Some(TurnError {
            message: "upstream 502".into(),
            codex_error_info: Some(CodexErrorInfo::HttpConnectionFailed {
                http_status_code: Some(502),
            }),
            additional_details: Some("bad gateway".into()),
        });
    }
    turn
}

#[test]
fn every_item_variant_validates() {
    for item in sample_items() {
        assert_def("ThreadItem", &item);
        let back: ThreadItem = serde_json::from_value(to_json(&item)).unwrap();
        assert_eq!(back, item);
    }
}

#[test]
fn item_wire_shape_is_flat_and_camel_case() {
    let json = to_json(&sample_items()[3]);
    assert_eq!(json["type"], "commandExecution");
    assert_eq!(json["id"], "call-1");
    assert_eq!(json["exitCode"], Value::Null);
    assert_eq!(json["startedAtMs"], Value::Null);
    let text = to_json(&UserInput::text("x"));
    assert_eq!(
        text,
        json!({"type": "text", "text": "x", "text_elements": []})
    );
    let update = to_json(&PatchChangeKind::Update { move_path: None });
    assert_eq!(update, json!({"type": "update", "move_path": null}));
}

#[test]
fn codex_transcript_items_parse() {
    // Verbatim from a real 0.169.0 transcript: extra fields must be tolerated.
    let raw = json!({"type": "agentMessage", "moderation": null, "id": "msg_resp_1_0",
        "text": "Hello there", "phase": null, "memoryCitation": null, "delivery": null,
        "questions": null, "startedAtMs": 1795690266038_i64, "completedAtMs": 1795690266038_i64});
    let item: ThreadItem = serde_json::from_value(raw).unwrap();
    assert_eq!(item.id, "msg_resp_1_0");
    assert!(
        matches!(item.details, ThreadItemDetails::AgentMessage { ref text, .. } if text == "Hello there")
    );
    let raw = json!({"type": "userMessage", "id": "u", "clientId": null,
        "content": [{"type": "text", "text": "hello", "text_elements": []}],
        "startedAtMs": 1, "completedAtMs": null});
    let item: ThreadItem = serde_json::from_value(raw).unwrap();
    assert_eq!(item.started_at_ms, Some(1));
}

#[test]
fn turns_and_errors_validate() {
    for status in [
        TurnStatus::InProgress,
        TurnStatus::Completed,
        TurnStatus::Interrupted,
        TurnStatus::Failed,
    ] {
        assert_def("Turn", &sample_turn(status));
    }
    for info in [
        CodexErrorInfo::ContextWindowExceeded,
        CodexErrorInfo::Other,
        CodexErrorInfo::ResponseStreamDisconnected {
            http_status_code: None,
        },
        CodexErrorInfo::ActiveTurnNotSteerable {
            turn_kind: NonSteerableTurnKind::Compact,
        },
    ] {
        assert_def("CodexErrorInfo", &info);
    }
    let unknown: CodexErrorInfo = serde_json::from_value(json!("somethingNew")).unwrap();
    assert_eq!(unknown, CodexErrorInfo::Unrecognized(json!("somethingNew")));
    let known: CodexErrorInfo = serde_json::from_value(json!("unauthorized")).unwrap();
    assert_eq!(known, CodexErrorInfo::Unauthorized);
}
