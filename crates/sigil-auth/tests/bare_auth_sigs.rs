//! Bare wallet AuthSigs (a wallet's own signature, no session key), checked as Lit's nodes check
//! them on their unversioned endpoints: each failure is Lit's code and status.

use alloy_signer_local::PrivateKeySigner;
use sigil_auth::siwe::{create_siwe_message, SiweMessageParams};
use sigil_auth::*;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const NOW: OffsetDateTime = datetime!(2025-03-01 12:00 UTC);
const NONCE: &str = "0x8e2e8d2a1d3f4c5b6a79881726354453627180900a0b0c0d0e0f101112131415";

fn wallet() -> PrivateKeySigner {
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
        .parse()
        .expect("key")
}

/// The wallet's AuthSig over a SIWE message for `uri`, issued at `NOW`, expiring after `valid`.
fn auth_sig(uri: &str, valid: Duration) -> AuthSig {
    let wallet = wallet();
    let params = SiweMessageParams::new(wallet.address(), NONCE)
        .with_uri(uri)
        .with_expiration(NOW + valid);
    generate_auth_sig(&wallet, &create_siwe_message(&params, NOW).expect("siwe")).expect("signs")
}

fn refusal(auth_sig: &AuthSig, now: OffsetDateTime) -> (String, u16) {
    let error = verify_wallet_auth_sig(auth_sig, now).expect_err("refused");
    (error.code().as_str().to_owned(), error.code().status())
}

#[test]
fn a_wallets_own_siwe_signature_names_the_wallet_whatever_the_case_of_its_address() {
    let signed = auth_sig("https://app.example", Duration::hours(1));
    let checked = verify_wallet_auth_sig(&signed, NOW + Duration::minutes(5)).expect("valid");
    assert_eq!(checked.address, wallet().address());
    assert_eq!(checked.siwe.uri(), "https://app.example");
    // The JS SDK's browser wallets send the address lowercased.
    let mut lowercased = signed;
    lowercased.address = lowercased.address.to_lowercase();
    assert_eq!(
        verify_wallet_auth_sig(&lowercased, NOW)
            .expect("valid")
            .address,
        wallet().address()
    );
}

#[test]
fn a_changed_or_misattributed_or_malformed_auth_sig_gets_lit_s_code() {
    let signed = auth_sig("https://app.example", Duration::hours(1));
    let invalid = ("NodeInvalidAuthSig".to_owned(), 401);

    let mut changed = signed.clone();
    changed.signed_message = changed.signed_message.replace("app.example", "app.exampla");
    assert_eq!(refusal(&changed, NOW), invalid);

    let mut someone_else = signed.clone();
    someone_else.address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C9".to_owned();
    assert_eq!(refusal(&someone_else, NOW), invalid);

    let mut bad_sig = signed.clone();
    bad_sig.sig = "0xnot-a-signature".to_owned();
    assert_eq!(
        refusal(&bad_sig, NOW),
        ("NodeAuthSigSignatureConversionError".to_owned(), 400)
    );
    let mut bad_address = signed.clone();
    bad_address.address = "0x1234".to_owned();
    assert_eq!(
        refusal(&bad_address, NOW),
        ("NodeAuthSigAddressConversionError".to_owned(), 400)
    );

    // A signed text that is not a SIWE message.
    let plain = generate_auth_sig(&wallet(), "I am creating an account").expect("signs");
    assert_eq!(refusal(&plain, NOW), invalid);

    // A session's or a delegation's SIWE message is a capability, not a sign-in.
    for uri in [
        "lit:session:2a4a3d8f4bbd9d1c8a1e7f6a6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f",
        "lit:capability:delegation",
    ] {
        assert_eq!(refusal(&auth_sig(uri, Duration::hours(1)), NOW), invalid);
    }
}

#[test]
fn the_times_of_a_bare_auth_sig_follow_lit_s_rules() {
    let signed = auth_sig("https://app.example", Duration::hours(1));
    let siwe_error = ("NodeSIWEMessageError".to_owned(), 400);
    // Within the 60 s grace period after expiry, then beyond it.
    verify_wallet_auth_sig(&signed, NOW + Duration::seconds(3_630)).expect("within grace");
    assert_eq!(refusal(&signed, NOW + Duration::hours(2)), siwe_error);
    // Issued more than 60 s ahead of the node's clock.
    assert_eq!(refusal(&signed, NOW - Duration::minutes(5)), siwe_error);
    // Valid for longer than 30 days.
    assert_eq!(
        refusal(&auth_sig("https://app.example", Duration::days(31)), NOW),
        siwe_error
    );
    // No expiration at all.
    let text = signed
        .signed_message
        .lines()
        .filter(|line| !line.starts_with("Expiration Time:"))
        .collect::<Vec<_>>()
        .join("\n");
    let unbounded = generate_auth_sig(&wallet(), &text).expect("signs");
    assert_eq!(refusal(&unbounded, NOW), siwe_error);
}

