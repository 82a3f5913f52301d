//! The devchain's Ethereum JSON-RPC server.
//!
//! JSON-RPC 2.0 over HTTP `POST /`, single requests and batches. Methods:
//!
//! | method | params | result |
//! |---|---|---|
//! | `eth_chainId` | `[]` | chain id, hex quantity |
//! | `net_version` | `[]` | chain id, decimal string |
//! | `web3_clientVersion` | `[]` | `sigil-devchain/<version>` |
//! | `eth_blockNumber` | `[]` | latest block number, hex quantity |
//! | `eth_getBlockByNumber` | `[tag or hex number, fullTx]` | block object or `null` |
//! | `eth_getBlockByHash` | `[hash, fullTx]` | block object or `null` |
//! | `eth_call` | `[{to, data}, tag]` | Staking `getActiveUnkickedValidatorStructsAndCounts()` at the staking address; anything else is error -32000 |
//! | `evm_mine` | `[]` | produces one block now, `"0x0"` (as anvil) |
//! | `sigil_mintCapacityCredits` | `[MintRequest]` | the new [`CapacityCredit`](crate::CapacityCredit) |
//! | `sigil_capacityCredits` | `[owner]` | the owner's credits |
//! | `sigil_allCapacityCredits` | `[]` | every credit |
//!
//! Block objects carry the fields ethers v5 formats (`number`, `hash`, `parentHash`,
//! `timestamp`, `nonce`, `difficulty`, `gasLimit`, `gasUsed`, `miner`, `extraData`,
//! `transactions`, `baseFeePerGas`, ...); the devchain has no transactions. Tags `latest`,
//! `pending`, `safe` and `finalized` all mean the latest block; `earliest` is block 0 while it is
//! still among the last 256.
//!
//! Errors: malformed JSON -32700, not a request object / empty batch -32600, unknown method
//! -32601, bad params -32602, a mint the chain refuses or a failed write -32000.

use crate::devchain::ChainBlock;
use crate::{staking, ChainView, DevChain, Error, MintRequest};
use alloy_primitives::{Address, Bytes, B256, U64};
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

/// A running JSON-RPC server (from [`DevChain::serve_rpc`]). Dropping it stops the server too,
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
                tracing::warn!(%err, "devchain rpc task ended abnormally");
            }
        }
    }
}

impl DevChain {
    /// Serves this chain as JSON-RPC on `addr` (port 0 picks a free port). The socket is bound
    /// before this returns, so the URL is usable at once.
    ///
    /// Must be called from within a tokio runtime.
    pub async fn serve_rpc(&self, addr: SocketAddr) -> Result<RpcServer, Error> {
        serve(self.clone(), addr).await
    }
}

/// A chain that answers JSON-RPC methods: the devchain, and the embedded EVM chain.
pub(crate) trait Dispatch: Clone + Send + Sync + 'static {
    /// Answers one method call.
    fn dispatch(&self, method: &str, params: &[Value]) -> Result<Value, RpcFailure>;
}

