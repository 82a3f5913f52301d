//! The embedded devchain: the chain state a local network needs, kept in memory.

use crate::staking::{EpochInfo, ValidatorSet};
use crate::store::{next_token_id, CreditStore};
use crate::{
    Block, CapacityCredit, ChainView, Error, MintRequest, ValidatorInfo, DEFAULT_DEVCHAIN_CHAIN_ID,
    DEFAULT_STAKING_ADDRESS,
};
use alloy_primitives::{keccak256, Address, B256, U256};
use parking_lot::{Mutex, RwLock};
use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How many recent blocks `eth_getBlockByNumber` / `eth_getBlockByHash` can still find.
const BLOCK_HISTORY: usize = 256;

/// Settings of a [`DevChain`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevChainConfig {
    /// EIP-155 chain id; default [`DEFAULT_DEVCHAIN_CHAIN_ID`] (31337, anvil's).
    pub chain_id: u64,
    /// Time between blocks for [`DevChain::spawn_block_production`]; default 2 s.
    pub block_time: Duration,
    /// Where the Staking contract "lives": the `to` of the `eth_call` the JS SDK makes; default
    /// [`DEFAULT_STAKING_ADDRESS`].
    pub staking_address: Address,
    /// Directory for the credit database (`devchain.redb`); `None` keeps credits in memory only.
    pub data_dir: Option<PathBuf>,
    /// Staking epoch length; default 1 hour. Epochs count up from `first_epoch_number`, the first
    /// one starting when the chain opens.
    pub epoch_length: Duration,
    /// The epoch number at open; default 3 (from 3 on the JS SDK sends `number - 1` during the
    /// first 45 s of an epoch, so nodes must accept both — as Lit's do during propagation).
    pub first_epoch_number: u64,
    /// `minNodeCount` the Staking call reports; `None` = two thirds of the validators, rounded
    /// up, at least 1. The JS SDK waits for this many decryption shares.
    pub min_node_count: Option<u64>,
}

impl Default for DevChainConfig {
    fn default() -> Self {
        Self {
            chain_id: DEFAULT_DEVCHAIN_CHAIN_ID,
            block_time: Duration::from_secs(2),
            staking_address: DEFAULT_STAKING_ADDRESS,
            data_dir: None,
            epoch_length: Duration::from_secs(3600),
            first_epoch_number: 3,
            min_node_count: None,
        }
    }
}

/// A block with the parent link the JSON-RPC block object reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ChainBlock {
    pub(crate) block: Block,
    pub(crate) parent_hash: B256,
}

struct State {
    /// Newest last; never empty (holds at least the genesis block).
    blocks: VecDeque<ChainBlock>,
    validators: Vec<ValidatorInfo>,
    min_node_count: Option<u64>,
    credits: BTreeMap<U256, CapacityCredit>,
}

struct Inner {
    config: DevChainConfig,
    /// Unix seconds of the first epoch's start (the open time).
    epoch_origin: u64,
    state: RwLock<State>,
    store: Option<CreditStore>,
    /// Serialises mints so token ids are handed out once and persisted in order.
    mint_lock: Mutex<()>,
}

/// The embedded devchain: block hashes, the validator set and capacity credits, in memory.
///
/// Cheap to clone (an `Arc` inside); every clone is the same chain. Implements [`ChainView`], so
/// in-process nodes read it directly; [`DevChain::serve_rpc`] serves it as Ethereum JSON-RPC for
/// clients and nodes in other processes.
///
/// ```
/// use sigil_chain::{ChainView, DevChain, DevChainConfig};
/// let chain = DevChain::open(DevChainConfig::default())?;
/// let first = chain.latest_block();
/// chain.produce_block();
/// assert_eq!(chain.latest_block().number, first.number + 1);
/// assert_ne!(chain.latest_block().hash, first.hash);
/// # Ok::<_, sigil_chain::Error>(())
/// ```
#[derive(Clone)]
pub struct DevChain {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for DevChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevChain")
            .field("config", &self.inner.config)
            .field("latest_block", &self.latest_block())
            .finish_non_exhaustive()
    }
}

pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn random_hash(parent: B256, number: u64, timestamp: u64) -> B256 {
    // Chained like a real header hash, with fresh randomness so a restarted chain (which starts
    // again from block 0) never repeats a hash a client may hold as a nonce.
    let salt: [u8; 32] = rand::random();
    let mut preimage = Vec::with_capacity(32 + 8 + 8 + 32);
    preimage.extend_from_slice(parent.as_slice());
    preimage.extend_from_slice(&number.to_be_bytes());
    preimage.extend_from_slice(&timestamp.to_be_bytes());
    preimage.extend_from_slice(&salt);
    keccak256(&preimage)
}

impl DevChain {
    /// Opens a devchain: a genesis block now, no validators, and the credits stored in
    /// `config.data_dir` (if any). Block production does not start until
    /// [`DevChain::spawn_block_production`].
    pub fn open(config: DevChainConfig) -> Result<Self, Error> {
        let store = config
            .data_dir
            .as_deref()
            .map(CreditStore::open)
            .transpose()?;
        let credits = match &store {
            Some(store) => store
                .load_all()?
                .into_iter()
                .map(|c| (c.token_id, c))
                .collect(),
            None => BTreeMap::new(),
        };
        let now = unix_now();
        let genesis = ChainBlock {
            block: Block {
                number: 0,
                hash: random_hash(B256::ZERO, 0, now),
                timestamp: now,
            },
            parent_hash: B256::ZERO,
        };
        let state = State {
            blocks: VecDeque::from([genesis]),
            validators: Vec::new(),
            min_node_count: config.min_node_count,
            credits,
        };
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                epoch_origin: now,
                state: RwLock::new(state),
                store,
                mint_lock: Mutex::new(()),
            }),
        })
    }

    /// The settings the chain was opened with.
    pub fn config(&self) -> &DevChainConfig {
        &self.inner.config
    }

    /// The address the Staking `eth_call` must target.
    pub fn staking_address(&self) -> Address {
        self.inner.config.staking_address
    }

    /// Replaces the validator set the Staking call reports (the running nodes).
    pub fn set_validators(&self, validators: Vec<ValidatorInfo>) {
        self.inner.state.write().validators = validators;
    }

    /// The current validators.
    pub fn validators(&self) -> Vec<ValidatorInfo> {
        self.inner.state.read().validators.clone()
    }

    /// Sets the `minNodeCount` the Staking call reports (`None`: two thirds, rounded up).
    pub fn set_min_node_count(&self, min_node_count: Option<u64>) {
        self.inner.state.write().min_node_count = min_node_count;
    }

    /// The epoch at unix time `now`.
    pub fn epoch_at(&self, now: u64) -> EpochInfo {
        let config = &self.inner.config;
        let length = config.epoch_length.as_secs().max(1);
        let elapsed_epochs = now.saturating_sub(self.inner.epoch_origin) / length;
        let start = self
            .inner
            .epoch_origin
            .saturating_add(elapsed_epochs.saturating_mul(length));
        EpochInfo {
            epoch_length: length,
            number: config.first_epoch_number.saturating_add(elapsed_epochs),
            end_time: start.saturating_add(length),
            retries: 0,
            timeout: 60,
        }
    }

    /// What the Staking call answers now: the epoch, `minNodeCount` and the validators.
    pub fn validator_set(&self) -> ValidatorSet {
        let state = self.inner.state.read();
        let count = state.validators.len() as u64;
        let min_node_count = state
            .min_node_count
            .unwrap_or_else(|| count.saturating_mul(2).div_ceil(3).max(1));
        ValidatorSet {
            epoch: self.epoch_at(unix_now()),
            min_node_count,
            validators: state.validators.clone(),
        }
    }

    /// Appends a block: number + 1, a fresh random-looking hash chained to the previous one,
    /// timestamp now (never earlier than the previous block's). Returns it.
    pub fn produce_block(&self) -> Block {
        let mut state = self.inner.state.write();
        let parent = state.blocks.back().map(|b| b.block).unwrap_or(Block {
            number: 0,
            hash: B256::ZERO,
            timestamp: 0,
        });
        let number = parent.number.saturating_add(1);
        let timestamp = unix_now().max(parent.timestamp);
        let block = Block {
            number,
            hash: random_hash(parent.hash, number, timestamp),
            timestamp,
        };
        state.blocks.push_back(ChainBlock {
            block,
            parent_hash: parent.hash,
        });
        while state.blocks.len() > BLOCK_HISTORY {
            state.blocks.pop_front();
        }
        block
    }

    /// Produces a block every `block_time` on the current tokio runtime until every clone of
    /// this chain is dropped or the handle is aborted.
    ///
    /// Must be called from within a tokio runtime.
    pub fn spawn_block_production(&self) -> tokio::task::JoinHandle<()> {
        crate::periodic::spawn_periodic(
            Arc::downgrade(&self.inner),
            self.inner.config.block_time,
            |inner| async move {
                DevChain { inner }.produce_block();
            },
        )
    }

    /// A recent block by number (the last 256 are kept).
    pub fn block_by_number(&self, number: u64) -> Option<Block> {
        self.chain_block_by_number(number).map(|b| b.block)
    }

    /// A recent block by hash (the last 256 are kept).
    pub fn block_by_hash(&self, hash: B256) -> Option<Block> {
        self.chain_block_by_hash(hash).map(|b| b.block)
    }

    pub(crate) fn latest_chain_block(&self) -> ChainBlock {
        let state = self.inner.state.read();
        state.blocks.back().copied().unwrap_or(ChainBlock {
            block: Block {
                number: 0,
                hash: B256::ZERO,
                timestamp: 0,
            },
            parent_hash: B256::ZERO,
        })
    }

    pub(crate) fn chain_block_by_number(&self, number: u64) -> Option<ChainBlock> {
        let state = self.inner.state.read();
        let oldest = state.blocks.front()?.block.number;
        let index = usize::try_from(number.checked_sub(oldest)?).ok()?;
        state.blocks.get(index).copied()
    }

    pub(crate) fn chain_block_by_hash(&self, hash: B256) -> Option<ChainBlock> {
        let state = self.inner.state.read();
        state
            .blocks
            .iter()
            .rev()
            .find(|b| b.block.hash == hash)
            .copied()
    }

    /// Mints a capacity credit to `owner`: the next token id (counting up from 1), stored in the
    /// data dir's database before it is visible, so a restart keeps it.
    pub fn mint_capacity_credits(
        &self,
        owner: Address,
        requests_per_kilosecond: u64,
        expires_at: u64,
    ) -> Result<CapacityCredit, Error> {
        if requests_per_kilosecond == 0 {
            return Err(Error::InvalidCapacityCredit(
                "requests per kilosecond must be more than 0",
            ));
        }
        let _minting = self.inner.mint_lock.lock();
        let token_id = next_token_id(self.inner.state.read().credits.values());
        let credit = CapacityCredit {
            token_id,
            owner,
            requests_per_kilosecond,
            expires_at,
        };
        if let Some(store) = &self.inner.store {
            store.insert(&credit)?;
        }
        self.inner.state.write().credits.insert(token_id, credit);
        Ok(credit)
    }

    /// Mints the credit a [`MintRequest`] (the `sigil_mintCapacityCredits` params) describes.
    pub fn mint(&self, request: &MintRequest) -> Result<CapacityCredit, Error> {
        let (rate, expires_at) = request.resolve(unix_now())?;
        self.mint_capacity_credits(request.to, rate, expires_at)
    }

    /// Every credit, in token-id order.
    pub fn capacity_credits(&self) -> Vec<CapacityCredit> {
        self.inner.state.read().credits.values().copied().collect()
    }
}

