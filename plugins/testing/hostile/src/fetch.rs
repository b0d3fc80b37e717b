//! One HTTP GET through `wasi:http/outgoing-handler` (the `wasi` crate's bindings).

/// Most body bytes kept.
#[cfg_attr(not(target_os = "wasi"), allow(dead_code))]
const MAX_BODY: usize = 1 << 20;

/// GETs `url`; returns the status and the body (lossy UTF-8, at most 1 MiB), or the error.
#[cfg(target_os = "wasi")]
pub fn get(url: &str) -> Result<(u16, String), String> {
    use wasi::http::outgoing_handler;
    use wasi::http::types::{Fields, IncomingBody, Method, OutgoingRequest, Scheme};
    use wasi::io::streams::StreamError;

    let (scheme, authority, path) = split_url(url)?;
    let request = OutgoingRequest::new(Fields::new());
    let scheme = match scheme {
        "http" => Scheme::Http,
        "https" => Scheme::Https,
        other => Scheme::Other(other.to_string()),
    };
    request
        .set_method(&Method::Get)
        .map_err(|()| "cannot set the method")?;
    request
        .set_scheme(Some(&scheme))
        .map_err(|()| "cannot set the scheme")?;
    request
        .set_authority(Some(authority))
        .map_err(|()| "cannot set the authority")?;
    request
        .set_path_with_query(Some(path))
        .map_err(|()| "cannot set the path")?;
    let future =
        outgoing_handler::handle(request, None).map_err(|e| format!("request refused: {e:?}"))?;
    future.subscribe().block();
    let response = future
        .get()
        .ok_or("no response after the pollable was ready")?
        .map_err(|()| "the response was already taken")?
        .map_err(|e| format!("request failed: {e:?}"))?;
    let status = response.status();
    let body = response.consume().map_err(|()| "cannot read the body")?;
    let stream = body.stream().map_err(|()| "cannot open the body stream")?;
    let mut bytes = Vec::new();
    loop {
        match stream.blocking_read(64 * 1024) {
            Ok(chunk) => {
                bytes.extend_from_slice(&chunk[..chunk.len().min(MAX_BODY - bytes.len())]);
                if bytes.len() >= MAX_BODY {
                    break;
                }
            }
            Err(StreamError::Closed) => break,
            Err(StreamError::LastOperationFailed(e)) => {
                return Err(format!("reading the body failed: {}", e.to_debug_string()));
            }
        }
    }
    drop(stream);
    let _ = IncomingBody::finish(body);
    Ok((status, String::from_utf8_lossy(&bytes).into_owned()))
}

/// Outside WASI there is no `wasi:http`.
#[cfg(not(target_os = "wasi"))]
pub fn get(url: &str) -> Result<(u16, String), String> {
    split_url(url)?;
    Err("wasi:http is only available in the WASI build".to_string())
}

/// `scheme://authority/path?query` → (scheme, authority, path-with-query).
fn split_url(url: &str) -> Result<(&str, &str, &str), String> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| format!("not an absolute URL: {url}"))?;
    let (authority, path) = match rest.find(['/', '?']) {
        Some(i) if rest[i..].starts_with('/') => (&rest[..i], &rest[i..]),
        Some(_) | None => (rest, "/"),
    };
    if authority.is_empty() {
        return Err(format!("the URL has no host: {url}"));
    }
    Ok((scheme, authority, path))
}
