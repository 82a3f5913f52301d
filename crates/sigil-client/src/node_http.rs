//! Requests to nodes, as the JS SDK's `sendCommandToNode` / `sendRequest` make them.

use crate::{ClientError, NodeFailure};
use futures::{Stream, StreamExt};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sigil_wire::{ExecuteJsFailure, LitErrorBody};
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

/// POSTs `body` as JSON to `<node_url><path>` with the JS SDK's headers. A 2xx answer is read
/// as `A`; anything else becomes a [`NodeFailure`] carrying the node's Lit error fields.
pub(crate) async fn post_json<A: DeserializeOwned>(
    http: &reqwest::Client,
    node_url: &str,
    path: &str,
    body: &impl Serialize,
    request_id: &str,
    timeout: Duration,
) -> Result<A, NodeFailure> {
    let failure = |status: Option<u16>, message: String| NodeFailure {
        url: node_url.to_owned(),
        status,
        error_kind: None,
        error_code: None,
        message,
        logs: None,
    };
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    headers.insert("X-Lit-SDK-Version", HeaderValue::from_static(SDK_VERSION));
    headers.insert("X-Lit-SDK-Type", HeaderValue::from_static(SDK_TYPE));
    let request_id_header = HeaderValue::from_str(&format!("lit_{request_id}"))
        .map_err(|_| failure(None, "request id is not a valid header value".into()))?;
    headers.insert("X-Request-Id", request_id_header);
    let body = serde_json::to_vec(body)
        .map_err(|e| failure(None, format!("cannot serialise the request: {e}")))?;

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
    if status.is_success() {
        let not_json = || failure(Some(status.as_u16()), "answer is not JSON".into());
        if !is_json {
            return Err(not_json());
        }
        return serde_json::from_slice(&bytes).map_err(|e| match e.classify() {
            serde_json::error::Category::Data => {
                failure(Some(status.as_u16()), format!("unexpected answer: {e}"))
            }
            _ => not_json(),
        });
    }
    if is_json {
        // A Lit Action that threw: `{success: false, error, logs}`, without an error code.
        if let Ok(threw) = serde_json::from_slice::<ExecuteJsFailure>(&bytes) {
            return Err(NodeFailure {
                url: node_url.to_owned(),
                status: Some(status.as_u16()),
                error_kind: None,
                error_code: None,
                message: threw.error,
                logs: Some(threw.logs.into()),
            });
        }
    }
    let body = if is_json {
        LitErrorBody::parse(&bytes)
    } else {
        None
    };
    Err(lit_error(node_url, status.as_u16(), body))
}

/// A failure from a Lit error body (Lit's full body or Datil's rate-limit `{message, errorCode}`).
fn lit_error(node_url: &str, status: u16, body: Option<LitErrorBody>) -> NodeFailure {
    let Some(body) = body else {
        return NodeFailure {
            url: node_url.to_owned(),
            status: Some(status),
            error_kind: None,
            error_code: None,
            message: "no error body".to_owned(),
            logs: None,
        };
    };
    let message = match (body.message.is_empty(), body.details.is_empty()) {
        (false, false) => format!("{} ({})", body.message, body.details.join("; ")),
        (false, true) => body.message,
        (true, false) => body.details.join("; "),
        (true, true) => "no error message".to_owned(),
    };
    NodeFailure {
        url: node_url.to_owned(),
        status: Some(status),
        error_kind: body.error_kind,
        error_code: Some(body.error_code),
        message,
        logs: body.logs.map(String::into_boxed_str),
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

/// The first `needed` answers that succeed, as the JS SDK takes them (slower nodes are not
/// waited for); fewer is every node's failure, under the request's id.
pub(crate) async fn first_successes<T>(
    answers: impl Stream<Item = Result<T, NodeFailure>>,
    needed: usize,
    request_id: &str,
) -> Result<Vec<T>, ClientError> {
    let mut answers = std::pin::pin!(answers);
    let mut successes = Vec::with_capacity(needed);
    let mut failures = Vec::new();
    while successes.len() < needed {
        match answers.next().await {
            Some(Ok(answer)) => successes.push(answer),
            Some(Err(failure)) => failures.push(failure),
            None => break,
        }
    }
    if successes.len() < needed {
        return Err(ClientError::NodeErrors {
            request_id: format!("lit_{request_id}"),
            needed,
            succeeded: successes.len(),
            failures,
        });
    }
    Ok(successes)
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
        let body = LitErrorBody::parse(body.to_string().as_bytes());
        let failure = lit_error("http://n", 403, body);
        assert_eq!(
            failure.error_code,
            Some(sigil_wire::LitErrorCode::NodeNotAuthorized)
        );
        assert_eq!(failure.error_kind.as_deref(), Some("Validation"));
        assert_eq!(failure.message, "not authorized (wrong node)");
        assert_eq!(failure.status, Some(403));
        let bare = lit_error("http://n", 502, None);
        assert_eq!(bare.error_code, None);
        assert_eq!(bare.message, "no error body");
    }
}
