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
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(serde_json::Value::from),
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
