//! A node's configuration, as the JSON file `sigil node --config FILE` reads.

use crate::condition_reads::ReadLimits;
use crate::error::NodeError;
use crate::usage::{RateLimitPolicy, DEFAULT_FREE_ALLOWANCE};
use serde::{Deserialize, Serialize};
use sigil_chain::evm::EvmChainConfig;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Everything one node needs to run.
///
/// JSON form (camelCase; relative paths are relative to the file's directory):
///
/// ```json
/// {
///   "listen": "127.0.0.1:7470",
///   "externalAddress": "127.0.0.1:7470",
///   "keyShareFile": "key-share.json",
///   "rootKeySharesFile": "ecdsa-root-shares.json",
///   "networkPublicKey": "8f…(96 hex)",
///   "threshold": 2,
///   "chainRpcUrl": "http://127.0.0.1:8545",
///   "contractResolver": "0x5FbDB2315678afecb367f032d93F642f64180aa3",
///   "validatorStalenessSecs": 10,
///   "peerTimeoutMs": 5000,
///   "triplePoolSize": 16,
///   "tripleGenerationPauseMs": 0,
///   "dataDir": ".",
///   "freeAllowance": 10000,
///   "rateLimitWindowSecs": 1000
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NodeConfig {
    /// Address to listen on; port 0 picks a free port.
    pub listen: SocketAddr,
    /// `host:port` clients reach this node at, which session sigs must name as `nodeAddress`
    /// (compared after Lit's normalisation: scheme stripped, `localhost` = `127.0.0.1`).
    /// Absent: the address actually bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_address: Option<String>,
    /// This node's BLS key share file (mode 0600). Not there yet: the node generates the
    /// network key with the other validators, with the root keys, at the network's first
    /// start (then `rootKeySharesFile` must be configured and not there either).
    pub key_share_file: PathBuf,
    /// This node's shares of the root ECDSA keys PKP keys derive from (mode 0600). Not there
    /// yet: the node generates them with the other validators once it is listed in Staking
    /// (the network's first start). Absent from the config: the node has no root keys and
    /// signs with no PKP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_key_shares_file: Option<PathBuf>,
    /// The network's BLS public key, 96 hex characters (a compressed G1 point): when given, the
    /// key share file must belong to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_public_key: Option<String>,
    /// Shares a client needs to combine.
    pub threshold: u16,
    /// Chain JSON-RPC URL for a node in its own process. Absent when the chain is handed to
    /// [`crate::Node::start`] in-process (the devnet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain_rpc_url: Option<String>,
    /// The network's ContractResolver on the chain at `chainRpcUrl`: the node finds Staking,
    /// RateLimitNFT and the PKP contracts through it, so nodes on different hosts sharing one
    /// chain form one network. Required with `chainRpcUrl`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract_resolver: Option<alloy_primitives::Address>,
    /// The chains access control conditions may read: Lit's chain name (`ethereum`, `polygon`,
    /// `yellowstone`, ...) to a JSON-RPC URL; a Solana cluster's name (`solana`, ...) to its
    /// JSON-RPC URL; a Cosmos chain's (`cosmos`, `kyve`, ...) to its REST (LCD) base URL. A
    /// condition naming a chain not here is refused with `NodeBlockchainChainUnknown`. (URLs may
    /// carry API keys: they are never logged.)
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub chains: BTreeMap<String, String>,
    /// Longest one chain read of a condition may take, in milliseconds.
    #[serde(default = "default_condition_read_timeout_ms")]
    pub condition_read_timeout_ms: u64,
    /// Longest all the chain reads of one request may take together, in milliseconds.
    #[serde(default = "default_condition_reads_budget_ms")]
    pub condition_reads_budget_ms: u64,
    /// Chain read answers kept for the block they were read at (0: none).
    #[serde(default = "default_condition_read_cache_entries")]
    pub condition_read_cache_entries: usize,
    /// Longest a message to another node, or the wait for one, may take, in milliseconds.
    #[serde(default = "default_peer_timeout_ms")]
    pub peer_timeout_ms: u64,
    /// Beaver triple pairs (one per signature) this node keeps ready for the PKP signatures it
    /// leads, generated with its peers in the background (0: generated only when a signature
    /// needs one).
    #[serde(default = "default_triple_pool_size")]
    pub triple_pool_size: usize,
    /// Pause between two background triple generations this node leads, in milliseconds: bounds
    /// the CPU they take from requests.
    #[serde(default)]
    pub triple_generation_pause_ms: u64,
    /// Oldest the validator set may be before it is read again from the chain, in seconds.
    #[serde(default = "default_validator_staleness_secs")]
    pub validator_staleness_secs: u64,
    /// Directory of the node's state (`node.redb`: rate-limit counters).
    pub data_dir: PathBuf,
    /// Requests per window every user gets without capacity credits.
    #[serde(default = "default_free_allowance")]
    pub free_allowance: u64,
    /// Rate-limit window, in seconds (see [`crate::usage`]).
    #[serde(default = "default_window_secs")]
    pub rate_limit_window_secs: u64,
    /// Lit Actions: limits of a run, workers, where code by IPFS id comes from.
    #[serde(default)]
    pub actions: ActionsConfig,
    /// Where `POAP` conditions learn which POAPs a user holds.
    #[serde(default)]
    pub poap: PoapConfig,
}

