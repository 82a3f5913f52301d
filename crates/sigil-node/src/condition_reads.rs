//! The chain reads access control conditions need, answered before they are evaluated: one
//! provider per EVM chain name the config maps to an RPC, every read at that chain's latest
//! block; Solana chains over their JSON-RPC and Cosmos chains over their REST endpoint; the
//! reads of a request concurrently, in rounds where answers lead to more reads, each within a
//! timeout and all within a budget, and a cache keyed by (chain, block, read), so the same
//! condition across many requests in one block costs one read (a Solana or Cosmos answer is
//! kept for the second it was read in).

use crate::state::NodeState;
use alloy_network::TransactionBuilder;
use alloy_provider::{DynProvider, Provider, ProviderBuilder};
use alloy_rpc_types_eth::TransactionRequest;
use lru::LruCache;
use parking_lot::Mutex;
use sigil_crypto::conditions::{
    ChainAnswer, ChainKind, ChainRead, ChainReadError, ConditionEnv, ConditionSet, Poap, Requester,
    Wallets, COSMOS_CHAINS, SOLANA_CHAINS,
};
use std::collections::{BTreeMap, HashMap};
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Oldest a chain's latest block number may be before it is asked again.
const BLOCK_NUMBER_TTL: Duration = Duration::from_millis(500);

/// Bounds on the chain reads of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// Longest one read may take.
    pub per_read: Duration,
    /// Longest all the reads of one request may take together.
    pub per_request: Duration,
    /// Answers kept, across chains, each for the block it was read at; 0: none.
    pub cache_entries: usize,
}

/// The node's chains, for conditions. Cheap to clone.
#[derive(Clone)]
pub struct ConditionReader {
    inner: Arc<Inner>,
}

struct Inner {
    chains: HashMap<String, ChainClient>,
    /// Solana and Cosmos chains: their RPC or REST endpoint's URL.
    other_chains: HashMap<String, String>,
    http: reqwest::Client,
    cache: Option<Mutex<LruCache<(u64, ChainRead), ChainAnswer>>>,
    limits: ReadLimits,
    poap: PoapApi,
}

/// The POAP API, for `POAP` conditions.
struct PoapApi {
    url: String,
    /// A secret: never logged, never in an error.
    key: Option<String>,
}

/// Largest answer of the POAP API, a Solana RPC or a Cosmos REST endpoint that is read.
const MAX_ANSWER_BYTES: usize = 4 * 1024 * 1024;

/// Most rounds of reads one request makes: a Solana condition's second read depends on its
/// first (a PDA's account, a user's token accounts); nothing needs more than two.
const MAX_READ_ROUNDS: usize = 3;

struct ChainClient {
    provider: DynProvider,
    latest: tokio::sync::Mutex<Option<(Instant, u64)>>,
}

impl std::fmt::Debug for ConditionReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Chain names only: an RPC URL may carry an API key.
        let mut names: Vec<_> = self
            .inner
            .chains
            .keys()
            .chain(self.inner.other_chains.keys())
            .collect();
        names.sort();
        f.debug_struct("ConditionReader")
            .field("chains", &names)
            .field("limits", &self.inner.limits)
            .finish()
    }
}

