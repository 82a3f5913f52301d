//! Parsing limits and errors of conditions documents and requests.

use serde_json::{json, Value};
use sigil_crypto::conditions::{
    ConditionItem, ConditionSet, MAX_CONDITIONS, MAX_DOCUMENT_BYTES, MAX_GROUP_DEPTH,
};
use sigil_crypto::CryptoError;

fn user() -> Value {
    json!({"contractAddress": "", "standardContractType": "", "chain": "ethereum", "method": "",
           "parameters": [":userAddress"],
           "returnValueTest": {"comparator": "=", "value": "0x50e2dac5e78B5905CB09495547452cEE64426db2"}})
}

fn acc(conditions: Value) -> Result<ConditionSet, CryptoError> {
    ConditionSet::from_request(&json!({ "accessControlConditions": conditions }))
}

fn chain_of(n: usize) -> Value {
    let mut items = Vec::new();
    for i in 0..n {
        if i > 0 {
            items.push(json!({"operator": "or"}));
        }
        items.push(user());
    }
    Value::Array(items)
}

#[test]
fn thirty_conditions_are_accepted_and_thirty_one_refused() {
    let set = acc(chain_of(MAX_CONDITIONS)).expect("30 conditions");
    assert_eq!(set.condition_count(), 30);
    let err = acc(chain_of(MAX_CONDITIONS + 1)).expect_err("31 conditions");
    assert!(
        matches!(err, CryptoError::TooManyConditions { max: 30, .. }),
        "{err:?}"
    );
    assert_eq!(err.code(), "NodeTooManyConditions");
    assert_eq!(err.code().status(), 400);
}

#[test]
fn conditions_inside_groups_count_toward_the_limit() {
    let group = chain_of(16);
    let err = acc(json!([group.clone(), {"operator": "and"}, group])).expect_err("32 in groups");
    assert!(
        matches!(err, CryptoError::TooManyConditions { .. }),
        "{err:?}"
    );
}

#[test]
fn nesting_beyond_the_depth_limit_is_refused() {
    let mut nested = json!([user()]);
    for _ in 1..MAX_GROUP_DEPTH {
        nested = json!([nested]);
    }
    assert!(
        acc(nested.clone()).is_ok(),
        "depth {MAX_GROUP_DEPTH} is fine"
    );
    let err = acc(json!([nested])).expect_err("one deeper");
    assert!(matches!(err, CryptoError::NestingTooDeep { .. }), "{err:?}");
    assert_eq!(err.code(), "NodeParserError");
}

#[test]
fn a_request_without_conditions_is_missing_conditions() {
    for request in [
        json!({}),
        json!({"accessControlConditions": null}),
        json!({"accessControlConditions": []}),
        json!([1]),
    ] {
        let err = ConditionSet::from_request(&request).expect_err(&request.to_string());
        assert!(
            matches!(err, CryptoError::MissingConditions),
            "{request}: {err:?}"
        );
        assert_eq!(err.code(), "NodeMissingAccessControlConditions");
    }
}

#[test]
fn the_first_non_null_kind_wins_as_on_a_node() {
    let request = json!({
        "accessControlConditions": null,
        "evmContractConditions": null,
        "solRpcConditions": [{"method": "getBalance", "params": [], "chain": "solana",
                              "returnValueTest": {"key": "", "comparator": ">=", "value": "1"}}],
        "unifiedAccessControlConditions": [user()],
    });
    assert_eq!(
        ConditionSet::from_request(&request)
            .expect("parses")
            .json_key(),
        "solRpcConditions"
    );
}

