//! An EVM chain in-process: the contracts' bytecode runs on revm, every transaction is mined in
//! a block of its own at once (anvil's automine), and the dev accounts anvil funds are funded,
//! so tools written for anvil work unchanged. [`super::embedded_rpc`] serves it as Ethereum
//! JSON-RPC.

use alloy_consensus::transaction::SignerRecoverable;
use alloy_consensus::{Transaction as _, TxEnvelope};
use alloy_eips::eip2718::Decodable2718;
use alloy_primitives::{keccak256, Address, Bytes, Log, B256, U256};
use revm::context::result::{EVMError, ExecutionResult, Output};
use revm::context::{BlockEnv, CfgEnv, TxEnv};
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::TxKind;
use revm::state::{AccountInfo, Bytecode};
use revm::{Context, DatabaseRef, ExecuteCommitEvm, ExecuteEvm, MainBuilder, MainContext};
use std::collections::HashMap;

/// Gas limit of every block (anvil's default).
pub const BLOCK_GAS_LIMIT: u64 = 30_000_000;
/// Base fee of every block, in wei (anvil's initial one).
pub const BASE_FEE: u64 = 1_000_000_000;
/// What each dev account holds at genesis: 10 000 ether, as on anvil.
pub const DEV_ACCOUNT_BALANCE: U256 = U256::from_limbs([0x1ed09bead87c0378, 0x21e, 0, 0]);

/// The private keys of anvil's dev accounts 0-9 (mnemonic `test test test test test test test
/// test test test test junk`, path `m/44'/60'/0'/0/i`): public knowledge, for local chains only.
/// The embedded chain funds these accounts and signs `eth_sendTransaction` for them, as anvil
/// does.
pub const DEV_ACCOUNT_KEYS: [B256; 10] = [
    alloy_primitives::b256!("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"),
    alloy_primitives::b256!("59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"),
    alloy_primitives::b256!("5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"),
    alloy_primitives::b256!("7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6"),
    alloy_primitives::b256!("47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a"),
    alloy_primitives::b256!("8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba"),
    alloy_primitives::b256!("92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e"),
    alloy_primitives::b256!("4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356"),
    alloy_primitives::b256!("dbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97"),
    alloy_primitives::b256!("2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6"),
];

/// anvil's dev accounts 0-9, as signers.
pub fn dev_signers() -> Vec<alloy_signer_local::PrivateKeySigner> {
    DEV_ACCOUNT_KEYS
        .iter()
        .map(|key| {
            alloy_signer_local::PrivateKeySigner::from_bytes(key).expect("anvil's keys are valid")
        })
        .collect()
}

/// One block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbeddedBlock {
    /// Height.
    pub number: u64,
    /// Hash: keccak256 of the parent hash, number, timestamp and transaction hashes.
    pub hash: B256,
    /// The parent's hash (zero for genesis).
    pub parent_hash: B256,
    /// Unix seconds.
    pub timestamp: u64,
    /// Gas its transactions used.
    pub gas_used: u64,
    /// Its transactions' hashes, in order.
    pub transactions: Vec<B256>,
}

/// A mined transaction and its outcome.
#[derive(Debug, Clone)]
pub struct MinedTransaction {
    /// The signed transaction.
    pub envelope: TxEnvelope,
    /// Its sender.
    pub from: Address,
    /// The block it is in.
    pub block_number: u64,
    /// That block's hash.
    pub block_hash: B256,
    /// Its index in the block.
    pub index: u64,
    /// Whether it succeeded.
    pub success: bool,
    /// Gas it used.
    pub gas_used: u64,
    /// Gas used in its block up to and including it.
    pub cumulative_gas_used: u64,
    /// Price paid per gas.
    pub effective_gas_price: u128,
    /// Its logs, in order.
    pub logs: Vec<Log>,
    /// The contract it created, if any.
    pub contract_address: Option<Address>,
}

