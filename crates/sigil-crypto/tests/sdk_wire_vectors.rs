//! tests/vectors/sdk-wire-conditions.json: the exact `/web/encryption/sign/` bodies the official
//! JS SDK 7.4.0 sent for every condition kind (captured by the interop suite), parsed as a node
//! parses them and hashed to the identity the SDK encrypted to.

use serde_json::Value;
use sigil_crypto::conditions::ConditionSet;

fn cases() -> Vec<Value> {
    let file = sigil_test_support::vectors::sdk_wire_conditions();
    file["cases"].as_array().expect("cases").clone()
}

fn text<'a>(case: &'a Value, key: &str) -> &'a str {
    case[key]
        .as_str()
        .unwrap_or_else(|| panic!("{}: field {key}", case["name"]))
}

#[test]
fn every_kind_the_sdk_sends_is_covered() {
    let cases = cases();
    let keys: std::collections::BTreeSet<&str> = cases.iter().map(|c| text(c, "key")).collect();
    assert_eq!(
        keys.into_iter().collect::<Vec<_>>(),
        [
            "accessControlConditions",
            "evmContractConditions",
            "solRpcConditions",
            "unifiedAccessControlConditions"
        ]
    );
    let unified_wire: Vec<&str> = cases
        .iter()
        .filter(|c| text(c, "key") == "unifiedAccessControlConditions")
        .map(|c| text(c, "wireConditions"))
        .collect();
    assert!(unified_wire.len() >= 4);
    // The point of these vectors: the SDK's unified conditions carry no conditionType.
    assert!(unified_wire.iter().all(|w| !w.contains("conditionType")));
}

#[test]
fn each_captured_body_parses_as_a_node_parses_it_and_hashes_to_the_sdk_identity() {
    for case in cases() {
        let name = text(&case, "name");
        let body = text(&case, "body");
        let set = ConditionSet::from_request_str(body).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(set.json_key(), text(&case, "key"), "{name}");
        assert_eq!(
            set.hash_hex(),
            text(&case, "hashOfConditions"),
            "{name}: hashOfConditions"
        );
        let body_json: Value = serde_json::from_str(body).expect("body is JSON");
        let data_hash = body_json["dataToEncryptHash"]
            .as_str()
            .expect("dataToEncryptHash");
        assert_eq!(data_hash, text(&case, "dataToEncryptHash"), "{name}");
        assert_eq!(
            set.identity(data_hash),
            text(&case, "identity"),
            "{name}: identity"
        );
        // What a node hashes is what the SDK sent, byte for byte.
        assert_eq!(
            set.canonical_json(),
            text(&case, "wireConditions"),
            "{name}: canonical JSON"
        );
    }
}

#[test]
fn conditions_as_users_write_them_give_the_sdk_wire_bytes_and_back() {
    for case in cases() {
        let name = text(&case, "name");
        let key = text(&case, "key");
        // The document as given to the SDK (unified ones with conditionType), in its key order.
        let document = format!("{{\"{key}\":{}}}", case["input"]);
        let set = ConditionSet::from_document(&document).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            set.canonical_json(),
            text(&case, "wireConditions"),
            "{name}: what a client sends"
        );
        assert_eq!(set.hash_hex(), text(&case, "hashOfConditions"), "{name}");
        // And the wire form, read back, gives the document form the SDK takes as input again.
        let wire_request = format!("{{\"{key}\":{}}}", text(&case, "wireConditions"));
        let from_wire =
            ConditionSet::from_request_str(&wire_request).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            from_wire, set,
            "{name}: wire and document parse to the same conditions"
        );
        assert_eq!(from_wire.to_json_string(), set.to_json_string(), "{name}");
    }
}
