//! The load generator: `sigil-bench encryption-sign` (one node's `/web/encryption/sign/`) and
//! `sigil-bench decrypt` (end-to-end `LitNodeClient::decrypt` with concurrent clients).
//!
//! Every request's answer is checked (a share for `encryption-sign`, the plaintext for
//! `decrypt`); one failure ends the run with an error rather than a figure.

use crate::measure::Latencies;
use crate::proc_info;
use crate::record::Record;
use alloy_signer_local::PrivateKeySigner;
use anyhow::Context as _;
use sigil_client::{
    ConditionSet, DecryptRequest, LitAbility, LitNetwork, LitNodeClient, LitNodeClientConfig,
    LitResource, ResourceAbilityRequest, ResourcePrefix, SessionSigs, SessionSigsParams,
};
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// The JS SDK's headers on a node request.
const SDK_VERSION: &str = "7.4.0";

#[derive(clap::Args)]
pub struct EncryptionSignArgs {
    /// The node to load, e.g. http://127.0.0.1:7470.
    #[arg(long)]
    node_url: String,
    /// The chain RPC, for the SIWE nonce (the latest blockhash) [default: the handshake's].
    #[arg(long)]
    rpc_url: Option<String>,
    /// Concurrent connections.
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Seconds of load.
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
    /// The node's process id, to count the CPU time it spends (Linux /proc).
    #[arg(long)]
    node_pid: Option<u32>,
}

#[derive(clap::Args)]
pub struct DecryptArgs {
    /// The network's chain RPC (a devnet's).
    #[arg(long)]
    rpc_url: String,
    #[command(flatten)]
    loads: Loads,
    /// A node's process id: its peak RSS is reset before each run and read after it.
    #[arg(long)]
    node_pid: Option<u32>,
}

pub(crate) fn duration(seconds: f64) -> anyhow::Result<Duration> {
    anyhow::ensure!(
        seconds.is_finite() && seconds > 0.0 && seconds <= 3600.0,
        "--seconds must be in (0, 3600]"
    );
    Ok(Duration::from_secs_f64(seconds))
}

/// A connected client acting for a fresh wallet, with session sigs that may decrypt anything
/// (`lit-accesscontrolcondition://*`) and the conditions "only this wallet".
pub(crate) struct User {
    pub(crate) client: LitNodeClient,
    pub(crate) wallet: PrivateKeySigner,
    pub(crate) conditions: ConditionSet,
    session_sigs: SessionSigs,
}

impl User {
    async fn connect(network: LitNetwork) -> anyhow::Result<User> {
        let wallet = PrivateKeySigner::random();
        let conditions = ConditionSet::from_document(&format!(
            r#"[{{"contractAddress":"","standardContractType":"","chain":"ethereum","method":"","parameters":[":userAddress"],"returnValueTest":{{"comparator":"=","value":"{}"}}}}]"#,
            wallet.address()
        ))?;
        User::connect_with(network, wallet, conditions).await
    }

    /// A user of `wallet` whose items are encrypted to `conditions`.
    pub(crate) async fn connect_with(
        network: LitNetwork,
        wallet: PrivateKeySigner,
        conditions: ConditionSet,
    ) -> anyhow::Result<User> {
        let client = LitNodeClient::new(LitNodeClientConfig::new(network))?;
        client.connect().await.context("connecting")?;
        let mut params = SessionSigsParams::new(vec![ResourceAbilityRequest::new(
            LitResource::wildcard(ResourcePrefix::AccessControlCondition),
            LitAbility::AccessControlConditionDecryption,
        )?]);
        params.expiration = Some(OffsetDateTime::now_utc() + time::Duration::hours(1));
        let session_sigs = client.get_session_sigs_with_wallet(params, &wallet).await?;
        Ok(User {
            client,
            wallet,
            conditions,
            session_sigs,
        })
    }
}

/// The client counts and the length of each measurement of a load.
#[derive(clap::Args)]
pub(crate) struct Loads {
    /// Concurrent clients, one measurement each.
    #[arg(long, value_delimiter = ',', default_value = "1,8,32")]
    pub(crate) clients: Vec<usize>,
    /// Seconds per measurement.
    #[arg(long, default_value_t = 5.0)]
    pub(crate) seconds: f64,
}

