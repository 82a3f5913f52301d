//! `EvmChain`: the [`ChainView`] of a node whose network lives on an EVM chain (the embedded one
//! or any JSON-RPC), read through an alloy provider from the contracts the ContractResolver names.
//!
//! Requests never wait on the chain for what changes slowly: a background task keeps the latest
//! block, the validator set (re-read when older than its staleness bound) and an index of every
//! capacity credit, built from RateLimitNFT's `Transfer` logs block range by block range (a mint
//! reads the token's `capacity` once: it never changes), so a poll costs one block read and one
//! log query, never a download of whole tables.
//!
//! What a PKP permits is a security decision, so it is never cached: [`EvmChain::pkp_owner`]
//! and the `is_permitted_*` reads ask the chain at its latest block on every call, and a
//! revocation refuses the very next request. A PKP's public key never changes once minted and is
//! remembered.

use super::contracts::{ContractResolver, PKPPermissions, PubkeyRouter, RateLimitNFT, PKPNFT};
use super::{EvmError, ENV_DEV};
use crate::staking::{self, ValidatorSet};
use crate::{Block, CapacityCredit, ChainView};
use alloy_network::TransactionBuilder;
use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_provider::{DynProvider, Provider, ProviderBuilder};
use alloy_rpc_types_eth::{BlockNumberOrTag, Filter, TransactionRequest};
use alloy_sol_types::SolEvent;
use parking_lot::RwLock;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How many blocks one `eth_getLogs` asks for: under the caps public RPC providers set.
const LOG_RANGE: u64 = 5_000;

/// Settings of an [`EvmChain`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvmChainConfig {
    /// The chain's JSON-RPC URL.
    pub rpc_url: String,
    /// The ContractResolver every other contract is found through.
    pub resolver: Address,
    /// The resolver environment the contracts are registered under.
    pub env: u8,
    /// Time between polls of the latest block and new credit logs; default 1 s.
    pub poll_interval: Duration,
    /// Oldest a validator set may be before it is read again; default 10 s.
    pub validator_staleness: Duration,
}

impl EvmChainConfig {
    /// Defaults for a network found through `resolver` at `rpc_url`.
    pub fn new(rpc_url: impl Into<String>, resolver: Address) -> Self {
        Self {
            rpc_url: rpc_url.into(),
            resolver,
            env: ENV_DEV,
            poll_interval: Duration::from_secs(1),
            validator_staleness: Duration::from_secs(10),
        }
    }
}

/// The contracts a node reads, as the resolver names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetworkAddresses {
    /// Staking.
    pub staking: Address,
    /// RateLimitNFT (capacity credits).
    pub rate_limit_nft: Address,
    /// PKPNFT.
    pub pkp_nft: Address,
    /// PKPPermissions.
    pub pkp_permissions: Address,
    /// PubkeyRouter.
    pub pubkey_router: Address,
}

#[derive(Debug, Clone)]
struct Snapshot {
    latest_block: Block,
    validator_set: Option<(ValidatorSet, Instant)>,
    credits: CreditIndex,
    /// The last block whose credit logs are in `credits`.
    credits_scanned_to: Option<u64>,
}

/// Every capacity credit by token id, and the token ids of each owner, so a request finds its
/// user's credits without a scan of all of them.
#[derive(Debug, Clone, Default)]
struct CreditIndex {
    by_token: BTreeMap<U256, CapacityCredit>,
    by_owner: HashMap<Address, BTreeSet<U256>>,
}

impl CreditIndex {
    fn owned_by(&self, owner: Address) -> Vec<CapacityCredit> {
        self.by_owner
            .get(&owner)
            .into_iter()
            .flatten()
            .filter_map(|token_id| self.by_token.get(token_id).copied())
            .collect()
    }

