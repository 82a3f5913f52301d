//! One test per node-side check: each input trips exactly that check, and the error carries the
//! Lit errorCode and HTTP status a Lit node answers with.

use alloy_signer_local::PrivateKeySigner;
use serde_json::Value;
use sigil_auth::siwe::{create_siwe_message, SiweMessageParams};
use sigil_auth::*;
use time::{Duration, OffsetDateTime};

mod common;
use common::*;

fn wallet_capability() -> AuthSig {
    generate_auth_sig(&wallet(), &siwe_text(vec![acc_decryption()])).unwrap()
}

fn session_sig_with(capabilities: Vec<AuthSig>) -> AuthSig {
    let params = SessionSigningParams {
        resource_ability_requests: vec![acc_decryption()],
        capabilities,
        issued_at: NOW,
        expiration: NOW + Duration::minutes(10),
    };
    let sigs = sign_session_sigs(&session_key(), &params, &[NODE_URL]).unwrap();
    sigs.get(NODE_URL).unwrap().clone()
}

fn valid_session_sig() -> AuthSig {
    session_sig_with(vec![wallet_capability()])
}

/// The session sig with its template changed by `change` and signed again by the session key,
/// so the outer signature stays valid.
fn resigned(session_sig: &AuthSig, change: impl FnOnce(&mut Value)) -> AuthSig {
    let mut template: Value = serde_json::from_str(&session_sig.signed_message).unwrap();
    change(&mut template);
    let signed_message = template.to_string();
    AuthSig {
        sig: session_key().sign_hex(signed_message.as_bytes()),
        signed_message,
        ..session_sig.clone()
    }
}

fn decryption_of_item() -> LitResource {
    LitResource::parse("lit-accesscontrolcondition://abc/def").unwrap()
}

fn verify_at(session_sig: &AuthSig, now: OffsetDateTime) -> Result<AuthContext, AuthError> {
    let resource = decryption_of_item();
    let request = VerificationRequest {
        resource: &resource,
        ability: LitAbility::AccessControlConditionDecryption,
        node_address: "127.0.0.1:7470",
        now,
        network_public_key: None,
    };
    verify_session_sig(session_sig, &request, None)
}

fn verify(session_sig: &AuthSig) -> Result<AuthContext, AuthError> {
    verify_at(session_sig, NOW)
}

fn assert_code(result: Result<AuthContext, AuthError>, code: &str, status: u16) -> AuthError {
    let error = result.expect_err("verification must fail");
    assert_eq!(
        (error.code().as_str(), error.code().status()),
        (code, status),
        "{error:?}"
    );
    error
}

/// The one capability rejection of a session whose capabilities all failed.
fn sole_rejection(result: Result<AuthContext, AuthError>) -> CapabilityRejection {
    match assert_code(result, "NodeResourceIdNotFound", 404) {
        AuthError::NoValidCapability { mut rejections } if rejections.len() == 1 => {
            rejections.remove(0)
        }
        other => panic!("expected one capability rejection, got {other:?}"),
    }
}

/// A session whose only capability signs `text` (a SIWE edited by the test) with `signer`.
fn session_with_siwe(text: &str, signer: &PrivateKeySigner) -> AuthSig {
    let mut capability = generate_auth_sig(signer, text).unwrap();
    capability.address = wallet().address().to_checksum(None);
    session_sig_with(vec![capability])
}

#[test]
fn a_valid_session_sig_gives_the_wallet_as_user() {
    let context = verify(&valid_session_sig()).unwrap();
    assert_eq!(context.user_address, wallet().address());
    assert_eq!(context.session_key_hex, session_key().public_key_hex());
    assert!(context.capacity_delegations.is_empty());
}

#[test]
fn tampered_session_signature_is_rejected() {
    let mut sig = valid_session_sig();
    let flipped = if sig.sig.starts_with('0') { "1" } else { "0" };
    sig.sig.replace_range(0..1, flipped);
    assert_code(verify(&sig), "NodeInvalidAuthSigSessionKeySignature", 400);
}

