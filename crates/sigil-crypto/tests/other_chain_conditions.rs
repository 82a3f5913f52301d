//! Solana and Cosmos conditions: what they read, in which rounds, and how the answers are
//! tested, with Lit's codes for what goes wrong.

use alloy_primitives::Address;
use base64::Engine as _;
use serde_json::{json, Value};
use sigil_crypto::conditions::{
    ChainAnswer, ChainRead, ChainReadError, ConditionEnv, ConditionSet, Requester, Wallets,
};
use std::collections::HashMap;

const SOLANA_WALLET: &str = "GmaDrppBC7P5ARKV8g3djiwP89vz1jLK23V2GBjuAEGB";
const COSMOS_WALLET: &str = "cosmos1znd5zwx4dghvlvggsx5muw2dnuepnpdjzqghmw";
/// USDC's mint, and its Metaplex metadata account (as solders, the Solana SDK's Python binding,
/// derives it).
const USDC_MINT: &str = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";
const USDC_METADATA: &str = "5x38Kp4hvdomTCnCrAny4UtMUt5rQBdB6px2K1Ui45Wq";

struct Env {
    wallets: Wallets,
    answers: HashMap<ChainRead, Result<ChainAnswer, ChainReadError>>,
}

impl ConditionEnv for Env {
    fn user_address(&self) -> Address {
        Address::ZERO
    }
    fn knows_chain(&self, _chain: &str) -> bool {
        true
    }
    fn chain_read(&self, read: &ChainRead) -> Result<ChainAnswer, ChainReadError> {
        self.answers
            .get(read)
            .cloned()
            .unwrap_or_else(|| Err(ChainReadError::Failed(format!("no answer for {read:?}"))))
    }
    fn wallets(&self) -> &Wallets {
        &self.wallets
    }
}

fn wallets() -> Wallets {
    Wallets {
        solana: Some(SOLANA_WALLET.to_owned()),
        cosmos: Some(COSMOS_WALLET.to_owned()),
        ..Wallets::default()
    }
}

fn solana_call(method: &str, params: Value) -> ChainRead {
    ChainRead::SolanaRpc {
        chain: "solana".into(),
        method: method.into(),
        params: params.to_string(),
    }
}

fn cosmos_get(path: &str) -> ChainRead {
    ChainRead::CosmosRest {
        chain: "cosmos".into(),
        path: path.into(),
    }
}

fn sol_condition(method: &str, params: Value, key: &str, comparator: &str, value: &str) -> Value {
    json!({"method": method, "params": params, "pdaParams": [],
           "pdaInterface": {"offset": 0, "fields": {}}, "pdaKey": "", "chain": "solana",
           "returnValueTest": {"key": key, "comparator": comparator, "value": value}})
}

fn cosmos_condition(path: &str, key: &str, comparator: &str, value: &str) -> Value {
    json!({"conditionType": "cosmos", "path": path, "chain": "cosmos",
           "returnValueTest": {"key": key, "comparator": comparator, "value": value}})
}

fn set(kind: &str, conditions: Value) -> ConditionSet {
    ConditionSet::from_request(&json!({ kind: conditions })).expect("parses")
}

/// The reads of each round, answering each round from `env` before planning the next.
fn rounds(set: &ConditionSet, env: &Env) -> Vec<Vec<ChainRead>> {
    let who = Requester {
        user: Address::ZERO,
        siwe_resources: &[],
        current_action_ipfs_id: "",
        wallets: &env.wallets,
    };
    let mut answered: HashMap<ChainRead, Result<ChainAnswer, ChainReadError>> = HashMap::new();
    let mut rounds = Vec::new();
    loop {
        let new: Vec<ChainRead> = set
            .chain_reads_after(&who, &|read| answered.get(read).cloned())
            .expect("plans")
            .into_iter()
            .filter(|read| !answered.contains_key(read))
            .collect();
        if new.is_empty() {
            return rounds;
        }
        for read in &new {
            answered.insert(read.clone(), env.chain_read(read));
        }
        rounds.push(new);
    }
}

fn code(result: Result<bool, sigil_crypto::CryptoError>) -> String {
    match result {
        Ok(met) => met.to_string(),
        Err(error) => error.code().to_string(),
    }
}

