//! Properties: arbitrary input never panics.

use proptest::prelude::*;
use rand_chacha::rand_core::SeedableRng;
use sigil_crypto::bls::{self, Signature, SignatureShare};
use sigil_crypto::conditions::ConditionSet;

fn arbitrary_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(serde_json::Value::from),
        prop_oneof![
            Just("".to_owned()),
            Just(":userAddress".to_owned()),
            Just("and".to_owned()),
            Just("or".to_owned()),
            Just("timestamp".to_owned()),
            Just("evmBasic".to_owned()),
            Just("solRpc".to_owned()),
            ".{0,12}",
        ]
        .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        let key = prop_oneof![
            Just("operator".to_owned()),
            Just("returnValueTest".to_owned()),
            Just("conditionType".to_owned()),
            Just("contractAddress".to_owned()),
            Just("chain".to_owned()),
            Just("standardContractType".to_owned()),
            Just("method".to_owned()),
            Just("parameters".to_owned()),
            Just("comparator".to_owned()),
            Just("value".to_owned()),
            Just("key".to_owned()),
            Just("params".to_owned()),
            Just("pdaParams".to_owned()),
            Just("pdaInterface".to_owned()),
            Just("pdaKey".to_owned()),
            Just("functionAbi".to_owned()),
            "[a-z0-9]{0,6}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::vec((key, inner), 0..8)
                .prop_map(|entries| serde_json::Value::Object(entries.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn conditions_parse_and_hash_never_panic(value in arbitrary_json(), kind in 0usize..4) {
        let key = sigil_crypto::conditions::CONDITION_KEYS[kind];
        let request = serde_json::json!({ key: value });
        if let Ok(set) = ConditionSet::from_request(&request) {
            let _ = set.hash_hex();
            // The wire form always reparses to the same conditions.
            let again = ConditionSet::from_request(&serde_json::json!({ key: set.to_json() })).ok();
            prop_assert_eq!(again, Some(set));
        }
        let _ = ConditionSet::from_document(&value.to_string());
    }

    #[test]
    fn conditions_from_arbitrary_text_never_panic(text in ".{0,200}") {
        let _ = ConditionSet::from_document(&text);
        let _ = ConditionSet::from_request_str(&text);
    }

    #[test]
    fn arbitrary_shares_and_signatures_never_panic(bytes in prop::collection::vec(any::<u8>(), 97)) {
        let mut share = [0u8; 97];
        share.copy_from_slice(&bytes);
        let _ = SignatureShare::from_bytes(&share);
        let mut sig = [0u8; 96];
        sig.copy_from_slice(&bytes[..96]);
        let _ = Signature::from_bytes(&sig);
        let _ = SignatureShare::from_json_value(&serde_json::json!({"ProofOfPossession": hex::encode(&bytes)}));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_ciphertext_bytes_never_panic_or_decrypt(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let (_, key_shares) = bls::deal(2, 2, &mut rand_chacha::ChaCha20Rng::from_seed([3; 32])).expect("deal");
        let signature = bls::combine(&key_shares.iter().map(|k| k.sign(b"id")).collect::<Vec<_>>()).expect("combine");
        prop_assert!(bls::decrypt(&bytes, &signature).is_err());
    }
}

/// A valid accessControlConditions tree: leaves and groups, operators chosen per gap.
#[derive(Clone, Debug)]
enum Tree {
    Leaf(Vec<String>, Vec<String>),
    Group(Vec<(bool, Tree)>),
}

const FIELDS: [&str; 6] = [
    "contractAddress",
    "chain",
    "standardContractType",
    "method",
    "parameters",
    "returnValueTest",
];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(":userAddress".to_owned()),
        "[ -~]{0,8}",
        ".{0,4}"
    ]
}

fn tree() -> impl Strategy<Value = Tree> {
    let leaf = (
        prop::collection::vec(text(), 6),
        prop::collection::vec(text(), 0..3),
    )
        .prop_map(|(fields, params)| Tree::Leaf(fields, params));
    leaf.prop_recursive(3, 12, 4, |inner| {
        prop::collection::vec((any::<bool>(), inner), 1..4).prop_map(Tree::Group)
    })
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).expect("string")
}

/// Writes the tree; `order` permutes a leaf's keys and `extra` adds unknown keys (the
/// canonical form uses neither).
fn write_tree(tree: &Tree, order: &[usize], extra: bool, out: &mut String) {
    match tree {
        Tree::Leaf(fields, params) => {
            let params = format!(
                "[{}]",
                params
                    .iter()
                    .map(|p| quoted(p))
                    .collect::<Vec<_>>()
                    .join(",")
            );
            let rvt = if extra {
                format!(
                    "{{\"value\":{},\"extra\":[1,{{}}],\"comparator\":{}}}",
                    quoted(&fields[5]),
                    quoted(&fields[4])
                )
            } else {
                format!(
                    "{{\"comparator\":{},\"value\":{}}}",
                    quoted(&fields[4]),
                    quoted(&fields[5])
                )
            };
            let values = [
                quoted(&fields[0]),
                quoted(&fields[1]),
                quoted(&fields[2]),
                quoted(&fields[3]),
                params,
                rvt,
            ];
            let mut parts: Vec<String> = order
                .iter()
                .map(|&i| format!("{}:{}", quoted(FIELDS[i]), values[i]))
                .collect();
            if extra {
                parts.insert(
                    parts.len() / 2,
                    "\"conditionType\":\"evmBasic\",\"unknown\":{\"a\":null}".to_owned(),
                );
            }
            out.push_str(&format!("{{{}}}", parts.join(",")));
        }
        Tree::Group(items) => {
            out.push('[');
            for (i, (is_and, item)) in items.iter().enumerate() {
                if i > 0 {
                    let op = if *is_and { "and" } else { "or" };
                    out.push_str(&if extra {
                        format!(",{{\"x\":1,\"operator\":\"{op}\"}},")
                    } else {
                        format!(",{{\"operator\":\"{op}\"}},")
                    });
                }
                write_tree(item, order, extra, out);
            }
            out.push(']');
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn key_order_and_unknown_keys_never_change_the_hash(
        items in prop::collection::vec((any::<bool>(), tree()), 1..4),
        order in Just((0..6).collect::<Vec<usize>>()).prop_shuffle(),
    ) {
        let top = Tree::Group(items);
        let mut canonical = String::new();
        write_tree(&top, &[0, 1, 2, 3, 4, 5], false, &mut canonical);
        let mut shuffled = String::new();
        write_tree(&top, &order, true, &mut shuffled);
        match ConditionSet::from_document(&shuffled) {
            Ok(set) => {
                prop_assert_eq!(set.canonical_json(), canonical.clone());
                let again = ConditionSet::from_document(&canonical).expect("canonical form parses");
                prop_assert_eq!(again.hash(), set.hash());
            }
            // Only the limits may refuse a generated tree.
            Err(e) => prop_assert!(matches!(e, sigil_crypto::CryptoError::TooManyConditions { .. }), "{e}"),
        }
    }
}