#[test]
fn tampered_signed_message_is_rejected() {
    let mut sig = valid_session_sig();
    sig.signed_message = sig
        .signed_message
        .replace("127.0.0.1:7470", "127.0.0.1:7471");
    assert_code(verify(&sig), "NodeInvalidAuthSigSessionKeySignature", 400);
}

#[test]
fn malformed_signature_hex_is_rejected() {
    for bad in [
        "zz".repeat(64),
        "ab".repeat(63),
        format!("{}{}", "AB".repeat(32), "ab".repeat(32)),
    ] {
        let sig = AuthSig {
            sig: bad.clone(),
            ..valid_session_sig()
        };
        assert_code(verify(&sig), "NodeAuthSigSignatureConversionError", 400);
    }
}

#[test]
fn malformed_session_key_hex_is_rejected() {
    let sig = AuthSig {
        address: "not hex".into(),
        ..valid_session_sig()
    };
    let error = assert_code(verify(&sig), "NodeAuthSigAddressConversionError", 400);
    assert_eq!(error.code().kind(), "Validation");
}

#[test]
fn session_key_off_the_curve_is_rejected() {
    let off_curve = (0u8..=255)
        .map(|b| [b; 32])
        .find(|bytes| ed25519_dalek::VerifyingKey::from_bytes(bytes).is_err())
        .expect("some repeated byte is not a curve point");
    let sig = AuthSig {
        address: hex::encode(off_curve),
        ..valid_session_sig()
    };
    assert_code(verify(&sig), "NodeAuthSigSessionKeyConversionError", 400);
}

#[test]
fn non_session_auth_sig_is_rejected() {
    let sig = AuthSig {
        derived_via: DERIVED_VIA_WALLET.into(),
        ..valid_session_sig()
    };
    assert_code(verify(&sig), "NodeInvalidAuthSig", 401);
}

#[test]
fn signed_message_that_is_not_a_template_is_rejected() {
    let sig = resigned(&valid_session_sig(), |template| {
        *template = Value::String("hello".into())
    });
    assert_code(verify(&sig), "NodeAuthSigSignedMessageConversionError", 400);
}

#[test]
fn resource_not_in_the_requests_is_rejected() {
    let pkp = LitResource::wildcard(ResourcePrefix::Pkp);
    let request = VerificationRequest {
        resource: &pkp,
        ability: LitAbility::PkpSigning,
        node_address: "127.0.0.1:7470",
        now: NOW,
        network_public_key: None,
    };
    assert_code(
        verify_session_sig(&valid_session_sig(), &request, None),
        "NodeResourceIdNotFound",
        404,
    );

    let other_item = resigned(&valid_session_sig(), |t| {
        t["resourceAbilityRequests"][0]["resource"]["resource"] = "abc/xyz".into()
    });
    let error = assert_code(verify(&other_item), "NodeResourceIdNotFound", 404);
    assert!(matches!(error, AuthError::ResourceNotRequested { .. }));
}

#[test]
fn expired_session_sig_is_rejected() {
    let after = NOW + Duration::minutes(10) + Duration::seconds(61);
    assert_code(
        verify_at(&valid_session_sig(), after),
        "NodeExpWrongOrTooLarge",
        403,
    );
    // Inside the 60 s grace period it still passes the session time check.
    assert!(verify_at(
        &valid_session_sig(),
        NOW + Duration::minutes(10) + Duration::seconds(59)
    )
    .is_ok());
}

#[test]
fn issued_at_in_the_future_is_rejected() {
    let sig = resigned(&valid_session_sig(), |t| {
        t["issuedAt"] = "2025-01-01T00:01:01.000Z".into()
    });
    assert_code(verify(&sig), "NodeIatOutsideGracePeriod", 403);
    let within_grace = resigned(&valid_session_sig(), |t| {
        t["issuedAt"] = "2025-01-01T00:00:59.000Z".into()
    });
    assert!(verify(&within_grace).is_ok());
}

#[test]
fn expiration_before_issued_at_is_rejected() {
    let sig = resigned(&valid_session_sig(), |t| {
        t["expiration"] = "2024-12-31T23:59:59.000Z".into()
    });
    let error = assert_code(verify(&sig), "NodeExpWrongOrTooLarge", 403);
    assert!(matches!(error, AuthError::ExpirationBeforeIssuedAt { .. }));
}

