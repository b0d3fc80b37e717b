//! `thread/*` handlers: start, resume, fork, list, read, turns, archive, name, rollback,
//! unsubscribe.

use super::app::{App, LiveThread, ThreadInner, ThreadSettings};
use super::persist::Record;
use super::turns::{loaded_thread, persist};
use super::{Conn, HandlerResult, to_result};
use crate::agent::model_select::{default_model, default_provider};
use crate::plugins::SandboxMode;
use crate::protocol::*;
use crate::rpc::RpcError;
use std::path::PathBuf;
use std::sync::Arc;

/// The approval policy's config spelling.
pub fn approval_policy_name(policy: &AskForApproval) -> Result<String, RpcError> {
    Ok(match policy {
        AskForApproval::Untrusted => "untrusted",
        AskForApproval::OnRequest => "on-request",
        AskForApproval::Never => "never",
        AskForApproval::Granular(_) => {
            return Err(RpcError::invalid_params(
                "granular approval policies are not supported by hearth",
            ));
        }
    }
    .to_string())
}

/// The wire form of an approval policy name (`on-failure` is shown as `on-request`,
/// which the 0.169 wire no longer distinguishes).
pub fn ask_for_approval(name: &str) -> AskForApproval {
    match name {
        "untrusted" => AskForApproval::Untrusted,
        "never" => AskForApproval::Never,
        _ => AskForApproval::OnRequest,
    }
}

/// Applies a wire sandbox policy to a thread's settings: its mode, whether its commands
/// may use the network, and the directories (absolute, besides the workspace) they may
/// also write.
pub fn apply_sandbox_policy(
    settings: &mut ThreadSettings,
    policy: &SandboxPolicy,
) -> Result<(), RpcError> {
    let (mode, network, roots) = match policy {
        SandboxPolicy::DangerFullAccess | SandboxPolicy::ExternalSandbox { .. } => {
            (SandboxMode::DangerFullAccess, true, Vec::new())
        }
        SandboxPolicy::ReadOnly { network_access } => {
            (SandboxMode::ReadOnly, *network_access, Vec::new())
        }
        SandboxPolicy::WorkspaceWrite {
            network_access,
            writable_roots,
            ..
        } => (
            SandboxMode::WorkspaceWrite,
            *network_access,
            writable_roots.clone(),
        ),
    };
    let mut extra = Vec::new();
    for root in roots.iter().map(PathBuf::from) {
        if !root.is_absolute() {
            return Err(RpcError::invalid_params(format!(
                "writable root {} must be an absolute path",
                root.display()
            )));
        }
        if root != settings.cwd && !extra.contains(&root) {
            extra.push(root);
        }
    }
    settings.sandbox = mode;
    settings.network_access = network;
    settings.writable_roots = extra;
    Ok(())
}

fn wire_sandbox_mode(mode: &crate::protocol::SandboxMode) -> SandboxMode {
    match mode {
        crate::protocol::SandboxMode::ReadOnly => SandboxMode::ReadOnly,
        crate::protocol::SandboxMode::WorkspaceWrite => SandboxMode::WorkspaceWrite,
        crate::protocol::SandboxMode::DangerFullAccess => SandboxMode::DangerFullAccess,
    }
}

fn sandbox_policy(config: &crate::config::Config, settings: &ThreadSettings) -> SandboxPolicy {
    match settings.sandbox {
        SandboxMode::ReadOnly => SandboxPolicy::ReadOnly {
            network_access: settings.network_access,
        },
        SandboxMode::WorkspaceWrite => SandboxPolicy::WorkspaceWrite {
            writable_roots: std::iter::once(&settings.cwd)
                .chain(&config.sandbox_workspace_write.writable_roots)
                .chain(&settings.writable_roots)
                .map(|p| p.display().to_string())
                .collect(),
            network_access: settings.network_access,
            exclude_tmpdir_env_var: false,
            exclude_slash_tmp: false,
        },
        SandboxMode::DangerFullAccess => SandboxPolicy::DangerFullAccess,
    }
}

fn session_response(
    config: &crate::config::Config,
    thread: Thread,
    settings: &ThreadSettings,
) -> HandlerResult {
    to_result(ThreadSessionResponse {
        model: settings.model.clone(),
        model_provider: settings.provider.clone(),
        service_tier: None,
        cwd: settings.cwd.display().to_string(),
        instruction_sources: Vec::new(),
        approval_policy: ask_for_approval(&settings.approval_policy),
        approvals_reviewer: ApprovalsReviewer::User,
        sandbox: sandbox_policy(config, settings),
        reasoning_effort: None,
        disabled_plugin_ids: Vec::new(),
        thread,
    })
}