/// A call or gas estimate's transaction, as `eth_call` takes it.
#[derive(Debug, Clone, Default)]
pub struct CallRequest {
    /// Sender (zero if absent).
    pub from: Option<Address>,
    /// Callee; absent for a contract creation.
    pub to: Option<Address>,
    /// Gas limit (the block's if absent).
    pub gas: Option<u64>,
    /// Value sent.
    pub value: Option<U256>,
    /// Input data.
    pub input: Bytes,
}

/// Why the chain refused something.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmbeddedError {
    /// The raw transaction does not decode or its signature does not recover.
    #[error("invalid transaction: {0}")]
    InvalidTransaction(String),
    /// The transaction is for another chain.
    #[error("invalid chain id {0:?}")]
    WrongChain(Option<u64>),
    /// The transaction cannot be included (nonce, funds, gas).
    #[error("{0}")]
    Rejected(String),
    /// A call reverted; `data` is the revert data.
    #[error("execution reverted")]
    Reverted {
        /// The revert data (an `Error(string)` or custom error encoding, or empty).
        data: Bytes,
    },
    /// A call halted (out of gas, invalid opcode...).
    #[error("execution halted: {0}")]
    Halted(String),
}

/// The chain: state, blocks and mined transactions.
#[derive(Clone)]
pub struct EmbeddedEvm {
    chain_id: u64,
    db: CacheDB<EmptyDB>,
    blocks: Vec<EmbeddedBlock>,
    transactions: HashMap<B256, MinedTransaction>,
    /// Seconds added to the wall clock (`evm_increaseTime`).
    time_offset: u64,
    /// The next block's timestamp, when set (`evm_setNextBlockTimestamp`).
    next_timestamp: Option<u64>,
}

impl std::fmt::Debug for EmbeddedEvm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedEvm")
            .field("chain_id", &self.chain_id)
            .field("blocks", &self.blocks.len())
            .finish_non_exhaustive()
    }
}

impl EmbeddedEvm {
    /// A new chain: genesis at `now` (unix seconds) with the dev accounts funded.
    pub fn new(chain_id: u64, now: u64) -> Self {
        let mut db = CacheDB::new(EmptyDB::default());
        for signer in dev_signers() {
            db.insert_account_info(
                signer.address(),
                AccountInfo {
                    balance: DEV_ACCOUNT_BALANCE,
                    ..AccountInfo::default()
                },
            );
        }
        let mut chain = Self {
            chain_id,
            db,
            blocks: Vec::new(),
            transactions: HashMap::new(),
            time_offset: 0,
            next_timestamp: None,
        };
        chain.seal_block(now, Vec::new(), 0);
        chain
    }

    /// The EIP-155 chain id.
    pub fn chain_id(&self) -> u64 {
        self.chain_id
    }

    /// The latest block.
    pub fn latest_block(&self) -> &EmbeddedBlock {
        self.blocks.last().expect("genesis exists")
    }

    /// Block `number`, if mined.
    pub fn block(&self, number: u64) -> Option<&EmbeddedBlock> {
        self.blocks.get(usize::try_from(number).ok()?)
    }

    /// The block with `hash`, if any.
    pub fn block_by_hash(&self, hash: B256) -> Option<&EmbeddedBlock> {
        self.blocks.iter().rev().find(|block| block.hash == hash)
    }

    /// The mined transaction `hash`, if any.
    pub fn transaction(&self, hash: B256) -> Option<&MinedTransaction> {
        self.transactions.get(&hash)
    }

    /// An account's balance.
    pub fn balance(&self, address: Address) -> U256 {
        self.account(address)
            .map_or(U256::ZERO, |info| info.balance)
    }

    /// An account's nonce (transactions it sent).
    pub fn nonce(&self, address: Address) -> u64 {
        self.account(address).map_or(0, |info| info.nonce)
    }

    /// An account's code.
    pub fn code(&self, address: Address) -> Bytes {
        self.account(address)
            .and_then(|info| info.code)
            .map(|code| code.original_bytes())
            .unwrap_or_default()
    }

    /// One storage slot.
    pub fn storage(&self, address: Address, slot: U256) -> U256 {
        self.db.storage_ref(address, slot).unwrap_or_default()
    }

