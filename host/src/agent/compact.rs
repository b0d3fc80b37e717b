//! Context compaction: when a thread's history grows too large for the model (or the user
//! asks, with `thread/compact/start`), the model summarizes the conversation so far and the
//! history is replaced by the most recent user messages plus that summary. The change shows
//! as a `contextCompaction` item and is durable like any other item.

use super::events::{AgentEvent, ApprovalRequest, ClientDecision, TurnSink};
use super::history::{message_text, user_text};
use super::respond::ModelCall;
use super::turn::{INSTRUCTIONS, TurnEnd};
use crate::plugins::state::BoxFuture;
use crate::protocol::{ThreadItem, ThreadItemDetails};
use serde_json::Value;

/// What the model is asked when compacting, unless the config sets `compact_prompt`.
pub const DEFAULT_COMPACT_PROMPT: &str = "Your context is about to be compacted: everything \
above will be replaced by what you write now. Write a handoff summary for yourself to continue \
the work from: the user's goal and constraints, what has been done (files read and changed, \
commands run and what they showed), decisions made and why, what is left to do, and anything \
the user asked to remember. Be specific (paths, names, numbers) and concise. Do not call tools.";

/// Marks the summary in the compacted history (and earlier summaries, which are not kept).
pub const SUMMARY_PREFIX: &str = "[Summary of the conversation so far, written when its history \
was compacted. Continue from it.]";

/// Most characters of recent user messages kept verbatim (about 20 000 tokens).
const RECENT_USER_CHARS: usize = 80_000;

/// When and how a thread compacts.
#[derive(Debug, Clone)]
pub struct CompactionSettings {
    /// Compact before a model request once the context is estimated at this many tokens
    /// (`model_auto_compact_token_limit`, else 90 % of `model_context_window`); `None`
    /// compacts only when asked.
    pub auto_limit: Option<i64>,
    /// The request sent to the model (`compact_prompt`).
    pub prompt: String,
}

impl Default for CompactionSettings {
    fn default() -> Self {
        CompactionSettings {
            auto_limit: None,
            prompt: DEFAULT_COMPACT_PROMPT.into(),
        }
    }
}

/// A rough token count of history items: a token per four bytes of their JSON.
pub fn approx_tokens(history: &[Value]) -> i64 {
    let bytes: usize = history.iter().map(|item| item.to_string().len()).sum();
    (bytes / 4) as i64
}

/// Passes on retries and token usage of the summary request; its text and reasoning are
/// not shown as items (the `contextCompaction` item stands for them).
struct SummarySink<'a> {
    inner: &'a dyn TurnSink,
}

impl TurnSink for SummarySink<'_> {
    fn emit(&self, event: AgentEvent) -> BoxFuture<()> {
        match event {
            AgentEvent::Error { .. } | AgentEvent::TokenUsage(_) => self.inner.emit(event),
            _ => Box::pin(async {}),
        }
    }

    fn request_approval(&self, _request: ApprovalRequest) -> BoxFuture<ClientDecision> {
        Box::pin(async { ClientDecision::Decline })
    }
}

/// Asks the model for the summary of `history` (no tools offered). When the provider
/// refuses the request as too long for the model, the oldest third of the history is left
/// out of the summary request and it is tried again (at most [`MAX_TRIMS`] times).
async fn summarize(
    model: &ModelCall,
    history: &[Value],
    prompt: &str,
    sink: &dyn TurnSink,
) -> Result<String, TurnEnd> {
    let mut start = 0;
    let mut trims = 0;
    let output = loop {
        let mut input = history[start..].to_vec();
        input.push(user_text(prompt));
        match model
            .respond(INSTRUCTIONS, &mut input, "[]", &SummarySink { inner: sink })
            .await
        {
            Ok(output) => break output,
            Err(TurnEnd::Failed(message)) if trims < MAX_TRIMS && too_long(&message) => {
                let next = trim_start(history, start);
                if next == start {
                    return Err(TurnEnd::Failed(message));
                }
                tracing::warn!(
                    dropped = next,
                    "the summary request was too long for the model; leaving out the oldest items"
                );
                start = next;
                trims += 1;
            }
            Err(end) => return Err(end),
        }
    };
    let summary = output
        .items
        .iter()
        .filter(|item| item.get("type").and_then(Value::as_str) == Some("message"))
        .map(message_text)
        .collect::<Vec<_>>()
        .join("\n\n");
    let summary = summary.trim();
    if summary.is_empty() {
        return Err(TurnEnd::Failed(
            "compaction failed: the model returned no summary; the history is unchanged".into(),
        ));
    }
    Ok(summary.to_string())
}

/// How many times a too-long summary request is cut down.
const MAX_TRIMS: usize = 3;

/// Whether a provider's error says the input does not fit the model's context.
fn too_long(message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    [
        "context length",
        "context_length",
        "context window",
        "maximum context",
        "too long",
        "too many tokens",
        "reduce the length",
    ]
    .iter()
    .any(|sign| message.contains(sign))
}

/// Where the summary request starts after leaving out another third of what is left of
/// `history` from `start`; it never starts on the output of a call it left out.
fn trim_start(history: &[Value], start: usize) -> usize {
    let left = history.len() - start;
    let mut next = start + left.div_ceil(3);
    while next < history.len()
        && history[next].get("type").and_then(Value::as_str) == Some("function_call_output")
    {
        next += 1;
    }
    // Keep at least the last item, so there is something to summarize.
    next.min(history.len().saturating_sub(1)).max(start)
}

