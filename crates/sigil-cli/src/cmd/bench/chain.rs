//! `sigil bench chain --data-dir DIR`: the chain of a devnet whose nodes run as separate
//! `sigil node` processes.
//!
//! `sigil devnet --data-dir DIR` deals the keys and writes `DIR/node-<i>/config.json`, each
//! naming its port and the chain RPC URL. Once that devnet is stopped, this serves a devchain
//! at that same RPC address, with those nodes as the Staking validators, so `sigil node
//! --config DIR/node-<i>/config.json` processes make the same network, each node in a process
//! of its own (its memory and CPU measurable alone), and the JS SDK connects to it as to any
//! devnet.

use crate::cmd::node::StopSignals;
use alloy_primitives::{keccak256, Address};
use anyhow::Context as _;
use sigil_chain::{DevChain, DevChainConfig, ValidatorInfo};
use sigil_node::NodeConfig;
use std::net::{SocketAddr, SocketAddrV4};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The line printed once the chain serves; the script waits for it.
pub const READY_PREFIX: &str = "Sigil bench chain ready at ";

#[derive(clap::Args)]
pub struct Args {
    /// Data dir of a stopped `sigil devnet --data-dir` (its node configs name the validators and
    /// the chain RPC address).
    #[arg(long)]
    data_dir: PathBuf,
    /// Milliseconds between blocks.
    #[arg(long, default_value_t = 2000)]
    block_time_ms: u64,
}

/// What the node configs of a data dir say about the network.
#[derive(Debug, PartialEq, Eq)]
struct Network {
    rpc_addr: SocketAddr,
    validators: Vec<SocketAddrV4>,
    threshold: u16,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let network = read_network(&args.data_dir)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    runtime.block_on(serve(args, network))
}

async fn serve(args: Args, network: Network) -> anyhow::Result<()> {
    let mut stop = StopSignals::install()?;
    let chain = DevChain::open(DevChainConfig {
        block_time: Duration::from_millis(args.block_time_ms.max(10)),
        data_dir: Some(args.data_dir.join("chain")),
        min_node_count: Some(u64::from(network.threshold)),
        ..DevChainConfig::default()
    })?;
    chain.set_validators(
        network
            .validators
            .iter()
            .map(|addr| ValidatorInfo {
                ip: *addr.ip(),
                port: addr.port(),
                node_address: staking_node_address(*addr),
            })
            .collect(),
    );
    let blocks = chain.spawn_block_production();
    let rpc = chain.serve_rpc(network.rpc_addr).await?;
    println!(
        "{READY_PREFIX}{} ({} validators)",
        rpc.url(),
        network.validators.len()
    );
    let signal = stop.wait().await;
    eprintln!("{signal}: shutting down");
    rpc.shutdown().await;
    blocks.abort();
    Ok(())
}

/// Reads `node-0/config.json`, `node-1/config.json`, ... until one is missing.
fn read_network(data_dir: &Path) -> anyhow::Result<Network> {
    let mut configs = Vec::new();
    for index in 0.. {
        let path = data_dir.join(format!("node-{index}")).join("config.json");
        if !path.exists() {
            break;
        }
        configs
            .push(NodeConfig::load(&path).with_context(|| format!("reading {}", path.display()))?);
    }
    network_of(&configs).with_context(|| format!("the node configs in {}", data_dir.display()))
}

fn network_of(configs: &[NodeConfig]) -> anyhow::Result<Network> {
    let first = configs.first().context("no node-<i>/config.json")?;
    let rpc_url = first
        .chain_rpc_url
        .as_deref()
        .context("node-0 has no chainRpcUrl")?;
    let rpc_addr: SocketAddr = rpc_url
        .strip_prefix("http://")
        .unwrap_or(rpc_url)
        .trim_end_matches('/')
        .parse()
        .with_context(|| format!("chainRpcUrl {rpc_url} is not http://<ip>:<port>"))?;
    let validators = configs
        .iter()
        .map(|config| match config.listen {
            SocketAddr::V4(addr) => Ok(addr),
            SocketAddr::V6(addr) => {
                anyhow::bail!("node at {addr}: the Staking contract holds IPv4 only")
            }
        })
        .collect::<anyhow::Result<_>>()?;
    Ok(Network {
        rpc_addr,
        validators,
        threshold: first.threshold,
    })
}

/// A stable, distinct staking address per node (the JS SDK only decodes it).
fn staking_node_address(addr: SocketAddrV4) -> Address {
    Address::from_word(keccak256(format!("sigil-bench-node:{addr}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(listen: &str, rpc: Option<&str>) -> NodeConfig {
        NodeConfig {
            listen: listen.parse().unwrap_or_else(|e| panic!("{listen}: {e}")),
            external_address: None,
            key_share_file: "key-share.json".into(),
            network_public_key: "00".repeat(48),
            threshold: 2,
            chain_rpc_url: rpc.map(str::to_owned),
            data_dir: ".".into(),
            free_allowance: 1,
            rate_limit_window_secs: 1000,
        }
    }

    #[test]
    fn node_configs_give_validators_rpc_address_and_threshold() -> anyhow::Result<()> {
        let rpc = Some("http://127.0.0.1:8545");
        let network = network_of(&[config("127.0.0.1:7470", rpc), config("127.0.0.1:7471", rpc)])?;
        assert_eq!(
            network,
            Network {
                rpc_addr: "127.0.0.1:8545".parse()?,
                validators: vec!["127.0.0.1:7470".parse()?, "127.0.0.1:7471".parse()?],
                threshold: 2,
            }
        );
        Ok(())
    }

    #[test]
    fn a_data_dir_without_chain_url_or_nodes_is_refused() {
        assert!(network_of(&[]).is_err());
        assert!(network_of(&[config("127.0.0.1:7470", None)]).is_err());
        assert!(network_of(&[config("[::1]:7470", Some("http://127.0.0.1:8545"))]).is_err());
    }
}
