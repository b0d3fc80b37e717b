//! The egress gate: the one place where a plugin's outbound HTTP is decided.
//!
//! A request goes out only when its `scheme://host:port` fits both a rule the plugin asked
//! for and a rule the operator granted. The host name is then resolved here, and a
//! destination that is not on the public internet (loopback, private, link-local,
//! metadata) is refused unless the granted rule names that address explicitly (an IP
//! literal or `localhost`), which is how local model servers and tests are opened.
//! Plain-HTTP requests are pinned to the address that was checked. Credentials the host
//! holds for an origin are attached here, so plugins never see them.

use super::network_rule::{NetworkRule, is_non_public};
use http::{HeaderName, HeaderValue, Request, Response};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use wasmtime_wasi_http::{Error as HttpError, RequestOptions, WasiBody, WasiHttpHooks};

/// Headers the host attaches to requests for one origin (e.g. an API key).
#[derive(Clone)]
pub struct InjectedHeaders {
    /// Which requests get them.
    pub rule: NetworkRule,
    /// The headers.
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

/// One outbound request as the gate saw it, for the audit log.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EgressRecord {
    /// `scheme://host:port`.
    pub destination: String,
    /// Whether it was let through.
    pub allowed: bool,
    /// Why not, when refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Per-store egress policy for one plugin call.
#[derive(Clone, Default)]
pub struct EgressGate {
    plugin_id: String,
    requested: Arc<Vec<NetworkRule>>,
    granted: Arc<Vec<NetworkRule>>,
    injected: Arc<Vec<InjectedHeaders>>,
    records: Arc<Mutex<Vec<EgressRecord>>>,
}

impl EgressGate {
    /// A gate for `plugin_id` with its requested and granted rules.
    pub fn new(
        plugin_id: &str,
        requested: Arc<Vec<NetworkRule>>,
        granted: Arc<Vec<NetworkRule>>,
        injected: Arc<Vec<InjectedHeaders>>,
    ) -> Self {
        EgressGate {
            plugin_id: plugin_id.to_string(),
            requested,
            granted,
            injected,
            records: Arc::default(),
        }
    }

    /// Destinations seen so far (for the audit record of the call).
    pub fn records(&self) -> Vec<EgressRecord> {
        self.records.lock().map(|r| r.clone()).unwrap_or_default()
    }

    fn record(&self, destination: &str, allowed: bool, reason: Option<String>) {
        if let Ok(mut r) = self.records.lock() {
            r.push(EgressRecord {
                destination: destination.to_string(),
                allowed,
                reason,
            });
        }
    }

    /// Decides on a destination before resolution: the granted rule that lets it through.
    fn admit(&self, scheme: &str, host: &str, port: u16) -> Result<NetworkRule, String> {
        let requested = self.requested.iter().any(|r| r.matches(scheme, host, port));
        let granted = self.granted.iter().find(|r| r.matches(scheme, host, port));
        match (requested, granted) {
            (true, Some(rule)) => Ok(rule.clone()),
            (false, _) => Err(format!(
                "plugin {} did not request network access to {scheme}://{host}:{port}",
                self.plugin_id
            )),
            (true, None) => Err(format!(
                "plugin {} is not granted network access to {scheme}://{host}:{port}",
                self.plugin_id
            )),
        }
    }

    async fn resolve_checked(
        host: &str,
        port: u16,
        rule: &NetworkRule,
    ) -> Result<SocketAddr, (HttpError, String)> {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let addrs: Vec<SocketAddr> = tokio::net::lookup_host((bare, port))
            .await
            .map_err(|e| {
                (
                    HttpError::DnsError {
                        rcode: Some(e.to_string()),
                        info_code: None,
                    },
                    format!("cannot resolve {host}: {e}"),
                )
            })?
            .collect();
        let first = *addrs.first().ok_or_else(|| {
            (
                HttpError::DestinationNotFound,
                format!("{host} has no addresses"),
            )
        })?;
        if !rule.names_address_explicitly()
            && let Some(bad) = addrs.iter().find(|a| is_non_public(a.ip()))
        {
            return Err((
                HttpError::DestinationIpProhibited,
                format!(
                    "{host} resolves to non-public address {}; grant it by IP to allow",
                    bad.ip()
                ),
            ));
        }
        Ok(first)
    }
}

type IoFuture = Box<dyn Future<Output = Result<(), HttpError>> + Send>;
type SendResult = Result<(Response<WasiBody>, IoFuture), HttpError>;

impl WasiHttpHooks for EgressGate {
    fn send_request(
        &mut self,
        mut request: Request<WasiBody>,
        options: Option<RequestOptions>,
        _fut: IoFuture,
    ) -> Box<dyn Future<Output = SendResult> + Send> {
        let gate = self.clone();
        Box::new(async move {
            let uri = request.uri().clone();
            let scheme = uri.scheme_str().unwrap_or("https").to_ascii_lowercase();
            let host = uri.host().unwrap_or_default().to_string();
            let port = uri
                .port_u16()
                .unwrap_or(if scheme == "http" { 80 } else { 443 });
            let destination = format!("{scheme}://{host}:{port}");
            let rule = match gate.admit(&scheme, &host, port) {
                Ok(rule) => rule,
                Err(reason) => {
                    tracing::warn!(plugin = %gate.plugin_id, %destination, %reason, "egress denied");
                    gate.record(&destination, false, Some(reason));
                    return Err(HttpError::HttpRequestDenied);
                }
            };
            let addr = match Self::resolve_checked(&host, port, &rule).await {
                Ok(addr) => addr,
                Err((err, reason)) => {
                    tracing::warn!(plugin = %gate.plugin_id, %destination, %reason, "egress denied");
                    gate.record(&destination, false, Some(reason));
                    return Err(err);
                }
            };
            if scheme == "http" {
                // Pin plain HTTP to the address that passed the check (no DNS rebinding).
                let mut parts = uri.into_parts();
                parts.authority = Some(
                    addr.to_string()
                        .parse()
                        .map_err(|_| HttpError::HttpRequestUriInvalid)?,
                );
                *request.uri_mut() =
                    http::Uri::from_parts(parts).map_err(|_| HttpError::HttpRequestUriInvalid)?;
            }
            for injected in gate.injected.iter() {
                if injected.rule.matches(&scheme, &host, port) {
                    for (name, value) in &injected.headers {
                        request.headers_mut().insert(name.clone(), value.clone());
                    }
                }
            }
            gate.record(&destination, true, None);
            let (response, io) = wasmtime_wasi_http::default_send_request(request, options).await?;
            use http_body_util::BodyExt;
            Ok((
                response.map(BodyExt::boxed_unsync),
                Box::new(io) as IoFuture,
            ))
        })
    }
}
