//! A node's state and the request flows it runs: what the handlers call.

use crate::clock::{unix_secs, Clock};
use crate::config::NodeConfig;
use crate::error::NodeError;
use crate::keys::NodeKey;
use crate::routes::{EncryptionSignRequest, EncryptionSignResponse, HandshakeResponse};
use crate::usage::{DelegatedCredits, UsageError, UsageRequest, UsageStore};
use alloy_primitives::{Address, U256};
use sigil_auth::{
    AuthContext, CapabilityCache, CapacityDelegation, LitAbility, LitResource, ResourcePrefix,
    VerificationRequest,
};
use sigil_chain::{CapacityCredit, ChainView};
use sigil_crypto::conditions::{ConditionEnv, ConditionSet};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// The JS SDK version Lit's node assumes when `X-Lit-SDK-Version` is absent (the first version
/// that sent the header was 1.2.61).
const DEFAULT_CLIENT_SDK_VERSION: &str = "1.2.60";

/// Wallet capabilities whose signature checks the node remembers (a few KiB each).
const CAPABILITY_CACHE_ENTRIES: usize = 4096;

/// Everything a running node holds: its key share, the chain view, the verifier's capability
/// cache, the rate-limit store and the clock. Shared by all requests.
pub struct NodeState {
    node_address: String,
    key: NodeKey,
    chain: Arc<dyn ChainView>,
    usage: UsageStore,
    capability_cache: CapabilityCache,
    clock: Arc<dyn Clock>,
    /// Bounds CPU-heavy work (signature checks, BLS signing) to two jobs per core, off the async
    /// executor, so a burst queues instead of growing threads and memory. Two, not one: with
    /// one, a core idles while a finished job's permit passes to the next waiting task (measured:
    /// 1.52 of 2 cores busy and 487 req/s, against 1.82 and 590 req/s with two).
    cpu: Semaphore,
}

impl std::fmt::Debug for NodeState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key share is left out on purpose.
        f.debug_struct("NodeState")
            .field("node_address", &self.node_address)
            .field("network_public_key", &self.key.network_public_key_hex())
            .field("share_id", &self.key.share_id())
            .finish_non_exhaustive()
    }
}

struct Env {
    user: Address,
    block_timestamp: u64,
}

impl ConditionEnv for Env {
    fn user_address(&self) -> Address {
        self.user
    }
    fn latest_block_timestamp(&self) -> u64 {
        self.block_timestamp
    }
}

