//! Evaluation of conditions, as Lit's Datil node does it.

use alloy_primitives::{address, Address};
use serde_json::{json, Value};
use sigil_crypto::conditions::{ConditionEnv, ConditionSet};
use sigil_crypto::CryptoError;

const USER: Address = address!("50e2dac5e78B5905CB09495547452cEE64426db2");
const NOW: u64 = 1_735_689_600;

struct Env {
    user: Address,
    timestamp: u64,
}

impl ConditionEnv for Env {
    fn user_address(&self) -> Address {
        self.user
    }
    fn latest_block_timestamp(&self) -> u64 {
        self.timestamp
    }
}

fn env() -> Env {
    Env {
        user: USER,
        timestamp: NOW,
    }
}

fn user_is(comparator: &str, value: &str) -> Value {
    json!({"contractAddress": "", "standardContractType": "", "chain": "ethereum", "method": "",
           "parameters": [":userAddress"], "returnValueTest": {"comparator": comparator, "value": value}})
}

fn timestamp(comparator: &str, value: &str) -> Value {
    json!({"contractAddress": "", "standardContractType": "timestamp", "chain": "ethereum",
           "method": "eth_getBlockByNumber", "parameters": ["latest"],
           "returnValueTest": {"comparator": comparator, "value": value}})
}

fn erc20() -> Value {
    json!({"contractAddress": "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", "standardContractType": "ERC20",
           "chain": "ethereum", "method": "balanceOf", "parameters": [":userAddress"],
           "returnValueTest": {"comparator": ">=", "value": "1000000"}})
}

fn and() -> Value {
    json!({"operator": "and"})
}

fn or() -> Value {
    json!({"operator": "or"})
}

fn eval(conditions: Value) -> Result<bool, CryptoError> {
    eval_with(conditions, &env())
}

fn eval_with(conditions: Value, env: &Env) -> Result<bool, CryptoError> {
    ConditionSet::from_request(&json!({ "accessControlConditions": conditions }))?.evaluate(env)
}

const LOWER: &str = "0x50e2dac5e78b5905cb09495547452cee64426db2";
const UPPER: &str = "0x50E2DAC5E78B5905CB09495547452CEE64426DB2";
const BELOW: &str = "0x0000000000000000000000000000000000000001";
const ABOVE: &str = "0xffffffffffffffffffffffffffffffffffffffff";

#[test]
fn user_address_equality_ignores_case() {
    assert_eq!(eval(json!([user_is("=", LOWER)])).ok(), Some(true));
    assert_eq!(eval(json!([user_is("=", UPPER)])).ok(), Some(true));
    assert_eq!(
        eval(json!([user_is(
            "=",
            "50e2dac5e78b5905cb09495547452cee64426db2"
        )]))
        .ok(),
        Some(true),
        "no 0x prefix"
    );
    assert_eq!(eval(json!([user_is("=", BELOW)])).ok(), Some(false));
}

#[test]
fn user_address_orders_as_a_number() {
    assert_eq!(eval(json!([user_is(">", BELOW)])).ok(), Some(true));
    assert_eq!(eval(json!([user_is(">", ABOVE)])).ok(), Some(false));
    assert_eq!(eval(json!([user_is("<", ABOVE)])).ok(), Some(true));
    assert_eq!(eval(json!([user_is("<", BELOW)])).ok(), Some(false));
    assert_eq!(eval(json!([user_is(">=", LOWER)])).ok(), Some(true));
    assert_eq!(eval(json!([user_is(">=", ABOVE)])).ok(), Some(false));
    assert_eq!(eval(json!([user_is("<=", UPPER)])).ok(), Some(true));
    assert_eq!(eval(json!([user_is("<=", BELOW)])).ok(), Some(false));
}

#[test]
fn address_comparators_lit_does_not_support_are_false() {
    // Lit's check_return_value_addr has no "!=" (nor contains): those are false, not errors.
    assert_eq!(eval(json!([user_is("!=", BELOW)])).ok(), Some(false));
    assert_eq!(eval(json!([user_is("contains", LOWER)])).ok(), Some(false));
}

#[test]
fn user_address_value_may_itself_be_user_address() {
    assert_eq!(eval(json!([user_is("=", ":userAddress")])).ok(), Some(true));
}

#[test]
fn a_malformed_address_is_a_typed_error() {
    let err = eval(json!([user_is("=", "0x1234")])).expect_err("short address");
    assert!(matches!(err, CryptoError::InvalidAddress { .. }), "{err:?}");
    assert_eq!(err.code(), "NodeConditionAddressConversionError");
    assert!(matches!(
        eval(json!([user_is("=", "not an address")])),
        Err(CryptoError::InvalidAddress { .. })
    ));
}

