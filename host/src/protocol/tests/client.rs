//! What clients send: params with extras and absent optionals, wrong types, request ids,
//! and the schema layout the tests rely on.

use super::*;

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