/// A client's working directory (it must be absolute), or the server's own.
pub fn resolve_cwd(cwd: Option<&str>) -> Result<PathBuf, RpcError> {
    let cwd = match cwd {
        Some(c) => PathBuf::from(c),
        None => std::env::current_dir().map_err(RpcError::internal)?,
    };
    if !cwd.is_absolute() {
        return Err(RpcError::invalid_params(format!(
            "cwd must be an absolute path, got {}",
            cwd.display()
        )));
    }
    Ok(cwd)
}

/// Overrides a client may pass on start, resume and fork.
struct Overrides<'a> {
    model: Option<&'a String>,
    provider: Option<&'a String>,
    cwd: Option<&'a String>,
    approval: Option<&'a AskForApproval>,
    sandbox: Option<&'a crate::protocol::SandboxMode>,
}

fn apply(
    config: &crate::config::Config,
    settings: &mut ThreadSettings,
    o: &Overrides<'_>,
) -> Result<(), RpcError> {
    if let Some(p) = o.provider {
        settings.provider = p.clone();
    }
    if let Some(m) = o.model {
        settings.model = m.clone();
    }
    if let Some(c) = o.cwd {
        settings.cwd = resolve_cwd(Some(c))?;
    }
    if let Some(a) = o.approval {
        settings.approval_policy = approval_policy_name(a)?;
    }
    if let Some(s) = o.sandbox {
        settings.sandbox = wire_sandbox_mode(s);
        settings.network_access = network_default(config, settings.sandbox);
        settings.writable_roots.clear();
    }
    check_allowed(config, settings)
}

/// Refuses settings the operator did not allow (see [`crate::config::Config::check_allowed`]).
pub fn check_allowed(
    config: &crate::config::Config,
    settings: &ThreadSettings,
) -> Result<(), RpcError> {
    config
        .check_allowed(
            settings.sandbox,
            &settings.approval_policy,
            settings.network_access,
            &settings.writable_roots,
        )
        .map_err(RpcError::invalid_request)
}

/// Whether commands of a thread in `mode` may use the network, unless a client says:
/// `[sandbox_workspace_write] network_access` for workspace-write, never for read-only.
pub fn network_default(config: &crate::config::Config, mode: SandboxMode) -> bool {
    mode == SandboxMode::WorkspaceWrite && config.sandbox_workspace_write.network_access
}

fn new_thread(
    id: &str,
    settings: &ThreadSettings,
    ephemeral: bool,
    forked_from: Option<String>,
    app: &App,
) -> Thread {
    let now = chrono::Utc::now().timestamp();
    Thread {
        id: id.to_string(),
        session_id: id.to_string(),
        forked_from_id: forked_from,
        preview: String::new(),
        ephemeral,
        model_provider: settings.provider.clone(),
        model: Some(settings.model.clone()),
        reasoning_effort: None,
        created_at: now,
        updated_at: now,
        status: ThreadStatus::Idle,
        path: if ephemeral {
            None
        } else {
            app.store.log_path(id).map(|p| p.display().to_string())
        },
        cwd: settings.cwd.display().to_string(),
        cli_version: env!("CARGO_PKG_VERSION").to_string(),
        source: SessionSource::AppServer,
        thread_source: None,
        originator: None,
        agent_nickname: None,
        agent_role: None,
        parent_thread_id: None,
        git_info: None,
        name: None,
        project_id: None,
        turns: Vec::new(),
    }
}

async fn register(
    app: &Arc<App>,
    conn: &Conn,
    inner: ThreadInner,
    records: Vec<Record>,
) -> Arc<LiveThread> {
    let live = LiveThread::new(inner);
    persist(app, &live, records).await;
    app.insert_thread(live.clone());
    live.subscribe(conn.subscriber());
    live
}

async fn announce(conn: &Conn, live: &LiveThread) {
    let thread = live.snapshot(false);
    let note = ServerNotification::ThreadStarted(ThreadStartedNotification { thread });
    let _ = conn.handle.notify_protocol(&note).await;
}

