//! Load: decrypt flows from 64 concurrent `LitNodeClient`s against a 3-node
//! devnet, every plaintext checked, while a separate prober keeps handshaking every node.
//!
//! CI runs 2,000 flows on an in-process devnet (its nodes on a runtime of their own, so client
//! work does not stall them). `scripts/load-test` runs the full 20,000 against nodes in
//! processes of their own and reports their peak RSS. Settings, from the environment:
//!
//! - `SIGIL_LOAD_FLOWS`: decrypt flows in all (default 2000);
//! - `SIGIL_LOAD_CLIENTS`: concurrent clients (default 64);
//! - `SIGIL_LOAD_RPC_URL`: the chain RPC of a running network to load instead of an in-process
//!   devnet (its Staking contract at the devnet's default address).
//!
//! A flow is what the seed guide does per secret: `encrypt` a fresh plaintext to conditions
//! only the client's wallet meets, then `decrypt` it through the nodes (one request per node,
//! the first two shares combined and verified) and compare. Each client connects and makes its
//! session sigs once, as an application would.

mod client_flow;

use alloy_signer_local::PrivateKeySigner;
use client_flow::{client_for, only, session_sigs};
use sigil_client::{DecryptRequest, LitNodeClient};
use sigil_devnet::{Devnet, DevnetConfig};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A handshake slower than this counts as not answered.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);
/// Pause between two handshake rounds of the prober.
const HANDSHAKE_INTERVAL: Duration = Duration::from_millis(50);
/// Unexpected error messages kept for the failure report.
const ERRORS_KEPT: usize = 10;

struct Settings {
    flows: usize,
    clients: usize,
    external_rpc_url: Option<String>,
}

impl Settings {
    fn from_env() -> Result<Settings, Box<dyn std::error::Error>> {
        let number = |name: &str, default: usize| -> Result<usize, Box<dyn std::error::Error>> {
            match std::env::var(name) {
                Ok(text) => Ok(text
                    .trim()
                    .parse()
                    .map_err(|e| format!("{name}={text:?}: {e}"))?),
                Err(_) => Ok(default),
            }
        };
        let settings = Settings {
            flows: number("SIGIL_LOAD_FLOWS", 2000)?,
            clients: number("SIGIL_LOAD_CLIENTS", 64)?,
            external_rpc_url: std::env::var("SIGIL_LOAD_RPC_URL")
                .ok()
                .filter(|url| !url.is_empty()),
        };
        if settings.flows == 0 || settings.clients == 0 {
            return Err("SIGIL_LOAD_FLOWS and SIGIL_LOAD_CLIENTS must be at least 1".into());
        }
        Ok(settings)
    }
}

/// What the clients saw.
#[derive(Default)]
struct Outcome {
    correct: usize,
    wrong_plaintext: usize,
    errors: usize,
    error_messages: Vec<String>,
    flow_latencies: Vec<Duration>,
}

impl Outcome {
    fn error(&mut self, message: String) {
        self.errors += 1;
        if self.error_messages.len() < ERRORS_KEPT {
            self.error_messages.push(message);
        }
    }
}

