//! tests/vectors/acc-hash.json: the JS SDK 7.4.0's hashOfConditions for every kind.

use serde_json::Value;
use sigil_crypto::conditions::{self, ConditionSet};

fn vector() -> Value {
    sigil_test_support::vectors::acc_hash()
}

fn cases() -> Vec<Value> {
    vector()["cases"].as_array().expect("cases array").clone()
}

fn str_field<'a>(case: &'a Value, key: &str) -> &'a str {
    case[key]
        .as_str()
        .unwrap_or_else(|| panic!("case field {key}"))
}

#[test]
fn every_vector_case_hashes_as_the_js_sdk() {
    let cases = cases();
    assert_eq!(cases.len(), 16, "the vector file has 16 cases");
    for case in &cases {
        let name = str_field(case, "name");
        let kind = str_field(case, "conditionType");
        // The raw document text keeps the input's key order, as the JS object had it.
        let document = serde_json::json!({ kind: case["input"] }).to_string();
        let set = ConditionSet::from_document(&document)
            .unwrap_or_else(|e| panic!("case {name}: parse failed: {e}"));
        assert_eq!(set.json_key(), kind, "case {name}: kind");
        assert_eq!(
            set.canonical_json(),
            str_field(case, "canonicalJson"),
            "case {name}: canonical JSON"
        );
        assert_eq!(
            set.hash_hex(),
            str_field(case, "hashOfConditions"),
            "case {name}: hashOfConditions"
        );
    }
}

#[test]
fn every_vector_case_hashes_the_same_from_a_request_value() {
    for case in &cases() {
        let name = str_field(case, "name");
        let kind = str_field(case, "conditionType");
        let request = serde_json::json!({
            "dataToEncryptHash": "00",
            kind: case["input"],
            "chain": "ethereum",
        });
        let set =
            ConditionSet::from_request(&request).unwrap_or_else(|e| panic!("case {name}: {e}"));
        assert_eq!(
            set.hash_hex(),
            str_field(case, "hashOfConditions"),
            "case {name}"
        );
        let from_str = ConditionSet::from_request_str(&request.to_string())
            .unwrap_or_else(|e| panic!("case {name}: {e}"));
        assert_eq!(from_str, set, "case {name}: from_request_str");
    }
}

#[test]
fn every_vector_case_gives_the_js_identity() {
    let vector = vector();
    let data_hash =
        conditions::data_to_encrypt_hash(vector["data"].as_str().expect("data").as_bytes());
    assert_eq!(
        data_hash,
        vector["dataToEncryptHash"]
            .as_str()
            .expect("dataToEncryptHash")
    );
    for case in &cases() {
        let name = str_field(case, "name");
        let hash = str_field(case, "hashOfConditions");
        assert_eq!(
            conditions::identity(hash, &data_hash),
            str_field(case, "identity"),
            "case {name}"
        );
    }
}

#[test]
fn bare_array_document_is_access_control_conditions() {
    let case = cases()
        .into_iter()
        .find(|c| c["name"] == "acc-and")
        .expect("acc-and case");
    let set = ConditionSet::from_document(&case["input"].to_string()).expect("parses");
    assert_eq!(set.json_key(), "accessControlConditions");
    assert_eq!(set.hash_hex(), str_field(&case, "hashOfConditions"));
    assert_eq!(set.condition_count(), 2);
}

#[test]
fn wire_json_reparses_to_the_same_conditions_and_hash() {
    for case in &cases() {
        let name = str_field(case, "name");
        let kind = str_field(case, "conditionType");
        let set =
            ConditionSet::from_document(&serde_json::json!({ kind: case["input"] }).to_string())
                .unwrap_or_else(|e| panic!("case {name}: {e}"));
        let wire = serde_json::json!({ set.json_key(): set.to_json() });
        let again =
            ConditionSet::from_request(&wire).unwrap_or_else(|e| panic!("case {name}: {e}"));
        assert_eq!(again, set, "case {name}");
        assert_eq!(
            again.hash_hex(),
            str_field(case, "hashOfConditions"),
            "case {name}"
        );
    }
}

#[test]
fn unified_wire_json_keeps_condition_type_and_hash_drops_it() {
    let case = cases()
        .into_iter()
        .find(|c| c["name"] == "unified-evmBasic-and-evmContract")
        .expect("case");
    let set = ConditionSet::from_document(
        &serde_json::json!({ "unifiedAccessControlConditions": case["input"] }).to_string(),
    )
    .expect("parses");
    assert!(set
        .to_json_string()
        .contains("\"conditionType\":\"evmBasic\""));
    assert!(!set.canonical_json().contains("conditionType"));
}
