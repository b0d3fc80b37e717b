//! Store tests on temporary directories.

use std::io::Write;

use serde_json::{Value, json};

use super::*;
use crate::protocol::schema_check::codex_schema;
use crate::protocol::{
    AskForApproval, SessionSource, ThreadItem, ThreadItemDetails, ThreadStatus,
    TokenUsageBreakdown, TurnError, TurnStatus, UserInput,
};

fn meta(id: &str, cwd: &str, created_at_ms: i64) -> ThreadMeta {
    ThreadMeta {
        id: id.into(),
        created_at_ms,
        cwd: cwd.into(),
        model: Some("mock-model".into()),
        model_provider: "mock".into(),
        reasoning_effort: None,
        cli_version: "0.1.0".into(),
        source: SessionSource::AppServer,
        originator: Some("test".into()),
        thread_source: None,
        forked_from_id: None,
        git_info: None,
        preview: String::new(),
        ephemeral: false,
    }
}

fn user_item(id: &str, text: &str) -> ThreadItem {
    ThreadItem::new(
        id,
        ThreadItemDetails::UserMessage {
            client_id: None,
            content: vec![UserInput::text(text)],
        },
    )
}

fn agent_item(id: &str, text: &str) -> ThreadItem {
    ThreadItem::new(
        id,
        ThreadItemDetails::AgentMessage {
            text: text.into(),
            phase: None,
            memory_citation: None,
        },
    )
}

fn history_message(role: &str, text: &str) -> Value {
    json!({"type": "message", "role": role, "content": [{"type": "input_text", "text": text}]})
}

/// Appends one full turn (user message, agent answer, completion) at time `ts`.
fn add_turn(store: &ThreadStore, log: &mut ThreadLog, turn: &str, text: &str, ts: i64) {
    let entries = [
        Record::TurnStarted {
            turn_id: turn.into(),
        },
        Record::ItemCompleted {
            turn_id: turn.into(),
            item: user_item(&format!("{turn}-u"), text),
            history: vec![history_message("user", text)],
        },
        Record::ItemCompleted {
            turn_id: turn.into(),
            item: agent_item(&format!("{turn}-a"), &format!("re: {text}")),
            history: vec![history_message("assistant", &format!("re: {text}"))],
        },
        Record::TurnCompleted {
            turn_id: turn.into(),
            status: TurnStatus::Completed,
            error: None,
            usage: Some(TokenUsageBreakdown {
                total_tokens: 3,
                input_tokens: 2,
                output_tokens: 1,
                ..TokenUsageBreakdown::default()
            }),
            duration_ms: Some(40),
        },
    ];
    for (i, record) in entries.into_iter().enumerate() {
        let entry = LogEntry::at(ts + i64::try_from(i).unwrap(), record);
        if !log.is_ephemeral() {
            store.append(log.id(), &entry).unwrap();
        }
        log.apply(entry);
    }
}

#[test]
fn append_and_load_round_trip() {
    let home = tempfile::tempdir().unwrap();
    let store = ThreadStore::open(home.path()).unwrap();
    let mut log = store.create(meta("t-1", "/p", 1_000_000)).unwrap();
    store
        .commit(
            &mut log,
            Record::SettingsChanged {
                settings: ThreadSettings {
                    model: Some("other-model".into()),
                    approval_policy: Some(AskForApproval::Never),
                    ..ThreadSettings::default()
                },
            },
        )
        .unwrap();
    store
        .commit(
            &mut log,
            Record::HistoryAppended {
                turn_id: None,
                items: vec![history_message("developer", "be brief")],
            },
        )
        .unwrap();
    add_turn(&store, &mut log, "turn-1", "hello", 2_000_000);
    add_turn(&store, &mut log, "turn-2", "again", 3_000_000);
    store
        .commit(
            &mut log,
            Record::NameSet {
                name: Some("greetings".into()),
            },
        )
        .unwrap();

    let loaded = store.load("t-1").unwrap();
    assert_eq!(loaded, log);
    assert_eq!(loaded.turns().len(), 2);
    assert_eq!(loaded.history().len(), 5);
    assert_eq!(loaded.preview(), "hello");
    assert_eq!(loaded.name(), Some("greetings"));
    assert_eq!(loaded.settings().model.as_deref(), Some("other-model"));
    assert_eq!(loaded.total_usage().total_tokens, 6);
    let turn = loaded.turn("turn-1").unwrap();
    assert_eq!(turn.status, TurnStatus::Completed);
    assert_eq!(turn.items.len(), 2);
    assert_eq!(turn.started_at, Some(2_000));
    assert_eq!(turn.duration_ms, Some(40));

    let path = store.path_of("t-1").unwrap();
    let thread = loaded.to_thread(
        ThreadStatus::NotLoaded,
        true,
        Some(path.to_string_lossy().into_owned()),
    );
    assert_eq!(thread.model.as_deref(), Some("other-model"));
    assert_eq!(thread.turns.len(), 2);
    codex_schema()
        .validate_definition("Thread", &serde_json::to_value(&thread).unwrap())
        .unwrap();
    // Every line is one self-describing JSON record.
    let text = std::fs::read_to_string(path).unwrap();
    let first: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(first["type"], "thread_created");
    assert_eq!(first["meta"]["id"], "t-1");
    assert!(first["ts"].is_i64());
}