/// What the handshake prober saw.
#[derive(Default)]
struct Handshakes {
    answered: usize,
    failed: usize,
    failures: Vec<String>,
    latencies: Vec<Duration>,
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (fraction * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn millis(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

/// This process's peak resident memory (Linux `VmHWM`), in KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

/// One client: connect, session sigs, then flows taken from the shared counter until none are
/// left.
async fn run_client(
    rpc_url: String,
    staking: alloy_primitives::Address,
    next_flow: Arc<AtomicUsize>,
    total_flows: usize,
    outcome: Arc<Mutex<Outcome>>,
) {
    let wallet = PrivateKeySigner::random();
    let prepared = async {
        let client = client_for(&rpc_url, staking)?;
        client.connect().await?;
        let conditions = only(wallet.address())?;
        let sigs = session_sigs(&client, &wallet).await?;
        Ok::<_, Box<dyn std::error::Error>>((client, conditions, sigs))
    };
    let (client, conditions, sigs) = match prepared.await {
        Ok(prepared) => prepared,
        Err(error) => {
            lock(&outcome).error(format!("client setup: {error}"));
            return;
        }
    };
    loop {
        let flow = next_flow.fetch_add(1, Ordering::SeqCst);
        if flow >= total_flows {
            break;
        }
        let result = one_flow(&client, &conditions, &sigs, flow).await;
        let mut outcome = lock(&outcome);
        match result {
            Ok((true, latency)) => {
                outcome.correct += 1;
                outcome.flow_latencies.push(latency);
            }
            Ok((false, _)) => outcome.wrong_plaintext += 1,
            Err(error) => outcome.error(format!("flow {flow}: {error}")),
        }
    }
}

/// Encrypts a plaintext no other flow uses, decrypts it through the nodes; whether the
/// plaintext came back, and how long the decryption took.
async fn one_flow(
    client: &LitNodeClient,
    conditions: &sigil_client::ConditionSet,
    sigs: &sigil_client::SessionSigs,
    flow: usize,
) -> Result<(bool, Duration), Box<dyn std::error::Error>> {
    let plaintext = format!("flow {flow}: {:032x}", rand::random::<u128>());
    let encrypted = client.encrypt_string(conditions, &plaintext)?;
    let request = DecryptRequest::new(conditions.clone(), encrypted);
    let started = Instant::now();
    let decrypted = client.decrypt_to_string(&request, sigs).await?;
    Ok((decrypted == plaintext, started.elapsed()))
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Handshakes every node in turn until `stop`, on a thread and runtime of its own, so its
/// latencies are the nodes' and not the load generator's scheduling.
fn spawn_handshake_prober(
    node_urls: Vec<String>,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<Handshakes> {
    std::thread::spawn(move || {
        let mut seen = Handshakes::default();
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            Err(error) => {
                seen.failed += 1;
                seen.failures.push(format!("prober runtime: {error}"));
                return seen;
            }
        };
        runtime.block_on(async {
            let http = reqwest::Client::new();
            let body = serde_json::json!({"clientPublicKey": "test", "challenge": "ab".repeat(32)});
            while !stop.load(Ordering::SeqCst) {
                for url in &node_urls {
                    let started = Instant::now();
                    let answer = http
                        .post(format!("{url}/web/handshake/"))
                        .header("X-Request-Id", "lit_load_prober")
                        .timeout(HANDSHAKE_TIMEOUT)
                        .json(&body)
                        .send()
                        .await;
                    let latency = started.elapsed();
                    match answer {
                        Ok(response) if response.status() == 200 => {
                            let keyed = response
                                .json::<serde_json::Value>()
                                .await
                                .map(|json| json["subnetPublicKey"].is_string())
                                .unwrap_or(false);
                            if keyed {
                                seen.answered += 1;
                                seen.latencies.push(latency);
                            } else {
                                seen.failed += 1;
                                seen.failures
                                    .push(format!("{url}: handshake without a key"));
                            }
                        }
                        Ok(response) => {
                            seen.failed += 1;
                            seen.failures
                                .push(format!("{url}: handshake HTTP {}", response.status()));
                        }
                        Err(error) => {
                            seen.failed += 1;
                            seen.failures.push(format!("{url}: handshake: {error}"));
                        }
                    }
                }
                tokio::time::sleep(HANDSHAKE_INTERVAL).await;
            }
        });
        seen
    })
}

#[test]
fn decrypt_flows_from_64_concurrent_clients_all_succeed_while_handshakes_are_answered() -> TestResult
{
    let settings = Settings::from_env()?;

    // The nodes get a runtime of their own, as they would have a process of their own.
    let node_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("devnet")
        .enable_all()
        .build()?;
    let devnet = match &settings.external_rpc_url {
        Some(_) => None,
        // A free allowance no run reaches: every refusal would be an unexpected error.
        None => Some(node_runtime.block_on(Devnet::start(DevnetConfig {
            free_allowance: 1_000_000_000_000,
            ..DevnetConfig::default()
        }))?),
    };
    let (rpc_url, staking) = match (&devnet, &settings.external_rpc_url) {
        (Some(devnet), _) => (devnet.rpc_url(), devnet.staking_address()),
        (None, Some(url)) => (url.clone(), sigil_chain::DEFAULT_STAKING_ADDRESS),
        (None, None) => return Err("no network to load".into()),
    };

    let client_runtime = tokio::runtime::Builder::new_multi_thread()
        .thread_name("load-clients")
        .enable_all()
        .build()?;
    let (node_urls, threshold) = client_runtime.block_on(async {
        let client = client_for(&rpc_url, staking)?;
        let connection = client.connect().await?;
        Ok::<_, sigil_client::ClientError>((connection.connected_nodes, connection.min_node_count))
    })?;
    assert_eq!(node_urls.len(), 3, "a 3-node network: {node_urls:?}");

    let outcome = Arc::new(Mutex::new(Outcome::default()));
    let next_flow = Arc::new(AtomicUsize::new(0));
    let stop_prober = Arc::new(AtomicBool::new(false));
    let prober = spawn_handshake_prober(node_urls.clone(), Arc::clone(&stop_prober));

    let started = Instant::now();
    client_runtime.block_on(async {
        let clients: Vec<_> = (0..settings.clients)
            .map(|_| {
                tokio::spawn(run_client(
                    rpc_url.clone(),
                    staking,
                    Arc::clone(&next_flow),
                    settings.flows,
                    Arc::clone(&outcome),
                ))
            })
            .collect();
        for client in clients {
            if let Err(error) = client.await {
                lock(&outcome).error(format!("client task: {error}"));
            }
        }
    });
    let elapsed = started.elapsed();
    stop_prober.store(true, Ordering::SeqCst);
    let handshakes = prober.join().map_err(|_| "the handshake prober panicked")?;

    if let Some(devnet) = devnet {
        node_runtime.block_on(devnet.shutdown());
    }

    let mut outcome = std::mem::take(&mut *lock(&outcome));
    outcome.flow_latencies.sort();
    let mut handshake_latencies = handshakes.latencies.clone();
    handshake_latencies.sort();
    let throughput = outcome.correct as f64 / elapsed.as_secs_f64().max(f64::EPSILON);
    println!(
        "load: {} decrypt flows from {} concurrent clients against {} nodes ({})",
        settings.flows,
        settings.clients,
        node_urls.len(),
        if settings.external_rpc_url.is_some() {
            "external network"
        } else {
            "in-process devnet"
        }
    );
    println!(
        "load: correct plaintexts {}, wrong plaintexts {}, unexpected errors {}",
        outcome.correct, outcome.wrong_plaintext, outcome.errors
    );
    println!(
        "load: {:.1} s, {throughput:.0} flows/s; share requests sent {}, answered with a share at \
         least {} (each flow asks every node and combines the first {threshold}; the rest may be \
         cut off once the threshold is met)",
        elapsed.as_secs_f64(),
        outcome.correct * node_urls.len(),
        outcome.correct * threshold,
    );
    println!(
        "load: decrypt latency p50 {}, p99 {}, max {}",
        millis(percentile(&outcome.flow_latencies, 0.50)),
        millis(percentile(&outcome.flow_latencies, 0.99)),
        millis(percentile(&outcome.flow_latencies, 1.0)),
    );
    println!(
        "load: handshakes during the burst answered {}, failed {}; latency p50 {}, p99 {}, max {}",
        handshakes.answered,
        handshakes.failed,
        millis(percentile(&handshake_latencies, 0.50)),
        millis(percentile(&handshake_latencies, 0.99)),
        millis(percentile(&handshake_latencies, 1.0)),
    );
    if let Some(kib) = peak_rss_kib() {
        let whose = if settings.external_rpc_url.is_some() {
            "load generator only"
        } else {
            "load generator and the 3 in-process nodes"
        };
        println!("load: peak RSS of this test process ({whose}): {kib} KiB");
    }

    assert_eq!(
        outcome.errors, 0,
        "unexpected errors, first ones: {:#?}",
        outcome.error_messages
    );
    assert_eq!(
        outcome.wrong_plaintext, 0,
        "decryptions gave wrong plaintext"
    );
    assert_eq!(outcome.correct, settings.flows, "every flow decrypted");
    assert_eq!(
        handshakes.failed, 0,
        "handshakes not answered during the burst: {:#?}",
        handshakes.failures
    );
    assert!(
        handshakes.answered >= node_urls.len(),
        "the prober handshook every node at least once during the burst"
    );
    Ok(())
}