#[test]
fn a_solana_balance_is_one_read_and_its_value_compares_as_a_number() {
    let read = solana_call("getBalance", json!([SOLANA_WALLET]));
    let env = Env {
        wallets: wallets(),
        answers: [(
            read.clone(),
            Ok(ChainAnswer::Json(
                json!({"context": {"slot": 1}, "value": 5000}),
            )),
        )]
        .into(),
    };
    let balance = |comparator: &str, value: &str| {
        set(
            "solRpcConditions",
            json!([sol_condition(
                "getBalance",
                json!([":userAddress"]),
                "",
                comparator,
                value
            )]),
        )
    };
    assert_eq!(rounds(&balance(">=", "5000"), &env), vec![vec![read]]);
    assert_eq!(code(balance(">=", "5000").evaluate(&env)), "true");
    assert_eq!(code(balance(">", "5000").evaluate(&env)), "false");
    assert_eq!(code(balance("!=", "1").evaluate(&env)), "true");
    // Lit compares numbers with these six only.
    assert_eq!(code(balance("contains", "5").evaluate(&env)), "false");
    assert_eq!(
        code(balance(">=", "-1").evaluate(&env)),
        "NodeInvalidACCReturnValueTest"
    );
    // Without a Solana wallet in the request.
    let ethereum_only = Env {
        wallets: Wallets::ETHEREUM,
        answers: env.answers.clone(),
    };
    assert_eq!(
        code(balance(">=", "1").evaluate(&ethereum_only)),
        "NodeInvalidSolanaAuthSig"
    );
    assert!(rounds(&balance(">=", "1"), &ethereum_only).is_empty());
}

#[test]
fn solana_rpc_errors_and_methods_lit_does_not_call_get_lits_codes() {
    let env = Env {
        wallets: wallets(),
        answers: [(
            solana_call("getBalance", json!([SOLANA_WALLET])),
            Err(ChainReadError::RpcRefused {
                code: -32005,
                message: "Node is behind".into(),
            }),
        )]
        .into(),
    };
    let one = |condition: Value| set("solRpcConditions", json!([condition]));
    assert_eq!(
        code(
            one(sol_condition(
                "getBalance",
                json!([":userAddress"]),
                "",
                ">=",
                "1"
            ))
            .evaluate(&env)
        ),
        "NodeRpcError"
    );
    assert_eq!(
        code(
            one(sol_condition(
                "getProgramAccounts",
                json!([]),
                "",
                ">=",
                "1"
            ))
            .evaluate(&env)
        ),
        "NodeInvalidSolanaRpcMethod"
    );
    let mut wrong_chain = sol_condition("getBalance", json!([":userAddress"]), "", ">=", "1");
    wrong_chain["chain"] = json!("ethereum");
    assert_eq!(
        code(one(wrong_chain).evaluate(&env)),
        "NodeBlockchainChainUnknown"
    );
    // A wallet check reads nothing.
    let wallet_is = one(sol_condition(
        "",
        json!([":userAddress"]),
        "",
        "=",
        SOLANA_WALLET,
    ));
    assert!(rounds(&wallet_is, &env).is_empty());
    assert_eq!(code(wallet_is.evaluate(&env)), "true");
}

#[test]
fn a_pda_condition_reads_the_account_then_calls_with_the_field_it_names() {
    // The account: 8 bytes, then the wallet's key in field `owner`.
    let wallet_key = bs58_decode(SOLANA_WALLET);
    let mut data = vec![0u8; 8];
    data.extend(&wallet_key);
    let data = base64::engine::general_purpose::STANDARD.encode(&data);
    let mut condition = sol_condition("getBalance(getPDA)", json!([]), "", ">=", "5000");
    condition["pdaParams"] = json!([
        "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA",
        "vault",
        format!("pubkey:{SOLANA_WALLET}")
    ]);
    condition["pdaInterface"] = json!({"offset": 8, "fields": {"owner": 32}});
    condition["pdaKey"] = json!("owner");
    // As solders derives it from the same seeds.
    let account_read = solana_call(
        "getAccountInfo",
        json!(["8bwbH1g4i4X9GW4z2RYBKgatK2JtTVvewxddU85YGmuM", {"encoding": "base64"}]),
    );
    let balance_read = solana_call("getBalance", json!([SOLANA_WALLET]));
    let env = Env {
        wallets: wallets(),
        answers: [
            (
                account_read.clone(),
                Ok(ChainAnswer::Json(
                    json!({"value": {"data": [data, "base64"], "lamports": 1}}),
                )),
            ),
            (
                balance_read.clone(),
                Ok(ChainAnswer::Json(json!({"value": 5000}))),
            ),
        ]
        .into(),
    };
    let conditions = set("solRpcConditions", json!([condition.clone()]));
    assert_eq!(
        rounds(&conditions, &env),
        vec![vec![account_read], vec![balance_read]]
    );
    assert_eq!(code(conditions.evaluate(&env)), "true");

    // A key the interface does not name, or a field past the data: Lit's RPC error.
    let mut unnamed = condition.clone();
    unnamed["pdaKey"] = json!("mint");
    assert_eq!(
        code(set("solRpcConditions", json!([unnamed])).evaluate(&env)),
        "NodeRpcError"
    );
    let mut past_the_end = condition;
    past_the_end["pdaInterface"] = json!({"offset": 24, "fields": {"owner": 32}});
    assert_eq!(
        code(set("solRpcConditions", json!([past_the_end])).evaluate(&env)),
        "NodeRpcError"
    );
}

