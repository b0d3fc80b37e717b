//! `turn/start`, `turn/steer`, `turn/interrupt`, and the sink that turns agent events
//! into notifications and durable records.

use super::app::{ActiveTurn, App, LiveThread, TurnKind};
use super::persist::{Record, StoredSettings};
use super::sink::ThreadSink;
use super::{Conn, HandlerResult};
use crate::agent::history::user_message;
use crate::agent::{
    AgentEvent, TurnEnd, TurnSetup, TurnSink, run_compaction, run_turn, select_model,
};
use crate::plugins::CallContext;
use crate::protocol::*;
use crate::rpc::RpcError;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Writes records for a non-ephemeral thread; durable when it returns.
pub async fn persist(app: &Arc<App>, thread: &LiveThread, records: Vec<Record>) {
    if thread.lock().thread.ephemeral {
        return;
    }
    let store = app.store.clone();
    let id = thread.id.clone();
    let result = tokio::task::spawn_blocking(move || store.append(&id, &records)).await;
    match result {
        Ok(Ok(())) => {}
        Ok(Err(err)) => tracing::error!(thread = %thread.id, "cannot persist: {err:#}"),
        Err(err) => tracing::error!(thread = %thread.id, "persist task failed: {err}"),
    }
}

/// The loaded thread named by a request, or an error naming it.
pub fn loaded_thread(app: &App, id: &str) -> Result<Arc<LiveThread>, RpcError> {
    app.thread(id).ok_or_else(|| {
        RpcError::invalid_request(format!("thread not found: {id} (start or resume it first)"))
    })
}

/// `turn/start`.
pub async fn start(app: &Arc<App>, conn: &Conn, params: TurnStartParams) -> HandlerResult {
    let thread = loaded_thread(app, &params.thread_id)?;
    if params.input.is_empty() {
        return Err(RpcError::invalid_params(
            "turn/start needs at least one input item",
        ));
    }
    let (settings, history, changed) = {
        let mut inner = thread.lock();
        if let Some(active) = &inner.active {
            return Err(RpcError::invalid_request(format!(
                "a turn ({}) is already running on thread {}; steer or interrupt it",
                active.id, thread.id
            )));
        }
        let mut settings = inner.settings.clone();
        if let Some(model) = &params.model {
            settings.model = model.clone();
        }
        if let Some(policy) = &params.approval_policy {
            settings.approval_policy = super::threads::approval_policy_name(policy)?;
        }
        if let Some(sandbox) = &params.sandbox_policy {
            super::threads::apply_sandbox_policy(&mut settings, sandbox)?;
        }
        if let Some(cwd) = &params.cwd {
            settings.cwd = super::threads::resolve_cwd(Some(cwd))?;
        }
        super::threads::check_allowed(&app.config, &settings)?;
        let changed = StoredSettings::from(&settings) != StoredSettings::from(&inner.settings);
        inner.settings = settings.clone();
        (settings, model_history(&inner), changed)
    };
    // The overrides are the thread's settings from now on, also after a restart.
    if changed {
        let settings = StoredSettings::from(&settings);
        persist(app, &thread, vec![Record::Settings { settings }]).await;
    }
    let input = params.input;
    let preview = crate::agent::history::preview(&input);
    let (turn, setup) = begin(
        app,
        conn,
        &thread,
        settings,
        history,
        TurnKind::Input,
        &preview,
    )
    .await?;
    let mut response_turn = turn.clone();
    response_turn.items_view = TurnItemsView::NotLoaded;
    response_turn.started_at = None;
    conn.respond(TurnStartResponse {
        turn: response_turn,
    })
    .await;
    let app = app.clone();
    tokio::spawn(async move { drive_turn(app, thread, turn, TurnWork::Input(input), setup).await });
    Ok(None)
}

