//! `initialize`, `model/list` and `config/read`.

use super::HandlerResult;
use super::app::App;
use super::to_result;
use crate::agent::model_select::{default_model, default_provider};
use crate::protocol::{
    Config as WireConfig, ConfigReadParams, ConfigReadResponse, InitializeParams,
    InitializeResponse, InputModality, Model, ModelListParams, ModelListResponse,
    SandboxMode as WireSandboxMode,
};
use crate::rpc::RpcError;
use std::sync::Arc;

/// hearth's user agent, as `initialize` reports it.
pub fn user_agent(client: &str) -> String {
    format!(
        "hearth/{} ({}; {}) ({client})",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

/// `initialize`.
pub fn initialize(app: &App, params: &InitializeParams) -> HandlerResult {
    let name = &params.client_info.name;
    if name.chars().any(|c| c.is_control()) {
        return Err(RpcError::invalid_request(format!(
            "Invalid clientInfo.name: '{name}'. Must be a valid HTTP header value."
        )));
    }
    to_result(InitializeResponse {
        user_agent: user_agent(&format!("{}; {}", name, params.client_info.version)),
        codex_home: app.home.display().to_string(),
        platform_family: if cfg!(unix) { "unix" } else { "windows" }.into(),
        platform_os: std::env::consts::OS.into(),
    })
}

/// `model/list`: asks the provider's adapter, falling back to the configured model.
pub async fn model_list(app: &Arc<App>, params: ModelListParams) -> HandlerResult {
    let provider = params
        .model_provider
        .unwrap_or_else(|| default_provider(&app.config));
    let fallback = default_model(&app.config, &provider);
    let mut models: Vec<(String, String, String, bool)> = Vec::new();
    if let (Ok(registry), Ok(selection)) = (
        app.registry().await,
        crate::agent::select_model(&app.config, &provider, &fallback),
    ) && let Some(adapter) = registry.get(&selection.adapter)
    {
        match crate::plugins::model_calls::list_models(
            &registry,
            &adapter,
            &selection.provider_settings.to_string(),
            selection.injected.clone(),
            selection.origins.clone(),
        )
        .await
        {
            Ok(Ok(list)) => {
                models = list
                    .into_iter()
                    .map(|m| (m.id, m.display_name, m.description, m.is_default))
                    .collect();
            }
            Ok(Err(err)) => tracing::warn!(provider, "model list failed: {}", err.message),
            Err(err) => tracing::warn!(provider, "model list failed: {err}"),
        }
    }
    if !models.iter().any(|m| m.0 == fallback) {
        models.push((
            fallback.clone(),
            fallback.clone(),
            format!("configured model of provider {provider}"),
            false,
        ));
    }
    let has_default = models.iter().any(|m| m.3);
    let data = models
        .into_iter()
        .map(|(id, display_name, description, is_default)| Model {
            model: id.clone(),
            is_default: is_default || (!has_default && id == fallback),
            id,
            display_name,
            description,
            hidden: false,
            supported_reasoning_efforts: Vec::new(),
            default_reasoning_effort: "medium".into(),
            input_modalities: vec![InputModality::Text],
            supports_personality: false,
            upgrade: None,
            default_service_tier: None,
        })
        .collect();
    let _ = (params.cursor, params.limit);
    to_result(ModelListResponse {
        data,
        next_cursor: None,
    })
}

/// `config/read`: the effective configuration (file plus `-c` overrides).
pub async fn config_read(app: &Arc<App>, _params: ConfigReadParams) -> HandlerResult {
    let c = &app.config;
    let provider = default_provider(c);
    let mut extra = serde_json::Map::new();
    for (k, v) in &c.other {
        if let Ok(v) = serde_json::to_value(v) {
            extra.insert(k.clone(), v);
        }
    }
    extra.insert(
        "model_providers".into(),
        serde_json::to_value(&c.model_providers).unwrap_or_default(),
    );
    if let Some(limit) = c.model_auto_compact_token_limit {
        extra.insert("model_auto_compact_token_limit".into(), limit.into());
    }
    if let Some(prompt) = &c.compact_prompt {
        extra.insert("compact_prompt".into(), prompt.clone().into());
    }
    if let Some(modes) = &c.allowed_sandbox_modes {
        extra.insert(
            "allowed_sandbox_modes".into(),
            serde_json::to_value(modes).unwrap_or_default(),
        );
    }
    if let Some(policies) = &c.allowed_approval_policies {
        extra.insert(
            "allowed_approval_policies".into(),
            serde_json::to_value(policies).unwrap_or_default(),
        );
    }
    extra.insert(
        "sandbox_workspace_write".into(),
        serde_json::to_value(&c.sandbox_workspace_write).unwrap_or_default(),
    );
    extra.insert(
        "hearth_sandbox".into(),
        serde_json::Value::String(crate::sandbox::describe()),
    );
    to_result(ConfigReadResponse {
        config: WireConfig {
            model: Some(default_model(c, &provider)),
            model_provider: Some(provider),
            approval_policy: Some(super::threads::ask_for_approval(c.approval_policy())),
            approvals_reviewer: None,
            sandbox_mode: Some(match c.sandbox_mode() {
                crate::plugins::SandboxMode::ReadOnly => WireSandboxMode::ReadOnly,
                crate::plugins::SandboxMode::WorkspaceWrite => WireSandboxMode::WorkspaceWrite,
                crate::plugins::SandboxMode::DangerFullAccess => WireSandboxMode::DangerFullAccess,
            }),
            model_reasoning_effort: None,
            model_reasoning_summary: None,
            model_context_window: c.model_context_window,
            instructions: None,
            developer_instructions: None,
            extra,
        },
        origins: Default::default(),
        layers: None,
    })
}