#[test]
fn a_metaplex_collection_counts_the_users_verified_nfts_of_it() {
    let collection = "J1S9H3QjnRtBbbuD4HjPV6RpRhwuk4zKbxsnCHuTgh9w";
    let collection_key = bs58_decode(collection);
    let owned = solana_call(
        "getTokenAccountsByOwner",
        json!([SOLANA_WALLET, {"programId": "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"},
               {"encoding": "jsonParsed"}]),
    );
    let token = |mint: &str, amount: f64, decimals: u64| {
        json!({"pubkey": "x", "account": {"data": {"parsed": {"info": {"mint": mint,
            "tokenAmount": {"uiAmount": amount, "decimals": decimals}}}}}})
    };
    // USDC as an NFT (amount 1, no decimals), a fungible token, and nothing else.
    let metadata = solana_call(
        "getMultipleAccounts",
        json!([[USDC_METADATA], {"encoding": "base64"}]),
    );
    let metadata_of = |verified: bool, key: &[u8]| {
        let mut data = vec![4u8];
        data.extend([1; 64]);
        for text in ["USD Coin", "USDC", ""] {
            data.extend((text.len() as u32).to_le_bytes());
            data.extend(text.as_bytes());
        }
        data.extend([0, 0, 0, 0, 1, 0, 0, 1, u8::from(verified)]);
        data.extend(key);
        json!({"data": [base64::engine::general_purpose::STANDARD.encode(data), "base64"]})
    };
    let env_with = |verified: bool| Env {
        wallets: wallets(),
        answers: [
            (
                owned.clone(),
                Ok(ChainAnswer::Json(json!({"value": [
                    token(USDC_MINT, 1.0, 0),
                    token("So11111111111111111111111111111111111111112", 2.5, 9),
                ]}))),
            ),
            (
                metadata.clone(),
                Ok(ChainAnswer::Json(
                    json!({"value": [metadata_of(verified, &collection_key)]}),
                )),
            ),
        ]
        .into(),
    };
    let holds_one = set(
        "solRpcConditions",
        json!([sol_condition(
            "balanceOfMetaplexCollection",
            json!([collection]),
            "",
            ">=",
            "1"
        )]),
    );
    assert_eq!(
        rounds(&holds_one, &env_with(true)),
        vec![vec![owned.clone()], vec![metadata.clone()]]
    );
    assert_eq!(code(holds_one.evaluate(&env_with(true))), "true");
    // An unverified collection entry does not count.
    assert_eq!(code(holds_one.evaluate(&env_with(false))), "false");
    let not_an_address = set(
        "solRpcConditions",
        json!([sol_condition(
            "balanceOfMetaplexCollection",
            json!(["0xabc"]),
            "",
            ">=",
            "1"
        )]),
    );
    assert_eq!(
        code(not_an_address.evaluate(&env_with(true))),
        "NodeInvalidMetaplexCollectionAddress"
    );
}

