//! Properties on hostile conditions made from valid ones: the JS SDK's reference documents
//! (tests/vectors/acc-hash.json), edited as JSON and as text. (properties.rs builds documents from
//! scratch.) Nothing panics, and conditions that still parse keep their hash through the wire form.

use proptest::prelude::*;
use serde_json::Value;
use sigil_crypto::conditions::ConditionSet;

const ACC_HASH: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/vectors/acc-hash.json"
));

/// Every vector case as a request document `{"<kind>": [...]}`.
fn documents() -> Vec<Value> {
    let vector: Value = serde_json::from_str(ACC_HASH).expect("acc-hash.json is JSON");
    let cases = vector["cases"].as_array().expect("cases array");
    cases
        .iter()
        .map(|case| serde_json::json!({ case["conditionType"].as_str().expect("kind"): case["input"].clone() }))
        .collect()
}

/// Keys and values the condition parsers look for, odd numbers and JSON punctuation.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "", ":userAddress", ":currentActionIpfsId", "and", "or", "AND", "operator", "conditionType",
            "evmBasic", "evmContract", "solRpc", "cosmos", "timestamp", "ERC20", "ERC721", "ERC1155",
            "returnValueTest", "comparator", "value", "key", "parameters", "functionParams", "functionAbi",
            "pdaParams", "pdaInterface", "pdaKey", "offset", "fields", "inputs", "outputs", "=", ">=", "contains",
            "ethereum", "solana", "latest", "0x", "18446744073709551616", "-0", "1e308", "1.0", "0.1", "{", "}",
            "[", "]", ",", ":", "\"", "\\", "\\u0000", "\\ud800", "null", "[[[[[[[[[[", "\u{0}", "é", "\u{1F600}",
        ])
        .prop_map(str::to_owned),
        1 => any::<String>(),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON numbers are finite", |f| f.is_finite())
            .prop_map(Value::from),
        fragment().prop_map(Value::String),
        Just(serde_json::json!({"operator": "and"})),
        Just(serde_json::json!({"operator": "or"})),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(fragment(), inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

#[derive(Clone, Debug)]
enum Edit {
    Replace(usize, Value),
    InsertInString(usize, usize, String),
    RemoveChild(usize, usize),
    DuplicateChild(usize, usize),
    /// Wraps the node in `depth` arrays (nesting bombs).
    Wrap(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let node = any::<usize>();
    prop_oneof![
        (node, json_value()).prop_map(|(n, v)| Edit::Replace(n, v)),
        (node, any::<usize>(), fragment()).prop_map(|(n, i, s)| Edit::InsertInString(n, i, s)),
        (node, any::<usize>()).prop_map(|(n, c)| Edit::RemoveChild(n, c)),
        (node, any::<usize>()).prop_map(|(n, c)| Edit::DuplicateChild(n, c)),
        (node, 1usize..40).prop_map(|(n, d)| Edit::Wrap(n, d)),
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

fn apply(value: &mut Value, edit: &Edit) {
    let node = match edit {
        Edit::Replace(n, _)
        | Edit::InsertInString(n, _, _)
        | Edit::RemoveChild(n, _)
        | Edit::DuplicateChild(n, _)
        | Edit::Wrap(n, _) => *n,
    };
    let mut n = node % node_count(value);
    let Some(target) = nth_node(value, &mut n) else {
        return;
    };
    match (edit, target) {
        (Edit::Replace(_, with), target) => *target = with.clone(),
        (Edit::InsertInString(_, at, with), Value::String(text)) => {
            let chars: Vec<char> = text.chars().collect();
            let at = at % (chars.len() + 1);
            *text = chars[..at]
                .iter()
                .chain(with.chars().collect::<Vec<_>>().iter())
                .chain(&chars[at..])
                .collect();
        }
        (Edit::RemoveChild(_, child), Value::Array(items)) if !items.is_empty() => {
            items.remove(child % items.len());
        }
        (Edit::RemoveChild(_, child), Value::Object(map)) if !map.is_empty() => {
            let key = map
                .keys()
                .nth(child % map.len())
                .cloned()
                .unwrap_or_default();
            map.remove(&key);
        }
        (Edit::DuplicateChild(_, child), Value::Array(items)) if !items.is_empty() => {
            let copy = items[child % items.len()].clone();
            items.push(copy);
        }
        (Edit::Wrap(_, depth), target) => {
            for _ in 0..*depth {
                *target = Value::Array(vec![target.take()]);
            }
        }
        _ => {}
    }
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
            apply(&mut document, edit);
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
        let chars: Vec<char> = text.chars().collect();
        let at = at % (chars.len() + 1);
        let end = (at + cut).min(chars.len());
        let spliced: String = chars[..at].iter().copied().chain(with.chars()).chain(chars[end..].iter().copied()).collect();
        for set in [ConditionSet::from_request_str(&spliced), ConditionSet::from_document(&spliced)].into_iter().flatten() {
            check_parsed(&set)?;
        }
    }
}
