//! A node's state: its key share, the chain view, the verifier's cache, the rate-limit store,
//! the clock and the CPU pool, shared by all requests.

use crate::actions::ActionRunner;
use crate::authorize::usage_error;
use crate::clock::Clock;
use crate::condition_reads::ConditionReader;
use crate::config::NodeConfig;
use crate::ecdsa::{Roster, TriplePool};
use crate::error::NodeError;
use crate::keys::{load_root_key_shares, NetworkKeySlot, NodeKey};
use crate::peer::PeerChannel;
use crate::root_keys::RootKeySlot;
use crate::usage::UsageStore;
use sigil_auth::CapabilityCache;
use sigil_chain::ChainView;
use sigil_crypto::hd::RootKeyShares;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Wallet capabilities whose signature checks the node remembers (a few KiB each).
const CAPABILITY_CACHE_ENTRIES: usize = 4096;

/// Everything a running node holds: its key share, the chain view, the verifier's capability
/// cache, the rate-limit store and the clock. Shared by all requests.
pub struct NodeState {
    pub(crate) node_address: String,
    /// The BLS key share, once loaded or generated.
    pub(crate) network_key: Arc<NetworkKeySlot>,
    /// The root ECDSA key shares, once loaded or generated.
    pub(crate) root_keys: Arc<RootKeySlot>,
    chain: Arc<dyn ChainView>,
    pub(crate) usage: UsageStore,
    pub(crate) capability_cache: CapabilityCache,
    pub(crate) condition_reader: ConditionReader,
    /// Lit Actions: worker threads and limits.
    pub(crate) actions: ActionRunner,
    peers: Arc<PeerChannel>,
    /// Beaver triple pairs for PKP signatures.
    pub(crate) triples: Arc<TriplePool>,
    /// How long a protocol run with peers may wait for any message.
    pub(crate) peer_timeout: std::time::Duration,
    pub(crate) clock: Arc<dyn Clock>,
    /// Bounds CPU-heavy work (signature checks, BLS signing) to two jobs per core, off the async
    /// executor, so a burst queues instead of growing threads and memory. Two, not one: with
    /// one, a core idles while a finished job's permit passes to the next waiting task (measured:
    /// 1.52 of 2 cores busy and 487 req/s, against 1.82 and 590 req/s with two).
    cpu: Semaphore,
}

impl std::fmt::Debug for NodeState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key share is left out on purpose.
        f.debug_struct("NodeState")
            .field("node_address", &self.node_address)
            .field("network_public_key", &self.network_public_key_hex())
            .field("share_id", &self.share_id())
            .finish_non_exhaustive()
    }
}