impl ChainView for DevChain {
    fn chain_id(&self) -> u64 {
        self.inner.config.chain_id
    }

    fn latest_block(&self) -> Block {
        self.latest_chain_block().block
    }

    fn capacity_credits_owned_by(&self, owner: Address) -> Vec<CapacityCredit> {
        self.inner
            .state
            .read()
            .credits
            .values()
            .filter(|c| c.owner == owner)
            .copied()
            .collect()
    }

    fn capacity_credit(&self, token_id: U256) -> Option<CapacityCredit> {
        self.inner.state.read().credits.get(&token_id).copied()
    }

    fn epoch_number(&self) -> u64 {
        self.epoch_at(unix_now()).number
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain() -> Result<DevChain, Error> {
        DevChain::open(DevChainConfig::default())
    }

    #[test]
    fn produced_blocks_chain_to_their_parent() -> Result<(), Error> {
        let chain = chain()?;
        let genesis = chain.latest_chain_block();
        let next = chain.produce_block();
        let stored = chain.chain_block_by_number(next.number);
        assert_eq!(stored.map(|b| b.parent_hash), Some(genesis.block.hash));
        assert_eq!(chain.block_by_hash(next.hash), Some(next));
        Ok(())
    }

    #[test]
    fn block_history_is_bounded() -> Result<(), Error> {
        let chain = chain()?;
        for _ in 0..(BLOCK_HISTORY + 10) {
            chain.produce_block();
        }
        assert_eq!(chain.block_by_number(0), None);
        let latest = chain.latest_block();
        assert_eq!(chain.block_by_number(latest.number), Some(latest));
        assert_eq!(chain.block_by_number(latest.number + 1), None);
        Ok(())
    }

    #[test]
    fn token_ids_count_up_from_one() -> Result<(), Error> {
        let chain = chain()?;
        let owner = Address::repeat_byte(7);
        let first = chain.mint_capacity_credits(owner, 10, 100)?;
        let second = chain.mint_capacity_credits(owner, 20, 100)?;
        assert_eq!(first.token_id, U256::from(1));
        assert_eq!(second.token_id, U256::from(2));
        assert_eq!(chain.capacity_credits_owned_by(owner).len(), 2);
        assert_eq!(chain.capacity_credits_owned_by(Address::ZERO), vec![]);
        assert_eq!(chain.capacity_credit(U256::from(2)), Some(second));
        Ok(())
    }

    #[test]
    fn zero_rate_mint_is_rejected() -> Result<(), Error> {
        let chain = chain()?;
        assert!(matches!(
            chain.mint_capacity_credits(Address::ZERO, 0, 100),
            Err(Error::InvalidCapacityCredit(_))
        ));
        Ok(())
    }

    #[test]
    fn default_min_node_count_is_two_thirds_rounded_up() -> Result<(), Error> {
        let chain = chain()?;
        let validator = ValidatorInfo {
            ip: std::net::Ipv4Addr::LOCALHOST,
            port: 1,
            node_address: Address::ZERO,
        };
        for (n, expected) in [(0usize, 1u64), (1, 1), (2, 2), (3, 2), (4, 3), (10, 7)] {
            chain.set_validators(vec![validator; n]);
            assert_eq!(chain.validator_set().min_node_count, expected, "{n} nodes");
        }
        chain.set_min_node_count(Some(3));
        assert_eq!(chain.validator_set().min_node_count, 3);
        Ok(())
    }

    #[test]
    fn epochs_advance_with_time() -> Result<(), Error> {
        let chain = DevChain::open(DevChainConfig {
            epoch_length: Duration::from_secs(100),
            ..DevChainConfig::default()
        })?;
        let origin = chain.inner.epoch_origin;
        let first = chain.epoch_at(origin + 5);
        assert_eq!(first.number, 3);
        assert_eq!(first.end_time, origin + 100);
        let later = chain.epoch_at(origin + 250);
        assert_eq!(later.number, 5);
        assert_eq!(later.end_time, origin + 300);
        Ok(())
    }
}
