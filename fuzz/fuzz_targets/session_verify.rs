//! The node-side session-sig verifier (sigil-auth `verify_session_sig`) on arbitrary and mutated
//! session sigs.
//!
//! The input is JSON: a session-sigs map (`{"<node url>": {sig, derivedVia, ...}}`), one session
//! sig, or a bare session template (a `signedMessage`). Each session sig found is verified three
//! ways, so the fuzzer's mutations reach past the signature checks:
//! 1. as received;
//! 2. with its `signedMessage` re-signed by the matching session key of the reference vectors
//!    (the fuzzer then controls every template field);
//! 3. as 2, after re-signing every capability's `signedMessage` with the matching wallet of the
//!    vectors (the fuzzer then controls every SIWE and ReCap field).
//!
//! Each is checked for one of four (resource, ability) pairs (chosen by the input's length), five
//! minutes after the template's `issuedAt`, without a cache and through a `CapabilityCache`.
//!
//! Oracles: no panic; the cache never changes a result; an accepted session speaks for the
//! session key it was signed with; in way 3 the user is one of the wallets that signed.
#![no_main]

use alloy_primitives::Address;
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use sigil_auth::{
    parse_rfc3339, verify_session_sig, AuthContext, AuthError, AuthSig, CapabilityCache,
    LitAbility, LitResource, SessionKeyPair, SessionSigs, VerificationRequest,
};
use std::sync::OnceLock;
use time::Duration;

/// Keys of tests/vectors/session-sigs.json and capacity-delegation.json: the user wallet and the
/// capacity credit owner.
const WALLET_KEYS: [&str; 2] = [
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
];
/// Session key seeds of the same vectors.
const SESSION_SEEDS: [u8; 2] = [0x01, 0x02];
/// The node the vectors' session sigs are signed for.
const NODE_ADDRESS: &str = "127.0.0.1:7470";

struct Keys {
    wallets: Vec<PrivateKeySigner>,
    sessions: Vec<SessionKeyPair>,
    requests: Vec<(LitResource, LitAbility)>,
}

fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let hash = "c981800fce8d0cdf35decbd294806dfbd0c79fa19093f043cf7f6ec4ebcb43a8";
        let parse = |key: &str| LitResource::parse(key).expect("fixed resource parses");
        Keys {
            wallets: WALLET_KEYS
                .iter()
                .map(|key| key.parse().expect("fixed wallet key"))
                .collect(),
            sessions: SESSION_SEEDS
                .iter()
                .map(|byte| SessionKeyPair::from_seed([*byte; 32]))
                .collect(),
            requests: vec![
                (
                    parse(&format!("lit-accesscontrolcondition://{hash}/{hash}")),
                    LitAbility::AccessControlConditionDecryption,
                ),
                (parse("lit-pkp://04abcdef"), LitAbility::PkpSigning),
                (
                    parse("lit-litaction://QmWfcaHNKB3TT8vVRAxjhPGx7aWsJqFRGD9hXgDeRJoPUk"),
                    LitAbility::LitActionExecution,
                ),
                (
                    parse("lit-ratelimitincrease://1"),
                    LitAbility::RateLimitIncreaseAuth,
                ),
            ],
        }
    })
}

/// The session key whose public key `address` names (hex, `0x` optional, any case), else the first.
fn session_key_for(address: &str) -> (&'static SessionKeyPair, bool) {
    let bare = address
        .strip_prefix("0x")
        .unwrap_or(address)
        .to_ascii_lowercase();
    match keys()
        .sessions
        .iter()
        .find(|key| key.public_key_hex() == bare)
    {
        Some(key) => (key, true),
        None => (&keys().sessions[0], false),
    }
}

/// The wallet named by a capability's `address` or, failing that, by its SIWE text; else the first.
fn wallet_for(address: Option<&str>, message: &str) -> &'static PrivateKeySigner {
    let named = |wallet: &&PrivateKeySigner| {
        let checksummed = wallet.address().to_checksum(None);
        address.is_some_and(|a| a.eq_ignore_ascii_case(&checksummed))
            || message.contains(&checksummed)
    };
    keys()
        .wallets
        .iter()
        .find(named)
        .unwrap_or(&keys().wallets[0])
}

/// Way 2: `signed_message` signed by the session key `sig` names (its `address` kept when it
/// names one, so `0x` and case variants stay in play).
fn resigned(sig: &AuthSig, signed_message: String) -> AuthSig {
    let (key, named) = session_key_for(&sig.address);
    AuthSig {
        sig: key.sign_hex(signed_message.as_bytes()),
        derived_via: sig.derived_via.clone(),
        signed_message,
        address: if named {
            sig.address.clone()
        } else {
            key.public_key_hex()
        },
        algo: sig.algo.clone(),
    }
}

