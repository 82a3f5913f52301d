//! A whole local Lit network in one process: an EVM chain with Sigil's contracts (embedded and
//! served as JSON-RPC, or any external one) and N nodes holding shares of one BLS network key.
//!
//! # Data dir layout
//!
//! ```text
//! <data dir>/
//!   network.json            network public key, threshold, node count (public)
//!   network-context.json    every contract's address and ABI (Lit's networkContext.json)
//!   chain/embedded-evm.redb the embedded chain's journal (every block, contract, PKP, credit)
//!   node-<i>/key-share.json the node's BLS key share (0600; the nodes generate the network key
//!                           together, so no process ever holds it whole)
//!   node-<i>/ecdsa-root-shares.json the node's root ECDSA key shares (0600, likewise)
//!   node-<i>/node.redb      the node's rate-limit counters
//!   node-<i>/config.json    the node's NodeConfig (for `sigil node --config`)
//!   ready.json              Devnet::info while the devnet serves, if the CLI wrote it (public)
//! ```
//!
//! Starting a devnet on a data dir that already holds `network.json` keeps the network key and
//! every node's counters; the node count and threshold must then match.

use crate::chain::validator_of;
use crate::error::DevnetError;
use crate::ipfs::IpfsGateway;
use crate::layout::{
    self, create_private_dir, node_dir, NetworkFile, KEY_SHARE_FILE, ROOT_KEY_SHARES_FILE,
};
use crate::wallet::{dev_wallet, DEV_WALLET_ADDRESS, DEV_WALLET_PRIVATE_KEY};
use alloy_primitives::Address;
use alloy_provider::{DynProvider, Provider, ProviderBuilder};
use alloy_signer_local::PrivateKeySigner;
use serde::Serialize;
use sigil_chain::evm::{
    self, DeployOptions, EmbeddedChain, EvmChain, EvmChainConfig, NetworkContext,
};
use sigil_chain::{Block, CapacityCredit, ChainView, RpcServer};
use sigil_node::{
    ActionsConfig, Clock, Node, NodeConfig, PoapConfig, ReadLimits, RunningNode, SystemClock,
    DEFAULT_FREE_ALLOWANCE,
};
use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// `ready.json`: [`Devnet::info`] as JSON, written in the data dir once the devnet serves
/// (see [`Devnet::write_ready_file`]).
pub const READY_FILE: &str = "ready.json";

/// `network-context.json`: where the contracts are (see [`sigil_chain::evm::NetworkContext`]).
pub const NETWORK_CONTEXT_FILE: &str = "network-context.json";

/// The directory in the data dir the IPFS gateway keeps its files in.
const IPFS_DIR: &str = "ipfs";

/// An EVM chain for the devnet's contracts, instead of the embedded one.
#[derive(Clone)]
pub struct ExternalChain {
    /// The chain's JSON-RPC URL.
    pub rpc_url: String,
    /// Deploys the contracts and owns them (sets the validators); needs gas on that chain.
    pub deployer: PrivateKeySigner,
}