    /// Applies one `Transfer`: a mint (with the token's capacity), a transfer, or a burn.
    fn apply(&mut self, transfer: &RateLimitNFT::Transfer, minted: Option<(u64, u64)>) {
        let token_id = transfer.tokenId;
        if let Some(previous) = self.by_token.get(&token_id).map(|credit| credit.owner) {
            if let Some(tokens) = self.by_owner.get_mut(&previous) {
                tokens.remove(&token_id);
                if tokens.is_empty() {
                    self.by_owner.remove(&previous);
                }
            }
        }
        if transfer.to == Address::ZERO {
            self.by_token.remove(&token_id);
            return;
        }
        let credit = match (minted, self.by_token.get(&token_id)) {
            (Some((requests_per_kilosecond, expires_at)), _) => CapacityCredit {
                token_id,
                owner: transfer.to,
                requests_per_kilosecond,
                expires_at,
            },
            (None, Some(known)) => CapacityCredit {
                owner: transfer.to,
                ..*known
            },
            // A transfer of a token minted before the scan began cannot happen: the scan starts
            // at block 0.
            (None, None) => return,
        };
        self.by_token.insert(token_id, credit);
        self.by_owner
            .entry(transfer.to)
            .or_default()
            .insert(token_id);
    }
}

struct Inner {
    config: EvmChainConfig,
    provider: DynProvider,
    chain_id: u64,
    addresses: NetworkAddresses,
    snapshot: RwLock<Snapshot>,
    /// One refresh at a time: the credit index is built in block order.
    refreshing: tokio::sync::Mutex<()>,
    /// PKP public keys read so far (they never change).
    pkp_public_keys: RwLock<HashMap<U256, Bytes>>,
}

/// A [`ChainView`] of a network on an EVM chain. Cheap to clone; polling stops once every clone
/// is dropped.
#[derive(Clone)]
pub struct EvmChain {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for EvmChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EvmChain")
            .field("rpc_url", &self.inner.config.rpc_url)
            .field("addresses", &self.inner.addresses)
            .finish_non_exhaustive()
    }
}

/// Finds the network's contracts through its ContractResolver.
pub async fn resolve_addresses<P: Provider>(
    provider: &P,
    resolver: Address,
    env: u8,
) -> Result<NetworkAddresses, EvmError> {
    let resolver = ContractResolver::new(resolver, provider);
    let lookup = |name: &'static str| {
        let call = resolver.getContract(keccak256(name), env);
        async move {
            let address = call.call().await?;
            if address == Address::ZERO {
                return Err(EvmError::MissingContract(name));
            }
            Ok::<_, EvmError>(address)
        }
    };
    Ok(NetworkAddresses {
        staking: lookup("STAKING").await?,
        rate_limit_nft: lookup("RATE_LIMIT_NFT").await?,
        pkp_nft: lookup("PKP_NFT").await?,
        pkp_permissions: lookup("PKP_PERMISSIONS").await?,
        pubkey_router: lookup("PUB_KEY_ROUTER").await?,
    })
}

impl EvmChain {
    /// Connects, finds the contracts, reads the chain once (latest block, validators, credits),
    /// then polls on the current tokio runtime.
    pub async fn connect(config: EvmChainConfig) -> Result<Self, EvmError> {
        let provider = ProviderBuilder::new()
            .connect(&config.rpc_url)
            .await?
            .erased();
        let chain_id = provider.get_chain_id().await?;
        let addresses = resolve_addresses(&provider, config.resolver, config.env).await?;
        let latest_block = read_latest_block(&provider).await?;
        let chain = Self {
            inner: Arc::new(Inner {
                config,
                provider,
                chain_id,
                addresses,
                snapshot: RwLock::new(Snapshot {
                    latest_block,
                    validator_set: None,
                    credits: CreditIndex::default(),
                    credits_scanned_to: None,
                }),
                refreshing: tokio::sync::Mutex::new(()),
                pkp_public_keys: RwLock::new(HashMap::new()),
            }),
        };
        chain.refresh().await?;
        chain.spawn_polling();
        Ok(chain)
    }

