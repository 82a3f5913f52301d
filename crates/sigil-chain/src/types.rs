//! The values a chain view answers with, and the view itself.

use crate::Error;
use alloy_primitives::{Address, B256, U256};
use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;

/// One block header, reduced to what nodes and clients read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Block {
    /// Block height.
    pub number: u64,
    /// Block hash; the JS SDK uses the latest one as the SIWE nonce.
    pub hash: B256,
    /// Unix seconds; `timestamp` access-control conditions compare against it.
    pub timestamp: u64,
}

/// A capacity credit (Lit's Rate Limit NFT): pays for `requests_per_kilosecond` requests until
/// `expires_at`. Its owner uses it without delegation; others through a capacity-delegation
/// AuthSig naming its token id.
///
/// JSON form (what `sigil credits mint` prints): `{"tokenId":"0x1","owner":"0x…","requestsPerKilosecond":
/// 1000,"expiresAt":1767225600}`; `tokenId` is a hex quantity, `expiresAt` unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CapacityCredit {
    /// RateLimitNFT token id.
    pub token_id: U256,
    /// Current owner (EIP-55 checksummed in JSON).
    #[serde(serialize_with = "serialize_checksummed")]
    pub owner: Address,
    /// Requests allowed per 1000 seconds.
    pub requests_per_kilosecond: u64,
    /// Unix seconds after which the credit no longer counts.
    pub expires_at: u64,
}

fn serialize_checksummed<S: serde::Serializer>(
    address: &Address,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&address.to_checksum(None))
}

impl CapacityCredit {
    /// Whether the credit still counts at unix time `now` (it counts up to and including
    /// `expires_at`).
    pub fn is_active_at(&self, now: u64) -> bool {
        now <= self.expires_at
    }
}

/// The parameters of a capacity-credit mint, named like the JS SDK's
/// `LitContracts.mintCapacityCreditsNFT` arguments (the credit goes to the sender):
///
/// ```json
/// {"requestsPerKilosecond": 1000, "daysUntilUTCMidnightExpiration": 2}
/// ```
///
/// The rate is one of `requestsPerDay`, `requestsPerSecond` or `requestsPerKilosecond` (checked
/// in that order, as the SDK does; the first two are converted with its rounding); the expiry is
/// `daysUntilUTCMidnightExpiration` (UTC midnight that many days after today) or `expiresAt`
/// (unix seconds).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MintRequest {
    /// Requests per 1000 seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_per_kilosecond: Option<u64>,
    /// Requests per second (times 1000 per kilosecond).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_per_second: Option<u64>,
    /// Requests per day (divided by 86.4, rounded, per kilosecond).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_per_day: Option<u64>,
    /// Expire at UTC midnight this many days after today (0 = the midnight that began today).
    #[serde(
        default,
        rename = "daysUntilUTCMidnightExpiration",
        skip_serializing_if = "Option::is_none"
    )]
    pub days_until_utc_midnight_expiration: Option<u64>,
    /// Expire at this unix time (seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<u64>,
}

impl MintRequest {
    /// The rate in requests per kilosecond and the expiry in unix seconds this request asks
    /// for, at unix time `now`.
    pub fn resolve(&self, now: u64) -> Result<(u64, u64), Error> {
        const SECONDS_PER_DAY: u64 = 86_400;
        let rate = if let Some(per_day) = self.requests_per_day {
            // Math.round(perDay / 86.4), half rounds up.
            per_day
                .saturating_mul(1000)
                .saturating_add(SECONDS_PER_DAY / 2)
                / SECONDS_PER_DAY
        } else if let Some(per_second) = self.requests_per_second {
            per_second.saturating_mul(1000)
        } else if let Some(per_kilosecond) = self.requests_per_kilosecond {
            per_kilosecond
        } else {
            return Err(Error::InvalidCapacityCredit(
                "one of requestsPerDay, requestsPerSecond or requestsPerKilosecond is required",
            ));
        };
        if rate == 0 {
            return Err(Error::InvalidCapacityCredit(
                "requests per kilosecond must be more than 0",
            ));
        }
        let expires_at = match (self.days_until_utc_midnight_expiration, self.expires_at) {
            (Some(days), None) => {
                let today_midnight = now - now % SECONDS_PER_DAY;
                days.checked_mul(SECONDS_PER_DAY)
                    .and_then(|offset| today_midnight.checked_add(offset))
                    .ok_or(Error::InvalidCapacityCredit("expiry is out of range"))?
            }
            (None, Some(at)) => at,
            _ => {
                return Err(Error::InvalidCapacityCredit(
                    "exactly one of daysUntilUTCMidnightExpiration or expiresAt is required",
                ))
            }
        };
        Ok((rate, expires_at))
    }
}

