//! [`EmbeddedChain`]: the embedded EVM chain served as the Ethereum JSON-RPC that ethers v5 (the
//! JS SDK's), alloy and anvil-based tooling use.
//!
//! | methods | |
//! |---|---|
//! | `eth_chainId`, `net_version`, `web3_clientVersion`, `eth_blockNumber` | |
//! | `eth_getBlockByNumber`, `eth_getBlockByHash` | with `baseFeePerGas`; full transactions on request |
//! | `eth_getBalance`, `eth_getTransactionCount`, `eth_getCode`, `eth_getStorageAt` | latest state |
//! | `eth_gasPrice`, `eth_maxPriorityFeePerGas`, `eth_feeHistory` | constant base fee |
//! | `eth_call`, `eth_estimateGas` | reverts are error 3 with the revert data |
//! | `eth_sendRawTransaction` | legacy, EIP-2930, EIP-1559; mined at once |
//! | `eth_accounts`, `eth_sendTransaction` | anvil's dev accounts, signed with their well-known keys |
//! | `eth_getTransactionByHash`, `eth_getTransactionReceipt`, `eth_getLogs` | |
//! | `evm_mine`, `evm_increaseTime`, `evm_setNextBlockTimestamp`, `evm_snapshot`, `evm_revert` | anvil's dev methods |
//! | `anvil_setBalance`, `anvil_setCode`, `anvil_setStorageAt` | |
//!
//! State is answered at the latest block whatever block tag is asked.

use super::embedded::{
    dev_signers, CallRequest, EmbeddedBlock, EmbeddedError, EmbeddedEvm, MinedTransaction,
    BASE_FEE, BLOCK_GAS_LIMIT,
};
use super::journal::{Entry, Journal};
use crate::rpc::{param, quantity, Dispatch, RpcFailure, RpcServer};
use crate::Error;
use alloy_consensus::transaction::Recovered;
use alloy_consensus::{Eip658Value, Receipt, ReceiptEnvelope, ReceiptWithBloom, TxType};
use alloy_primitives::{Address, Bloom, Bytes, B256, U256};
use parking_lot::Mutex;
use serde::Deserialize;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// Distinct method names counted (a client sending made-up names cannot grow the table).
const MAX_COUNTED_METHODS: usize = 128;

/// Priority fee suggested to wallets, in wei.
const PRIORITY_FEE: u64 = 1_000_000_000;

/// The embedded chain, shareable between the RPC server and in-process readers.
#[derive(Clone)]
pub struct EmbeddedChain {
    state: Arc<Mutex<ChainState>>,
}

struct ChainState {
    evm: EmbeddedEvm,
    /// Requests served, by method (what a benchmark counts a node's chain reads with).
    served: std::collections::BTreeMap<String, u64>,
    /// `evm_snapshot`s, by id - 1, each with the journal's length when it was taken.
    snapshots: Vec<(EmbeddedEvm, u64)>,
    /// Where every change is kept, when the chain has a data dir.
    journal: Option<Journal>,
}

impl ChainState {
    /// Mines a raw transaction and journals it.
    fn send_and_record(&mut self, raw: Bytes) -> Result<B256, RpcFailure> {
        let hash = self.evm.send_raw_transaction(&raw).map_err(failure)?;
        let timestamp = self.evm.latest_block().timestamp;
        self.record(Entry::Transaction { timestamp, raw })?;
        Ok(hash)
    }

    /// Mines an empty block and journals it.
    fn mine_and_record(&mut self) -> Result<B256, RpcFailure> {
        let hash = self.evm.mine();
        let timestamp = self.evm.latest_block().timestamp;
        self.record(Entry::Mine { timestamp })?;
        Ok(hash)
    }

    /// Records a change that has been made; an error if it could not be kept.
    fn record(&self, entry: Entry) -> Result<(), RpcFailure> {
        match &self.journal {
            Some(journal) => journal.append(&entry).map_err(|error| {
                tracing::error!(%error, "the embedded chain could not journal a change");
                RpcFailure::server(format!(
                    "the change was made but could not be kept: {error}"
                ))
            }),
            None => Ok(()),
        }
    }