    /// The contracts this view reads.
    pub fn addresses(&self) -> NetworkAddresses {
        self.inner.addresses
    }

    /// The provider this view reads through, for reads that must be fresh.
    pub fn provider(&self) -> &DynProvider {
        &self.inner.provider
    }

    /// The last validator set read.
    pub fn validator_set(&self) -> Option<ValidatorSet> {
        let snapshot = self.inner.snapshot.read();
        snapshot.validator_set.as_ref().map(|(set, _)| set.clone())
    }

    /// Reads the validator set now, whatever its age (after a change the caller made).
    pub async fn reload_validator_set(&self) -> Result<ValidatorSet, EvmError> {
        let set = read_validator_set(&self.inner.provider, self.inner.addresses.staking).await?;
        self.inner.snapshot.write().validator_set = Some((set.clone(), Instant::now()));
        Ok(set)
    }

    /// Reads the chain now: the latest block, the validator set when it is stale, and the
    /// credit logs of every block since the last read.
    pub async fn refresh(&self) -> Result<(), EvmError> {
        let _one_at_a_time = self.inner.refreshing.lock().await;
        let provider = &self.inner.provider;
        let latest_block = read_latest_block(provider).await?;
        self.inner.snapshot.write().latest_block = latest_block;

        let stale = self
            .inner
            .snapshot
            .read()
            .validator_set
            .as_ref()
            .is_none_or(|(_, read_at)| read_at.elapsed() >= self.inner.config.validator_staleness);
        if stale {
            self.reload_validator_set().await?;
        }

        self.scan_credits(latest_block.number).await
    }

    /// Applies RateLimitNFT's `Transfer` logs up to block `to`, in order.
    async fn scan_credits(&self, to: u64) -> Result<(), EvmError> {
        let rate_limit_nft = self.inner.addresses.rate_limit_nft;
        let mut from = self
            .inner
            .snapshot
            .read()
            .credits_scanned_to
            .map_or(0, |scanned| scanned + 1);
        while from <= to {
            let end = to.min(from + LOG_RANGE - 1);
            let filter = Filter::new()
                .address(rate_limit_nft)
                .event_signature(RateLimitNFT::Transfer::SIGNATURE_HASH)
                .from_block(from)
                .to_block(end);
            let logs = self.inner.provider.get_logs(&filter).await?;
            let mut changes = Vec::with_capacity(logs.len());
            for log in &logs {
                let transfer = RateLimitNFT::Transfer::decode_log_data(log.data())
                    .map_err(|error| EvmError::Unexpected(error.to_string()))?;
                let capacity = if transfer.from == Address::ZERO {
                    Some(self.read_capacity(transfer.tokenId).await?)
                } else {
                    None
                };
                changes.push((transfer, capacity));
            }
            let mut snapshot = self.inner.snapshot.write();
            for (transfer, capacity) in changes {
                snapshot.credits.apply(&transfer, capacity);
            }
            snapshot.credits_scanned_to = Some(end);
            drop(snapshot);
            from = end + 1;
        }
        Ok(())
    }

    async fn read_capacity(&self, token_id: U256) -> Result<(u64, u64), EvmError> {
        let nft = RateLimitNFT::new(self.inner.addresses.rate_limit_nft, &self.inner.provider);
        let capacity = nft.capacity(token_id).call().await?;
        // Values past u64 are clamped: a rate or an expiry that large is unlimited in practice.
        let clamp = |value: U256| u64::try_from(value).unwrap_or(u64::MAX);
        Ok((
            clamp(capacity.requestsPerKilosecond),
            clamp(capacity.expiresAt),
        ))
    }

    /// The owner of PKP `token_id`, at the latest block.
    pub async fn pkp_owner(&self, token_id: U256) -> Result<Address, EvmError> {
        let nft = PKPNFT::new(self.inner.addresses.pkp_nft, &self.inner.provider);
        Ok(nft.ownerOf(token_id).call().await?)
    }

