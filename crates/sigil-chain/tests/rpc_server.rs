//! The embedded chain's JSON-RPC server as a client meets it: batches, every kind of bad input
//! answered with its JSON-RPC error (and the server still serving), the batch bound, shutdown;
//! and the empty blocks it mines when no transaction makes one.

use serde_json::{json, Value};
use sigil_chain::evm::EmbeddedChain;
use sigil_chain::RpcServer;
use std::net::SocketAddr;
use std::time::Duration;

type TestResult = Result<(), Box<dyn std::error::Error>>;

async fn serve(chain_id: u64) -> Result<(EmbeddedChain, RpcServer), sigil_chain::Error> {
    let chain = EmbeddedChain::new(chain_id);
    let server = chain
        .serve_rpc(SocketAddr::from(([127, 0, 0, 1], 0)))
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

#[tokio::test]
async fn batch_requests_are_answered_in_order_with_their_ids() -> TestResult {
    let (_chain, server) = serve(175_188).await?;
    let batch = json!([
        {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []},
        {"jsonrpc": "2.0", "id": "two", "method": "net_version"},
        {"jsonrpc": "2.0", "id": 3, "method": "eth_mining", "params": []},
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
async fn bad_input_gets_json_rpc_errors_and_the_server_keeps_serving() -> TestResult {
    let (_chain, server) = serve(31337).await?;
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
        &json!({"jsonrpc": "2.0", "id": 9, "method": "sigil_mintCapacityCredits", "params": []}),
    )
    .await?;
    assert_eq!(unknown["error"]["code"], -32601, "admin methods are gone");
    assert_eq!(unknown["id"], 9);

    let bad_params = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "eth_call", "params": []}),
        json!({"jsonrpc": "2.0", "id": 1, "method": "eth_call", "params": [{"to": "nope"}]}),
        json!({"jsonrpc": "2.0", "id": 1, "method": "eth_call", "params": {"to": "0x00"}}),
        json!({"jsonrpc": "2.0", "id": 1, "method": "eth_getBlockByNumber", "params": ["0xzz", false]}),
        json!({"jsonrpc": "2.0", "id": 1, "method": "eth_getBalance", "params": [12]}),
        json!({"jsonrpc": "2.0", "id": 1, "method": "eth_sendRawTransaction", "params": ["0x1234"]}),
        json!({"jsonrpc": "2.0", "id": 1, "method": "evm_increaseTime", "params": [-5]}),
    ];
    for request in &bad_params {
        let code = post(&url, request).await?["error"]["code"].clone();
        assert!(code == -32602 || code == -32000, "{request} gave {code}");
    }

    // A batch of garbage answers each element.
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
async fn an_oversized_batch_is_refused_whole() -> TestResult {
    let (_chain, server) = serve(31337).await?;
    let batch: Vec<Value> = (0..=sigil_chain::rpc::MAX_BATCH)
        .map(|i| json!({"jsonrpc": "2.0", "id": i, "method": "eth_chainId"}))
        .collect();
    let response = post(&server.url(), &Value::Array(batch)).await?;
    assert_eq!(response["error"]["code"], -32600);
    server.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn shutdown_stops_answering() -> TestResult {
    let (_chain, server) = serve(31337).await?;
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

#[tokio::test]
async fn an_idle_chain_mines_empty_blocks_that_follow_the_clock_and_are_journaled() -> TestResult {
    let dir = tempfile::tempdir()?;
    let chain = EmbeddedChain::open(31337, dir.path())?;
    // The chain's clock runs an hour ahead: the next idle block is due at once.
    chain.with(|evm| evm.increase_time(3600));
    let genesis = chain.with(|evm| evm.latest_block().clone());
    let mining = chain.spawn_interval_mining(Duration::from_millis(20));
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let mined = loop {
        let latest = chain.with(|evm| evm.latest_block().clone());
        if latest.number > genesis.number {
            break latest;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no idle block was mined"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    assert!(mined.transactions.is_empty());
    assert!(mined.timestamp >= genesis.timestamp + 3600);
    mining.abort();
    let _ = mining.await;
    // The clock moved past the block no further within this second: one block, not one a tick.
    let latest = chain.with(|evm| evm.latest_block().clone());
    assert!(latest.number <= mined.number + 1);
    drop(chain);

    // The mined blocks are in the journal: the same chain after a restart.
    let reopened = EmbeddedChain::open(31337, dir.path())?;
    let replayed = reopened.with(|evm| evm.block(mined.number).cloned());
    assert_eq!(replayed.as_ref().map(|block| block.hash), Some(mined.hash));
    Ok(())
}