impl Loads {
    /// The length of one measurement and the most clients, checked.
    pub(crate) fn checked(&self) -> anyhow::Result<(Duration, usize)> {
        let length = duration(self.seconds)?;
        let most = self.clients.iter().copied().max().unwrap_or(0);
        anyhow::ensure!(most > 0, "--clients must name at least one count above 0");
        Ok((length, most))
    }
}

/// Latencies of completed requests, and the wall time they took.
pub(crate) struct LoadResult {
    latencies: Latencies,
    wall: Duration,
}

impl LoadResult {
    pub(crate) fn record(self, name: String, clients: usize) -> Record {
        let count = self.latencies.count();
        Record {
            name,
            mean_ns: Some(self.latencies.mean_ns()),
            iterations: Some(count),
            p50_ns: self.latencies.percentile(50.0).map(|v| v as f64),
            p99_ns: self.latencies.percentile(99.0).map(|v| v as f64),
            per_second: Some(count as f64 / self.wall.as_secs_f64()),
            clients: u32::try_from(clients).ok(),
            ..Record::default()
        }
    }
}

/// Runs `workers` loops of `request` until `length` has passed; each loop's requests are
/// sequential. Requests started before the deadline are waited for and counted.
pub(crate) async fn closed_loop<W, F, Fut>(
    workers: Vec<Arc<W>>,
    length: Duration,
    request: F,
) -> anyhow::Result<LoadResult>
where
    W: Send + Sync + 'static,
    F: Fn(Arc<W>) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let request = Arc::new(request);
    let start = Instant::now();
    let deadline = start + length;
    let mut tasks = tokio::task::JoinSet::new();
    for worker in workers {
        let request = Arc::clone(&request);
        tasks.spawn(async move {
            let mut latencies = Latencies::new()?;
            while Instant::now() < deadline {
                let sent = Instant::now();
                request(Arc::clone(&worker)).await?;
                latencies.record(u64::try_from(sent.elapsed().as_nanos()).unwrap_or(u64::MAX))?;
            }
            anyhow::Ok(latencies)
        });
    }
    let mut latencies = Latencies::new()?;
    while let Some(joined) = tasks.join_next().await {
        latencies.merge(&joined.context("a load task panicked")??)?;
    }
    Ok(LoadResult {
        latencies,
        wall: start.elapsed(),
    })
}

pub fn run_encryption_sign(args: EncryptionSignArgs) -> anyhow::Result<()> {
    let length = duration(args.seconds)?;
    anyhow::ensure!(args.concurrency > 0, "--concurrency must be at least 1");
    crate::server_runtime()?.block_on(async {
        let node_url = args.node_url.trim_end_matches('/').to_owned();
        let user = User::connect(LitNetwork::Nodes {
            node_urls: vec![node_url.clone()],
            min_node_count: 1,
            rpc_url: args.rpc_url.clone(),
        })
        .await?;
        let session_sig = user
            .session_sigs
            .get(&node_url)
            .context("no session sig for the node")?;
        let data_to_encrypt_hash = sigil_crypto::conditions::data_to_encrypt_hash(b"bench");
        // The JS SDK's body, key order as it writes it.
        let body = Arc::new(format!(
            "{{{}:{},\"dataToEncryptHash\":{},\"chain\":\"ethereum\",\"authSig\":{},\"epoch\":3}}",
            serde_json::to_string(user.conditions.json_key())?,
            user.conditions.to_json_string(),
            serde_json::to_string(&data_to_encrypt_hash)?,
            serde_json::to_string(session_sig)?,
        ));
        let url = Arc::new(format!("{node_url}/web/encryption/sign/"));
        let http = reqwest::Client::new();
        // Warm-up: the node caches the capability, the connections open.
        for _ in 0..args.concurrency.min(4) {
            sign_request(&http, &url, &body).await?;
        }

        let node_cpu_before = args.node_pid.map(proc_info::cpu_seconds).transpose()?;
        let own_cpu_before = proc_info::own_cpu_seconds()?;
        let workers = (0..args.concurrency)
            .map(|_| Arc::new((http.clone(), Arc::clone(&url), Arc::clone(&body))))
            .collect();
        let result = closed_loop(workers, length, |worker| async move {
            let (http, url, body) = &*worker;
            sign_request(http, url, body).await
        })
        .await?;
        let node_cpu = args
            .node_pid
            .map(proc_info::cpu_seconds)
            .transpose()?
            .zip(node_cpu_before)
            .map(|(after, before)| after - before);
        let own_cpu = proc_info::own_cpu_seconds()? - own_cpu_before;
        let wall = result.wall.as_secs_f64();
        let mut record = result.record("encryption_sign".into(), args.concurrency);
        record.cores_used = node_cpu.map(|cpu| cpu / wall);
        record.emit()?;
        Record {
            name: "encryption_sign_load_generator".into(),
            cores_used: Some(own_cpu / wall),
            ..Record::default()
        }
        .emit()
    })
}