impl Dispatch for DevChain {
    fn dispatch(&self, method: &str, params: &[Value]) -> Result<Value, RpcFailure> {
        dispatch(self, method, params)
    }
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

/// The JSON-RPC router for `chain`, without a socket (tests drive it with `oneshot`).
pub fn router(chain: DevChain) -> Router {
    Router::new()
        .route("/", post(handle_http::<DevChain>))
        .with_state(chain)
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

fn dispatch(chain: &DevChain, method: &str, params: &[Value]) -> Result<Value, RpcFailure> {
    match method {
        "eth_chainId" => Ok(quantity(chain.chain_id())),
        "net_version" => Ok(Value::String(chain.chain_id().to_string())),
        "web3_clientVersion" => Ok(Value::String(format!(
            "sigil-devchain/{}",
            env!("CARGO_PKG_VERSION")
        ))),
        "eth_blockNumber" => Ok(quantity(chain.latest_block().number)),
        "eth_getBlockByNumber" => {
            let tag: String = param(params, 0, "block")?;
            let block = match tag.as_str() {
                "latest" | "pending" | "safe" | "finalized" => Some(chain.latest_chain_block()),
                "earliest" => chain.chain_block_by_number(0),
                number => {
                    let number: U64 = number.parse().map_err(|_| {
                        RpcFailure::invalid_params(format!("bad block number {number:?}"))
                    })?;
                    chain.chain_block_by_number(number.to::<u64>())
                }
            };
            Ok(block.map_or(Value::Null, block_json))
        }
        "eth_getBlockByHash" => {
            let hash: B256 = param(params, 0, "hash")?;
            Ok(chain
                .chain_block_by_hash(hash)
                .map_or(Value::Null, block_json))
        }
        "eth_call" => eth_call(chain, params),
        "evm_mine" => {
            chain.produce_block();
            Ok(Value::String("0x0".into()))
        }
        "sigil_mintCapacityCredits" => {
            let request: MintRequest = param(params, 0, "mint request")?;
            let credit = chain
                .mint(&request)
                .map_err(|err| RpcFailure::server(err.to_string()))?;
            tracing::info!(token_id = %credit.token_id, owner = %credit.owner, "minted capacity credit");
            serde_json::to_value(credit).map_err(|err| RpcFailure::server(err.to_string()))
        }
        "sigil_capacityCredits" => {
            let owner: Address = param(params, 0, "owner")?;
            serde_json::to_value(chain.capacity_credits_owned_by(owner))
                .map_err(|err| RpcFailure::server(err.to_string()))
        }
        "sigil_allCapacityCredits" => serde_json::to_value(chain.capacity_credits())
            .map_err(|err| RpcFailure::server(err.to_string())),
        other => Err(RpcFailure {
            code: METHOD_NOT_FOUND,
            message: format!("method {other} is not supported by the sigil devchain"),
            data: None,
        }),
    }
}

#[derive(serde::Deserialize)]
struct CallRequest {
    to: Option<Address>,
    // ethers sends `data`; newer clients may send `input`.
    data: Option<Bytes>,
    input: Option<Bytes>,
}

fn eth_call(chain: &DevChain, params: &[Value]) -> Result<Value, RpcFailure> {
    let call: CallRequest = param(params, 0, "call")?;
    let to = call
        .to
        .ok_or_else(|| RpcFailure::invalid_params("eth_call without `to`"))?;
    if to != chain.staking_address() {
        return Err(RpcFailure::server(format!(
            "the sigil devchain has no contract at {to}; only Staking at {} answers",
            chain.staking_address()
        )));
    }
    let data = call.input.or(call.data).unwrap_or_default();
    if data.get(..4) != Some(staking::SELECTOR.as_slice()) {
        return Err(RpcFailure::server(format!(
            "execution reverted: Staking on the sigil devchain only answers \
             getActiveUnkickedValidatorStructsAndCounts() (0x{})",
            alloy_primitives::hex::encode(staking::SELECTOR)
        )));
    }
    let returned = staking::encode_validator_set(&chain.validator_set());
    Ok(Value::String(alloy_primitives::hex::encode_prefixed(
        returned,
    )))
}

fn block_json(block: ChainBlock) -> Value {
    let zero32 = B256::ZERO;
    json!({
        "number": quantity(block.block.number),
        "hash": block.block.hash,
        "parentHash": block.parent_hash,
        "timestamp": quantity(block.block.timestamp),
        "nonce": "0x0000000000000000",
        "mixHash": zero32,
        "sha3Uncles": "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347",
        "logsBloom": format!("0x{}", "0".repeat(512)),
        "transactionsRoot": "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421",
        "stateRoot": zero32,
        "receiptsRoot": "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421",
        "miner": Address::ZERO,
        "difficulty": "0x0",
        "totalDifficulty": "0x0",
        "extraData": "0x",
        "size": "0x0",
        "gasLimit": "0x1c9c380",
        "gasUsed": "0x0",
        "baseFeePerGas": "0x0",
        "transactions": [],
        "uncles": [],
    })
}
