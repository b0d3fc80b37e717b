//! Serialises sample values of every protocol type hearth emits and validates them
//! against the generated Codex schema; checks parsing of client params.

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

fn session_response() -> ThreadSessionResponse {
    ThreadSessionResponse {
        thread: sample_thread(vec![sample_turn(TurnStatus::Completed)]),
        model: "mock-model".into(),
        model_provider: "mock".into(),
        service_tier: None,
        cwd: "/home/user/project".into(),
        instruction_sources: vec!["/home/user/project/AGENTS.md".into()],
        approval_policy: AskForApproval::OnRequest,
        approvals_reviewer: ApprovalsReviewer::User,
        sandbox: SandboxPolicy::WorkspaceWrite {
            writable_roots: vec![],
            network_access: false,
            exclude_tmpdir_env_var: false,
            exclude_slash_tmp: false,
        },
        reasoning_effort: None,
        disabled_plugin_ids: vec![],
    }
}

#[test]
fn thread_method_results_validate() {
    let session = session_response();
    for method in ["thread/start", "thread/resume", "thread/fork"] {
        assert_result(method, &session);
    }
    let mut other = session.clone();
    other.approval_policy = AskForApproval::Granular(GranularApproval {
        mcp_elicitations: true,
        request_permissions: false,
        rules: true,
        sandbox_approval: true,
        skill_approval: false,
    });
    other.sandbox = SandboxPolicy::ExternalSandbox {
        network_access: NetworkAccess::Enabled,
    };
    other.thread.status = ThreadStatus::Active {
        active_flags: vec![ThreadActiveFlag::WaitingOnApproval],
    };
    other.thread.source = SessionSource::Custom("hearth-ci".into());
    assert_result("thread/start", &other);
    other.sandbox = SandboxPolicy::ReadOnly {
        network_access: true,
    };
    other.thread.status = ThreadStatus::SystemError;
    assert_result("thread/start", &other);
    other.sandbox = SandboxPolicy::DangerFullAccess;
    other.thread.status = ThreadStatus::NotLoaded;
    assert_result("thread/start", &other);

    let thread = sample_thread(vec![]);
    let list = ThreadListResponse {
        data: vec![thread.clone()],
        next_cursor: Some("c".into()),
        backwards_cursor: None,
    };
    assert_result("thread/list", &list);
    let read = ThreadResponse {
        thread: thread.clone(),
    };
    assert_result("thread/read", &read);
    assert_result("thread/unarchive", &read);
    assert_result("thread/archive", &EmptyResponse {});
    assert_result("thread/name/set", &EmptyResponse {});
    assert_result(
        "thread/turns/list",
        &ThreadTurnsListResponse {
            data: vec![sample_turn(TurnStatus::Failed)],
            next_cursor: None,
            backwards_cursor: None,
        },
    );
    assert_result(
        "thread/loaded/list",
        &ThreadLoadedListResponse {
            data: vec![thread.id.clone()],
            next_cursor: None,
        },
    );
    assert_result(
        "thread/revert",
        &ThreadRevertResponse {
            thread,
            turns_backwards_cursor: None,
            items_backwards_cursor: None,
        },
    );
    for status in [
        ThreadUnsubscribeStatus::NotLoaded,
        ThreadUnsubscribeStatus::NotSubscribed,
        ThreadUnsubscribeStatus::Unsubscribed,
    ] {
        assert_result("thread/unsubscribe", &ThreadUnsubscribeResponse { status });
    }
}