#[test]
fn torn_last_line_is_ignored_and_cut_before_the_next_append() {
    let home = tempfile::tempdir().unwrap();
    let store = ThreadStore::open(home.path()).unwrap();
    let mut log = store.create(meta("torn", "/p", 1_000)).unwrap();
    add_turn(&store, &mut log, "turn-1", "hello", 2_000);
    let path = store.path_of("torn").unwrap();
    // Simulate a crash in the middle of writing a record.
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    file.write_all(br#"{"ts":9,"type":"item_completed","turn_id":"turn-2","item":{"ty"#)
        .unwrap();
    drop(file);

    let other = ThreadStore::open(home.path()).unwrap();
    let loaded = other.load("torn").unwrap();
    assert_eq!(loaded, log, "the torn record is ignored");

    // Appending through a fresh store cuts the partial record off first.
    let mut loaded = loaded;
    add_turn(&other, &mut loaded, "turn-2", "more", 3_000);
    let reloaded = other.load("torn").unwrap();
    assert_eq!(reloaded, loaded);
    assert_eq!(reloaded.turns().len(), 2);

    // A complete record that only lacks its newline is kept.
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    file.write_all(br#"{"ts":4000,"type":"name_set","name":"kept"}"#)
        .unwrap();
    drop(file);
    let third = ThreadStore::open(home.path()).unwrap();
    let mut log = third.load("torn").unwrap();
    assert_eq!(log.name(), Some("kept"));
    third.commit(&mut log, Record::Archived).unwrap();
    let log = third.load("torn").unwrap();
    assert_eq!((log.name(), log.is_archived()), (Some("kept"), true));
}

#[test]
fn invalid_lines_elsewhere_are_errors_and_unknown_records_are_skipped() {
    let home = tempfile::tempdir().unwrap();
    let store = ThreadStore::open(home.path()).unwrap();
    let mut log = store.create(meta("bad", "/p", 1_000)).unwrap();
    store
        .append("bad", &LogEntry::at(1_500, Record::Archived))
        .unwrap();
    log.apply(LogEntry::at(1_500, Record::Archived));
    let path = store.path_of("bad").unwrap();
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("{\"ts\":1600,\"type\":\"future_record\",\"x\":1}\n");
    std::fs::write(&path, &text).unwrap();
    assert_eq!(
        store.load("bad").unwrap(),
        log,
        "unknown record types are skipped"
    );

    text.push_str("not json\n{\"ts\":1700,\"type\":\"unarchived\"}\n");
    std::fs::write(&path, &text).unwrap();
    match store.load("bad") {
        Err(StoreError::Corrupt { line, .. }) => assert_eq!(line, 4),
        other => panic!("expected a corrupt-line error, got {other:?}"),
    }
}

#[test]
fn rollback_drops_turns_and_their_history() {
    let home = tempfile::tempdir().unwrap();
    let store = ThreadStore::open(home.path()).unwrap();
    let mut log = store.create(meta("rb", "/p", 1_000)).unwrap();
    store
        .commit(
            &mut log,
            Record::HistoryAppended {
                turn_id: None,
                items: vec![history_message("developer", "ctx")],
            },
        )
        .unwrap();
    for (i, text) in ["one", "two", "three"].iter().enumerate() {
        add_turn(
            &store,
            &mut log,
            &format!("turn-{i}"),
            text,
            2_000 + 10 * i64::try_from(i).unwrap(),
        );
    }
    assert_eq!(log.history().len(), 7);
    assert_eq!(log.turns_from("turn-1"), Some(2));
    store
        .commit(&mut log, Record::RolledBack { num_turns: 1 })
        .unwrap();
    assert_eq!(log.turns().len(), 2);
    assert_eq!(log.history().len(), 5);
    let loaded = store.load("rb").unwrap();
    assert_eq!(loaded, log);

    // A new turn after the rollback, then roll back more turns than exist.
    add_turn(&store, &mut log, "turn-x", "four", 3_000);
    assert_eq!(
        log.turns().map(|t| t.id.as_str()).collect::<Vec<_>>(),
        ["turn-0", "turn-1", "turn-x"]
    );
    store
        .commit(&mut log, Record::RolledBack { num_turns: 10 })
        .unwrap();
    assert_eq!(log.turns().len(), 0);
    assert_eq!(log.history(), &[history_message("developer", "ctx")]);
    assert_eq!(store.load("rb").unwrap(), log);
}

#[test]
fn rollback_past_a_compaction_keeps_the_compacted_history() {
    let home = tempfile::tempdir().unwrap();
    let store = ThreadStore::open(home.path()).unwrap();
    let mut log = store.create(meta("cmp", "/p", 1_000)).unwrap();
    add_turn(&store, &mut log, "turn-0", "one", 2_000);
    add_turn(&store, &mut log, "turn-1", "two", 3_000);
    store
        .commit(
            &mut log,
            Record::HistoryReplaced {
                turn_id: Some("turn-1".into()),
                history: vec![history_message("user", "summary")],
            },
        )
        .unwrap();
    add_turn(&store, &mut log, "turn-2", "three", 4_000);
    store
        .commit(&mut log, Record::RolledBack { num_turns: 2 })
        .unwrap();
    assert_eq!(log.turns().len(), 1);
    assert_eq!(log.history(), &[history_message("user", "summary")]);
    assert_eq!(store.load("cmp").unwrap(), log);
}

#[test]
fn list_paginates_newest_first_and_filters() {
    let home = tempfile::tempdir().unwrap();
    let store = ThreadStore::open(home.path()).unwrap();
    // Five threads; thread i last updated at 10_000 * (i + 1).
    for i in 0..5_i64 {
        let id = format!("th-{i}");
        let cwd = if i % 2 == 0 { "/even" } else { "/odd" };
        let mut log = store.create(meta(&id, cwd, 1_000 + i)).unwrap();
        add_turn(
            &store,
            &mut log,
            "turn",
            &format!("hello {i}"),
            10_000 * (i + 1),
        );
    }
    store
        .append("th-4", &LogEntry::at(60_000, Record::Archived))
        .unwrap();

    let ids = |page: &ThreadPage| {
        page.threads
            .iter()
            .map(|t| t.meta.id.clone())
            .collect::<Vec<_>>()
    };
    let mut query = ListQuery {
        limit: 2,
        ..ListQuery::default()
    };
    let first = store.list(&query).unwrap();
    assert_eq!(ids(&first), ["th-3", "th-2"]);
    query.cursor = first.next_cursor.clone();
    let second = store.list(&query).unwrap();
    assert_eq!(ids(&second), ["th-1", "th-0"]);
    assert_eq!(second.next_cursor, None);

    let archived = store
        .list(&ListQuery {
            archived: true,
            ..ListQuery::default()
        })
        .unwrap();
    assert_eq!(ids(&archived), ["th-4"]);
    assert_eq!(archived.threads[0].preview, "hello 4");

    let even = store
        .list(&ListQuery {
            cwd: Some(vec!["/even".into()]),
            ..ListQuery::default()
        })
        .unwrap();
    assert_eq!(ids(&even), ["th-2", "th-0"]);

    let search = store
        .list(&ListQuery {
            search_term: Some("hello 1".into()),
            ..ListQuery::default()
        })
        .unwrap();
    assert_eq!(ids(&search), ["th-1"]);

    let oldest_created = store
        .list(&ListQuery {
            sort_key: SortKey::CreatedAt,
            direction: crate::protocol::SortDirection::Asc,
            limit: 1,
            ..ListQuery::default()
        })
        .unwrap();
    assert_eq!(ids(&oldest_created), ["th-0"]);
    assert!(oldest_created.next_cursor.is_some());

    // Appends through the store move a thread to the front.
    store
        .append(
            "th-0",
            &LogEntry::at(
                70_000,
                Record::NameSet {
                    name: Some("renamed".into()),
                },
            ),
        )
        .unwrap();
    let page = store.list(&ListQuery::default()).unwrap();
    assert_eq!(ids(&page)[0], "th-0");
    assert_eq!(page.threads[0].name.as_deref(), Some("renamed"));
    let thread = page.threads[0].to_thread(ThreadStatus::NotLoaded, None);
    codex_schema()
        .validate_definition("Thread", &serde_json::to_value(&thread).unwrap())
        .unwrap();

    // The index is rebuilt from the logs: another store sees the same, and changes
    // made by another writer show up.
    let other = ThreadStore::open(home.path()).unwrap();
    assert_eq!(ids(&other.list(&ListQuery::default()).unwrap()), ids(&page));
    other
        .append("th-1", &LogEntry::at(80_000, Record::Archived))
        .unwrap();
    let page = store.list(&ListQuery::default()).unwrap();
    assert!(!ids(&page).contains(&"th-1".to_owned()));

    assert!(matches!(
        store.list(&ListQuery {
            cursor: Some("garbage".into()),
            ..ListQuery::default()
        }),
        Err(StoreError::InvalidCursor(_))
    ));
}

#[test]
fn fork_copies_turns_and_history_up_to_a_turn() {
    let home = tempfile::tempdir().unwrap();
    let store = ThreadStore::open(home.path()).unwrap();
    let mut source = store.create(meta("src", "/p", 1_000)).unwrap();
    store
        .commit(
            &mut source,
            Record::HistoryAppended {
                turn_id: None,
                items: vec![history_message("developer", "ctx")],
            },
        )
        .unwrap();
    add_turn(&store, &mut source, "turn-0", "one", 2_000);
    add_turn(&store, &mut source, "turn-1", "two", 3_000);

    let fork = store
        .fork(
            &source,
            ThreadMeta::forked_from(source.meta(), "fork"),
            Some("turn-0"),
        )
        .unwrap();
    assert_eq!(fork.meta().forked_from_id.as_deref(), Some("src"));
    assert_eq!(fork.turns().len(), 1);
    assert_eq!(fork.turn("turn-0"), source.turn("turn-0"));
    assert_eq!(fork.history(), &source.history()[..3]);
    assert_eq!(fork.preview(), "one");
    assert_eq!(store.load("fork").unwrap(), fork);

    // A full fork behaves like the source, including rollback.
    let mut full = store
        .fork(
            &source,
            ThreadMeta::forked_from(source.meta(), "full"),
            None,
        )
        .unwrap();
    assert_eq!(full.history(), source.history());
    store
        .commit(&mut full, Record::RolledBack { num_turns: 1 })
        .unwrap();
    assert_eq!(full.history(), &source.history()[..3]);

    // An in-progress turn is copied as interrupted.
    store
        .commit(
            &mut source,
            Record::TurnStarted {
                turn_id: "turn-2".into(),
            },
        )
        .unwrap();
    let mut meta = ThreadMeta::forked_from(source.meta(), "mid");
    meta.ephemeral = true;
    let entries = source.fork_entries(meta, None).unwrap();
    let mid = ThreadLog::replay(entries).unwrap();
    assert!(mid.is_ephemeral());
    assert_eq!(mid.last_turn().unwrap().status, TurnStatus::Interrupted);
    assert!(!store.exists("mid"));

    assert!(matches!(
        store.fork(
            &source,
            ThreadMeta::forked_from(source.meta(), "x"),
            Some("nope")
        ),
        Err(StoreError::TurnNotFound(_))
    ));
}

#[test]
fn ephemeral_threads_never_touch_disk() {
    let home = tempfile::tempdir().unwrap();
    let store = ThreadStore::open(home.path()).unwrap();
    let mut m = meta("eph", "/p", 1_000);
    m.ephemeral = true;
    assert!(matches!(
        store.create(m.clone()),
        Err(StoreError::Ephemeral(_))
    ));
    let mut log = ThreadLog::new(m);
    add_turn(&store, &mut log, "turn-0", "secret", 2_000);
    store
        .commit(
            &mut log,
            Record::NameSet {
                name: Some("n".into()),
            },
        )
        .unwrap();
    store
        .commit(
            &mut log,
            Record::TurnCompleted {
                turn_id: "turn-0".into(),
                status: TurnStatus::Failed,
                error: Some(TurnError::new("boom")),
                usage: None,
                duration_ms: None,
            },
        )
        .unwrap();
    assert_eq!(log.name(), Some("n"));
    assert_eq!(std::fs::read_dir(store.threads_dir()).unwrap().count(), 0);
    let thread = log.to_thread(ThreadStatus::Idle, true, None);
    assert!(thread.ephemeral && thread.path.is_none());
    codex_schema()
        .validate_definition("Thread", &serde_json::to_value(&thread).unwrap())
        .unwrap();
}

#[test]
fn unsafe_ids_and_missing_threads_are_rejected() {
    let home = tempfile::tempdir().unwrap();
    let store = ThreadStore::open(home.path()).unwrap();
    for id in ["", "../etc/passwd", "a/b", "a.b", &"x".repeat(129)] {
        assert!(
            matches!(store.load(id), Err(StoreError::InvalidThreadId(_))),
            "{id}"
        );
    }
    assert!(matches!(
        store.load("missing"),
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.append("missing", &LogEntry::now(Record::Archived)),
        Err(StoreError::NotFound(_))
    ));
    store.create(meta("dup", "/p", 1)).unwrap();
    assert!(matches!(
        store.create(meta("dup", "/p", 1)),
        Err(StoreError::AlreadyExists(_))
    ));
}

#[test]
fn dangling_turns_can_be_closed_after_a_crash() {
    let home = tempfile::tempdir().unwrap();
    let store = ThreadStore::open(home.path()).unwrap();
    let mut log = store.create(meta("crash", "/p", 1_000)).unwrap();
    store
        .commit(
            &mut log,
            Record::TurnStarted {
                turn_id: "turn-0".into(),
            },
        )
        .unwrap();
    let mut loaded = store.load("crash").unwrap();
    assert_eq!(loaded.last_turn().unwrap().status, TurnStatus::InProgress);
    assert_eq!(loaded.close_dangling_turns(), ["turn-0"]);
    assert_eq!(loaded.last_turn().unwrap().status, TurnStatus::Interrupted);
}

#[tokio::test]
async fn commit_async_writes_before_returning() {
    let home = tempfile::tempdir().unwrap();
    let store = ThreadStore::open(home.path()).unwrap();
    let mut log = store.create(meta("async", "/p", 1_000)).unwrap();
    store
        .commit_async(
            &mut log,
            Record::NameSet {
                name: Some("a".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(store.load("async").unwrap().name(), Some("a"));
}

/// Measures the cost of a durable append (`cargo test --lib fsync_cost -- --ignored
/// --nocapture`).
#[test]
#[ignore = "measurement, not a check"]
fn fsync_cost() {
    let home = tempfile::tempdir_in(std::env::temp_dir()).unwrap();
    let store = ThreadStore::open(home.path()).unwrap();
    let log = store.create(meta("bench", "/p", 1_000)).unwrap();
    let item = agent_item("m", &"x".repeat(2_000));
    let entry = LogEntry::now(Record::ItemCompleted {
        turn_id: "t".into(),
        item,
        history: vec![history_message("assistant", &"x".repeat(2_000))],
    });
    let rounds = 200_u32;
    let start = std::time::Instant::now();
    for _ in 0..rounds {
        store.append(log.id(), &entry).unwrap();
    }
    let per_append = start.elapsed() / rounds;
    println!(
        "durable append of a ~4.5 KB record: {per_append:?} per append ({} dir)",
        home.path().display()
    );
}
