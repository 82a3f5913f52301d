//! A whole local Lit network in one process: the devchain (served as JSON-RPC) and N nodes
//! holding shares of one BLS network key.
//!
//! # Data dir layout
//!
//! ```text
//! <data dir>/
//!   network.json            network public key, threshold, node count (public)
//!   chain/devchain.redb     minted capacity credits
//!   node-<i>/key-share.json the node's BLS key share (0600; the dealt secret key is not kept)
//!   node-<i>/node.redb      the node's rate-limit counters
//!   node-<i>/config.json    the node's NodeConfig (for `sigil node --config`)
//! ```
//!
//! Starting a devnet on a data dir that already holds `network.json` keeps the network key and
//! every node's counters; the node count and threshold must then match.

use crate::clock::{Clock, SystemClock};
use crate::config::NodeConfig;
use crate::error::NodeError;
use crate::keys;
use crate::server::{Node, RunningNode};
use crate::usage::DEFAULT_FREE_ALLOWANCE;
use alloy_primitives::{keccak256, Address};
use alloy_signer_local::PrivateKeySigner;
use serde::{Deserialize, Serialize};
use sigil_chain::{ChainView, DevChain, DevChainConfig, RpcServer, ValidatorInfo};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The devnet's funded-by-convention wallet: anvil's (and Hardhat's) account #0. Its key is
/// public knowledge; never send anything of value to it on a real network.
pub const DEV_WALLET_PRIVATE_KEY: &str =
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/// Address of [`DEV_WALLET_PRIVATE_KEY`].
pub const DEV_WALLET_ADDRESS: Address =
    alloy_primitives::address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");

/// Settings of a [`Devnet`].
#[derive(Clone)]
pub struct DevnetConfig {
    /// Number of nodes; default 3.
    pub nodes: usize,
    /// Shares needed to decrypt; default 2.
    pub threshold: usize,
    /// Port of the first node, the others on the next ports; 0 (default) = free ports.
    pub base_port: u16,
    /// Port of the chain JSON-RPC; 0 (default) = a free port.
    pub rpc_port: u16,
    /// Where keys, credits and counters live; `None` (default) = a temporary directory
    /// removed at shutdown.
    pub data_dir: Option<PathBuf>,
    /// Time between blocks; default 2 s.
    pub block_time: Duration,
    /// Requests per window every user gets from each node without credits.
    pub free_allowance: u64,
    /// Rate-limit window in seconds; default 1000.
    pub rate_limit_window_secs: u64,
    /// Clock the nodes judge session expiry and rate windows by; `None` = the system clock.
    pub clock: Option<Arc<dyn Clock>>,
}

impl Default for DevnetConfig {
    fn default() -> Self {
        DevnetConfig {
            nodes: 3,
            threshold: 2,
            base_port: 0,
            rpc_port: 0,
            data_dir: None,
            block_time: Duration::from_secs(2),
            free_allowance: DEFAULT_FREE_ALLOWANCE,
            rate_limit_window_secs: 1000,
            clock: None,
        }
    }
}

impl std::fmt::Debug for DevnetConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevnetConfig")
            .field("nodes", &self.nodes)
            .field("threshold", &self.threshold)
            .field("base_port", &self.base_port)
            .field("rpc_port", &self.rpc_port)
            .field("data_dir", &self.data_dir)
            .field("block_time", &self.block_time)
            .field("free_allowance", &self.free_allowance)
            .field("rate_limit_window_secs", &self.rate_limit_window_secs)
            .field("clock", &self.clock.as_ref().map(|_| "custom"))
            .finish()
    }
}

/// `network.json`: the public description of the dealt network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct NetworkFile {
    network_public_key: String,
    threshold: usize,
    nodes: usize,
}

struct NodeSlot {
    config: NodeConfig,
    url: String,
    running: Option<RunningNode>,
}

/// A running local network. See the [module docs](self).
pub struct Devnet {
    data_dir: PathBuf,
    _temp_dir: Option<tempfile::TempDir>,
    network: NetworkFile,
    chain: DevChain,
    rpc: Option<RpcServer>,
    block_production: tokio::task::JoinHandle<()>,
    nodes: Vec<NodeSlot>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Devnet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Devnet")
            .field("data_dir", &self.data_dir)
            .field("network_public_key", &self.network.network_public_key)
            .field("node_urls", &self.node_urls())
            .field("rpc_url", &self.rpc_url())
            .finish_non_exhaustive()
    }
}