#[test]
fn signature_condition_on_other_parameters_compares_strings() {
    let cond = |param: &str, comparator: &str, value: &str| {
        json!([{"contractAddress": "", "standardContractType": "", "chain": "ethereum", "method": "",
                "parameters": [param], "returnValueTest": {"comparator": comparator, "value": value}}])
    };
    assert_eq!(eval(cond("abc", "=", "abc")).ok(), Some(true));
    assert_eq!(eval(cond("abc", "!=", "abc")).ok(), Some(false));
    assert_eq!(eval(cond("abcdef", "contains", "cde")).ok(), Some(true));
    assert_eq!(eval(cond("abcdef", "!contains", "cde")).ok(), Some(false));
    assert_eq!(eval(cond("b", ">", "a")).ok(), Some(true));
    assert_eq!(
        eval(cond(":currentActionIpfsId", "=", "")).ok(),
        Some(true),
        "no Lit Action: empty id"
    );
    assert!(matches!(
        eval(cond(":litParam:x", "=", "1")),
        Err(CryptoError::UnsupportedCondition { .. })
    ));
}

#[test]
fn timestamp_compares_the_latest_block_time_as_an_integer() {
    let at = NOW.to_string();
    let before = (NOW - 1).to_string();
    let after = (NOW + 1).to_string();
    assert_eq!(eval(json!([timestamp(">=", &at)])).ok(), Some(true));
    assert_eq!(eval(json!([timestamp(">=", &after)])).ok(), Some(false));
    assert_eq!(eval(json!([timestamp(">", &before)])).ok(), Some(true));
    assert_eq!(eval(json!([timestamp(">", &at)])).ok(), Some(false));
    assert_eq!(eval(json!([timestamp("<", &after)])).ok(), Some(true));
    assert_eq!(eval(json!([timestamp("<=", &before)])).ok(), Some(false));
    assert_eq!(eval(json!([timestamp("=", &at)])).ok(), Some(true));
    assert_eq!(eval(json!([timestamp("!=", &at)])).ok(), Some(false));
    // Numbers, not strings: "999" < "1735689600" numerically though not lexically.
    assert_eq!(eval(json!([timestamp(">", "999")])).ok(), Some(true));
    // Beyond u64, still a U256 as on Lit's node.
    assert_eq!(
        eval(json!([timestamp("<", "99999999999999999999999")])).ok(),
        Some(true)
    );
    let later = Env {
        user: USER,
        timestamp: NOW + 10,
    };
    assert_eq!(
        eval_with(json!([timestamp(">=", &after)]), &later).ok(),
        Some(true)
    );
}

#[test]
fn a_non_decimal_timestamp_value_is_a_typed_error() {
    for value in ["-1", "1e3", "0x10", " 1", "1".repeat(80).as_str()] {
        let err = eval(json!([timestamp(">=", value)])).expect_err(value);
        assert!(
            matches!(err, CryptoError::InvalidReturnValue { .. }),
            "{value}: {err:?}"
        );
        assert_eq!(err.code(), "NodeInvalidACCReturnValueTest");
    }
}

#[test]
fn and_or_chains_fold_left_to_right() {
    let t = || user_is("=", LOWER);
    let f = || user_is("=", BELOW);
    assert_eq!(eval(json!([t(), and(), t()])).ok(), Some(true));
    assert_eq!(eval(json!([t(), and(), f()])).ok(), Some(false));
    assert_eq!(eval(json!([f(), or(), t()])).ok(), Some(true));
    assert_eq!(eval(json!([f(), or(), f()])).ok(), Some(false));
    // ((t or f) and f) = false; right-to-left or precedence would give true.
    assert_eq!(eval(json!([t(), or(), f(), and(), f()])).ok(), Some(false));
    // ((f and f) or t) = true.
    assert_eq!(eval(json!([f(), and(), f(), or(), t()])).ok(), Some(true));
}

#[test]
fn nested_groups_evaluate_as_units() {
    let t = || user_is("=", LOWER);
    let f = || user_is("=", BELOW);
    // t or (f and f) = true, whereas ((t or f) and f) would be false.
    assert_eq!(eval(json!([t(), or(), [f(), and(), f()]])).ok(), Some(true));
    assert_eq!(
        eval(json!([
            [t(), or(), f()],
            and(),
            [f(), or(), [t(), and(), t()]]
        ]))
        .ok(),
        Some(true)
    );
    assert_eq!(
        eval(json!([[t(), and(), f()], or(), [f()]])).ok(),
        Some(false)
    );
}

