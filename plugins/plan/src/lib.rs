//! # hearth.plan
//!
//! The first-party `update_plan` tool, shaped as Codex presents it to models: the model
//! keeps a short task plan, `{explanation?, plan: [{step, status}]}`, and sends the whole
//! plan again whenever a step changes. At most one step may be `in_progress`.
//!
//! The tool touches nothing: it validates the plan and returns `Plan updated` to the
//! model, with the plan as details for the host, which emits `turn/plan/updated` and a
//! `plan` item from them:
//!
//! ```json
//! {"explanation": "Tests first", "plan": [{"step": "Write tests", "status": "completed"},
//!  {"step": "Fix the parser", "status": "in_progress"}]}
//! ```
//!
//! `explanation` is `null` when the model gave none.
#![warn(missing_docs)]

use hearth_plugin_sdk::prelude::*;

/// The statuses a step may have.
pub const STATUSES: [&str; 3] = ["pending", "in_progress", "completed"];

/// The `update_plan` tool.
pub struct UpdatePlan;

impl Tool for UpdatePlan {
    const NAME: &'static str = "update_plan";
    const DESCRIPTION: &'static str = "Updates the task plan. Send the whole plan each time: \
        a list of short steps, each with a status (pending, in_progress or completed), and \
        optionally a sentence explaining the change. Keep at most one step in_progress; mark \
        a step completed before starting the next.";
    const EFFECTS: Effects = Effects::empty();
    const RENDER: Render = Render::Generic;
    const PARALLEL: bool = false;

    fn parameters() -> Value {
        json!({
            "type": "object",
            "properties": {
                "explanation": {
                    "type": "string",
                    "description": "Why the plan changed (optional)."
                },
                "plan": {
                    "type": "array",
                    "description": "The steps, in order.",
                    "items": {
                        "type": "object",
                        "properties": {
                            "step": { "type": "string" },
                            "status": {
                                "type": "string",
                                "enum": STATUSES,
                                "description": "One of: pending, in_progress, completed"
                            }
                        },
                        "required": ["step", "status"],
                        "additionalProperties": false
                    }
                }
            },
            "required": ["plan"],
            "additionalProperties": false
        })
    }

    fn call(args: Value, _ctx: &CallContext) -> Result<ToolOutput, ToolError> {
        let details = validate(&args)?;
        Ok(ToolOutput::text("Plan updated").with_details(details))
    }
}

/// Checks a call's arguments and returns the details: `{"explanation", "plan"}` with
/// only the known keys of each step.
pub fn validate(args: &Value) -> Result<Value, ToolError> {
    let explanation = match args.get("explanation") {
        None | Some(Value::Null) => Value::Null,
        Some(Value::String(s)) if s.trim().is_empty() => Value::Null,
        Some(Value::String(s)) => Value::String(s.clone()),
        Some(_) => return Err(ToolError::invalid("`explanation` must be a string")),
    };
    let steps = match args.get("plan") {
        Some(Value::Array(steps)) => steps,
        None | Some(Value::Null) => return Err(ToolError::invalid("`plan` is required")),
        Some(_) => {
            return Err(ToolError::invalid(
                "`plan` must be an array of {step, status} objects",
            ));
        }
    };
    let mut plan = Vec::with_capacity(steps.len());
    let mut in_progress = 0;
    for (i, item) in steps.iter().enumerate() {
        let n = i + 1;
        let step = match item.get("step") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
            _ => {
                return Err(ToolError::invalid(format!(
                    "plan item {n}: `step` must be a non-empty string"
                )));
            }
        };
        let status = match item.get("status").and_then(Value::as_str) {
            Some(s) if STATUSES.contains(&s) => s,
            _ => {
                return Err(ToolError::invalid(format!(
                    "plan item {n}: `status` must be one of pending, in_progress, completed"
                )));
            }
        };
        if status == "in_progress" {
            in_progress += 1;
        }
        plan.push(json!({"step": step, "status": status}));
    }
    if in_progress > 1 {
        return Err(ToolError::invalid(format!(
            "at most one step may be in_progress, but {in_progress} are"
        )));
    }
    Ok(json!({"explanation": explanation, "plan": plan}))
}

hearth_plugin_sdk::export_tools!(UpdatePlan);

#[cfg(test)]
mod tests {
    use super::*;

    fn call(args: Value) -> Result<ToolOutput, ToolError> {
        UpdatePlan::call(args, &CallContext::default())
    }

    #[test]
    fn a_valid_plan_is_echoed_as_details() {
        let out = call(json!({
            "explanation": "Tests first",
            "plan": [
                {"step": "Write tests", "status": "completed"},
                {"step": "Fix the parser", "status": "in_progress"},
                {"step": "Ship", "status": "pending"}
            ]
        }))
        .unwrap();
        assert_eq!(out.content, "Plan updated");
        assert!(out.success);
        let details: Value = serde_json::from_str(out.details.as_deref().unwrap()).unwrap();
        assert_eq!(details["explanation"], "Tests first");
        assert_eq!(details["plan"].as_array().unwrap().len(), 3);
        assert_eq!(
            details["plan"][1],
            json!({"step": "Fix the parser", "status": "in_progress"})
        );
    }

    #[test]
    fn explanation_is_optional_and_plans_may_be_empty() {
        let details = validate(&json!({"plan": []})).unwrap();
        assert_eq!(details, json!({"explanation": null, "plan": []}));
        let details = validate(&json!({"explanation": "", "plan": [
            {"step": "a", "status": "pending", "note": "dropped"}
        ]}))
        .unwrap();
        assert_eq!(
            details,
            json!({"explanation": null, "plan": [{"step": "a", "status": "pending"}]})
        );
    }

    #[test]
    fn at_most_one_step_in_progress() {
        let err = call(json!({"plan": [
            {"step": "a", "status": "in_progress"},
            {"step": "b", "status": "in_progress"}
        ]}))
        .unwrap_err();
        assert!(matches!(err, ToolError::InvalidArguments(ref m) if m.contains("at most one")));
    }

    #[test]
    fn malformed_plans_are_invalid() {
        for (args, needle) in [
            (json!({}), "`plan` is required"),
            (json!({"plan": "do it"}), "must be an array"),
            (json!({"plan": [{"status": "pending"}]}), "item 1: `step`"),
            (
                json!({"plan": [{"step": "a", "status": "pending"}, {"step": "b", "status": "done"}]}),
                "item 2: `status`",
            ),
            (json!({"plan": [], "explanation": 3}), "`explanation`"),
        ] {
            let err = call(args).unwrap_err();
            assert!(
                matches!(err, ToolError::InvalidArguments(ref m) if m.contains(needle)),
                "{needle}: {err}"
            );
        }
    }

    #[test]
    fn spec_is_codex_shaped() {
        let spec = hearth_plugin_sdk::tool::spec::<UpdatePlan>();
        assert_eq!(spec.name, "update_plan");
        assert_eq!(spec.render, Render::Generic);
        assert!(spec.effects.is_empty() && !spec.parallel);
    }
}