const LOCALHOST: Ipv4Addr = Ipv4Addr::LOCALHOST;

impl Devnet {
    /// Starts the chain and the nodes; returns once every socket is bound.
    ///
    /// Must be called within a tokio runtime.
    ///
    /// ```
    /// use sigil_node::{Devnet, DevnetConfig};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let runtime = tokio::runtime::Runtime::new()?;
    /// runtime.block_on(async {
    ///     // Free ports, a temporary data dir.
    ///     let devnet = Devnet::start(DevnetConfig::default()).await?;
    ///     assert_eq!(devnet.node_urls().len(), 3);
    ///     assert_eq!(devnet.network_public_key().len(), 96);
    ///     assert!(devnet.rpc_url().starts_with("http://127.0.0.1:"));
    ///     devnet.shutdown().await;
    ///     Ok::<_, sigil_node::NodeError>(())
    /// })?;
    /// # Ok(()) }
    /// ```
    pub async fn start(config: DevnetConfig) -> Result<Devnet, NodeError> {
        if config.nodes == 0
            || config.nodes > 255
            || config.threshold < 2
            || config.threshold > config.nodes
        {
            return Err(NodeError::Config(format!(
                "a devnet needs 2 <= threshold <= nodes <= 255, got threshold {} of {}",
                config.threshold, config.nodes
            )));
        }
        if config.base_port != 0
            && usize::from(config.base_port).saturating_add(config.nodes) > 65_536
        {
            return Err(NodeError::Config(
                "the nodes' ports would run past 65535".into(),
            ));
        }
        let (data_dir, temp_dir) = match &config.data_dir {
            Some(dir) => (dir.clone(), None),
            None => {
                let temp = tempfile::Builder::new()
                    .prefix("sigil-devnet-")
                    .tempdir()
                    .map_err(|e| {
                        NodeError::io("creating a temporary data dir", std::env::temp_dir(), e)
                    })?;
                (temp.path().to_owned(), Some(temp))
            }
        };
        create_private_dir(&data_dir)?;

        let network = {
            let data_dir = data_dir.clone();
            let (nodes, threshold) = (config.nodes, config.threshold);
            tokio::task::spawn_blocking(move || load_or_deal(&data_dir, nodes, threshold))
                .await
                .map_err(|e| NodeError::internal("dealing keys", e))??
        };

        let chain = DevChain::open(DevChainConfig {
            block_time: config.block_time,
            data_dir: Some(data_dir.join("chain")),
            min_node_count: Some(u64::try_from(config.threshold).unwrap_or(u64::MAX)),
            ..DevChainConfig::default()
        })?;
        let block_production = chain.spawn_block_production();
        let rpc = chain
            .serve_rpc(SocketAddr::from((LOCALHOST, config.rpc_port)))
            .await?;
        let clock: Arc<dyn Clock> = config
            .clock
            .clone()
            .unwrap_or_else(|| Arc::new(SystemClock));

        let mut devnet = Devnet {
            data_dir,
            _temp_dir: temp_dir,
            network,
            chain,
            rpc: Some(rpc),
            block_production,
            nodes: Vec::with_capacity(config.nodes),
            clock,
        };
        for index in 0..config.nodes {
            let port = if config.base_port == 0 {
                0
            } else {
                u16::try_from(usize::from(config.base_port) + index).unwrap_or(0)
            };
            if let Err(error) = devnet.start_new_node(index, port, &config).await {
                devnet.shutdown().await;
                return Err(error);
            }
        }
        devnet.publish_validators();
        tracing::info!(nodes = config.nodes, threshold = config.threshold, rpc = %devnet.rpc_url(), "devnet ready");
        Ok(devnet)
    }

