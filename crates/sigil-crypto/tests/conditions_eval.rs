//! Evaluation of conditions, as Lit's Datil node does it.

use alloy_primitives::{address, Address, Bytes, U256};
use alloy_sol_types::{SolCall, SolValue};
use serde_json::{json, Value};
use sigil_crypto::conditions::{
    ActionFailure, ChainAnswer, ChainRead, ChainReadError, ConditionEnv, ConditionSet, Poap,
    Requester, Wallets,
};
use sigil_crypto::CryptoError;
use std::collections::HashMap;

const USER: Address = address!("50e2dac5e78B5905CB09495547452cEE64426db2");
const NOW: u64 = 1_735_689_600;
const TOKEN: Address = address!("A0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48");

/// A node's view of its chains, faked: the chains it knows, and the answers it has.
struct Env {
    user: Address,
    timestamp: u64,
    chains: Vec<&'static str>,
    answers: HashMap<ChainRead, Result<ChainAnswer, ChainReadError>>,
    siwe_resources: Vec<String>,
}

impl ConditionEnv for Env {
    fn user_address(&self) -> Address {
        self.user
    }
    fn knows_chain(&self, chain: &str) -> bool {
        self.chains.contains(&chain)
    }
    fn chain_read(&self, read: &ChainRead) -> Result<ChainAnswer, ChainReadError> {
        if let ChainRead::LatestBlockTimestamp { .. } = read {
            return Ok(ChainAnswer::Word(U256::from(self.timestamp)));
        }
        self.answers
            .get(read)
            .cloned()
            .unwrap_or_else(|| Err(ChainReadError::Failed(format!("no answer for {read:?}"))))
    }
    fn siwe_domain(&self) -> &str {
        "app.example"
    }
    fn siwe_resources(&self) -> &[String] {
        &self.siwe_resources
    }
}

impl Env {
    /// `to` answers the call `data` with `output`.
    fn answer_call(mut self, to: Address, data: Vec<u8>, output: Vec<u8>) -> Self {
        let read = ChainRead::Call {
            chain: "ethereum".into(),
            to,
            data: data.into(),
        };
        self.answers
            .insert(read, Ok(ChainAnswer::Output(Bytes::from(output))));
        self
    }
}

fn env() -> Env {
    Env {
        user: USER,
        timestamp: NOW,
        chains: vec!["ethereum", "polygon", "xdai"],
        answers: HashMap::new(),
        siwe_resources: vec![
            "urn:recap:eyJhdHQiOnt9LCJwcmYiOltdfQ".to_owned(),
            // "gold", base64url without padding.
            "litParam:tier:Z29sZA".to_owned(),
        ],
    }
}