#[test]
fn turn_and_other_method_results_validate() {
    assert_result(
        "initialize",
        &InitializeResponse {
            user_agent: "drive/0.1.0 (linux; x86_64)".into(),
            codex_home: "/home/user/.hearth".into(),
            platform_family: "unix".into(),
            platform_os: "linux".into(),
        },
    );
    assert_result(
        "turn/start",
        &TurnStartResponse {
            turn: Turn::in_progress("t1", None),
        },
    );
    assert_result(
        "turn/steer",
        &TurnSteerResponse {
            turn_id: "t1".into(),
        },
    );
    assert_result("turn/interrupt", &EmptyResponse {});
    assert_result(
        "model/list",
        &ModelListResponse {
            data: vec![Model {
                id: "gpt-5".into(),
                model: "gpt-5".into(),
                display_name: "GPT-5".into(),
                description: "default".into(),
                hidden: false,
                is_default: true,
                supported_reasoning_efforts: vec![ReasoningEffortOption {
                    reasoning_effort: "medium".into(),
                    description: "balanced".into(),
                }],
                default_reasoning_effort: "medium".into(),
                input_modalities: vec![InputModality::Text, InputModality::Image],
                supports_personality: false,
                upgrade: None,
                default_service_tier: None,
            }],
            next_cursor: None,
        },
    );
    let mut config = Config {
        model: Some("gpt-5".into()),
        approval_policy: Some(AskForApproval::Never),
        sandbox_mode: Some(SandboxMode::WorkspaceWrite),
        model_reasoning_summary: Some(ReasoningSummary::Auto),
        ..Config::default()
    };
    config
        .extra
        .insert("plugins".into(), json!({"dirs": ["/opt/hearth"]}));
    let user = ConfigLayerSource::User {
        file: "/home/user/.hearth/config.toml".into(),
        profile: None,
    };
    assert_result(
        "config/read",
        &ConfigReadResponse {
            config,
            origins: [(
                "model".to_owned(),
                ConfigLayerMetadata {
                    name: user.clone(),
                    version: "sha256:abc".into(),
                },
            )]
            .into(),
            layers: Some(vec![
                ConfigLayer {
                    name: user,
                    version: "sha256:abc".into(),
                    config: json!({"model": "gpt-5"}),
                    disabled_reason: None,
                },
                ConfigLayer {
                    name: ConfigLayerSource::SessionFlags,
                    version: "1".into(),
                    config: json!({}),
                    disabled_reason: None,
                },
            ]),
        },
    );
}

