//! `model/list` and `config/read`.
//!
//! The `Config` object of `config/read` is snake_case (it mirrors the config file), unlike
//! the rest of the protocol.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::common::{
    ApprovalsReviewer, AskForApproval, ReasoningEffort, ReasoningSummary, SandboxMode,
};

/// Params of `model/list` (params may be absent).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelListParams {
    /// Opaque cursor.
    #[serde(default)]
    pub cursor: Option<String>,
    /// Page size.
    #[serde(default)]
    pub limit: Option<u32>,
    /// Include hidden models.
    #[serde(default)]
    pub include_hidden: Option<bool>,
    /// Only models of this provider.
    #[serde(default)]
    pub model_provider: Option<String>,
}

/// Result of `model/list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelListResponse {
    /// Models of this page.
    pub data: Vec<Model>,
    /// Cursor of the next page.
    #[serde(default)]
    pub next_cursor: Option<String>,
}

/// A model the client can pick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Model {
    /// Catalog id.
    pub id: String,
    /// Model slug sent upstream.
    pub model: String,
    /// Display name.
    pub display_name: String,
    /// Description.
    pub description: String,
    /// Hidden from pickers.
    pub hidden: bool,
    /// The default model.
    pub is_default: bool,
    /// Supported reasoning efforts.
    pub supported_reasoning_efforts: Vec<ReasoningEffortOption>,
    /// Default reasoning effort.
    pub default_reasoning_effort: ReasoningEffort,
    /// Input modalities (`text`, `image`, `audio`).
    #[serde(default)]
    pub input_modalities: Vec<InputModality>,
    /// Whether personalities are supported.
    #[serde(default)]
    pub supports_personality: bool,
    /// Suggested upgrade model, if any.
    #[serde(default)]
    pub upgrade: Option<String>,
    /// Default service tier, if any.
    #[serde(default)]
    pub default_service_tier: Option<String>,
}

/// A reasoning effort a model supports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReasoningEffortOption {
    /// The effort value.
    pub reasoning_effort: ReasoningEffort,
    /// What it means.
    pub description: String,
}

/// An input modality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InputModality {
    /// Text.
    Text,
    /// Images.
    Image,
    /// Audio.
    Audio,
}

/// Params of `config/read`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigReadParams {
    /// Also return the layers.
    #[serde(default)]
    pub include_layers: bool,
    /// Resolve project layers for this directory.
    #[serde(default)]
    pub cwd: Option<String>,
}

/// Result of `config/read`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigReadResponse {
    /// The effective config.
    pub config: Config,
    /// Which layer each key path came from.
    pub origins: BTreeMap<String, ConfigLayerMetadata>,
    /// The layers, when requested.
    #[serde(default)]
    pub layers: Option<Vec<ConfigLayer>>,
}

/// The effective config (snake_case). Keys this type does not name go in `extra`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Config {
    /// Default model.
    #[serde(default)]
    pub model: Option<String>,
    /// Default model provider id.
    #[serde(default)]
    pub model_provider: Option<String>,
    /// Default approval policy.
    #[serde(default)]
    pub approval_policy: Option<AskForApproval>,
    /// Default reviewer.
    #[serde(default)]
    pub approvals_reviewer: Option<ApprovalsReviewer>,
    /// Default sandbox mode.
    #[serde(default)]
    pub sandbox_mode: Option<SandboxMode>,
    /// Default reasoning effort.
    #[serde(default)]
    pub model_reasoning_effort: Option<ReasoningEffort>,
    /// Default reasoning summary.
    #[serde(default)]
    pub model_reasoning_summary: Option<ReasoningSummary>,
    /// Context window override.
    #[serde(default)]
    pub model_context_window: Option<i64>,
    /// Base instructions override.
    #[serde(default)]
    pub instructions: Option<String>,
    /// Developer instructions.
    #[serde(default)]
    pub developer_instructions: Option<String>,
    /// Every other key.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Origin of a config value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigLayerMetadata {
    /// The layer.
    pub name: ConfigLayerSource,
    /// Version of the layer (e.g. a content hash).
    pub version: String,
}

/// One config layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigLayer {
    /// The layer.
    pub name: ConfigLayerSource,
    /// Version of the layer.
    pub version: String,
    /// Its contents.
    pub config: serde_json::Value,
    /// Why it is disabled, if it is.
    #[serde(default)]
    pub disabled_reason: Option<String>,
}

/// Where a config layer comes from, tagged on `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ConfigLayerSource {
    /// Built-in defaults.
    PackagedDefaults {
        /// File the defaults come from.
        file: String,
    },
    /// A managed system file.
    System {
        /// The file.
        file: String,
    },
    /// The user's config file.
    User {
        /// The file.
        file: String,
        /// Selected profile.
        #[serde(default)]
        profile: Option<String>,
    },
    /// A project `.codex/` (hearth: `.hearth/`) folder.
    #[serde(rename_all = "camelCase")]
    Project {
        /// The folder.
        dot_codex_folder: String,
    },
    /// `-c key=value` overrides.
    SessionFlags,
}
