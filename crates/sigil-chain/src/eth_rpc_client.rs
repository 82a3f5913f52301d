//! A small Ethereum JSON-RPC client: the calls Sigil's nodes and clients make.

use crate::staking::{self, ValidatorSet};
use crate::{Block, Error};
use alloy_primitives::{Address, Bytes, B256, U64};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Timeout of one request when the client builds its own HTTP client.
pub const DEFAULT_RPC_TIMEOUT: Duration = Duration::from_secs(10);

/// Largest response body read (the Staking answer for 100 nodes is under 30 KiB).
const MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

/// A JSON-RPC client for one chain endpoint (a devnet's chain, or Lit's Chronicle Yellowstone).
///
/// ```no_run
/// # async fn demo() -> Result<(), sigil_chain::Error> {
/// use sigil_chain::{EthRpcClient, DEFAULT_STAKING_ADDRESS};
/// let rpc = EthRpcClient::new("http://127.0.0.1:8545")?;
/// let set = rpc.validator_set(DEFAULT_STAKING_ADDRESS).await?;
/// println!("{} nodes, threshold {}", set.validators.len(), set.min_node_count);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct EthRpcClient {
    http: reqwest::Client,
    url: String,
    next_id: AtomicU64,
}

#[derive(Deserialize)]
struct RpcResponse {
    #[serde(default)]
    result: Option<Value>,
    #[serde(default)]
    error: Option<RpcErrorObject>,
}

#[derive(Deserialize)]
struct RpcErrorObject {
    code: i64,
    #[serde(default)]
    message: String,
}

#[derive(Deserialize)]
struct BlockFields {
    number: U64,
    hash: B256,
    timestamp: U64,
}

impl EthRpcClient {
    /// A client for `url` with its own HTTP client ([`DEFAULT_RPC_TIMEOUT`] per request).
    pub fn new(url: impl Into<String>) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .timeout(DEFAULT_RPC_TIMEOUT)
            .build()
            .map_err(|err| Error::Transport(Box::new(err)))?;
        Ok(Self::with_http_client(url, http))
    }

    /// A client for `url` sharing an existing HTTP client (its timeouts apply).
    pub fn with_http_client(url: impl Into<String>, http: reqwest::Client) -> Self {
        Self {
            http,
            url: url.into(),
            next_id: AtomicU64::new(1),
        }
    }

    /// The endpoint URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Calls `method` with `params` (a JSON array) and decodes the `result`.
    pub async fn request<T: DeserializeOwned>(
        &self,
        method: &str,
        params: Value,
    ) -> Result<T, Error> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        let response = self
            .http
            .post(&self.url)
            .json(&body)
            .send()
            .await
            .map_err(|err| Error::Transport(Box::new(err)))?;
        let status = response.status();
        let mut response = response;
        let mut bytes = Vec::new();
        // Read chunk by chunk so a huge body is refused before it is buffered.
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|err| Error::Transport(Box::new(err)))?
        {
            if bytes.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Err(Error::InvalidResponse(format!(
                    "{method}: response larger than {MAX_RESPONSE_BYTES} bytes"
                )));
            }
            bytes.extend_from_slice(&chunk);
        }
        let parsed: RpcResponse = serde_json::from_slice(&bytes).map_err(|_| {
            Error::InvalidResponse(format!("{method}: HTTP {status} with a non-JSON-RPC body"))
        })?;
        if let Some(error) = parsed.error {
            return Err(Error::Rpc {
                code: error.code,
                message: error.message,
            });
        }
        let result = parsed
            .result
            .ok_or_else(|| Error::InvalidResponse(format!("{method}: no result")))?;
        serde_json::from_value(result)
            .map_err(|err| Error::InvalidResponse(format!("{method}: unexpected result: {err}")))
    }

    /// `eth_chainId`.
    pub async fn chain_id(&self) -> Result<u64, Error> {
        let id: U64 = self.request("eth_chainId", json!([])).await?;
        Ok(id.to())
    }

    /// `eth_blockNumber`.
    pub async fn block_number(&self) -> Result<u64, Error> {
        let number: U64 = self.request("eth_blockNumber", json!([])).await?;
        Ok(number.to())
    }

    /// `eth_getBlockByNumber("latest", false)`.
    pub async fn latest_block(&self) -> Result<Block, Error> {
        let block: Option<BlockFields> = self
            .request("eth_getBlockByNumber", json!(["latest", false]))
            .await?;
        let block = block.ok_or_else(|| Error::InvalidResponse("no latest block".to_string()))?;
        Ok(Block {
            number: block.number.to(),
            hash: block.hash,
            timestamp: block.timestamp.to(),
        })
    }

    /// `eth_call` of `data` on `to` at the latest block; the returned bytes.
    pub async fn call(&self, to: Address, data: &[u8]) -> Result<Vec<u8>, Error> {
        let data = Bytes::copy_from_slice(data);
        let returned: Bytes = self
            .request("eth_call", json!([{"to": to, "data": data}, "latest"]))
            .await?;
        Ok(returned.to_vec())
    }

    /// The Staking call the JS SDK v7 makes in `connect()`, decoded.
    pub async fn validator_set(&self, staking_address: Address) -> Result<ValidatorSet, Error> {
        let returned = self.call(staking_address, &staking::call_data()).await?;
        staking::decode_validator_set(&returned)
    }
}