/// `thread/start`.
pub async fn start(app: &Arc<App>, conn: &Conn, params: ThreadStartParams) -> HandlerResult {
    let provider = params
        .model_provider
        .clone()
        .unwrap_or_else(|| default_provider(&app.config));
    let mut settings = ThreadSettings {
        model: default_model(&app.config, &provider),
        provider,
        approval_policy: app.config.approval_policy().to_string(),
        sandbox: app.config.sandbox_mode(),
        network_access: network_default(&app.config, app.config.sandbox_mode()),
        writable_roots: Vec::new(),
        cwd: resolve_cwd(params.cwd.as_deref())?,
    };
    apply(
        &app.config,
        &mut settings,
        &Overrides {
            model: params.model.as_ref(),
            provider: None,
            cwd: None,
            approval: params.approval_policy.as_ref(),
            sandbox: params.sandbox.as_ref(),
        },
    )?;
    crate::agent::select_model(&app.config, &settings.provider, &settings.model)
        .map_err(|e| RpcError::invalid_request(format!("{e:#}")))?;
    let id = uuid::Uuid::now_v7().to_string();
    let ephemeral = params.ephemeral.unwrap_or(false);
    let thread = new_thread(&id, &settings, ephemeral, None, app);
    let record = Record::Created {
        thread: Box::new(thread.clone()),
        settings: (&settings).into(),
        turns: Vec::new(),
        history: Vec::new(),
    };
    let inner = ThreadInner {
        thread,
        turns: Vec::new(),
        history: Vec::new(),
        settings: settings.clone(),
        active: None,
        usage_total: Default::default(),
        archived: false,
        session_approvals: Default::default(),
        replaced_by_compaction: Vec::new(),
    };
    let live = register(app, conn, inner, vec![record]).await;
    conn.respond(
        session_response(&app.config, live.snapshot(false), &settings)?.unwrap_or_default(),
    )
    .await;
    announce(conn, &live).await;
    Ok(None)
}

/// Loads a thread into memory (or returns the loaded one).
fn load(app: &App, id: &str) -> Result<Arc<LiveThread>, RpcError> {
    if let Some(t) = app.thread(id) {
        return Ok(t);
    }
    if !app.store.exists(id) {
        return Err(RpcError::invalid_request(format!(
            "no rollout found for thread id {id}"
        )));
    }
    let mut inner = app
        .store
        .load(id)
        .map_err(|e| RpcError::internal(format!("{e:#}")))?;
    inner.thread.status = ThreadStatus::Idle;
    let live = LiveThread::new(inner);
    app.insert_thread(live.clone());
    Ok(live)
}

/// `thread/resume`.
pub async fn resume(app: &Arc<App>, conn: &Conn, params: ThreadResumeParams) -> HandlerResult {
    let live = load(app, &params.thread_id)?;
    let overrides = Overrides {
        model: params.model.as_ref(),
        provider: params.model_provider.as_ref(),
        cwd: params.cwd.as_ref(),
        approval: params.approval_policy.as_ref(),
        sandbox: params.sandbox.as_ref(),
    };
    let changed = overrides.model.is_some()
        || overrides.provider.is_some()
        || overrides.cwd.is_some()
        || overrides.approval.is_some()
        || overrides.sandbox.is_some();
    let settings = {
        let mut inner = live.lock();
        // Applied to a copy: overrides that are refused change nothing.
        let mut settings = inner.settings.clone();
        apply(&app.config, &mut settings, &overrides)?;
        inner.settings = settings.clone();
        settings
    };
    if changed {
        persist(
            app,
            &live,
            vec![Record::Settings {
                settings: (&settings).into(),
            }],
        )
        .await;
    }
    live.subscribe(conn.subscriber());
    session_response(&app.config, live.snapshot(!params.exclude_turns), &settings)
}

/// `thread/fork`.
pub async fn fork(app: &Arc<App>, conn: &Conn, params: ThreadForkParams) -> HandlerResult {
    let source = load(app, &params.thread_id)?;
    let (mut settings, mut turns, mut history) = {
        let inner = source.lock();
        (
            inner.settings.clone(),
            inner.turns.clone(),
            inner.history.clone(),
        )
    };
    if let Some(last) = &params.last_turn_id {
        let pos = turns.iter().position(|t| &t.id == last).ok_or_else(|| {
            RpcError::invalid_params(format!("turn {last} is not in thread {}", params.thread_id))
        })?;
        let dropped: Vec<String> = turns.drain(pos + 1..).map(|t| t.id).collect();
        history.retain(|h| !dropped.contains(&h.turn_id));
    }
    for t in &mut turns {
        if t.status == TurnStatus::InProgress {
            t.status = TurnStatus::Interrupted;
        }
    }
    apply(
        &app.config,
        &mut settings,
        &Overrides {
            model: params.model.as_ref(),
            provider: params.model_provider.as_ref(),
            cwd: params.cwd.as_ref(),
            approval: params.approval_policy.as_ref(),
            sandbox: params.sandbox.as_ref(),
        },
    )?;
    let id = uuid::Uuid::now_v7().to_string();
    let mut thread = new_thread(
        &id,
        &settings,
        params.ephemeral,
        Some(params.thread_id.clone()),
        app,
    );
    thread.preview = source.lock().thread.preview.clone();
    let record = Record::Created {
        thread: Box::new(thread.clone()),
        settings: (&settings).into(),
        turns: turns.clone(),
        history: history.clone(),
    };
    let inner = ThreadInner {
        thread,
        turns,
        history,
        settings: settings.clone(),
        active: None,
        usage_total: Default::default(),
        archived: false,
        session_approvals: Default::default(),
        replaced_by_compaction: Vec::new(),
    };
    let live = register(app, conn, inner, vec![record]).await;
    conn.respond(
        session_response(&app.config, live.snapshot(!params.exclude_turns), &settings)?
            .unwrap_or_default(),
    )
    .await;
    announce(conn, &live).await;
    Ok(None)
}

