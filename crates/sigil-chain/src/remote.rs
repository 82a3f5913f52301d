//! `RemoteChain`: a [`ChainView`] of a chain in another process, refreshed in the background.

use crate::staking::ValidatorSet;
use crate::{Block, CapacityCredit, ChainView, Error, EthRpcClient};
use alloy_primitives::{Address, U256};
use parking_lot::RwLock;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// Settings of a [`RemoteChain`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteChainConfig {
    /// The chain's JSON-RPC URL (for example `sigil devnet`'s `http://127.0.0.1:8545`).
    pub rpc_url: String,
    /// Time between refreshes; default 1 s.
    pub poll_interval: Duration,
    /// Where to read the validator set and epoch from; `None` skips the Staking call.
    pub staking_address: Option<Address>,
}

impl RemoteChainConfig {
    /// Defaults for `rpc_url`: 1 s polling, no Staking reads.
    pub fn new(rpc_url: impl Into<String>) -> Self {
        Self {
            rpc_url: rpc_url.into(),
            poll_interval: Duration::from_secs(1),
            staking_address: None,
        }
    }
}

#[derive(Debug, Clone)]
struct Snapshot {
    chain_id: u64,
    latest_block: Block,
    credits: BTreeMap<U256, CapacityCredit>,
    validator_set: Option<ValidatorSet>,
}

#[derive(Debug)]
struct Inner {
    config: RemoteChainConfig,
    rpc: EthRpcClient,
    snapshot: RwLock<Snapshot>,
}

/// A [`ChainView`] for a node running as its own process: it polls a JSON-RPC endpoint in the
/// background (latest block, `sigil_allCapacityCredits`, optionally the Staking call) and
/// answers every read from its last snapshot, so requests never wait on the network.
///
/// Credits come from the devchain's `sigil_allCapacityCredits`; against a chain without it
/// (Lit's own), the view has no credits. Cheap to clone; polling stops once every clone is
/// dropped.
#[derive(Debug, Clone)]
pub struct RemoteChain {
    inner: Arc<Inner>,
}

impl RemoteChain {
    /// Reads the chain once (chain id and latest block must answer; credits and validators are
    /// best effort), then starts polling on the current tokio runtime.
    pub async fn connect(config: RemoteChainConfig) -> Result<Self, Error> {
        let rpc = EthRpcClient::new(config.rpc_url.clone())?;
        let chain_id = rpc.chain_id().await?;
        let latest_block = rpc.latest_block().await?;
        let chain = Self {
            inner: Arc::new(Inner {
                config,
                rpc,
                snapshot: RwLock::new(Snapshot {
                    chain_id,
                    latest_block,
                    credits: BTreeMap::new(),
                    validator_set: None,
                }),
            }),
        };
        chain.refresh_optional().await;
        chain.spawn_polling();
        Ok(chain)
    }

    /// The settings this view was made with.
    pub fn config(&self) -> &RemoteChainConfig {
        &self.inner.config
    }

    /// The last validator set read (when a staking address was configured and the call
    /// answered).
    pub fn validator_set(&self) -> Option<ValidatorSet> {
        self.inner.snapshot.read().validator_set.clone()
    }

    /// Reads the chain now (latest block, then credits and validators) and updates the
    /// snapshot. The error is the latest block's; the others are best effort.
    pub async fn refresh(&self) -> Result<(), Error> {
        let latest_block = self.inner.rpc.latest_block().await?;
        self.inner.snapshot.write().latest_block = latest_block;
        self.refresh_optional().await;
        Ok(())
    }

    async fn refresh_optional(&self) {
        match self.inner.rpc.all_capacity_credits().await {
            Ok(credits) => {
                self.inner.snapshot.write().credits =
                    credits.into_iter().map(|c| (c.token_id, c)).collect();
            }
            Err(err) => tracing::debug!(%err, "capacity credits not refreshed"),
        }
        if let Some(staking) = self.inner.config.staking_address {
            match self.inner.rpc.validator_set(staking).await {
                Ok(set) => self.inner.snapshot.write().validator_set = Some(set),
                Err(err) => tracing::debug!(%err, "validator set not refreshed"),
            }
        }
    }

    fn spawn_polling(&self) {
        let period = self.inner.config.poll_interval;
        crate::periodic::spawn_periodic(Arc::downgrade(&self.inner), period, |inner| async move {
            let chain = RemoteChain { inner };
            if let Err(err) = chain.refresh().await {
                tracing::warn!(%err, rpc_url = %chain.inner.config.rpc_url, "chain refresh failed; serving the last snapshot");
            }
        });
    }
}

impl ChainView for RemoteChain {
    fn chain_id(&self) -> u64 {
        self.inner.snapshot.read().chain_id
    }

    fn latest_block(&self) -> Block {
        self.inner.snapshot.read().latest_block
    }

    fn capacity_credits_owned_by(&self, owner: Address) -> Vec<CapacityCredit> {
        self.inner
            .snapshot
            .read()
            .credits
            .values()
            .filter(|c| c.owner == owner)
            .copied()
            .collect()
    }

    fn capacity_credit(&self, token_id: U256) -> Option<CapacityCredit> {
        self.inner.snapshot.read().credits.get(&token_id).copied()
    }

    fn epoch_number(&self) -> u64 {
        self.inner
            .snapshot
            .read()
            .validator_set
            .as_ref()
            .map_or(0, |set| set.epoch.number)
    }
}
