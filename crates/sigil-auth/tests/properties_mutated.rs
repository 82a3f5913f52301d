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
use sigil_auth::siwe::{create_siwe_message, SiweMessageParams};
use sigil_auth::*;
use time::Duration;

mod common;
use common::*;

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
    let params = SiweMessageParams::new(wallet().address(), NONCE)
        .with_uri(session_key().uri())
        .with_expiration(NOW + Duration::hours(1))
        .with_resources(requests());
    create_siwe_message(&params, NOW).unwrap()
}

fn valid_session_sig() -> AuthSig {
    let params = SessionSigningParams {
        resource_ability_requests: requests(),
        capabilities: vec![generate_auth_sig(&wallet(), &siwe_text()).unwrap()],
        issued_at: NOW,
        expiration: NOW + Duration::minutes(10),
    };
    sign_session_sigs(&session_key(), &params, &[NODE_URL])
        .unwrap()
        .get(NODE_URL)
        .unwrap()
        .clone()
}

/// One edit of a text, at positions taken modulo its length in characters.
#[derive(Clone, Debug)]
enum Edit {
    Insert(usize, String),
    Delete(usize, usize),
    Replace(usize, usize, String),
    ReplaceLine(usize, String),
    DuplicateLine(usize),
    SwapLines(usize, usize),
}

fn apply(text: &str, edit: &Edit) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = |i: usize| {
        if chars.is_empty() {
            0
        } else {
            i % (chars.len() + 1)
        }
    };
    let splice = |start: usize, len: usize, with: &str| {
        let start = at(start);
        let end = (start + len).min(chars.len());
        let mut out: String = chars[..start].iter().collect();
        out.push_str(with);
        out.extend(&chars[end..]);
        out
    };
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    let line = |i: usize| i % lines.len();
    match edit {
        Edit::Insert(i, with) => splice(*i, 0, with),
        Edit::Delete(i, len) => splice(*i, *len, ""),
        Edit::Replace(i, len, with) => splice(*i, *len, with),
        Edit::ReplaceLine(i, with) => {
            let i = line(*i);
            lines[i] = with.clone();
            lines.join("\n")
        }
        Edit::DuplicateLine(i) => {
            let i = line(*i);
            let copy = lines[i].clone();
            lines.insert(i, copy);
            lines.join("\n")
        }
        Edit::SwapLines(i, j) => {
            let (i, j) = (line(*i), line(*j));
            lines.swap(i, j);
            lines.join("\n")
        }
    }
}

/// Text to insert: SIWE and JSON tokens, odd timestamps and numbers, or anything.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "\n", "\r\n", "\r", "", " ", "\t", "\u{0}", "\u{feff}", "\u{202e}", "é", "\u{1F600}",
            "URI: ", "Version: 1", "Version: 2", "Chain ID: ", "Nonce: ", "Issued At: ", "Expiration Time: ",
            "Not Before: ", "Request ID: ", "Resources:", "- ", "- urn:recap:", "urn:recap:e30",
            " wants you to sign in with your Ethereum account:", "0x", "0X", "lit:session:",
            "lit:capability:delegation", "localhost", "localhost:99999", "[::1]", "user@host",
            "2025-01-01T00:00:00Z", "2025-01-01T00:00:00.000+14:00", "9999-12-31T23:59:59.999Z",
            "+275760-09-13T00:00:00.000Z", "2025-02-30T00:00:00Z", "1970-01-01T00:00:00Z",
            "18446744073709551616", "-1", "1e400", "NaN", "{", "}", "[", "]", ",", ":", "\"", "\\",
            "\\u0000", "\\ud800", "null", "true", "[{}]", "{}", "\"*/*\"", "\"a/b\"", "'",
        ])
        .prop_map(str::to_owned),
        1 => any::<String>(),
        1 => "[ -~]{0,40}",
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    let pos = any::<usize>();
    prop_oneof![
        (pos, fragment()).prop_map(|(i, s)| Edit::Insert(i, s)),
        (pos, 1usize..40).prop_map(|(i, n)| Edit::Delete(i, n)),
        (pos, 1usize..12, fragment()).prop_map(|(i, n, s)| Edit::Replace(i, n, s)),
        (pos, fragment()).prop_map(|(i, s)| Edit::ReplaceLine(i, s)),
        pos.prop_map(Edit::DuplicateLine),
        (pos, pos).prop_map(|(i, j)| Edit::SwapLines(i, j)),
    ]
}

