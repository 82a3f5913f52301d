//! `LitNodeClient`: configuration, `connect()` (validator set, handshakes, consensus) and the
//! latest blockhash.

use crate::error::most_common_by;
use crate::node_http::{self, new_request_id, random_hex};
use crate::{ClientError, LitNetwork, NodeFailure, SessionStorage};
use alloy_primitives::Address;
use futures::future::join_all;
use sigil_auth::siwe::{create_siwe_message, SiweMessageParams};
use sigil_auth::ResourceAbilityRequest;
use sigil_chain::staking::EpochInfo;
use sigil_chain::EthRpcClient;
use sigil_wire::{HandshakeRequest, HandshakeResponse, HANDSHAKE_PATH};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// Settings of a [`LitNodeClient`] (the JS SDK's `LitNodeClientConfig`, the parts that apply).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LitNodeClientConfig {
    /// The network (`litNetwork`, plus `rpcUrl`/`contractContext` for `custom`).
    pub lit_network: LitNetwork,
    /// How long each node has to answer the handshake (`connectTimeout`; default 20 s).
    pub connect_timeout: Duration,
    /// How long each node has to answer any other request; default 30 s.
    pub request_timeout: Duration,
    /// Overrides the `minNodeCount` the Staking contract reports.
    pub min_node_count: Option<usize>,
    /// Where `lit-session-key` and `lit-wallet-sig` are kept (the JS SDK's `localStorage`);
    /// `None` keeps nothing, as the JS SDK does under Node.js: a new session key and a
    /// callback on every `get_session_sigs`.
    pub storage_dir: Option<PathBuf>,
    /// How long the handshake's blockhash is used before it is fetched from the chain RPC
    /// again; default 30 s, as the JS SDK.
    pub blockhash_max_age: Duration,
}

impl LitNodeClientConfig {
    /// Defaults for `lit_network`.
    pub fn new(lit_network: LitNetwork) -> Self {
        LitNodeClientConfig {
            lit_network,
            connect_timeout: Duration::from_secs(20),
            request_timeout: Duration::from_secs(30),
            min_node_count: None,
            storage_dir: None,
            blockhash_max_age: Duration::from_secs(30),
        }
    }

    /// Sets where session keys and wallet sigs are stored.
    pub fn with_storage_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.storage_dir = Some(dir.into());
        self
    }

    /// Sets the handshake timeout.
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }
}

/// What [`LitNodeClient::connect`] established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    /// The nodes that answered the handshake, in validator order: session sigs are made for
    /// exactly these URLs.
    pub connected_nodes: Vec<String>,
    /// The nodes that did not, and why (the JS SDK fails `connect()` on any of these; this
    /// client connects while at least `min_node_count` answer).
    pub unreachable_nodes: Vec<NodeFailure>,
    /// Answers needed per operation (`minNodeCount`), also the decryption threshold.
    pub min_node_count: usize,
    /// Consensus `subnetPublicKey`: the BLS key ciphertexts are encrypted to.
    pub subnet_public_key: Option<String>,
    /// Consensus `networkPublicKey`.
    pub network_public_key: Option<String>,
    /// Consensus `networkPublicKeySet`.
    pub network_public_key_set: Option<String>,
    /// Consensus `hdRootPubkeys`.
    pub hd_root_pubkeys: Vec<String>,
    /// Consensus `latestBlockhash` at connect time.
    pub latest_blockhash: String,
    /// The Staking epoch, when the nodes came from the chain.
    pub epoch: Option<EpochInfo>,
}

impl Connection {
    /// The epoch number the JS SDK would send now (`currentEpochNumber`).
    pub fn current_epoch_number(&self) -> Option<u64> {
        let now = u64::try_from(OffsetDateTime::now_utc().unix_timestamp()).unwrap_or(0);
        self.epoch.map(|epoch| epoch.sdk_epoch_number(now))
    }
}