/// One running node as the Staking contract lists it. The JS SDK builds the node's URL from
/// `ip` and `port` (see [`crate::staking::node_url`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidatorInfo {
    /// IPv4 address the node listens on.
    pub ip: Ipv4Addr,
    /// TCP port the node listens on.
    pub port: u16,
    /// The node's staking (operator) address.
    pub node_address: Address,
    /// The node's peer identity key (ed25519, 32 bytes), which signs its messages to other
    /// nodes; Staking holds it as the validator's `senderPubKey`. Zero: none registered.
    #[serde(default)]
    pub communication_key: B256,
}

/// What a node reads about a PKP before it signs with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PkpSigningRecord {
    /// The PKP's public key, uncompressed SEC1 (`04…`, 65 bytes), as PubkeyRouter routes it.
    pub public_key: Vec<u8>,
    /// The key id its key derives from under the network's root keys.
    pub derived_key_id: B256,
    /// The PKP NFT's owner.
    pub owner: Address,
    /// Its permitted auth methods (permitted addresses are type 1).
    pub auth_methods: Vec<PermittedAuthMethod>,
}

/// One auth method a PKP permits, with its scopes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermittedAuthMethod {
    /// The auth method type (1: an Ethereum address, 2: a Lit Action, ...).
    pub method_type: u64,
    /// Its id (type 1: the 20 address bytes, or `keccak256("<address>:lit")`).
    pub id: Vec<u8>,
    /// The scope ids it holds (1: sign anything, 2: personal sign).
    pub scopes: Vec<u64>,
}

/// A boxed future of a chain read (the trait stays object safe and free of async runtimes).
pub type ChainRead<'a, T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, crate::Error>> + Send + 'a>>;

/// Reads of PKP state at the latest block. Unlike [`ChainView`], these are network calls.
pub trait PkpRegistry: Send + Sync {
    /// The signing record of PKP `token_id`; `None` when there is no such PKP.
    fn signing_record(&self, token_id: U256) -> ChainRead<'_, Option<PkpSigningRecord>>;
}

/// A read-only view of the chain, answered from memory.
///
/// Nodes call these on every request, so implementations keep a snapshot and never do a network
/// call here: `evm::EvmChain` polls in the background.
pub trait ChainView: Send + Sync {
    /// The EIP-155 chain id.
    fn chain_id(&self) -> u64;
    /// The latest block.
    fn latest_block(&self) -> Block;
    /// All capacity credits `owner` holds, expired ones included (callers decide with
    /// [`CapacityCredit::is_active_at`]).
    fn capacity_credits_owned_by(&self, owner: Address) -> Vec<CapacityCredit>;
    /// The credit with this token id, if it exists.
    fn capacity_credit(&self, token_id: U256) -> Option<CapacityCredit>;
    /// The Staking contract's current epoch number, or 0 when the view does not know it (Lit
    /// nodes read an `epoch` of 0 in a request as "the current epoch").
    fn epoch_number(&self) -> u64 {
        0
    }
    /// The current validators, as Staking lists them (empty when the view does not know).
    fn validators(&self) -> Vec<ValidatorInfo> {
        Vec::new()
    }
    /// Where PKPs are read, when this chain has them.
    fn pkp_registry(&self) -> Option<&dyn PkpRegistry> {
        None
    }
    /// Where blocks are looked up by hash, when this view can.
    fn block_lookup(&self) -> Option<&dyn BlockLookup> {
        None
    }
}