#[test]
fn auth_material_is_read_by_derived_via_and_algo_as_lit_reads_it() {
    let with = |derived_via: &str, algo: Option<&str>| AuthSig {
        sig: String::new(),
        derived_via: derived_via.to_owned(),
        signed_message: String::new(),
        address: String::new(),
        algo: algo.map(str::to_owned),
    };
    let cases = [
        (
            with("litSessionSignViaNacl", Some("ed25519")),
            AuthMaterialKind::Session,
        ),
        (
            with("EIP1271", None),
            AuthMaterialKind::Contract { sha256: false },
        ),
        (
            with("EIP1271_SHA256", None),
            AuthMaterialKind::Contract { sha256: true },
        ),
        (with("lit.bls", Some("LIT_BLS")), AuthMaterialKind::Network),
        (
            with("web3.eth.personal.sign", None),
            AuthMaterialKind::Wallet,
        ),
        (with("solana.signMessage", None), AuthMaterialKind::Wallet),
        // Without its algo, a session's or the network's derivedVia is read as a wallet's.
        (
            with("litSessionSignViaNacl", None),
            AuthMaterialKind::Wallet,
        ),
        (with("lit.bls", None), AuthMaterialKind::Wallet),
    ];
    for (auth_sig, kind) in cases {
        assert_eq!(
            AuthMaterialKind::of(&auth_sig),
            kind,
            "{}",
            auth_sig.derived_via
        );
    }
}

#[test]
fn a_contract_wallets_auth_sig_asks_its_contract_about_the_hash_its_derived_via_names() {
    let signed = auth_sig("https://app.example", Duration::hours(1));
    let contract = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    let as_contract = |derived_via: &str, sig: &str| AuthSig {
        derived_via: derived_via.to_owned(),
        address: contract.to_owned(),
        sig: sig.to_owned(),
        ..signed.clone()
    };
    let eip191 = prepare_contract_auth_sig(&as_contract("EIP1271", &signed.sig), false, NOW)
        .expect("prepared");
    assert_eq!(eip191.contract.to_checksum(None), contract);
    assert_eq!(
        eip191.hash,
        alloy_primitives::eip191_hash_message(signed.signed_message.as_bytes())
    );
    assert_eq!(eip191.signature.len(), 65);
    let sha256 = prepare_contract_auth_sig(&as_contract("EIP1271_SHA256", "0xabc"), true, NOW)
        .expect("prepared");
    assert_eq!(
        hex::encode(sha256.hash),
        sha256_hex(signed.signed_message.as_bytes())
    );
    // An odd number of hex digits is read with a leading zero, as Lit reads it.
    assert_eq!(sha256.signature, vec![0x0a, 0xbc]);

    let code = |auth_sig: &AuthSig, now| {
        prepare_contract_auth_sig(auth_sig, false, now)
            .expect_err("refused")
            .code()
            .as_str()
            .to_owned()
    };
    let mut no_address = as_contract("EIP1271", &signed.sig);
    no_address.address = "a wallet".to_owned();
    assert_eq!(code(&no_address, NOW), "NodeAuthSigAddressConversionError");
    assert_eq!(
        code(&as_contract("EIP1271", "0xzz"), NOW),
        "NodeInvalidAuthSig"
    );
    assert_eq!(
        code(
            &as_contract("EIP1271", &signed.sig),
            NOW + Duration::hours(2)
        ),
        "NodeSIWEMessageError"
    );
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

#[test]
fn a_contract_wallet_s_signature_grants_no_session_as_on_lit_s_nodes() {
    use sigil_test_support::session::{
        acc_decryption, session_key, session_sig_with_capabilities, siwe_for, NODE_URL,
        NOW as SESSION_NOW,
    };
    let wallet = wallet();
    let siwe = siwe_for(&wallet, &session_key(), vec![acc_decryption()], SESSION_NOW);
    let mut capability = generate_auth_sig(&wallet, &siwe).expect("signs");
    capability.derived_via = "EIP1271".to_owned();
    let session = session_sig_with_capabilities(
        &session_key(),
        vec![acc_decryption()],
        vec![capability],
        NODE_URL,
        SESSION_NOW,
    );
    let resource = LitResource::parse("lit-accesscontrolcondition://aa/bb").expect("resource");
    let request = VerificationRequest {
        resource: &resource,
        ability: LitAbility::AccessControlConditionDecryption,
        node_address: "127.0.0.1:7470",
        now: SESSION_NOW,
        network_public_key: None,
    };
    match verify_session_sig(&session, &request, None) {
        Err(AuthError::NoValidCapability { rejections }) => assert!(
            matches!(
                rejections.as_slice(),
                [CapabilityRejection::UnsupportedAuthMaterial { .. }]
            ),
            "{rejections:?}"
        ),
        other => panic!("expected the contract capability refused, got {other:?}"),
    }
}