/// Inputs of [`LitNodeClient::create_siwe_message`] (the JS `createSiweMessage` params).
#[derive(Debug, Clone, PartialEq)]
pub struct CreateSiweMessageParams {
    /// The signing wallet (`walletAddress`).
    pub wallet_address: Address,
    /// The URI being authorised: the callback's `uri` (`lit:session:<key>`).
    pub uri: String,
    /// Expiration; default now + 7 days.
    pub expiration: Option<OffsetDateTime>,
    /// The resource-ability requests written as a ReCap (`resources`).
    pub resources: Vec<ResourceAbilityRequest>,
    /// Nonce; default the client's latest blockhash.
    pub nonce: Option<String>,
    /// Domain; default `localhost`.
    pub domain: Option<String>,
    /// Statement; default the JS SDK's.
    pub statement: Option<String>,
    /// Chain id; default 1.
    pub chain_id: Option<u64>,
}

impl CreateSiweMessageParams {
    /// Parameters for `wallet_address` authorising `uri`; everything else default.
    pub fn new(wallet_address: Address, uri: impl Into<String>) -> Self {
        CreateSiweMessageParams {
            wallet_address,
            uri: uri.into(),
            expiration: None,
            resources: Vec::new(),
            nonce: None,
            domain: None,
            statement: None,
            chain_id: None,
        }
    }
}

/// A client for a Lit network: the Rust counterpart of the JS SDK v7's `LitNodeClient`, with
/// the same names (`connect`, `get_latest_blockhash`, `get_session_sigs`, `encrypt`,
/// `decrypt`) and the same bytes on the wire.
///
/// Methods take `&self`; share one client between tasks with an `Arc`.
#[derive(Debug)]
pub struct LitNodeClient {
    pub(crate) config: LitNodeClientConfig,
    pub(crate) http: reqwest::Client,
    rpc: Option<EthRpcClient>,
    pub(crate) storage: Option<SessionStorage>,
    connection: RwLock<Option<Arc<Connection>>>,
    blockhash: Mutex<Option<(String, Instant)>>,
}

impl LitNodeClient {
    /// A client for `config`; nothing is contacted until [`LitNodeClient::connect`].
    pub fn new(config: LitNodeClientConfig) -> Result<Self, ClientError> {
        if config.min_node_count == Some(0) {
            return Err(ClientError::InvalidConfig(
                "min_node_count must be at least 1".into(),
            ));
        }
        if let LitNetwork::Nodes {
            node_urls,
            min_node_count,
            ..
        } = &config.lit_network
        {
            if node_urls.is_empty() || *min_node_count == 0 || *min_node_count > node_urls.len() {
                return Err(ClientError::InvalidConfig(format!(
                    "a node list needs 1 <= min_node_count <= nodes, got {min_node_count} of {}",
                    node_urls.len()
                )));
            }
        }
        let http = reqwest::Client::builder()
            .build()
            .map_err(|e| ClientError::Http(Box::new(e)))?;
        let rpc = config
            .lit_network
            .rpc_url()
            .map(|url| EthRpcClient::with_http_client(url, http.clone()));
        let storage = config.storage_dir.clone().map(SessionStorage::new);
        Ok(LitNodeClient {
            config,
            http,
            rpc,
            storage,
            connection: RwLock::new(None),
            blockhash: Mutex::new(None),
        })
    }

    /// The settings.
    pub fn config(&self) -> &LitNodeClientConfig {
        &self.config
    }

