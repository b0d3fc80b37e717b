//! Where `hearth app-server` listens: stdio (the default), a websocket
//! (`--listen ws://IP:PORT`, one JSON-RPC message per text frame, as Codex's experimental
//! listener), or nothing (`off`).
//!
//! The websocket listener also answers plain HTTP health probes (`GET /readyz`,
//! `GET /healthz`: 200), refuses any request that carries an `Origin` header (403: no web
//! page may drive the agent), and, when given a capability token (`--ws-token-file`),
//! requires `Authorization: Bearer <token>` on the upgrade (401 otherwise). It refuses to
//! listen on a non-loopback address without a token.

use super::app::App;
use super::serve_transport;
use crate::rpc::websocket::{split, websocket_config};
use anyhow::{Context, Result, bail};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

/// A `--listen` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listen {
    /// JSONL on stdin/stdout (`stdio://`).
    Stdio,
    /// A websocket server (`ws://IP:PORT`; `localhost` means 127.0.0.1; port 0 picks one).
    WebSocket(SocketAddr),
    /// No transport (`off`).
    Off,
}

impl FromStr for Listen {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "stdio" | "stdio://" => return Ok(Listen::Stdio),
            "off" => return Ok(Listen::Off),
            _ => {}
        }
        let rest = s.strip_prefix("ws://").ok_or_else(|| {
            format!("unsupported --listen {s:?}: use stdio://, ws://IP:PORT or off")
        })?;
        let rest = rest.trim_end_matches('/');
        let (host, port) = rest
            .rsplit_once(':')
            .ok_or_else(|| format!("--listen {s:?} needs a port: ws://127.0.0.1:4500"))?;
        let port: u16 = port
            .parse()
            .map_err(|_| format!("--listen {s:?}: bad port {port:?}"))?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let ip = match host {
            "localhost" => IpAddr::V4(Ipv4Addr::LOCALHOST),
            other => other
                .parse()
                .map_err(|_| format!("--listen {s:?}: give an IP address, not {other:?}"))?,
        };
        Ok(Listen::WebSocket(SocketAddr::new(ip, port)))
    }
}

