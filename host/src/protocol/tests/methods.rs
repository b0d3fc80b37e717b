//! Results of thread, turn and other methods, notifications and approval requests,
//! validated against the Codex schema.

use super::*;

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