#[test]
fn validity_over_thirty_days_is_rejected() {
    let sig = resigned(&valid_session_sig(), |t| {
        t["expiration"] = "2025-01-31T00:00:00.001Z".into()
    });
    assert_code(verify(&sig), "NodeSIWEMessageError", 400);
    let thirty_days = resigned(&valid_session_sig(), |t| {
        t["expiration"] = "2025-01-31T00:00:00.000Z".into()
    });
    assert!(verify(&thirty_days).is_ok());
}

#[test]
fn unparsable_timestamps_are_rejected() {
    let sig = resigned(&valid_session_sig(), |t| t["issuedAt"] = "yesterday".into());
    let error = assert_code(verify(&sig), "NodeParserError", 400);
    assert_eq!(error.code().kind(), "Parser");
}

#[test]
fn session_sig_for_another_node_is_rejected() {
    let resource = decryption_of_item();
    let request = VerificationRequest {
        resource: &resource,
        ability: LitAbility::AccessControlConditionDecryption,
        node_address: "127.0.0.1:7471",
        now: NOW,
        network_public_key: None,
    };
    assert_code(
        verify_session_sig(&valid_session_sig(), &request, None),
        "NodeNotAuthorized",
        403,
    );
    // Lit's normalisation: scheme and localhost do not matter.
    let localhost = VerificationRequest {
        node_address: "http://localhost:7470",
        ..request
    };
    assert!(verify_session_sig(&valid_session_sig(), &localhost, None).is_ok());
}

#[test]
fn no_capabilities_is_rejected() {
    let error = assert_code(
        verify(&session_sig_with(vec![])),
        "NodeResourceIdNotFound",
        404,
    );
    assert_eq!(error, AuthError::NoCapabilities);
}

#[test]
fn too_many_capabilities_are_rejected_before_any_recovery() {
    let capabilities = vec![wallet_capability(); MAX_CAPABILITIES + 1];
    let error = assert_code(
        verify(&session_sig_with(capabilities)),
        "NodeSIWECapabilityInvalid",
        400,
    );
    assert!(matches!(
        error,
        AuthError::TooManyCapabilities { count: 17, max: 16 }
    ));
    assert!(verify(&session_sig_with(vec![
        wallet_capability();
        MAX_CAPABILITIES
    ]))
    .is_ok());
}

#[test]
fn wrong_uri_is_rejected() {
    let text = siwe_text(vec![acc_decryption()]).replace(
        &session_key().uri(),
        &SessionKeyPair::from_seed([2; 32]).uri(),
    );
    let rejection = sole_rejection(verify(&session_with_siwe(&text, &wallet())));
    assert!(
        matches!(rejection, CapabilityRejection::WrongUri { .. }),
        "{rejection:?}"
    );
    assert_eq!(rejection.code(), "NodeSIWEMessageError");
}

#[test]
fn recap_missing_the_resource_is_rejected() {
    let pkp = ResourceAbilityRequest::new(
        LitResource::wildcard(ResourcePrefix::Pkp),
        LitAbility::PkpSigning,
    )
    .unwrap();
    let rejection = sole_rejection(verify(&session_with_siwe(&siwe_text(vec![pkp]), &wallet())));
    assert!(
        matches!(rejection, CapabilityRejection::RecapMissingResource { .. }),
        "{rejection:?}"
    );
    assert_eq!(rejection.code(), "NodeSIWECapabilityInvalid");
}

#[test]
fn recap_missing_the_ability_is_rejected() {
    let signing = ResourceAbilityRequest::new(
        LitResource::wildcard(ResourcePrefix::AccessControlCondition),
        LitAbility::AccessControlConditionSigning,
    )
    .unwrap();
    let rejection = sole_rejection(verify(&session_with_siwe(
        &siwe_text(vec![signing]),
        &wallet(),
    )));
    assert_eq!(
        rejection,
        CapabilityRejection::RecapMissingAbility {
            resource: "lit-accesscontrolcondition://abc/def".into(),
            ability: "Threshold/Decryption".into()
        }
    );
}

