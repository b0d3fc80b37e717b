//! Reading tool arguments from the JSON object, with messages the model can act on.
//!
//! Counts accept integers, integral floats (`2.0`) and numeric strings (`"2"`), since
//! models send all three.

use hearth_plugin_sdk::prelude::*;

/// A required, non-empty string argument.
pub fn required_str<'a>(args: &'a Value, key: &str) -> Result<&'a str, ToolError> {
    match args.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s),
        Some(Value::String(_)) => Err(ToolError::invalid(format!("`{key}` must not be empty"))),
        None | Some(Value::Null) => Err(ToolError::invalid(format!("`{key}` is required"))),
        Some(_) => Err(ToolError::invalid(format!("`{key}` must be a string"))),
    }
}

/// An optional string argument; empty strings count as absent.
pub fn optional_str<'a>(args: &'a Value, key: &str) -> Result<Option<&'a str>, ToolError> {
    match args.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ToolError::invalid(format!("`{key}` must be a string"))),
    }
}

/// An optional count of at least 1, `default` when absent. `what` completes the message
/// for zero, e.g. "a 1-indexed line number".
pub fn count(args: &Value, key: &str, default: usize, what: &str) -> Result<usize, ToolError> {
    let value = match args.get(key) {
        None | Some(Value::Null) => return Ok(default),
        Some(Value::Number(n)) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                .map(|f| f as u64)
        }),
        Some(Value::String(s)) => s.trim().parse::<u64>().ok(),
        Some(_) => None,
    };
    match value {
        Some(0) => Err(ToolError::invalid(format!("`{key}` must be {what}"))),
        Some(n) => Ok(usize::try_from(n).unwrap_or(usize::MAX)),
        None => Err(ToolError::invalid(format!(
            "`{key}` must be a positive integer ({what})"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_accept_models_spellings() {
        let args = json!({"a": 3, "b": 4.0, "c": "5", "d": 0, "e": -1, "f": 1.5});
        assert_eq!(count(&args, "a", 1, "x").unwrap(), 3);
        assert_eq!(count(&args, "b", 1, "x").unwrap(), 4);
        assert_eq!(count(&args, "c", 1, "x").unwrap(), 5);
        assert_eq!(count(&args, "missing", 7, "x").unwrap(), 7);
        assert!(count(&args, "d", 1, "x").is_err());
        assert!(count(&args, "e", 1, "x").is_err());
        assert!(count(&args, "f", 1, "x").is_err());
    }

    #[test]
    fn strings() {
        let args = json!({"p": "a", "e": "", "n": 1});
        assert_eq!(required_str(&args, "p").unwrap(), "a");
        assert!(required_str(&args, "e").is_err());
        assert!(required_str(&args, "x").is_err());
        assert!(required_str(&args, "n").is_err());
        assert_eq!(optional_str(&args, "e").unwrap(), None);
        assert_eq!(optional_str(&args, "p").unwrap(), Some("a"));
    }
}
