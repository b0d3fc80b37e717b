//! The `ModelAdapter` implementation: picks the response, plays it, maps the events to
//! the WIT's types.

use std::collections::BTreeMap;
use std::sync::Mutex;

use hearth_plugin_sdk::model::{
    EventSource, ModelAdapter, ModelError, ModelEvent, ModelInfo, Request, TextDelta, Usage,
};
use hearth_plugin_sdk::{Value, json};

use crate::history::{completed_responses, last_user_text};
use crate::player::{Emitted, Failure, Player};
use crate::script::{Event, Script};

/// Reply past the end of the script.
pub const NO_MORE_RESPONSES: &str = "(scripted model: the script has no more responses)";
/// Reply when the provider has no script.
pub const NO_SCRIPT: &str =
    "(scripted model: no script is configured; set the provider's `script`)";

/// How many times each response index was started by this instance (for `times`).
static ATTEMPTS: Mutex<BTreeMap<usize, u32>> = Mutex::new(BTreeMap::new());

/// The scripted model adapter.
pub struct ScriptedModel;

impl ModelAdapter for ScriptedModel {
    fn models(settings: &Value) -> Result<Vec<ModelInfo>, ModelError> {
        let mut listed: Vec<ModelInfo> = match settings.get("models") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(models)) => {
                models.iter().map(model_info).collect::<Result<_, _>>()?
            }
            Some(_) => {
                return Err(ModelError::fatal(
                    "provider setting `models` must be an array",
                ));
            }
        };
        let scripted = ModelInfo {
            description: "Replays a JSON script of responses: the test double and offline demo."
                .to_string(),
            is_default: !listed.iter().any(|m| m.is_default),
            ..ModelInfo::new("scripted", "Scripted demo model")
        };
        listed.retain(|m| m.id != "scripted");
        listed.insert(0, scripted);
        Ok(listed)
    }

    fn start(request: Request) -> Result<Box<dyn EventSource>, ModelError> {
        let script = Script::from_value(request.provider().get("script").unwrap_or(&Value::Null))
            .map_err(|e| ModelError::fatal(format!("scripted model: {e}")))?;
        let index = completed_responses(&request.input);
        let events = match &script {
            None => vec![text(NO_SCRIPT)],
            Some(script) => match script.responses.get(index) {
                Some(events) => events.clone(),
                None => vec![text(NO_MORE_RESPONSES)],
            },
        };
        let attempt = {
            let mut attempts = ATTEMPTS.lock().unwrap_or_else(|e| e.into_inner());
            let n = attempts.entry(index).or_insert(0);
            *n += 1;
            *n - 1
        };
        let input_chars = request.instructions.len()
            + request
                .input
                .iter()
                .map(|v| v.to_string().len())
                .sum::<usize>()
            + request
                .tools
                .iter()
                .map(|v| v.to_string().len())
                .sum::<usize>();
        let player = Player::new(
            events,
            index,
            attempt,
            last_user_text(&request.input),
            input_chars,
        );
        Ok(Box::new(player.map(|event| {
            event.map(to_model_event).map_err(to_model_error)
        })))
    }
}

fn text(text: &str) -> Event {
    Event::Text {
        text: text.to_string(),
        chunk: None,
    }
}

/// A listed model: an id, or an object with `id`, `display_name`, `description`,
/// `is_default` (kebab-case spellings accepted too).
fn model_info(value: &Value) -> Result<ModelInfo, ModelError> {
    let field = |name: &str| {
        value
            .get(name)
            .or_else(|| value.get(name.replace('_', "-")))
            .cloned()
            .unwrap_or(Value::Null)
    };
    match value {
        Value::String(id) => Ok(ModelInfo::new(id.clone(), id.clone())),
        Value::Object(_) => {
            let id = field("id")
                .as_str()
                .ok_or_else(|| ModelError::fatal("each listed model needs a string `id`"))?
                .to_string();
            Ok(ModelInfo {
                display_name: field("display_name").as_str().unwrap_or(&id).to_string(),
                description: field("description")
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                is_default: field("is_default").as_bool().unwrap_or(false),
                id,
            })
        }
        _ => Err(ModelError::fatal(format!(
            "cannot read listed model {}",
            json!(value)
        ))),
    }
}

