//! Properties on hostile input made from valid input: SIWE texts, ReCaps and session sigs that
//! were valid, then edited. (properties.rs covers input made from scratch, which rarely gets
//! past the first check.) Nothing panics, and whatever still verifies speaks for the wallet
//! that signed it.

use alloy_signer::SignerSync;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use proptest::prelude::*;
use serde_json::Value;
use sigil_auth::recap::Recap;
use sigil_auth::*;

use sigil_test_support::mutation::{
    self, apply_json, edited, fragments, text_edit, JsonEdit, JsonEditWeights, TextEdit, TreeShape,
};
use sigil_test_support::session::{self, session_key, session_sig_for, wallet, NODE_URL, NOW};

fn requests() -> Vec<ResourceAbilityRequest> {
    vec![
        ResourceAbilityRequest::new(
            LitResource::wildcard(ResourcePrefix::AccessControlCondition),
            LitAbility::AccessControlConditionDecryption,
        )
        .unwrap(),
        ResourceAbilityRequest::new(
            LitResource::new(ResourcePrefix::Pkp, "04ab").unwrap(),
            LitAbility::PkpSigning,
        )
        .unwrap(),
    ]
}

fn siwe_text() -> String {
    session::siwe_text(requests())
}

fn valid_session_sig() -> AuthSig {
    session_sig_for(&wallet(), &session_key(), requests(), NODE_URL, NOW)
}

/// Text to insert: SIWE and JSON tokens, odd timestamps and numbers, or anything.
fn fragment() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        5 => fragments(&[
            "\n", "\r\n", "\r", "", " ", "\t", "\u{0}", "\u{feff}", "\u{202e}", "é", "\u{1F600}",
            "URI: ", "Version: 1", "Version: 2", "Chain ID: ", "Nonce: ", "Issued At: ", "Expiration Time: ",
            "Not Before: ", "Request ID: ", "Resources:", "- ", "- urn:recap:", "urn:recap:e30",
            " wants you to sign in with your Ethereum account:", "0x", "0X", "lit:session:",
            "lit:capability:delegation", "localhost", "localhost:99999", "[::1]", "user@host",
            "2025-01-01T00:00:00Z", "2025-01-01T00:00:00.000+14:00", "9999-12-31T23:59:59.999Z",
            "+275760-09-13T00:00:00.000Z", "2025-02-30T00:00:00Z", "1970-01-01T00:00:00Z",
            "18446744073709551616", "-1", "1e400", "NaN", "{", "}", "[", "]", ",", ":", "\"", "\\",
            "\\u0000", "\\ud800", "null", "true", "[{}]", "{}", "\"*/*\"", "\"a/b\"", "'",
        ]),
        1 => "[ -~]{0,40}",
    ]
}

fn edit() -> impl Strategy<Value = TextEdit> {
    text_edit(fragment())
}

/// A JSON value to put in place of a part of a session template.
fn json_value() -> impl Strategy<Value = Value> {
    let specials = [
        "*",
        "lit-accesscontrolcondition",
        "2025-01-01T00:00:00.000Z",
        "2026-01-01T00:00:00.000Z",
        "127.0.0.1:7471",
    ];
    mutation::json_value(
        fragment(),
        specials.map(Value::from).to_vec(),
        TreeShape {
            depth: 3,
            desired_size: 12,
            branch: 4,
        },
    )
}

fn json_edit() -> impl Strategy<Value = JsonEdit> {
    let weights = JsonEditWeights {
        replace: 1,
        edit_string: 3,
        remove_child: 1,
        duplicate_child: 1,
        ..JsonEditWeights::default()
    };
    mutation::json_edit(json_value(), fragment(), weights)
}

/// The session sig over `signed_message`, signed by the session key (as a client could).
fn session_sig_over(signed_message: String) -> AuthSig {
    session::session_sig_over(&session_key(), signed_message)
}

/// Every capability's `signedMessage` signed again by the wallet (as the wallet owner could).
fn capabilities_resigned(template: &mut Value) {
    let Some(capabilities) = template
        .get_mut("capabilities")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    for capability in capabilities.iter_mut().filter_map(Value::as_object_mut) {
        let Some(message) = capability.get("signedMessage").and_then(Value::as_str) else {
            continue;
        };
        let signature = wallet().sign_message_sync(message.as_bytes()).unwrap();
        capability.insert(
            "sig".into(),
            Value::String(format!("0x{}", hex::encode(signature.as_bytes()))),
        );
    }
}

