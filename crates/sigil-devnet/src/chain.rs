//! The chain of a devnet data dir, alone: for a network whose nodes run as separate
//! `sigil node --config <data dir>/node-<i>/config.json` processes.

use crate::devnet::{serve_embedded_chain, NETWORK_CONTEXT_FILE};
use crate::error::DevnetError;
use crate::layout::{node_dir, NetworkFile, NETWORK_FILE};
use alloy_primitives::{keccak256, Address, B256};
use sigil_chain::evm::EmbeddedChain;
use sigil_chain::{RpcServer, ValidatorInfo};
use sigil_node::NodeConfig;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::time::Duration;

/// The Staking contract's entry for the node listening on `listen` with peer identity key
/// `communication_key`: the one place the validator set of a devnet is derived.
pub(crate) fn validator_of(listen: SocketAddr, communication_key: B256) -> ValidatorInfo {
    let (ip, port) = match listen {
        SocketAddr::V4(v4) => (*v4.ip(), v4.port()),
        // The Staking contract holds IPv4 only; a devnet listens on loopback.
        SocketAddr::V6(v6) => (Ipv4Addr::LOCALHOST, v6.port()),
    };
    ValidatorInfo {
        ip,
        port,
        node_address: staking_node_address(&format!("http://{listen}")),
        communication_key,
    }
}

/// The Staking `nodeAddress` of a devnet node: derived from its URL, so it is stable across
/// restarts and distinct per node. (Lit's is the node operator's wallet; the JS SDK only
/// decodes it.)
fn staking_node_address(url: &str) -> Address {
    Address::from_word(keccak256(format!("sigil-devnet-node:{url}")))
}

/// A devnet's embedded chain served by [`serve_chain_of`]. Dropping it stops the server without
/// waiting; prefer [`RunningChain::shutdown`].
#[derive(Debug)]
pub struct RunningChain {
    chain: EmbeddedChain,
    rpc: Option<RpcServer>,
    interval_mining: Option<tokio::task::JoinHandle<()>>,
    validator_count: usize,
}

impl RunningChain {
    /// The chain's JSON-RPC URL (the address the data dir's node configs name).
    pub fn url(&self) -> String {
        self.rpc.as_ref().map(RpcServer::url).unwrap_or_default()
    }

    /// The chain.
    pub fn chain(&self) -> &EmbeddedChain {
        &self.chain
    }

    /// How many nodes the data dir's configs name (the validators Staking lists).
    pub fn validator_count(&self) -> usize {
        self.validator_count
    }

    /// Stops serving (in-flight requests finish) and mining.
    pub async fn shutdown(mut self) {
        if let Some(mining) = self.interval_mining.take() {
            mining.abort();
            // Awaited so the task's handle on the chain's journal is gone when this returns.
            let _ = mining.await;
        }
        if let Some(rpc) = self.rpc.take() {
            rpc.shutdown().await;
        }
        self.chain.close().await;
    }
}

impl Drop for RunningChain {
    fn drop(&mut self) {
        if let Some(mining) = &self.interval_mining {
            mining.abort();
        }
    }
}

/// Serves the embedded chain of the devnet data dir `data_dir` (one a `sigil devnet --data-dir`
/// made on its embedded chain, now stopped) at the RPC address its node configs name: its
/// contracts, validators, PKPs and credits as the devnet left them. `sigil node --config
/// <data_dir>/node-<i>/config.json` processes then make the same network as the devnet did, each
/// node in a process of its own.
///
/// Must be called within a tokio runtime.
pub async fn serve_chain_of(
    data_dir: &Path,
    block_time: Duration,
) -> Result<RunningChain, DevnetError> {
    let network_path = data_dir.join(NETWORK_FILE);
    let text = std::fs::read_to_string(&network_path)
        .map_err(|e| DevnetError::io("reading the network file", &network_path, e))?;
    let network: NetworkFile = serde_json::from_str(&text)
        .map_err(|e| DevnetError::Config(format!("{}: {e}", network_path.display())))?;
    let configs = (0..network.nodes)
        .map(|index| NodeConfig::load(&node_dir(data_dir, index).join("config.json")))
        .collect::<Result<Vec<_>, _>>()?;
    let rpc_url = configs
        .first()
        .and_then(|config| config.chain_rpc_url.as_deref())
        .ok_or_else(|| {
            DevnetError::Config(format!("{}: node-0 has no chainRpcUrl", data_dir.display()))
        })?;
    let rpc_addr: SocketAddr = rpc_url
        .strip_prefix("http://")
        .unwrap_or(rpc_url)
        .trim_end_matches('/')
        .parse()
        .map_err(|_| {
            DevnetError::Config(format!("chainRpcUrl {rpc_url} is not http://<ip>:<port>"))
        })?;
    if !data_dir.join(NETWORK_CONTEXT_FILE).exists() || !data_dir.join("chain").exists() {
        return Err(DevnetError::Config(format!(
            "{} holds no embedded chain (a devnet on an external chain keeps its chain there)",
            data_dir.display()
        )));
    }
    let (chain, rpc) = serve_embedded_chain(data_dir, rpc_addr).await?;
    let interval_mining = chain.spawn_interval_mining(block_time);
    tracing::info!(rpc = %rpc.url(), validators = configs.len(), "chain of {} ready", data_dir.display());
    Ok(RunningChain {
        chain,
        rpc: Some(rpc),
        interval_mining: Some(interval_mining),
        validator_count: configs.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staking_node_addresses_differ_per_node() {
        assert_ne!(
            validator_of(
                "127.0.0.1:1".parse().unwrap_or_else(|e| panic!("{e}")),
                B256::ZERO
            )
            .node_address,
            validator_of(
                "127.0.0.1:2".parse().unwrap_or_else(|e| panic!("{e}")),
                B256::ZERO
            )
            .node_address
        );
    }
}
