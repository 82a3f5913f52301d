//! What evaluating a Solana or Cosmos condition costs a node once its reads are answered,
//! against the floor of the work it cannot avoid: deriving the associated token account
//! (`balanceOfToken`), and parsing the REST answer (a Cosmos balance).

use alloy_primitives::Address;
use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::json;
use sigil_crypto::conditions::{
    ChainAnswer, ChainRead, ChainReadError, ConditionEnv, ConditionSet, Wallets,
};
use solana_pubkey::Pubkey;
use std::collections::HashMap;
use std::hint::black_box;

const SOLANA_WALLET: &str = "GmaDrppBC7P5ARKV8g3djiwP89vz1jLK23V2GBjuAEGB";
const USDC_MINT: &str = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";
const WALLET_USDC_ACCOUNT: &str = "7woc3ajaGMMXczFYjxon4aQoHH3j126fMUR9c58eHRsK";
const COSMOS_WALLET: &str = "cosmos1znd5zwx4dghvlvggsx5muw2dnuepnpdjzqghmw";

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
            .unwrap_or_else(|| Err(ChainReadError::Failed("no answer".into())))
    }
    fn wallets(&self) -> &Wallets {
        &self.wallets
    }
}

/// A Cosmos bank answer with `denoms` balances, the first the wallet's uatom.
fn bank_body(denoms: usize) -> String {
    let balances: Vec<_> = (0..denoms)
        .map(|i| json!({"denom": if i == 0 { "uatom".to_owned() } else { format!("ibc/{i:064X}") }, "amount": "7"}))
        .collect();
    json!({"balances": balances, "pagination": {"next_key": null, "total": denoms.to_string()}})
        .to_string()
}

fn solana_balance_of_token(c: &mut Criterion) {
    let conditions = ConditionSet::from_request(&json!({"solRpcConditions": [{
        "method": "balanceOfToken", "params": [USDC_MINT], "pdaParams": [],
        "pdaInterface": {"offset": 0, "fields": {}}, "pdaKey": "", "chain": "solana",
        "returnValueTest": {"key": "$.amount", "comparator": ">=", "value": "42"}}]}))
    .expect("parses");
    let env = Env {
        wallets: Wallets {
            solana: Some(SOLANA_WALLET.to_owned()),
            ..Wallets::default()
        },
        answers: [(
            ChainRead::SolanaRpc {
                chain: "solana".into(),
                method: "getTokenAccountBalance".into(),
                params: json!([WALLET_USDC_ACCOUNT]).to_string(),
            },
            Ok(ChainAnswer::Json(json!({"context": {"slot": 9},
                "value": {"amount": "42", "decimals": 0, "uiAmount": 42.0, "uiAmountString": "42"}}))),
        )]
        .into(),
    };
    assert!(conditions.evaluate(&env).expect("evaluates"));
    let mut group = c.benchmark_group("solana_balance_of_token");
    group.bench_function("evaluate", |b| {
        b.iter(|| conditions.evaluate(black_box(&env)))
    });
    let wallet: Pubkey = SOLANA_WALLET.parse().expect("address");
    let mint: Pubkey = USDC_MINT.parse().expect("address");
    let token_program: Pubkey = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"
        .parse()
        .expect("address");
    let ata_program: Pubkey = "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL"
        .parse()
        .expect("address");
    group.bench_function("floor: find the associated token account", |b| {
        b.iter(|| {
            Pubkey::find_program_address(
                &[
                    black_box(wallet).as_ref(),
                    token_program.as_ref(),
                    mint.as_ref(),
                ],
                &ata_program,
            )
        })
    });
    group.finish();
}

fn cosmos_balance(c: &mut Criterion) {
    let conditions = ConditionSet::from_request(&json!({"unifiedAccessControlConditions": [{
        "conditionType": "cosmos", "path": "/cosmos/bank/v1beta1/balances/:userAddress",
        "chain": "cosmos",
        "returnValueTest": {"key": "$.balances[0].amount", "comparator": ">=", "value": "7"}}]}))
    .expect("parses");
    let body = bank_body(20);
    let env = Env {
        wallets: Wallets {
            cosmos: Some(COSMOS_WALLET.to_owned()),
            ..Wallets::default()
        },
        answers: [(
            ChainRead::CosmosRest {
                chain: "cosmos".into(),
                path: format!("/cosmos/bank/v1beta1/balances/{COSMOS_WALLET}"),
            },
            Ok(ChainAnswer::Text(body.clone())),
        )]
        .into(),
    };
    assert!(conditions.evaluate(&env).expect("evaluates"));
    let mut group = c.benchmark_group("cosmos_balance_20_denoms");
    group.bench_function("evaluate", |b| {
        b.iter(|| conditions.evaluate(black_box(&env)))
    });
    group.bench_function("floor: parse the answer", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&body)))
    });
    group.finish();
}

criterion_group!(benches, solana_balance_of_token, cosmos_balance);
criterion_main!(benches);