    fn account(&self, address: Address) -> Option<AccountInfo> {
        self.db.basic_ref(address).ok().flatten()
    }

    /// Executes a signed raw transaction (legacy, EIP-2930 or EIP-1559) in a new block; its hash.
    pub fn send_raw_transaction(&mut self, raw: &[u8]) -> Result<B256, EmbeddedError> {
        let envelope = TxEnvelope::decode_2718(&mut &raw[..])
            .map_err(|error| EmbeddedError::InvalidTransaction(error.to_string()))?;
        if !matches!(
            envelope,
            TxEnvelope::Legacy(_) | TxEnvelope::Eip2930(_) | TxEnvelope::Eip1559(_)
        ) {
            return Err(EmbeddedError::InvalidTransaction(
                "only legacy, EIP-2930 and EIP-1559 transactions are accepted".into(),
            ));
        }
        if envelope.chain_id().is_some_and(|id| id != self.chain_id) {
            return Err(EmbeddedError::WrongChain(envelope.chain_id()));
        }
        let from = envelope
            .recover_signer()
            .map_err(|error| EmbeddedError::InvalidTransaction(error.to_string()))?;
        let hash = *envelope.tx_hash();
        let tx = TxEnv {
            tx_type: envelope.tx_type() as u8,
            caller: from,
            gas_limit: envelope.gas_limit(),
            gas_price: envelope.max_fee_per_gas(),
            kind: envelope.kind(),
            value: envelope.value(),
            data: envelope.input().clone(),
            nonce: envelope.nonce(),
            chain_id: envelope.chain_id(),
            access_list: envelope.access_list().cloned().unwrap_or_default(),
            gas_priority_fee: envelope.max_priority_fee_per_gas(),
            ..TxEnv::default()
        };
        let timestamp = self.next_block_timestamp();
        let number = self.latest_block().number + 1;
        let block = self.block_env(number, timestamp);
        let cfg = self.cfg(false);
        let result = {
            let mut evm = Context::mainnet()
                .with_db(&mut self.db)
                .with_block(block)
                .with_cfg(cfg)
                .build_mainnet();
            evm.precompiles.precompiles = super::derive_precompile::precompiles();
            evm.transact_commit(tx).map_err(rejection)?
        };
        let effective_gas_price = envelope.effective_gas_price(Some(BASE_FEE));
        let success = result.is_success();
        let gas_used = result.tx_gas_used();
        let logs = if success {
            result.logs().to_vec()
        } else {
            Vec::new()
        };
        let contract_address = match (&result, envelope.kind()) {
            (
                ExecutionResult::Success {
                    output: Output::Create(_, address),
                    ..
                },
                _,
            ) => *address,
            _ => None,
        };
        let block_hash = self.seal_block(timestamp, vec![hash], gas_used);
        self.transactions.insert(
            hash,
            MinedTransaction {
                envelope,
                from,
                block_number: number,
                block_hash,
                index: 0,
                success,
                gas_used,
                cumulative_gas_used: gas_used,
                effective_gas_price,
                logs,
                contract_address,
            },
        );
        Ok(hash)
    }

    /// Runs `request` on the latest state without changing it; its output.
    pub fn call(&self, request: &CallRequest) -> Result<Bytes, EmbeddedError> {
        let (result, _) = self.simulate(request, request.gas.unwrap_or(BLOCK_GAS_LIMIT), false)?;
        match result {
            ExecutionResult::Success { output, .. } => Ok(output.into_data()),
            ExecutionResult::Revert { output, .. } => Err(EmbeddedError::Reverted { data: output }),
            ExecutionResult::Halt { reason, .. } => {
                Err(EmbeddedError::Halted(format!("{reason:?}")))
            }
        }
    }

