//! Where requests go: the provider settings' `base_url` and `query_params` turned into a
//! request target, and the `http_headers` to send. The API key is not here: the host
//! attaches it for the provider's origin, and an adapter never sees it.

use hearth_plugin_sdk::Value;
use hearth_plugin_sdk::model::ModelError;

/// Base URL used when the settings name none (OpenAI).
pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";

/// One request target, split the way wasi:http takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// `http` or `https`.
    pub scheme: String,
    /// `host[:port]`.
    pub authority: String,
    /// `/path?query`.
    pub path_and_query: String,
}

impl Target {
    /// The whole URL, for messages.
    pub fn url(&self) -> String {
        format!(
            "{}://{}{}",
            self.scheme, self.authority, self.path_and_query
        )
    }
}

/// The HTTP side of a provider's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provider {
    /// Base URL without a trailing `/`.
    pub base_url: String,
    /// Query parameters added to every request.
    pub query: Vec<(String, String)>,
    /// Headers sent with every request.
    pub headers: Vec<(String, String)>,
}

fn string_pairs(settings: &Value, key: &str) -> Result<Vec<(String, String)>, ModelError> {
    match settings.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                other => Ok((k.clone(), other.to_string())),
            })
            .collect(),
        Some(_) => Err(ModelError::fatal(format!(
            "provider setting `{key}` must be a table of strings"
        ))),
    }
}

impl Provider {
    /// Reads `base_url`, `query_params` and `http_headers` from provider settings.
    pub fn from_settings(settings: &Value) -> Result<Self, ModelError> {
        let base_url = match settings.get("base_url") {
            None | Some(Value::Null) => DEFAULT_BASE_URL.to_string(),
            Some(Value::String(url)) => url.trim().trim_end_matches('/').to_string(),
            Some(_) => {
                return Err(ModelError::fatal(
                    "provider setting `base_url` must be a string",
                ));
            }
        };
        Ok(Provider {
            base_url,
            query: string_pairs(settings, "query_params")?,
            headers: string_pairs(settings, "http_headers")?,
        })
    }

    /// The target of `path` (e.g. `/responses`) under the base URL, with the query
    /// parameters.
    pub fn endpoint(&self, path: &str) -> Result<Target, ModelError> {
        let invalid = || ModelError::fatal(format!("invalid base_url {:?}", self.base_url));
        let (scheme, rest) = self.base_url.split_once("://").ok_or_else(invalid)?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(invalid());
        }
        let (authority, base_path) = match rest.find(['/', '?']) {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        if authority.is_empty() {
            return Err(invalid());
        }
        let (base_path, base_query) = match base_path.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (base_path, None),
        };
        let mut path_and_query = format!(
            "{}/{}",
            base_path.trim_end_matches('/'),
            path.trim_start_matches('/')
        );
        let mut query: Vec<String> = base_query
            .filter(|q| !q.is_empty())
            .map(str::to_string)
            .into_iter()
            .collect();
        query.extend(
            self.query
                .iter()
                .map(|(k, v)| format!("{}={}", encode(k), encode(v))),
        );
        if !query.is_empty() {
            path_and_query.push('?');
            path_and_query.push_str(&query.join("&"));
        }
        Ok(Target {
            scheme,
            authority: authority.to_string(),
            path_and_query,
        })
    }
}

/// Percent-encodes everything but the unreserved characters.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearth_plugin_sdk::json;

    #[test]
    fn endpoints_join_the_base_url_and_query() {
        let p = Provider::from_settings(&json!({
            "base_url": "http://127.0.0.1:8080/v1/",
            "query_params": {"api-version": "2025-04-01 preview"},
            "http_headers": {"x-team": "a"}
        }))
        .unwrap();
        let t = p.endpoint("/responses").unwrap();
        assert_eq!(t.scheme, "http");
        assert_eq!(t.authority, "127.0.0.1:8080");
        assert_eq!(
            t.path_and_query,
            "/v1/responses?api-version=2025-04-01%20preview"
        );
        assert_eq!(p.headers, [("x-team".to_string(), "a".to_string())]);

        let bare = Provider::from_settings(&json!({"base_url": "https://h.example?k=1"})).unwrap();
        assert_eq!(
            bare.endpoint("models").unwrap().url(),
            "https://h.example/models?k=1"
        );

        let default = Provider::from_settings(&json!({})).unwrap();
        assert_eq!(
            default.endpoint("/models").unwrap().url(),
            "https://api.openai.com/v1/models"
        );
    }

    #[test]
    fn bad_settings_are_final_errors() {
        for bad in [
            json!({"base_url": "ftp://x"}),
            json!({"base_url": "nothing"}),
            json!({"base_url": "http:///v1"}),
        ] {
            let p = Provider::from_settings(&bad).unwrap();
            assert!(!p.endpoint("/x").unwrap_err().retryable, "{bad}");
        }
        assert!(Provider::from_settings(&json!({"base_url": 3})).is_err());
        assert!(Provider::from_settings(&json!({"http_headers": [1]})).is_err());
    }
}