    /// The uncompressed public key (`0x04…`) of PKP `token_id`; `None` if there is no such PKP.
    pub async fn pkp_public_key(&self, token_id: U256) -> Result<Option<Bytes>, EvmError> {
        if let Some(key) = self.inner.pkp_public_keys.read().get(&token_id) {
            return Ok(Some(key.clone()));
        }
        let nft = PKPNFT::new(self.inner.addresses.pkp_nft, &self.inner.provider);
        let key = nft.getPubkey(token_id).call().await?;
        if key.is_empty() {
            return Ok(None);
        }
        self.inner
            .pkp_public_keys
            .write()
            .insert(token_id, key.clone());
        Ok(Some(key))
    }

    /// Whether `address` may use PKP `token_id` (permitted, or its owner), at the latest block.
    pub async fn is_permitted_address(
        &self,
        token_id: U256,
        address: Address,
    ) -> Result<bool, EvmError> {
        Ok(self
            .permissions()
            .isPermittedAddress(token_id, address)
            .call()
            .await?)
    }

    /// Whether the Lit Action with IPFS CID `cid` may use PKP `token_id`, at the latest block.
    pub async fn is_permitted_action(&self, token_id: U256, cid: &str) -> Result<bool, EvmError> {
        Ok(self
            .permissions()
            .isPermittedAction(token_id, super::ipfs_cid_bytes(cid)?)
            .call()
            .await?)
    }

    /// Whether the auth method `(method_type, id)` holds scope `scope` on PKP `token_id`, at the
    /// latest block.
    pub async fn is_permitted_auth_method_scope(
        &self,
        token_id: U256,
        method_type: u64,
        id: Bytes,
        scope: u64,
    ) -> Result<bool, EvmError> {
        Ok(self
            .permissions()
            .isPermittedAuthMethodScopePresent(
                token_id,
                U256::from(method_type),
                id,
                U256::from(scope),
            )
            .call()
            .await?)
    }

    fn permissions(&self) -> PKPPermissions::PKPPermissionsInstance<&DynProvider> {
        PKPPermissions::new(self.inner.addresses.pkp_permissions, &self.inner.provider)
    }

    fn spawn_polling(&self) {
        let period = self.inner.config.poll_interval;
        crate::periodic::spawn_periodic(Arc::downgrade(&self.inner), period, |inner| async move {
            let chain = EvmChain { inner };
            if let Err(error) = chain.refresh().await {
                tracing::warn!(%error, rpc_url = %chain.inner.config.rpc_url, "chain refresh failed; serving the last snapshot");
            }
        });
    }
}

async fn read_latest_block<P: Provider>(provider: &P) -> Result<Block, EvmError> {
    let block = provider
        .get_block_by_number(BlockNumberOrTag::Latest)
        .await?
        .ok_or_else(|| EvmError::Unexpected("the chain has no latest block".into()))?;
    Ok(Block {
        number: block.header.number,
        hash: B256::from(block.header.hash),
        timestamp: block.header.timestamp,
    })
}

async fn read_validator_set<P: Provider>(
    provider: &P,
    staking_address: Address,
) -> Result<ValidatorSet, EvmError> {
    let call = TransactionRequest::default()
        .with_to(staking_address)
        .with_input(staking::call_data());
    let returned = provider.call(call).await?;
    staking::decode_validator_set(&returned)
        .map_err(|error| EvmError::Unexpected(error.to_string()))
}

impl ChainView for EvmChain {
    fn chain_id(&self) -> u64 {
        self.inner.chain_id
    }

    fn latest_block(&self) -> Block {
        self.inner.snapshot.read().latest_block
    }

    fn capacity_credits_owned_by(&self, owner: Address) -> Vec<CapacityCredit> {
        self.inner.snapshot.read().credits.owned_by(owner)
    }

