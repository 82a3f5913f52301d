//! Fixtures shared by the integration tests: the wallet and session key of
//! tests/vectors/session-sigs.json, a fixed clock, and the SIWE that wallet signs.
// Each test file uses a different subset.
#![allow(dead_code)]

use alloy_signer_local::PrivateKeySigner;
use sigil_auth::siwe::{create_siwe_message, SiweMessageParams};
use sigil_auth::*;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

pub const NOW: OffsetDateTime = datetime!(2025-01-01 00:00 UTC);
pub const NODE_URL: &str = "http://127.0.0.1:7470";
pub const NONCE: &str = "0x8e2e8d2a1d3f4c5b6a79881726354453627180900a0b0c0d0e0f101112131415";

/// The wallet of tests/vectors/session-sigs.json.
pub fn wallet() -> PrivateKeySigner {
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
        .parse()
        .unwrap()
}

/// A second wallet (anvil's account #0).
pub fn other_wallet() -> PrivateKeySigner {
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
        .parse()
        .unwrap()
}

pub fn session_key() -> SessionKeyPair {
    SessionKeyPair::from_seed([1u8; 32])
}

pub fn acc_decryption() -> ResourceAbilityRequest {
    ResourceAbilityRequest::new(
        LitResource::wildcard(ResourcePrefix::AccessControlCondition),
        LitAbility::AccessControlConditionDecryption,
    )
    .unwrap()
}

/// The SIWE `wallet()` signs for `session_key()`, granting `requests`, valid for an hour.
pub fn siwe_text(requests: Vec<ResourceAbilityRequest>) -> String {
    let params = SiweMessageParams::new(wallet().address(), NONCE)
        .with_uri(session_key().uri())
        .with_expiration(NOW + Duration::hours(1))
        .with_resources(requests);
    create_siwe_message(&params, NOW).unwrap()
}