fn is_user_message(item: &Value) -> bool {
    item.get("type").and_then(Value::as_str) == Some("message")
        && item.get("role").and_then(Value::as_str) == Some("user")
}

/// The compacted history: the most recent user messages (earlier summaries left out), as
/// many as fit in [`RECENT_USER_CHARS`] with the oldest kept one cut to fit, in their
/// order; then the summary.
pub fn replacement_history(history: &[Value], summary: &str) -> Vec<Value> {
    let mut kept = Vec::new();
    let mut budget = RECENT_USER_CHARS;
    for item in history.iter().rev().filter(|item| is_user_message(item)) {
        let text = message_text(item);
        if text.starts_with(SUMMARY_PREFIX) {
            continue;
        }
        if budget == 0 {
            break;
        }
        let chars = text.chars().count();
        if chars <= budget {
            budget -= chars;
            kept.push(item.clone());
        } else {
            let head: String = text.chars().take(budget).collect();
            kept.push(user_text(&format!(
                "{head}\n[… cut to fit the compacted history]"
            )));
            budget = 0;
        }
    }
    kept.reverse();
    kept.push(user_text(&format!("{SUMMARY_PREFIX}\n\n{summary}")));
    kept
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Compacts `history` in place, reporting a `contextCompaction` item: started, then
/// completed with the replacement history (which the sink makes the thread's). On failure
/// the item completes without changing anything and the error says how the turn ends.
pub async fn compact(
    model: &ModelCall,
    history: &mut Vec<Value>,
    prompt: &str,
    sink: &dyn TurnSink,
) -> Result<(), TurnEnd> {
    let mut item = ThreadItem::new(
        uuid::Uuid::now_v7().to_string(),
        ThreadItemDetails::ContextCompaction,
    );
    item.started_at_ms = Some(now_ms());
    sink.emit(AgentEvent::ItemStarted(item.clone())).await;
    let summary = summarize(model, history, prompt, sink).await;
    item.completed_at_ms = Some(now_ms());
    match summary {
        Ok(summary) => {
            let replacement = replacement_history(history, &summary);
            let before = approx_tokens(history);
            tracing::info!(
                before,
                after = approx_tokens(&replacement),
                "compacted the history (estimated tokens)"
            );
            sink.emit(AgentEvent::Compacted {
                item,
                history: replacement.clone(),
            })
            .await;
            *history = replacement;
            Ok(())
        }
        Err(end) => {
            sink.emit(AgentEvent::ItemCompleted {
                item,
                history: Vec::new(),
            })
            .await;
            Err(end)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn assistant(text: &str) -> Value {
        json!({"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": text}]})
    }

    #[test]
    fn keeps_recent_user_messages_and_appends_the_summary() {
        let history = vec![
            user_text("first request"),
            assistant("done"),
            json!({"type": "function_call", "call_id": "c", "name": "shell", "arguments": "{}"}),
            json!({"type": "function_call_output", "call_id": "c", "output": "ok"}),
            user_text(&format!("{SUMMARY_PREFIX}\n\nold summary")),
            user_text("second request"),
        ];
        let new = replacement_history(&history, "the summary");
        let texts: Vec<String> = new.iter().map(message_text).collect();
        assert_eq!(texts.len(), 3, "{texts:?}");
        assert_eq!(texts[0], "first request");
        assert_eq!(texts[1], "second request");
        assert!(texts[2].starts_with(SUMMARY_PREFIX) && texts[2].ends_with("the summary"));
        assert!(new.iter().all(is_user_message));
    }

    #[test]
    fn trimming_leaves_out_the_oldest_third_without_orphaned_outputs() {
        let history = vec![
            user_text("1"),
            json!({"type": "function_call", "call_id": "c", "name": "shell", "arguments": "{}"}),
            json!({"type": "function_call_output", "call_id": "c", "output": "ok"}),
            assistant("a"),
            user_text("2"),
            assistant("b"),
        ];
        // A third of 6 is 2: item 2 is the output of a call left out, so skip it too.
        assert_eq!(trim_start(&history, 0), 3);
        assert_eq!(trim_start(&history, 3), 4);
        assert_eq!(trim_start(&history, 5), 5);
        assert!(too_long(
            "This model's maximum context length is 8192 tokens"
        ));
        assert!(too_long("Input is too long for requested model"));
        assert!(!too_long("invalid api key"));
    }

    #[test]
    fn old_user_messages_beyond_the_budget_are_cut_or_dropped() {
        let big = "x".repeat(RECENT_USER_CHARS - 10);
        let history = vec![
            user_text("oldest"),
            user_text("older one that will be cut"),
            user_text(&big),
        ];
        let new = replacement_history(&history, "s");
        let texts: Vec<String> = new.iter().map(message_text).collect();
        assert_eq!(
            texts.len(),
            3,
            "{:?}",
            texts.iter().map(|t| t.len()).collect::<Vec<_>>()
        );
        assert!(texts[0].starts_with("older one") && texts[0].contains("cut to fit"));
        assert_eq!(texts[1], big);
    }
}