#[test]
fn statement_not_matching_the_recap_is_rejected() {
    let text = siwe_text(vec![acc_decryption()])
        .replace("for 'lit-accesscontrolcondition://*'.", "for everything.");
    let rejection = sole_rejection(verify(&session_with_siwe(&text, &wallet())));
    assert!(
        matches!(rejection, CapabilityRejection::StatementMismatch { .. }),
        "{rejection:?}"
    );
    assert_eq!(rejection.code(), "NodeSIWECapabilityInvalid");
}

#[test]
fn wallet_signature_by_another_key_is_rejected() {
    let rejection = sole_rejection(verify(&session_with_siwe(
        &siwe_text(vec![acc_decryption()]),
        &other_wallet(),
    )));
    assert_eq!(rejection, CapabilityRejection::WrongSigner);
    assert_eq!(rejection.code(), "NodeSIWEMessageError");
}

/// The same signature with `s` replaced by `n - s` and the recovery bit flipped: it recovers the
/// same key, which is why EIP-2 refuses it.
fn malleated(sig_hex: &str) -> String {
    use alloy_primitives::U256;
    const ORDER: U256 = alloy_primitives::uint!(
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141_U256
    );
    let mut bytes = hex::decode(sig_hex.trim_start_matches("0x")).unwrap();
    let s = U256::from_be_slice(&bytes[32..64]);
    bytes[32..64].copy_from_slice(&(ORDER - s).to_be_bytes::<32>());
    bytes[64] = if bytes[64] == 27 { 28 } else { 27 };
    format!("0x{}", hex::encode(bytes))
}

#[test]
fn high_s_wallet_signature_is_rejected() {
    let mut capability = wallet_capability();
    let text = capability.signed_message.clone();
    let high_s = malleated(&capability.sig);
    assert!(matches!(
        verify_eip191(&text, &high_s, wallet().address()),
        Err(AuthError::SignatureEncoding { .. })
    ));
    capability.sig = high_s;
    let rejection = sole_rejection(verify(&session_sig_with(vec![capability])));
    assert_eq!(rejection, CapabilityRejection::WrongSigner);
}

#[test]
fn capability_address_field_must_be_the_siwe_signer() {
    let mut capability = wallet_capability();
    capability.address = other_wallet().address().to_checksum(None);
    let rejection = sole_rejection(verify(&session_sig_with(vec![capability])));
    assert!(
        matches!(rejection, CapabilityRejection::AddressMismatch { .. }),
        "{rejection:?}"
    );
}

#[test]
fn expired_wallet_siwe_is_rejected() {
    let params = SiweMessageParams::new(wallet().address(), NONCE)
        .with_uri(session_key().uri())
        .with_expiration(NOW - Duration::seconds(1))
        .with_resources(vec![acc_decryption()]);
    let text = create_siwe_message(&params, NOW - Duration::hours(1)).unwrap();
    let rejection = sole_rejection(verify(&session_with_siwe(&text, &wallet())));
    assert!(
        matches!(rejection, CapabilityRejection::OutsideValidity { .. }),
        "{rejection:?}"
    );
}

#[test]
fn malformed_capability_signature_is_rejected() {
    let mut capability = wallet_capability();
    capability.sig = "0xnothex".into();
    let rejection = sole_rejection(verify(&session_sig_with(vec![capability.clone()])));
    assert_eq!(rejection, CapabilityRejection::SignatureEncoding);
    assert_eq!(rejection.code(), "NodeSIWESigConversionError");
    capability.sig = "0xabcd".into();
    let rejection = sole_rejection(verify(&session_sig_with(vec![capability])));
    assert_eq!(
        rejection,
        CapabilityRejection::SignatureLength { length: 2 }
    );
}

#[test]
fn capability_that_is_not_siwe_is_rejected() {
    let capability = generate_auth_sig(&wallet(), "just some text").unwrap();
    let rejection = sole_rejection(verify(&session_sig_with(vec![capability])));
    assert!(
        matches!(rejection, CapabilityRejection::SiweUnparsable { .. }),
        "{rejection:?}"
    );
    assert_eq!(rejection.code(), "NodeSIWECapabilityInvalid");
}

