//! JSON forms of policy actions, for the command line, the audit log and approval
//! requests: `{"exec":{"argv":[..],"cwd":"","justification":null}}`,
//! `{"file-change":[{"path":..,"kind":"add|delete|update","diff":..,"move-to":null}]}`,
//! `{"tool-call":{"plugin":..,"tool":..,"effects":["reads-fs"],"arguments":"{}"}}`.

use super::bindings::types::{
    Action, ChangeKind, CommandAction, Effects, FileChange, ToolCallAction,
};
use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

/// Names of the effect flags, in WIT order.
const EFFECTS: [(&str, Effects); 4] = [
    ("reads-fs", Effects::READS_FS),
    ("writes-fs", Effects::WRITES_FS),
    ("network", Effects::NETWORK),
    ("exec", Effects::EXEC),
];

/// Effect flags as a list of names.
pub fn effects_to_json(effects: Effects) -> Value {
    json!(
        EFFECTS
            .iter()
            .filter(|(_, f)| effects.contains(*f))
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
    )
}

fn kind_name(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Add => "add",
        ChangeKind::Delete => "delete",
        ChangeKind::Update => "update",
    }
}

/// An action as JSON.
pub fn action_to_json(action: &Action) -> Value {
    match action {
        Action::Exec(c) => {
            json!({"exec": {"argv": c.argv, "cwd": c.cwd, "justification": c.justification}})
        }
        Action::FileChange(changes) => json!({"file-change": changes.iter().map(|c| json!({
            "path": c.path, "kind": kind_name(c.kind), "diff": c.diff, "move-to": c.move_to,
        })).collect::<Vec<_>>()}),
        Action::ToolCall(t) => json!({"tool-call": {
            "plugin": t.plugin, "tool": t.tool, "effects": effects_to_json(t.effects), "arguments": t.arguments,
        }}),
    }
}

fn str_field(v: &Value, key: &str) -> Result<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::to_string)
        .with_context(|| format!("`{key}` must be a string"))
}

fn opt_str(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

/// Parses an action from its JSON form.
pub fn action_from_json(text: &str) -> Result<Action> {
    let value: Value = serde_json::from_str(text).context("the action is not JSON")?;
    let obj = value
        .as_object()
        .context("the action must be a JSON object")?;
    let (key, body) = obj.iter().next().context("the action is empty")?;
    Ok(match key.as_str() {
        "exec" => Action::Exec(CommandAction {
            argv: body
                .get("argv")
                .and_then(Value::as_array)
                .context("exec.argv must be an array of strings")?
                .iter()
                .map(|a| {
                    a.as_str()
                        .map(str::to_string)
                        .context("exec.argv must hold strings")
                })
                .collect::<Result<_>>()?,
            cwd: opt_str(body, "cwd").unwrap_or_default(),
            justification: opt_str(body, "justification"),
        }),
        "file-change" => Action::FileChange(
            body.as_array()
                .context("file-change must be an array")?
                .iter()
                .map(|c| {
                    Ok(FileChange {
                        path: str_field(c, "path")?,
                        kind: match str_field(c, "kind")?.as_str() {
                            "add" => ChangeKind::Add,
                            "delete" => ChangeKind::Delete,
                            "update" => ChangeKind::Update,
                            other => bail!("unknown change kind {other:?}"),
                        },
                        diff: opt_str(c, "diff").unwrap_or_default(),
                        move_to: opt_str(c, "move-to"),
                    })
                })
                .collect::<Result<_>>()?,
        ),
        "tool-call" => {
            let mut effects = Effects::empty();
            for name in body
                .get("effects")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let name = name.as_str().unwrap_or_default();
                let flag = EFFECTS
                    .iter()
                    .find(|(n, _)| *n == name)
                    .with_context(|| format!("unknown effect {name:?}"))?;
                effects |= flag.1;
            }
            Action::ToolCall(ToolCallAction {
                plugin: str_field(body, "plugin")?,
                tool: str_field(body, "tool")?,
                effects,
                arguments: opt_str(body, "arguments").unwrap_or_else(|| "{}".into()),
            })
        }
        other => bail!("unknown action {other:?}: expected exec, file-change or tool-call"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for text in [
            r#"{"exec":{"argv":["git","push"],"cwd":"sub","justification":"ship it"}}"#,
            r#"{"file-change":[{"path":"a.txt","kind":"update","diff":"-a\n+b","move-to":"b.txt"}]}"#,
            r#"{"tool-call":{"plugin":"p","tool":"t","effects":["reads-fs","network"],"arguments":"{}"}}"#,
        ] {
            let action = action_from_json(text).unwrap();
            let back = action_to_json(&action);
            assert_eq!(back, serde_json::from_str::<Value>(text).unwrap());
        }
        assert!(action_from_json(r#"{"launch":{}}"#).is_err());
    }
}