/// Largest HTTP request head read before the upgrade.
const MAX_HEAD: usize = 16 * 1024;
/// How long a client has to send its request head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves websocket clients on `addr` until the process stops. Prints
/// `hearth app-server listening on ws://ADDR` on stderr once it accepts connections.
pub async fn serve_websocket(app: Arc<App>, addr: SocketAddr, token: Option<String>) -> Result<()> {
    if !addr.ip().is_loopback() && token.is_none() {
        bail!(
            "refusing to listen on {addr} without --ws-token-file: anyone who can reach it \
             could drive the agent (listen on 127.0.0.1, or give a token)"
        );
    }
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    eprintln!("hearth app-server listening on ws://{local}");
    tracing::info!(%local, auth = token.is_some(), "websocket listener ready");
    let token: Option<Arc<str>> = token.map(Arc::from);
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(err) => {
                // Out of descriptors and the like: wait a little rather than spin.
                tracing::warn!("accept failed: {err}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let (app, token) = (app.clone(), token.clone());
        tokio::spawn(async move {
            if let Err(err) = handle(app, stream, token.as_deref()).await {
                tracing::debug!(%peer, "websocket connection ended: {err:#}");
            }
        });
    }
}

/// What to do with one request.
#[derive(Debug, PartialEq, Eq)]
enum Route {
    /// Answer with this status and body, then close.
    Respond(u16, &'static str),
    /// Complete the websocket handshake.
    Upgrade,
}

async fn handle(app: Arc<App>, stream: TcpStream, token: Option<&str>) -> Result<()> {
    let head = tokio::time::timeout(HEAD_TIMEOUT, peek_head(&stream))
        .await
        .context("no request head in time")??;
    match route(&head, token)? {
        Route::Respond(status, body) => respond(stream, status, body).await,
        Route::Upgrade => {
            let socket =
                tokio_tungstenite::accept_async_with_config(stream, Some(websocket_config()))
                    .await
                    .context("websocket handshake failed")?;
            let (source, sink) = split(socket);
            serve_transport(app, source, sink).await;
            Ok(())
        }
    }
}

/// The request head, read without consuming it (the handshake reads it again).
async fn peek_head(stream: &TcpStream) -> Result<Vec<u8>> {
    let mut buf = vec![0u8; MAX_HEAD];
    loop {
        stream.readable().await?;
        let n = stream.peek(&mut buf).await?;
        if n == 0 {
            bail!("closed before sending a request");
        }
        if let Some(end) = buf[..n].windows(4).position(|w| w == b"\r\n\r\n") {
            buf.truncate(end + 4);
            return Ok(buf);
        }
        if n == buf.len() {
            bail!("request head over {MAX_HEAD} bytes");
        }
        // More of the head is on its way; peeking again at once would see the same bytes.
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn route(head: &[u8], token: Option<&str>) -> Result<Route> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut headers);
    request.parse(head).context("bad HTTP request")?;
    let header = |name: &str| {
        request
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .and_then(|h| std::str::from_utf8(h.value).ok())
    };
    if header("origin").is_some() {
        return Ok(Route::Respond(403, "requests from web pages are refused\n"));
    }
    let path = request.path.unwrap_or("/");
    let upgrade = header("upgrade").is_some_and(|u| u.eq_ignore_ascii_case("websocket"));
    Ok(match (path, upgrade) {
        ("/readyz" | "/healthz", false) => Route::Respond(200, "ok\n"),
        (_, true) => match token {
            Some(token) if !bearer_matches(header("authorization"), token) => {
                Route::Respond(401, "a valid Authorization: Bearer token is required\n")
            }
            _ => Route::Upgrade,
        },
        _ => Route::Respond(404, "not found: connect with a websocket\n"),
    })
}

/// Compares the presented bearer token with the expected one in constant time.
fn bearer_matches(authorization: Option<&str>, token: &str) -> bool {
    let Some(given) = authorization.and_then(|a| a.strip_prefix("Bearer ")) else {
        return false;
    };
    let (a, b) = (given.trim().as_bytes(), token.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn respond(mut stream: TcpStream, status: u16, body: &str) -> Result<()> {
    let reason = match status {
        200 => "OK",
        401 => "Unauthorized",
        403 => "Forbidden",
        _ => "Not Found",
    };
    let auth = if status == 401 {
        "www-authenticate: Bearer\r\n"
    } else {
        ""
    };
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: text/plain\r\ncontent-length: {}\r\n{auth}connection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_values_parse() {
        assert_eq!("stdio://".parse(), Ok(Listen::Stdio));
        assert_eq!("off".parse(), Ok(Listen::Off));
        assert_eq!(
            "ws://127.0.0.1:4500".parse(),
            Ok(Listen::WebSocket("127.0.0.1:4500".parse().unwrap()))
        );
        assert_eq!(
            "ws://localhost:0".parse(),
            Ok(Listen::WebSocket("127.0.0.1:0".parse().unwrap()))
        );
        assert_eq!(
            "ws://[::1]:9".parse(),
            Ok(Listen::WebSocket("[::1]:9".parse().unwrap()))
        );
        for bad in [
            "http://x:1",
            "ws://127.0.0.1",
            "ws://example.com:80",
            "ws://1.2.3.4:x",
        ] {
            assert!(bad.parse::<Listen>().is_err(), "{bad}");
        }
    }

    fn head(lines: &[&str]) -> Vec<u8> {
        format!("{}\r\n\r\n", lines.join("\r\n")).into_bytes()
    }

    #[test]
    fn requests_are_routed() {
        let upgrade = [
            "GET / HTTP/1.1",
            "Host: x",
            "Upgrade: websocket",
            "Connection: Upgrade",
        ];
        assert_eq!(route(&head(&upgrade), None).unwrap(), Route::Upgrade);
        let probe = head(&["GET /readyz HTTP/1.1", "Host: x"]);
        assert_eq!(route(&probe, None).unwrap(), Route::Respond(200, "ok\n"));
        let browser = head(&[
            upgrade[0],
            upgrade[1],
            upgrade[2],
            "Origin: https://evil.example",
        ]);
        assert!(matches!(
            route(&browser, None).unwrap(),
            Route::Respond(403, _)
        ));
        assert!(matches!(
            route(&head(&upgrade), Some("t0k")).unwrap(),
            Route::Respond(401, _)
        ));
        let authed = head(&[upgrade[0], upgrade[2], "Authorization: Bearer t0k"]);
        assert_eq!(route(&authed, Some("t0k")).unwrap(), Route::Upgrade);
        let wrong = head(&[upgrade[0], upgrade[2], "Authorization: Bearer t0x"]);
        assert!(matches!(
            route(&wrong, Some("t0k")).unwrap(),
            Route::Respond(401, _)
        ));
    }
}
