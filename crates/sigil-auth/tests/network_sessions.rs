//! PKP sessions: capabilities the network signs (`lit.bls`), verified under the network's BLS
//! key alone and inside a session sig. The first test's capability was made by Lit's Datil
//! network (it is the JS SDK's own test vector for `blsSessionSigVerify`).

use alloy_primitives::address;
use sigil_auth::*;
use sigil_crypto::bls::{self, KeyShare, NetworkPublicKey};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

mod common;
use common::*;

/// A PKP session capability Lit's Datil nodes signed, and Datil's network key.
fn datil_capability() -> (AuthSig, NetworkPublicKey) {
    let signed_message = [
        "litprotocol.com wants you to sign in with your Ethereum account:",
        "0xf087a967D9eA9445D9182692C2944DcC0Af57341",
        "",
        "Lit Protocol PKP session signature I further authorize the stated URI to perform the following actions on my behalf: I further authorize the stated URI to perform the following actions on my behalf: (1) 'Threshold': 'Execution' for 'lit-litaction://*'. (2) 'Threshold': 'Signing' for 'lit-pkp://*'. I further authorize the stated URI to perform the following actions on my behalf: (1) 'Threshold': 'Execution' for 'lit-litaction://*'. (2) 'Threshold': 'Signing' for 'lit-pkp://*'. (3) 'Auth': 'Auth' for 'lit-resolvedauthcontext://*'.",
        "",
        "URI: lit:session:efebafcc9063827a49dffdb11c36b2d64a33330631ac7f5825e2960946bcc8ff",
        "Version: 1",
        "Chain ID: 1",
        "Nonce: 0x1f623ab8dfe6bbd3b3dc22c7a041deb697c14817bce471b1bd1d86a25d5a319c",
        "Issued At: 2024-06-11T15:55:23Z",
        "Expiration Time: 2024-06-12T15:55:47.655Z",
        "Resources:",
        "- urn:recap:eyJhdHQiOnsibGl0LWxpdGFjdGlvbjovLyoiOnsiVGhyZXNob2xkL0V4ZWN1dGlvbiI6W3t9XX0sImxpdC1wa3A6Ly8qIjp7IlRocmVzaG9sZC9TaWduaW5nIjpbe31dfSwibGl0LXJlc29sdmVkYXV0aGNvbnRleHQ6Ly8qIjp7IkF1dGgvQXV0aCI6W3siYXV0aF9jb250ZXh0Ijp7ImFjdGlvbklwZnNJZHMiOlsiUW1ZM3F1bjlxWDNmVUJIVmZyQTlmM3Y5UnB5eVBvOFJIRXVFTjFYWVBxMVByQSJdLCJhdXRoTWV0aG9kQ29udGV4dHMiOlt7ImFwcElkIjoibGl0IiwiYXV0aE1ldGhvZFR5cGUiOjEsImV4cGlyYXRpb24iOjE3MTgyMDc3MzgsInVzZWRGb3JTaWduU2Vzc2lvbktleVJlcXVlc3QiOnRydWUsInVzZXJJZCI6IjB4NjEwM2U1MGUyQzA0OWM5MjgxNEE1Mjc1YURDZDlBNzE2NjY3OTUxZSJ9XSwiYXV0aFNpZ0FkZHJlc3MiOm51bGwsImN1c3RvbUF1dGhSZXNvdXJjZSI6InRydWUiLCJyZXNvdXJjZXMiOltdfX1dfX0sInByZiI6W119",
    ]
    .join("\n");
    let capability = AuthSig {
        sig: r#"{"ProofOfPossession":"ae925162cecb2f572fa76b93372dbbaee0133e89987c33d3210e0d62ca2dd5bf080dbdabb0155e61e770be1a2a629861073acc58fbc16cb6b700088d2aff114c42337c6123c8d15eeee63b522ea7d9c8f44390d3cb7b26e8d4935a283fe72a5d"}"#.to_owned(),
        derived_via: "lit.bls".to_owned(),
        signed_message,
        address: "0xf087a967D9eA9445D9182692C2944DcC0Af57341".to_owned(),
        algo: Some("LIT_BLS".to_owned()),
    };
    let key = NetworkPublicKey::from_hex(
        "a43499a4b786da2dd28af9f209eb152ff6f646b34b68a02954967271e17fb4c511fd67b81e067f690c6f38acab70585d",
    )
    .expect("Datil's key");
    (capability, key)
}