fn edited(text: &str, edits: &[Edit]) -> String {
    edits
        .iter()
        .fold(text.to_owned(), |text, edit| apply(&text, edit))
}

/// A JSON value to put in place of a part of a session template.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON numbers are finite", |f| f.is_finite())
            .prop_map(Value::from),
        fragment().prop_map(Value::String),
        Just(Value::String("*".into())),
        Just(Value::String("lit-accesscontrolcondition".into())),
        Just(Value::String("2025-01-01T00:00:00.000Z".into())),
        Just(Value::String("2026-01-01T00:00:00.000Z".into())),
        Just(Value::String("127.0.0.1:7471".into())),
    ];
    leaf.prop_recursive(3, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(fragment(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// One change to a JSON tree, at the node numbered `node` (pre-order, modulo the node count).
#[derive(Clone, Debug)]
enum JsonEdit {
    Replace(usize, Value),
    EditString(usize, Vec<Edit>),
    RemoveChild(usize, usize),
    DuplicateChild(usize, usize),
}

fn json_edit() -> impl Strategy<Value = JsonEdit> {
    let node = any::<usize>();
    prop_oneof![
        1 => (node, json_value()).prop_map(|(n, v)| JsonEdit::Replace(n, v)),
        3 => (node, prop::collection::vec(edit(), 1..4)).prop_map(|(n, e)| JsonEdit::EditString(n, e)),
        1 => (node, any::<usize>()).prop_map(|(n, c)| JsonEdit::RemoveChild(n, c)),
        1 => (node, any::<usize>()).prop_map(|(n, c)| JsonEdit::DuplicateChild(n, c)),
    ]
}

fn node_count(value: &Value) -> usize {
    1 + match value {
        Value::Array(items) => items.iter().map(node_count).sum(),
        Value::Object(map) => map.values().map(node_count).sum(),
        _ => 0,
    }
}

fn nth_node<'a>(value: &'a mut Value, n: &mut usize) -> Option<&'a mut Value> {
    if *n == 0 {
        return Some(value);
    }
    *n -= 1;
    match value {
        Value::Array(items) => items.iter_mut().find_map(|item| nth_node(item, n)),
        Value::Object(map) => map.values_mut().find_map(|item| nth_node(item, n)),
        _ => None,
    }
}

fn apply_json(value: &mut Value, edit: &JsonEdit) {
    let node = match edit {
        JsonEdit::Replace(n, _)
        | JsonEdit::EditString(n, _)
        | JsonEdit::RemoveChild(n, _)
        | JsonEdit::DuplicateChild(n, _) => *n,
    };
    let mut n = node % node_count(value);
    let Some(target) = nth_node(value, &mut n) else {
        return;
    };
    match (edit, target) {
        (JsonEdit::Replace(_, with), target) => *target = with.clone(),
        (JsonEdit::EditString(_, edits), Value::String(text)) => *text = edited(text, edits),
        (JsonEdit::EditString(_, edits), target) => {
            *target = Value::String(edited(&target.to_string(), edits))
        }
        (JsonEdit::RemoveChild(_, child), Value::Array(items)) if !items.is_empty() => {
            items.remove(child % items.len());
        }
        (JsonEdit::RemoveChild(_, child), Value::Object(map)) if !map.is_empty() => {
            let key = map
                .keys()
                .nth(child % map.len())
                .cloned()
                .unwrap_or_default();
            map.remove(&key);
        }
        (JsonEdit::DuplicateChild(_, child), Value::Array(items)) if !items.is_empty() => {
            let copy = items[child % items.len()].clone();
            items.push(copy);
        }
        _ => {}
    }
}

/// The session sig over `signed_message`, signed by the session key (as a client could).
fn session_sig_over(signed_message: String) -> AuthSig {
    AuthSig {
        sig: session_key().sign_hex(signed_message.as_bytes()),
        derived_via: DERIVED_VIA_SESSION.into(),
        signed_message,
        address: session_key().public_key_hex(),
        algo: Some(ALGO_ED25519.into()),
    }
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