#[test]
fn notifications_validate() {
    let thread = sample_thread(vec![]);
    let tid = thread.id.clone();
    let delta = ItemDeltaNotification {
        thread_id: tid.clone(),
        turn_id: "t1".into(),
        item_id: "m1".into(),
        delta: "Hel".into(),
    };
    let usage = TokenUsageBreakdown {
        total_tokens: 15,
        input_tokens: 10,
        cached_input_tokens: 0,
        cache_write_input_tokens: 0,
        output_tokens: 5,
        reasoning_output_tokens: 0,
    };
    let mut notifications = vec![
        ServerNotification::ThreadStarted(ThreadStartedNotification { thread }),
        ServerNotification::ThreadStatusChanged(ThreadStatusChangedNotification {
            thread_id: tid.clone(),
            status: ThreadStatus::Active {
                active_flags: vec![],
            },
        }),
        ServerNotification::ThreadArchived(ThreadIdNotification {
            thread_id: tid.clone(),
        }),
        ServerNotification::ThreadUnarchived(ThreadIdNotification {
            thread_id: tid.clone(),
        }),
        ServerNotification::ThreadClosed(ThreadIdNotification {
            thread_id: tid.clone(),
        }),
        ServerNotification::ThreadReverted(ThreadIdNotification {
            thread_id: tid.clone(),
        }),
        ServerNotification::ThreadNameUpdated(ThreadNameUpdatedNotification {
            thread_id: tid.clone(),
            thread_name: Some("n".into()),
        }),
        ServerNotification::ThreadNameUpdated(ThreadNameUpdatedNotification {
            thread_id: tid.clone(),
            thread_name: None,
        }),
        ServerNotification::ThreadTokenUsageUpdated(ThreadTokenUsageUpdatedNotification {
            thread_id: tid.clone(),
            turn_id: "t1".into(),
            token_usage: ThreadTokenUsage {
                total: usage,
                last: usage,
                model_context_window: Some(258_400),
            },
        }),
        ServerNotification::TurnPlanUpdated(TurnPlanUpdatedNotification {
            thread_id: tid.clone(),
            turn_id: "t1".into(),
            explanation: None,
            plan: vec![
                TurnPlanStep {
                    step: "a".into(),
                    status: TurnPlanStepStatus::InProgress,
                },
                TurnPlanStep {
                    step: "b".into(),
                    status: TurnPlanStepStatus::Pending,
                },
            ],
        }),
        ServerNotification::TurnDiffUpdated(TurnDiffUpdatedNotification {
            thread_id: tid.clone(),
            turn_id: "t1".into(),
            diff: "--- a\n+++ b\n".into(),
        }),
        ServerNotification::AgentMessageDelta(delta.clone()),
        ServerNotification::PlanDelta(delta.clone()),
        ServerNotification::CommandExecutionOutputDelta(delta),
        ServerNotification::ReasoningSummaryTextDelta(ReasoningSummaryTextDeltaNotification {
            thread_id: tid.clone(),
            turn_id: "t1".into(),
            item_id: "r1".into(),
            delta: "x".into(),
            summary_index: 0,
        }),
        ServerNotification::ReasoningSummaryPartAdded(ReasoningSummaryPartAddedNotification {
            thread_id: tid.clone(),
            turn_id: "t1".into(),
            item_id: "r1".into(),
            summary_index: 1,
        }),
        ServerNotification::ReasoningTextDelta(ReasoningTextDeltaNotification {
            thread_id: tid.clone(),
            turn_id: "t1".into(),
            item_id: "r1".into(),
            delta: "y".into(),
            content_index: 0,
        }),
        ServerNotification::ServerRequestResolved(ServerRequestResolvedNotification {
            thread_id: tid.clone(),
            request_id: RequestId::Integer(0),
        }),
        ServerNotification::ServerRequestResolved(ServerRequestResolvedNotification {
            thread_id: tid.clone(),
            request_id: RequestId::String("r".into()),
        }),
        ServerNotification::Error(ErrorNotification {
            error: TurnError {
                message: "stream disconnected, retrying 1/5".into(),
                codex_error_info: Some(CodexErrorInfo::ResponseStreamDisconnected {
                    http_status_code: None,
                }),
                additional_details: None,
            },
            will_retry: true,
            thread_id: tid.clone(),
            turn_id: "t1".into(),
        }),
        ServerNotification::Warning(WarningNotification {
            thread_id: None,
            message: "careful".into(),
        }),
    ];
    for status in [TurnStatus::InProgress, TurnStatus::Failed] {
        notifications.push(ServerNotification::TurnStarted(TurnNotification {
            thread_id: tid.clone(),
            turn: sample_turn(status),
        }));
        notifications.push(ServerNotification::TurnCompleted(TurnNotification {
            thread_id: tid.clone(),
            turn: sample_turn(status),
        }));
    }
    for item in sample_items() {
        notifications.push(ServerNotification::ItemStarted(ItemStartedNotification {
            item: item.clone(),
            thread_id: tid.clone(),
            turn_id: "t1".into(),
            started_at_ms: 1,
        }));
        notifications.push(ServerNotification::ItemCompleted(
            ItemCompletedNotification {
                item,
                thread_id: tid.clone(),
                turn_id: "t1".into(),
                completed_at_ms: 2,
                content_token_count: None,
            },
        ));
    }
    for notification in &notifications {
        assert_notification(notification);
        assert!(notification.thread_id().is_some() || notification.method() == "warning");
        let back: ServerNotification = serde_json::from_value(to_json(notification)).unwrap();
        assert_eq!(&back, notification);
    }
}