/// `thread/compact/start`: a turn with one `contextCompaction` item. Answers `{}` at once.
pub async fn compact_start(
    app: &Arc<App>,
    conn: &Conn,
    params: ThreadCompactStartParams,
) -> HandlerResult {
    let thread = loaded_thread(app, &params.thread_id)?;
    let (settings, history) = {
        let inner = thread.lock();
        if let Some(active) = &inner.active {
            return Err(RpcError::invalid_request(format!(
                "a turn ({}) is already running on thread {}; wait for it or interrupt it",
                active.id, thread.id
            )));
        }
        (inner.settings.clone(), model_history(&inner))
    };
    let (turn, setup) = begin(app, conn, &thread, settings, history, TurnKind::Compact, "").await?;
    conn.respond(json!({})).await;
    let app = app.clone();
    tokio::spawn(async move { drive_turn(app, thread, turn, TurnWork::Compact, setup).await });
    Ok(None)
}

/// The thread's model history.
fn model_history(inner: &super::app::ThreadInner) -> Vec<Value> {
    inner.history.iter().map(|h| h.item.clone()).collect()
}

/// What a turn does.
enum TurnWork {
    /// Answers the user's input.
    Input(Vec<UserInput>),
    /// Compacts the history.
    Compact,
}

/// Registers a new turn as the thread's active one (durably) and subscribes the caller;
/// returns it and what running it needs.
async fn begin(
    app: &Arc<App>,
    conn: &Conn,
    thread: &Arc<LiveThread>,
    settings: super::app::ThreadSettings,
    history: Vec<Value>,
    kind: TurnKind,
    preview: &str,
) -> Result<(Turn, TurnSetup), RpcError> {
    let registry = app
        .registry()
        .await
        .map_err(|e| RpcError::internal(format!("plugins failed to load: {e}")))?;
    let selection = select_model(&app.config, &settings.provider, &settings.model)
        .map_err(|e| RpcError::invalid_request(format!("{e:#}")))?;
    let turn_id = uuid::Uuid::now_v7().to_string();
    let started_at = chrono::Utc::now().timestamp();
    let turn = Turn::in_progress(turn_id.clone(), Some(started_at));
    let cancel = CancellationToken::new();
    let (steer_tx, steer_rx) = mpsc::unbounded_channel();
    {
        let mut inner = thread.lock();
        if inner.active.is_some() {
            return Err(RpcError::invalid_request(
                "a turn is already running on this thread",
            ));
        }
        inner.active = Some(ActiveTurn {
            id: turn_id.clone(),
            kind,
            cancel: cancel.clone(),
            steer: steer_tx,
        });
        inner.turns.push(turn.clone());
        if inner.thread.preview.is_empty() {
            inner.thread.preview = preview.to_string();
        }
    }
    thread.subscribe(conn.subscriber());
    persist(
        app,
        thread,
        vec![Record::TurnStarted { turn: turn.clone() }],
    )
    .await;
    let setup = TurnSetup {
        registry,
        selection,
        operator_policies: Arc::new(app.config.operator_policies.clone()),
        policy_settings: Arc::new(app.config.policy_settings()),
        approval_policy: settings.approval_policy.clone(),
        session_approvals: thread.lock().session_approvals.clone(),
        call: CallContext {
            workspace: Some(settings.cwd.clone()),
            sandbox: settings.sandbox,
            command_network: settings.network_access,
            command_writable_roots: app
                .config
                .sandbox_workspace_write
                .writable_roots
                .iter()
                .chain(&settings.writable_roots)
                .cloned()
                .collect(),
            thread_id: Some(thread.id.clone()),
            turn_id: Some(turn_id),
        },
        history,
        cancel,
        steer: steer_rx,
        compaction: app.config.compaction(),
    };
    Ok((turn, setup))
}