#[test]
fn cosmos_answers_compare_as_lit_compares_them() {
    let path = format!("/cosmos/bank/v1beta1/balances/{COSMOS_WALLET}");
    let body = json!({"balances": [{"denom": "uatom", "amount": "7"}, {"denom": "ujuno", "amount": "3"}],
                      "count": 2});
    let env = Env {
        wallets: wallets(),
        answers: [
            (cosmos_get(&path), Ok(ChainAnswer::Text(body.to_string()))),
            (
                cosmos_get("/broken"),
                Ok(ChainAnswer::Text("<html>".to_owned())),
            ),
        ]
        .into(),
    };
    let check = |path: &str, key: &str, comparator: &str, value: &str| {
        code(
            set(
                "unifiedAccessControlConditions",
                json!([cosmos_condition(path, key, comparator, value)]),
            )
            .evaluate(&env),
        )
    };
    let balances = "/cosmos/bank/v1beta1/balances/:userAddress";
    assert_eq!(check(balances, "$.balances[0].amount", ">=", "7"), "true");
    assert_eq!(check(balances, "$.balances[0].amount", ">", "7"), "false");
    // A JSON number is not compared as a number: only a string holding one is.
    assert_eq!(check(balances, "$.count", ">=", "1"), "false");
    // A string is compared by its JSON text, quotes included; `contains` joins every match.
    assert_eq!(
        check(balances, "$.balances[0].denom", "=", "uatom"),
        "false"
    );
    assert_eq!(
        check(balances, "$.balances[0].denom", "=", "\"uatom\""),
        "true"
    );
    assert_eq!(
        check(balances, "$.balances[*].denom", "contains", "ujuno"),
        "true"
    );
    assert_eq!(check(balances, "$.nothing", "=", "x"), "false");
    // Paths the JSON path crate cannot take: Lit's code, not a panic.
    for key in ["$.balances~", "$~", "$[", "balances"] {
        assert_eq!(
            check(balances, key, "=", "x"),
            "NodeInvalidACCReturnValueTest",
            "{key}"
        );
    }
    assert_eq!(check(":userAddress", "", "=", COSMOS_WALLET), "true");
    assert_eq!(check("/broken", "$.a", "=", "b"), "NodeCosmosJSONError");
    // Appended to the endpoint's URL, a path that is not one could name another host.
    assert_eq!(
        check("@elsewhere.example/x", "$.a", "=", "b"),
        "NodeCosmosInvalidCondition"
    );
    let mut juno = cosmos_condition(balances, "$.balances[0].amount", ">=", "1");
    juno["chain"] = json!("juno");
    assert_eq!(
        code(set("unifiedAccessControlConditions", json!([juno])).evaluate(&env)),
        "NodeInvalidJunoAuthSig"
    );
}

#[test]
fn a_cosmos_timelock_reads_the_block_and_the_path_and_checks_how_long_ago() {
    let txs = "/cosmos/tx/v1beta1/txs?events=transfer.recipient=':userAddress'";
    let path = txs.replace(":userAddress", COSMOS_WALLET);
    let block = cosmos_get("/cosmos/base/tendermint/v1beta1/blocks/latest");
    let env_with = |block_body: &str| Env {
        wallets: wallets(),
        answers: [
            (block.clone(), Ok(ChainAnswer::Text(block_body.to_owned()))),
            (
                cosmos_get(&path),
                Ok(ChainAnswer::Text(
                    json!({"tx_responses": [{"timestamp": "2025-01-01T00:00:00Z"},
                                            {"timestamp": "2025-01-01T11:00:00Z"}]})
                    .to_string(),
                )),
            ),
        ]
        .into(),
    };
    let noon = env_with(r#"{"block": {"header": {"time": "2025-01-01T12:00:00.123456789Z"}}}"#);
    let timelock = |comparator: &str, seconds: &str, parameters: Value| {
        let mut condition =
            cosmos_condition(txs, "$.tx_responses.*.timestamp", comparator, seconds);
        condition["method"] = json!("timelock");
        condition["parameters"] = parameters;
        set("unifiedAccessControlConditions", json!([condition]))
    };
    let latest = json!(["latest"]);
    assert_eq!(
        rounds(&timelock("<=", "3600", latest.clone()), &noon),
        vec![vec![block.clone(), cosmos_get(&path)]]
    );
    // The later transaction was an hour before the block.
    assert_eq!(
        code(timelock("<=", "3600", latest.clone()).evaluate(&noon)),
        "true"
    );
    assert_eq!(
        code(timelock("<", "3600", latest.clone()).evaluate(&noon)),
        "false"
    );
    assert_eq!(
        code(timelock(">", "1", latest.clone()).evaluate(&noon)),
        "NodeInvalidACCReturnValueTest"
    );
    assert_eq!(
        code(timelock("<", "1", json!([])).evaluate(&noon)),
        "NodeCosmosInvalidCondition"
    );
    assert_eq!(
        code(timelock("<", "1", json!(["1", "2"])).evaluate(&noon)),
        "NodeCosmosInvalidCondition"
    );
    let no_time = env_with(r#"{"block": {"header": {}}}"#);
    assert_eq!(
        code(timelock("<", "1", latest).evaluate(&no_time)),
        "NodeCosmosBlockHeightParseError"
    );
}

fn bs58_decode(text: &str) -> Vec<u8> {
    let mut bytes = vec![0u8; 32];
    let key: solana_pubkey::Pubkey = text.parse().expect("a Solana address");
    bytes.copy_from_slice(key.as_ref());
    bytes
}
