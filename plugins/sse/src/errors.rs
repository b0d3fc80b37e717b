//! Provider failures as `model-error`s: HTTP statuses, `retry-after`, error bodies and
//! error events, classified the way hearth's retry loop expects (transport errors, 5xx
//! and 429 retryable; everything else final).

use hearth_plugin_sdk::Value;
use hearth_plugin_sdk::model::ModelError;

/// Most characters of an error body quoted in a message.
const MAX_QUOTED: usize = 500;

/// Error codes that no retry fixes, even when reported like a transient failure.
const FINAL_CODES: &[&str] = &[
    "insufficient_quota",
    "context_length_exceeded",
    "invalid_prompt",
    "invalid_request_error",
    "model_not_found",
    "usage_not_included",
];

/// Whether an HTTP status is worth retrying: 5xx, 429, and 408 (request timeout).
pub fn retryable_status(status: u16) -> bool {
    status >= 500 || status == 429 || status == 408
}

/// The delay a response asked for: `retry-after-ms`, else `retry-after` in seconds
/// (fractions allowed). HTTP dates are not honoured (the backoff applies instead).
pub fn retry_after_ms(headers: &[(String, String)]) -> Option<u64> {
    let get = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    };
    if let Some(ms) = get("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        return Some(ms.max(0.0) as u64);
    }
    let secs = get("retry-after")?.parse::<f64>().ok()?;
    Some((secs.max(0.0) * 1000.0) as u64)
}

/// `(code, message)` of a provider error object (`{"error": {...}}` or the object
/// itself), when it has a message.
pub fn error_fields(value: &Value) -> Option<(Option<String>, String)> {
    let error = match value.get("error") {
        Some(inner @ Value::Object(_)) => inner,
        Some(Value::String(message)) => return Some((None, message.clone())),
        _ => value,
    };
    let message = error.get("message").and_then(Value::as_str)?;
    let code = ["code", "type"]
        .iter()
        .find_map(|k| error.get(*k).and_then(Value::as_str))
        .map(str::to_string);
    Some((code, message.to_string()))
}

/// The error for a response with a failing HTTP status and this body.
pub fn status_error(status: u16, headers: &[(String, String)], body: &str) -> ModelError {
    let parsed = serde_json::from_str::<Value>(body).ok();
    let fields = parsed.as_ref().and_then(error_fields);
    let detail = match &fields {
        Some((_, message)) => message.clone(),
        None => quote(body),
    };
    let mut message = format!("the model provider answered HTTP {status}");
    if !detail.is_empty() {
        message.push_str(": ");
        message.push_str(&detail);
    }
    let code = fields.and_then(|(code, _)| code);
    let retryable =
        retryable_status(status) && !code.as_deref().is_some_and(|c| FINAL_CODES.contains(&c));
    let mut error = if retryable {
        ModelError::retryable(message)
    } else {
        ModelError::fatal(message)
    }
    .with_status(status);
    if retryable && let Some(ms) = retry_after_ms(headers) {
        error = error.with_retry_after_ms(ms);
    }
    error
}

/// The error for an error event inside a stream (`error`, `response.failed`): final for
/// the codes no retry fixes, retryable otherwise, with the delay a rate-limit message
/// names ("try again in 1.5s").
pub fn event_error(code: Option<&str>, message: &str) -> ModelError {
    let text = match code {
        Some(code) => format!("the model provider reported an error ({code}): {message}"),
        None => format!("the model provider reported an error: {message}"),
    };
    if code.is_some_and(|c| FINAL_CODES.contains(&c)) {
        return ModelError::fatal(text);
    }
    let error = ModelError::retryable(text);
    match delay_in_message(message) {
        Some(ms) => error.with_retry_after_ms(ms),
        None => error,
    }
}

/// The delay in "... try again in 1.2s" or "... in 250ms".
fn delay_in_message(message: &str) -> Option<u64> {
    let lower = message.to_ascii_lowercase();
    let rest = &lower[lower.find("try again in ")? + "try again in ".len()..];
    let number: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let value: f64 = number.parse().ok()?;
    let unit = rest[number.len()..].trim_start();
    if unit.starts_with("ms") {
        Some(value as u64)
    } else if unit.starts_with('s') {
        Some((value * 1000.0) as u64)
    } else {
        None
    }
}

/// `text` shortened for a message.
pub fn quote(text: &str) -> String {
    let text = text.trim();
    match text.char_indices().nth(MAX_QUOTED) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn statuses_map_to_retryable_or_final_errors() {
        let e = status_error(500, &[], "upstream exploded");
        assert!(e.retryable);
        assert_eq!(e.status, Some(500));
        assert_eq!(
            e.message,
            "the model provider answered HTTP 500: upstream exploded"
        );

        let e = status_error(
            429,
            &headers(&[("Retry-After", "2")]),
            r#"{"error":{"message":"slow down","type":"rate_limit"}}"#,
        );
        assert!(e.retryable);
        assert_eq!(e.retry_after_ms, Some(2000));
        assert!(e.message.ends_with("slow down"), "{}", e.message);

        let e = status_error(
            429,
            &[],
            r#"{"error":{"message":"no money","code":"insufficient_quota"}}"#,
        );
        assert!(!e.retryable);

        let e = status_error(401, &headers(&[("retry-after", "1")]), "");
        assert!(!e.retryable && e.retry_after_ms.is_none());
        assert_eq!(e.message, "the model provider answered HTTP 401");
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(
            retry_after_ms(&headers(&[("retry-after-ms", "150")])),
            Some(150)
        );
        assert_eq!(
            retry_after_ms(&headers(&[("retry-after", "0.5")])),
            Some(500)
        );
        assert_eq!(
            retry_after_ms(&headers(&[(
                "retry-after",
                "Wed, 21 Oct 2015 07:28:00 GMT"
            )])),
            None
        );
        assert_eq!(retry_after_ms(&[]), None);
    }

    #[test]
    fn error_events_carry_their_delay() {
        let e = event_error(
            Some("rate_limit_exceeded"),
            "Rate limit reached. Please try again in 1.5s.",
        );
        assert!(e.retryable);
        assert_eq!(e.retry_after_ms, Some(1500));
        assert_eq!(
            event_error(None, "try again in 20ms").retry_after_ms,
            Some(20)
        );
        assert!(!event_error(Some("context_length_exceeded"), "too long").retryable);
        let long = "x".repeat(2000);
        assert_eq!(quote(&long).chars().count(), MAX_QUOTED + 1);
    }
}