    async fn start_new_node(
        &mut self,
        index: usize,
        port: u16,
        config: &DevnetConfig,
    ) -> Result<(), NodeError> {
        let node_dir = node_dir(&self.data_dir, index);
        let mut node_config = NodeConfig {
            listen: SocketAddr::from((LOCALHOST, port)),
            external_address: None,
            key_share_file: node_dir.join(KEY_SHARE_FILE),
            network_public_key: self.network.network_public_key.clone(),
            threshold: u16::try_from(self.network.threshold).unwrap_or(u16::MAX),
            chain_rpc_url: None,
            data_dir: node_dir.clone(),
            free_allowance: config.free_allowance,
            rate_limit_window_secs: config.rate_limit_window_secs,
        };
        let running = Node::start_with_clock(
            node_config.clone(),
            self.chain_view(),
            Arc::clone(&self.clock),
        )
        .await?;
        // Pin the port actually bound, so a restart comes back where clients expect it.
        node_config.listen = running.local_addr();
        node_config.external_address = Some(running.local_addr().to_string());
        let mut file_config = node_config.clone();
        file_config.chain_rpc_url = Some(self.rpc_url());
        file_config.key_share_file = KEY_SHARE_FILE.into();
        file_config.data_dir = ".".into();
        file_config.save(&node_dir.join("config.json"))?;
        self.nodes.push(NodeSlot {
            config: node_config,
            url: running.url().to_owned(),
            running: Some(running),
        });
        Ok(())
    }

    fn chain_view(&self) -> Arc<dyn ChainView> {
        Arc::new(self.chain.clone())
    }

    /// The Staking contract lists every node of the devnet, stopped ones included (a stopped
    /// node is down, not unstaked: clients see it unreachable, as on Lit's networks).
    fn publish_validators(&self) {
        let validators = self
            .nodes
            .iter()
            .map(|slot| {
                let (ip, port) = match slot.config.listen {
                    SocketAddr::V4(v4) => (*v4.ip(), v4.port()),
                    SocketAddr::V6(v6) => (LOCALHOST, v6.port()),
                };
                ValidatorInfo {
                    ip,
                    port,
                    node_address: staking_node_address(&slot.url),
                }
            })
            .collect();
        self.chain.set_validators(validators);
    }

    /// Every node's URL (`http://127.0.0.1:<port>`), in share order, stopped nodes included.
    pub fn node_urls(&self) -> Vec<String> {
        self.nodes.iter().map(|slot| slot.url.clone()).collect()
    }

    /// The chain's JSON-RPC URL (the JS SDK's `rpcUrl`).
    pub fn rpc_url(&self) -> String {
        self.rpc.as_ref().map(RpcServer::url).unwrap_or_default()
    }

    /// The network's BLS public key, 96 hex characters (the handshake's `subnetPublicKey`).
    pub fn network_public_key(&self) -> &str {
        &self.network.network_public_key
    }

    /// Shares needed to decrypt.
    pub fn threshold(&self) -> usize {
        self.network.threshold
    }

    /// The Staking contract address the JS SDK's `contractContext` must name.
    pub fn staking_address(&self) -> Address {
        self.chain.staking_address()
    }

    /// The dev wallet ([`DEV_WALLET_PRIVATE_KEY`]).
    pub fn dev_wallet(&self) -> PrivateKeySigner {
        dev_wallet()
    }

    /// The chain (mint capacity credits with [`DevChain::mint_capacity_credits`]).
    pub fn chain(&self) -> &DevChain {
        &self.chain
    }

    /// The data dir (a temporary one unless configured).
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Node `index` if it is running.
    pub fn node(&self, index: usize) -> Option<&RunningNode> {
        self.nodes.get(index).and_then(|slot| slot.running.as_ref())
    }

    /// Stops node `index` (in-flight requests finish; its database is closed). Its URL stays
    /// in the validator set. Stopping a stopped node does nothing.
    pub async fn stop_node(&mut self, index: usize) -> Result<(), NodeError> {
        let slot = self
            .nodes
            .get_mut(index)
            .ok_or_else(|| no_such_node(index))?;
        if let Some(running) = slot.running.take() {
            running.shutdown().await;
        }
        Ok(())
    }

    /// Starts node `index` again on the same port, with the same key share and the same
    /// database (its counters as they were). Restarting a running node stops it first.
    pub async fn restart_node(&mut self, index: usize) -> Result<(), NodeError> {
        self.stop_node(index).await?;
        let chain = self.chain_view();
        let clock = Arc::clone(&self.clock);
        let slot = self
            .nodes
            .get_mut(index)
            .ok_or_else(|| no_such_node(index))?;
        let running = Node::start_with_clock(slot.config.clone(), chain, clock).await?;
        slot.running = Some(running);
        Ok(())
    }

