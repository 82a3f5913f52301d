//! Properties on hostile conditions made from valid ones: the JS SDK's reference documents
//! (tests/vectors/acc-hash.json), edited as JSON and as text. (properties.rs builds documents from
//! scratch.) Nothing panics, and conditions that still parse keep their hash through the wire form.

use proptest::prelude::*;
use serde_json::Value;
use sigil_crypto::conditions::ConditionSet;
use sigil_test_support::mutation::{
    self, apply_json, fragments, splice, JsonEdit, JsonEditWeights, TreeShape,
};
use sigil_test_support::vectors;

/// Every vector case as a request document `{"<kind>": [...]}`.
fn documents() -> Vec<Value> {
    let vector = vectors::acc_hash();
    let cases = vector["cases"].as_array().expect("cases array");
    cases
        .iter()
        .map(|case| serde_json::json!({ case["conditionType"].as_str().expect("kind"): case["input"].clone() }))
        .collect()
}

/// Keys and values the condition parsers look for, odd numbers and JSON punctuation.
fn fragment() -> impl Strategy<Value = String> + Clone {
    fragments(&[
        "",
        ":userAddress",
        ":currentActionIpfsId",
        "and",
        "or",
        "AND",
        "operator",
        "conditionType",
        "evmBasic",
        "evmContract",
        "solRpc",
        "cosmos",
        "timestamp",
        "ERC20",
        "ERC721",
        "ERC1155",
        "returnValueTest",
        "comparator",
        "value",
        "key",
        "parameters",
        "functionParams",
        "functionAbi",
        "pdaParams",
        "pdaInterface",
        "pdaKey",
        "offset",
        "fields",
        "inputs",
        "outputs",
        "=",
        ">=",
        "contains",
        "ethereum",
        "solana",
        "latest",
        "0x",
        "18446744073709551616",
        "-0",
        "1e308",
        "1.0",
        "0.1",
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"",
        "\\",
        "\\u0000",
        "\\ud800",
        "null",
        "[[[[[[[[[[",
        "\u{0}",
        "é",
        "\u{1F600}",
    ])
}

fn json_value() -> impl Strategy<Value = Value> {
    let specials = vec![
        serde_json::json!({"operator": "and"}),
        serde_json::json!({"operator": "or"}),
    ];
    mutation::json_value(
        fragment(),
        specials,
        TreeShape {
            depth: 4,
            desired_size: 24,
            branch: 5,
        },
    )
}

fn edit() -> impl Strategy<Value = JsonEdit> {
    let weights = JsonEditWeights {
        replace: 1,
        insert_in_string: 1,
        remove_child: 1,
        duplicate_child: 1,
        wrap: 1,
        ..JsonEditWeights::default()
    };
    mutation::json_edit(json_value(), fragment(), weights)
}

/// Parsed conditions hash the same through the wire form a client sends to a node.
fn check_parsed(set: &ConditionSet) -> Result<(), TestCaseError> {
    let canonical = set.canonical_json();
    prop_assert!(
        serde_json::from_str::<Value>(&canonical).is_ok(),
        "canonical form is not JSON: {}",
        canonical
    );
    // The text sigil-client sends (`to_json` would sort free-form keys, e.g. Solana
    // `pdaInterface.fields`, and so change the hash).
    let wire = format!(
        "{{{}:{}}}",
        serde_json::to_string(set.json_key()).expect("a key serialises"),
        set.to_json_string()
    );
    let again = ConditionSet::from_request_str(&wire);
    prop_assert!(
        again.is_ok(),
        "the wire form does not parse back: {:?}",
        again
    );
    if let Ok(again) = again {
        prop_assert_eq!(again.canonical_json(), canonical);
        prop_assert_eq!(again.hash(), set.hash());
    }
    let _ = set.condition_count();
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 384, ..ProptestConfig::default() })]

    #[test]
    fn edited_vector_conditions_never_panic_and_keep_their_hash_on_the_wire(
        case in 0usize..16,
        edits in prop::collection::vec(edit(), 1..4),
    ) {
        let mut document = documents().swap_remove(case);
        for edit in &edits {
            apply_json(&mut document, edit);
        }
        let text = document.to_string();
        for set in [ConditionSet::from_request_str(&text), ConditionSet::from_document(&text), ConditionSet::from_request(&document)].into_iter().flatten() {
            check_parsed(&set)?;
        }
    }

    #[test]
    fn vector_conditions_cut_or_spliced_as_text_never_panic(
        case in 0usize..16,
        at in any::<usize>(),
        cut in 0usize..30,
        with in fragment(),
    ) {
        let text = documents().swap_remove(case).to_string();
        let spliced = splice(&text, at, cut, &with);
        for set in [ConditionSet::from_request_str(&spliced), ConditionSet::from_document(&spliced)].into_iter().flatten() {
            check_parsed(&set)?;
        }
    }
}
