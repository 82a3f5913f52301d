//! The JSON-RPC 2.0 server the embedded chain answers through.
//!
//! HTTP `POST /`, single requests and batches (at most [`MAX_BATCH`]); the methods are the
//! chain's (see [`crate::evm::EmbeddedChain`]). Errors: malformed JSON -32700, not a request
//! object / empty batch -32600, unknown method -32601, bad params -32602, a refused transaction
//! or failed write -32000, a revert 3 with its data.

use crate::Error;
use axum::body::Bytes as BodyBytes;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};
use std::net::SocketAddr;
use tokio::task::JoinHandle;
use tokio_util::sync::{CancellationToken, DropGuard};

/// Parse error: the body is not JSON.
pub const PARSE_ERROR: i64 = -32700;
/// The JSON is not a request object (or is an empty batch).
pub const INVALID_REQUEST: i64 = -32600;
/// Unknown method.
pub const METHOD_NOT_FOUND: i64 = -32601;
/// The params do not fit the method.
pub const INVALID_PARAMS: i64 = -32602;
/// The call failed (a reverted or unsupported `eth_call`, a refused mint).
pub const SERVER_ERROR: i64 = -32000;

/// Largest batch answered; bigger ones are refused whole (a batch is cheap to send and costly to
/// answer).
pub const MAX_BATCH: usize = 100;

/// A running JSON-RPC server (from [`crate::evm::EmbeddedChain::serve_rpc`]). Dropping it stops the server too,
/// without waiting; [`RpcServer::shutdown`] waits for in-flight requests.
#[derive(Debug)]
pub struct RpcServer {
    local_addr: SocketAddr,
    // Cancels the server's token when dropped, so a dropped server stops too.
    stop: Option<DropGuard>,
    task: Option<JoinHandle<()>>,
}

impl RpcServer {
    /// The bound address (the real port when port 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// `http://<ip>:<port>`, the URL clients and the JS SDK's `rpcUrl` take.
    pub fn url(&self) -> String {
        format!("http://{}", self.local_addr)
    }

    /// Stops accepting connections, lets in-flight requests finish, and returns once the server
    /// task has ended.
    pub async fn shutdown(mut self) {
        drop(self.stop.take());
        if let Some(task) = self.task.take() {
            if let Err(err) = task.await {
                tracing::warn!(%err, "chain rpc task ended abnormally");
            }
        }
    }
}

/// A chain that answers JSON-RPC methods.
pub(crate) trait Dispatch: Clone + Send + Sync + 'static {
    /// Answers one method call.
    fn dispatch(&self, method: &str, params: &[Value]) -> Result<Value, RpcFailure>;
}

/// Serves `chain` as JSON-RPC on `addr` (port 0 picks a free port); the socket is bound before
/// this returns.
pub(crate) async fn serve<D: Dispatch>(chain: D, addr: SocketAddr) -> Result<RpcServer, Error> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| Error::Bind { addr, source })?;
    let local_addr = listener
        .local_addr()
        .map_err(|source| Error::Bind { addr, source })?;
    let stop = CancellationToken::new();
    let app = Router::new()
        .route("/", post(handle_http::<D>))
        .with_state(chain);
    let stopped = stop.clone().cancelled_owned();
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(stopped)
            .await;
        if let Err(err) = served {
            tracing::warn!(%err, "chain rpc server failed");
        }
    });
    tracing::debug!(%local_addr, "chain rpc listening");
    Ok(RpcServer {
        local_addr,
        stop: Some(stop.drop_guard()),
        task: Some(task),
    })
}

async fn handle_http<D: Dispatch>(State(chain): State<D>, body: BodyBytes) -> impl IntoResponse {
    let answer = handle_body(&chain, &body);
    (
        [(header::CONTENT_TYPE, "application/json")],
        answer.to_string(),
    )
}

/// Answers one HTTP body (a request or a batch); never panics, whatever the bytes.
#[allow(private_bounds)]
pub fn handle_body<D: Dispatch>(chain: &D, body: &[u8]) -> Value {
    let parsed: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(_) => return error_response(Value::Null, PARSE_ERROR, "parse error".into()),
    };
    match parsed {
        Value::Array(batch) if batch.is_empty() => {
            error_response(Value::Null, INVALID_REQUEST, "empty batch".into())
        }
        Value::Array(batch) if batch.len() > MAX_BATCH => error_response(
            Value::Null,
            INVALID_REQUEST,
            format!("batch larger than {MAX_BATCH} requests"),
        ),
        Value::Array(batch) => {
            Value::Array(batch.iter().map(|r| handle_request(chain, r)).collect())
        }
        single => handle_request(chain, &single),
    }
}

fn error_response(id: Value, code: i64, message: String) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

/// A method's failure: the JSON-RPC code, message and optional data (a revert's bytes).
pub(crate) struct RpcFailure {
    code: i64,
    message: String,
    data: Option<Value>,
}

impl RpcFailure {
    pub(crate) fn invalid_params(message: impl Into<String>) -> Self {
        Self {
            code: INVALID_PARAMS,
            message: message.into(),
            data: None,
        }
    }
    pub(crate) fn server(message: impl Into<String>) -> Self {
        Self {
            code: SERVER_ERROR,
            message: message.into(),
            data: None,
        }
    }
    pub(crate) fn method_not_found(method: &str) -> Self {
        Self {
            code: METHOD_NOT_FOUND,
            message: format!("method {method} is not supported"),
            data: None,
        }
    }
    /// A revert: code 3 with the revert data, as geth and anvil answer.
    pub(crate) fn reverted(message: impl Into<String>, data: Value) -> Self {
        Self {
            code: 3,
            message: message.into(),
            data: Some(data),
        }
    }
}

fn handle_request<D: Dispatch>(chain: &D, request: &Value) -> Value {
    let Value::Object(fields) = request else {
        return error_response(Value::Null, INVALID_REQUEST, "not a request object".into());
    };
    let id = fields.get("id").cloned().unwrap_or(Value::Null);
    let Some(method) = fields.get("method").and_then(Value::as_str) else {
        return error_response(id, INVALID_REQUEST, "missing method".into());
    };
    let params: &[Value] = match fields.get("params") {
        None | Some(Value::Null) => &[],
        Some(Value::Array(params)) => params,
        Some(_) => {
            return error_response(id, INVALID_PARAMS, "params must be an array".into());
        }
    };
    match chain.dispatch(method, params) {
        Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
        Err(RpcFailure {
            code,
            message,
            data: Some(data),
        }) => {
            json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message, "data": data}})
        }
        Err(failure) => error_response(id, failure.code, failure.message),
    }
}

pub(crate) fn param<T: serde::de::DeserializeOwned>(
    params: &[Value],
    index: usize,
    name: &str,
) -> Result<T, RpcFailure> {
    let value = params
        .get(index)
        .ok_or_else(|| RpcFailure::invalid_params(format!("missing param {index} ({name})")))?;
    serde_json::from_value(value.clone())
        .map_err(|err| RpcFailure::invalid_params(format!("bad param {index} ({name}): {err}")))
}

pub(crate) fn quantity(value: u64) -> Value {
    Value::String(format!("{value:#x}"))
}