impl std::fmt::Debug for ExternalChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExternalChain")
            .field("rpc_url", &self.rpc_url)
            .field("deployer", &self.deployer.address())
            .finish()
    }
}

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
    /// The embedded chain mines an empty block after this long without a transaction (it also
    /// mines every transaction at once); default 2 s. Ignored on an external chain.
    pub block_time: Duration,
    /// Requests per window every user gets from each node without credits.
    pub free_allowance: u64,
    /// Rate-limit window in seconds; default 1000.
    pub rate_limit_window_secs: u64,
    /// Clock the nodes judge session expiry and rate windows by; `None` = the system clock.
    pub clock: Option<Arc<dyn Clock>>,
    /// Run on this EVM chain, with Sigil's contracts deployed to it (reused when the data dir's
    /// `network-context.json` names contracts that are there). `None` (default): an EVM chain
    /// embedded in the process (revm, served as JSON-RPC on `rpc_port`, its state journaled in
    /// `<data dir>/chain`), the contracts deployed by the dev wallet.
    pub external_chain: Option<ExternalChain>,
    /// Chains conditions may read, by Lit's name, that point elsewhere than the devnet's own
    /// chain (which every other EVM chain name of [`sigil_wire::LIT_EVM_CHAINS`] reads).
    pub chain_rpcs: BTreeMap<String, String>,
    /// Bounds on the chain reads of one request's conditions.
    pub condition_read_limits: ReadLimits,
    /// Triple pairs each node keeps ready for the PKP signatures it leads (0: made when a
    /// signature needs one; generating them takes CPU in the background).
    pub triple_pool_size: usize,
    /// How the nodes run Lit Actions (limits, workers); default Lit's limits. Without an IPFS
    /// gateway of its own, the nodes fetch code by IPFS id from the devnet's.
    pub actions: ActionsConfig,
    /// Port of the devnet's IPFS gateway and add API; 0 (default) = a free port.
    pub ipfs_port: u16,
    /// The POAP API `POAP` conditions ask; default POAP's own, with the key from
    /// `POAP_API_KEY`.
    pub poap: PoapConfig,
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
            external_chain: None,
            chain_rpcs: BTreeMap::new(),
            condition_read_limits: ReadLimits {
                per_read: Duration::from_secs(5),
                per_request: Duration::from_secs(10),
                cache_entries: 4096,
            },
            triple_pool_size: 0,
            actions: ActionsConfig::default(),
            poap: PoapConfig::default(),
            ipfs_port: 0,
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
            .field("external_chain", &self.external_chain)
            // Names only: an RPC URL may carry an API key.
            .field("chain_rpcs", &self.chain_rpcs.keys().collect::<Vec<_>>())
            .field("condition_read_limits", &self.condition_read_limits)
            .finish()
    }
}

struct NodeSlot {
    config: NodeConfig,
    /// The node's peer identity key (kept in its data dir, so the same across restarts).
    identity_key: alloy_primitives::B256,
    url: String,
    running: Option<RunningNode>,
}

/// The chain under a devnet: Sigil's contracts on an EVM chain.
struct ChainBackend {
    /// The chain, when it is embedded in this process.
    embedded: Option<EmbeddedBackend>,
    rpc_url: String,
    /// Sends the deployer's transactions.
    provider: DynProvider,
    context: NetworkContext,
    view: EvmChain,
}

struct EmbeddedBackend {
    chain: EmbeddedChain,
    server: RpcServer,
    interval_mining: tokio::task::JoinHandle<()>,
}

/// A running local network. See the [module docs](self).
pub struct Devnet {
    data_dir: PathBuf,
    _temp_dir: Option<tempfile::TempDir>,
    network: NetworkFile,
    chain: ChainBackend,
    nodes: Vec<NodeSlot>,
    clock: Arc<dyn Clock>,
    ipfs: Option<IpfsGateway>,
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

/// How long a devnet start waits for its nodes' root keys (generated in well under a second on a
/// fresh network; a retry after a failed run takes the peer timeout).
const ROOT_KEY_GENERATION_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

impl Devnet {
    /// Starts the chain and the nodes; returns once every socket is bound.
    ///
    /// Must be called within a tokio runtime.
    ///
    /// ```
    /// use sigil_devnet::{Devnet, DevnetConfig};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let runtime = tokio::runtime::Runtime::new()?;
    /// runtime.block_on(async {
    ///     // Free ports, a temporary data dir.
    ///     let devnet = Devnet::start(DevnetConfig::default()).await?;
    ///     assert_eq!(devnet.node_urls().len(), 3);
    ///     assert_eq!(devnet.network_public_key().len(), 96);
    ///     assert!(devnet.rpc_url().starts_with("http://127.0.0.1:"));
    ///     devnet.shutdown().await;
    ///     Ok::<_, sigil_devnet::DevnetError>(())
    /// })?;
    /// # Ok(()) }
    /// ```
    pub async fn start(config: DevnetConfig) -> Result<Devnet, DevnetError> {
        if config.nodes == 0
            || config.nodes > 255
            || config.threshold < 2
            || config.threshold > config.nodes
        {
            return Err(DevnetError::Config(format!(
                "a devnet needs 2 <= threshold <= nodes <= 255, got threshold {} of {}",
                config.threshold, config.nodes
            )));
        }
        if config.base_port != 0
            && usize::from(config.base_port).saturating_add(config.nodes) > 65_536
        {
            return Err(DevnetError::Config(
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
                        DevnetError::io("creating a temporary data dir", std::env::temp_dir(), e)
                    })?;
                (temp.path().to_owned(), Some(temp))
            }
        };
        create_private_dir(&data_dir)?;
        // A ready file left by an earlier run must not be taken for this one.
        remove_ready_file(&data_dir);

