//! Request plumbing shared by the routes: the correlation id, the JSON extractor with the body
//! limit, and the fallbacks, so that every answer, even to garbage, is in Lit's error shape.

use crate::error::{InternalErrorLog, NodeError};
use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use serde::de::DeserializeOwned;
use std::time::Duration;
use tracing::Instrument;

/// Largest request body a node reads: 512 KiB, the most `sigil-crypto` parses as a conditions
/// document (the request body is that document). The largest legitimate request (a session
/// sig carrying a few capabilities, plus at most 30 conditions) is tens of KiB.
pub const BODY_LIMIT: usize = sigil_crypto::conditions::MAX_DOCUMENT_BYTES;

/// After the limit, the node still reads (and discards) up to this much more, so that a client
/// that sent an oversized body receives the 413 rather than a reset connection.
const DRAIN_LIMIT: usize = 32 * 1024 * 1024;
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Longest client-given correlation id echoed back; longer or non-printable ones are replaced.
const MAX_CORRELATION_ID_LEN: usize = 128;

/// Lit reads `X-Correlation-Id` first, then `X-Request-Id` (the one the JS SDK sends).
const CORRELATION_HEADERS: [&str; 2] = ["x-correlation-id", "x-request-id"];

/// The request's correlation id, set by [`correlate`] on every request.
#[derive(Debug, Clone)]
pub struct CorrelationId {
    id: String,
    from_client: bool,
}

impl CorrelationId {
    /// The id: the client's, or one the node made up (`LD-` + random hex, as Lit does).
    pub fn as_str(&self) -> &str {
        &self.id
    }
}

fn client_correlation_id(headers: &HeaderMap) -> Option<String> {
    CORRELATION_HEADERS.iter().find_map(|name| {
        let value = headers.get(*name)?.to_str().ok()?.trim();
        let printable = value.bytes().all(|b| b.is_ascii_graphic());
        (printable && !value.is_empty() && value.len() <= MAX_CORRELATION_ID_LEN)
            .then(|| value.to_owned())
    })
}

fn generated_correlation_id() -> String {
    format!("LD-{}", hex::encode(rand::random::<[u8; 16]>()))
}

/// Middleware: gives each request its correlation id (and a tracing span), logs internal
/// errors, and writes the id into error bodies. Written here rather than with tower-http's
/// request-id layers: Lit prefers `X-Correlation-Id` to `X-Request-Id`, drops unprintable or
/// long ids and makes `LD-` ids, and the id must reach the error body.
pub(crate) async fn correlate(mut request: Request, next: Next) -> Response {
    let client_id = client_correlation_id(request.headers());
    let correlation = CorrelationId {
        from_client: client_id.is_some(),
        id: client_id.unwrap_or_else(generated_correlation_id),
    };
    let span = tracing::info_span!(
        "request",
        correlation_id = %correlation.id,
        method = %request.method(),
        path = %truncated(request.uri().path()),
    );
    let id = correlation.id.clone();
    request.extensions_mut().insert(correlation);

    let mut response = next.run(request).instrument(span.clone()).await;

    if let Some(InternalErrorLog(detail)) = response.extensions_mut().remove::<InternalErrorLog>() {
        span.in_scope(|| tracing::error!(%detail, "request failed inside the node"));
    }
    if let Some(mut body) = response
        .extensions_mut()
        .remove::<sigil_wire::LitErrorBody>()
    {
        body.correlation_id = Some(id);
        match serde_json::to_vec(&body) {
            Ok(bytes) => {
                response.headers_mut().remove(header::CONTENT_LENGTH);
                *response.body_mut() = Body::from(bytes);
            }
            Err(error) => span.in_scope(|| tracing::error!(%error, "could not write error body")),
        }
    }
    response
}

fn truncated(path: &str) -> String {
    path.chars().take(200).collect()
}

/// Extractor for routes that, like Lit's handshake, refuse requests without a client
/// correlation id (HTTP 418). The JS SDK always sends `X-Request-Id`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RequiredCorrelationId;

impl<S: Send + Sync> FromRequestParts<S> for RequiredCorrelationId {
    type Rejection = NodeError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<CorrelationId>() {
            Some(id) if id.from_client => Ok(RequiredCorrelationId),
            _ => Err(NodeError::MissingRequestId),
        }
    }
}

