//! Which model adapter a thread uses, with what options and credentials.
//!
//! The provider comes from the thread (or `model_provider` in the config). With no
//! provider configured, `OPENAI_API_KEY` in the environment selects OpenAI's Responses
//! API; with neither, the built-in offline demo runs through the scripted adapter.
//! A provider's API key is read here, by the host, and attached by the egress gate only
//! to requests for that provider's origin: adapters never see it.

use crate::config::{Config, ProviderConfig};
use crate::plugins::egress::InjectedHeaders;
use crate::plugins::network_rule::NetworkRule;
use anyhow::{Context, Result, bail};
use http::{HeaderName, HeaderValue};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

/// The offline demo script (see `demo-script.json`).
pub const DEMO_SCRIPT: &str = include_str!("demo-script.json");

/// Provider id of the built-in demo.
pub const DEMO_PROVIDER: &str = "hearth-demo";

/// Everything the loop needs to call a model.
#[derive(Clone)]
pub struct ModelSelection {
    /// Provider id.
    pub provider: String,
    /// Model id.
    pub model: String,
    /// Adapter plugin id.
    pub adapter: String,
    /// Provider settings passed to the adapter (`options.provider`).
    pub provider_settings: Value,
    /// Headers the egress gate attaches (credentials).
    pub injected: Arc<Vec<InjectedHeaders>>,
    /// Origins the adapter may reach for this provider.
    pub origins: Arc<Vec<NetworkRule>>,
    /// Retries of a failed request.
    pub request_max_retries: u32,
    /// Retries of a response stream that broke after it started.
    pub stream_max_retries: u32,
    /// How long a response may go without an event before it counts as dropped.
    pub stream_idle_timeout: Duration,
}

fn builtin_provider(id: &str) -> Option<ProviderConfig> {
    match id {
        "openai" => Some(ProviderConfig {
            name: Some("OpenAI".into()),
            base_url: Some("https://api.openai.com/v1".into()),
            env_key: Some("OPENAI_API_KEY".into()),
            wire_api: Some("responses".into()),
            ..Default::default()
        }),
        DEMO_PROVIDER => Some(ProviderConfig {
            name: Some("hearth offline demo (scripted)".into()),
            wire_api: Some("scripted".into()),
            script: Some(DEMO_SCRIPT.into()),
            ..Default::default()
        }),
        _ => None,
    }
}

/// The provider id a thread uses when it names none.
pub fn default_provider(config: &Config) -> String {
    if let Some(p) = &config.model_provider {
        return p.clone();
    }
    if std::env::var_os("OPENAI_API_KEY").is_some() {
        "openai".into()
    } else {
        DEMO_PROVIDER.into()
    }
}

/// The model id a thread uses when it names none.
pub fn default_model(config: &Config, provider: &str) -> String {
    if let Some(m) = &config.model {
        return m.clone();
    }
    match provider {
        DEMO_PROVIDER => "scripted".into(),
        _ => "gpt-5".into(),
    }
}

/// Resolves the adapter, settings and credentials for `provider` / `model`.
pub fn select_model(config: &Config, provider: &str, model: &str) -> Result<ModelSelection> {
    let settings = config
        .model_providers
        .get(provider)
        .cloned()
        .or_else(|| builtin_provider(provider))
        .with_context(|| format!("unknown model provider `{provider}`: add [model_providers.{provider}] to config.toml"))?;
    let wire_api = settings.wire_api.as_deref().unwrap_or("responses");
    let adapter = match (&settings.adapter, wire_api) {
        (Some(a), _) => a.clone(),
        (None, "responses") => "hearth.responses".into(),
        (None, "chat") => "hearth.chat".into(),
        (None, "scripted") => "hearth.scripted".into(),
        (None, other) => bail!(
            "provider `{provider}`: unknown wire_api `{other}` (expected responses, chat or scripted)"
        ),
    };
    let mut provider_json = serde_json::to_value(&settings)?;
    if let Some(path) = &settings.script_file {
        let text = std::fs::read_to_string(path).with_context(|| {
            format!(
                "provider `{provider}`: cannot read script_file {}",
                path.display()
            )
        })?;
        provider_json["script"] = json!(text);
    }
    provider_json["id"] = json!(provider);
    let mut injected = Vec::new();
    let mut origins = Vec::new();
    if let Some(base) = &settings.base_url {
        let url = url::Url::parse(base)
            .with_context(|| format!("provider `{provider}`: invalid base_url {base}"))?;
        let host = url.host_str().context("base_url has no host")?;
        let host = if host.contains(':') && !host.starts_with('[') {
            format!("[{host}]")
        } else {
            host.to_string()
        };
        let port = url.port_or_known_default().unwrap_or(443);
        let rule = NetworkRule::parse(&format!("{}://{host}:{port}", url.scheme()))?;
        let mut headers = Vec::new();
        if let Some(key_var) = &settings.env_key {
            let key = std::env::var(key_var).with_context(|| {
                format!("provider `{provider}` needs the environment variable {key_var}")
            })?;
            headers.push(header("authorization", &format!("Bearer {key}"))?);
        }
        for (name, value) in &settings.http_headers {
            headers.push(header(name, value)?);
        }
        for (name, var) in &settings.env_http_headers {
            if let Ok(value) = std::env::var(var) {
                headers.push(header(name, &value)?);
            }
        }
        injected.push(InjectedHeaders {
            rule: rule.clone(),
            headers,
        });
        origins.push(rule);
    }
    Ok(ModelSelection {
        provider: provider.to_string(),
        model: model.to_string(),
        adapter,
        provider_settings: provider_json,
        injected: Arc::new(injected),
        origins: Arc::new(origins),
        request_max_retries: settings.request_max_retries.unwrap_or(4),
        stream_max_retries: settings.stream_max_retries.unwrap_or(5),
        stream_idle_timeout: Duration::from_millis(
            settings.stream_idle_timeout_ms.unwrap_or(300_000).max(1),
        ),
    })
}

fn header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue)> {
    Ok((
        HeaderName::try_from(name).with_context(|| format!("invalid header name {name:?}"))?,
        HeaderValue::try_from(value).with_context(|| format!("invalid value for header {name}"))?,
    ))
}