        if config.threshold < 2 || config.threshold > config.nodes || config.nodes > 255 {
            return Err(DevnetError::Config(format!(
                "invalid threshold {} of {}: need 2 <= threshold <= nodes <= 255",
                config.threshold, config.nodes
            )));
        }
        // Recorded once the nodes have generated the network key; until then its key is empty.
        let network = layout::load_network(&data_dir, config.nodes, config.threshold)?.unwrap_or(
            NetworkFile {
                network_public_key: String::new(),
                threshold: config.threshold,
                nodes: config.nodes,
            },
        );

        let threshold = u64::try_from(network.threshold).unwrap_or(u64::MAX);
        let chain = match &config.external_chain {
            None => {
                let (embedded, server) =
                    serve_embedded_chain(&data_dir, SocketAddr::from((LOCALHOST, config.rpc_port)))
                        .await?;
                let external = ExternalChain {
                    rpc_url: server.url(),
                    deployer: dev_wallet(),
                };
                // The chain derives PKP keys natively, as Lit's does.
                let deriver = Some(evm::HD_KEY_DERIVER_PRECOMPILE);
                let mut backend = match connect(&external, &data_dir, threshold, deriver).await {
                    Ok(backend) => backend,
                    Err(error) => {
                        server.shutdown().await;
                        return Err(error);
                    }
                };
                backend.embedded = Some(EmbeddedBackend {
                    interval_mining: embedded.spawn_interval_mining(config.block_time),
                    chain: embedded,
                    server,
                });
                backend
            }
            Some(external) => connect(external, &data_dir, threshold, None).await?,
        };
        let clock: Arc<dyn Clock> = config
            .clock
            .clone()
            .unwrap_or_else(|| Arc::new(SystemClock));

        let ipfs = IpfsGateway::serve(
            data_dir.join(IPFS_DIR),
            SocketAddr::from((LOCALHOST, config.ipfs_port)),
        )
        .await;
        let mut devnet = Devnet {
            data_dir,
            _temp_dir: temp_dir,
            network,
            chain,
            nodes: Vec::with_capacity(config.nodes),
            clock,
            ipfs: None,
        };
        match ipfs {
            Ok(ipfs) => devnet.ipfs = Some(ipfs),
            Err(error) => {
                devnet.shutdown().await;
                return Err(error);
            }
        }
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
        if let Err(error) = devnet.publish_validators().await {
            devnet.shutdown().await;
            return Err(error);
        }
        if let Err(error) = devnet.register_root_keys().await {
            devnet.shutdown().await;
            return Err(error);
        }
        if let Err(error) = devnet.record_network_key().await {
            devnet.shutdown().await;
            return Err(error);
        }
        tracing::info!(nodes = config.nodes, threshold = config.threshold, rpc = %devnet.rpc_url(), "devnet ready");
        Ok(devnet)
    }