    /// The gas `request` needs in the next block: the least limit under which it succeeds
    /// (searched between what it used with the whole block's gas and that). Run as the next
    /// block, as anvil estimates: what a contract reads of the block (`blockhash` of its parent,
    /// which a PKP mint hashes into its key) is then what the mined transaction will read.
    pub fn estimate_gas(&self, request: &CallRequest) -> Result<u64, EmbeddedError> {
        let cap = request.gas.unwrap_or(BLOCK_GAS_LIMIT);
        let (result, used) = self.simulate(request, cap, true)?;
        match result {
            ExecutionResult::Success { .. } => {}
            ExecutionResult::Revert { output, .. } => {
                return Err(EmbeddedError::Reverted { data: output })
            }
            ExecutionResult::Halt { reason, .. } => {
                return Err(EmbeddedError::Halted(format!("{reason:?}")))
            }
        }
        let succeeds = |limit: u64| {
            matches!(
                self.simulate(request, limit, true),
                Ok((ExecutionResult::Success { .. }, _))
            )
        };
        // Calls forward 63/64 of their gas and refunds come back at the end, so the limit a
        // transaction needs can exceed what it used; most need at most a third more.
        let guess = used.saturating_add(used / 3).min(cap);
        let (mut low, mut high) = if succeeds(used) {
            return Ok(used);
        } else if succeeds(guess) {
            (used, guess)
        } else {
            (guess, cap)
        };
        while high - low > 1_000 {
            let middle = low + (high - low) / 2;
            if succeeds(middle) {
                high = middle;
            } else {
                low = middle;
            }
        }
        Ok(high)
    }

    /// Runs `request` without keeping its changes, in the latest block or, when `pending`, as
    /// the next one.
    fn simulate(
        &self,
        request: &CallRequest,
        gas_limit: u64,
        pending: bool,
    ) -> Result<(ExecutionResult, u64), EmbeddedError> {
        let caller = request.from.unwrap_or_default();
        let tx = TxEnv {
            caller,
            gas_limit,
            gas_price: 0,
            kind: request.to.map_or(TxKind::Create, TxKind::Call),
            value: request.value.unwrap_or_default(),
            data: request.input.clone(),
            nonce: self.nonce(caller),
            chain_id: Some(self.chain_id),
            ..TxEnv::default()
        };
        let latest = self.latest_block();
        let block = if pending {
            let timestamp = unix_now()
                .saturating_add(self.time_offset)
                .max(latest.timestamp);
            self.block_env(latest.number + 1, self.next_timestamp.unwrap_or(timestamp))
        } else {
            self.block_env(latest.number, latest.timestamp)
        };
        let mut overlay = CacheDB::new(&self.db);
        let mut evm = Context::mainnet()
            .with_db(&mut overlay)
            .with_block(block)
            .with_cfg(self.cfg(true))
            .build_mainnet();
        evm.precompiles.precompiles = super::derive_precompile::precompiles();
        let result = evm.transact(tx).map_err(rejection)?.result;
        let used = result.tx_gas_used();
        Ok((result, used))
    }

    /// Logs of blocks `from..=to` emitted by `addresses` (any when empty) whose topics match
    /// `topics` (position by position; an empty alternative list matches anything), with their
    /// transaction and block.
    pub fn logs(
        &self,
        from: u64,
        to: u64,
        addresses: &[Address],
        topics: &[Vec<B256>],
    ) -> Vec<(&MinedTransaction, usize, &Log)> {
        let mut found = Vec::new();
        let last = to.min(self.latest_block().number);
        for number in from..=last {
            let Some(block) = self.block(number) else {
                break;
            };
            let mut log_index = 0;
            for hash in &block.transactions {
                let Some(mined) = self.transactions.get(hash) else {
                    continue;
                };
                for log in &mined.logs {
                    let address_matches = addresses.is_empty() || addresses.contains(&log.address);
                    let topics_match = topics.iter().enumerate().all(|(position, wanted)| {
                        wanted.is_empty()
                            || log
                                .topics()
                                .get(position)
                                .is_some_and(|topic| wanted.contains(topic))
                    });
                    if address_matches && topics_match {
                        found.push((mined, log_index, log));
                    }
                    log_index += 1;
                }
            }
        }
        found
    }

