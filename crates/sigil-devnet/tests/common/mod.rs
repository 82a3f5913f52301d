//! What the devnet tests share: a client connected to a devnet, and the chain as the devnet's
//! dev wallet (the deployer of its contracts and demo tokens) sends to it.

use alloy_provider::{DynProvider, Provider, ProviderBuilder};
use sigil_client::{ClientError, LitNetwork, LitNodeClient, LitNodeClientConfig};
use sigil_devnet::Devnet;
use std::time::Duration;

/// A client of `devnet`, connected.
pub async fn connected(devnet: &Devnet) -> Result<LitNodeClient, ClientError> {
    let client = LitNodeClient::new(
        LitNodeClientConfig::new(LitNetwork::Custom {
            rpc_url: devnet.rpc_url(),
            staking_address: devnet.staking_address(),
        })
        .with_connect_timeout(Duration::from_secs(5)),
    )?;
    client.connect().await?;
    Ok(client)
}

/// The devnet's chain, sending as its dev wallet.
pub async fn dev_wallet_chain(devnet: &Devnet) -> Result<DynProvider, Box<dyn std::error::Error>> {
    Ok(ProviderBuilder::new()
        .wallet(devnet.dev_wallet())
        .connect(&devnet.rpc_url())
        .await?
        .erased())
}

/// The HTTP status and Lit code most nodes refused with.
// Not every test binary that shares these helpers refuses anything.
#[allow(dead_code)]
pub fn code_of(error: &ClientError) -> (Option<u16>, String) {
    error
        .most_common_node_failure()
        .map(|failure| {
            (
                failure.status,
                failure
                    .error_code
                    .as_ref()
                    .map(|code| code.as_str().to_owned())
                    .unwrap_or_default(),
            )
        })
        .unwrap_or_default()
}