    /// Stops every node, then the chain; waits for each to finish.
    pub async fn shutdown(mut self) {
        for slot in &mut self.nodes {
            if let Some(running) = slot.running.take() {
                running.shutdown().await;
            }
        }
        if let Some(rpc) = self.rpc.take() {
            rpc.shutdown().await;
        }
        self.block_production.abort();
        tracing::info!("devnet stopped");
    }
}

fn no_such_node(index: usize) -> NodeError {
    NodeError::Config(format!("the devnet has no node {index}"))
}

/// The dev wallet as a signer ([`DEV_WALLET_PRIVATE_KEY`]).
pub fn dev_wallet() -> PrivateKeySigner {
    // A constant, valid secp256k1 key: parsing it cannot fail (checked by a test).
    DEV_WALLET_PRIVATE_KEY
        .parse()
        .unwrap_or_else(|_| PrivateKeySigner::random())
}

const KEY_SHARE_FILE: &str = "key-share.json";

fn node_dir(data_dir: &Path, index: usize) -> PathBuf {
    data_dir.join(format!("node-{index}"))
}

/// The Staking `nodeAddress` of a devnet node: derived from its URL, so it is stable across
/// restarts and distinct per node. (Lit's is the node operator's wallet; the JS SDK only
/// decodes it.)
fn staking_node_address(url: &str) -> Address {
    Address::from_word(keccak256(format!("sigil-devnet-node:{url}")))
}

fn create_private_dir(dir: &Path) -> Result<(), NodeError> {
    std::fs::create_dir_all(dir).map_err(|e| NodeError::io("creating the data dir", dir, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| NodeError::io("restricting the data dir", dir, e))?;
    }
    Ok(())
}

/// Reads the dealt network from `data_dir`, or deals a new one and writes it (key shares
/// first, `network.json` last, so a crash mid-deal leaves no half network behind that looks
/// complete).
fn load_or_deal(data_dir: &Path, nodes: usize, threshold: usize) -> Result<NetworkFile, NodeError> {
    let network_path = data_dir.join("network.json");
    if network_path.exists() {
        let text = std::fs::read_to_string(&network_path)
            .map_err(|e| NodeError::io("reading the network file", &network_path, e))?;
        let network: NetworkFile = serde_json::from_str(&text)
            .map_err(|e| NodeError::Config(format!("{}: {e}", network_path.display())))?;
        if network.nodes != nodes || network.threshold != threshold {
            return Err(NodeError::Config(format!(
                "{} holds a {}-of-{} network; start with --nodes {} --threshold {} or another data dir",
                data_dir.display(),
                network.threshold,
                network.nodes,
                network.nodes,
                network.threshold
            )));
        }
        return Ok(network);
    }
    let (network_public_key, shares) = keys::deal(threshold, nodes)?;
    for (index, share) in shares.iter().enumerate() {
        let dir = node_dir(data_dir, index);
        create_private_dir(&dir)?;
        keys::write_secret_file(&dir.join(KEY_SHARE_FILE), share.as_str())?;
    }
    let network = NetworkFile {
        network_public_key,
        threshold,
        nodes,
    };
    let text = serde_json::to_string_pretty(&network)
        .map_err(|e| NodeError::internal("network file", e))?;
    std::fs::write(&network_path, text)
        .map_err(|e| NodeError::io("writing the network file", &network_path, e))?;
    Ok(network)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Compile-time proof that callers can move a devnet and its nodes across tasks.
    #[allow(dead_code)]
    fn devnet_and_nodes_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Devnet>();
        check::<crate::RunningNode>();
        check::<crate::NodeState>();
    }

    #[test]
    fn dev_wallet_is_anvils_first_account() {
        assert_eq!(dev_wallet().address(), DEV_WALLET_ADDRESS);
    }

    #[test]
    fn staking_node_addresses_differ_per_node() {
        assert_ne!(
            staking_node_address("http://127.0.0.1:1"),
            staking_node_address("http://127.0.0.1:2")
        );
    }
}