#[test]
fn unsorted_recap_is_rejected() {
    // Same attenuations as a valid two-resource recap, keys written out of order.
    let unsorted = r#"{"att":{"lit-pkp://*":{"Threshold/Signing":[{}]},"lit-accesscontrolcondition://*":{"Threshold/Decryption":[{}]}},"prf":[]}"#;
    use base64::Engine as _;
    let urn = format!(
        "urn:recap:{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(unsorted)
    );
    assert!(matches!(
        Recap::decode(&urn),
        Err(AuthError::Recap(RecapError::Unsorted))
    ));
    let pkp = ResourceAbilityRequest::new(
        LitResource::wildcard(ResourcePrefix::Pkp),
        LitAbility::PkpSigning,
    )
    .unwrap();
    let sorted_text = siwe_text(vec![pkp, acc_decryption()]);
    let sorted_urn = sorted_text
        .lines()
        .last()
        .unwrap()
        .trim_start_matches("- ")
        .to_owned();
    let text = sorted_text.replace(&sorted_urn, &urn);
    let rejection = sole_rejection(verify(&session_with_siwe(&text, &wallet())));
    assert_eq!(rejection, CapabilityRejection::NoRecap);
}

#[test]
fn capacity_delegation_capability_alone_is_rejected() {
    let mut params = CapacityDelegationParams::new(vec![wallet().address().to_string()], NONCE);
    params.expiration = Some(NOW + Duration::hours(1));
    let delegation = create_capacity_delegation_auth_sig(&other_wallet(), &params, NOW).unwrap();
    let rejection = sole_rejection(verify(&session_sig_with(vec![delegation])));
    assert_eq!(
        rejection,
        CapabilityRejection::WrongUri {
            found: SIWE_DELEGATION_URI.into()
        }
    );
}

#[test]
fn capacity_delegation_next_to_the_wallet_capability_is_reported() {
    let mut params = CapacityDelegationParams::new(vec![wallet().address().to_string()], NONCE);
    params.expiration = Some(NOW + Duration::hours(1));
    params.uses = Some(5);
    params.capacity_token_ids = vec!["42".into()];
    let delegation = create_capacity_delegation_auth_sig(&other_wallet(), &params, NOW).unwrap();
    let context = verify(&session_sig_with(vec![delegation, wallet_capability()])).unwrap();
    assert_eq!(context.user_address, wallet().address());
    let found = &context.capacity_delegations;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].delegator, other_wallet().address());
    assert_eq!(found[0].nft_ids, Some(vec!["42".to_owned()]));
    assert_eq!(found[0].uses, Some(5));
    // Delegatees are written with 0x stripped and case kept; Lit lower-cases before comparing.
    assert!(found[0].delegates_to(wallet().address()));
    assert!(!found[0].delegates_to(other_wallet().address()));

    // A delegation whose SIWE expired is not reported.
    let mut expired = params.clone();
    expired.expiration = Some(NOW - Duration::seconds(1));
    let stale =
        create_capacity_delegation_auth_sig(&other_wallet(), &expired, NOW - Duration::hours(1))
            .unwrap();
    let context = verify(&session_sig_with(vec![stale, wallet_capability()])).unwrap();
    assert!(context.capacity_delegations.is_empty());
}

#[test]
fn second_verification_of_a_session_uses_the_cache() {
    let verifier = Verifier::new("127.0.0.1:7470", 16);
    let sig = valid_session_sig();
    let item = decryption_of_item();
    let first = verifier
        .verify(
            &sig,
            &item,
            LitAbility::AccessControlConditionDecryption,
            NOW,
        )
        .unwrap();
    assert_eq!(verifier.cache().len(), 1);
    let second = verifier
        .verify(
            &sig,
            &item,
            LitAbility::AccessControlConditionDecryption,
            NOW,
        )
        .unwrap();
    assert_eq!(first, second);
    assert_eq!(verifier.cache().len(), 1);
}