impl ConditionReader {
    /// A reader of `chains` (Lit chain name to JSON-RPC URL) that asks the POAP API at
    /// `poap_url` with `poap_key`; an unparsable URL is an error naming the chain, never the
    /// URL.
    pub fn new(
        chains: &BTreeMap<String, String>,
        limits: ReadLimits,
        poap_url: &str,
        poap_key: Option<String>,
    ) -> Result<Self, String> {
        // Solana and Cosmos reads go to a name's URL as it is; every other name (`evmos`, which
        // Lit also names a Cosmos chain, among them) also gets an EVM provider.
        let other_chains = chains
            .iter()
            .filter(|(name, _)| {
                SOLANA_CHAINS.contains(&name.as_str()) || COSMOS_CHAINS.contains(&name.as_str())
            })
            .map(|(name, url)| {
                reqwest::Url::parse(url).map_err(|_| format!("chains.{name}: not a URL"))?;
                Ok((name.clone(), url.trim_end_matches('/').to_owned()))
            })
            .collect::<Result<_, String>>()?;
        let chains = chains
            .iter()
            .filter(|(name, _)| ChainKind::of(name) == ChainKind::Evm)
            .map(|(name, url)| {
                let url = url
                    .parse()
                    .map_err(|_| format!("chains.{name}: not a URL"))?;
                let provider = ProviderBuilder::new().connect_http(url).erased();
                let client = ChainClient {
                    provider,
                    latest: tokio::sync::Mutex::new(None),
                };
                Ok((name.clone(), client))
            })
            .collect::<Result<_, String>>()?;
        Ok(Self {
            inner: Arc::new(Inner {
                chains,
                other_chains,
                http: reqwest::Client::new(),
                cache: NonZeroUsize::new(limits.cache_entries)
                    .map(|entries| Mutex::new(LruCache::new(entries))),
                limits,
                poap: PoapApi {
                    url: poap_url.to_owned(),
                    key: poap_key,
                },
            }),
        })
    }

    /// Whether the node has an RPC (or a REST endpoint) for the chain named `chain`.
    pub fn knows(&self, chain: &str) -> bool {
        self.inner.chains.contains_key(chain) || self.inner.other_chains.contains_key(chain)
    }

    /// Answers `reads`, concurrently, by `deadline` (the end of the request's budget).
    async fn read_all(
        &self,
        reads: &[ChainRead],
        deadline: tokio::time::Instant,
    ) -> HashMap<ChainRead, Result<ChainAnswer, ChainReadError>> {
        let answers = futures::future::join_all(reads.iter().map(|read| async move {
            let answer = tokio::time::timeout_at(deadline, self.read(read))
                .await
                .unwrap_or_else(|_| {
                    Err(ChainReadError::Failed(format!(
                        "the request's chain reads took over {} ms",
                        self.inner.limits.per_request.as_millis()
                    )))
                });
            (read.clone(), answer)
        }))
        .await;
        answers.into_iter().collect()
    }

    async fn read(&self, read: &ChainRead) -> Result<ChainAnswer, ChainReadError> {
        if matches!(
            read,
            ChainRead::SolanaRpc { .. } | ChainRead::CosmosRest { .. }
        ) {
            return self.read_other_chain(read).await;
        }
        let client = self
            .inner
            .chains
            .get(read.chain())
            .ok_or(ChainReadError::UnknownChain)?;
        match read {
            // Not tied to a block, so not cached.
            ChainRead::Poaps { owner, .. } => return self.poaps(*owner).await,
            ChainRead::LitAction { .. } => {
                return Err(ChainReadError::Failed(
                    "a Lit Action condition is answered by running the action".to_owned(),
                ))
            }
            _ => {}
        }
        let block = self.latest_block_number(client).await?;
        let key = (block, read.clone());
        if let Some(answer) = self.cached(&key) {
            return Ok(answer);
        }
        let per_read = self.inner.limits.per_read;
        let provider = &client.provider;
        let answer = tokio::time::timeout(per_read, async {
            match read {
                ChainRead::Balance { address, .. } => provider
                    .get_balance(*address)
                    .number(block)
                    .await
                    .map(ChainAnswer::Word),
                ChainRead::Call { to, data, .. } => {
                    let call = TransactionRequest::default()
                        .with_to(*to)
                        .with_input(data.clone());
                    provider
                        .call(call)
                        .number(block)
                        .await
                        .map(ChainAnswer::Output)
                }
                ChainRead::LatestBlockTimestamp { .. } => provider
                    .get_block_by_number(block.into())
                    .await
                    .map(|found| {
                        ChainAnswer::Word(alloy_primitives::U256::from(
                            found.map_or(0, |block| block.header.timestamp),
                        ))
                    }),
                // Answered above.
                ChainRead::Poaps { .. }
                | ChainRead::LitAction { .. }
                | ChainRead::SolanaRpc { .. }
                | ChainRead::CosmosRest { .. } => Err(
                    alloy_provider::transport::TransportErrorKind::custom_str("not a chain read"),
                ),
            }
        })
        .await
        .map_err(|_| timed_out(per_read))?
        .map_err(rpc_failure)?;
        self.remember(key, &answer);
        Ok(answer)
    }