    fn journal_len(&self) -> u64 {
        self.journal
            .as_ref()
            .and_then(|journal| journal.len().ok())
            .unwrap_or(0)
    }
}

impl std::fmt::Debug for EmbeddedChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedChain").finish_non_exhaustive()
    }
}

impl EmbeddedChain {
    /// A new chain in memory only, with genesis now and the dev accounts funded.
    pub fn new(chain_id: u64) -> Self {
        Self::from_state(ChainState {
            evm: EmbeddedEvm::new(chain_id, unix_now()),
            snapshots: Vec::new(),
            journal: None,
            served: Default::default(),
        })
    }

    /// The chain kept in `data_dir`: its journal replayed (the same blocks, contracts and
    /// storage as before the restart), or a new chain there.
    pub fn open(chain_id: u64, data_dir: &Path) -> Result<Self, Error> {
        let journal = Journal::open(data_dir)?;
        let entries = journal.entries()?;
        let evm = match entries.split_first() {
            None => {
                let timestamp = unix_now();
                journal.append(&Entry::Genesis { timestamp })?;
                EmbeddedEvm::new(chain_id, timestamp)
            }
            Some((Entry::Genesis { timestamp }, changes)) => {
                let mut evm = EmbeddedEvm::new(chain_id, *timestamp);
                for change in changes {
                    replay(&mut evm, change);
                }
                evm
            }
            Some(_) => {
                return Err(Error::Storage(
                    "the embedded chain's journal does not start with its genesis".into(),
                ))
            }
        };
        Ok(Self::from_state(ChainState {
            evm,
            snapshots: Vec::new(),
            journal: Some(journal),
            served: Default::default(),
        }))
    }

    fn from_state(state: ChainState) -> Self {
        Self {
            state: Arc::new(Mutex::new(state)),
        }
    }

    /// How many requests of each method the chain has served over JSON-RPC.
    pub fn served_requests(&self) -> std::collections::BTreeMap<String, u64> {
        self.state.lock().served.clone()
    }

    /// Runs `f` on the chain.
    pub fn with<R>(&self, f: impl FnOnce(&mut EmbeddedEvm) -> R) -> R {
        f(&mut self.state.lock().evm)
    }

    /// Mines an empty block every `block_time` in which no transaction made one, on the
    /// current tokio runtime, for as long as a clone of the chain lives: on top of automine,
    /// as a real chain's steady blocks, so the latest block's timestamp (what `timestamp`
    /// conditions compare) follows the clock. A block's timestamp is in whole seconds, so no
    /// two idle blocks share one.
    pub fn spawn_interval_mining(&self, block_time: Duration) -> tokio::task::JoinHandle<()> {
        crate::periodic::spawn_periodic(
            Arc::downgrade(&self.state),
            block_time,
            |state| async move {
                let mut state = state.lock();
                if state.evm.clock() > state.evm.latest_block().timestamp {
                    // An error is logged where it happens; the next tick tries again.
                    let _ = state.mine_and_record();
                }
            },
        )
    }

