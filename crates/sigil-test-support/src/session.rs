//! Session fixtures: the wallet and session key of tests/vectors/session-sigs.json, a fixed
//! clock, the SIWE that wallet signs, and valid session sigs made from them. The builders take
//! the wallet, key, node URL and time, so node and CLI tests can sign for their own setup.

use alloy_signer_local::PrivateKeySigner;
use sigil_auth::siwe::{create_siwe_message, SiweMessageParams};
use sigil_auth::{
    generate_auth_sig, sign_session_sigs, AuthSig, LitAbility, LitResource, ResourceAbilityRequest,
    ResourcePrefix, SessionKeyPair, SessionSigningParams, ALGO_ED25519, DERIVED_VIA_SESSION,
};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

/// The fixed clock the fixtures are signed at.
pub const NOW: OffsetDateTime = datetime!(2025-01-01 00:00 UTC);
/// The node URL session sigs are signed for unless a test names another.
pub const NODE_URL: &str = "http://127.0.0.1:7470";
/// The SIWE nonce the fixtures use.
pub const NONCE: &str = "0x8e2e8d2a1d3f4c5b6a79881726354453627180900a0b0c0d0e0f101112131415";
/// How long a wallet's SIWE made here is valid.
pub const SIWE_VALIDITY: Duration = Duration::hours(1);
/// How long a session sig made here is valid.
pub const SESSION_VALIDITY: Duration = Duration::minutes(10);

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

/// The session key the fixtures sign with.
pub fn session_key() -> SessionKeyPair {
    SessionKeyPair::from_seed([1u8; 32])
}

/// Decryption under any access control condition.
pub fn acc_decryption() -> ResourceAbilityRequest {
    ResourceAbilityRequest::new(
        LitResource::wildcard(ResourcePrefix::AccessControlCondition),
        LitAbility::AccessControlConditionDecryption,
    )
    .unwrap()
}

/// The SIWE `wallet` signs for `session_key` at `now`, granting `requests`, valid for
/// [`SIWE_VALIDITY`].
pub fn siwe_for(
    wallet: &PrivateKeySigner,
    session_key: &SessionKeyPair,
    requests: Vec<ResourceAbilityRequest>,
    now: OffsetDateTime,
) -> String {
    let params = SiweMessageParams::new(wallet.address(), NONCE)
        .with_uri(session_key.uri())
        .with_expiration(now + SIWE_VALIDITY)
        .with_resources(requests);
    create_siwe_message(&params, now).unwrap()
}

/// The SIWE [`wallet()`] signs for [`session_key()`] at [`NOW`], granting `requests`.
pub fn siwe_text(requests: Vec<ResourceAbilityRequest>) -> String {
    siwe_for(&wallet(), &session_key(), requests, NOW)
}

/// The session sig `session_key` signs for `node_url` at `now` over `capabilities`, asking
/// for `requests`, valid for [`SESSION_VALIDITY`].
pub fn session_sig_with_capabilities(
    session_key: &SessionKeyPair,
    requests: Vec<ResourceAbilityRequest>,
    capabilities: Vec<AuthSig>,
    node_url: &str,
    now: OffsetDateTime,
) -> AuthSig {
    let params = SessionSigningParams {
        resource_ability_requests: requests,
        capabilities,
        issued_at: now,
        expiration: now + SESSION_VALIDITY,
    };
    sign_session_sigs(session_key, &params, &[node_url])
        .unwrap()
        .get(node_url)
        .unwrap()
        .clone()
}

/// A valid session sig for `node_url` at `now`: `wallet` grants `requests` to `session_key`
/// in its SIWE ([`siwe_for`]), and the session key asks for the same `requests`.
pub fn session_sig_for(
    wallet: &PrivateKeySigner,
    session_key: &SessionKeyPair,
    requests: Vec<ResourceAbilityRequest>,
    node_url: &str,
    now: OffsetDateTime,
) -> AuthSig {
    let siwe = siwe_for(wallet, session_key, requests.clone(), now);
    let capability = generate_auth_sig(wallet, &siwe).unwrap();
    session_sig_with_capabilities(session_key, requests, vec![capability], node_url, now)
}

/// The session sig over `signed_message` as `session_key` signs it, whatever the message says
/// (so a test can sign a template it edited, as a client could).
pub fn session_sig_over(session_key: &SessionKeyPair, signed_message: String) -> AuthSig {
    AuthSig {
        sig: session_key.sign_hex(signed_message.as_bytes()),
        derived_via: DERIVED_VIA_SESSION.into(),
        signed_message,
        address: session_key.public_key_hex(),
        algo: Some(ALGO_ED25519.into()),
    }
}