    /// The POAPs `owner` holds, as the POAP API lists them. Like Lit's node, any answer that
    /// is not a JSON list of POAPs (an error status's body included) is the API's JSON error.
    async fn poaps(&self, owner: alloy_primitives::Address) -> Result<ChainAnswer, ChainReadError> {
        #[derive(serde::Deserialize)]
        struct Entry {
            event: Event,
        }
        #[derive(serde::Deserialize)]
        struct Event {
            id: u64,
            name: String,
        }
        let api = &self.inner.poap;
        let key = api.key.as_deref().ok_or_else(|| {
            ChainReadError::NotConfigured(format!(
                "POAP conditions need a POAP API key on the node ({} or poap.apiKeyFile)",
                crate::config::POAP_API_KEY_VAR
            ))
        })?;
        let request = self
            .inner
            .http
            .get(format!("{}{}", api.url, owner.to_checksum(None)))
            .header("X-API-Key", key);
        // Without the URL, which names the API, and the request, which carries the key.
        let body = self.fetch_capped(request).await.map_err(|e| {
            ChainReadError::Failed(format!("the POAP API could not be reached: {e}"))
        })?;
        let (status, body) = body;
        let entries: Vec<Entry> = serde_json::from_slice(&body).map_err(|e| {
            ChainReadError::PoapAnswer(format!("HTTP status {status}, the body: {e}"))
        })?;
        Ok(ChainAnswer::Poaps(
            entries
                .into_iter()
                .map(|entry| Poap {
                    event_id: entry.event.id,
                    event_name: entry.event.name,
                })
                .collect(),
        ))
    }

    /// A Solana or Cosmos read, cached for the second it is made in (those chains' answers are
    /// not tied to an EVM block).
    async fn read_other_chain(&self, read: &ChainRead) -> Result<ChainAnswer, ChainReadError> {
        let url = self
            .inner
            .other_chains
            .get(read.chain())
            .ok_or(ChainReadError::UnknownChain)?;
        let second = crate::clock::unix_secs(time::OffsetDateTime::now_utc());
        let key = (second, read.clone());
        if let Some(answer) = self.cached(&key) {
            return Ok(answer);
        }
        let http = &self.inner.http;
        let answer = match read {
            ChainRead::SolanaRpc { method, params, .. } => {
                let params: serde_json::Value = serde_json::from_str(params)
                    .map_err(|e| ChainReadError::Failed(format!("params: {e}")))?;
                let request = http.post(url).json(&serde_json::json!({
                    "jsonrpc": "2.0", "id": 1, "method": method, "params": params,
                }));
                let (status, body) = self.fetch_capped(request).await.map_err(|e| {
                    ChainReadError::Failed(format!("the Solana RPC could not be reached: {e}"))
                })?;
                solana_result(status, &body)?
            }
            ChainRead::CosmosRest { path, .. } => {
                let (_, body) = self
                    .fetch_capped(http.get(format!("{url}{path}")))
                    .await
                    .map_err(|e| {
                        ChainReadError::Failed(format!(
                            "the Cosmos REST endpoint could not be reached: {e}"
                        ))
                    })?;
                ChainAnswer::Text(String::from_utf8_lossy(&body).into_owned())
            }
            _ => return Err(ChainReadError::UnknownChain),
        };
        self.remember(key, &answer);
        Ok(answer)
    }

    fn cached(&self, key: &(u64, ChainRead)) -> Option<ChainAnswer> {
        let cache = self.inner.cache.as_ref()?;
        let answer = cache.lock().get(key).cloned();
        answer
    }

    fn remember(&self, key: (u64, ChainRead), answer: &ChainAnswer) {
        if let Some(cache) = &self.inner.cache {
            cache.lock().put(key, answer.clone());
        }
    }

