//! The `wasi:http` calls behind [`send`](super::send) (WebAssembly builds only).

use hearth_plugin_sdk::model::ModelError;
use wasi::http::outgoing_handler;
use wasi::http::types::{
    ErrorCode, Fields, IncomingBody, IncomingResponse, Method as WasiMethod, OutgoingBody,
    OutgoingRequest, RequestOptions, Scheme, http_error_code,
};
use wasi::io::streams::{InputStream, StreamError};

use super::{Body, HttpRequest, HttpResponse, Method, transport_error};
use crate::endpoint::Target;

/// Largest write `blocking-write-and-flush` accepts.
const WRITE_CHUNK: usize = 4096;
/// Bytes asked for per body read.
const READ_CHUNK: u64 = 64 * 1024;

/// The body stream and the resources it belongs to, dropped in this order.
pub(super) struct Reader {
    stream: InputStream,
    _body: IncomingBody,
    _response: IncomingResponse,
    target: Target,
}

impl Reader {
    pub(super) fn read(&mut self) -> Result<Option<Vec<u8>>, ModelError> {
        loop {
            match self.stream.blocking_read(READ_CHUNK) {
                Ok(bytes) if bytes.is_empty() => continue,
                Ok(bytes) => return Ok(Some(bytes)),
                Err(StreamError::Closed) => return Ok(None),
                Err(StreamError::LastOperationFailed(e)) => {
                    let detail = match http_error_code(&e) {
                        Some(code) => describe(&code),
                        // The first line: the rest may be a host backtrace.
                        None => e
                            .to_debug_string()
                            .lines()
                            .next()
                            .unwrap_or("transport error")
                            .to_string(),
                    };
                    return Err(ModelError::retryable(format!(
                        "the connection to the model provider at {} broke mid-response: {detail}",
                        self.target.url()
                    )));
                }
            }
        }
    }
}

fn describe(code: &ErrorCode) -> String {
    match code {
        ErrorCode::ConnectionRefused => "connection refused".to_string(),
        ErrorCode::ConnectionTerminated => "connection closed".to_string(),
        ErrorCode::HttpResponseIncomplete => "the response was cut off".to_string(),
        other => format!("{other:?}"),
    }
}

/// The error for a request the host or the network refused.
fn request_error(target: &Target, code: &ErrorCode) -> ModelError {
    match code {
        ErrorCode::HttpRequestDenied | ErrorCode::DestinationIpProhibited => {
            ModelError::fatal(format!(
                "the host refused the request to {}: a model adapter may only reach its provider's base_url origin",
                target.url()
            ))
        }
        ErrorCode::TlsCertificateError
        | ErrorCode::HttpRequestUriInvalid
        | ErrorCode::HttpRequestMethodInvalid => ModelError::fatal(format!(
            "request to {} failed: {}",
            target.url(),
            describe(code)
        )),
        other => transport_error(target, &describe(other)),
    }
}

fn build(request: &HttpRequest) -> Result<OutgoingRequest, String> {
    let fields = Fields::new();
    for (name, value) in &request.headers {
        if let Err(e) = fields.append(name, value.as_bytes()) {
            hearth_plugin_sdk::log::warn(&format!("header {name} not sent: {e:?}"));
        }
    }
    let outgoing = OutgoingRequest::new(fields);
    let method = match request.method {
        Method::Get => WasiMethod::Get,
        Method::Post => WasiMethod::Post,
    };
    let scheme = match request.target.scheme.as_str() {
        "http" => Scheme::Http,
        _ => Scheme::Https,
    };
    outgoing
        .set_method(&method)
        .map_err(|()| "invalid method")?;
    outgoing
        .set_scheme(Some(&scheme))
        .map_err(|()| "invalid scheme")?;
    outgoing
        .set_authority(Some(&request.target.authority))
        .map_err(|()| "invalid authority")?;
    outgoing
        .set_path_with_query(Some(&request.target.path_and_query))
        .map_err(|()| "invalid path")?;
    Ok(outgoing)
}

fn options(request: &HttpRequest) -> RequestOptions {
    let options = RequestOptions::new();
    let ns = |ms: u64| ms.saturating_mul(1_000_000);
    if let Some(ms) = request.connect_timeout_ms {
        let _ = options.set_connect_timeout(Some(ns(ms)));
    }
    if let Some(ms) = request.first_byte_timeout_ms {
        let _ = options.set_first_byte_timeout(Some(ns(ms)));
    }
    options
}

fn write_body(body: OutgoingBody, bytes: &[u8]) -> Result<(), String> {
    {
        let stream = body.write().map_err(|()| "cannot open the request body")?;
        for chunk in bytes.chunks(WRITE_CHUNK) {
            stream
                .blocking_write_and_flush(chunk)
                .map_err(|e| format!("writing the request body failed: {e:?}"))?;
        }
    }
    OutgoingBody::finish(body, None)
        .map_err(|e| format!("finishing the request body failed: {e:?}"))
}

/// Sends `request` and waits for the response head.
pub fn send(request: HttpRequest) -> Result<HttpResponse, ModelError> {
    let target = request.target.clone();
    let outgoing =
        build(&request).map_err(|e| ModelError::fatal(format!("{}: {e}", target.url())))?;
    let body = outgoing
        .body()
        .map_err(|()| ModelError::fatal("cannot open the request body"))?;
    let future = outgoing_handler::handle(outgoing, Some(options(&request)))
        .map_err(|code| request_error(&target, &code))?;
    // A refused request fails the write too; the response future says why.
    let written = write_body(body, &request.body);
    future.subscribe().block();
    let response = match future.get() {
        Some(Ok(Ok(response))) => response,
        Some(Ok(Err(code))) => return Err(request_error(&target, &code)),
        Some(Err(())) | None => {
            return Err(transport_error(&target, "no response"));
        }
    };
    if let Err(detail) = written {
        return Err(transport_error(&target, &detail));
    }
    let status = response.status();
    let headers = {
        let fields = response.headers();
        fields
            .entries()
            .into_iter()
            .map(|(name, value)| (name, String::from_utf8_lossy(&value).into_owned()))
            .collect()
    };
    let incoming = response
        .consume()
        .map_err(|()| transport_error(&target, "the response body is missing"))?;
    let stream = incoming
        .stream()
        .map_err(|()| transport_error(&target, "the response body cannot be read"))?;
    Ok(HttpResponse {
        status,
        headers,
        body: Body {
            inner: Some(Reader {
                stream,
                _body: incoming,
                _response: response,
                target,
            }),
        },
    })
}