#[test]
fn a_top_level_list_without_operators_is_anded() {
    let t = || user_is("=", LOWER);
    let f = || user_is("=", BELOW);
    assert_eq!(
        eval(json!([t(), t(), timestamp(">", "1")])).ok(),
        Some(true)
    );
    assert_eq!(eval(json!([t(), f()])).ok(), Some(false));
}

#[test]
fn malformed_boolean_expressions_are_typed_errors() {
    let t = || user_is("=", LOWER);
    for conditions in [
        json!([and(), t()]),
        json!([t(), and()]),
        json!([t(), and(), or(), t()]),
        json!([t(), or(), [t(), t()]]),
        json!([t(), or(), []]),
        json!([[t()], [t()], or(), t()]),
    ] {
        let err = eval(conditions.clone()).expect_err(&conditions.to_string());
        assert!(
            matches!(err, CryptoError::InvalidBooleanExpression),
            "{conditions}: {err:?}"
        );
        assert_eq!(err.code(), "NodeInvalidBooleanConditionType");
    }
}

#[test]
fn chain_reads_we_cannot_serve_are_errors_naming_the_kind() {
    let err = eval(json!([erc20()])).expect_err("erc20");
    match &err {
        CryptoError::UnsupportedCondition { kind } => assert!(kind.contains("ERC20"), "{kind}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(err.code(), "NodeAccessControlConditionsCheckFailed");
    // Even where the other branch would decide (Lit evaluates every condition).
    assert!(matches!(
        eval(json!([user_is("=", LOWER), or(), erc20()])),
        Err(CryptoError::UnsupportedCondition { .. })
    ));
    let balance = json!([{"contractAddress": "", "standardContractType": "", "chain": "polygon", "method": "eth_getBalance",
                          "parameters": [":userAddress", "latest"], "returnValueTest": {"comparator": ">=", "value": "1"}}]);
    match eval(balance) {
        Err(CryptoError::UnsupportedCondition { kind }) => {
            assert!(kind.contains("eth_getBalance"), "{kind}")
        }
        other => panic!("{other:?}"),
    }
    for kind in ["POAP", "SIWE", "LitAction", "ERC721", "ERC1155"] {
        let mut c = erc20();
        c["standardContractType"] = kind.into();
        match eval(json!([c])) {
            Err(CryptoError::UnsupportedCondition { kind: named }) => {
                assert!(named.contains(kind), "{named}")
            }
            other => panic!("{kind}: {other:?}"),
        }
    }
}

#[test]
fn other_kinds_are_unsupported_except_unified_evm_basic() {
    let unified = |cond: Value| {
        ConditionSet::from_request(&json!({ "unifiedAccessControlConditions": cond }))
            .expect("parses")
            .evaluate(&env())
    };
    let mut basic = user_is("=", LOWER);
    basic["conditionType"] = "evmBasic".into();
    assert_eq!(unified(json!([basic.clone()])).ok(), Some(true));
    let sol = json!({"conditionType": "solRpc", "method": "getBalance", "params": [":userAddress"], "pdaParams": [],
                     "pdaInterface": {"offset": 0, "fields": {}}, "pdaKey": "", "chain": "solana",
                     "returnValueTest": {"key": "", "comparator": ">=", "value": "1"}});
    match unified(json!([basic, and(), sol])) {
        Err(CryptoError::UnsupportedCondition { kind }) => {
            assert!(kind.contains("solRpc"), "{kind}")
        }
        other => panic!("{other:?}"),
    }
    let evm = json!({"evmContractConditions": [{"contractAddress": "0xb71a679cfff330591d556c4b9f21c7739ca9590c",
        "functionName": "members", "functionParams": [":userAddress"],
        "functionAbi": {"name": "members", "inputs": [], "outputs": [], "stateMutability": "view"},
        "chain": "xdai", "returnValueTest": {"key": "", "comparator": "=", "value": "2"}}]});
    assert!(matches!(
        ConditionSet::from_request(&evm)
            .expect("parses")
            .evaluate(&env()),
        Err(CryptoError::UnsupportedCondition { .. })
    ));
}

#[test]
fn unknown_comparators_are_false_as_on_lit() {
    assert_eq!(eval(json!([timestamp("~", "1")])).ok(), Some(false));
    assert_eq!(eval(json!([user_is("==", LOWER)])).ok(), Some(false));
}
