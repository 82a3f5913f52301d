//! The embedded EVM chain kept in a data dir: a restart replays its journal into the same chain
//! (blocks, contracts, PKPs, dev-method changes), and a snapshot revert is not replayed.

use alloy_primitives::{Address, U256};
use alloy_provider::{Provider, ProviderBuilder};
use alloy_signer_local::PrivateKeySigner;
use sigil_chain::evm::{self, DeployOptions, EmbeddedChain};
use sigil_test_support::anvil::{DEV_KEY_0, DEV_KEY_1};
use std::net::SocketAddr;

async fn rpc(url: &str, method: &str, params: serde_json::Value) -> serde_json::Value {
    let body = serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let answer: serde_json::Value = reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["result"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_replays_the_journal_into_the_same_chain() {
    let dir = tempfile::tempdir().unwrap();
    let local = SocketAddr::from(([127, 0, 0, 1], 0));
    let chain = EmbeddedChain::open(31337, dir.path()).unwrap();
    let server = chain.serve_rpc(local).await.unwrap();
    let url = server.url();

    let deployer = ProviderBuilder::new()
        .wallet(DEV_KEY_0.parse::<PrivateKeySigner>().unwrap())
        .connect(&url)
        .await
        .unwrap();
    let options = DeployOptions {
        pkp_mint_cost: U256::from(1),
        root_keys: sigil_test_support::vectors::hd_root_public_keys(),
        ..DeployOptions::default()
    };
    let context = evm::deploy(&deployer, &options).await.unwrap();
    let alice = ProviderBuilder::new()
        .wallet(DEV_KEY_1.parse::<PrivateKeySigner>().unwrap())
        .connect(&url)
        .await
        .unwrap();
    let pkp = evm::mint_pkp(&alice, &context, &[]).await.unwrap();

    // A call that reverts answers error 3 with the revert data and its reason, as anvil does.
    let not_owner = evm::contracts::PKPPermissions::addPermittedAddressCall {
        tokenId: pkp.token_id,
        user: Address::with_last_byte(5),
        scopes: vec![],
    };
    let body = serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "eth_call", "params": [{
        "from": Address::with_last_byte(5),
        "to": context.require("PKPPermissions").unwrap(),
        "data": alloy_primitives::Bytes::from(alloy_sol_types::SolCall::abi_encode(&not_owner)),
    }, "latest"]});
    let answer: serde_json::Value = reqwest::Client::new()
        .post(&url)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["error"]["code"], 3, "{answer}");
    assert!(answer["error"]["message"]
        .as_str()
        .is_some_and(|message| message.starts_with("execution reverted")));
    assert!(
        answer["error"]["data"]
            .as_str()
            .is_some_and(|data| data.starts_with("0x08c379a0")),
        "{answer}"
    );
    let rich = Address::with_last_byte(0x77);
    rpc(
        &url,
        "anvil_setBalance",
        serde_json::json!([rich, "0x1234"]),
    )
    .await;
    rpc(&url, "evm_increaseTime", serde_json::json!([3600])).await;
    rpc(&url, "evm_mine", serde_json::json!([])).await;

    // A change made after a snapshot and reverted is gone, now and after the restart.
    let snapshot = rpc(&url, "evm_snapshot", serde_json::json!([])).await;
    let reverted = Address::with_last_byte(0x78);
    rpc(
        &url,
        "anvil_setBalance",
        serde_json::json!([reverted, "0x99"]),
    )
    .await;
    assert_eq!(
        rpc(&url, "evm_revert", serde_json::json!([snapshot])).await,
        true
    );
    assert_eq!(deployer.get_balance(reverted).await.unwrap(), U256::ZERO);

    let latest = deployer
        .get_block_by_number(Default::default())
        .await
        .unwrap()
        .unwrap();
    server.shutdown().await;
    drop(chain);

    let chain = EmbeddedChain::open(31337, dir.path()).unwrap();
    let server = chain.serve_rpc(local).await.unwrap();
    let url = server.url();
    let reader = ProviderBuilder::new().connect(&url).await.unwrap();
    let again = reader
        .get_block_by_number(Default::default())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.header.number, latest.header.number);
    assert_eq!(again.header.hash, latest.header.hash);
    assert_eq!(again.header.timestamp, latest.header.timestamp);
    assert_eq!(
        evm::pkp_info(&reader, &context, pkp.token_id)
            .await
            .unwrap()
            .pkp,
        pkp
    );
    assert_eq!(reader.get_balance(rich).await.unwrap(), U256::from(0x1234));
    assert_eq!(reader.get_balance(reverted).await.unwrap(), U256::ZERO);
    // New blocks follow on, with the time moved ahead as before.
    rpc(&url, "evm_mine", serde_json::json!([])).await;
    let next = reader
        .get_block_by_number(Default::default())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(next.header.parent_hash, latest.header.hash);
    assert!(next.header.timestamp >= latest.header.timestamp);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dev_accounts_are_listed_and_send_unsigned_transactions_as_on_anvil() {
    let chain = EmbeddedChain::new(31337);
    let server = chain
        .serve_rpc(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let url = server.url();
    let reader = ProviderBuilder::new().connect(&url).await.unwrap();
    let accounts = reader.get_accounts().await.unwrap();
    assert_eq!(accounts.len(), 10);
    let account_0: PrivateKeySigner = DEV_KEY_0.parse().unwrap();
    assert_eq!(accounts[0], account_0.address());
    assert_eq!(
        reader.get_balance(accounts[9]).await.unwrap(),
        evm::DEV_ACCOUNT_BALANCE
    );

    // An unsigned transfer from account 3: the chain fills nonce, gas and fees and signs it.
    let to = Address::with_last_byte(0xee);
    let hash = rpc(
        &url,
        "eth_sendTransaction",
        serde_json::json!([{"from": accounts[3], "to": to, "value": "0x64"}]),
    )
    .await;
    let hash: alloy_primitives::B256 = serde_json::from_value(hash).unwrap();
    let receipt = reader.get_transaction_receipt(hash).await.unwrap().unwrap();
    assert!(receipt.status());
    assert_eq!(receipt.from, accounts[3]);
    assert_eq!(reader.get_balance(to).await.unwrap(), U256::from(100));
    assert_eq!(reader.get_transaction_count(accounts[3]).await.unwrap(), 1);

    // Any other sender has no key here.
    let body = serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "eth_sendTransaction",
        "params": [{"from": Address::with_last_byte(1), "to": to, "value": "0x1"}]});
    let answer: serde_json::Value = reqwest::Client::new()
        .post(&url)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(answer["error"]["message"]
        .as_str()
        .is_some_and(|message| message.contains("no key")));
    server.shutdown().await;
}