impl NodeState {
    /// Loads the key share and opens the rate-limit store of `config`. `node_address` is the
    /// `host:port` session sigs must be signed for.
    pub fn open(
        config: &NodeConfig,
        node_address: String,
        chain: Arc<dyn ChainView>,
        clock: Arc<dyn Clock>,
    ) -> Result<Arc<NodeState>, NodeError> {
        config.validate()?;
        let key = NodeKey::load(
            &config.key_share_file,
            &config.network_public_key,
            config.threshold,
        )?;
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|e| NodeError::io("creating the data dir", &config.data_dir, e))?;
        let usage = UsageStore::open(
            &config.data_dir.join("node.redb"),
            config.rate_limit_policy(),
        )
        .map_err(|e| NodeError::Storage(e.to_string()))?;
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        Ok(Arc::new(NodeState {
            node_address,
            key,
            chain,
            usage,
            capability_cache: CapabilityCache::new(CAPABILITY_CACHE_ENTRIES),
            clock,
            cpu: Semaphore::new(cores * 2),
        }))
    }

    /// The `host:port` session sigs must name as `nodeAddress`.
    pub fn node_address(&self) -> &str {
        &self.node_address
    }

    /// This node's share id (1-based, the x-coordinate of its key share).
    pub fn share_id(&self) -> u8 {
        self.key.share_id()
    }

    /// The network public key, 96 hex characters.
    pub fn network_public_key_hex(&self) -> &str {
        self.key.network_public_key_hex()
    }

    /// Uses of a capacity delegation this node has counted (key: sha256 of the delegation's `sig`).
    pub async fn delegation_uses(&self, delegation_key: [u8; 32]) -> Result<u64, NodeError> {
        self.usage
            .delegation_uses(delegation_key)
            .await
            .map_err(usage_error)
    }

    /// Closes the rate-limit store so the database file can be opened again. Blocking.
    pub(crate) fn close(&self) {
        self.usage.close();
    }

    /// Runs CPU-heavy `job` on the blocking pool, at most one per core at a time.
    async fn cpu<R: Send + 'static>(
        &self,
        job: impl FnOnce() -> R + Send + 'static,
    ) -> Result<R, NodeError> {
        let _permit = self
            .cpu
            .acquire()
            .await
            .map_err(|e| NodeError::internal("cpu pool", e))?;
        tokio::task::spawn_blocking(job)
            .await
            .map_err(|e| NodeError::internal("cpu job", e))
    }

    pub(crate) fn handshake(&self, sdk_version: Option<&str>) -> HandshakeResponse {
        let network_key = self.key.network_public_key_hex().to_owned();
        let client_sdk_version = sdk_version
            .filter(|v| !v.is_empty() && v.len() <= 32 && v.bytes().all(|b| b.is_ascii_graphic()))
            .unwrap_or(DEFAULT_CLIENT_SDK_VERSION)
            .to_owned();
        HandshakeResponse {
            server_public_key: self.key.public_share_hex().to_owned(),
            subnet_public_key: network_key.clone(),
            network_public_key: network_key.clone(),
            network_public_key_set: network_key,
            hd_root_pubkeys: vec![],
            latest_blockhash: self.chain.latest_block().hash.to_string(),
            attestation: None,
            client_sdk_version,
            node_version: env!("CARGO_PKG_VERSION").to_owned(),
            epoch: self.chain.epoch_number(),
        }
    }

    /// The `/web/encryption/sign/` flow, in Lit's order (lit-node.md section 4): conditions
    /// (count, hash), resource, session sig, rate limit, evaluation, BLS share. `body` is the
    /// request text, from which the conditions are read in the client's key order.
    pub(crate) async fn encryption_sign(
        self: &Arc<Self>,
        request: EncryptionSignRequest,
        body: String,
    ) -> Result<EncryptionSignResponse, NodeError> {
        let now = self.clock.now();
        let (conditions, identity, context) = {
            let state = Arc::clone(self);
            self.cpu(move || state.authorize(&request, &body, now))
                .await??
        };

        self.count_request(&context, unix_secs(now)).await?;

        let state = Arc::clone(self);
        let block_timestamp = self.chain.latest_block().timestamp;
        let signature_share = self
            .cpu(move || {
                let env = Env {
                    user: context.user_address,
                    block_timestamp,
                };
                if !conditions.evaluate(&env)? {
                    return Err(NodeError::NotAuthorized {
                        user: context.user_address.to_string(),
                    });
                }
                Ok(state.key.sign_share(identity.as_bytes()))
            })
            .await??;
        Ok(EncryptionSignResponse {
            result: "success",
            signature_share,
            share_index: u32::from(self.key.share_id().saturating_sub(1)),
        })
    }

    /// Parses the conditions, builds the resource and verifies the session sig for it: the
    /// CPU-heavy first half of `encryption_sign`.
    fn authorize(
        &self,
        request: &EncryptionSignRequest,
        body: &str,
        now: time::OffsetDateTime,
    ) -> Result<(ConditionSet, String, AuthContext), NodeError> {
        let conditions = ConditionSet::from_request_str(body)?;
        if !is_sha256_hex(&request.data_to_encrypt_hash) {
            return Err(NodeError::InvalidDataToEncryptHash);
        }
        let resource_id = format!("{}/{}", conditions.hash_hex(), request.data_to_encrypt_hash);
        let resource = LitResource::new(ResourcePrefix::AccessControlCondition, resource_id)?;
        let identity = resource.resource_key();
        let verification = VerificationRequest {
            resource: &resource,
            ability: LitAbility::AccessControlConditionDecryption,
            node_address: &self.node_address,
            now,
        };
        let context = sigil_auth::verify_session_sig(
            &request.auth_sig,
            &verification,
            Some(&self.capability_cache),
        )?;
        Ok((conditions, identity, context))
    }

    /// Counts the request against the user's allowance, owned credits and delegations; the
    /// count is committed before this returns.
    async fn count_request(&self, context: &AuthContext, now: u64) -> Result<(), NodeError> {
        let user = context.user_address;
        let owned = self
            .chain
            .capacity_credits_owned_by(user)
            .into_iter()
            .filter(|credit| credit.is_active_at(now))
            .collect();
        let delegated = context
            .capacity_delegations
            .iter()
            .filter(|delegation| delegation.delegates_to(user))
            .map(|delegation| DelegatedCredits {
                delegation_key: delegation.sig_hash,
                max_uses: delegation.uses,
                credits: self.delegated_credits(delegation, now),
            })
            .collect();
        let request = UsageRequest {
            user,
            owned,
            delegated,
            now,
        };
        self.usage
            .allocate(request)
            .await
            .map(drop)
            .map_err(usage_error)
    }

    /// The delegator's active credits a delegation covers: those named in `nft_id` (decimal
    /// token ids; unreadable ones skipped, as Lit does), or all of the delegator's when it names
    /// none. A named credit the delegator does not own pays nothing: unlike Lit's node, which
    /// does not check, a delegation here cannot spend someone else's credits.
    fn delegated_credits(&self, delegation: &CapacityDelegation, now: u64) -> Vec<CapacityCredit> {
        let credits: Vec<_> = match &delegation.nft_ids {
            Some(ids) => ids
                .iter()
                .filter_map(|id| U256::from_str_radix(id, 10).ok())
                .filter_map(|id| self.chain.capacity_credit(id))
                .collect(),
            None => self.chain.capacity_credits_owned_by(delegation.delegator),
        };
        credits
            .into_iter()
            .filter(|credit| credit.owner == delegation.delegator && credit.is_active_at(now))
            .collect()
    }
}

fn usage_error(error: UsageError) -> NodeError {
    match error {
        UsageError::Exceeded { retry_at } => NodeError::RateLimitExceeded {
            retry_at: rfc3339(retry_at),
        },
        other => NodeError::Storage(other.to_string()),
    }
}

fn rfc3339(unix: u64) -> String {
    i64::try_from(unix)
        .ok()
        .and_then(|secs| time::OffsetDateTime::from_unix_timestamp(secs).ok())
        .and_then(|at| {
            at.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| unix.to_string())
}

/// `dataToEncryptHash` as the SDKs make it: sha256, 64 lowercase hex characters. It becomes part
/// of the identity that is signed, so anything else is refused rather than signed.
fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_to_encrypt_hash_must_be_lowercase_sha256_hex() {
        assert!(is_sha256_hex(&"ab".repeat(32)));
        assert!(!is_sha256_hex(&"AB".repeat(32)));
        assert!(!is_sha256_hex(&"ab".repeat(31)));
        assert!(!is_sha256_hex(&"zz".repeat(32)));
    }

    #[test]
    fn retry_time_is_rfc3339() {
        assert_eq!(rfc3339(1_750_001_000), "2025-06-15T15:23:20Z");
    }
}