/// The POAP API `POAP` conditions ask, as Lit's nodes do: `GET <apiUrl><address>` with the
/// key in `X-API-Key`. The key is a secret: it comes from `apiKeyFile` or, as on Lit's nodes,
/// the `POAP_API_KEY` environment variable, and is never logged. Without one, `POAP`
/// conditions are refused with an error that says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct PoapConfig {
    /// The scan endpoint, to which the user's address is appended.
    pub api_url: String,
    /// A file holding the API key (surrounding whitespace ignored).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_key_file: Option<PathBuf>,
}

/// The environment variable Lit's nodes read the POAP API key from.
pub const POAP_API_KEY_VAR: &str = "POAP_API_KEY";

impl Default for PoapConfig {
    fn default() -> Self {
        PoapConfig {
            api_url: "https://api.poap.tech/actions/scan/".to_owned(),
            api_key_file: None,
        }
    }
}

impl PoapConfig {
    /// The API key: from `apiKeyFile` when set, else from `POAP_API_KEY`; `None` when neither
    /// has one. An unreadable file is an error naming the file, never its content.
    pub fn api_key(&self) -> Result<Option<String>, NodeError> {
        let key = match &self.api_key_file {
            Some(path) => std::fs::read_to_string(path)
                .map_err(|e| NodeError::io("reading the POAP API key file", path, e))?,
            None => std::env::var(POAP_API_KEY_VAR).unwrap_or_default(),
        };
        let key = key.trim();
        Ok((!key.is_empty()).then(|| key.to_owned()))
    }
}

/// How this node runs Lit Actions; the limits default to Lit's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ActionsConfig {
    /// Wall-clock time of one run, in milliseconds.
    pub timeout_ms: u64,
    /// Memory of one run, in MiB.
    pub memory_limit_mb: usize,
    /// Longest source accepted, in bytes.
    pub max_code_bytes: usize,
    /// Longest response an action may set, in bytes.
    pub max_response_bytes: usize,
    /// Most console output of one run, in bytes.
    pub max_log_bytes: usize,
    /// Signatures one run may ask for.
    pub max_signatures: usize,
    /// HTTP requests one run may make (`fetch`).
    pub max_fetches: usize,
    /// Contract calls one run may make (`callContract`).
    pub max_contract_calls: usize,
    /// Exchanges with the other nodes one run may make (`broadcastAndCollect`, `runOnce`).
    pub max_broadcasts: usize,
    /// How deep actions may call other actions (`Lit.Actions.call`).
    pub max_call_depth: usize,
    /// Runs at once, each on a thread of its own (0: one per core); more wait their turn, for
    /// at most a run's timeout. Requests other than actions are served meanwhile.
    pub workers: usize,
    /// IPFS gateway the code of an `ipfsId` is fetched from (`https://host/ipfs/`, the CID is
    /// appended). Absent: only inline code runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipfs_gateway: Option<String>,
}

