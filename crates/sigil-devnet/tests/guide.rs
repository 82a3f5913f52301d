//! The seed guide (`sigil-client`'s example `using_an_auth_sig`) run as it is, against an
//! in-process devnet: session sigs from a fresh wallet, a capacity credit and its delegation,
//! then an encrypt/decrypt round trip.

#[path = "../../sigil-client/examples/using_an_auth_sig.rs"]
#[allow(dead_code)] // The example's `main` is not called here.
mod guide;

use alloy_signer_local::PrivateKeySigner;
use sigil_client::LitNetwork;
use sigil_devnet::{Devnet, DevnetConfig};

#[tokio::test]
async fn the_guide_runs_against_a_devnet() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let devnet = Devnet::start(DevnetConfig::default()).await?;
    let network = LitNetwork::Custom {
        rpc_url: devnet.rpc_url(),
        staking_address: devnet.staking_address(),
    };
    let decrypted = guide::using_an_auth_sig(network, PrivateKeySigner::random()).await?;
    assert_eq!(decrypted, "Hello from Sigil!");
    devnet.shutdown().await;
    Ok(())
}
