//! Inputs the fuzz targets (fuzz/, `scripts/fuzz`) found, kept as tests.
//!
//! Finding 1 (fuzz target `siwe_parse`): `SiweMessage::from_str` accepts texts that do not print
//! back as received. The `siwe` crate it wraps skips the blank line after the address and the
//! one after the statement without looking at them, drops a `Resources:` line with no resource
//! after it, and reads `Chain ID: +1` or `01` as 1. The wallet signature is then checked against
//! the printed form, so a capability whose `signedMessage` was not the text the wallet signed was
//! accepted, and a wallet that signed such a text was refused. The JS SDK never writes these
//! forms, and the JS `siwe` 2.3.2 parser refuses them. Fixed: the parser now refuses any text
//! that does not print back byte for byte.

use sigil_auth::*;
use time::Duration;

mod common;
use common::*;

/// Line `index` of `text` replaced by `with`.
fn with_line(text: &str, index: usize, with: &str) -> String {
    let mut lines: Vec<&str> = text.split('\n').collect();
    lines[index] = with;
    lines.join("\n")
}

/// The shapes `siwe_parse` found (minimised by hand from its crash files): what each blank line
/// may hold, and a dangling `Resources:` line.
fn texts_that_do_not_print_back() -> Vec<(&'static str, String)> {
    let signed = siwe_text(vec![acc_decryption()]);
    vec![
        (
            "text in the blank line after the address",
            with_line(&signed, 2, "~"),
        ),
        (
            "a tag in the blank line after the address",
            with_line(&signed, 2, "Request ID: 18446744073709551616"),
        ),
        (
            "text in the blank line after the statement",
            with_line(&signed, 4, "lit:capability:delegation"),
        ),
        (
            "a Resources: line with no resource",
            format!("{}\nResources:", siwe_text(vec![])),
        ),
        (
            "a chain id with a sign",
            with_line(&signed, 7, "Chain ID: +1"),
        ),
        (
            "a chain id with a leading zero",
            with_line(&signed, 7, "Chain ID: 01"),
        ),
    ]
}

#[test]
fn texts_found_by_the_fuzzer_parse_without_panicking_to_a_stable_message() {
    for (what, text) in texts_that_do_not_print_back() {
        if let Ok(message) = text.parse::<SiweMessage>() {
            let again: SiweMessage = message
                .to_string()
                .parse()
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(again, message, "{what}");
        }
    }
}

#[test]
fn siwe_text_that_does_not_print_back_as_received_is_refused() {
    let accepted: Vec<&str> = texts_that_do_not_print_back()
        .into_iter()
        .filter(|(_, text)| {
            !matches!(
                text.parse::<SiweMessage>(),
                Err(AuthError::SiweParse { .. })
            )
        })
        .map(|(what, _)| what)
        .collect();
    assert!(accepted.is_empty(), "accepted: {accepted:?}");
}

/// A session whose wallet capability carries `capability_text` signed as `signature_over`.
fn session_with_capability(capability_text: &str, signature_over: &str) -> AuthSig {
    let mut capability = generate_auth_sig(&wallet(), signature_over).unwrap();
    capability.signed_message = capability_text.to_owned();
    let params = SessionSigningParams {
        resource_ability_requests: vec![acc_decryption()],
        capabilities: vec![capability],
        issued_at: NOW,
        expiration: NOW + Duration::minutes(10),
    };
    sign_session_sigs(&session_key(), &params, &[NODE_URL])
        .unwrap()
        .get(NODE_URL)
        .unwrap()
        .clone()
}

fn verify(session_sig: &AuthSig) -> Result<AuthContext, AuthError> {
    let resource = LitResource::parse("lit-accesscontrolcondition://aa/bb").unwrap();
    let request = VerificationRequest {
        resource: &resource,
        ability: LitAbility::AccessControlConditionDecryption,
        node_address: "127.0.0.1:7470",
        now: NOW,
        network_public_key: None,
    };
    verify_session_sig(session_sig, &request, None)
}

#[test]
fn the_signed_siwe_text_itself_still_verifies() {
    // The control for the test below: the same session with the text the wallet signed.
    let signed = siwe_text(vec![acc_decryption()]);
    assert_eq!(
        verify(&session_with_capability(&signed, &signed))
            .unwrap()
            .user_address,
        wallet().address()
    );
}

#[test]
fn a_capability_whose_text_is_not_what_the_wallet_signed_is_refused() {
    let signed = siwe_text(vec![acc_decryption()]);
    let altered = with_line(&signed, 2, "~");
    assert!(
        verify(&session_with_capability(&altered, &signed)).is_err(),
        "a text the wallet never signed was accepted"
    );
    // And the wallet's signature over the altered text does not make it valid either: it is not
    // a well-formed SIWE.
    assert!(verify(&session_with_capability(&altered, &altered)).is_err());
}