impl Default for ActionsConfig {
    fn default() -> Self {
        let limits = sigil_actions::Limits::default();
        ActionsConfig {
            timeout_ms: limits.timeout.as_millis() as u64,
            memory_limit_mb: limits.memory_bytes / (1024 * 1024),
            max_code_bytes: limits.code_bytes,
            max_response_bytes: limits.response_bytes,
            max_log_bytes: limits.log_bytes,
            max_signatures: limits.signatures,
            max_fetches: limits.fetches,
            max_contract_calls: limits.contract_calls,
            max_broadcasts: limits.broadcasts,
            max_call_depth: 5,
            workers: 0,
            ipfs_gateway: None,
        }
    }
}

impl ActionsConfig {
    /// The engine's limits for one run.
    pub fn limits(&self) -> sigil_actions::Limits {
        sigil_actions::Limits {
            timeout: std::time::Duration::from_millis(self.timeout_ms),
            memory_bytes: self.memory_limit_mb.saturating_mul(1024 * 1024),
            code_bytes: self.max_code_bytes,
            response_bytes: self.max_response_bytes,
            log_bytes: self.max_log_bytes,
            signatures: self.max_signatures,
            fetches: self.max_fetches,
            contract_calls: self.max_contract_calls,
            broadcasts: self.max_broadcasts,
        }
    }
}

fn default_free_allowance() -> u64 {
    DEFAULT_FREE_ALLOWANCE
}

fn default_validator_staleness_secs() -> u64 {
    10
}

fn default_peer_timeout_ms() -> u64 {
    5_000
}

fn default_triple_pool_size() -> usize {
    16
}

fn default_condition_read_timeout_ms() -> u64 {
    5_000
}

fn default_condition_reads_budget_ms() -> u64 {
    10_000
}

fn default_condition_read_cache_entries() -> usize {
    4096
}

fn default_window_secs() -> u64 {
    1000
}