/// Blocks by hash (a network call): a PKP session's SIWE nonce names one.
pub trait BlockLookup: Send + Sync {
    /// The block with `hash`; `None` when the chain has none.
    fn block_by_hash(&self, hash: B256) -> ChainRead<'_, Option<Block>>;
}

impl<T: ChainView + ?Sized> ChainView for std::sync::Arc<T> {
    fn chain_id(&self) -> u64 {
        (**self).chain_id()
    }
    fn latest_block(&self) -> Block {
        (**self).latest_block()
    }
    fn capacity_credits_owned_by(&self, owner: Address) -> Vec<CapacityCredit> {
        (**self).capacity_credits_owned_by(owner)
    }
    fn capacity_credit(&self, token_id: U256) -> Option<CapacityCredit> {
        (**self).capacity_credit(token_id)
    }
    fn epoch_number(&self) -> u64 {
        (**self).epoch_number()
    }
    fn validators(&self) -> Vec<ValidatorInfo> {
        (**self).validators()
    }
    fn pkp_registry(&self) -> Option<&dyn PkpRegistry> {
        (**self).pkp_registry()
    }
    fn block_lookup(&self) -> Option<&dyn BlockLookup> {
        (**self).block_lookup()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Compile-time proof that nodes can hold an `Arc<dyn ChainView>`.
    struct _ObjectSafe(Box<dyn ChainView>);

    #[test]
    fn credit_counts_until_its_expiry_second() {
        let credit = CapacityCredit {
            token_id: U256::from(1),
            owner: Address::ZERO,
            requests_per_kilosecond: 10,
            expires_at: 100,
        };
        assert!(credit.is_active_at(100));
        assert!(!credit.is_active_at(101));
    }

    #[test]
    fn mint_request_converts_rates_like_the_js_sdk() {
        let base = MintRequest {
            expires_at: Some(5),
            ..MintRequest::default()
        };
        let per_day = MintRequest {
            requests_per_day: Some(14_400),
            ..base.clone()
        };
        // 14400 / 86.4 = 166.67 -> 167
        assert_eq!(per_day.resolve(0).ok(), Some((167, 5)));
        let per_second = MintRequest {
            requests_per_second: Some(3),
            ..base.clone()
        };
        assert_eq!(per_second.resolve(0).ok(), Some((3000, 5)));
        let zero = MintRequest {
            requests_per_kilosecond: Some(0),
            ..base.clone()
        };
        assert!(zero.resolve(0).is_err());
        assert!(base.resolve(0).is_err(), "no rate given");
    }

    #[test]
    fn mint_request_expires_at_utc_midnight_after_the_given_days() {
        let request: MintRequest = serde_json::from_str(
            r#"{"requestsPerKilosecond":10,"daysUntilUTCMidnightExpiration":2}"#,
        )
        .unwrap_or_default();
        // 2025-01-01T13:00:00Z -> 2025-01-03T00:00:00Z
        assert_eq!(
            request.resolve(1_735_736_400).ok(),
            Some((10, 1_735_862_400))
        );
    }

    #[test]
    fn mint_request_rejects_unknown_fields() {
        let parsed: Result<MintRequest, _> = serde_json::from_str(r#"{"requestsPerKilosecnd":10}"#);
        assert!(parsed.is_err());
    }

    #[test]
    fn credit_json_uses_camel_case_and_hex_token_id() {
        let credit = CapacityCredit {
            token_id: U256::from(26),
            owner: Address::ZERO,
            requests_per_kilosecond: 10,
            expires_at: 100,
        };
        let json = serde_json::to_value(credit).unwrap_or_default();
        assert_eq!(json["tokenId"], "0x1a");
        assert_eq!(json["requestsPerKilosecond"], 10);
        assert_eq!(json["expiresAt"], 100);
    }
}