// The functions a Lit node calls for the standard contract types, named here independently.
alloy_sol_types::sol! {
    function members(address) returns (address, uint256, uint256, bool, uint256, uint256);
    function subscribers(address) returns (uint8);
    function balanceOf(address) returns (uint256);
    function ownerOf(uint256) returns (address);
    function balanceOfBatch(address[], uint256[]) returns (uint256[]);
    function isPermittedAddress(uint256, address) returns (bool);
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
    // No SIWE resource named x: the parameter as written, as on Lit's node.
    assert_eq!(
        eval(cond(":litParam:x", "=", ":litParam:x")).ok(),
        Some(true)
    );
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
        timestamp: NOW + 10,
        ..env()
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
fn erc20_balance_compares_the_balance_of_calls_answer_as_a_uint256() {
    let call = balanceOfCall::new((USER,)).abi_encode();
    for (balance, expected) in [(999_999u64, false), (1_000_000, true), (1_000_001, true)] {
        let env = env().answer_call(TOKEN, call.clone(), U256::from(balance).abi_encode());
        assert_eq!(
            eval_with(json!([erc20()]), &env).ok(),
            Some(expected),
            "{balance}"
        );
    }
    // The read it needs, once however often it is named.
    let set = ConditionSet::from_request(
        &json!({"accessControlConditions": [erc20(), and(), erc20(), or(), user_is("=", LOWER)]}),
    )
    .expect("parses");
    assert_eq!(
        set.chain_reads(&Requester {
            current_action_ipfs_id: "",
            user: USER,
            siwe_resources: &[],
            wallets: &Wallets::ETHEREUM,
        })
        .expect("plans"),
        vec![ChainRead::Call {
            chain: "ethereum".into(),
            to: TOKEN,
            data: call.into()
        }]
    );
}

#[test]
fn native_balance_erc721_owner_and_erc1155_batch_read_what_lit_reads() {
    let balance = json!({"contractAddress": "", "standardContractType": "", "chain": "polygon",
        "method": "eth_getBalance", "parameters": [":userAddress", "latest"],
        "returnValueTest": {"comparator": ">", "value": "10"}});
    let mut with_balance = env();
    with_balance.answers.insert(
        ChainRead::Balance {
            chain: "polygon".into(),
            address: USER,
        },
        Ok(ChainAnswer::Word(U256::from(11))),
    );
    assert_eq!(eval_with(json!([balance]), &with_balance).ok(), Some(true));

    let owner = json!({"contractAddress": TOKEN.to_string(), "standardContractType": "ERC721",
        "chain": "ethereum", "method": "ownerOf", "parameters": ["42"],
        "returnValueTest": {"comparator": "=", "value": ":userAddress"}});
    let call = ownerOfCall::new((U256::from(42),)).abi_encode();
    let holder = env().answer_call(TOKEN, call.clone(), USER.abi_encode());
    assert_eq!(eval_with(json!([owner.clone()]), &holder).ok(), Some(true));
    let other = env().answer_call(TOKEN, call, Address::repeat_byte(9).abi_encode());
    assert_eq!(eval_with(json!([owner]), &other).ok(), Some(false));

    // balanceOfBatch: comma-separated lists; true when any balance passes.
    let batch = json!({"contractAddress": TOKEN.to_string(), "standardContractType": "ERC1155",
        "chain": "ethereum", "method": "balanceOfBatch", "parameters": [":userAddress,:userAddress", "1,2"],
        "returnValueTest": {"comparator": ">", "value": "0"}});
    let call = balanceOfBatchCall::new((vec![USER, USER], vec![U256::from(1), U256::from(2)]))
        .abi_encode();
    let some = env().answer_call(
        TOKEN,
        call.clone(),
        vec![U256::ZERO, U256::from(3)].abi_encode(),
    );
    assert_eq!(eval_with(json!([batch.clone()]), &some).ok(), Some(true));
    let none = env().answer_call(TOKEN, call, vec![U256::ZERO, U256::ZERO].abi_encode());
    assert_eq!(eval_with(json!([batch.clone()]), &none).ok(), Some(false));
    // Lists of different lengths: false, as on Lit, without a read.
    let mut uneven = batch;
    uneven["parameters"][1] = "1".into();
    assert_eq!(eval(json!([uneven])).ok(), Some(false));

    // PKPPermissions isPermittedAddress asks about the requesting user.
    let pkp = json!({"contractAddress": TOKEN.to_string(), "standardContractType": "PKPPermissions",
        "chain": "ethereum", "method": "isPermittedAddress", "parameters": ["7", "0x0000000000000000000000000000000000000001"],
        "returnValueTest": {"comparator": "=", "value": "true"}});
    let call = isPermittedAddressCall::new((U256::from(7), USER)).abi_encode();
    let permitted = env().answer_call(TOKEN, call, true.abi_encode());
    assert_eq!(eval_with(json!([pkp]), &permitted).ok(), Some(true));
}

#[test]
fn moloch_members_and_creaton_subscribers_are_read_as_lit_reads_them() {
    let moloch = json!({"contractAddress": TOKEN.to_string(), "standardContractType": "MolochDAOv2.1",
        "chain": "ethereum", "method": "members", "parameters": [":userAddress"],
        "returnValueTest": {"comparator": "=", "value": "true"}});
    let call = membersCall::new((USER,)).abi_encode();
    let member = |exists: bool, jailed: u64| {
        (
            Address::ZERO,
            U256::from(1),
            U256::ZERO,
            exists,
            U256::ZERO,
            U256::from(jailed),
        )
            .abi_encode_params()
    };
    let answered = |output: Vec<u8>| env().answer_call(TOKEN, call.clone(), output);
    assert_eq!(
        eval_with(json!([moloch.clone()]), &answered(member(true, 0))).ok(),
        Some(true)
    );
    assert_eq!(
        eval_with(json!([moloch.clone()]), &answered(member(true, 1))).ok(),
        Some(false),
        "jailed"
    );
    assert_eq!(
        eval_with(json!([moloch]), &answered(member(false, 0))).ok(),
        Some(false)
    );

    let creaton = json!({"contractAddress": TOKEN.to_string(), "standardContractType": "Creaton",
        "chain": "ethereum", "method": "subscribers", "parameters": [":userAddress"],
        "returnValueTest": {"comparator": "=", "value": "1"}});
    let call = subscribersCall::new((USER,)).abi_encode();
    for (status, expected) in [(1u8, true), (2, false)] {
        let env = env().answer_call(TOKEN, call.clone(), U256::from(status).abi_encode());
        assert_eq!(
            eval_with(json!([creaton.clone()]), &env).ok(),
            Some(expected),
            "{status}"
        );
    }
}

#[test]
fn chains_and_reads_that_fail_are_lits_errors_never_false() {
    // Every condition's chain must be known, even one that reads nothing.
    let mut unknown = user_is("=", LOWER);
    unknown["chain"] = "nowhere".into();
    let err = eval(json!([unknown])).expect_err("unknown chain");
    assert_eq!(err.code(), "NodeBlockchainChainUnknown");
    assert_eq!(err.code().status(), 502);
    assert!(err.to_string().contains("nowhere"), "{err}");
    // A read that fails (RPC down, revert): NodeRpcError, even where the other branch decides.
    let err = eval(json!([user_is("=", LOWER), or(), erc20()])).expect_err("rpc down");
    assert_eq!(err.code(), "NodeRpcError");
    // A contract type Lit's node does not know is named, never read as false.
    let mut c = erc20();
    c["standardContractType"] = "Unheard".into();
    match eval(json!([c])) {
        Err(CryptoError::UnsupportedCondition { kind }) => assert!(kind.contains("Unheard")),
        other => panic!("{other:?}"),
    }
    // ERC721MetadataName: Lit's node has no call for it and answers false.
    let mut name = erc20();
    name["standardContractType"] = "ERC721MetadataName".into();
    name["method"] = "name".into();
    assert_eq!(eval(json!([name])).ok(), Some(false));
}

fn contract_condition(key: &str, comparator: &str, value: &str) -> Value {
    json!({"contractAddress": TOKEN.to_string(), "functionName": "status",
        "functionParams": [":userAddress", "5"],
        "functionAbi": {"name": "status", "type": "function", "stateMutability": "view",
            "inputs": [{"name": "who", "type": "address"}, {"name": "id", "type": "uint256"}],
            "outputs": [{"name": "level", "type": "uint256"}, {"name": "label", "type": "string"}]},
        "chain": "ethereum", "returnValueTest": {"key": key, "comparator": comparator, "value": value}})
}

fn eval_contract(conditions: Value, env: &Env) -> Result<bool, CryptoError> {
    ConditionSet::from_request(&json!({ "evmContractConditions": conditions }))?.evaluate(env)
}

#[test]
fn evm_contract_conditions_call_the_abi_given_and_select_an_output_by_key() {
    alloy_sol_types::sol! { function status(address, uint256) returns (uint256, string); }
    let call = statusCall::new((USER, U256::from(5))).abi_encode();
    let env = env().answer_call(
        TOKEN,
        call,
        (U256::from(3), "gold".to_string()).abi_encode_params(),
    );
    let eval = |c: Value| eval_contract(json!([c]), &env);
    assert_eq!(
        eval(contract_condition("level", ">=", "3")).ok(),
        Some(true)
    );
    assert_eq!(
        eval(contract_condition("level", ">", "3")).ok(),
        Some(false)
    );
    assert_eq!(
        eval(contract_condition("", "=", "3")).ok(),
        Some(true),
        "empty key: the first output"
    );
    assert_eq!(
        eval(contract_condition("label", "=", "gold")).ok(),
        Some(true)
    );
    assert_eq!(
        eval(contract_condition("label", "contains", "ol")).ok(),
        Some(true)
    );
    assert_eq!(
        eval(contract_condition("1", "=", "gold")).ok(),
        Some(true),
        "by index"
    );
    assert_eq!(
        eval(contract_condition("missing", "=", "1")).map_err(|e| e.code().to_string()),
        Err("NodeInvalidConditionTokenType".into())
    );

    let mut wrong_count = contract_condition("level", "=", "3");
    wrong_count["functionParams"] = json!([":userAddress"]);
    assert_eq!(
        eval(wrong_count).map_err(|e| e.code().to_string()),
        Err("NodeMismatchParameters".into())
    );
    let mut not_a_number = contract_condition("level", "=", "3");
    not_a_number["functionParams"][1] = "five".into();
    assert_eq!(
        eval(not_a_number).map_err(|e| e.code().to_string()),
        Err("NodeConditionTokenizingError".into())
    );
    // The ABI says two outputs; a contract answering one word does not decode.
    let short = self::env().answer_call(
        TOKEN,
        statusCall::new((USER, U256::from(5))).abi_encode(),
        U256::from(3).abi_encode(),
    );
    assert_eq!(
        eval_contract(json!([contract_condition("level", "=", "3")]), &short)
            .map_err(|e| e.code().to_string()),
        Err("NodeTokenEncodingDecodingError".into())
    );
    // A failed call is NodeBlockchainError for this kind; an `and` with a false side is false
    // whatever the other side does, as on Lit's node.
    let down = self::env();
    assert_eq!(
        eval_contract(json!([contract_condition("level", "=", "3")]), &down)
            .map_err(|e| e.code().to_string()),
        Err("NodeBlockchainError".into())
    );
    let mut other = contract_condition("level", "=", "3");
    other["contractAddress"] = Address::repeat_byte(1).to_string().into();
    assert_eq!(
        eval_contract(
            json!([other.clone(), and(), contract_condition("level", "=", "4")]),
            &env
        )
        .ok(),
        Some(false)
    );
    assert_eq!(
        eval_contract(
            json!([other, or(), contract_condition("level", "=", "3")]),
            &env
        )
        .ok(),
        Some(true)
    );
}

#[test]
fn unified_lists_mix_evm_basic_and_evm_contract_and_want_a_wallet_for_other_chains() {
    alloy_sol_types::sol! { function status(address, uint256) returns (uint256, string); }
    let call = statusCall::new((USER, U256::from(5))).abi_encode();
    let env = env().answer_call(
        TOKEN,
        call,
        (U256::from(3), "gold".to_string()).abi_encode_params(),
    );
    let unified = |cond: Value| {
        ConditionSet::from_request(&json!({ "unifiedAccessControlConditions": cond }))
            .expect("parses")
            .evaluate(&env)
    };
    let mut basic = user_is("=", LOWER);
    basic["conditionType"] = "evmBasic".into();
    let mut contract = contract_condition("label", "=", "gold");
    contract["conditionType"] = "evmContract".into();
    let mut stranger = user_is("=", BELOW);
    stranger["conditionType"] = "evmBasic".into();
    assert_eq!(
        unified(json!([
            basic.clone(),
            and(),
            [stranger.clone(), or(), contract.clone()]
        ]))
        .ok(),
        Some(true)
    );
    assert_eq!(
        unified(json!([stranger, and(), [basic.clone(), or(), contract]])).ok(),
        Some(false)
    );
    let sol = json!({"conditionType": "solRpc", "method": "getBalance", "params": [":userAddress"], "pdaParams": [],
                     "pdaInterface": {"offset": 0, "fields": {}}, "pdaKey": "", "chain": "solana",
                     "returnValueTest": {"key": "", "comparator": ">=", "value": "1"}});
    // Evaluated for the request's Solana wallet, which an Ethereum session does not have.
    match unified(json!([basic, and(), sol])) {
        Err(error) => {
            assert_eq!(error.code().to_string(), "NodeInvalidSolanaAuthSig");
            assert!(
                error.to_string().contains("SOL auth sig is missing"),
                "{error}"
            );
        }
        other => panic!("{other:?}"),
    }
    let cosmos = json!({"conditionType": "cosmos", "path": "/cosmos/bank/v1beta1/balances/:userAddress",
                        "chain": "cosmos", "returnValueTest": {"key": "$.balances[0].amount", "comparator": ">=", "value": "1"}});
    match unified(json!([basic, or(), cosmos])) {
        Err(error) => assert_eq!(error.code().to_string(), "NodeInvalidCosmosAuthSig"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn lit_params_come_from_the_granting_siwe_resources_and_siwe_conditions_read_it() {
    let tier = |value: &str| {
        json!({"contractAddress": "", "standardContractType": "", "chain": "ethereum", "method": "",
               "parameters": [":litParam:tier"], "returnValueTest": {"comparator": "=", "value": value}})
    };
    assert_eq!(eval(json!([tier("gold")])).ok(), Some(true));
    assert_eq!(eval(json!([tier("silver")])).ok(), Some(false));
    // No resource of that name: the parameter as written.
    let mut missing = tier(":litParam:rank");
    missing["parameters"][0] = ":litParam:rank".into();
    assert_eq!(eval(json!([missing])).ok(), Some(true));
    // Every resource must be scheme:name:value, as Lit requires before it looks.
    let short = Env {
        siwe_resources: vec!["nocolons".to_owned(), "litParam:tier:Z29sZA".to_owned()],
        ..env()
    };
    assert_eq!(
        eval_with(json!([tier("gold")]), &short).map_err(|e| e.code().to_string()),
        Err("NodeInvalidSIWEResource".to_owned())
    );

    let siwe = |parameter: &str, comparator: &str, value: &str| {
        json!({"contractAddress": "", "standardContractType": "SIWE", "chain": "ethereum", "method": "",
               "parameters": [parameter], "returnValueTest": {"comparator": comparator, "value": value}})
    };
    assert_eq!(
        eval(json!([siwe(":domain", "=", "app.example")])).ok(),
        Some(true)
    );
    assert_eq!(
        eval(json!([siwe(":domain", "=", "evil.example")])).ok(),
        Some(false)
    );
    assert_eq!(
        eval(json!([siwe(
            ":resources",
            "contains",
            "litParam:tier:Z29sZA"
        )]))
        .ok(),
        Some(true)
    );
    assert_eq!(
        eval(json!([siwe(
            ":resources",
            "!contains",
            "litParam:tier:Z29sZA"
        )]))
        .ok(),
        Some(false)
    );
    assert_eq!(
        eval(json!([siwe(":resources", "=", "x")])).ok(),
        Some(false)
    );
}

#[test]
fn unknown_comparators_are_false_as_on_lit() {
    assert_eq!(eval(json!([timestamp("~", "1")])).ok(), Some(false));
    assert_eq!(eval(json!([user_is("==", LOWER)])).ok(), Some(false));
}

const ACTION_CID: &str = "QmcMHNRFEQPfdPYRBKFmxkoEpCs8Qf5jZFxQ5Jq9hxUvNC";

fn lit_action_condition(comparator: &str, value: &str) -> Value {
    json!({"contractAddress": format!("ipfs://{ACTION_CID}"), "standardContractType": "LitAction",
        "chain": "ethereum", "method": "go", "parameters": [":userAddress", "40", ":litParam:tier"],
        "returnValueTest": {"comparator": comparator, "value": value}})
}

fn lit_action_read() -> ChainRead {
    ChainRead::LitAction {
        chain: "ethereum".into(),
        ipfs_id: ACTION_CID.into(),
        method: "go".into(),
        // Substituted as Lit substitutes every parameter of a LitAction condition.
        params: vec![USER.to_string(), "40".into(), "gold".into()],
    }
}

#[test]
fn a_lit_action_condition_runs_the_action_with_substituted_parameters_and_compares_its_answer_as_a_string(
) {
    let set = ConditionSet::from_request(
        &json!({"accessControlConditions": [lit_action_condition("=", "true")]}),
    )
    .expect("parses");
    let resources = env().siwe_resources;
    let who = Requester {
        user: USER,
        siwe_resources: &resources,
        current_action_ipfs_id: "",
        wallets: &Wallets::ETHEREUM,
    };
    assert_eq!(
        set.chain_reads(&who).expect("plans"),
        vec![lit_action_read()]
    );

    let answering = |answer: Result<ChainAnswer, ChainReadError>| {
        let mut env = env();
        env.answers.insert(lit_action_read(), answer);
        env
    };
    let text = |t: &str| answering(Ok(ChainAnswer::Text(t.into())));
    for (comparator, value, answer, expected) in [
        ("=", "true", "true", true),
        ("=", "true", "false", false),
        ("=", "true", "True", false),
        ("!=", "true", "false", true),
        ("contains", "ol", "gold", true),
        ("!contains", "ol", "gold", false),
        // Strings compare as strings: "9" > "10".
        (">", "10", "9", true),
        ("<=", "10", "9", false),
        ("===", "true", "true", false),
    ] {
        assert_eq!(
            eval_with(
                json!([lit_action_condition(comparator, value)]),
                &text(answer)
            )
            .ok(),
            Some(expected),
            "{answer} {comparator} {value}"
        );
    }
    // The action's failures are Lit's codes for actions, never false.
    for (failure, code) in [
        (ActionFailure::Execution, "NodeJsExecutionError"),
        (ActionFailure::Timeout, "NodeJsTimeoutError"),
        (ActionFailure::MemoryLimit, "NodeJsMemoryLimitError"),
    ] {
        let env = answering(Err(ChainReadError::Action {
            failure,
            reason: "Error: no".into(),
        }));
        let err = eval_with(json!([lit_action_condition("=", "true")]), &env).expect_err("fails");
        assert_eq!(err.code(), code);
        assert_eq!(err.code().status(), 502);
        assert!(err.to_string().contains("Error: no"), "{err}");
    }
    // The chain must be one the node knows, as for any condition.
    let mut elsewhere = lit_action_condition("=", "true");
    elsewhere["chain"] = "nowhere".into();
    let err = eval_with(json!([elsewhere]), &text("true")).expect_err("unknown chain");
    assert_eq!(err.code(), "NodeBlockchainChainUnknown");
}

fn poap_condition(method: &str, comparator: &str, value: &str) -> Value {
    json!({"contractAddress": "0x22C1f6050E56d2876009903609a2cC3fEf83B415", "standardContractType": "POAP",
        "chain": "xdai", "method": method, "parameters": [], "returnValueTest": {"comparator": comparator, "value": value}})
}

#[test]
fn a_poap_condition_tests_the_event_of_any_poap_the_user_holds() {
    let read = ChainRead::Poaps {
        chain: "xdai".into(),
        owner: USER,
    };
    let holding = |answer: Result<ChainAnswer, ChainReadError>| {
        let mut env = env();
        env.answers.insert(read.clone(), answer);
        env
    };
    let poaps = holding(Ok(ChainAnswer::Poaps(vec![
        Poap {
            event_id: 14,
            event_name: "ETHDenver 2024".into(),
        },
        Poap {
            event_id: 37,
            event_name: "Lit Hackathon".into(),
        },
    ])));
    for (method, comparator, value, expected) in [
        ("tokenURI", "=", "Lit Hackathon", true),
        ("tokenURI", "=", "Lit", false),
        ("tokenURI", "contains", "Denver", true),
        ("tokenURI", "contains", "Paris", false),
        // Names take `=` and `contains` only.
        ("tokenURI", "!=", "Paris", false),
        ("eventId", "=", "37", true),
        ("eventId", "=", "38", false),
        ("eventId", ">", "1", false),
        // Other methods are false without reading, as on Lit's node.
        ("balanceOf", "=", "1", false),
    ] {
        assert_eq!(
            eval_with(json!([poap_condition(method, comparator, value)]), &poaps).ok(),
            Some(expected),
            "{method} {comparator} {value}"
        );
    }
    // No POAPs: false.
    let none = holding(Ok(ChainAnswer::Poaps(Vec::new())));
    assert_eq!(
        eval_with(json!([poap_condition("eventId", "=", "37")]), &none).ok(),
        Some(false)
    );
    // An answer that is not a list of POAPs, a node without an API key: errors, not false.
    let garbage = holding(Err(ChainReadError::PoapAnswer("expected an array".into())));
    let err = eval_with(json!([poap_condition("eventId", "=", "37")]), &garbage).expect_err("json");
    assert_eq!(err.code(), "NodePOAPJSONError");
    assert_eq!(err.code().status(), 502);
    let unconfigured = holding(Err(ChainReadError::NotConfigured(
        "POAP conditions need a POAP API key".into(),
    )));
    let err = eval_with(json!([poap_condition("eventId", "=", "37")]), &unconfigured)
        .expect_err("no key");
    assert!(err.to_string().contains("POAP API key"), "{err}");
}