#[test]
fn cached_capabilities_still_get_every_per_request_check() {
    let verifier = Verifier::new("127.0.0.1:7470", 16);
    let sig = valid_session_sig();
    let item = decryption_of_item();
    verifier
        .verify(
            &sig,
            &item,
            LitAbility::AccessControlConditionDecryption,
            NOW,
        )
        .unwrap();

    // The outer signature is checked again.
    let mut tampered = sig.clone();
    tampered.sig.replace_range(
        0..2,
        if tampered.sig.starts_with("00") {
            "11"
        } else {
            "00"
        },
    );
    let error = verifier
        .verify(
            &tampered,
            &item,
            LitAbility::AccessControlConditionDecryption,
            NOW,
        )
        .unwrap_err();
    assert_eq!(error.code(), "NodeInvalidAuthSigSessionKeySignature");

    // The coverage is checked again.
    let pkp = LitResource::wildcard(ResourcePrefix::Pkp);
    let uncovered = resigned(&sig, |t| {
        t["resourceAbilityRequests"][0]["resource"]["resourcePrefix"] = "lit-pkp".into()
    });
    let error = verifier
        .verify(&uncovered, &pkp, LitAbility::PkpSigning, NOW)
        .unwrap_err();
    assert!(
        matches!(&error, AuthError::NoValidCapability { rejections } if matches!(rejections[..], [CapabilityRejection::RecapMissingResource { .. }])),
        "{error:?}"
    );

    // The SIWE window is checked again, and an expired entry leaves the cache.
    let later = resigned(&sig, |t| {
        t["issuedAt"] = "2025-01-01T01:00:00.000Z".into();
        t["expiration"] = "2025-01-01T01:10:00.000Z".into();
    });
    let at = NOW + Duration::hours(1) + Duration::seconds(1);
    let error = verifier
        .verify(
            &later,
            &item,
            LitAbility::AccessControlConditionDecryption,
            at,
        )
        .unwrap_err();
    assert!(
        matches!(&error, AuthError::NoValidCapability { rejections } if matches!(rejections[..], [CapabilityRejection::OutsideValidity { .. }])),
        "{error:?}"
    );
    assert_eq!(verifier.cache().len(), 0);
}

#[test]
fn a_cached_session_sig_still_gets_every_per_request_check() {
    let cache = CapabilityCache::new(16);
    let sig = valid_session_sig();
    let item = decryption_of_item();
    let request = VerificationRequest {
        resource: &item,
        ability: LitAbility::AccessControlConditionDecryption,
        node_address: "127.0.0.1:7470",
        now: NOW,
        network_public_key: None,
    };
    assert_eq!(cache.known_session_capabilities(&sig, NOW), None);
    let first = verify_session_sig(&sig, &request, Some(&cache)).unwrap();
    assert_eq!(cache.known_session_capabilities(&sig, NOW), Some(1));
    assert_eq!(
        verify_session_sig(&sig, &request, Some(&cache)).unwrap(),
        first
    );

    // Another node's address, another resource, a later time: each refused from the cache.
    let other_node = VerificationRequest {
        node_address: "127.0.0.1:7471",
        ..request
    };
    assert_code(
        verify_session_sig(&sig, &other_node, Some(&cache)),
        "NodeNotAuthorized",
        403,
    );
    let pkp = LitResource::wildcard(ResourcePrefix::Pkp);
    let other_resource = VerificationRequest {
        resource: &pkp,
        ability: LitAbility::PkpSigning,
        ..request
    };
    let error = verify_session_sig(&sig, &other_resource, Some(&cache)).unwrap_err();
    assert!(
        matches!(error, AuthError::ResourceNotRequested { .. }),
        "{error:?}"
    );
    let expired = VerificationRequest {
        now: NOW + Duration::minutes(10) + Duration::seconds(59),
        ..request
    };
    assert!(verify_session_sig(&sig, &expired, Some(&cache)).is_ok());
    let expired = VerificationRequest {
        now: NOW + Duration::minutes(10) + Duration::seconds(61),
        ..request
    };
    assert_code(
        verify_session_sig(&sig, &expired, Some(&cache)),
        "NodeExpWrongOrTooLarge",
        403,
    );
    assert_eq!(cache.known_session_capabilities(&sig, expired.now), None);

    // The same template under another key, or the key's signature on another template, is a
    // different session sig: its signature is checked, not taken from the cache.
    let mut other_key = sig.clone();
    other_key.address = hex::encode(
        ed25519_dalek::SigningKey::from_bytes(&[9; 32])
            .verifying_key()
            .as_bytes(),
    );
    assert_code(
        verify_session_sig(&other_key, &request, Some(&cache)),
        "NodeInvalidAuthSigSessionKeySignature",
        400,
    );
    let mut other_text = sig.clone();
    other_text.signed_message.push(' ');
    assert_code(
        verify_session_sig(&other_text, &request, Some(&cache)),
        "NodeInvalidAuthSigSessionKeySignature",
        400,
    );
    assert_eq!(cache.known_session_capabilities(&other_key, NOW), None);
}