/// Verifies for every (resource, ability) a node may be asked about; an acceptance must speak for
/// the wallet and the session key.
fn verify_everything(session_sig: &AuthSig) -> Result<(), TestCaseError> {
    let hash = "c981800fce8d0cdf35decbd294806dfbd0c79fa19093f043cf7f6ec4ebcb43a8";
    let asked = [
        (
            LitResource::parse(&format!("lit-accesscontrolcondition://{hash}/{hash}")).unwrap(),
            LitAbility::AccessControlConditionDecryption,
        ),
        (
            LitResource::parse("lit-pkp://04ab").unwrap(),
            LitAbility::PkpSigning,
        ),
        (
            LitResource::parse("lit-litaction://Qm").unwrap(),
            LitAbility::LitActionExecution,
        ),
    ];
    let cache = CapabilityCache::new(4);
    for (resource, ability) in &asked {
        let request = VerificationRequest {
            resource,
            ability: *ability,
            node_address: "127.0.0.1:7470",
            now: NOW,
            network_public_key: None,
        };
        let result = verify_session_sig(session_sig, &request, None);
        prop_assert_eq!(
            &verify_session_sig(session_sig, &request, Some(&cache)),
            &result
        );
        if let Ok(context) = result {
            prop_assert_eq!(context.user_address, wallet().address());
            prop_assert_eq!(context.session_key_hex, session_key().public_key_hex());
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn edited_siwe_texts_never_panic_and_the_signature_vouches_only_for_the_signed_message(
        edits in prop::collection::vec(edit(), 1..5),
    ) {
        let original = siwe_text();
        let signature = wallet().sign_message_sync(original.as_bytes()).unwrap().as_bytes();
        let original_message: SiweMessage = original.parse().unwrap();
        let text = edited(&original, &edits);
        if let Ok(message) = text.parse::<SiweMessage>() {
            let reparsed: SiweMessage = message.to_string().parse().expect("a printed SIWE parses");
            prop_assert_eq!(&reparsed, &message);
            let _ = message.recaps();
            let _ = message.valid_at(NOW);
            if message.verify_signature(&signature).is_ok() {
                prop_assert_eq!(&message, &original_message);
            }
        }
    }

    #[test]
    fn edited_recap_json_never_panics_the_decoder(edits in prop::collection::vec(edit(), 1..5)) {
        let original = Recap::from_requests(&requests()).unwrap().encode();
        let json = String::from_utf8(URL_SAFE_NO_PAD.decode(original.trim_start_matches("urn:recap:")).unwrap()).unwrap();
        let urn = format!("urn:recap:{}", URL_SAFE_NO_PAD.encode(edited(&json, &edits)));
        if let Ok(recap) = Recap::decode(&urn) {
            let again = Recap::decode(&recap.encode()).expect("an encoded ReCap decodes");
            prop_assert_eq!(again.encode(), recap.encode());
            prop_assert_eq!(again.statement(), recap.statement());
            let _ = recap.covers(&LitResource::wildcard(ResourcePrefix::Pkp), LitAbility::PkpSigning);
        }
        // The URN text itself, edited.
        let _ = Recap::decode(&edited(&original, &edits));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn edited_session_templates_never_panic_the_verifier_and_grant_only_the_wallet(
        edits in prop::collection::vec(json_edit(), 1..4),
        resign_capabilities in any::<bool>(),
    ) {
        let mut template: Value = serde_json::from_str(&valid_session_sig().signed_message).unwrap();
        for edit in &edits {
            apply_json(&mut template, edit);
        }
        if resign_capabilities {
            capabilities_resigned(&mut template);
        }
        verify_everything(&session_sig_over(template.to_string()))?;
    }

    #[test]
    fn edited_wallet_siwe_in_a_session_never_panics_the_verifier(
        edits in prop::collection::vec(edit(), 1..5),
    ) {
        let mut template: Value = serde_json::from_str(&valid_session_sig().signed_message).unwrap();
        let siwe = template["capabilities"][0]["signedMessage"].as_str().unwrap().to_owned();
        template["capabilities"][0]["signedMessage"] = Value::String(edited(&siwe, &edits));
        capabilities_resigned(&mut template);
        verify_everything(&session_sig_over(template.to_string()))?;
    }

    #[test]
    fn edited_outer_session_sig_fields_never_panic_the_verifier(
        field in 0usize..5,
        edits in prop::collection::vec(edit(), 1..4),
    ) {
        let mut session_sig = valid_session_sig();
        match field {
            0 => session_sig.sig = edited(&session_sig.sig, &edits),
            1 => session_sig.derived_via = edited(&session_sig.derived_via, &edits),
            2 => session_sig.signed_message = edited(&session_sig.signed_message, &edits),
            3 => session_sig.address = edited(&session_sig.address, &edits),
            _ => session_sig.algo = Some(edited(session_sig.algo.as_deref().unwrap_or_default(), &edits)),
        }
        verify_everything(&session_sig)?;
    }
}
