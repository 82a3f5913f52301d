//! The devchain's JSON-RPC server driven over real HTTP on 127.0.0.1 free ports.

use alloy_primitives::{address, Address, U256};
use alloy_sol_types::SolCall;
use serde_json::{json, Value};
use sigil_chain::staking::{self, abi, NodeProtocol};
use sigil_chain::{
    ChainView, DevChain, DevChainConfig, EthRpcClient, MintRequest, RemoteChain, RemoteChainConfig,
    RpcServer, ValidatorInfo,
};
use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Polls `check` every 10 ms until it returns `Some`, failing with `what` after 5 s: the tests
/// wait on the state they expect, never for a fixed time.
async fn eventually<T, F, Fut>(what: &str, mut check: F) -> Result<T, Box<dyn std::error::Error>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>, Box<dyn std::error::Error>>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        if let Some(value) = check().await? {
            return Ok(value);
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(format!("gave up after 5 s waiting until {what}").into());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

const WALLET: Address = address!("70997970C51812dc3A010C7d01b50e0d17dc79C8");

fn three_local_validators() -> Vec<ValidatorInfo> {
    (0..3u16)
        .map(|i| ValidatorInfo {
            ip: Ipv4Addr::LOCALHOST,
            port: 7470 + i,
            node_address: staking::placeholder_node_address(u64::from(i) + 1),
        })
        .collect()
}

async fn serve(config: DevChainConfig) -> Result<(DevChain, RpcServer), sigil_chain::Error> {
    let chain = DevChain::open(config)?;
    let server = chain
        .serve_rpc(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .await?;
    Ok((chain, server))
}

async fn post_raw(url: &str, body: impl Into<reqwest::Body>) -> Result<Value, reqwest::Error> {
    reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await?
        .json()
        .await
}

async fn post(url: &str, body: &Value) -> Result<Value, reqwest::Error> {
    post_raw(url, body.to_string()).await
}

fn hex_result(response: &Value) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let text = response["result"]
        .as_str()
        .ok_or_else(|| format!("no string result in {response}"))?;
    Ok(alloy_primitives::hex::decode(text)?)
}

fn word(bytes: &[u8], index: usize) -> Result<U256, String> {
    let slice = bytes
        .get(index * 32..(index + 1) * 32)
        .ok_or_else(|| format!("no ABI word {index}"))?;
    Ok(U256::from_be_slice(slice))
}

#[tokio::test]
async fn staking_eth_call_returns_the_validators_as_the_js_sdk_decodes_them() -> TestResult {
    let (chain, server) = serve(DevChainConfig::default()).await?;
    chain.set_validators(three_local_validators());
    chain.set_min_node_count(Some(2));

    // Exactly the request the JS SDK v7 sent in jsref/e2e.json (lower-case `to`).
    let request = json!({"jsonrpc": "2.0", "id": 42, "method": "eth_call", "params": [
        {"to": "0x5fbdb2315678afecb367f032d93f642f64180aa3", "data": "0xc51d020e"}, "latest"]});
    let response = post(&server.url(), &request).await?;
    assert_eq!(response["id"], 42);
    let bytes = hex_result(&response)?;

    // Decoded with the sol! types.
    let decoded = abi::getActiveUnkickedValidatorStructsAndCountsCall::abi_decode_returns(&bytes)?;
    assert_eq!(decoded._1, U256::from(2));
    assert_eq!(decoded._2.len(), 3);
    assert_eq!(decoded._2[0].ip, 0x7f00_0001);
    assert_eq!(decoded._2[2].port, 7472);
    assert_eq!(decoded._0.number, U256::from(3));
    let set = staking::decode_validator_set(&bytes)?;
    assert_eq!(
        set.node_urls(NodeProtocol::Http),
        [
            "http://127.0.0.1:7470",
            "http://127.0.0.1:7471",
            "http://127.0.0.1:7472"
        ]
    );

    // Independently of alloy: the raw word layout of (Epoch, uint256, Validator[]). The epoch
    // is a static tuple (words 0-4), then minNodeCount, then the array's offset (7 words),
    // its length, and 7 static words per validator.
    assert_eq!(word(&bytes, 0)?, U256::from(3600), "epochLength");
    assert_eq!(word(&bytes, 1)?, U256::from(3), "epoch number");
    assert_eq!(word(&bytes, 5)?, U256::from(2), "minNodeCount");
    assert_eq!(
        word(&bytes, 6)?,
        U256::from(7 * 32),
        "offset of the validator array"
    );
    assert_eq!(word(&bytes, 7)?, U256::from(3), "validator count");
    assert_eq!(
        word(&bytes, 8)?,
        U256::from(0x7f00_0001u32),
        "validator 0 ip"
    );
    assert_eq!(word(&bytes, 9)?, U256::ZERO, "validator 0 ipv6");
    assert_eq!(word(&bytes, 10)?, U256::from(7470), "validator 0 port");
    assert_eq!(
        word(&bytes, 11)?,
        U256::from(1),
        "validator 0 nodeAddress 0x..01"
    );
    assert_eq!(
        word(&bytes, 8 + 7 + 2)?,
        U256::from(7471),
        "validator 1 port"
    );
    assert_eq!(bytes.len(), (8 + 3 * 7) * 32);

    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn epoch_end_time_is_in_the_future() -> TestResult {
    let (_chain, server) = serve(DevChainConfig::default()).await?;
    let set = EthRpcClient::new(server.url())?
        .validator_set(sigil_chain::DEFAULT_STAKING_ADDRESS)
        .await?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    assert!(set.epoch.end_time > now);
    assert!(set.epoch.end_time - set.epoch.epoch_length <= now);
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn batch_requests_are_answered_in_order_with_their_ids() -> TestResult {
    let (_chain, server) = serve(DevChainConfig {
        chain_id: 175_188,
        ..DevChainConfig::default()
    })
    .await?;
    let batch = json!([
        {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []},
        {"jsonrpc": "2.0", "id": "two", "method": "net_version"},
        {"jsonrpc": "2.0", "id": 3, "method": "eth_sendTransaction", "params": []},
        {"jsonrpc": "2.0", "id": 4, "method": "eth_blockNumber", "params": []},
    ]);
    let response = post(&server.url(), &batch).await?;
    let answers = response.as_array().ok_or("batch answer is not an array")?;
    assert_eq!(answers.len(), 4);
    assert_eq!(
        answers[0],
        json!({"jsonrpc": "2.0", "id": 1, "result": "0x2ac54"})
    );
    assert_eq!(answers[1]["id"], "two");
    assert_eq!(answers[1]["result"], "175188");
    assert_eq!(answers[2]["error"]["code"], -32601);
    assert_eq!(answers[3]["result"], "0x0");
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn bad_input_gets_json_rpc_errors() -> TestResult {
    let (_chain, server) = serve(DevChainConfig::default()).await?;
    let url = server.url();

    let malformed = post_raw(&url, "{\"jsonrpc\": \"2.0\", ").await?;
    assert_eq!(malformed["error"]["code"], -32700);
    assert_eq!(malformed["id"], Value::Null);

    let binary = post_raw(&url, vec![0xff, 0x00, 0x13]).await?;
    assert_eq!(binary["error"]["code"], -32700);

    assert_eq!(post(&url, &json!([])).await?["error"]["code"], -32600);
    assert_eq!(post(&url, &json!(7)).await?["error"]["code"], -32600);
    assert_eq!(
        post(&url, &json!({"id": 1})).await?["error"]["code"],
        -32600
    );

    let unknown = post(
        &url,
        &json!({"jsonrpc": "2.0", "id": 9, "method": "eth_foo", "params": []}),
    )
    .await?;
    assert_eq!(unknown["error"]["code"], -32601);
    assert_eq!(unknown["id"], 9);

    let other_contract = json!({"jsonrpc": "2.0", "id": 1, "method": "eth_call", "params": [
        {"to": "0x0000000000000000000000000000000000000001", "data": "0xc51d020e"}, "latest"]});
    assert_eq!(post(&url, &other_contract).await?["error"]["code"], -32000);

    let other_selector = json!({"jsonrpc": "2.0", "id": 1, "method": "eth_call", "params": [
        {"to": sigil_chain::DEFAULT_STAKING_ADDRESS, "data": "0x12345678"}, "latest"]});
    assert_eq!(post(&url, &other_selector).await?["error"]["code"], -32000);

    let bad_params = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "eth_call", "params": []}),
        json!({"jsonrpc": "2.0", "id": 1, "method": "eth_call", "params": [{"to": "nope"}]}),
        json!({"jsonrpc": "2.0", "id": 1, "method": "eth_call", "params": {"to": "0x00"}}),
        json!({"jsonrpc": "2.0", "id": 1, "method": "eth_getBlockByNumber", "params": ["0xzz", false]}),
        json!({"jsonrpc": "2.0", "id": 1, "method": "sigil_capacityCredits", "params": [12]}),
        json!({"jsonrpc": "2.0", "id": 1, "method": "sigil_mintCapacityCredits", "params": [{"to": WALLET}]}),
    ];
    for request in &bad_params {
        let code = post(&url, request).await?["error"]["code"].clone();
        assert!(code == -32602 || code == -32000, "{request} gave {code}");
    }

    // A batch of garbage answers each element; the server keeps serving.
    let garbage = post(&url, &json!([1, "x", null, {"method": 5}])).await?;
    assert_eq!(garbage.as_array().map(Vec::len), Some(4));
    assert_eq!(garbage[0]["error"]["code"], -32600);
    let still_up = post(
        &url,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"}),
    )
    .await?;
    assert_eq!(still_up["result"], "0x7a69");

    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn oversized_batch_is_refused_whole() -> TestResult {
    let (_chain, server) = serve(DevChainConfig::default()).await?;
    let batch: Vec<Value> = (0..=sigil_chain::rpc::MAX_BATCH)
        .map(|i| json!({"jsonrpc": "2.0", "id": i, "method": "eth_chainId"}))
        .collect();
    let response = post(&server.url(), &Value::Array(batch)).await?;
    assert_eq!(response["error"]["code"], -32600);
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn block_objects_carry_the_fields_ethers_reads() -> TestResult {
    let (chain, server) = serve(DevChainConfig::default()).await?;
    let genesis = chain.latest_block();
    let next = chain.produce_block();
    let response = post(
        &server.url(),
        &json!({"jsonrpc": "2.0", "id": 1,
        "method": "eth_getBlockByNumber", "params": ["latest", false]}),
    )
    .await?;
    let block = &response["result"];
    assert_eq!(block["number"], format!("{:#x}", next.number));
    assert_eq!(block["hash"], next.hash.to_string());
    assert_eq!(block["parentHash"], genesis.hash.to_string());
    assert_eq!(block["timestamp"], format!("{:#x}", next.timestamp));
    for field in [
        "nonce",
        "difficulty",
        "gasLimit",
        "gasUsed",
        "miner",
        "extraData",
        "transactions",
        "baseFeePerGas",
    ] {
        assert!(!block[field].is_null(), "missing {field}");
    }
    let by_number = post(
        &server.url(),
        &json!({"jsonrpc": "2.0", "id": 1,
        "method": "eth_getBlockByNumber", "params": ["0x0", false]}),
    )
    .await?;
    assert_eq!(by_number["result"]["hash"], genesis.hash.to_string());
    let by_hash = post(
        &server.url(),
        &json!({"jsonrpc": "2.0", "id": 1,
        "method": "eth_getBlockByHash", "params": [next.hash, false]}),
    )
    .await?;
    assert_eq!(by_hash["result"]["number"], "0x1");
    let future = post(
        &server.url(),
        &json!({"jsonrpc": "2.0", "id": 1,
        "method": "eth_getBlockByNumber", "params": ["0x99", false]}),
    )
    .await?;
    assert_eq!(future["result"], Value::Null);
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn block_production_advances_number_and_hash() -> TestResult {
    let (chain, server) = serve(DevChainConfig {
        block_time: Duration::from_millis(40),
        ..DevChainConfig::default()
    })
    .await?;
    let rpc = EthRpcClient::new(server.url())?;
    let before = rpc.latest_block().await?;
    let producer = chain.spawn_block_production();
    let after = eventually("two blocks are produced", || async {
        let latest = rpc.latest_block().await?;
        Ok((latest.number >= before.number + 2).then_some(latest))
    })
    .await?;
    assert!(after.number >= before.number + 2, "{before:?} -> {after:?}");
    assert_ne!(after.hash, before.hash);
    assert!(rpc.block_number().await? >= after.number);
    producer.abort();
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn minted_credits_survive_a_restart() -> TestResult {
    let dir = tempfile::tempdir()?;
    let config = DevChainConfig {
        data_dir: Some(dir.path().join("chain")),
        block_time: Duration::from_millis(50),
        ..DevChainConfig::default()
    };
    {
        let (chain, server) = serve(config.clone()).await?;
        let response = post(&server.url(), &json!({"jsonrpc": "2.0", "id": 1,
            "method": "sigil_mintCapacityCredits",
            "params": [{"to": WALLET, "requestsPerKilosecond": 1000, "daysUntilUTCMidnightExpiration": 2}]})).await?;
        assert_eq!(response["result"]["tokenId"], "0x1", "{response}");
        assert_eq!(response["result"]["owner"], WALLET.to_string());
        assert_eq!(response["result"]["requestsPerKilosecond"], 1000);
        let listed = post(
            &server.url(),
            &json!({"jsonrpc": "2.0", "id": 2,
            "method": "sigil_capacityCredits", "params": [WALLET]}),
        )
        .await?;
        assert_eq!(listed["result"].as_array().map(Vec::len), Some(1));
        let producer = chain.spawn_block_production();
        server.shutdown().await;
        drop(chain);
        // The producer holds only a weak reference; it ends on its own.
        tokio::time::timeout(Duration::from_secs(5), producer).await??;
    }
    let reopened = DevChain::open(config)?;
    let credit = reopened
        .capacity_credit(U256::from(1))
        .ok_or("credit 1 lost")?;
    assert_eq!(credit.owner, WALLET);
    assert_eq!(credit.requests_per_kilosecond, 1000);
    assert_eq!(credit.expires_at % 86_400, 0, "expires at UTC midnight");
    let second = reopened.mint_capacity_credits(WALLET, 5, credit.expires_at)?;
    assert_eq!(second.token_id, U256::from(2));
    Ok(())
}

#[tokio::test]
async fn rpc_client_reads_and_mints() -> TestResult {
    let (chain, server) = serve(DevChainConfig::default()).await?;
    chain.set_validators(three_local_validators());
    let rpc = EthRpcClient::new(server.url())?;
    assert_eq!(rpc.chain_id().await?, 31337);
    let set = rpc.validator_set(chain.staking_address()).await?;
    assert_eq!(set.validators, three_local_validators());
    assert_eq!(set.min_node_count, 2);
    let credit = rpc
        .mint_capacity_credits(&MintRequest {
            to: WALLET,
            requests_per_second: Some(2),
            expires_at: Some(4_000_000_000),
            ..MintRequest::default()
        })
        .await?;
    assert_eq!(credit.requests_per_kilosecond, 2000);
    assert_eq!(rpc.capacity_credits(WALLET).await?, vec![credit]);
    assert_eq!(rpc.all_capacity_credits().await?, vec![credit]);
    assert_eq!(chain.capacity_credits_owned_by(WALLET), vec![credit]);
    let unknown: Result<Value, _> = rpc.request("eth_foo", json!([])).await;
    assert!(matches!(
        unknown,
        Err(sigil_chain::Error::Rpc { code: -32601, .. })
    ));
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn remote_chain_follows_blocks_and_credits_in_the_background() -> TestResult {
    let (chain, server) = serve(DevChainConfig::default()).await?;
    chain.set_validators(three_local_validators());
    let remote = RemoteChain::connect(RemoteChainConfig {
        poll_interval: Duration::from_millis(30),
        staking_address: Some(chain.staking_address()),
        ..RemoteChainConfig::new(server.url())
    })
    .await?;
    assert_eq!(remote.chain_id(), 31337);
    assert_eq!(remote.latest_block(), chain.latest_block());
    assert_eq!(remote.epoch_number(), 3);
    assert_eq!(remote.validator_set().map(|s| s.validators.len()), Some(3));

    let block = chain.produce_block();
    let credit = chain.mint_capacity_credits(WALLET, 10, 4_000_000_000)?;
    eventually("the remote view has caught up", || async {
        Ok(
            (remote.latest_block() == block && remote.capacity_credit(credit.token_id).is_some())
                .then_some(()),
        )
    })
    .await?;
    assert_eq!(remote.capacity_credits_owned_by(WALLET), vec![credit]);

    // When the RPC goes away the last snapshot keeps answering: a refresh against the stopped
    // server (what the background poller does every interval) fails and leaves it as it was.
    server.shutdown().await;
    assert!(
        remote.refresh().await.is_err(),
        "the stopped server still answered"
    );
    assert_eq!(remote.latest_block(), block);
    Ok(())
}

#[tokio::test]
async fn shutdown_stops_answering() -> TestResult {
    let (_chain, server) = serve(DevChainConfig::default()).await?;
    let url = server.url();
    assert!(url.starts_with("http://127.0.0.1:"));
    assert_ne!(server.local_addr().port(), 0);
    server.shutdown().await;
    let after = reqwest::Client::new()
        .post(&url)
        .body("{}")
        .timeout(Duration::from_secs(2))
        .send()
        .await;
    assert!(after.is_err(), "server still answering after shutdown");
    Ok(())
}