#[test]
fn approval_requests_and_decisions_validate() {
    let command = ServerRequest::CommandExecutionApproval(CommandExecutionRequestApprovalParams {
        thread_id: "th".into(),
        turn_id: "t1".into(),
        item_id: "call-1".into(),
        started_at_ms: 5,
        command: Some("bash -lc 'rm -rf build'".into()),
        cwd: Some("/p".into()),
        reason: Some("policy asked".into()),
        command_actions: Some(vec![CommandAction::Unknown {
            command: "rm -rf build".into(),
        }]),
        proposed_execpolicy_amendment: Some(vec!["rm".into()]),
        network_approval_context: None,
        proposed_network_policy_amendments: None,
    });
    let file = ServerRequest::FileChangeApproval(FileChangeRequestApprovalParams {
        thread_id: "th".into(),
        turn_id: "t1".into(),
        item_id: "patch-call".into(),
        started_at_ms: 5,
        reason: None,
        grant_root: None,
    });
    for (id, request) in [(json!(0), &command), (json!("s-1"), &file)] {
        let message = json!({"id": id, "method": request.method(), "params": request.params()});
        if let Err(e) = codex_schema().validate_server_request(&message) {
            panic!("{e}");
        }
        assert_eq!(request.thread_id(), "th");
    }
    let decisions = [
        CommandExecutionApprovalDecision::Accept,
        CommandExecutionApprovalDecision::AcceptForSession,
        CommandExecutionApprovalDecision::AcceptWithExecpolicyAmendment {
            execpolicy_amendment: vec!["git".into(), "pull".into()],
        },
        CommandExecutionApprovalDecision::ApplyNetworkPolicyAmendment {
            network_policy_amendment: NetworkPolicyAmendment {
                host: "example.com".into(),
                action: NetworkPolicyRuleAction::Allow,
            },
        },
        CommandExecutionApprovalDecision::Decline,
        CommandExecutionApprovalDecision::Cancel,
    ];
    for decision in decisions {
        let response = to_json(&CommandExecutionRequestApprovalResponse { decision });
        codex_schema()
            .validate_server_request_result("item/commandExecution/requestApproval", &response)
            .unwrap();
        let back: CommandExecutionRequestApprovalResponse =
            serde_json::from_value(response).unwrap();
        assert_eq!(
            back.decision.is_approved(),
            !matches!(
                back.decision,
                CommandExecutionApprovalDecision::Decline
                    | CommandExecutionApprovalDecision::Cancel
            )
        );
    }
    let amendment: CommandExecutionRequestApprovalResponse = serde_json::from_value(json!(
        {"decision": {"acceptWithExecpolicyAmendment": {"execpolicy_amendment": ["git", "pull"]}}}
    ))
    .unwrap();
    assert!(amendment.decision.is_approved());
    for decision in [
        FileChangeApprovalDecision::Accept,
        FileChangeApprovalDecision::AcceptForSession,
        FileChangeApprovalDecision::Decline,
        FileChangeApprovalDecision::Cancel,
    ] {
        let response = to_json(&FileChangeRequestApprovalResponse { decision });
        codex_schema()
            .validate_server_request_result("item/fileChange/requestApproval", &response)
            .unwrap();
    }
}

#[test]
fn client_params_tolerate_extras_and_absent_optionals() {
    let params: ThreadStartParams = serde_json::from_value(
        json!({"cwd": "/p", "someFutureField": {"x": 1}, "sandbox": "read-only"}),
    )
    .unwrap();
    assert_eq!(params.cwd.as_deref(), Some("/p"));
    assert_eq!(params.sandbox, Some(SandboxMode::ReadOnly));
    assert_eq!(params.service_tier, None);
    let params: ThreadStartParams = serde_json::from_value(json!({"serviceTier": null})).unwrap();
    assert_eq!(params.service_tier, Some(None));
    let params: ThreadStartParams = serde_json::from_value(json!({})).unwrap();
    assert_eq!(params, ThreadStartParams::default());

    let init: InitializeParams = serde_json::from_value(json!({
        "clientInfo": {"name": "codex_vscode", "title": null, "version": "0.1.0"},
        "capabilities": {"experimentalApi": true, "optOutNotificationMethods": ["thread/started"],
                         "unknownCapability": 1}
    }))
    .unwrap();
    let caps = init.capabilities.unwrap();
    assert!(caps.experimental_api);
    assert!(caps.opts_out_of("thread/started"));
    assert!(!caps.opts_out_of("turn/started"));

    let turn: TurnStartParams = serde_json::from_value(json!({
        "threadId": "th", "input": [{"type": "text", "text": "hi"}],
        "sandboxPolicy": {"type": "workspaceWrite", "networkAccess": true},
        "approvalPolicy": "untrusted", "effort": "high", "extra": true
    }))
    .unwrap();
    assert_eq!(turn.input, vec![UserInput::text("hi")]);
    assert!(matches!(
        turn.sandbox_policy,
        Some(SandboxPolicy::WorkspaceWrite {
            network_access: true,
            ..
        })
    ));
    let list: ThreadListParams =
        serde_json::from_value(json!({"cwd": ["/a", "/b"], "sortKey": "updated_at"})).unwrap();
    assert_eq!(
        list.cwd.map(ThreadListCwdFilter::into_vec),
        Some(vec!["/a".to_owned(), "/b".to_owned()])
    );
    assert_eq!(list.sort_key, Some(ThreadSortKey::UpdatedAt));
    let list: ThreadListParams = serde_json::from_value(json!({"cwd": "/a"})).unwrap();
    assert_eq!(list.cwd, Some(ThreadListCwdFilter::One("/a".into())));

    // The samples a schema-conforming client sends all parse.
    for (method, params) in [
        (
            "thread/read",
            json!({"threadId": "th", "includeTurns": true}),
        ),
        ("thread/name/set", json!({"threadId": "th", "name": "n"})),
        (
            "thread/revert",
            json!({"threadId": "th", "beforeTurnId": "t1"}),
        ),
        ("turn/interrupt", json!({"threadId": "th", "turnId": "t1"})),
        (
            "turn/steer",
            json!({"threadId": "th", "expectedTurnId": "t1", "input": []}),
        ),
        ("thread/turns/list", json!({"threadId": "th", "limit": 5})),
        ("config/read", json!({"includeLayers": true})),
        ("model/list", json!({"limit": 10, "includeHidden": null})),
    ] {
        let message = json!({"id": 1, "method": method, "params": params});
        codex_schema().validate_client_request(&message).unwrap();
    }
}

