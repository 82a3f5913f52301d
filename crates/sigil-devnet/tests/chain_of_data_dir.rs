//! `serve_chain_of`: the embedded chain of a stopped devnet's data dir comes back at the same
//! RPC address with its contracts, its validator set and the credits minted before, so
//! `sigil node --config` processes make the same network.

use alloy_signer_local::PrivateKeySigner;
use sigil_chain::evm::{EvmChain, EvmChainConfig, NetworkContext};
use sigil_chain::ChainView;
use sigil_devnet::{serve_chain_of, Devnet, DevnetConfig, NETWORK_CONTEXT_FILE};
use std::time::Duration;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[tokio::test]
async fn the_chain_of_a_stopped_devnet_serves_its_validators_at_its_rpc_address() -> TestResult {
    let data_dir = tempfile::tempdir()?;
    let devnet = Devnet::start(DevnetConfig {
        data_dir: Some(data_dir.path().to_owned()),
        ..DevnetConfig::default()
    })
    .await?;
    let rpc_url = devnet.rpc_url();
    let owner = PrivateKeySigner::random();
    let credit = devnet.mint_capacity_credit(&owner, 10, 1).await?;
    let node_urls = devnet.node_urls();
    devnet.shutdown().await;

    let chain = serve_chain_of(data_dir.path(), Duration::from_millis(100)).await?;
    assert_eq!(chain.url(), rpc_url);
    assert_eq!(chain.validator_count(), 3);
    let context = NetworkContext::load(&data_dir.path().join(NETWORK_CONTEXT_FILE))?;
    let view = EvmChain::connect(EvmChainConfig::new(
        chain.url(),
        context.require("ContractResolver")?,
    ))
    .await?;
    let validators = view.validator_set().ok_or("no validator set")?;
    assert_eq!(
        validators.node_urls(sigil_chain::staking::NodeProtocol::Http),
        node_urls
    );
    assert_eq!(
        view.capacity_credits_owned_by(owner.address()),
        vec![credit]
    );
    drop(view);
    chain.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn a_dir_that_is_no_devnet_is_refused() {
    let empty = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    assert!(serve_chain_of(empty.path(), Duration::from_secs(1))
        .await
        .is_err());
}