fn to_model_event(event: Emitted) -> ModelEvent {
    match event {
        Emitted::ItemAdded(item) => ModelEvent::ItemAdded(item.to_string()),
        Emitted::ItemDone(item) => ModelEvent::ItemDone(item.to_string()),
        Emitted::TextDelta { item_id, delta } => ModelEvent::TextDelta(TextDelta {
            item_id,
            index: 0,
            delta,
        }),
        Emitted::ReasoningSummaryDelta {
            item_id,
            index,
            delta,
        } => ModelEvent::ReasoningSummaryDelta(TextDelta {
            item_id,
            index,
            delta,
        }),
        Emitted::ReasoningTextDelta {
            item_id,
            index,
            delta,
        } => ModelEvent::ReasoningTextDelta(TextDelta {
            item_id,
            index,
            delta,
        }),
        Emitted::Usage(u) => ModelEvent::Usage(Usage {
            input_tokens: u.input_tokens,
            cached_input_tokens: u.cached_input_tokens,
            output_tokens: u.output_tokens,
            reasoning_output_tokens: u.reasoning_output_tokens,
        }),
    }
}

fn to_model_error(failure: Failure) -> ModelError {
    ModelError {
        message: failure.message,
        retryable: failure.retryable,
        retry_after_ms: failure.retry_after_ms,
        status: failure.status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_scripted_first_and_settings_models() {
        let models = ScriptedModel::models(&json!({})).unwrap();
        assert_eq!(models.len(), 1);
        assert_eq!(
            (models[0].id.as_str(), models[0].is_default),
            ("scripted", true)
        );
        let settings =
            json!({"models": ["small", {"id": "big", "display_name": "Big", "is_default": true}]});
        let models = ScriptedModel::models(&settings).unwrap();
        let ids: Vec<_> = models.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["scripted", "small", "big"]);
        assert!(!models[0].is_default && models[2].is_default);
        assert_eq!(models[2].display_name, "Big");
        assert!(ScriptedModel::models(&json!({"models": 3})).is_err());
    }

    fn run(request: Request) -> Vec<Result<Option<ModelEvent>, ModelError>> {
        let mut source = ScriptedModel::start(request).unwrap();
        let mut out = Vec::new();
        loop {
            let event = source.next_event();
            let end = !matches!(event, Ok(Some(_)));
            out.push(event);
            if end {
                return out;
            }
        }
    }

    fn done_texts(events: &[Result<Option<ModelEvent>, ModelError>]) -> Vec<String> {
        events
            .iter()
            .filter_map(|e| match e {
                Ok(Some(ModelEvent::ItemDone(item))) => {
                    let v: Value = serde_json::from_str(item).unwrap();
                    Some(
                        v["content"][0]["text"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                    )
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn replays_by_history_position() {
        let script =
            json!({"responses": [[{"type": "text", "text": "first"}], [{"type": "echo"}]]});
        let mut request = Request {
            input: vec![json!({"role": "user", "content": "hello"})],
            ..Request::default()
        };
        request
            .options
            .insert("provider".into(), json!({"script": script}));
        assert_eq!(done_texts(&run(request.clone())), ["first"]);
        request
            .input
            .push(json!({"type": "message", "role": "assistant", "content": []}));
        request
            .input
            .push(json!({"role": "user", "content": "again"}));
        let events = run(request.clone());
        assert_eq!(done_texts(&events), ["again"]);
        assert!(matches!(
            events[events.len() - 2],
            Ok(Some(ModelEvent::Usage(_)))
        ));
        assert!(matches!(events[events.len() - 1], Ok(None)));
        request
            .input
            .push(json!({"type": "message", "role": "assistant", "content": []}));
        assert_eq!(done_texts(&run(request)), [NO_MORE_RESPONSES]);
        assert_eq!(done_texts(&run(Request::default())), [NO_SCRIPT]);
    }

    #[test]
    fn bad_scripts_fail_to_start() {
        let mut request = Request::default();
        request
            .options
            .insert("provider".into(), json!({"script": "{not json"}));
        let err = ScriptedModel::start(request).err().unwrap();
        assert!(
            err.message.contains("not valid JSON") && !err.retryable,
            "{err:?}"
        );
    }
}