    /// Reads the node list, handshakes every node concurrently and takes the consensus of
    /// their answers.
    ///
    /// Node URLs come from the Staking contract's `getActiveUnkickedValidatorStructsAndCounts()`
    /// on the network's chain RPC (or the configured list). Each node gets
    /// `POST /web/handshake/` with the JS SDK's headers and body, within `connect_timeout`.
    /// `latestBlockhash`, `subnetPublicKey`, `networkPublicKey`, `networkPublicKeySet` and
    /// `hdRootPubkeys` are each the most common value among the answers.
    ///
    /// Unlike the JS SDK, which fails when any node is down, this connects when at least
    /// `min_node_count` nodes answer and reports the others in
    /// [`Connection::unreachable_nodes`]; with fewer, the error names every node that failed.
    pub async fn connect(&self) -> Result<Connection, ClientError> {
        let (node_urls, min_node_count, epoch) = self.node_list().await?;
        let request_id = new_request_id();
        let now = u64::try_from(OffsetDateTime::now_utc().unix_timestamp()).unwrap_or(0);
        let epoch_number = epoch.map(|e| e.sdk_epoch_number(now));
        let handshakes = node_urls.iter().map(|url| {
            let challenge = random_hex(64);
            let request_id = request_id.as_str();
            async move {
                // The JS SDK v7 sends the literal "test" as its public key.
                let body = HandshakeRequest {
                    client_public_key: "test".to_owned(),
                    challenge,
                    epoch: epoch_number,
                };
                let answer = node_http::post_json::<HandshakeResponse>(
                    &self.http,
                    url,
                    HANDSHAKE_PATH,
                    &body,
                    request_id,
                    self.config.connect_timeout,
                )
                .await;
                (url.clone(), answer)
            }
        });
        let mut answered = Vec::new();
        let mut failures = Vec::new();
        for (url, answer) in join_all(handshakes).await {
            match answer {
                Ok(keys) => answered.push((url, keys)),
                Err(failure) => failures.push(failure),
            }
        }
        if answered.len() < min_node_count {
            return Err(ClientError::NotEnoughNodes {
                needed: min_node_count,
                connected: answered.into_iter().map(|(url, _)| url).collect(),
                failures,
            });
        }
        for failure in &failures {
            tracing::warn!(%failure, "node unreachable; connected without it");
        }

        let keys: Vec<&HandshakeResponse> = answered.iter().map(|(_, keys)| keys).collect();
        let consensus = |field: fn(&HandshakeResponse) -> Option<&String>| -> Option<String> {
            let values: Vec<&String> = keys.iter().filter_map(|k| field(k)).collect();
            most_common_by(&values, |v| v.as_str()).map(|v| (*v).clone())
        };
        let latest_blockhash = consensus(|k| k.latest_blockhash.as_ref().filter(|h| !h.is_empty()))
            .ok_or(ClientError::MissingHandshakeField("latestBlockhash"))?;
        let hd_root_pubkeys = {
            let values: Vec<&Vec<String>> = keys
                .iter()
                .filter_map(|k| k.hd_root_pubkeys.as_ref())
                .collect();
            most_common_by(&values, |v| v.as_slice())
                .map(|v| (*v).clone())
                .unwrap_or_default()
        };
        let subnet_public_key = consensus(|k| k.subnet_public_key.as_ref());
        let network_public_key = consensus(|k| k.network_public_key.as_ref());
        let network_public_key_set = consensus(|k| k.network_public_key_set.as_ref());
        let connection = Connection {
            connected_nodes: answered.into_iter().map(|(url, _)| url).collect(),
            unreachable_nodes: failures,
            min_node_count,
            subnet_public_key,
            network_public_key,
            network_public_key_set,
            hd_root_pubkeys,
            latest_blockhash: latest_blockhash.clone(),
            epoch,
        };
        self.set_blockhash(latest_blockhash);
        if let Ok(mut slot) = self.connection.write() {
            *slot = Some(Arc::new(connection.clone()));
        }
        tracing::debug!(nodes = connection.connected_nodes.len(), "connected");
        Ok(connection)
    }

    /// The nodes, `minNodeCount` and epoch: from the Staking call, or the configured list.
    async fn node_list(&self) -> Result<(Vec<String>, usize, Option<EpochInfo>), ClientError> {
        if let LitNetwork::Nodes {
            node_urls,
            min_node_count,
            ..
        } = &self.config.lit_network
        {
            let needed = self.config.min_node_count.unwrap_or(*min_node_count);
            return Ok((node_urls.clone(), needed, None));
        }
        let (Some(rpc), Some(staking)) = (&self.rpc, self.config.lit_network.staking_address())
        else {
            return Err(ClientError::InvalidConfig(
                "the network has no chain rpc or staking address".into(),
            ));
        };
        let set = rpc.validator_set(staking).await?;
        let reported = usize::try_from(set.min_node_count).unwrap_or(usize::MAX);
        let needed = self.config.min_node_count.unwrap_or(reported);
        if needed == 0 {
            return Err(ClientError::InvalidConfig(
                "the Staking contract reports a minNodeCount of 0".into(),
            ));
        }
        if set.validators.len() < needed {
            return Err(ClientError::InvalidConfig(format!(
                "the active validator set does not meet the threshold: {needed} needed, {} active",
                set.validators.len()
            )));
        }
        Ok((
            set.node_urls(self.config.lit_network.node_protocol()),
            needed,
            Some(set.epoch),
        ))
    }