#[test]
fn wrong_types_give_readable_serde_errors() {
    let err = serde_json::from_value::<ThreadListParams>(json!({"limit": "x"})).unwrap_err();
    assert!(
        err.to_string().contains("invalid type: string \"x\""),
        "{err}"
    );
    let err = serde_json::from_value::<TurnStartParams>(json!({"input": []})).unwrap_err();
    assert!(
        err.to_string().contains("missing field `threadId`"),
        "{err}"
    );
    let err = serde_json::from_value::<ThreadStartParams>(json!({"sandbox": "workspaceWrite"}))
        .unwrap_err();
    assert!(
        err.to_string().contains("unknown variant `workspaceWrite`"),
        "{err}"
    );
}

#[test]
fn request_ids_round_trip_exactly() {
    for raw in [
        json!(0),
        json!(-5),
        json!(i64::MAX),
        json!("abc"),
        json!(""),
    ] {
        let id = RequestId::from_value(&raw).unwrap();
        assert_eq!(id.to_value(), raw);
        assert_eq!(to_json(&id), raw);
        let parsed: RequestId = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(parsed, id);
    }
    for raw in [
        json!(null),
        json!(1.5),
        json!(true),
        json!({}),
        json!(u64::MAX),
    ] {
        assert_eq!(RequestId::from_value(&raw), None, "{raw}");
    }
}

#[test]
fn schema_knows_its_layout() {
    let schema = codex_schema();
    assert_eq!(
        schema.response_definition("thread/start").as_deref(),
        Some("v2/ThreadStartResponse")
    );
    assert_eq!(
        schema.response_definition("initialize").as_deref(),
        Some("InitializeResponse")
    );
    assert!(schema.is_notification_method("item/agentMessage/delta"));
    assert!(schema.is_server_request_method("item/fileChange/requestApproval"));
    assert!(!schema.is_client_method("thread/rollback"));
    // Messages with a "jsonrpc" member or an unknown method are rejected.
    assert!(
        schema
            .validate_notification(
                &json!({"jsonrpc": "2.0", "method": "warning", "params": {"message": "x"}})
            )
            .is_err()
    );
    assert!(
        schema
            .validate_notification(&json!({"method": "hearth/nope", "params": {}}))
            .is_err()
    );
    // Parse errors may carry a null id; other errors may not.
    let parse_error = json!({"id": null, "error": {"code": -32700, "message": "Parse error"}});
    schema.validate_outgoing(&parse_error, None).unwrap();
    let bad = json!({"id": null, "error": {"code": -32601, "message": "Method not found"}});
    assert!(schema.validate_outgoing(&bad, None).is_err());
    // A wrong result shape is caught.
    assert!(
        schema
            .validate_result("turn/steer", &json!({"turn": "t1"}))
            .is_err()
    );
}