async fn drive_turn(
    app: Arc<App>,
    thread: Arc<LiveThread>,
    mut turn: Turn,
    work: TurnWork,
    mut setup: TurnSetup,
) {
    let clock = Instant::now();
    thread
        .set_status(ThreadStatus::Active {
            active_flags: Vec::new(),
        })
        .await;
    thread
        .broadcast(ServerNotification::TurnStarted(TurnNotification {
            thread_id: thread.id.clone(),
            turn: turn.clone(),
        }))
        .await;
    let sink = Arc::new(ThreadSink {
        app: app.clone(),
        thread: thread.clone(),
        turn_id: turn.id.clone(),
    });

    let end = match work {
        TurnWork::Input(input) => {
            let message = user_message(&input);
            let mut item = ThreadItem::new(
                uuid::Uuid::now_v7().to_string(),
                ThreadItemDetails::UserMessage {
                    client_id: None,
                    content: input,
                },
            );
            item.started_at_ms = Some(now_ms());
            sink.emit(AgentEvent::ItemStarted(item.clone())).await;
            item.completed_at_ms = item.started_at_ms;
            sink.emit(AgentEvent::ItemCompleted {
                item,
                history: vec![message.clone()],
            })
            .await;
            setup.history.push(message);
            run_turn(setup, sink).await
        }
        TurnWork::Compact => run_compaction(setup, sink).await,
    };

    let (status, error) = match end {
        TurnEnd::Completed => (TurnStatus::Completed, None),
        TurnEnd::Interrupted => (TurnStatus::Interrupted, None),
        TurnEnd::Failed(message) => (TurnStatus::Failed, Some(TurnError::new(message))),
    };
    let usage_total = {
        let mut inner = thread.lock();
        inner.active = None;
        if let Some(t) = inner.turns.iter_mut().rev().find(|t| t.id == turn.id) {
            t.status = status;
            t.error = error.clone();
            t.completed_at = Some(chrono::Utc::now().timestamp());
            t.duration_ms = Some(clock.elapsed().as_millis() as i64);
            turn = t.clone();
        }
        inner.thread.updated_at = chrono::Utc::now().timestamp();
        inner.usage_total
    };
    let mut stored = turn.clone();
    stored.items.clear();
    persist(
        &app,
        &thread,
        vec![Record::TurnCompleted {
            turn: stored,
            usage_total,
        }],
    )
    .await;
    if let Some(err) = &error {
        tracing::warn!(thread = %thread.id, turn = %turn.id, "turn failed: {}", err.message);
    }
    thread.set_status(ThreadStatus::Idle).await;
    turn.items_view = TurnItemsView::Full;
    thread
        .broadcast(ServerNotification::TurnCompleted(TurnNotification {
            thread_id: thread.id.clone(),
            turn,
        }))
        .await;
}

/// `turn/steer`.
pub async fn steer(app: &Arc<App>, params: TurnSteerParams) -> HandlerResult {
    let thread = loaded_thread(app, &params.thread_id)?;
    let inner = thread.lock();
    let Some(active) = &inner.active else {
        return Err(RpcError::invalid_request("no active turn to steer"));
    };
    if active.kind == TurnKind::Compact {
        return Err(
            RpcError::invalid_request("a compaction turn cannot be steered").with_data(json!({
                "codexErrorInfo": {"activeTurnNotSteerable": {"turnKind": "compact"}}
            })),
        );
    }
    if active.id != params.expected_turn_id {
        return Err(RpcError::invalid_request(format!(
            "expected turn {} but the active turn is {}",
            params.expected_turn_id, active.id
        )));
    }
    if params.input.is_empty() {
        return Err(RpcError::invalid_params(
            "turn/steer needs at least one input item",
        ));
    }
    active
        .steer
        .send(params.input)
        .map_err(|_| RpcError::invalid_request("the turn is ending"))?;
    Ok(Some(
        serde_json::to_value(TurnSteerResponse {
            turn_id: active.id.clone(),
        })
        .unwrap_or(Value::Null),
    ))
}

/// `turn/interrupt`.
pub async fn interrupt(app: &Arc<App>, params: TurnInterruptParams) -> HandlerResult {
    let thread = loaded_thread(app, &params.thread_id)?;
    let inner = thread.lock();
    match &inner.active {
        Some(active) if active.id == params.turn_id => {
            active.cancel.cancel();
            Ok(Some(json!({})))
        }
        Some(active) => Err(RpcError::invalid_request(format!(
            "turn {} is not running (the active turn is {})",
            params.turn_id, active.id
        ))),
        None => Err(RpcError::invalid_request(format!(
            "no active turn on thread {}",
            thread.id
        ))),
    }
}
