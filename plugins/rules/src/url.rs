//! Host names of URL-like values (`scheme://[user@]host[:port][/…]`).
//!
//! Only a value that *is* a URL counts (a tool's `url` argument, a command's
//! `https://…` word), not text that merely contains one: a patch or a message that
//! mentions a host is not a request to it.

/// The host of `value` when the whole value (trimmed) is a URL: lower-cased, without
/// brackets, port or trailing dot.
pub fn host(value: &str) -> Option<String> {
    let value = value.trim();
    if value.contains(char::is_whitespace) {
        return None;
    }
    let (scheme, rest) = value.split_once("://")?;
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(v6),
        None => host_port.split(':').next().unwrap_or(host_port),
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let valid = host
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | ':'));
    (valid && host.chars().any(|c| c.is_ascii_alphanumeric())).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_of_urls() {
        let h = |v: &str| host(v);
        assert_eq!(
            h("https://API.example.com./v1?x=1").as_deref(),
            Some("api.example.com")
        );
        assert_eq!(
            h(" http://user:pw@10.0.0.1:8080/a ").as_deref(),
            Some("10.0.0.1")
        );
        assert_eq!(h("ftp://[::1]:21/f").as_deref(), Some("::1"));
        assert_eq!(
            h("git+ssh://git@host.internal").as_deref(),
            Some("host.internal")
        );
        assert_eq!(h("https://x.com#frag").as_deref(), Some("x.com"));
    }

    #[test]
    fn other_values_have_no_host() {
        for v in [
            "plain text",
            "see https://x.com",
            "1http://y",
            "://x",
            "https:///path",
            "https://a,b/",
            "",
        ] {
            assert_eq!(host(v), None, "{v}");
        }
    }
}
