//! `models`: the provider's `GET {base_url}/models` list (OpenAI's format, which
//! OpenAI-compatible servers share).

use hearth_plugin_sdk::Value;
use hearth_plugin_sdk::model::{ModelError, ModelInfo};

/// The models of a `/models` answer: `{"data": [{"id", "owned_by"?}, ...]}` (a bare
/// array or a `models` key are accepted too).
pub fn parse_models(body: &str) -> Result<Vec<ModelInfo>, ModelError> {
    let value: Value = serde_json::from_str(body)
        .map_err(|e| ModelError::fatal(format!("the provider's model list is not JSON: {e}")))?;
    let list = match &value {
        Value::Array(list) => list,
        _ => match value.get("data").or_else(|| value.get("models")) {
            Some(Value::Array(list)) => list,
            _ => {
                return Err(ModelError::fatal(
                    "the provider's model list has no `data` array",
                ));
            }
        },
    };
    Ok(list
        .iter()
        .filter_map(|m| {
            let id = m
                .get("id")
                .or_else(|| m.get("name"))
                .and_then(Value::as_str)?;
            let mut info = ModelInfo::new(id, id);
            if let Some(owner) = m.get("owned_by").and_then(Value::as_str) {
                info.description = format!("owned by {owner}");
            }
            Some(info)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openai_and_compatible_lists_parse() {
        let list = parse_models(
            r#"{"object":"list","data":[{"id":"gpt-5","owned_by":"openai"},{"id":"o3"},{"x":1}]}"#,
        )
        .unwrap();
        let ids: Vec<&str> = list.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["gpt-5", "o3"]);
        assert_eq!(list[0].description, "owned by openai");
        assert!(!list[0].is_default);
        assert_eq!(
            parse_models(r#"{"models":[{"name":"llama3"}]}"#).unwrap()[0].id,
            "llama3"
        );
        assert!(parse_models("{}").is_err());
        assert!(parse_models("<html>").is_err());
    }
}
