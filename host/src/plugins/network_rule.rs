//! Outbound network rules: `scheme://host:port` patterns used both by plugin manifests
//! (what a plugin asks to reach) and by operator grants (what it may reach).
//!
//! Syntax: `[scheme://]host[:port]`. `scheme` is `http`, `https` or `*` (default `https`);
//! `host` is a name, `*.suffix`, `*`, an IPv4 literal or a bracketed IPv6 literal; `port` is
//! a number or `*` (default: the scheme's port). A path, if given, is ignored.

use anyhow::{Result, bail};
use std::net::IpAddr;

/// Host part of a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostPattern {
    /// Any host.
    Any,
    /// Exactly this name (lower-case) or IP literal.
    Exact(String),
    /// Any subdomain of this suffix (`*.example.com` matches `a.example.com`, not `example.com`).
    Suffix(String),
}

/// One parsed rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkRule {
    /// `None` = any scheme.
    pub scheme: Option<String>,
    /// Host pattern.
    pub host: HostPattern,
    /// `None` = any port.
    pub port: Option<u16>,
    /// The rule as written, for messages and the audit log.
    pub text: String,
}

impl NetworkRule {
    /// Parses a rule.
    pub fn parse(text: &str) -> Result<Self> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            bail!("empty network rule");
        }
        let (scheme, rest) = match trimmed.split_once("://") {
            Some((s, rest)) => (s.to_ascii_lowercase(), rest),
            None => ("https".to_string(), trimmed),
        };
        let scheme = match scheme.as_str() {
            "*" => None,
            "http" | "https" => Some(scheme),
            other => bail!("network rule {text:?}: unsupported scheme {other:?}"),
        };
        let authority = rest.split('/').next().unwrap_or_default();
        let (host, port_text) = split_host_port(authority)
            .ok_or_else(|| anyhow::anyhow!("network rule {text:?}: malformed host"))?;
        let port = match port_text {
            Some("*") => None,
            Some(p) => Some(
                p.parse::<u16>()
                    .map_err(|_| anyhow::anyhow!("network rule {text:?}: bad port {p:?}"))?,
            ),
            None => match scheme.as_deref() {
                Some("http") => Some(80),
                Some("https") => Some(443),
                _ => None,
            },
        };
        let host = host.to_ascii_lowercase();
        let host = if host == "*" {
            HostPattern::Any
        } else if let Some(suffix) = host.strip_prefix("*.") {
            HostPattern::Suffix(suffix.to_string())
        } else if host.is_empty() || host.contains('*') {
            bail!("network rule {text:?}: wildcards are only allowed as `*` or `*.suffix`");
        } else {
            HostPattern::Exact(host)
        };
        Ok(NetworkRule {
            scheme,
            host,
            port,
            text: trimmed.to_string(),
        })
    }

    /// Whether a request to `scheme://host:port` fits this rule.
    pub fn matches(&self, scheme: &str, host: &str, port: u16) -> bool {
        if let Some(s) = &self.scheme
            && s != scheme
        {
            return false;
        }
        if let Some(p) = self.port
            && p != port
        {
            return false;
        }
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        match &self.host {
            HostPattern::Any => true,
            HostPattern::Exact(h) => h.trim_start_matches('[').trim_end_matches(']') == host,
            HostPattern::Suffix(s) => host.ends_with(&format!(".{s}")),
        }
    }

    /// True when the rule names a private, loopback or link-local destination on purpose:
    /// an IP literal or `localhost`. Only such rules open non-public addresses.
    pub fn names_address_explicitly(&self) -> bool {
        match &self.host {
            HostPattern::Exact(h) => {
                h == "localhost"
                    || h.trim_start_matches('[')
                        .trim_end_matches(']')
                        .parse::<IpAddr>()
                        .is_ok()
            }
            _ => false,
        }
    }
}

fn split_host_port(authority: &str) -> Option<(&str, Option<&str>)> {
    if let Some(rest) = authority.strip_prefix('[') {
        let end = rest.find(']')?;
        let host = &authority[..end + 2];
        let after = &rest[end + 1..];
        return match after.strip_prefix(':') {
            Some(port) => Some((host, Some(port))),
            None if after.is_empty() => Some((host, None)),
            None => None,
        };
    }
    match authority.rsplit_once(':') {
        Some((host, port)) => Some((host, Some(port))),
        None => Some((authority, None)),
    }
}

/// True for addresses that are not on the public internet: loopback, private ranges,
/// link-local (including cloud metadata at 169.254.169.254), carrier-grade NAT,
/// unique-local IPv6, unspecified, broadcast, and IPv4-mapped forms of these.
pub fn is_non_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
                || o[0] == 0
                || o[0] >= 240
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_non_public(IpAddr::V4(v4));
            }
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_unique_local()
                || v6.is_unicast_link_local()
                || v6.is_multicast()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_matches() {
        let r = NetworkRule::parse("api.openai.com").unwrap();
        assert!(r.matches("https", "api.openai.com", 443));
        assert!(!r.matches("http", "api.openai.com", 443));
        assert!(!r.matches("https", "api.openai.com", 8443));
        assert!(!r.matches("https", "evil.com", 443));

        let r = NetworkRule::parse("http://127.0.0.1:*").unwrap();
        assert!(r.matches("http", "127.0.0.1", 9000));
        assert!(!r.matches("http", "127.0.0.2", 9000));
        assert!(r.names_address_explicitly());

        let r = NetworkRule::parse("*://*.example.com:8080/path").unwrap();
        assert!(r.matches("http", "a.example.com", 8080));
        assert!(!r.matches("http", "example.com", 8080));
        assert!(!r.names_address_explicitly());

        let r = NetworkRule::parse("http://[::1]:8080").unwrap();
        assert!(r.matches("http", "[::1]", 8080));
        assert!(r.names_address_explicitly());
    }

    #[test]
    fn rejects_malformed_rules() {
        for bad in ["", "ftp://x", "a*b.com", "http://x:port", "http://[::1"] {
            assert!(NetworkRule::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn classifies_non_public_addresses() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
        ] {
            assert!(is_non_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "2606:4700::1111", "8.8.8.8"] {
            assert!(!is_non_public(ip.parse().unwrap()), "{ip}");
        }
    }
}