impl NodeState {
    /// Loads the key share and opens the rate-limit store of `config`. `node_address` is the
    /// `host:port` session sigs must be signed for.
    pub fn open(
        config: &NodeConfig,
        node_address: String,
        chain: Arc<dyn ChainView>,
        clock: Arc<dyn Clock>,
    ) -> Result<Arc<NodeState>, NodeError> {
        config.validate()?;
        // A key share on disk is read (and checked) now; one not there yet is generated with
        // the peers, together with the root keys, at the network's first start.
        let key = if config.key_share_file.exists() {
            Some(Arc::new(NodeKey::load(
                &config.key_share_file,
                config.network_public_key.as_deref(),
                config.threshold,
            )?))
        } else if config.network_public_key.is_some()
            || config
                .root_key_shares_file
                .as_ref()
                .is_none_or(|path| path.exists())
        {
            // A network that has its keys already: this node's share is missing, not pending.
            return Err(NodeError::io(
                "reading the key share file",
                &config.key_share_file,
                std::io::Error::from(std::io::ErrorKind::NotFound),
            ));
        } else {
            None
        };
        if !config.data_dir.exists() {
            // It will hold the node's key shares: the owner's alone.
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::DirBuilderExt;
                builder.mode(0o700);
            }
            builder
                .create(&config.data_dir)
                .map_err(|e| NodeError::io("creating the data dir", &config.data_dir, e))?;
        }
        let usage = UsageStore::open(
            &config.data_dir.join("node.redb"),
            config.rate_limit_policy(),
        )
        .map_err(|e| NodeError::Storage(e.to_string()))?;
        let condition_reader = ConditionReader::new(
            &config.chains,
            config.condition_read_limits(),
            &config.poap.api_url,
            config.poap.api_key()?,
        )
        .map_err(NodeError::Config)?;
        let peers = PeerChannel::open(
            &config.data_dir,
            node_address.clone(),
            Arc::clone(&chain),
            std::time::Duration::from_millis(config.peer_timeout_ms.max(1)),
        )?;
        // Shares on disk are read (and checked) at start so a bad file stops the node now; a
        // configured file that is not there yet is made with the peers once the node serves.
        let root_key_shares = match &config.root_key_shares_file {
            Some(path) if path.exists() => Some(Arc::new(load_root_key_shares(
                path,
                &peers.identity_key().0,
                config.threshold,
            )?)),
            _ => None,
        };
        let (root_keys, _) = tokio::sync::watch::channel(root_key_shares);
        let triples = TriplePool::open(&config.data_dir.join("triples.redb"))?;
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        Ok(Arc::new(NodeState {
            node_address,
            network_key: Arc::new(tokio::sync::watch::channel(key).0),
            root_keys: Arc::new(root_keys),
            chain,
            usage,
            capability_cache: CapabilityCache::new(CAPABILITY_CACHE_ENTRIES),
            condition_reader,
            actions: ActionRunner::new(&config.actions, &config.chains),
            peers: Arc::new(peers),
            triples: Arc::new(triples),
            peer_timeout: std::time::Duration::from_millis(config.peer_timeout_ms.max(1)),
            clock,
            cpu: Semaphore::new(cores * 2),
        }))
    }

    /// The channel to the other nodes.
    pub fn peers(&self) -> &Arc<PeerChannel> {
        &self.peers
    }

    /// The `host:port` session sigs must name as `nodeAddress`.
    pub fn node_address(&self) -> &str {
        &self.node_address
    }

    /// This node's share id (1-based, the x-coordinate of its key share), once it has one.
    pub fn share_id(&self) -> Option<u8> {
        self.network_key.borrow().as_ref().map(|key| key.share_id())
    }

    /// The network public key, 96 hex characters, once the node has its share.
    pub fn network_public_key_hex(&self) -> Option<String> {
        self.network_key
            .borrow()
            .as_ref()
            .map(|key| key.network_public_key_hex().to_owned())
    }

    /// The BLS key share, or the error an endpoint that needs it answers before the network
    /// key exists.
    pub(crate) fn network_key(&self) -> Result<Arc<NodeKey>, NodeError> {
        self.network_key.borrow().clone().ok_or_else(|| {
            NodeError::internal(
                "network key",
                "the node has no share of the network key yet (it is being generated)",
            )
        })
    }

    /// Waits until the node has its share of the network key (loaded, or generated with its
    /// peers) and returns the network public key.
    pub async fn network_key_ready(&self) -> String {
        let mut watching = self.network_key.subscribe();
        let key = match watching.wait_for(Option::is_some).await {
            Ok(key) => key
                .as_ref()
                .map(|key| key.network_public_key_hex().to_owned())
                .unwrap_or_default(),
            // The sender lives as long as the state.
            Err(_) => String::new(),
        };
        key
    }

    /// The root ECDSA public keys, compressed hex (the handshake's `hdRootPubkeys`); empty while
    /// the node has no root key shares.
    pub fn hd_root_pubkeys(&self) -> Vec<String> {
        self.root_keys
            .borrow()
            .as_ref()
            .map(|shares| shares.root_public_keys_hex())
            .unwrap_or_default()
    }

    /// This node's root ECDSA key shares, once it has them.
    pub(crate) fn root_key_shares(&self) -> Option<Arc<RootKeyShares>> {
        self.root_keys.borrow().clone()
    }

    /// How long a protocol run with peers may go without a message from any of them: twice the
    /// peer timeout, since a run's step is CPU work that a busy node may be slow to do.
    pub(crate) fn run_idle_timeout(&self) -> std::time::Duration {
        self.peer_timeout * 2
    }

    /// The threshold ECDSA roster (the root keys' holders), once the node has its root keys.
    pub(crate) fn roster(&self) -> Option<Roster> {
        self.root_key_shares().map(|shares| Roster {
            keys: shares
                .roster
                .iter()
                .map(|key| alloy_primitives::B256::from(*key))
                .collect(),
            threshold: usize::from(shares.threshold),
        })
    }

    /// Beaver triple pairs in this node's pool (any leader).
    pub fn triple_pairs_held(&self) -> Result<u64, NodeError> {
        self.triples.len()
    }

    /// Waits until the node has its root key shares (loaded, or generated with its peers) and
    /// returns the root public keys.
    pub async fn root_keys_ready(&self) -> Vec<String> {
        let mut watching = self.root_keys.subscribe();
        let keys = match watching.wait_for(Option::is_some).await {
            Ok(shares) => shares
                .as_ref()
                .map(|shares| shares.root_public_keys_hex())
                .unwrap_or_default(),
            // The sender lives as long as the state.
            Err(_) => Vec::new(),
        };
        keys
    }

    /// The chain this node reads.
    pub fn chain(&self) -> &Arc<dyn ChainView> {
        &self.chain
    }

    /// Uses of a capacity delegation this node has counted (key: sha256 of the delegation's `sig`).
    pub async fn delegation_uses(&self, delegation_key: [u8; 32]) -> Result<u64, NodeError> {
        self.usage
            .delegation_uses(delegation_key)
            .await
            .map_err(usage_error)
    }

    /// Closes the rate-limit store so the database file can be opened again. Blocking.
    pub(crate) fn close(&self) {
        self.usage.close();
    }

    /// Runs CPU-heavy `job` on the blocking pool, at most two per core at a time.
    pub(crate) async fn cpu<R: Send + 'static>(
        &self,
        job: impl FnOnce() -> R + Send + 'static,
    ) -> Result<R, NodeError> {
        let _permit = self
            .cpu
            .acquire()
            .await
            .map_err(|e| NodeError::internal("cpu pool", e))?;
        tokio::task::spawn_blocking(job)
            .await
            .map_err(|e| NodeError::internal("cpu job", e))
    }
}