const DURING_DATIL_SESSION: OffsetDateTime = datetime!(2024-06-11 16:00 UTC);

#[test]
fn a_capability_datils_network_signed_verifies_under_datils_key_with_its_auth_context() {
    let (capability, key) = datil_capability();
    let verified =
        verify_network_capability(&capability, &key, DURING_DATIL_SESSION).expect("verifies");
    assert_eq!(
        verified.pkp_address,
        address!("f087a967D9eA9445D9182692C2944DcC0Af57341")
    );
    let context = verified.resolved_auth_context.expect("an auth context");
    assert_eq!(context.custom_auth_resource, "true");
    assert_eq!(
        context.auth_method_contexts,
        vec![AuthMethodContext {
            user_id: "0x6103e50e2C049c92814A5275aDCd9A716667951e".to_owned(),
            app_id: "lit".to_owned(),
            auth_method_type: 1,
        }]
    );
    assert_eq!(
        context.json["actionIpfsIds"][0],
        "QmY3qun9qX3fUBHVfrA9f3v9RpyyPo8RHEuEN1XYPq1PrA"
    );
}

#[test]
fn a_changed_network_capability_another_network_or_another_time_is_refused() {
    let (capability, key) = datil_capability();
    let refused = |capability: &AuthSig, key: &NetworkPublicKey, now| {
        verify_network_capability(capability, key, now).expect_err("refused")
    };

    // One character of the signed text.
    let mut changed = capability.clone();
    changed.signed_message = changed
        .signed_message
        .replace("session signature", "session signaturE");
    assert_eq!(
        refused(&changed, &key, DURING_DATIL_SESSION),
        CapabilityRejection::WrongNetworkSignature
    );
    // One bit of the signature: no longer a curve point, or not the signature.
    let mut flipped = capability.clone();
    flipped.sig = flipped.sig.replacen("ae925162", "ae925163", 1);
    assert!(matches!(
        refused(&flipped, &key, DURING_DATIL_SESSION),
        CapabilityRejection::WrongNetworkSignature | CapabilityRejection::SignatureEncoding
    ));
    // Another network's key.
    let (other_key, _) = bls::deal(2, 3, &mut rand_core::OsRng).expect("a key");
    assert_eq!(
        refused(&capability, &other_key, DURING_DATIL_SESSION),
        CapabilityRejection::WrongNetworkSignature
    );
    // After its expiration.
    assert!(matches!(
        refused(&capability, &key, datetime!(2024-06-12 16:00 UTC)),
        CapabilityRejection::OutsideValidity { .. }
    ));
    // An `address` that is not the signed one.
    let mut other_address = capability.clone();
    other_address.address = "0x6103e50e2C049c92814A5275aDCd9A716667951e".to_owned();
    assert!(matches!(
        refused(&other_address, &key, DURING_DATIL_SESSION),
        CapabilityRejection::AddressMismatch { .. }
    ));
    // A signature that is not the tagged JSON.
    let mut untagged = capability.clone();
    untagged.sig = "0xae925162".to_owned();
    assert_eq!(
        refused(&untagged, &key, DURING_DATIL_SESSION),
        CapabilityRejection::SignatureEncoding
    );
    // Not a network capability at all.
    let mut wallet_kind = capability;
    wallet_kind.derived_via = "web3.eth.personal.sign".to_owned();
    assert!(matches!(
        refused(&wallet_kind, &key, DURING_DATIL_SESSION),
        CapabilityRejection::UnsupportedAuthMaterial { .. }
    ));
}

/// A network of three key shares, threshold two, that signs PKP sessions.
struct TestNetwork {
    key: NetworkPublicKey,
    shares: Vec<KeyShare>,
}

impl TestNetwork {
    fn new() -> Self {
        let (key, shares) = bls::deal(2, 3, &mut rand_core::OsRng).expect("a network");
        TestNetwork { key, shares }
    }