#[test]
fn a_session_looked_up_once_verifies_as_the_plain_entry_point_does() {
    let cache = CapabilityCache::new(16);
    let sig = valid_session_sig();
    let item = decryption_of_item();
    let request = VerificationRequest {
        resource: &item,
        ability: LitAbility::AccessControlConditionDecryption,
        node_address: "127.0.0.1:7470",
        now: NOW,
        network_public_key: None,
    };
    let unseen = cache.look_up_session(&sig, NOW);
    assert_eq!(unseen.known_capabilities(), None);
    let first = verify_looked_up_session_sig(&sig, unseen, &request, &cache).unwrap();
    assert_eq!(first, verify_session_sig(&sig, &request, None).unwrap());
    let seen = cache.look_up_session(&sig, NOW);
    assert_eq!(seen.known_capabilities(), Some(1));
    assert_eq!(
        verify_looked_up_session_sig(&sig, seen, &request, &cache).unwrap(),
        first
    );
    // A lookup's verified session still gets every per-request check.
    let other_node = VerificationRequest {
        node_address: "127.0.0.1:7471",
        ..request
    };
    assert_code(
        verify_looked_up_session_sig(&sig, cache.look_up_session(&sig, NOW), &other_node, &cache),
        "NodeNotAuthorized",
        403,
    );
    // A forged signature looked up is checked, not vouched for by the cache.
    let mut other_text = sig.clone();
    other_text.signed_message.push(' ');
    assert_code(
        verify_looked_up_session_sig(
            &other_text,
            cache.look_up_session(&other_text, NOW),
            &request,
            &cache,
        ),
        "NodeInvalidAuthSigSessionKeySignature",
        400,
    );
}

#[test]
fn a_cached_signature_does_not_vouch_for_another_message() {
    let verifier = Verifier::new("127.0.0.1:7470", 16);
    let item = decryption_of_item();
    let genuine = wallet_capability();
    verifier
        .verify(
            &session_sig_with(vec![genuine.clone()]),
            &item,
            LitAbility::AccessControlConditionDecryption,
            NOW,
        )
        .unwrap();

    // Same signature, different text (a longer-lived SIWE): must be recovered again, and fail.
    let forged_text = genuine.signed_message.replace(
        "Expiration Time: 2025-01-01T01:00:00.000Z",
        "Expiration Time: 2025-01-20T01:00:00.000Z",
    );
    assert_ne!(forged_text, genuine.signed_message);
    let forged = AuthSig {
        signed_message: forged_text,
        ..genuine
    };
    let error = verifier
        .verify(
            &session_sig_with(vec![forged]),
            &item,
            LitAbility::AccessControlConditionDecryption,
            NOW,
        )
        .unwrap_err();
    assert!(
        matches!(&error, AuthError::NoValidCapability { rejections } if rejections[..] == [CapabilityRejection::WrongSigner]),
        "{error:?}"
    );
}

#[test]
fn first_granting_capability_wins() {
    let pkp = ResourceAbilityRequest::new(
        LitResource::wildcard(ResourcePrefix::Pkp),
        LitAbility::PkpSigning,
    )
    .unwrap();
    let not_granting = generate_auth_sig(&wallet(), &siwe_text(vec![pkp])).unwrap();
    let context = verify(&session_sig_with(vec![not_granting, wallet_capability()])).unwrap();
    assert_eq!(context.user_address, wallet().address());
}