#[test]
fn invalid_fields_name_their_path() {
    let mut bad = user();
    bad["returnValueTest"]["value"] = json!(5);
    match acc(json!([user(), {"operator": "and"}, bad])) {
        Err(CryptoError::InvalidCondition { path, .. }) => {
            assert_eq!(path, "accessControlConditions[2].returnValueTest.value")
        }
        other => panic!("{other:?}"),
    }
    let mut missing = user();
    missing.as_object_mut().expect("object").remove("chain");
    match acc(json!([missing])) {
        Err(CryptoError::InvalidCondition { path, reason }) => {
            assert_eq!(
                (path.as_str(), reason),
                ("accessControlConditions[0].chain", "missing")
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn operators_must_be_and_or_or() {
    for op in [json!("AND"), json!("xor"), json!(1), json!(null)] {
        let err =
            acc(json!([user(), {"operator": op.clone()}, user()])).expect_err(&op.to_string());
        assert!(
            matches!(err, CryptoError::InvalidCondition { .. }),
            "{op}: {err:?}"
        );
    }
}

#[test]
fn items_that_are_neither_condition_operator_nor_group_are_refused() {
    for item in [
        json!("x"),
        json!(1),
        json!(null),
        json!({"chain": "ethereum"}),
    ] {
        assert!(
            matches!(
                acc(json!([item.clone()])),
                Err(CryptoError::InvalidCondition { .. })
            ),
            "{item}"
        );
    }
}

fn unified(conditions: Value) -> Result<ConditionSet, CryptoError> {
    ConditionSet::from_request(&json!({ "unifiedAccessControlConditions": conditions }))
}

fn sol_v2() -> Value {
    json!({"method": "getBalance", "params": [":userAddress"], "pdaParams": [],
           "pdaInterface": {"offset": 0, "fields": {}}, "pdaKey": "", "chain": "solana",
           "returnValueTest": {"key": "", "comparator": ">=", "value": "1"}})
}

fn evm_contract() -> Value {
    json!({"contractAddress": "0xb71a679cfff330591d556c4b9f21c7739ca9590c", "functionName": "members",
           "functionParams": [":userAddress"],
           "functionAbi": {"name": "members", "inputs": [{"name": "", "type": "address"}],
                           "outputs": [{"name": "", "type": "uint8"}], "stateMutability": "view"},
           "chain": "ethereum", "returnValueTest": {"key": "", "comparator": ">=", "value": "1"}})
}

fn cosmos() -> Value {
    json!({"path": "/cosmos/bank/v1beta1/balances/:userAddress", "chain": "cosmos",
           "returnValueTest": {"key": "$.balances[0].amount", "comparator": ">=", "value": "1"}})
}

fn kinds_of(set: &ConditionSet) -> Vec<&'static str> {
    let ConditionSet::Unified(items) = set else {
        panic!("not unified: {set:?}")
    };
    items
        .iter()
        .filter_map(|item| match item {
            ConditionItem::Condition(c) => Some(c.condition_type()),
            _ => None,
        })
        .collect()
}

#[test]
fn unified_conditions_are_told_apart_by_shape_without_condition_type() {
    // What the SDK sends: its formatters drop `conditionType`.
    let set = unified(
        json!([user(), {"operator": "or"}, sol_v2(), {"operator": "and"}, evm_contract(),
                             {"operator": "or"}, cosmos()]),
    )
    .expect("every kind by shape");
    assert_eq!(
        kinds_of(&set),
        ["evmBasic", "solRpc", "evmContract", "cosmos"]
    );
    // The same conditions with their `conditionType` hash the same: the hash never includes it.
    let typed = |mut c: Value, t: &str| {
        c["conditionType"] = t.into();
        c
    };
    let with_types = unified(
        json!([typed(user(), "evmBasic"), {"operator": "or"}, typed(sol_v2(), "solRpc"),
                                    {"operator": "and"}, typed(evm_contract(), "evmContract"),
                                    {"operator": "or"}, typed(cosmos(), "cosmos")]),
    )
    .expect("typed");
    assert_eq!(with_types.hash_hex(), set.hash_hex());
    assert!(!set.canonical_json().contains("conditionType"));
    // The document form gives the SDK back the `conditionType` its formatters need.
    assert_eq!(set.to_json_string(), with_types.to_json_string());
    assert!(set
        .to_json_string()
        .contains(r#"{"conditionType":"cosmos","path":"#));
}

#[test]
fn unified_shapes_are_tried_in_the_order_of_lit_nodes() {
    // A condition carrying both evmBasic and evmContract fields is evmBasic, the first shape.
    let mut both = user();
    for (key, value) in evm_contract().as_object().expect("object") {
        if both.get(key).is_none() {
            both[key] = value.clone();
        }
    }
    assert_eq!(
        kinds_of(&unified(json!([both])).expect("both")),
        ["evmBasic"]
    );
    // And a Solana condition that also has a Cosmos `path` is solRpc.
    let mut sol_and_path = sol_v2();
    sol_and_path["path"] = "/x".into();
    assert_eq!(
        kinds_of(&unified(json!([sol_and_path])).expect("sol")),
        ["solRpc"]
    );
}

#[test]
fn unified_condition_type_is_ignored_as_lit_nodes_ignore_it() {
    for condition_type in [json!("evm"), json!(null), json!(3), json!("cosmos")] {
        let mut c = user();
        c["conditionType"] = condition_type.clone();
        let set = unified(json!([c])).expect("evmBasic shape");
        assert_eq!(kinds_of(&set), ["evmBasic"], "{condition_type}");
        assert_eq!(
            set.hash_hex(),
            unified(json!([user()])).expect("plain").hash_hex()
        );
    }
}

#[test]
fn unified_conditions_of_no_known_shape_are_parser_errors_naming_the_field() {
    // Missing `standardContractType`: the closest shape is evmBasic, and the error says so.
    let mut c = user();
    c.as_object_mut()
        .expect("object")
        .remove("standardContractType");
    let err = unified(json!([c])).expect_err("no shape");
    assert_eq!(err.code(), "NodeParserError");
    assert_eq!(err.code().status(), 400);
    assert!(
        err.to_string()
            .contains("unifiedAccessControlConditions[0].standardContractType"),
        "{err}"
    );
    // With a `conditionType`, the error is that kind's.
    let err = unified(json!([{"conditionType": "cosmos", "chain": "cosmos",
                             "returnValueTest": {"key": "", "comparator": "=", "value": "1"}}]))
    .expect_err("cosmos without path");
    assert!(err.to_string().contains("[0].path"), "{err}");
    // Inside groups too.
    let err = unified(json!([user(), {"operator": "and"}, [user(), {"operator": "or"}, {"chain": "x", "returnValueTest": {}}]]))
        .expect_err("nested");
    assert!(
        err.to_string()
            .contains("unifiedAccessControlConditions[2][2]"),
        "{err}"
    );
}

#[test]
fn solana_v2_conditions_need_all_pda_fields() {
    let v2 = json!({"method": "getBalance", "params": [":userAddress"], "pdaParams": [],
                    "pdaInterface": {"offset": 0, "fields": {}}, "pdaKey": "", "chain": "solana",
                    "returnValueTest": {"key": "", "comparator": ">=", "value": "1"}});
    assert!(ConditionSet::from_request(&json!({"solRpcConditions": [v2.clone()]})).is_ok());
    for key in ["pdaInterface", "pdaKey"] {
        let mut c = v2.clone();
        c.as_object_mut().expect("object").remove(key);
        assert!(
            matches!(
                ConditionSet::from_request(&json!({"solRpcConditions": [c]})),
                Err(CryptoError::InvalidCondition { .. })
            ),
            "without {key}"
        );
    }
    // Unified solRpc conditions must be v2: the SDK refuses to send one without the PDA fields.
    let v1 = json!({"conditionType": "solRpc", "method": "getBalance", "params": [], "chain": "solana",
                    "returnValueTest": {"key": "", "comparator": ">=", "value": "1"}});
    assert!(matches!(
        ConditionSet::from_request(&json!({"unifiedAccessControlConditions": [v1]})),
        Err(CryptoError::InvalidCondition { .. })
    ));
}

#[test]
fn solana_free_form_json_keeps_document_order_and_javascript_numbers() {
    let text = r#"{"solRpcConditions":[{"method":"getAccountInfo","params":[":userAddress",{"encoding":"base64","commitment":"confirmed","n":1.0}],
        "pdaParams":["a"],"pdaInterface":{"offset":8,"fields":{"owner":32,"amount":8,"1":4}},"pdaKey":"k","chain":"solana",
        "returnValueTest":{"key":"amount","comparator":">","value":"0"}}]}"#;
    let set = ConditionSet::from_document(text).expect("parses");
    assert_eq!(
        set.canonical_json(),
        r#"[{"method":"getAccountInfo","params":[":userAddress",{"encoding":"base64","commitment":"confirmed","n":1}],"pdaParams":["a"],"pdaInterface":{"offset":8,"fields":{"1":4,"owner":32,"amount":8}},"pdaKey":"k","chain":"solana","returnValueTest":{"key":"amount","comparator":">","value":"0"}}]"#
    );
}

#[test]
fn evm_contract_abi_defaults_constant_and_omits_missing_state_mutability() {
    let c = json!({"contractAddress": "0x1", "functionName": "f", "functionParams": [],
                   "functionAbi": {"name": "f", "inputs": [{"name": "a", "type": "uint256", "internalType": "uint256"}], "outputs": []},
                   "chain": "ethereum", "returnValueTest": {"key": "", "comparator": "=", "value": "1"}});
    let set = ConditionSet::from_request(&json!({"evmContractConditions": [c]})).expect("parses");
    assert_eq!(
        set.canonical_json(),
        r#"[{"contractAddress":"0x1","functionName":"f","functionParams":[],"functionAbi":{"name":"f","inputs":[{"name":"a","type":"uint256"}],"outputs":[],"constant":false},"chain":"ethereum","returnValueTest":{"key":"","comparator":"=","value":"1"}}]"#
    );
}

#[test]
fn oversized_and_invalid_documents_are_typed_errors() {
    let big = format!("[{}]", " ".repeat(MAX_DOCUMENT_BYTES));
    assert!(matches!(
        ConditionSet::from_document(&big),
        Err(CryptoError::InputTooLarge { .. })
    ));
    assert!(matches!(
        ConditionSet::from_document("[{"),
        Err(CryptoError::Json(_))
    ));
    assert!(matches!(
        ConditionSet::from_document("\"x\""),
        Err(CryptoError::MissingConditions)
    ));
    assert!(matches!(
        ConditionSet::from_document("{}"),
        Err(CryptoError::MissingConditions)
    ));
}

#[test]
fn every_error_has_a_lit_code() {
    let cases: Vec<(CryptoError, &str)> = vec![
        (
            CryptoError::MissingConditions,
            "NodeMissingAccessControlConditions",
        ),
        (
            CryptoError::TooManyConditions { count: 31, max: 30 },
            "NodeTooManyConditions",
        ),
        (CryptoError::NestingTooDeep { max: 10 }, "NodeParserError"),
        (
            CryptoError::InvalidCondition {
                path: "x".into(),
                reason: "y",
            },
            "NodeParserError",
        ),
        (
            CryptoError::InvalidBooleanExpression,
            "NodeInvalidBooleanConditionType",
        ),
        (
            CryptoError::UnsupportedCondition { kind: "k".into() },
            "NodeAccessControlConditionsCheckFailed",
        ),
        (
            CryptoError::InvalidReturnValue { value: "v".into() },
            "NodeInvalidACCReturnValueTest",
        ),
        (
            CryptoError::InvalidAddress { value: "v".into() },
            "NodeConditionAddressConversionError",
        ),
        (CryptoError::DecryptionFailed, "NodeEncryptionError"),
    ];
    for (err, code) in cases {
        assert_eq!(err.code(), code, "{err}");
    }
    assert_eq!(
        CryptoError::UnsupportedCondition { kind: "k".into() }
            .code()
            .status(),
        502
    );
    assert_eq!(CryptoError::InvalidKeyShare.code().status(), 500);
}

/// The depth limit counts the conditions array as one level inside its request body, whichever
/// way the conditions arrive (body text, body value, the array alone, a bare-array document), so
/// conditions that pass one way never fail another.
#[test]
fn nesting_limit_is_the_same_for_body_value_and_array_alone() {
    use sigil_crypto::conditions::MAX_JSON_DEPTH;
    // body(0) > array(1) > condition(2) > params(3) > wraps > ":userAddress"
    let conditions = |wraps: usize| {
        format!(
            r#"[{{"chain":"solana","method":"getBalance","params":[{}":userAddress"{}],"pdaParams":[],"pdaInterface":{{"offset":0,"fields":{{}}}},"pdaKey":"","returnValueTest":{{"key":"","comparator":">=","value":"1"}}}}]"#,
            "[".repeat(wraps),
            "]".repeat(wraps)
        )
    };
    for (wraps, accepted) in [(MAX_JSON_DEPTH - 4, true), (MAX_JSON_DEPTH - 3, false)] {
        let array = conditions(wraps);
        let body = format!(r#"{{"solRpcConditions":{array}}}"#);
        let value: serde_json::Value = serde_json::from_str(&body).expect("json");
        let outcomes = [
            ConditionSet::from_request_str(&body).is_ok(),
            ConditionSet::from_request(&value).is_ok(),
            ConditionSet::from_kind_text("solRpcConditions", &array).is_ok(),
            ConditionSet::from_document(&body).is_ok(),
        ];
        assert_eq!(outcomes, [accepted; 4], "{wraps} wraps");
    }
}