    /// Mines an empty block.
    pub fn mine(&mut self) -> B256 {
        let timestamp = self.next_block_timestamp();
        self.seal_block(timestamp, Vec::new(), 0)
    }

    /// Moves the clock `seconds` ahead for the blocks to come; the total offset.
    pub fn increase_time(&mut self, seconds: u64) -> u64 {
        self.time_offset = self.time_offset.saturating_add(seconds);
        self.time_offset
    }

    /// The next block's timestamp.
    pub fn set_next_block_timestamp(&mut self, timestamp: u64) {
        self.next_timestamp = Some(timestamp);
    }

    /// Sets an account's balance.
    pub fn set_balance(&mut self, address: Address, balance: U256) {
        let mut info = self.account(address).unwrap_or_default();
        info.balance = balance;
        self.db.insert_account_info(address, info);
    }

    /// Sets an account's code.
    pub fn set_code(&mut self, address: Address, code: Bytes) {
        let mut info = self.account(address).unwrap_or_default();
        let bytecode = Bytecode::new_raw(code);
        info.code_hash = bytecode.hash_slow();
        info.code = Some(bytecode);
        self.db.insert_account_info(address, info);
    }

    /// Sets one storage slot.
    pub fn set_storage(&mut self, address: Address, slot: U256, value: U256) {
        // The account must be known to the cache before its storage is.
        if self.account(address).is_none() {
            self.db.insert_account_info(address, AccountInfo::default());
        }
        let _ = self.db.insert_account_storage(address, slot, value);
    }

    /// The chain's clock: unix seconds plus what `evm_increaseTime` added.
    pub fn clock(&self) -> u64 {
        unix_now().saturating_add(self.time_offset)
    }

    fn next_block_timestamp(&mut self) -> u64 {
        let latest = self.latest_block().timestamp;
        let chosen = self.next_timestamp.take().unwrap_or_else(|| self.clock());
        // Timestamps never go back.
        chosen.max(latest)
    }

    fn block_env(&self, number: u64, timestamp: u64) -> BlockEnv {
        BlockEnv {
            number: U256::from(number),
            timestamp: U256::from(timestamp),
            gas_limit: BLOCK_GAS_LIMIT,
            basefee: BASE_FEE,
            prevrandao: Some(keccak256(number.to_be_bytes())),
            ..BlockEnv::default()
        }
    }

    fn cfg(&self, call: bool) -> CfgEnv {
        let mut cfg = CfgEnv::default();
        cfg.chain_id = self.chain_id;
        // Prague, the fork anvil and Lit's chains run: without Osaka's per-transaction gas cap,
        // which a gas estimate at the block limit would hit.
        cfg.spec = revm::primitives::hardfork::SpecId::PRAGUE;
        if call {
            // eth_call runs as anvil's does: no fee, no balance check for the gas.
            cfg.disable_base_fee = true;
            cfg.disable_balance_check = true;
            cfg.disable_nonce_check = true;
        }
        cfg
    }

    fn seal_block(&mut self, timestamp: u64, transactions: Vec<B256>, gas_used: u64) -> B256 {
        let (number, parent_hash) = match self.blocks.last() {
            Some(parent) => (parent.number + 1, parent.hash),
            None => (0, B256::ZERO),
        };
        let mut preimage = Vec::with_capacity(72 + 32 * transactions.len());
        preimage.extend_from_slice(parent_hash.as_slice());
        preimage.extend_from_slice(&number.to_be_bytes());
        preimage.extend_from_slice(&timestamp.to_be_bytes());
        preimage.extend_from_slice(&self.chain_id.to_be_bytes());
        for hash in &transactions {
            preimage.extend_from_slice(hash.as_slice());
        }
        let hash = keccak256(&preimage);
        self.db.cache.block_hashes.insert(U256::from(number), hash);
        self.blocks.push(EmbeddedBlock {
            number,
            hash,
            parent_hash,
            timestamp,
            gas_used,
            transactions,
        });
        hash
    }
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

fn rejection<E: std::fmt::Display>(error: EVMError<E>) -> EmbeddedError {
    EmbeddedError::Rejected(error.to_string())
}