    /// Sends `request` and reads at most [`MAX_ANSWER_BYTES`] of its answer, within the
    /// per-read timeout. The error names neither the URL (which may carry an API key) nor the
    /// request.
    async fn fetch_capped(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<(reqwest::StatusCode, Vec<u8>), String> {
        let per_read = self.inner.limits.per_read;
        tokio::time::timeout(per_read, async {
            let mut response = request.send().await?;
            let status = response.status();
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await? {
                if body.len() + chunk.len() > MAX_ANSWER_BYTES {
                    break;
                }
                body.extend_from_slice(&chunk);
            }
            Ok::<_, reqwest::Error>((status, body))
        })
        .await
        .map_err(|_| format!("no answer within {} ms", per_read.as_millis()))?
        .map_err(|e| e.without_url().to_string())
    }

    /// `eth_call` of `call` on `chain` at the latest block (a Lit Action's `callContract`).
    pub async fn call(
        &self,
        chain: &str,
        call: TransactionRequest,
    ) -> Result<alloy_primitives::Bytes, ChainReadError> {
        self.read_uncached(chain, |provider| provider.call(call))
            .await
    }

    /// The next nonce of `address` on `chain` (its transaction count at the latest block), not
    /// cached: a Lit Action asks it to send a transaction.
    pub async fn transaction_count(
        &self,
        chain: &str,
        address: alloy_primitives::Address,
    ) -> Result<u64, ChainReadError> {
        self.read_uncached(chain, |provider| provider.get_transaction_count(address))
            .await
    }

    /// One read of `chain` that is not a condition's (no cache), within the per-read timeout.
    async fn read_uncached<'a, T, F>(
        &'a self,
        chain: &str,
        ask: impl FnOnce(&'a DynProvider) -> F,
    ) -> Result<T, ChainReadError>
    where
        F: std::future::IntoFuture<Output = Result<T, alloy_provider::transport::TransportError>>,
    {
        let client = self
            .inner
            .chains
            .get(chain)
            .ok_or(ChainReadError::UnknownChain)?;
        let per_read = self.inner.limits.per_read;
        tokio::time::timeout(per_read, ask(&client.provider).into_future())
            .await
            .map_err(|_| timed_out(per_read))?
            .map_err(rpc_failure)
    }

    async fn latest_block_number(&self, client: &ChainClient) -> Result<u64, ChainReadError> {
        let mut latest = client.latest.lock().await;
        if let Some((at, number)) = *latest {
            if at.elapsed() < BLOCK_NUMBER_TTL {
                return Ok(number);
            }
        }
        let per_read = self.inner.limits.per_read;
        let number = tokio::time::timeout(per_read, client.provider.get_block_number())
            .await
            .map_err(|_| timed_out(per_read))?
            .map_err(rpc_failure)?;
        *latest = Some((Instant::now(), number));
        Ok(number)
    }
}

fn timed_out(limit: Duration) -> ChainReadError {
    ChainReadError::Failed(format!(
        "the RPC did not answer within {} ms",
        limit.as_millis()
    ))
}

/// What went wrong, in words that carry no RPC URL (one may hold an API key): a JSON-RPC error
/// the server answered (a revert, with its reason) is passed on; a transport failure is not.
fn rpc_failure(error: alloy_provider::transport::TransportError) -> ChainReadError {
    match error.as_error_resp() {
        Some(response) => ChainReadError::Failed(format!(
            "the RPC answered error {}: {}",
            response.code, response.message
        )),
        None => ChainReadError::Failed("the RPC is unreachable or answered garbage".to_owned()),
    }
}

/// A Solana JSON-RPC answer: its `result`, or the error the server answered.
fn solana_result(status: reqwest::StatusCode, body: &[u8]) -> Result<ChainAnswer, ChainReadError> {
    let mut answer: serde_json::Value = serde_json::from_slice(body).map_err(|_| {
        ChainReadError::Failed(format!(
            "the Solana RPC answered HTTP status {status} with a body that is not JSON"
        ))
    })?;
    if let Some(error) = answer.get("error").filter(|error| !error.is_null()) {
        return Err(ChainReadError::RpcRefused {
            code: error["code"].as_i64().unwrap_or_default(),
            message: error["message"].as_str().unwrap_or_default().to_owned(),
        });
    }
    match answer.get_mut("result") {
        Some(result) => Ok(ChainAnswer::Json(result.take())),
        None => Err(ChainReadError::Failed(format!(
            "the Solana RPC answered HTTP status {status} without a result"
        ))),
    }
}

/// Who a condition check is for: what conditions substitute and compare.
pub(crate) struct Asker {
    pub(crate) user: alloy_primitives::Address,
    /// The `domain` of the SIWE message that granted the session.
    pub(crate) siwe_domain: String,
    /// Its resources.
    pub(crate) siwe_resources: Vec<String>,
    /// The running Lit Action's CID; empty outside one.
    pub(crate) current_action_ipfs_id: String,
    /// How many Lit Action runs enclose this check (0 for a request's own conditions): bounds
    /// actions that check conditions that run actions.
    pub(crate) nesting: usize,
    /// The wallets the request proved (Solana and Cosmos conditions are evaluated for theirs).
    pub(crate) wallets: Wallets,
}

/// Conditions ready to evaluate: every chain read they need, answered (concurrently, within the
/// node's bounds) before evaluation, which is then pure CPU work.
pub(crate) struct ConditionContext {
    asker: Asker,
    reader: ConditionReader,
    answers: HashMap<ChainRead, Result<ChainAnswer, ChainReadError>>,
}

impl ConditionContext {
    /// Makes the reads `conditions` need for `asker`, and runs the Lit Actions of their
    /// `LitAction` conditions, all at once.
    pub(crate) async fn read(
        state: &Arc<NodeState>,
        conditions: &ConditionSet,
        asker: Asker,
    ) -> Result<ConditionContext, sigil_crypto::CryptoError> {
        let who = Requester {
            user: asker.user,
            siwe_resources: &asker.siwe_resources,
            current_action_ipfs_id: &asker.current_action_ipfs_id,
            wallets: &asker.wallets,
        };
        let reader = &state.condition_reader;
        let deadline = tokio::time::Instant::now() + reader.inner.limits.per_request;
        let mut answers = HashMap::new();
        for _ in 0..MAX_READ_ROUNDS {
            let reads: Vec<ChainRead> = conditions
                .chain_reads_after(&who, &|read| answers.get(read).cloned())?
                .into_iter()
                .filter(|read| !answers.contains_key(read))
                .collect();
            if reads.is_empty() {
                break;
            }
            let (action_reads, chain_reads): (Vec<_>, Vec<_>) = reads
                .into_iter()
                .partition(|read| matches!(read, ChainRead::LitAction { .. }));
            let actions = futures::future::join_all(action_reads.into_iter().map(|read| async {
                let answer = state
                    .actions
                    .answer_condition(state, &read, asker.user, asker.nesting)
                    .await;
                (read, answer)
            }));
            let (chain_answers, action_answers) =
                futures::join!(reader.read_all(&chain_reads, deadline), actions);
            answers.extend(chain_answers);
            answers.extend(action_answers);
        }
        Ok(ConditionContext {
            answers,
            reader: reader.clone(),
            asker,
        })
    }
}

impl ConditionEnv for ConditionContext {
    fn user_address(&self) -> alloy_primitives::Address {
        self.asker.user
    }
    fn knows_chain(&self, chain: &str) -> bool {
        self.reader.knows(chain)
    }
    fn chain_read(&self, read: &ChainRead) -> Result<ChainAnswer, ChainReadError> {
        self.answers.get(read).cloned().unwrap_or_else(|| {
            Err(ChainReadError::Failed(
                "the read was not made before evaluation".to_owned(),
            ))
        })
    }
    fn siwe_domain(&self) -> &str {
        &self.asker.siwe_domain
    }
    fn siwe_resources(&self) -> &[String] {
        &self.asker.siwe_resources
    }
    fn current_action_ipfs_id(&self) -> &str {
        &self.asker.current_action_ipfs_id
    }
    fn wallets(&self) -> &Wallets {
        &self.asker.wallets
    }
}
