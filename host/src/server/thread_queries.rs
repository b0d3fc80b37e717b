//! Read-only `thread/*` queries: list, read, turns/list, loaded/list.

use super::app::App;
use super::{HandlerResult, to_result};
use crate::protocol::*;
use crate::rpc::RpcError;
use std::sync::Arc;

/// The thread as stored or loaded, with its archived flag.
pub(super) fn read_thread(
    app: &App,
    id: &str,
    include_turns: bool,
) -> Result<(Thread, bool), RpcError> {
    if let Some(t) = app.thread(id) {
        let archived = t.lock().archived;
        return Ok((t.snapshot(include_turns), archived));
    }
    if !app.store.exists(id) {
        return Err(RpcError::invalid_request(format!("thread not found: {id}")));
    }
    let inner = app
        .store
        .load(id)
        .map_err(|e| RpcError::internal(format!("{e:#}")))?;
    let mut thread = inner.thread;
    if include_turns {
        thread.turns = inner.turns;
    }
    Ok((thread, inner.archived))
}

/// `thread/list`: newest first (by the chosen sort key), cursor = `<key>:<id>` of the
/// last thread of the previous page.
pub async fn list(app: &Arc<App>, params: ThreadListParams) -> HandlerResult {
    let want_archived = params.archived.unwrap_or(false);
    let cwds: Option<Vec<String>> = params.cwd.as_ref().map(|c| match c {
        ThreadListCwdFilter::One(one) => vec![one.clone()],
        ThreadListCwdFilter::Many(many) => many.clone(),
    });
    let by_updated = matches!(params.sort_key, Some(ThreadSortKey::UpdatedAt));
    let ascending = matches!(params.sort_direction, Some(SortDirection::Asc));
    let mut threads = Vec::new();
    for id in app.store.ids().map_err(RpcError::internal)? {
        let Ok((thread, archived)) = read_thread(app, &id, false) else {
            continue;
        };
        if archived != want_archived {
            continue;
        }
        if let Some(cwds) = &cwds
            && !cwds.contains(&thread.cwd)
        {
            continue;
        }
        if let Some(providers) = &params.model_providers
            && !providers.is_empty()
            && !providers.contains(&thread.model_provider)
        {
            continue;
        }
        if let Some(term) = &params.search_term
            && !thread.preview.to_lowercase().contains(&term.to_lowercase())
            && !thread
                .name
                .as_deref()
                .unwrap_or("")
                .to_lowercase()
                .contains(&term.to_lowercase())
        {
            continue;
        }
        threads.push(thread);
    }
    let key = |t: &Thread| {
        (
            if by_updated {
                t.updated_at
            } else {
                t.created_at
            },
            t.id.clone(),
        )
    };
    threads.sort_by_key(key);
    if !ascending {
        threads.reverse();
    }
    let start = match &params.cursor {
        Some(cursor) => {
            let (k, id) = cursor
                .split_once(':')
                .ok_or_else(|| RpcError::invalid_params(format!("invalid cursor {cursor:?}")))?;
            let k: i64 = k
                .parse()
                .map_err(|_| RpcError::invalid_params(format!("invalid cursor {cursor:?}")))?;
            let pivot = (k, id.to_string());
            threads
                .iter()
                .position(|t| {
                    if ascending {
                        key(t) > pivot
                    } else {
                        key(t) < pivot
                    }
                })
                .unwrap_or(threads.len())
        }
        None => 0,
    };
    let limit = params.limit.unwrap_or(25).clamp(1, 200) as usize;
    let page: Vec<Thread> = threads.iter().skip(start).take(limit).cloned().collect();
    let next_cursor = (start + page.len() < threads.len())
        .then(|| page.last().map(|t| format!("{}:{}", key(t).0, t.id)))
        .flatten();
    to_result(ThreadListResponse {
        data: page,
        next_cursor,
        backwards_cursor: None,
    })
}

/// `thread/read`.
pub async fn read(app: &Arc<App>, params: ThreadReadParams) -> HandlerResult {
    let (thread, _) = read_thread(app, &params.thread_id, params.include_turns)?;
    to_result(ThreadResponse { thread })
}

/// `thread/turns/list`: turns, newest first by default, cursor = index.
pub async fn turns_list(app: &Arc<App>, params: ThreadTurnsListParams) -> HandlerResult {
    let (thread, _) = read_thread(app, &params.thread_id, true)?;
    let mut turns = thread.turns;
    if !matches!(params.sort_direction, Some(SortDirection::Asc)) {
        turns.reverse();
    }
    let (page, next_cursor) = offset_page(&turns, params.cursor.as_deref(), params.limit, 25, 200)?;
    to_result(ThreadTurnsListResponse {
        data: page,
        next_cursor,
        backwards_cursor: None,
    })
}

/// `thread/loaded/list`.
pub async fn loaded_list(app: &Arc<App>, params: ThreadLoadedListParams) -> HandlerResult {
    let ids = app.loaded_ids();
    let (page, next_cursor) = offset_page(&ids, params.cursor.as_deref(), params.limit, 100, 1000)?;
    to_result(ThreadLoadedListResponse {
        data: page,
        next_cursor,
    })
}

/// One page of `items` for an offset cursor (the index of the first item, as text).
fn offset_page<T: Clone>(
    items: &[T],
    cursor: Option<&str>,
    limit: Option<u32>,
    default_limit: u32,
    max_limit: u32,
) -> Result<(Vec<T>, Option<String>), RpcError> {
    let start: usize = match cursor {
        Some(c) => c
            .parse()
            .map_err(|_| RpcError::invalid_params(format!("invalid cursor {c:?}")))?,
        None => 0,
    };
    let limit = limit.unwrap_or(default_limit).clamp(1, max_limit) as usize;
    let page: Vec<T> = items.iter().skip(start).take(limit).cloned().collect();
    let next = start + page.len();
    Ok((page, (next < items.len()).then(|| next.to_string())))
}