    /// Waits until this is the chain's last handle, so that dropping it closes the journal and
    /// it can be opened again: a stopped RPC server's connection tasks drop their handles a
    /// moment after the server has ended. Gives up waiting after a few seconds.
    pub async fn close(&self) {
        for _ in 0..500 {
            if Arc::strong_count(&self.state) == 1 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        tracing::warn!("the embedded chain is still held elsewhere; its journal stays open");
    }

    /// Serves the chain as JSON-RPC on `addr` (port 0 picks a free port).
    pub async fn serve_rpc(&self, addr: SocketAddr) -> Result<RpcServer, Error> {
        crate::rpc::serve(self.clone(), addr).await
    }
}

impl Dispatch for EmbeddedChain {
    fn dispatch(&self, method: &str, params: &[Value]) -> Result<Value, RpcFailure> {
        let mut state = self.state.lock();
        if let Some(count) = state.served.get_mut(method) {
            *count += 1;
        } else if state.served.len() < MAX_COUNTED_METHODS {
            state.served.insert(method.to_owned(), 1);
        }
        let evm = &mut state.evm;
        match method {
            "eth_chainId" => Ok(quantity(evm.chain_id())),
            "net_version" => Ok(Value::String(evm.chain_id().to_string())),
            "web3_clientVersion" => Ok(Value::String(format!(
                "sigil-embedded-evm/{}",
                env!("CARGO_PKG_VERSION")
            ))),
            "eth_blockNumber" => Ok(quantity(evm.latest_block().number)),
            "eth_accounts" => Ok(json!(dev_signers()
                .iter()
                .map(|signer| signer.address())
                .collect::<Vec<_>>())),
            "eth_getBlockByNumber" => {
                let tag: Value = param(params, 0, "block")?;
                let full: bool = params.get(1).and_then(Value::as_bool).unwrap_or(false);
                let number = block_number(evm, &tag)?;
                Ok(evm
                    .block(number)
                    .map_or(Value::Null, |block| block_json(evm, block, full)))
            }
            "eth_getBlockByHash" => {
                let hash: B256 = param(params, 0, "hash")?;
                let full: bool = params.get(1).and_then(Value::as_bool).unwrap_or(false);
                Ok(evm
                    .block_by_hash(hash)
                    .map_or(Value::Null, |block| block_json(evm, block, full)))
            }
            "eth_getBalance" => {
                let address: Address = param(params, 0, "address")?;
                Ok(json!(evm.balance(address)))
            }
            "eth_getTransactionCount" => {
                let address: Address = param(params, 0, "address")?;
                Ok(quantity(evm.nonce(address)))
            }
            "eth_getCode" => {
                let address: Address = param(params, 0, "address")?;
                Ok(json!(evm.code(address)))
            }
            "eth_getStorageAt" => {
                let address: Address = param(params, 0, "address")?;
                let slot: U256 = param(params, 1, "slot")?;
                Ok(json!(B256::from(evm.storage(address, slot))))
            }
            "eth_gasPrice" => Ok(quantity(BASE_FEE + PRIORITY_FEE)),
            "eth_maxPriorityFeePerGas" => Ok(quantity(PRIORITY_FEE)),
            "eth_feeHistory" => {
                let count = match params.first() {
                    Some(Value::String(text)) => parse_quantity(text)?,
                    Some(Value::Number(number)) => number.as_u64().unwrap_or(1),
                    _ => return Err(RpcFailure::invalid_params("missing block count")),
                }
                .clamp(1, 1024);
                let newest = evm.latest_block().number;
                let count = count.min(newest + 1);
                let percentiles = params.get(2).and_then(Value::as_array).map_or(0, Vec::len);
                Ok(json!({
                    "oldestBlock": quantity(newest + 1 - count),
                    "baseFeePerGas": vec![quantity(BASE_FEE); usize::try_from(count + 1).unwrap_or(2)],
                    "gasUsedRatio": vec![0.0; usize::try_from(count).unwrap_or(1)],
                    "reward": vec![vec![quantity(PRIORITY_FEE); percentiles]; usize::try_from(count).unwrap_or(1)],
                }))
            }
            "eth_call" => {
                let request = call_request(params)?;
                evm.call(&request)
                    .map(|output| json!(output))
                    .map_err(failure)
            }
            "eth_estimateGas" => {
                let request = call_request(params)?;
                evm.estimate_gas(&request).map(quantity).map_err(failure)
            }
            "eth_sendTransaction" => {
                let raw = sign_for_dev_account(evm, params)?;
                state.send_and_record(raw).map(|hash| json!(hash))
            }
            "eth_sendRawTransaction" => {
                let raw: Bytes = param(params, 0, "transaction")?;
                state.send_and_record(raw).map(|hash| json!(hash))
            }
            "eth_getTransactionByHash" => {
                let hash: B256 = param(params, 0, "hash")?;
                Ok(evm.transaction(hash).map_or(Value::Null, transaction_json))
            }
            "eth_getTransactionReceipt" => {
                let hash: B256 = param(params, 0, "hash")?;
                Ok(evm
                    .transaction(hash)
                    .map_or(Value::Null, |mined| receipt_json(evm, mined)))
            }
            "eth_getLogs" => {
                let filter: LogFilter = param(params, 0, "filter")?;
                logs_json(evm, &filter)
            }
            "evm_mine" => {
                state.mine_and_record()?;
                Ok(Value::String("0x0".into()))
            }
            "evm_increaseTime" => {
                let seconds = match params.first() {
                    Some(Value::String(text)) => parse_quantity(text)?,
                    Some(Value::Number(number)) => number
                        .as_u64()
                        .ok_or_else(|| RpcFailure::invalid_params("seconds must be positive"))?,
                    _ => return Err(RpcFailure::invalid_params("missing seconds")),
                };
                let offset = evm.increase_time(seconds);
                state.record(Entry::IncreaseTime { seconds })?;
                Ok(quantity(offset))
            }
            "evm_setNextBlockTimestamp" => {
                let timestamp = match params.first() {
                    Some(Value::String(text)) => parse_quantity(text)?,
                    Some(Value::Number(number)) => number
                        .as_u64()
                        .ok_or_else(|| RpcFailure::invalid_params("timestamp must be positive"))?,
                    _ => return Err(RpcFailure::invalid_params("missing timestamp")),
                };
                evm.set_next_block_timestamp(timestamp);
                Ok(Value::Null)
            }
            "anvil_setBalance" | "hardhat_setBalance" => {
                let address: Address = param(params, 0, "address")?;
                let balance: U256 = param(params, 1, "balance")?;
                evm.set_balance(address, balance);
                state.record(Entry::SetBalance { address, balance })?;
                Ok(Value::Null)
            }
            "anvil_setCode" | "hardhat_setCode" => {
                let address: Address = param(params, 0, "address")?;
                let code: Bytes = param(params, 1, "code")?;
                evm.set_code(address, code.clone());
                state.record(Entry::SetCode { address, code })?;
                Ok(Value::Null)
            }
            "anvil_setStorageAt" | "hardhat_setStorageAt" => {
                let address: Address = param(params, 0, "address")?;
                let slot: U256 = param(params, 1, "slot")?;
                let value: B256 = param(params, 2, "value")?;
                evm.set_storage(address, slot, value.into());
                state.record(Entry::SetStorage {
                    address,
                    slot,
                    value,
                })?;
                Ok(Value::Bool(true))
            }
            "evm_snapshot" => {
                let copy = (state.evm.clone(), state.journal_len());
                state.snapshots.push(copy);
                Ok(quantity(state.snapshots.len() as u64))
            }
            "evm_revert" => {
                let id: Value = param(params, 0, "snapshot id")?;
                let id = match &id {
                    Value::String(text) => parse_quantity(text)?,
                    Value::Number(number) => number.as_u64().unwrap_or(0),
                    _ => 0,
                };
                let index = usize::try_from(id).unwrap_or(0);
                if index == 0 || index > state.snapshots.len() {
                    return Ok(Value::Bool(false));
                }
                // As on anvil, reverting to a snapshot also drops the ones taken after it.
                state.snapshots.truncate(index);
                let (restored, journal_len) = state.snapshots.pop().expect("index is in range");
                if let Some(journal) = &state.journal {
                    journal
                        .truncate(journal_len)
                        .map_err(|error| RpcFailure::server(error.to_string()))?;
                }
                state.evm = restored;
                Ok(Value::Bool(true))
            }
            other => Err(RpcFailure::method_not_found(other)),
        }
    }
}

/// Applies one journaled change while reopening the chain.
fn replay(evm: &mut EmbeddedEvm, entry: &Entry) {
    let replayed = match entry {
        Entry::Genesis { .. } => Ok(()),
        Entry::Transaction { timestamp, raw } => {
            evm.set_next_block_timestamp(*timestamp);
            evm.send_raw_transaction(raw).map(drop)
        }
        Entry::Mine { timestamp } => {
            evm.set_next_block_timestamp(*timestamp);
            evm.mine();
            Ok(())
        }
        Entry::SetBalance { address, balance } => {
            evm.set_balance(*address, *balance);
            Ok(())
        }
        Entry::SetCode { address, code } => {
            evm.set_code(*address, code.clone());
            Ok(())
        }
        Entry::SetStorage {
            address,
            slot,
            value,
        } => {
            evm.set_storage(*address, *slot, (*value).into());
            Ok(())
        }
        Entry::IncreaseTime { seconds } => {
            evm.increase_time(*seconds);
            Ok(())
        }
    };
    if let Err(error) = replayed {
        // It was accepted once on the same state, so this is a bug: say so, keep going.
        tracing::error!(%error, "a journaled change did not replay");
    }
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

fn failure(error: EmbeddedError) -> RpcFailure {
    match error {
        EmbeddedError::Reverted { data } => {
            RpcFailure::reverted(revert_message(&data), json!(data))
        }
        other => RpcFailure::server(other.to_string()),
    }
}

/// `execution reverted`, with the reason when the data is an `Error(string)`.
fn revert_message(data: &Bytes) -> String {
    use alloy_sol_types::{Revert, SolError};
    match Revert::abi_decode(data) {
        Ok(revert) => format!("execution reverted: {}", revert.reason),
        Err(_) => "execution reverted".into(),
    }
}

fn parse_quantity(text: &str) -> Result<u64, RpcFailure> {
    let digits = text
        .strip_prefix("0x")
        .ok_or_else(|| RpcFailure::invalid_params(format!("{text:?} is not a hex quantity")))?;
    u64::from_str_radix(digits, 16)
        .map_err(|_| RpcFailure::invalid_params(format!("{text:?} is not a hex quantity")))
}

fn block_number(evm: &EmbeddedEvm, tag: &Value) -> Result<u64, RpcFailure> {
    match tag {
        Value::String(text) => match text.as_str() {
            "latest" | "pending" | "safe" | "finalized" => Ok(evm.latest_block().number),
            "earliest" => Ok(0),
            number => parse_quantity(number),
        },
        Value::Number(number) => number
            .as_u64()
            .ok_or_else(|| RpcFailure::invalid_params("bad block number")),
        _ => Err(RpcFailure::invalid_params("bad block tag")),
    }
}

/// The transaction fields `eth_call`, `eth_estimateGas` and `eth_sendTransaction` read.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CallParams {
    from: Option<Address>,
    to: Option<Address>,
    gas: Option<U256>,
    value: Option<U256>,
    data: Option<Bytes>,
    input: Option<Bytes>,
    nonce: Option<U256>,
    gas_price: Option<U256>,
    max_fee_per_gas: Option<U256>,
    max_priority_fee_per_gas: Option<U256>,
}

/// `eth_sendTransaction` from one of anvil's dev accounts, as anvil answers it: the chain fills
/// what is missing (nonce, gas, fees) and signs an EIP-1559 transaction with the account's
/// well-known key. Any other sender has no key here.
fn sign_for_dev_account(evm: &EmbeddedEvm, params: &[Value]) -> Result<Bytes, RpcFailure> {
    use alloy_consensus::{SignableTransaction, TxEip1559};
    use alloy_eips::eip2718::Encodable2718;
    use alloy_signer::SignerSync;

    let call: CallParams = param(params, 0, "transaction")?;
    let from = call
        .from
        .ok_or_else(|| RpcFailure::invalid_params("eth_sendTransaction needs from"))?;
    let signer = dev_signers()
        .into_iter()
        .find(|signer| signer.address() == from)
        .ok_or_else(|| {
            RpcFailure::server(format!(
                "no key for {from}: sign the transaction and use eth_sendRawTransaction"
            ))
        })?;
    let request = call_request(params)?;
    let gas_limit = match request.gas {
        Some(gas) => gas,
        None => evm.estimate_gas(&request).map_err(failure)?,
    };
    let to_u128 = |value: Option<U256>| value.map(|v| u128::try_from(v).unwrap_or(u128::MAX));
    let max_fee_per_gas = to_u128(call.max_fee_per_gas)
        .or(to_u128(call.gas_price))
        .unwrap_or(u128::from(2 * BASE_FEE + PRIORITY_FEE));
    let max_priority_fee_per_gas = to_u128(call.max_priority_fee_per_gas)
        .unwrap_or(u128::from(PRIORITY_FEE))
        .min(max_fee_per_gas);
    let nonce = match call.nonce {
        Some(nonce) => {
            u64::try_from(nonce).map_err(|_| RpcFailure::invalid_params("nonce out of range"))?
        }
        None => evm.nonce(from),
    };
    let transaction = TxEip1559 {
        chain_id: evm.chain_id(),
        nonce,
        gas_limit,
        max_fee_per_gas,
        max_priority_fee_per_gas,
        to: request.to.map_or(
            alloy_primitives::TxKind::Create,
            alloy_primitives::TxKind::Call,
        ),
        value: request.value.unwrap_or_default(),
        access_list: Default::default(),
        input: request.input,
    };
    let signature = signer
        .sign_hash_sync(&transaction.signature_hash())
        .map_err(|error| RpcFailure::server(error.to_string()))?;
    let envelope = alloy_consensus::TxEnvelope::from(transaction.into_signed(signature));
    Ok(Bytes::from(envelope.encoded_2718()))
}

fn call_request(params: &[Value]) -> Result<CallRequest, RpcFailure> {
    let call: CallParams = param(params, 0, "transaction")?;
    Ok(CallRequest {
        from: call.from,
        to: call.to,
        gas: call.gas.map(|gas| {
            u64::try_from(gas)
                .unwrap_or(BLOCK_GAS_LIMIT)
                .min(BLOCK_GAS_LIMIT)
        }),
        value: call.value,
        input: call.input.or(call.data).unwrap_or_default(),
    })
}

fn block_json(evm: &EmbeddedEvm, block: &EmbeddedBlock, full: bool) -> Value {
    let transactions: Vec<Value> = block
        .transactions
        .iter()
        .map(|hash| match (full, evm.transaction(*hash)) {
            (true, Some(mined)) => transaction_json(mined),
            _ => json!(hash),
        })
        .collect();
    let mut bloom = Bloom::ZERO;
    for hash in &block.transactions {
        if let Some(mined) = evm.transaction(*hash) {
            for log in &mined.logs {
                bloom.accrue_log(log);
            }
        }
    }
    let zero = B256::ZERO;
    json!({
        "number": quantity(block.number),
        "hash": block.hash,
        "parentHash": block.parent_hash,
        "nonce": "0x0000000000000000",
        "sha3Uncles": alloy_consensus::constants::EMPTY_OMMER_ROOT_HASH,
        "logsBloom": bloom,
        "transactionsRoot": zero,
        "stateRoot": zero,
        "receiptsRoot": zero,
        "miner": Address::ZERO,
        "difficulty": "0x0",
        "totalDifficulty": "0x0",
        "extraData": "0x",
        "size": "0x0",
        "gasLimit": quantity(BLOCK_GAS_LIMIT),
        "gasUsed": quantity(block.gas_used),
        "timestamp": quantity(block.timestamp),
        "mixHash": alloy_primitives::keccak256(block.number.to_be_bytes()),
        "baseFeePerGas": quantity(BASE_FEE),
        "transactions": transactions,
        "uncles": [],
    })
}

fn transaction_json(mined: &MinedTransaction) -> Value {
    let transaction = alloy_rpc_types_eth::Transaction {
        inner: Recovered::new_unchecked(mined.envelope.clone(), mined.from),
        block_hash: Some(mined.block_hash),
        block_number: Some(mined.block_number),
        transaction_index: Some(mined.index),
        effective_gas_price: Some(mined.effective_gas_price),
    };
    serde_json::to_value(transaction).unwrap_or(Value::Null)
}

fn rpc_logs(
    evm: &EmbeddedEvm,
    mined: &MinedTransaction,
    first_index: u64,
) -> Vec<alloy_rpc_types_eth::Log> {
    let timestamp = evm.block(mined.block_number).map(|block| block.timestamp);
    mined
        .logs
        .iter()
        .zip(first_index..)
        .map(|(log, index)| alloy_rpc_types_eth::Log {
            inner: log.clone(),
            block_hash: Some(mined.block_hash),
            block_number: Some(mined.block_number),
            block_timestamp: timestamp,
            transaction_hash: Some(*mined.envelope.tx_hash()),
            transaction_index: Some(mined.index),
            log_index: Some(index),
            removed: false,
        })
        .collect()
}

fn receipt_json(evm: &EmbeddedEvm, mined: &MinedTransaction) -> Value {
    let logs = rpc_logs(evm, mined, 0);
    let mut bloom = Bloom::ZERO;
    for log in &mined.logs {
        bloom.accrue_log(log);
    }
    let receipt = ReceiptWithBloom {
        receipt: Receipt {
            status: Eip658Value::Eip658(mined.success),
            cumulative_gas_used: mined.cumulative_gas_used,
            logs,
        },
        logs_bloom: bloom,
    };
    let inner = match mined.envelope.tx_type() {
        TxType::Legacy => ReceiptEnvelope::Legacy(receipt),
        TxType::Eip2930 => ReceiptEnvelope::Eip2930(receipt),
        _ => ReceiptEnvelope::Eip1559(receipt),
    };
    let to = match alloy_consensus::Transaction::kind(&mined.envelope) {
        alloy_primitives::TxKind::Call(to) => Some(to),
        alloy_primitives::TxKind::Create => None,
    };
    let receipt = alloy_rpc_types_eth::TransactionReceipt {
        inner,
        transaction_hash: *mined.envelope.tx_hash(),
        transaction_index: Some(mined.index),
        block_hash: Some(mined.block_hash),
        block_number: Some(mined.block_number),
        gas_used: mined.gas_used,
        effective_gas_price: mined.effective_gas_price,
        blob_gas_used: None,
        blob_gas_price: None,
        from: mined.from,
        to,
        contract_address: mined.contract_address,
    };
    serde_json::to_value(receipt).unwrap_or(Value::Null)
}

/// `eth_getLogs`' filter: a block range (or one block hash), addresses and topics.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LogFilter {
    from_block: Option<Value>,
    to_block: Option<Value>,
    block_hash: Option<B256>,
    address: Option<OneOrMany<Address>>,
    #[serde(default)]
    topics: Vec<Option<OneOrMany<B256>>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T: Clone> OneOrMany<T> {
    fn to_vec(&self) -> Vec<T> {
        match self {
            OneOrMany::One(one) => vec![one.clone()],
            OneOrMany::Many(many) => many.clone(),
        }
    }
}

/// Most blocks one `eth_getLogs` may span.
const MAX_LOG_RANGE: u64 = 100_000;

fn logs_json(evm: &EmbeddedEvm, filter: &LogFilter) -> Result<Value, RpcFailure> {
    let latest = evm.latest_block().number;
    let (from, to) = match filter.block_hash {
        Some(hash) => {
            let block = evm
                .block_by_hash(hash)
                .ok_or_else(|| RpcFailure::invalid_params("unknown block hash"))?;
            (block.number, block.number)
        }
        None => {
            let bound = |tag: &Option<Value>| match tag {
                Some(tag) => block_number(evm, tag),
                None => Ok(latest),
            };
            (bound(&filter.from_block)?, bound(&filter.to_block)?)
        }
    };
    if to >= from && to - from > MAX_LOG_RANGE {
        return Err(RpcFailure::invalid_params(format!(
            "a log query may span at most {MAX_LOG_RANGE} blocks"
        )));
    }
    let addresses: Vec<Address> = filter
        .address
        .as_ref()
        .map(|one_or_many| one_or_many.to_vec())
        .unwrap_or_default();
    let topics: Vec<Vec<B256>> = filter
        .topics
        .iter()
        .map(|topic| topic.as_ref().map(OneOrMany::to_vec).unwrap_or_default())
        .collect();
    let found: Vec<alloy_rpc_types_eth::Log> = evm
        .logs(from, to, &addresses, &topics)
        .into_iter()
        .map(|(mined, log_index, log)| alloy_rpc_types_eth::Log {
            inner: log.clone(),
            block_hash: Some(mined.block_hash),
            block_number: Some(mined.block_number),
            block_timestamp: evm.block(mined.block_number).map(|block| block.timestamp),
            transaction_hash: Some(*mined.envelope.tx_hash()),
            transaction_index: Some(mined.index),
            log_index: Some(u64::try_from(log_index).unwrap_or(u64::MAX)),
            removed: false,
        })
        .collect();
    Ok(json!(found))
}