/// `thread/archive` and `thread/unarchive`.
pub async fn set_archived(
    app: &Arc<App>,
    conn: &Conn,
    params: ThreadIdParams,
    archived: bool,
) -> HandlerResult {
    let live = load(app, &params.thread_id)?;
    if live.lock().thread.ephemeral {
        return Err(RpcError::invalid_request(
            "ephemeral threads cannot be archived",
        ));
    }
    live.lock().archived = archived;
    persist(app, &live, vec![Record::Archived { archived }]).await;
    let note = ThreadIdNotification {
        thread_id: live.id.clone(),
    };
    let note = if archived {
        ServerNotification::ThreadArchived(note)
    } else {
        ServerNotification::ThreadUnarchived(note)
    };
    live.subscribe(conn.subscriber());
    live.broadcast(note).await;
    if archived {
        Ok(Some(serde_json::json!({})))
    } else {
        to_result(ThreadResponse {
            thread: live.snapshot(false),
        })
    }
}

/// `thread/name/set`.
pub async fn set_name(app: &Arc<App>, conn: &Conn, params: ThreadSetNameParams) -> HandlerResult {
    let live = load(app, &params.thread_id)?;
    let name = params.name.trim().to_string();
    let name = (!name.is_empty()).then_some(name);
    live.lock().thread.name = name.clone();
    persist(app, &live, vec![Record::Name { name: name.clone() }]).await;
    live.subscribe(conn.subscriber());
    live.broadcast(ServerNotification::ThreadNameUpdated(
        ThreadNameUpdatedNotification {
            thread_id: live.id.clone(),
            thread_name: name,
        },
    ))
    .await;
    Ok(Some(serde_json::json!({})))
}

/// Drops the last `num_turns` turns (and their history) from a loaded thread.
async fn drop_turns(
    app: &Arc<App>,
    live: &Arc<LiveThread>,
    num_turns: usize,
) -> Result<(), RpcError> {
    {
        let mut inner = live.lock();
        if inner.active.is_some() {
            return Err(RpcError::invalid_request(
                "cannot roll back while a turn is running",
            ));
        }
        inner.drop_turns(num_turns);
    }
    persist(app, live, vec![Record::Rollback { num_turns }]).await;
    Ok(())
}

/// `thread/revert`: drops the turn `beforeTurnId` and every turn after it.
pub async fn revert(app: &Arc<App>, params: ThreadRevertParams) -> HandlerResult {
    let live = loaded_thread(app, &params.thread_id)?;
    let count = {
        let inner = live.lock();
        let pos = inner
            .turns
            .iter()
            .position(|t| t.id == params.before_turn_id)
            .ok_or_else(|| {
                RpcError::invalid_params(format!(
                    "turn {} is not in thread {}",
                    params.before_turn_id, live.id
                ))
            })?;
        inner.turns.len() - pos
    };
    drop_turns(app, &live, count).await?;
    live.broadcast(ServerNotification::ThreadReverted(ThreadIdNotification {
        thread_id: live.id.clone(),
    }))
    .await;
    to_result(ThreadRevertResponse {
        thread: live.snapshot(true),
        turns_backwards_cursor: None,
        items_backwards_cursor: None,
    })
}

/// `thread/rollback` (older clients; 0.169 has `thread/revert`): drops the last turns.
pub async fn rollback(app: &Arc<App>, params: ThreadRollbackParams) -> HandlerResult {
    let live = loaded_thread(app, &params.thread_id)?;
    if params.num_turns == 0 {
        return Err(RpcError::invalid_params("numTurns must be at least 1"));
    }
    drop_turns(app, &live, params.num_turns as usize).await?;
    to_result(ThreadResponse {
        thread: live.snapshot(true),
    })
}

/// `thread/unsubscribe`.
pub async fn unsubscribe(app: &Arc<App>, conn: &Conn, params: ThreadIdParams) -> HandlerResult {
    let status = match app.thread(&params.thread_id) {
        None => ThreadUnsubscribeStatus::NotLoaded,
        Some(t) if t.unsubscribe(conn.handle.id()) => ThreadUnsubscribeStatus::Unsubscribed,
        Some(_) => ThreadUnsubscribeStatus::NotSubscribed,
    };
    to_result(ThreadUnsubscribeResponse { status })
}