    fn capacity_credit(&self, token_id: U256) -> Option<CapacityCredit> {
        self.inner
            .snapshot
            .read()
            .credits
            .by_token
            .get(&token_id)
            .copied()
    }

    fn epoch_number(&self) -> u64 {
        self.inner
            .snapshot
            .read()
            .validator_set
            .as_ref()
            .map_or(0, |(set, _)| set.epoch.number)
    }

    fn validators(&self) -> Vec<crate::ValidatorInfo> {
        self.inner
            .snapshot
            .read()
            .validator_set
            .as_ref()
            .map(|(set, _)| set.validators.clone())
            .unwrap_or_default()
    }

    fn pkp_registry(&self) -> Option<&dyn crate::PkpRegistry> {
        Some(self)
    }

    fn block_lookup(&self) -> Option<&dyn crate::BlockLookup> {
        Some(self)
    }
}

impl crate::BlockLookup for EvmChain {
    fn block_by_hash(&self, hash: alloy_primitives::B256) -> crate::ChainRead<'_, Option<Block>> {
        Box::pin(async move {
            let found = self
                .inner
                .provider
                .get_block_by_hash(hash)
                .await
                .map_err(|e| crate::Error::Transport(Box::new(EvmError::from(e))))?;
            Ok(found.map(|block| Block {
                number: block.header.number,
                hash: block.header.hash,
                timestamp: block.header.timestamp,
            }))
        })
    }
}

/// Scope ids a permitted auth method's scopes are read up to (1 sign anything, 2 personal sign).
const MAX_SCOPE_ID: u64 = 2;

/// Auth methods of one PKP whose scopes a signing check reads at most; past it the rest are
/// ignored (a PKP permits a handful in practice).
const MAX_AUTH_METHODS_READ: usize = 64;

impl crate::PkpRegistry for EvmChain {
    fn signing_record(
        &self,
        token_id: U256,
    ) -> crate::ChainRead<'_, Option<crate::PkpSigningRecord>> {
        Box::pin(async move {
            let transport = |error: EvmError| crate::Error::Transport(Box::new(error));
            let router =
                PubkeyRouter::new(self.inner.addresses.pubkey_router, &self.inner.provider);
            let permissions = self.permissions();
            let nft = PKPNFT::new(self.inner.addresses.pkp_nft, &self.inner.provider);
            let routing = router
                .getRoutingData(token_id)
                .call()
                .await
                .map_err(|e| transport(e.into()))?;
            if routing.pubkey.is_empty() {
                return Ok(None);
            }
            let owner_call = nft.ownerOf(token_id);
            let methods_call = permissions.getPermittedAuthMethods(token_id);
            let (owner, methods) = tokio::join!(owner_call.call(), methods_call.call());
            let owner = owner.map_err(|e| transport(e.into()))?;
            let methods = methods.map_err(|e| transport(e.into()))?;
            let mut auth_methods = Vec::with_capacity(methods.len().min(MAX_AUTH_METHODS_READ));
            for method in methods.into_iter().take(MAX_AUTH_METHODS_READ) {
                let flags = permissions
                    .getPermittedAuthMethodScopes(
                        token_id,
                        method.authMethodType,
                        method.id.clone(),
                        U256::from(MAX_SCOPE_ID + 1),
                    )
                    .call()
                    .await
                    .map_err(|e| transport(e.into()))?;
                auth_methods.push(crate::PermittedAuthMethod {
                    method_type: u64::try_from(method.authMethodType).unwrap_or(u64::MAX),
                    id: method.id.to_vec(),
                    scopes: (0u64..)
                        .zip(flags)
                        .filter_map(|(scope, held)| held.then_some(scope))
                        .collect(),
                });
            }
            Ok(Some(crate::PkpSigningRecord {
                public_key: routing.pubkey.to_vec(),
                derived_key_id: routing.derivedKeyId,
                owner,
                auth_methods,
            }))
        })
    }
}
