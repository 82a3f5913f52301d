//! PKP session sigs byte for byte as the official JS SDK 7.4.0 makes them, from the same inputs
//! (tests/vectors/pkp-session-sigs.json, made by tests/vectors/mock-pkp-session-sigs.js): the
//! body `signSessionKey` sends every node, and the session sigs built on the network's
//! capability.

use base64::Engine;
use serde_json::Value;
use sigil_auth::{sign_session_sigs, SessionSigningParams};
use sigil_client::{
    eth_wallet_auth_method, sign_session_key_request, AuthSig, LitAbility, LitResource,
    PkpSessionSigsParams, ResourceAbilityRequest, ResourcePrefix, SessionKeyPair,
};
use time::macros::datetime;
use time::OffsetDateTime;

const NOW: OffsetDateTime = datetime!(2025-01-01 00:00 UTC);
const EXPIRATION: OffsetDateTime = datetime!(2025-01-01 00:10 UTC);
const NONCE: &str = "0x8e2e8d2a1d3f4c5b6a79881726354453627180900a0b0c0d0e0f101112131415";
const EPOCH: u64 = 5;

fn vectors() -> Value {
    serde_json::from_str(include_str!("vectors/pkp-session-sigs.json")).expect("the vectors")
}

fn session_key() -> SessionKeyPair {
    SessionKeyPair::from_seed([1u8; 32])
}

fn pkp_signing() -> ResourceAbilityRequest {
    ResourceAbilityRequest::new(
        LitResource::wildcard(ResourcePrefix::Pkp),
        LitAbility::PkpSigning,
    )
    .expect("a request")
}

fn action_execution() -> ResourceAbilityRequest {
    ResourceAbilityRequest::new(
        LitResource::wildcard(ResourcePrefix::LitAction),
        LitAbility::LitActionExecution,
    )
    .expect("a request")
}

/// The body the SDK sent the first node in `case`, parsed.
fn sdk_body(vectors: &Value, case: &str) -> (String, Value) {
    let raw = vectors["cases"][case]["requests"][0]["rawBody"]
        .as_str()
        .expect("a request body")
        .to_owned();
    let parsed = serde_json::from_str(&raw).expect("JSON");
    (raw, parsed)
}

#[test]
fn the_body_sent_to_sign_a_pkp_session_is_the_sdks_byte_for_byte() {
    let vectors = vectors();
    let (raw, sdk) = sdk_body(&vectors, "getPkpSessionSigs");
    // The wallet's AuthSig the SDK sent as the auth method, sent again by this client.
    let auth_sig: AuthSig = serde_json::from_str(
        sdk["authMethods"][0]["accessToken"]
            .as_str()
            .expect("a token"),
    )
    .expect("an AuthSig");
    let pkp_public_key = vectors["pkpPublicKey"].as_str().expect("the PKP");
    // Without 0x, as the SDK was given it: the client adds it, as the SDK does.
    let params = PkpSessionSigsParams::new(
        pkp_public_key.trim_start_matches("0x"),
        vec![eth_wallet_auth_method(&auth_sig).expect("an auth method")],
        vec![pkp_signing()],
    );
    let ours =
        sign_session_key_request(&params, &session_key(), NONCE, NOW, EXPIRATION, Some(EPOCH))
            .expect("a body");
    assert_eq!(serde_json::to_string(&ours).expect("JSON"), raw);
}

#[test]
fn the_body_sent_for_a_lit_action_session_is_the_sdks_byte_for_byte() {
    let vectors = vectors();
    let (raw, sdk) = sdk_body(&vectors, "getLitActionSessionSigs");
    let code = base64::engine::general_purpose::STANDARD
        .decode(sdk["code"].as_str().expect("code"))
        .expect("base64");
    let mut params = PkpSessionSigsParams::new(
        vectors["pkpPublicKey"].as_str().expect("the PKP"),
        Vec::new(),
        vec![pkp_signing(), action_execution()],
    );
    params.lit_action_code = Some(String::from_utf8(code).expect("UTF-8"));
    params.js_params = sdk["jsParams"].as_object().cloned();
    let ours =
        sign_session_key_request(&params, &session_key(), NONCE, NOW, EXPIRATION, Some(EPOCH))
            .expect("a body");
    assert_eq!(serde_json::to_string(&ours).expect("JSON"), raw);
}

#[test]
fn session_sigs_on_the_networks_capability_are_the_sdks_byte_for_byte() {
    let vectors = vectors();
    for (case, requests) in [
        ("getPkpSessionSigs", vec![pkp_signing()]),
        (
            "getLitActionSessionSigs",
            vec![pkp_signing(), action_execution()],
        ),
    ] {
        let expected = &vectors["cases"][case]["sessionSigs"];
        let capability: AuthSig =
            serde_json::from_value(vectors["cases"][case]["capability"].clone())
                .expect("a capability");
        let nodes: Vec<String> = expected
            .as_object()
            .expect("per node")
            .keys()
            .cloned()
            .collect();
        let params = SessionSigningParams {
            resource_ability_requests: requests,
            capabilities: vec![capability],
            issued_at: NOW,
            expiration: EXPIRATION,
        };
        let ours = sign_session_sigs(&session_key(), &params, &nodes).expect("session sigs");
        for node in &nodes {
            assert_eq!(
                serde_json::to_value(ours.get(node).expect("a sig")).expect("JSON"),
                expected[node],
                "{case} {node}"
            );
        }
    }
}
