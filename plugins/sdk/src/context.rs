//! The thread context the host sends with every tool call (`tool-call.context`).

use serde_json::{Map, Value};

/// The thread's context of one tool call, parsed from the `context` JSON object.
///
/// Keys are read in the WIT's kebab case (`thread-id`) and, for robustness, in snake case
/// (`thread_id`). Missing keys are empty strings. Keys this SDK does not know stay
/// available in [`extra`](CallContext::extra).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallContext {
    /// The workspace directory as the plugin sees it (a preopened directory); relative
    /// paths in arguments resolve against it.
    pub cwd: String,
    /// Id of the thread the call belongs to.
    pub thread_id: String,
    /// Id of the turn the call belongs to.
    pub turn_id: String,
    /// The thread's sandbox mode: `read-only`, `workspace-write` or `danger-full-access`.
    pub sandbox_mode: String,
    /// The whole context object, including keys added by later hosts.
    pub extra: Map<String, Value>,
}

impl CallContext {
    /// Parses the context JSON. Empty text gives the default (empty) context.
    pub fn parse(json: &str) -> Result<Self, serde_json::Error> {
        if json.trim().is_empty() {
            return Ok(Self::default());
        }
        let map: Map<String, Value> = serde_json::from_str(json)?;
        Ok(Self::from_map(map))
    }

    /// Builds a context from an already parsed JSON object.
    pub fn from_map(map: Map<String, Value>) -> Self {
        CallContext {
            cwd: string_key(&map, "cwd"),
            thread_id: string_key(&map, "thread-id"),
            turn_id: string_key(&map, "turn-id"),
            sandbox_mode: string_key(&map, "sandbox-mode"),
            extra: map,
        }
    }

    /// True when the sandbox mode lets the thread change workspace files
    /// (`workspace-write` or `danger-full-access`).
    pub fn can_write(&self) -> bool {
        matches!(
            self.sandbox_mode.as_str(),
            "workspace-write" | "danger-full-access"
        )
    }
}

/// Reads a string under `key` (kebab case) or its snake-case spelling; "" when absent.
pub(crate) fn string_key(map: &Map<String, Value>, key: &str) -> String {
    lookup(map, key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// Reads a boolean under `key` (kebab case) or its snake-case spelling; false when absent.
pub(crate) fn bool_key(map: &Map<String, Value>, key: &str) -> bool {
    lookup(map, key).and_then(Value::as_bool).unwrap_or(false)
}

fn lookup<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    map.get(key)
        .or_else(|| map.get(&key.replace('-', "_")))
        .filter(|v| !v.is_null())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_kebab_and_snake_keys() {
        let ctx = CallContext::parse(
            r#"{"cwd":"/w","thread-id":"t1","turn_id":"u2","sandbox-mode":"read-only","new":1}"#,
        )
        .unwrap();
        assert_eq!(ctx.cwd, "/w");
        assert_eq!(ctx.thread_id, "t1");
        assert_eq!(ctx.turn_id, "u2");
        assert_eq!(ctx.sandbox_mode, "read-only");
        assert!(!ctx.can_write());
        assert_eq!(ctx.extra["new"], 1);
    }

    #[test]
    fn empty_context_is_default() {
        assert_eq!(CallContext::parse(" ").unwrap(), CallContext::default());
        assert!(CallContext::parse("[1]").is_err());
    }
}