    async fn start_new_node(
        &mut self,
        index: usize,
        port: u16,
        config: &DevnetConfig,
    ) -> Result<(), DevnetError> {
        let node_dir = node_dir(&self.data_dir, index);
        // The node writes its key shares here.
        create_private_dir(&node_dir)?;
        let mut node_config = NodeConfig {
            listen: SocketAddr::from((LOCALHOST, port)),
            external_address: None,
            key_share_file: node_dir.join(KEY_SHARE_FILE),
            root_key_shares_file: Some(node_dir.join(ROOT_KEY_SHARES_FILE)),
            network_public_key: Some(self.network.network_public_key.clone())
                .filter(|key| !key.is_empty()),
            threshold: u16::try_from(self.network.threshold).unwrap_or(u16::MAX),
            chain_rpc_url: None,
            contract_resolver: None,
            validator_staleness_secs: 10,
            peer_timeout_ms: 5_000,
            triple_pool_size: config.triple_pool_size,
            triple_generation_pause_ms: 0,
            chains: condition_chains(&self.rpc_url(), &config.chain_rpcs),
            condition_read_timeout_ms: millis(config.condition_read_limits.per_read),
            condition_reads_budget_ms: millis(config.condition_read_limits.per_request),
            condition_read_cache_entries: config.condition_read_limits.cache_entries,
            data_dir: node_dir.clone(),
            free_allowance: config.free_allowance,
            rate_limit_window_secs: config.rate_limit_window_secs,
            actions: ActionsConfig {
                ipfs_gateway: config
                    .actions
                    .ipfs_gateway
                    .clone()
                    .or_else(|| self.ipfs.as_ref().map(IpfsGateway::gateway_url)),
                ..config.actions.clone()
            },
            poap: config.poap.clone(),
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
        file_config.contract_resolver = self.chain.context.address("ContractResolver");
        file_config.key_share_file = KEY_SHARE_FILE.into();
        file_config.root_key_shares_file = Some(ROOT_KEY_SHARES_FILE.into());
        file_config.data_dir = ".".into();
        file_config.save(&node_dir.join("config.json"))?;
        self.nodes.push(NodeSlot {
            identity_key: running.state().peers().identity_key(),
            config: node_config,
            url: running.url().to_owned(),
            running: Some(running),
        });
        Ok(())
    }

    fn chain_view(&self) -> Arc<dyn ChainView> {
        Arc::new(self.chain.view.clone())
    }

    /// The Staking contract lists every node of the devnet, stopped ones included (a stopped
    /// node is down, not unstaked: clients see it unreachable, as on Lit's networks).
    async fn publish_validators(&self) -> Result<(), DevnetError> {
        let validators: Vec<_> = self
            .nodes
            .iter()
            .map(|slot| validator_of(slot.config.listen, slot.identity_key))
            .collect();
        let staking = self.chain.context.require("Staking").map_err(chain_error)?;
        evm::set_validators(&self.chain.provider, staking, &validators)
            .await
            .map_err(chain_error)?;
        self.chain
            .view
            .reload_validator_set()
            .await
            .map_err(chain_error)?;
        Ok(())
    }

    /// Waits for the nodes' shares of the BLS network key (generated among them with the root
    /// keys at a network's first start, loaded after); every node must report the same key.
    /// The first time, records it in `network.json`.
    async fn record_network_key(&mut self) -> Result<(), DevnetError> {
        let mut reported: Option<String> = None;
        for slot in &self.nodes {
            let Some(running) = &slot.running else {
                continue;
            };
            let key = tokio::time::timeout(
                ROOT_KEY_GENERATION_TIMEOUT,
                running.state().network_key_ready(),
            )
            .await
            .map_err(|_| {
                DevnetError::KeyMaterial(format!(
                    "node {} did not get its share of the network key within {} s",
                    slot.url,
                    ROOT_KEY_GENERATION_TIMEOUT.as_secs()
                ))
            })?;
            match &reported {
                Some(earlier) if *earlier != key => {
                    return Err(DevnetError::KeyMaterial(format!(
                        "node {} holds a share of another network key than its peers",
                        slot.url
                    )))
                }
                Some(_) => {}
                None => reported = Some(key),
            }
        }
        let Some(key) = reported else {
            return Ok(());
        };
        if self.network.network_public_key.is_empty() {
            self.network.network_public_key = key;
            layout::write_network(&self.data_dir, &self.network)?;
        } else if self.network.network_public_key != key {
            return Err(DevnetError::KeyMaterial(
                "the nodes' network key is not the one network.json records".into(),
            ));
        }
        Ok(())
    }

    /// Waits for the nodes' root ECDSA keys (generated among them at a network's first start,
    /// loaded after) and registers them in PubkeyRouter unless the chain has them already: PKP
    /// keys derive from them. Every node must report the same keys, and so must the chain.
    async fn register_root_keys(&self) -> Result<(), DevnetError> {
        let mut reported: Option<Vec<String>> = None;
        for slot in &self.nodes {
            let Some(running) = &slot.running else {
                continue;
            };
            let keys = tokio::time::timeout(
                ROOT_KEY_GENERATION_TIMEOUT,
                running.state().root_keys_ready(),
            )
            .await
            .map_err(|_| {
                DevnetError::KeyMaterial(format!(
                    "node {} did not get its root key shares within {} s",
                    slot.url,
                    ROOT_KEY_GENERATION_TIMEOUT.as_secs()
                ))
            })?;
            match &reported {
                Some(earlier) if *earlier != keys => {
                    return Err(DevnetError::KeyMaterial(format!(
                        "node {} holds shares of other root keys than its peers",
                        slot.url
                    )))
                }
                Some(_) => {}
                None => reported = Some(keys),
            }
        }
        let Some(keys) = reported else {
            return Ok(());
        };
        let keys: Vec<Vec<u8>> = keys
            .iter()
            .map(|key| {
                alloy_primitives::hex::decode(key)
                    .map_err(|e| DevnetError::KeyMaterial(e.to_string()))
            })
            .collect::<Result<_, _>>()?;
        let on_chain = evm::root_keys(&self.chain.provider, &self.chain.context)
            .await
            .map_err(chain_error)?;
        if on_chain.is_empty() {
            evm::set_root_keys(&self.chain.provider, &self.chain.context, &keys)
                .await
                .map_err(chain_error)?;
        } else if on_chain != keys {
            return Err(DevnetError::KeyMaterial(
                "the chain's root keys are not the nodes' (a data dir of another network?)".into(),
            ));
        }
        Ok(())
    }

    /// Every node's URL (`http://127.0.0.1:<port>`), in share order, stopped nodes included.
    pub fn node_urls(&self) -> Vec<String> {
        self.nodes.iter().map(|slot| slot.url.clone()).collect()
    }

    /// The chain's JSON-RPC URL (the JS SDK's `rpcUrl`).
    pub fn rpc_url(&self) -> String {
        self.chain.rpc_url.clone()
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
        self.chain.context.address("Staking").unwrap_or_default()
    }

    /// The dev wallet ([`DEV_WALLET_PRIVATE_KEY`]).
    pub fn dev_wallet(&self) -> PrivateKeySigner {
        dev_wallet()
    }

    /// The embedded chain; `None` on an external chain.
    pub fn embedded_chain(&self) -> Option<&EmbeddedChain> {
        self.chain.embedded.as_ref().map(|embedded| &embedded.chain)
    }

    /// The latest block the nodes know of (its hash is the SIWE nonce clients sign).
    pub fn latest_block(&self) -> Block {
        self.chain_view().latest_block()
    }

    /// Mines an empty block (`evm_mine`, which anvil and the embedded chain answer) and returns
    /// it once the nodes know of it.
    pub async fn mine_block(&self) -> Result<Block, DevnetError> {
        let _: serde_json::Value = self
            .chain
            .provider
            .raw_request("evm_mine".into(), ())
            .await
            .map_err(|e| chain_error(evm::EvmError::from(e)))?;
        self.chain.view.refresh().await.map_err(chain_error)?;
        Ok(self.latest_block())
    }

    /// Mints a capacity credit as its owner does (`RateLimitNFT.mint`, paying `calculateCost`,
    /// as `LitContracts.mintCapacityCreditsNFT` with these arguments), the deployer first sending
    /// `owner` the ether it needs when it has less, and returns it once the nodes count it.
    pub async fn mint_capacity_credit(
        &self,
        owner: &PrivateKeySigner,
        requests_per_kilosecond: u64,
        days_until_utc_midnight_expiration: u64,
    ) -> Result<CapacityCredit, DevnetError> {
        let (requests_per_kilosecond, expires_at) = sigil_chain::MintRequest {
            requests_per_kilosecond: Some(requests_per_kilosecond),
            days_until_utc_midnight_expiration: Some(days_until_utc_midnight_expiration),
            ..Default::default()
        }
        .resolve(self.latest_block().timestamp)
        .map_err(|e| DevnetError::Config(e.to_string()))?;
        let evm_error = |e| chain_error(evm::EvmError::from(e));
        let rate_limit_nft = self
            .chain
            .context
            .require("RateLimitNFT")
            .map_err(chain_error)?;
        let cost = evm::contracts::RateLimitNFT::new(rate_limit_nft, &self.chain.provider)
            .calculateCost(
                alloy_primitives::U256::from(requests_per_kilosecond),
                alloy_primitives::U256::from(expires_at),
            )
            .call()
            .await
            .map_err(|e| chain_error(evm::EvmError::from(e)))?;
        // The price and one ether for gas.
        let gas_money = alloy_primitives::U256::from(10u64).pow(alloy_primitives::U256::from(18));
        evm::top_up(&self.chain.provider, owner.address(), cost + gas_money)
            .await
            .map_err(chain_error)?;
        let as_owner = ProviderBuilder::new()
            .wallet(owner.clone())
            .connect(&self.chain.rpc_url)
            .await
            .map_err(evm_error)?;
        let credit = evm::mint_capacity_credit(
            &as_owner,
            &self.chain.context,
            requests_per_kilosecond,
            expires_at,
        )
        .await
        .map_err(chain_error)?;
        self.chain.view.refresh().await.map_err(chain_error)?;
        Ok(credit)
    }

    /// Where the contracts are: `<data dir>/network-context.json`.
    pub fn network_context_path(&self) -> PathBuf {
        self.data_dir.join(NETWORK_CONTEXT_FILE)
    }

    /// The contracts.
    pub fn network_context(&self) -> &NetworkContext {
        &self.chain.context
    }

    /// The devnet's IPFS gateway (code by IPFS id for the nodes, `add` for users).
    pub fn ipfs_gateway(&self) -> Option<&IpfsGateway> {
        self.ipfs.as_ref()
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
    pub async fn stop_node(&mut self, index: usize) -> Result<(), DevnetError> {
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
    pub async fn restart_node(&mut self, index: usize) -> Result<(), DevnetError> {
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

    /// What a script needs to use the running devnet; `sigil devnet --json` prints it.
    pub fn info(&self) -> DevnetInfo {
        DevnetInfo {
            node_urls: self.node_urls(),
            chain_rpc_url: self.rpc_url(),
            staking_address: self.staking_address(),
            chain_id: self.chain_view().chain_id(),
            network_context: self.network_context_path(),
            network_public_key: self.network.network_public_key.clone(),
            threshold: self.network.threshold,
            data_dir: self.data_dir.clone(),
            dev_wallet: DevWalletInfo {
                address: DEV_WALLET_ADDRESS,
                private_key: DEV_WALLET_PRIVATE_KEY,
            },
            ipfs_api_url: self.ipfs.as_ref().map(IpfsGateway::api_url),
            ipfs_gateway_url: self.ipfs.as_ref().map(IpfsGateway::gateway_url),
        }
    }

    /// Writes [`Devnet::info`] to `<data dir>/ready.json` (0644, replaced atomically, so a
    /// script polling for it never reads half a file). It is removed again at
    /// [`Devnet::shutdown`] and when a devnet starts on the data dir. Returns its path.
    pub fn write_ready_file(&self) -> Result<PathBuf, DevnetError> {
        let path = self.data_dir.join(READY_FILE);
        let partial = self.data_dir.join(format!("{READY_FILE}.partial"));
        let text = serde_json::to_string_pretty(&self.info())
            .map_err(|e| DevnetError::internal("ready file", e))?;
        std::fs::write(&partial, text + "\n")
            .map_err(|e| DevnetError::io("writing the ready file", &partial, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&partial, std::fs::Permissions::from_mode(0o644))
                .map_err(|e| DevnetError::io("writing the ready file", &partial, e))?;
        }
        std::fs::rename(&partial, &path)
            .map_err(|e| DevnetError::io("writing the ready file", &path, e))?;
        Ok(path)
    }

    /// Stops every node, then the chain; waits for each to finish.
    pub async fn shutdown(mut self) {
        remove_ready_file(&self.data_dir);
        for slot in &mut self.nodes {
            if let Some(running) = slot.running.take() {
                running.shutdown().await;
            }
        }
        if let Some(ipfs) = self.ipfs.take() {
            ipfs.shutdown().await;
        }
        if let Some(embedded) = self.chain.embedded.take() {
            embedded.server.shutdown().await;
            embedded.interval_mining.abort();
            // Awaited so the task's handle on the chain's journal is gone when this returns.
            let _ = embedded.interval_mining.await;
            embedded.chain.close().await;
        }
        tracing::info!("devnet stopped");
    }
}

/// [`Devnet::info`]: the running devnet as `sigil devnet --json` prints it (camelCase keys).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DevnetInfo {
    /// Every node's URL, in share order.
    pub node_urls: Vec<String>,
    /// The chain's JSON-RPC URL (the JS SDK's `rpcUrl`).
    pub chain_rpc_url: String,
    /// The Staking contract (the JS SDK's `contractContext.Staking.address`).
    #[serde(serialize_with = "checksummed")]
    pub staking_address: Address,
    /// The chain's EIP-155 id.
    pub chain_id: u64,
    /// `network-context.json` (every contract's address and ABI).
    pub network_context: PathBuf,
    /// The network's BLS public key, 96 hex characters.
    pub network_public_key: String,
    /// Shares needed to decrypt.
    pub threshold: usize,
    /// The data dir.
    pub data_dir: PathBuf,
    /// The dev wallet, private key included.
    pub dev_wallet: DevWalletInfo,
    /// Where `sigil actions add` posts a Lit Action's code (`POST <url>/api/v0/add`).
    pub ipfs_api_url: Option<String>,
    /// The IPFS gateway the nodes fetch code by IPFS id from (`<url><cid>`).
    pub ipfs_gateway_url: Option<String>,
}

/// The dev wallet in [`DevnetInfo`]. Its private key is included on purpose: it is anvil's
/// account #0, public knowledge (also printed on the `sigil devnet` banner), and scripts need a
/// funded-by-convention key. Never use it on a real network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DevWalletInfo {
    /// [`DEV_WALLET_ADDRESS`].
    #[serde(serialize_with = "checksummed")]
    pub address: Address,
    /// [`DEV_WALLET_PRIVATE_KEY`].
    pub private_key: &'static str,
}

/// EIP-55 mixed case, as the banner prints addresses (serde's default is lowercase).
fn checksummed<S: serde::Serializer>(address: &Address, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&address.to_checksum(None))
}

/// Opens the embedded chain kept in `<data_dir>/chain` (a new one if there is none) and serves
/// it on `addr`.
pub(crate) async fn serve_embedded_chain(
    data_dir: &Path,
    addr: SocketAddr,
) -> Result<(EmbeddedChain, RpcServer), DevnetError> {
    let chain_dir = data_dir.join("chain");
    let embedded = tokio::task::spawn_blocking(move || {
        EmbeddedChain::open(sigil_chain::DEFAULT_DEVCHAIN_CHAIN_ID, &chain_dir)
    })
    .await
    .map_err(|e| DevnetError::internal("opening the chain", e))??;
    let server = embedded.serve_rpc(addr).await?;
    Ok((embedded, server))
}

/// Connects to the chain and finds the devnet's contracts on it: those the data dir's
/// `network-context.json` names when they are there (a restart), or freshly deployed ones with
/// the nodes' root keys registered, `threshold` as Staking's consensus count and `key_deriver`
/// (`None`: the KeyDeriver contract) deriving PKP keys.
async fn connect(
    external: &ExternalChain,
    data_dir: &Path,
    threshold: u64,
    key_deriver: Option<Address>,
) -> Result<ChainBackend, DevnetError> {
    let provider = ProviderBuilder::new()
        .wallet(external.deployer.clone())
        .connect(&external.rpc_url)
        .await
        .map_err(|e| chain_error(evm::EvmError::from(e)))?;
    let context_path = data_dir.join(NETWORK_CONTEXT_FILE);
    let mut context = None;
    if context_path.exists() {
        let saved = NetworkContext::load(&context_path).map_err(chain_error)?;
        let resolver = saved.require("ContractResolver").map_err(chain_error)?;
        let code = provider
            .get_code_at(resolver)
            .await
            .map_err(|e| chain_error(evm::EvmError::from(e)))?;
        if code.is_empty() {
            tracing::warn!(%resolver, "the saved contracts are not on this chain; deploying anew");
        } else {
            context = Some(saved);
        }
    }
    let context = match context {
        Some(context) => context,
        None => {
            let now = provider
                .get_block_by_number(Default::default())
                .await
                .map_err(|e| chain_error(evm::EvmError::from(e)))?
                .map_or(0, |block| block.header.timestamp);
            let options = DeployOptions {
                pkp_mint_cost: alloy_primitives::U256::from(1),
                key_deriver,
                first_epoch: Some(first_epoch(now)),
                consensus_threshold: Some(threshold),
                ..DeployOptions::default()
            };
            let mut context = evm::deploy(&provider, &options)
                .await
                .map_err(chain_error)?;
            // Tokens to try token-gated conditions with, minted by the deployer.
            evm::deploy_demo_tokens(&provider, &mut context)
                .await
                .map_err(chain_error)?;
            context.save(&context_path).map_err(chain_error)?;
            context
        }
    };
    let provider = provider.erased();
    let resolver = context.require("ContractResolver").map_err(chain_error)?;
    let view = EvmChain::connect(EvmChainConfig::new(external.rpc_url.clone(), resolver))
        .await
        .map_err(chain_error)?;
    Ok(ChainBackend {
        embedded: None,
        rpc_url: external.rpc_url.clone(),
        provider,
        context,
        view,
    })
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// The chains a devnet's conditions read: every Lit EVM chain name on the devnet's own chain,
/// except those `overrides` points elsewhere.
fn condition_chains(
    own_rpc_url: &str,
    overrides: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut chains: BTreeMap<String, String> = sigil_wire::LIT_EVM_CHAINS
        .iter()
        .map(|name| ((*name).to_owned(), own_rpc_url.to_owned()))
        .collect();
    chains.extend(overrides.clone());
    chains
}

/// A devnet's first epoch: number 3, from which the JS SDK sends `number - 1` during an epoch's
/// first 45 s (so the nodes' acceptance of both is exercised, as on Lit's networks), one hour
/// long from `now`.
fn first_epoch(now: u64) -> sigil_chain::staking::EpochInfo {
    const EPOCH_LENGTH: u64 = 3600;
    sigil_chain::staking::EpochInfo {
        epoch_length: EPOCH_LENGTH,
        number: 3,
        end_time: now + EPOCH_LENGTH,
        retries: 0,
        timeout: 60,
    }
}

fn chain_error(error: evm::EvmError) -> DevnetError {
    DevnetError::Evm(error.to_string())
}

fn remove_ready_file(data_dir: &Path) {
    let path = data_dir.join(READY_FILE);
    if let Err(error) = std::fs::remove_file(&path) {
        if error.kind() != std::io::ErrorKind::NotFound {
            tracing::warn!(%error, path = %path.display(), "could not remove the ready file");
        }
    }
}

fn no_such_node(index: usize) -> DevnetError {
    DevnetError::Config(format!("the devnet has no node {index}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Compile-time proof that callers can move a devnet and its nodes across tasks.
    #[allow(dead_code)]
    fn devnet_and_nodes_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Devnet>();
        check::<sigil_node::RunningNode>();
        check::<sigil_node::NodeState>();
    }
}
