//! `sigil-bench chain --data-dir DIR`: the chain of a devnet whose nodes run as separate
//! `sigil node` processes.
//!
//! `sigil devnet --data-dir DIR` deals the keys and writes `DIR/node-<i>/config.json`, each
//! naming its port and the chain RPC URL. Once that devnet is stopped, this serves a devchain
//! at that same RPC address, with those nodes as the Staking validators, so `sigil node
//! --config DIR/node-<i>/config.json` processes make the same network, each node in a process
//! of its own (its memory and CPU measurable alone), and the JS SDK connects to it as to any
//! devnet.

use alloy_primitives::{keccak256, Address};
use anyhow::Context as _;
use sigil_chain::{DevChain, DevChainConfig, RpcServer, ValidatorInfo};
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
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    runtime.block_on(serve(args))
}

async fn serve(args: Args) -> anyhow::Result<()> {
    // Caught before the chain starts, so a signal at any point ends in a clean shutdown.
    let mut stop = StopSignals::install()?;
    let block_time = Duration::from_millis(args.block_time_ms.max(10));
    let chain = serve_devnet_chain(&args.data_dir, block_time).await?;
    println!(
        "{READY_PREFIX}{} ({} validators)",
        chain.rpc.url(),
        chain.validators
    );
    let signal = stop.wait().await;
    eprintln!("{signal}: shutting down");
    chain.shutdown().await;
    Ok(())
}

/// The devchain of a stopped devnet data dir, served until [`ServedChain::shutdown`].
struct ServedChain {
    /// Held so the chain lives as long as it is served (block production holds it weakly).
    _chain: DevChain,
    rpc: RpcServer,
    blocks: tokio::task::JoinHandle<()>,
    validators: usize,
}

impl ServedChain {
    async fn shutdown(self) {
        self.rpc.shutdown().await;
        self.blocks.abort();
    }
}

/// Serves the devchain of the devnet dealt into `data_dir` at the RPC address its node configs
/// name, with those nodes as the Staking validators. Everything `chain` needs of the data dir
/// is here, so the whole of it can give way to a devnet library function doing the same.
async fn serve_devnet_chain(data_dir: &Path, block_time: Duration) -> anyhow::Result<ServedChain> {
    let network = read_network(data_dir)?;
    let chain = DevChain::open(DevChainConfig {
        block_time,
        data_dir: Some(data_dir.join("chain")),
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
    Ok(ServedChain {
        _chain: chain,
        rpc,
        blocks,
        validators: network.validators.len(),
    })
}

/// SIGINT (Ctrl-C) and SIGTERM, caught so the chain shuts down cleanly and exits 0.
struct StopSignals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

impl StopSignals {
    /// Starts catching the signals (must run inside the tokio runtime).
    fn install() -> std::io::Result<StopSignals> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(StopSignals {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    /// Waits for the first signal; returns its name.
    async fn wait(&mut self) -> &'static str {
        tokio::select! {
            _ = self.interrupt.recv() => "SIGINT",
            _ = self.terminate.recv() => "SIGTERM",
        }
    }
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