/// One `/web/encryption/sign/` request with the JS SDK's headers; anything but a 200 carrying
/// a `signatureShare` is an error.
async fn sign_request(http: &reqwest::Client, url: &str, body: &str) -> anyhow::Result<()> {
    let response = http
        .post(url)
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .header("x-lit-sdk-version", SDK_VERSION)
        .header("x-lit-sdk-type", "Rust")
        .header("x-request-id", "lit_bench")
        .body(body.to_owned())
        .send()
        .await?;
    let status = response.status();
    let answer: serde_json::Value = response.json().await?;
    anyhow::ensure!(
        status.is_success() && answer.get("signatureShare").is_some(),
        "node answered {status}: {answer}"
    );
    Ok(())
}

pub fn run_decrypt(args: DecryptArgs) -> anyhow::Result<()> {
    let (length, most) = args.loads.checked()?;
    crate::server_runtime()?.block_on(async {
        // Every client connects, encrypts and makes its session sigs before any timing (one
        // after the other: the auth callback's future is not `Send`, so it is not spawned).
        let network = LitNetwork::custom(args.rpc_url.clone());
        let mut users = Vec::with_capacity(most);
        for index in 0..most {
            let user = User::connect(network.clone()).await?;
            let plaintext = format!("sigil bench secret #{index}");
            let encrypted = user.client.encrypt_string(&user.conditions, &plaintext)?;
            let request = DecryptRequest::new(user.conditions.clone(), encrypted);
            users.push(Arc::new((user, request, plaintext)));
        }
        for (user, request, plaintext) in users.iter().map(|u| &**u) {
            decrypt_once(user, request, plaintext)
                .await
                .with_context(|| format!("warm-up decrypt for {}", user.wallet.address()))?;
        }

        for &clients in &args.loads.clients {
            if let Some(pid) = args.node_pid {
                proc_info::reset_peak(pid)?;
            }
            let workers: Vec<_> = users.iter().take(clients).cloned().collect();
            let result = closed_loop(workers, length, |worker| async move {
                let (user, request, plaintext) = &*worker;
                decrypt_once(user, request, plaintext).await
            })
            .await?;
            result
                .record(format!("decrypt_c{clients}"), clients)
                .emit()?;
            if let Some(pid) = args.node_pid {
                let memory = proc_info::memory(pid)?;
                Record {
                    name: format!("rss_node_c{clients}"),
                    clients: u32::try_from(clients).ok(),
                    hwm_kib: Some(memory.hwm_kib),
                    rss_kib: Some(memory.rss_kib),
                    ..Record::default()
                }
                .emit()?;
            }
        }
        Ok(())
    })
}

pub(crate) async fn decrypt_once(
    user: &User,
    request: &DecryptRequest,
    plaintext: &str,
) -> anyhow::Result<()> {
    let decrypted = user
        .client
        .decrypt_to_string(request, &user.session_sigs)
        .await?;
    anyhow::ensure!(
        decrypted == plaintext,
        "decrypted {decrypted:?}, expected {plaintext:?}"
    );
    Ok(())
}