impl NodeConfig {
    /// Reads a config file; relative paths in it are resolved against the file's directory.
    pub fn load(path: &Path) -> Result<NodeConfig, NodeError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| NodeError::io("reading the config file", path, e))?;
        let mut config: NodeConfig = serde_json::from_str(&text)
            .map_err(|e| NodeError::Config(format!("{}: {e}", path.display())))?;
        let base = path.parent().unwrap_or(Path::new("."));
        config.key_share_file = base.join(&config.key_share_file);
        config.root_key_shares_file = config.root_key_shares_file.map(|file| base.join(file));
        config.data_dir = base.join(&config.data_dir);
        config.validate()?;
        Ok(config)
    }

    /// Writes the config as pretty JSON.
    pub fn save(&self, path: &Path) -> Result<(), NodeError> {
        let text =
            serde_json::to_string_pretty(self).map_err(|e| NodeError::Config(e.to_string()))?;
        std::fs::write(path, text).map_err(|e| NodeError::io("writing the config file", path, e))
    }

    /// Checks the values a node cannot run with.
    pub fn validate(&self) -> Result<(), NodeError> {
        let invalid = |reason: &str| Err(NodeError::Config(reason.to_owned()));
        if self.threshold < 2 {
            return invalid("threshold must be at least 2");
        }
        if self.rate_limit_window_secs == 0 {
            return invalid("rateLimitWindowSecs must be at least 1");
        }
        if self
            .network_public_key
            .as_ref()
            .is_some_and(|key| key.trim_start_matches("0x").len() != 96)
        {
            return invalid("networkPublicKey must be 96 hex characters");
        }
        if self.actions.timeout_ms == 0 || self.actions.memory_limit_mb == 0 {
            return invalid("actions.timeoutMs and actions.memoryLimitMb must be at least 1");
        }
        Ok(())
    }

    /// How a node in its own process reads the chain: `chainRpcUrl`, `contractResolver` and
    /// the validator set's staleness bound.
    pub fn evm_chain_config(&self) -> Result<EvmChainConfig, NodeError> {
        let rpc_url = self.chain_rpc_url.clone().ok_or_else(|| {
            NodeError::Config(
                "the config has no chainRpcUrl; a node in its own process reads the chain over JSON-RPC"
                    .into(),
            )
        })?;
        let resolver = self.contract_resolver.ok_or_else(|| {
            NodeError::Config(
                "the config has no contractResolver; the node finds the network's contracts through it"
                    .into(),
            )
        })?;
        let mut config = EvmChainConfig::new(rpc_url, resolver);
        config.validator_staleness = std::time::Duration::from_secs(self.validator_staleness_secs);
        Ok(config)
    }

    /// The bounds on the chain reads of one request.
    pub fn condition_read_limits(&self) -> ReadLimits {
        ReadLimits {
            per_read: std::time::Duration::from_millis(self.condition_read_timeout_ms.max(1)),
            per_request: std::time::Duration::from_millis(self.condition_reads_budget_ms.max(1)),
            cache_entries: self.condition_read_cache_entries,
        }
    }

    /// The rate-limit policy this config describes.
    pub fn rate_limit_policy(&self) -> RateLimitPolicy {
        RateLimitPolicy {
            free_allowance: self.free_allowance,
            window_secs: self.rate_limit_window_secs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> NodeConfig {
        NodeConfig {
            listen: "127.0.0.1:7470"
                .parse()
                .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 7470))),
            external_address: None,
            key_share_file: "key-share.json".into(),
            root_key_shares_file: Some("ecdsa-root-shares.json".into()),
            network_public_key: Some("ab".repeat(48)),
            threshold: 2,
            chain_rpc_url: Some("http://127.0.0.1:8545".into()),
            contract_resolver: Some(alloy_primitives::Address::repeat_byte(7)),
            validator_staleness_secs: 10,
            peer_timeout_ms: 5_000,
            triple_pool_size: 16,
            triple_generation_pause_ms: 0,
            chains: Default::default(),
            condition_read_timeout_ms: 5_000,
            condition_reads_budget_ms: 10_000,
            condition_read_cache_entries: 4096,
            data_dir: ".".into(),
            free_allowance: 5,
            rate_limit_window_secs: 1000,
            actions: Default::default(),
            poap: Default::default(),
        }
    }

    #[test]
    fn config_file_round_trips_and_resolves_relative_paths() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("node.json");
        sample().save(&path).expect("save");
        let loaded = NodeConfig::load(&path).expect("load");
        assert_eq!(loaded.key_share_file, dir.path().join("key-share.json"));
        assert_eq!(
            loaded.root_key_shares_file,
            Some(dir.path().join("ecdsa-root-shares.json"))
        );
        assert_eq!(loaded.free_allowance, 5);
        assert_eq!(
            loaded.chain_rpc_url.as_deref(),
            Some("http://127.0.0.1:8545")
        );
        assert_eq!(
            loaded.contract_resolver,
            Some(alloy_primitives::Address::repeat_byte(7))
        );
    }

    #[test]
    fn unknown_keys_and_bad_thresholds_are_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("node.json");
        let mut json = serde_json::to_value(sample()).expect("json");
        json["threshhold"] = 3.into();
        std::fs::write(&path, json.to_string()).expect("write");
        assert!(matches!(NodeConfig::load(&path), Err(NodeError::Config(_))));

        let mut config = sample();
        config.threshold = 1;
        assert!(matches!(config.validate(), Err(NodeError::Config(_))));
    }

    #[test]
    fn omitted_limits_take_the_defaults() {
        let mut json = serde_json::to_value(sample()).expect("json");
        let object = json.as_object_mut().expect("object");
        object.remove("freeAllowance");
        object.remove("rateLimitWindowSecs");
        object.remove("validatorStalenessSecs");
        object.remove("contractResolver");
        let config: NodeConfig = serde_json::from_value(json).expect("parse");
        assert_eq!(config.rate_limit_policy(), RateLimitPolicy::default());
        assert_eq!(config.validator_staleness_secs, 10);
        assert_eq!(config.contract_resolver, None);
    }
}
