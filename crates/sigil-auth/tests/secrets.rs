//! Secrets stay out of `Debug` and error messages: nothing printable made from
//! a session key, or from an error about one, contains its secret in any form.

use alloy_signer_local::PrivateKeySigner;
use sigil_auth::siwe::{create_siwe_message, SiweMessageParams};
use sigil_auth::*;
use sigil_test_support::secrets::assert_hides;
use time::macros::datetime;
use time::Duration;

/// A seed with no repeated byte, so each of its forms is distinctive.
const SEED: [u8; 32] = [
    0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
    0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
];
const WALLET_KEY: &str = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

#[test]
fn session_key_debug_shows_the_public_key_and_not_the_secret() {
    let key = SessionKeyPair::from_seed(SEED);
    for text in [format!("{key:?}"), format!("{key:#?}")] {
        assert_hides(&text, &SEED, "Debug of SessionKeyPair");
        assert!(
            !text.contains(key.secret_key_hex().as_str()),
            "Debug shows the JS secret form: {text}"
        );
        assert!(
            text.contains(&key.public_key_hex()),
            "Debug should name the public key: {text}"
        );
    }
    // The JS secret form is seed ‖ public key: the seed checks above would catch it.
    assert!(key.secret_key_hex().starts_with(&hex::encode(SEED)));
}

#[test]
fn a_loaded_session_key_hides_its_secret_too() {
    let key =
        SessionKeyPair::from_secret_hex(&SessionKeyPair::from_seed(SEED).secret_key_hex()).unwrap();
    assert_hides(
        &format!("{key:?}"),
        &SEED,
        "Debug of a loaded SessionKeyPair",
    );
}

#[test]
fn session_key_errors_never_echo_the_secret_they_were_given() {
    let secret = SessionKeyPair::from_seed(SEED).secret_key_hex();
    let other_public = SessionKeyPair::from_seed([7u8; 32]).public_key_hex();
    let wrong_half = format!("{}{other_public}", &secret[..64]);
    let inputs = [
        wrong_half,
        format!("{}zz", &secret[..126]),
        format!("{}00", &*secret),
        secret[..64].to_owned(),
        format!("0x{}", &*secret),
        secret.to_uppercase().replace('A', "G"),
    ];
    for input in &inputs {
        let error =
            SessionKeyPair::from_secret_hex(input).expect_err("malformed secret is refused");
        for text in [error.to_string(), format!("{error:?}")] {
            assert_hides(&text, &SEED, "a session key error");
        }
    }
}

#[test]
fn session_sigs_carry_signatures_but_no_session_secret() {
    let key = SessionKeyPair::from_seed(SEED);
    let wallet: PrivateKeySigner = WALLET_KEY.parse().unwrap();
    let now = datetime!(2025-01-01 00:00 UTC);
    let request = ResourceAbilityRequest::new(
        LitResource::wildcard(ResourcePrefix::AccessControlCondition),
        LitAbility::AccessControlConditionDecryption,
    )
    .unwrap();
    let siwe = SiweMessageParams::new(wallet.address(), "abcdefgh12")
        .with_uri(key.uri())
        .with_resources(vec![request.clone()]);
    let params = SessionSigningParams {
        resource_ability_requests: vec![request],
        capabilities: vec![
            generate_auth_sig(&wallet, &create_siwe_message(&siwe, now).unwrap()).unwrap(),
        ],
        issued_at: now,
        expiration: now + Duration::hours(1),
    };
    let sigs = sign_session_sigs(&key, &params, &["http://127.0.0.1:7470"]).unwrap();
    for text in [format!("{sigs:?}"), sigs.to_json(), format!("{params:?}")] {
        assert_hides(&text, &SEED, "session sigs");
    }
}

#[test]
fn wallet_signer_debug_does_not_show_the_private_key() {
    // The CLI and the devnet hold wallets as alloy's PrivateKeySigner and may log them.
    let wallet: PrivateKeySigner = WALLET_KEY.parse().unwrap();
    let secret = hex::decode(WALLET_KEY.trim_start_matches("0x")).unwrap();
    for text in [format!("{wallet:?}"), format!("{wallet:#?}")] {
        assert_hides(&text, &secret, "Debug of PrivateKeySigner");
    }
}
