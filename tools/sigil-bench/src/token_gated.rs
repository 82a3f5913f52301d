//! `sigil-bench token-gated`: decrypts per second for an ERC-721 condition (each user holds the
//! devnet's demo NFT; the nodes read `balanceOf` on the chain) at 1, 8 and 32 clients, with the
//! nodes' per-block read cache on and off, and the chain reads the nodes made per decrypt. The
//! whole network runs in this process (a devnet: chain, three nodes) beside the clients, so the
//! figures compare the two settings on one machine, not a deployment.

use crate::load::{closed_loop, decrypt_once, User};
use crate::record::Record;
use alloy_provider::{Provider, ProviderBuilder};
use sigil_client::{ConditionSet, DecryptRequest, LitNetwork};
use sigil_devnet::{Devnet, DevnetConfig};
use std::sync::Arc;
use std::time::Duration;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    loads: crate::load::Loads,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let (length, most) = args.loads.checked()?;
    crate::server_runtime()?.block_on(async {
        for cache in [true, false] {
            measure(&args.loads.clients, most, length, cache).await?;
        }
        Ok(())
    })
}

async fn measure(
    clients: &[usize],
    most: usize,
    length: Duration,
    cache: bool,
) -> anyhow::Result<()> {
    let mut config = DevnetConfig {
        free_allowance: u64::MAX / 4,
        ..DevnetConfig::default()
    };
    config.condition_read_limits.cache_entries = if cache { 4096 } else { 0 };
    let devnet = Devnet::start(config).await?;
    let minter = ProviderBuilder::new()
        .wallet(devnet.dev_wallet())
        .connect(&devnet.rpc_url())
        .await?
        .erased();
    let nft = devnet.network_context().require("DemoERC721")?;
    let network = LitNetwork::Custom {
        rpc_url: devnet.rpc_url(),
        staking_address: devnet.staking_address(),
    };
    let mut users = Vec::with_capacity(most);
    for index in 0..most {
        let wallet = alloy_signer_local::PrivateKeySigner::random();
        sigil_chain::evm::mint_erc721(&minter, nft, wallet.address()).await?;
        let conditions = ConditionSet::from_document(&format!(
            r#"[{{"contractAddress":"{nft}","standardContractType":"ERC721","chain":"ethereum","method":"balanceOf","parameters":[":userAddress"],"returnValueTest":{{"comparator":">","value":"0"}}}}]"#
        ))?;
        let user = User::connect_with(network.clone(), wallet, conditions).await?;
        let plaintext = format!("token gated #{index}");
        let encrypted = user.client.encrypt_string(&user.conditions, &plaintext)?;
        let request = DecryptRequest::new(user.conditions.clone(), encrypted);
        decrypt_once(&user, &request, &plaintext).await?;
        users.push(Arc::new((user, request, plaintext)));
    }
    let chain = devnet
        .embedded_chain()
        .ok_or_else(|| anyhow::anyhow!("the devnet runs on its embedded chain"))?
        .clone();
    let calls = |chain: &sigil_chain::evm::EmbeddedChain| {
        chain
            .served_requests()
            .get("eth_call")
            .copied()
            .unwrap_or(0)
    };
    let setting = if cache { "cache_on" } else { "cache_off" };
    for &count in clients {
        let workers: Vec<_> = users.iter().take(count).cloned().collect();
        let before = calls(&chain);
        let result = closed_loop(workers, length, |worker| async move {
            let (user, request, plaintext) = &*worker;
            decrypt_once(user, request, plaintext).await
        })
        .await?;
        let made = calls(&chain) - before;
        let mut record: Record =
            result.record(format!("token_gated_decrypt_c{count}_{setting}"), count);
        record.chain_calls = record
            .iterations
            .filter(|&decrypts| decrypts > 0)
            .map(|decrypts| made as f64 / decrypts as f64);
        record.emit()?;
    }
    devnet.shutdown().await;
    Ok(())
}