    /// The capability two nodes' shares make for the PKP at `pkp`, granting `requests` to the
    /// test session key.
    fn pkp_capability(
        &self,
        pkp: alloy_primitives::Address,
        requests: Vec<ResourceAbilityRequest>,
    ) -> AuthSig {
        let params = siwe::SiweMessageParams::new(pkp, NONCE)
            .with_uri(session_key().uri())
            .with_expiration(NOW + SIWE_VALIDITY)
            .with_resources(requests);
        let signed_message = siwe::create_siwe_message(&params, NOW).expect("a SIWE");
        let digest = network_session_digest(&signed_message);
        let shares: Vec<_> = self.shares[1..]
            .iter()
            .map(|share| share.sign(&digest))
            .collect();
        let signature = bls::combine(&shares).expect("combines");
        AuthSig {
            sig: format!(r#"{{"ProofOfPossession":"{}"}}"#, signature.to_hex()),
            derived_via: "lit.bls".to_owned(),
            signed_message,
            address: pkp.to_checksum(None),
            algo: Some("LIT_BLS".to_owned()),
        }
    }
}

fn pkp_signing() -> ResourceAbilityRequest {
    ResourceAbilityRequest::new(
        LitResource::wildcard(ResourcePrefix::Pkp),
        LitAbility::PkpSigning,
    )
    .expect("a request")
}

#[test]
fn a_session_the_network_signed_for_a_pkp_speaks_for_the_pkp_under_that_network_only() {
    let network = TestNetwork::new();
    let pkp = address!("3333333333333333333333333333333333333333");
    let capability = network.pkp_capability(pkp, vec![pkp_signing()]);
    let session = session_sig_with_capabilities(
        &session_key(),
        vec![pkp_signing()],
        vec![capability.clone()],
        NODE_URL,
        NOW,
    );
    let resource = LitResource::new(ResourcePrefix::Pkp, "ab".repeat(32)).expect("a resource");
    let request = |network_public_key| VerificationRequest {
        resource: &resource,
        ability: LitAbility::PkpSigning,
        node_address: NODE_URL,
        now: NOW + Duration::minutes(1),
        network_public_key,
    };
    let cache = CapabilityCache::new(16);
    for round in 0..2 {
        let context = verify_session_sig(&session, &request(Some(&network.key)), Some(&cache))
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
        assert_eq!(context.user_address, pkp);
        assert_eq!(context.resolved_auth_context, None);
    }

    let rejection = |result: Result<AuthContext, AuthError>| match result {
        Err(AuthError::NoValidCapability { rejections }) => rejections,
        other => panic!("expected a refusal, got {other:?}"),
    };
    // A node without the network key, and a node of another network.
    assert_eq!(
        rejection(verify_session_sig(&session, &request(None), None)),
        vec![CapabilityRejection::NoNetworkKey]
    );
    let other = TestNetwork::new();
    assert_eq!(
        rejection(verify_session_sig(
            &session,
            &request(Some(&other.key)),
            None
        )),
        vec![CapabilityRejection::WrongNetworkSignature]
    );
    // The verified text, presented as a wallet's signature, is not taken from the cache.
    let mut as_wallet = capability;
    as_wallet.derived_via = "web3.eth.personal.sign".to_owned();
    as_wallet.algo = None;
    let session = session_sig_with_capabilities(
        &session_key(),
        vec![pkp_signing()],
        vec![as_wallet],
        NODE_URL,
        NOW,
    );
    assert!(matches!(
        rejection(verify_session_sig(
            &session,
            &request(Some(&network.key)),
            Some(&cache)
        ))
        .as_slice(),
        [CapabilityRejection::SignatureEncoding]
    ));
}

/// Lit's node rebuilds a client's SIWE message for a PKP session so (the pinned `siwe` and
/// `siwe-recap` crates of Lit's node made the expected text from the same inputs).
#[test]
fn the_network_rebuilds_the_clients_siwe_message_as_lit_s_nodes_do() {
    let requested = [
        "localhost wants you to sign in with your Ethereum account:",
        "0x1111111111111111111111111111111111111111",
        "",
        "This is a test statement. I further authorize the stated URI to perform the following actions on my behalf: (1) 'Threshold': 'Execution' for 'lit-litaction://*'. (2) 'Threshold': 'Signing' for 'lit-pkp://*'.",
        "",
        "URI: lit:session:aabbcc",
        "Version: 1",
        "Chain ID: 1",
        "Nonce: 0x8e7c1b2f0f0e9a2e2a7e9b1c3d4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5",
        "Issued At: 2024-06-01T12:00:00.000Z",
        "Expiration Time: 2024-06-02T12:00:00.000Z",
        "Resources:",
        "- urn:recap:eyJhdHQiOnsibGl0LWxpdGFjdGlvbjovLyoiOnsiVGhyZXNob2xkL0V4ZWN1dGlvbiI6W3t9XX0sImxpdC1wa3A6Ly8qIjp7IlRocmVzaG9sZC9TaWduaW5nIjpbe31dfX0sInByZiI6W119",
    ]
    .join("\n");
    let expected = [
        "localhost wants you to sign in with your Ethereum account:",
        "0x3333333333333333333333333333333333333333",
        "",
        "This is a test statement. I further authorize the stated URI to perform the following actions on my behalf: (1) 'Threshold': 'Execution' for 'lit-litaction://*'. (2) 'Threshold': 'Signing' for 'lit-pkp://*'. I further authorize the stated URI to perform the following actions on my behalf: (1) 'Threshold': 'Execution' for 'lit-litaction://*'. (2) 'Threshold': 'Signing' for 'lit-pkp://*'. (3) 'Auth': 'Auth' for 'lit-resolvedauthcontext://*'.",
        "",
        "URI: lit:session:aabbcc",
        "Version: 1",
        "Chain ID: 1",
        "Nonce: 0x8e7c1b2f0f0e9a2e2a7e9b1c3d4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5",
        "Issued At: 2024-06-01T11:59:59Z",
        "Expiration Time: 2024-06-02T12:00:00.000Z",
        "Resources:",
        "- urn:recap:eyJhdHQiOnsibGl0LWxpdGFjdGlvbjovLyoiOnsiVGhyZXNob2xkL0V4ZWN1dGlvbiI6W3t9XX0sImxpdC1wa3A6Ly8qIjp7IlRocmVzaG9sZC9TaWduaW5nIjpbe31dfSwibGl0LXJlc29sdmVkYXV0aGNvbnRleHQ6Ly8qIjp7IkF1dGgvQXV0aCI6W3siYXV0aF9jb250ZXh0Ijp7ImFjdGlvbklwZnNJZFN0YWNrIjpbXSwiYWN0aW9uSXBmc0lkcyI6W10sImF1dGhNZXRob2RDb250ZXh0cyI6W3siYXBwSWQiOiJsaXQiLCJhdXRoTWV0aG9kVHlwZSI6MSwidXNlZEZvclNpZ25TZXNzaW9uS2V5UmVxdWVzdCI6dHJ1ZSwidXNlcklkIjoiMHgyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyIn1dLCJhdXRoU2lnQWRkcmVzcyI6bnVsbCwiY3VzdG9tQXV0aFJlc291cmNlIjoiIiwicmVzb3VyY2VzIjpbXX19XX19LCJwcmYiOltdfQ",
    ]
    .join("\n");
    let auth_context = serde_json::json!({
        "actionIpfsIds": [], "actionIpfsIdStack": [], "authSigAddress": null,
        "authMethodContexts": [{"userId": "0x2222222222222222222222222222222222222222",
            "appId": "lit", "authMethodType": 1, "usedForSignSessionKeyRequest": true}],
        "resources": [], "customAuthResource": "",
    });
    let requested: siwe::SiweMessage = requested.parse().expect("the client's message");
    let grant = pkp_session::PkpSessionGrant {
        requested: &requested,
        pkp_address: address!("3333333333333333333333333333333333333333"),
        block_hash: "0x8e7c1b2f0f0e9a2e2a7e9b1c3d4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5",
        block_time: OffsetDateTime::from_unix_timestamp(1_717_243_199).expect("a time"),
        auth_context: &auth_context,
    };
    let signed = pkp_session::pkp_session_siwe(&grant).expect("rebuilt");
    assert_eq!(signed, expected);
    assert_eq!(
        hex::encode(network_session_digest(&signed)),
        "827c9716a86ea8e92a93555a4ffb73c9d93bf01fb8c79db6041242fc6d252bd0"
    );
    // The signed text parses, and its ReCap carries the auth context back.
    let parsed: siwe::SiweMessage = signed.parse().expect("canonical");
    let recaps = parsed.recaps();
    assert_eq!(
        recaps[0].attenuations()[RESOLVED_AUTH_CONTEXT_RESOURCE]["Auth/Auth"][0]["auth_context"],
        auth_context
    );
}

#[test]
fn a_client_may_not_name_the_auth_context_resource_nor_leave_out_its_recap() {
    let network = TestNetwork::new();
    let pkp = address!("3333333333333333333333333333333333333333");
    let capability = network.pkp_capability(pkp, vec![pkp_signing()]);
    let context = serde_json::json!({});
    let grant = |requested: &siwe::SiweMessage| {
        pkp_session::pkp_session_siwe(&pkp_session::PkpSessionGrant {
            requested,
            pkp_address: pkp,
            block_hash: NONCE,
            block_time: NOW,
            auth_context: &context,
        })
    };
    // A message the network signed already carries the resource: refused as a request.
    let signed_once: siwe::SiweMessage = grant(&capability.signed_message.parse().unwrap())
        .expect("a first grant")
        .parse()
        .expect("parses");
    let refused = grant(&signed_once).expect_err("reserved");
    assert_eq!(refused, AuthError::ReservedAuthContextResource);
    assert_eq!(refused.code(), "NodeInvalidAuthContextResource");
    assert_eq!(refused.code().status(), 401);
    // No ReCap at all.
    let plain: siwe::SiweMessage = siwe::create_siwe_message(
        &siwe::SiweMessageParams::new(pkp, NONCE).with_uri(session_key().uri()),
        NOW,
    )
    .unwrap()
    .parse()
    .unwrap();
    assert_eq!(
        grant(&plain).expect_err("no recap"),
        AuthError::MissingRecap
    );
}

#[test]
fn the_times_of_a_message_the_network_signs_follow_lit_s_rules() {
    let message = |issued: OffsetDateTime, expires: Option<OffsetDateTime>| {
        let mut params =
            siwe::SiweMessageParams::new(wallet().address(), NONCE).with_uri(session_key().uri());
        params.expiration = expires;
        let text = siwe::create_siwe_message(&params, issued).unwrap();
        let text = if expires.is_none() {
            text.lines()
                .filter(|line| !line.starts_with("Expiration Time"))
                .collect::<Vec<_>>()
                .join("\n")
        } else {
            text
        };
        text.parse::<siwe::SiweMessage>().unwrap()
    };
    let check = |m: &siwe::SiweMessage| pkp_session::check_siwe_times(m, NOW);
    assert!(check(&message(NOW, Some(NOW + Duration::days(1)))).is_ok());
    assert!(check(&message(
        NOW + Duration::seconds(59),
        Some(NOW + Duration::days(1))
    ))
    .is_ok());
    for (name, m, code) in [
        (
            "future",
            message(NOW + Duration::seconds(61), Some(NOW + Duration::days(1))),
            "NodeSIWEMessageError",
        ),
        ("no expiration", message(NOW, None), "NodeSIWEMessageError"),
        (
            "expires before issued",
            message(NOW, Some(NOW - Duration::seconds(1))),
            "NodeExpWrongOrTooLarge",
        ),
        (
            "expired",
            message(NOW - Duration::days(2), Some(NOW - Duration::seconds(61))),
            "NodeSIWEMessageError",
        ),
        (
            "over 30 days",
            message(NOW, Some(NOW + Duration::days(30) + Duration::seconds(1))),
            "NodeSIWEMessageError",
        ),
    ] {
        let error = check(&m).expect_err(name);
        assert_eq!(error.code(), code, "{name}: {error}");
    }
}