/// JSON body extractor whose every failure is a [`NodeError`] in Lit's shape:
/// wrong content type 415, body over [`BODY_LIMIT`] 413, not JSON 400 (`NodeParserError`),
/// JSON of the wrong shape 422 (`NodeBadInput`; the same split Lit's Rocket `Json` guard makes).
#[derive(Debug, Clone)]
pub struct AppJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for AppJson<T> {
    type Rejection = NodeError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        if !is_json_content_type(request.headers()) {
            return Err(NodeError::UnsupportedContentType);
        }
        let bytes = read_body(request.into_body(), BODY_LIMIT).await?;
        parse_json(&bytes).map(AppJson)
    }
}

/// Parses `bytes` as `T`, classifying failures as Lit's node does. A body in which any object
/// repeats a key is refused as a shape error (422), as Lit's typed requests refuse repeated
/// fields: otherwise the parts read from the raw text (the conditions, JSON.parse-like, last value
/// wins) could differ from what another reader of the same bytes takes.
pub(crate) fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, NodeError> {
    let classify = |error: serde_json::Error| match error.classify() {
        serde_json::error::Category::Data => NodeError::InvalidBody(error.to_string()),
        _ => NodeError::MalformedJson(error.to_string()),
    };
    let value = serde_json::from_slice(bytes).map_err(classify)?;
    // A repeated key is a Data error; nesting past serde_json's limit stays a syntax error.
    serde_json::from_slice::<UniqueKeys>(bytes).map_err(classify)?;
    Ok(value)
}

/// Any JSON value in which no object repeats a key (serde_json's recursion limit bounds depth).
struct UniqueKeys;

impl<'de> serde::Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UniqueKeysVisitor)
    }
}

struct UniqueKeysVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueKeysVisitor {
    type Value = UniqueKeys;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_i64<E>(self, _: i64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_u64<E>(self, _: u64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_f64<E>(self, _: f64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_str<E>(self, _: &str) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_unit<E>(self) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<UniqueKeys, A::Error> {
        while seq.next_element::<UniqueKeys>()?.is_some() {}
        Ok(UniqueKeys)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<UniqueKeys, A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if seen.contains(&key) {
                let shown: String = key.chars().take(64).collect();
                return Err(serde::de::Error::custom(format!("duplicate key `{shown}`")));
            }
            map.next_value::<UniqueKeys>()?;
            seen.insert(key);
        }
        Ok(UniqueKeys)
    }
}

fn is_json_content_type(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
}

/// Reads at most `limit` bytes of body. A larger body is read on (and dropped) up to
/// [`DRAIN_LIMIT`] so the client gets the 413, then refused. (tower-http's body limit answers
/// without reading on, so a client still uploading would see a reset, not Lit's body.)
async fn read_body(body: Body, limit: usize) -> Result<Vec<u8>, NodeError> {
    let mut stream = body.into_data_stream();
    let mut buffer = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk =
            chunk.map_err(|e| NodeError::MalformedJson(format!("could not read the body: {e}")))?;
        if buffer.len().saturating_add(chunk.len()) > limit {
            let mut drained = buffer.len().saturating_add(chunk.len());
            let drain = async {
                while let Some(Ok(chunk)) = stream.next().await {
                    drained = drained.saturating_add(chunk.len());
                    if drained > DRAIN_LIMIT {
                        break;
                    }
                }
            };
            let _ = tokio::time::timeout(DRAIN_TIMEOUT, drain).await;
            return Err(NodeError::BodyTooLarge { limit });
        }
        buffer.extend_from_slice(&chunk);
    }
    Ok(buffer)
}

/// Answer for a handler that panicked (a bug): Lit's internal-error body, so the client gets an
/// answer with its correlation id, and the node keeps serving.
pub(crate) fn panicked(_detail: Box<dyn std::any::Any + Send + 'static>) -> Response {
    NodeError::internal("request handler", "panicked").into_response()
}

/// Answer for paths no route has.
pub(crate) async fn route_not_found(request: Request) -> Response {
    NodeError::RouteNotFound {
        path: truncated(request.uri().path()),
    }
    .into_response()
}

/// Answer for a known path asked with the wrong method.
pub(crate) async fn method_not_allowed() -> Response {
    let mut response = NodeError::MethodNotAllowed.into_response();
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("POST"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correlation_header_prefers_x_correlation_id_like_lit() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", HeaderValue::from_static("lit_req"));
        headers.insert("x-correlation-id", HeaderValue::from_static("corr"));
        assert_eq!(client_correlation_id(&headers).as_deref(), Some("corr"));
    }

    #[test]
    fn non_printable_or_long_correlation_ids_are_not_echoed() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", HeaderValue::from_static("has space"));
        assert_eq!(client_correlation_id(&headers), None);
        let long = "a".repeat(MAX_CORRELATION_ID_LEN + 1);
        headers.insert(
            "x-request-id",
            HeaderValue::from_str(&long).unwrap_or(HeaderValue::from_static("")),
        );
        assert_eq!(client_correlation_id(&headers), None);
    }

