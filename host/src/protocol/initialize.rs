//! The `initialize` handshake: client info and capabilities in, server identity out.

use serde::{Deserialize, Serialize};

/// Params of `initialize`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitializeParams {
    /// Who the client is. `name` is the originator and must be a valid HTTP header value.
    pub client_info: ClientInfo,
    /// Negotiated capabilities; omitted means none.
    #[serde(default)]
    pub capabilities: Option<InitializeCapabilities>,
}

/// The client's name, optional title and version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientInfo {
    /// Client name, e.g. `codex_vscode`.
    pub name: String,
    /// Human-readable title.
    #[serde(default)]
    pub title: Option<String>,
    /// Client version.
    pub version: String,
}

/// Capabilities declared by the client; fixed for the connection's lifetime.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitializeCapabilities {
    /// Opt in to experimental methods and fields.
    #[serde(default)]
    pub experimental_api: bool,
    /// Exact notification method names this connection does not want to receive.
    #[serde(default)]
    pub opt_out_notification_methods: Option<Vec<String>>,
    /// Opt in to `attestation/generate` server requests.
    #[serde(default)]
    pub request_attestation: bool,
}

impl InitializeCapabilities {
    /// Whether notifications named `method` were opted out of.
    pub fn opts_out_of(&self, method: &str) -> bool {
        self.opt_out_notification_methods
            .as_deref()
            .is_some_and(|methods| methods.iter().any(|m| m == method))
    }
}

/// Result of `initialize`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitializeResponse {
    /// The user agent the server presents upstream, starting with `<clientInfo.name>/`.
    pub user_agent: String,
    /// Absolute path of the server's home directory (`$HEARTH_HOME` for hearth).
    pub codex_home: String,
    /// `std::env::consts::FAMILY`, e.g. `unix`.
    pub platform_family: String,
    /// `std::env::consts::OS`, e.g. `linux`.
    pub platform_os: String,
}
