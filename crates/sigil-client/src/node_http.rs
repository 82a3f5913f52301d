//! Requests to nodes, as the JS SDK's `sendCommandToNode` / `sendRequest` make them.

use crate::NodeFailure;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE};
use serde_json::Value;
use std::time::Duration;

/// `X-Lit-SDK-Version`: the JS SDK version whose wire format this client speaks.
pub const SDK_VERSION: &str = "7.4.0";
/// `X-Lit-SDK-Type` (the JS SDK sends `Typescript`; other SDKs name their language).
pub const SDK_TYPE: &str = "Rust";

/// Largest node answer read; a share response is well under 1 KiB.
const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// A request id as the JS SDK makes them (`Math.random().toString(16).slice(2)`), without the
/// `lit_` prefix the header adds.
pub(crate) fn new_request_id() -> String {
    format!("{:013x}", rand::random::<u64>() & 0x000f_ffff_ffff_ffff)
}

/// `len` random lowercase hex characters (the handshake challenge is 64).
pub(crate) fn random_hex(len: usize) -> String {
    let bytes: Vec<u8> = (0..len.div_ceil(2)).map(|_| rand::random::<u8>()).collect();
    let mut text = hex::encode(bytes);
    text.truncate(len);
    text
}

/// `<url>/web/<endpoint>/` with the trailing slash V0 endpoints have in the JS SDK.
pub(crate) fn endpoint_url(node_url: &str, path: &str) -> String {
    format!("{}{path}", node_url.trim_end_matches('/'))
}

/// POSTs `body` (JSON text) to `<node_url><path>` with the JS SDK's headers. A 2xx JSON answer
/// is returned; anything else becomes a [`NodeFailure`] carrying the node's Lit error fields.
pub(crate) async fn post_json(
    http: &reqwest::Client,
    node_url: &str,
    path: &str,
    body: String,
    request_id: &str,
    timeout: Duration,
) -> Result<Value, NodeFailure> {
    let failure = |status: Option<u16>, message: String| NodeFailure {
        url: node_url.to_owned(),
        status,
        error_kind: None,
        error_code: None,
        message,
    };
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    headers.insert("X-Lit-SDK-Version", HeaderValue::from_static(SDK_VERSION));
    headers.insert("X-Lit-SDK-Type", HeaderValue::from_static(SDK_TYPE));
    let request_id_header = HeaderValue::from_str(&format!("lit_{request_id}"))
        .map_err(|_| failure(None, "request id is not a valid header value".into()))?;
    headers.insert("X-Request-Id", request_id_header);

    let response = http
        .post(endpoint_url(node_url, path))
        .headers(headers)
        .body(body)
        .timeout(timeout)
        .send()
        .await
        .map_err(|e| failure(None, describe_transport_error(&e)))?;
    let status = response.status();
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    let bytes = read_limited(response)
        .await
        .map_err(|message| failure(Some(status.as_u16()), message))?;
    let json: Option<Value> = if is_json {
        serde_json::from_slice(&bytes).ok()
    } else {
        None
    };
    if status.is_success() {
        return json.ok_or_else(|| failure(Some(status.as_u16()), "answer is not JSON".into()));
    }
    Err(lit_error(node_url, status.as_u16(), json.as_ref()))
}

/// Reads a Lit error body (`{errorKind, errorCode, status, message, details}`, or Datil's rate
/// limit `{message, errorCode}`).
fn lit_error(node_url: &str, status: u16, body: Option<&Value>) -> NodeFailure {
    let field = |name: &str| {
        body.and_then(|b| b.get(name))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let details = body
        .and_then(|b| b.get("details"))
        .and_then(Value::as_array)
        .map(|d| {
            d.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("; ")
        })
        .filter(|d| !d.is_empty());
    let message = match (field("message"), details) {
        (Some(message), Some(details)) => format!("{message} ({details})"),
        (Some(message), None) => message,
        (None, Some(details)) => details,
        (None, None) => "no error body".to_owned(),
    };
    NodeFailure {
        url: node_url.to_owned(),
        status: Some(status),
        error_kind: field("errorKind"),
        error_code: field("errorCode"),
        message,
    }
}

async fn read_limited(mut response: reqwest::Response) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| format!("reading the answer: {}", describe_transport_error(&e)))?
    {
        if bytes.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return Err(format!("answer larger than {MAX_RESPONSE_BYTES} bytes"));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

fn describe_transport_error(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "timed out".to_owned()
    } else if error.is_connect() {
        "connection failed".to_owned()
    } else {
        // reqwest's Display names the URL and the kind; the source chain says why.
        let mut text = error.to_string();
        let mut source = std::error::Error::source(error);
        while let Some(inner) = source {
            text.push_str(": ");
            text.push_str(&inner.to_string());
            source = inner.source();
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn request_ids_and_challenges_are_hex() {
        let id = new_request_id();
        assert_eq!(id.len(), 13);
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
        let challenge = random_hex(64);
        assert_eq!(challenge.len(), 64);
        assert_ne!(challenge, random_hex(64));
    }

    #[test]
    fn endpoint_urls_keep_the_trailing_slash() {
        assert_eq!(
            endpoint_url("http://127.0.0.1:7470", "/web/handshake/"),
            "http://127.0.0.1:7470/web/handshake/"
        );
        assert_eq!(
            endpoint_url("http://127.0.0.1:7470/", "/web/encryption/sign/"),
            "http://127.0.0.1:7470/web/encryption/sign/"
        );
    }

    #[test]
    fn lit_error_bodies_become_typed_failures() {
        let body = json!({"errorKind": "Validation", "errorCode": "NodeNotAuthorized", "status": 403,
            "message": "not authorized", "details": ["wrong node"]});
        let failure = lit_error("http://n", 403, Some(&body));
        assert_eq!(failure.error_code.as_deref(), Some("NodeNotAuthorized"));
        assert_eq!(failure.error_kind.as_deref(), Some("Validation"));
        assert_eq!(failure.message, "not authorized (wrong node)");
        assert_eq!(failure.status, Some(403));
        let bare = lit_error("http://n", 502, None);
        assert_eq!(bare.error_code, None);
        assert_eq!(bare.message, "no error body");
    }
}
