//! `serve_chain_of`: the devchain of a stopped devnet's data dir comes back at the same RPC
//! address with the same validator set (derived as `Devnet::start` derives it) and the credits
//! minted before, so `sigil node --config` processes make the same network.

use sigil_chain::MintRequest;
use sigil_devnet::{serve_chain_of, Devnet, DevnetConfig};
use std::time::Duration;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[tokio::test]
async fn the_chain_of_a_stopped_devnet_serves_its_validators_at_its_rpc_address() -> TestResult {
    let data_dir = tempfile::tempdir()?;
    let devnet = Devnet::start(DevnetConfig {
        data_dir: Some(data_dir.path().to_owned()),
        block_time: Duration::from_millis(100),
        ..DevnetConfig::default()
    })
    .await?;
    let validators = devnet
        .dev_chain()
        .expect("the embedded devchain")
        .validators();
    let rpc_url = devnet.rpc_url();
    let credit = devnet
        .dev_chain()
        .expect("the embedded devchain")
        .mint(&MintRequest {
            to: devnet.dev_wallet().address(),
            requests_per_kilosecond: Some(10),
            days_until_utc_midnight_expiration: Some(1),
            ..MintRequest::default()
        })?;
    assert_eq!(validators.len(), 3);
    devnet.shutdown().await;

    let chain = serve_chain_of(data_dir.path(), Duration::from_millis(100)).await?;
    assert_eq!(chain.url(), rpc_url);
    assert_eq!(chain.chain().validators(), validators);
    assert!(chain
        .chain()
        .capacity_credits()
        .iter()
        .any(|kept| kept.token_id == credit.token_id));
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