/// Way 3: every capability's SIWE re-signed by its wallet, then the template by the session key.
fn deeply_resigned(sig: &AuthSig) -> Option<AuthSig> {
    let mut template: Value = serde_json::from_str(&sig.signed_message).ok()?;
    let capabilities = template.get_mut("capabilities")?.as_array_mut()?;
    for capability in capabilities.iter_mut() {
        let Some(capability) = capability.as_object_mut() else {
            continue;
        };
        let Some(message) = capability.get("signedMessage").and_then(Value::as_str) else {
            continue;
        };
        let wallet = wallet_for(capability.get("address").and_then(Value::as_str), message);
        let signature = wallet.sign_message_sync(message.as_bytes()).ok()?;
        capability.insert(
            "sig".into(),
            Value::String(format!("0x{}", hex::encode(signature.as_bytes()))),
        );
    }
    Some(resigned(sig, serde_json::to_string(&template).ok()?))
}

fn verify_all(sig: &AuthSig, wallets_signed: bool, which_request: usize) {
    // Near the template's own issuedAt, so the time checks pass and the later checks run (the
    // fuzzer reaches the time checks through `expiration` and `issuedAt` themselves).
    let now = serde_json::from_str::<Value>(&sig.signed_message)
        .ok()
        .and_then(|template| {
            template
                .get("issuedAt")?
                .as_str()
                .and_then(|t| parse_rfc3339(t).ok())
        })
        .and_then(|issued_at| issued_at.checked_add(Duration::minutes(5)))
        .unwrap_or_else(|| parse_rfc3339("2025-01-01T00:05:00.000Z").expect("fixed time parses"));
    let requests = &keys().requests;
    let (resource, ability) = &requests[which_request % requests.len()];
    let request = VerificationRequest {
        resource,
        ability: *ability,
        node_address: NODE_ADDRESS,
        now,
        network_public_key: None,
    };

    let uncached = verify_session_sig(sig, &request, None);
    let cache = CapabilityCache::new(16);
    let cached = verify_session_sig(sig, &request, Some(&cache));
    assert_eq!(uncached, cached, "the capability cache changed a result");
    let again = verify_session_sig(sig, &request, Some(&cache));
    assert_eq!(uncached, again, "a cache hit changed a result");
    check_accepted(sig, &uncached, wallets_signed);
}

fn check_accepted(sig: &AuthSig, result: &Result<AuthContext, AuthError>, wallets_signed: bool) {
    let Ok(context) = result else { return };
    let bare = sig
        .address
        .strip_prefix("0x")
        .unwrap_or(&sig.address)
        .to_ascii_lowercase();
    assert_eq!(
        context.session_key_hex, bare,
        "accepted for another session key"
    );
    if wallets_signed {
        let signers: Vec<Address> = keys()
            .wallets
            .iter()
            .map(|wallet| wallet.address())
            .collect();
        assert!(
            signers.contains(&context.user_address),
            "accepted for a wallet that signed nothing"
        );
    }
}

fn session_sigs_in(text: &str) -> Vec<AuthSig> {
    if let Ok(sigs) = SessionSigs::from_json(text) {
        let again = SessionSigs::from_json(&sigs.to_json()).expect("printed session sigs parse");
        assert_eq!(again, sigs, "session sigs changed across print and parse");
        return sigs.iter().map(|(_, sig)| sig.clone()).collect();
    }
    if let Ok(sig) = serde_json::from_str::<AuthSig>(text) {
        return vec![sig];
    }
    // A bare template: the session sig that carries it.
    let (key, _) = session_key_for("");
    vec![AuthSig {
        sig: String::new(),
        derived_via: sigil_auth::DERIVED_VIA_SESSION.into(),
        signed_message: text.to_owned(),
        address: key.public_key_hex(),
        algo: Some(sigil_auth::ALGO_ED25519.into()),
    }]
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Nodes cap request bodies; a session sig is a few KiB.
    if text.len() > 64 * 1024 {
        return;
    }
    // Which (resource, ability) to ask for: fixed by the input, so a finding replays.
    let which_request = data.len();
    for sig in session_sigs_in(text).into_iter().take(4) {
        verify_all(&sig, false, which_request);
        verify_all(
            &resigned(&sig, sig.signed_message.clone()),
            false,
            which_request,
        );
        if let Some(deep) = deeply_resigned(&sig) {
            verify_all(&deep, true, which_request);
        }
    }
});
