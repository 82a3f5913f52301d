//! Access control conditions: parse (the three entry points a node and the CLI use), hash and
//! evaluate.
//!
//! Oracles: no panic; for conditions that parse, the canonical form (what is hashed) is JSON,
//! and the wire form re-sent to a node parses back to the same canonical form and hash, so a
//! client and a node never disagree on the identity of an item.
#![no_main]

use alloy_primitives::Address;
use libfuzzer_sys::fuzz_target;
use sigil_crypto::conditions::{
    ChainAnswer, ChainRead, ChainReadError, ConditionEnv, ConditionSet, Poap, Requester, Wallets,
};

/// An Ethereum, a Solana and a Cosmos wallet, so conditions of every chain are evaluated.
struct FixedEnv {
    wallets: Wallets,
}

fn wallets() -> Wallets {
    Wallets {
        ethereum: true,
        solana: Some("GmaDrppBC7P5ARKV8g3djiwP89vz1jLK23V2GBjuAEGB".into()),
        cosmos: Some("cosmos1znd5zwx4dghvlvggsx5muw2dnuepnpdjzqghmw".into()),
        ..Wallets::default()
    }
}

impl ConditionEnv for FixedEnv {
    fn user_address(&self) -> Address {
        Address::repeat_byte(0x50)
    }

    fn knows_chain(&self, chain: &str) -> bool {
        chain == "ethereum"
    }

    fn chain_read(&self, read: &ChainRead) -> Result<ChainAnswer, ChainReadError> {
        match read {
            ChainRead::LatestBlockTimestamp { .. } => Ok(ChainAnswer::Word(
                alloy_primitives::U256::from(1_735_689_600u64),
            )),
            // Arbitrary output: decoding must refuse it cleanly, never panic.
            ChainRead::Call { data, .. } => Ok(ChainAnswer::Output(data.clone())),
            ChainRead::Balance { .. } => Err(ChainReadError::Failed("offline".into())),
            // Arbitrary text: compared as the condition says, whatever it holds.
            ChainRead::LitAction { method, .. } => Ok(ChainAnswer::Text(method.clone())),
            ChainRead::Poaps { .. } => Ok(ChainAnswer::Poaps(vec![Poap {
                event_id: 1,
                event_name: "fuzz".into(),
            }])),
            // The call's own params as its result, the path as the REST body: shapes the
            // fuzzer controls, which the tests (PDA data, JSON paths, metadata) must take.
            ChainRead::SolanaRpc { params, .. } => Ok(ChainAnswer::Json(
                serde_json::from_str(params).unwrap_or_default(),
            )),
            ChainRead::CosmosRest { path, .. } => Ok(ChainAnswer::Text(path.clone())),
        }
    }

    fn wallets(&self) -> &Wallets {
        &self.wallets
    }
}

fn check(set: &ConditionSet) {
    let canonical = set.canonical_json();
    let hash = set.hash_hex();
    serde_json::from_str::<serde_json::Value>(&canonical).expect("the canonical form is JSON");

    let key = serde_json::to_string(set.json_key()).expect("a key serialises");
    let wire = format!("{{{key}:{}}}", set.to_json_string());
    let again = ConditionSet::from_request_str(&wire).expect("the wire form parses back");
    assert_eq!(
        again.canonical_json(),
        canonical,
        "the wire form parses to other conditions"
    );
    assert_eq!(again.hash_hex(), hash);
    let _ = set.to_json();

    let _ = set.condition_count();
    let _ = set.identity("00");
    let env = FixedEnv { wallets: wallets() };
    let _ = set.evaluate(&env);
    let resources = ["litParam:name:c2lnaWw".to_owned(), "short".to_owned()];
    let who = Requester {
        user: Address::repeat_byte(0x50),
        siwe_resources: &resources,
        current_action_ipfs_id: "QmYLgjhNR7E6Ds9WVqYbjDdVR4hYyPcVgJSbPz4y2R9wxe",
        wallets: &env.wallets,
    };
    let _ = set.chain_reads(&who);
    let _ = set.chain_reads_after(&who, &|read| Some(env.chain_read(read)));
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(set) = ConditionSet::from_document(text) {
        check(&set);
    }
    if let Ok(set) = ConditionSet::from_request_str(text) {
        check(&set);
    }
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
        if let Ok(set) = ConditionSet::from_request(&value) {
            check(&set);
        }
    }
});