    /// Forgets the connection (the JS SDK's `disconnect()`).
    pub fn disconnect(&self) {
        if let Ok(mut slot) = self.connection.write() {
            *slot = None;
        }
    }

    /// Whether `connect()` has succeeded (the JS SDK's `ready`).
    pub fn ready(&self) -> bool {
        self.connection().is_some()
    }

    /// The current connection, if any.
    pub fn connection(&self) -> Option<Arc<Connection>> {
        self.connection.read().ok().and_then(|slot| slot.clone())
    }

    pub(crate) fn require_connection(&self) -> Result<Arc<Connection>, ClientError> {
        self.connection().ok_or(ClientError::NotConnected)
    }

    /// The connected node URLs (the JS SDK's `connectedNodes`); empty before `connect()`.
    pub fn connected_nodes(&self) -> Vec<String> {
        self.connection()
            .map(|c| c.connected_nodes.clone())
            .unwrap_or_default()
    }

    fn set_blockhash(&self, hash: String) {
        if let Ok(mut slot) = self.blockhash.lock() {
            *slot = Some((hash, Instant::now()));
        }
    }

    /// The latest blockhash, the nonce of SIWE messages: the handshake's value while it is
    /// younger than `blockhash_max_age`, then the chain's latest block from the network's RPC.
    ///
    /// The JS SDK refreshes from Lit's block indexer and then public Ethereum RPCs, so it fails
    /// offline; this client asks the network's own chain. If that fails too, the last known
    /// value is returned (as the JS SDK keeps its stale value) and a warning logged.
    pub async fn get_latest_blockhash(&self) -> Result<String, ClientError> {
        let cached = self.blockhash.lock().ok().and_then(|slot| slot.clone());
        if let Some((hash, at)) = &cached {
            if at.elapsed() < self.config.blockhash_max_age {
                return Ok(hash.clone());
            }
        }
        if let Some(rpc) = &self.rpc {
            match rpc.latest_block().await {
                Ok(block) => {
                    let hash = block.hash.to_string();
                    self.set_blockhash(hash.clone());
                    return Ok(hash);
                }
                Err(error) => {
                    tracing::warn!(%error, "could not refresh the blockhash from the chain rpc");
                }
            }
        }
        match cached {
            Some((hash, _)) => Ok(hash),
            None => Err(ClientError::NotConnected),
        }
    }

    /// The SIWE message the JS SDK's `createSiweMessage` writes (with the ReCap of
    /// `resources`), using the client's latest blockhash as nonce unless one is given.
    /// `Issued At` is now.
    pub async fn create_siwe_message(
        &self,
        params: CreateSiweMessageParams,
    ) -> Result<String, ClientError> {
        let nonce = match params.nonce {
            Some(nonce) => nonce,
            None => self.get_latest_blockhash().await?,
        };
        let mut siwe = SiweMessageParams::new(params.wallet_address, nonce)
            .with_uri(params.uri)
            .with_resources(params.resources);
        siwe.expiration = params.expiration;
        siwe.domain = params.domain;
        siwe.statement = params.statement;
        siwe.chain_id = params.chain_id;
        Ok(create_siwe_message(&siwe, OffsetDateTime::now_utc())?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_node_lists_are_refused() {
        let config = LitNodeClientConfig::new(LitNetwork::Nodes {
            node_urls: vec!["http://127.0.0.1:1".into()],
            min_node_count: 2,
            rpc_url: None,
        });
        assert!(matches!(
            LitNodeClient::new(config),
            Err(ClientError::InvalidConfig(_))
        ));
    }
}