    #[test]
    fn generated_correlation_ids_are_prefixed_and_unique() {
        let (a, b) = (generated_correlation_id(), generated_correlation_id());
        assert!(a.starts_with("LD-") && a.len() == 35);
        assert_ne!(a, b);
    }

    #[test]
    fn json_content_type_accepts_parameters_and_case() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("Application/JSON; charset=utf-8"),
        );
        assert!(is_json_content_type(&headers));
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        assert!(!is_json_content_type(&headers));
        assert!(!is_json_content_type(&HeaderMap::new()));
    }

    #[test]
    fn json_failures_split_into_syntax_and_shape() {
        #[derive(Debug, serde::Deserialize)]
        struct Shape {
            #[allow(dead_code)]
            n: u64,
        }
        assert_eq!(
            parse_json::<Shape>(b"{\"n\":")
                .map(|_| ())
                .unwrap_err()
                .code(),
            "NodeParserError"
        );
        assert_eq!(
            parse_json::<Shape>(b"{\"n\":\"x\"}")
                .map(|_| ())
                .unwrap_err()
                .code(),
            "NodeBadInput"
        );
        assert_eq!(
            parse_json::<Shape>(b"{\"n\":1,\"n\":2}")
                .map(|_| ())
                .unwrap_err()
                .code(),
            "NodeBadInput"
        );
        // A repeated key the typed shape does not read is refused too, at any depth.
        assert_eq!(
            parse_json::<Shape>(b"{\"n\":1,\"x\":[{\"k\":1,\"k\":2}]}")
                .map(|_| ())
                .unwrap_err()
                .code(),
            "NodeBadInput"
        );
        assert!(parse_json::<Shape>(b"{\"n\":1,\"x\":[{\"k\":1},{\"k\":2}]}").is_ok());
    }

    #[tokio::test]
    async fn a_panicking_handler_is_answered_with_lits_internal_error_and_the_id() {
        let router = axum::Router::new()
            .route(
                "/boom",
                axum::routing::post(|| async {
                    panic!("a bug");
                    #[allow(unreachable_code)]
                    ""
                }),
            )
            .layer(tower_http::catch_panic::CatchPanicLayer::custom(panicked))
            .layer(axum::middleware::from_fn(correlate));
        let request = axum::http::Request::post("/boom")
            .header("x-request-id", "lit_boom")
            .body(Body::empty())
            .expect("request");
        let response = tower::ServiceExt::oneshot(router, request)
            .await
            .expect("infallible");
        assert_eq!(response.status(), 500);
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        let body = sigil_wire::LitErrorBody::parse(&bytes).expect("Lit body");
        assert_eq!(body.error_code, sigil_wire::LitErrorCode::NodeSystemFault);
        assert_eq!(body.correlation_id.as_deref(), Some("lit_boom"));
        assert!(body.details.is_empty(), "internal detail is never sent");
    }

    #[tokio::test]
    async fn oversized_body_is_refused_after_being_drained() {
        let body = Body::from(vec![b' '; BODY_LIMIT + 1]);
        assert!(matches!(
            read_body(body, BODY_LIMIT).await,
            Err(NodeError::BodyTooLarge { .. })
        ));
        let body = Body::from(vec![b' '; 10]);
        assert_eq!(
            read_body(body, BODY_LIMIT).await.map(|b| b.len()).ok(),
            Some(10)
        );
    }
}
