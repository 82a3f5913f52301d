//! A node killed with SIGKILL in the middle of a burst of requests: the `sigil node` process
//! is restarted on the same config and data dir, its `redb` state opens cleanly, and every use
//! it answered with a share before dying is still counted.
//!
//! The chain (and the dealt key shares) come from an in-process devnet; the node under test is
//! `sigil node --config` in a process of its own, serving node 0's key share from its own data
//! dir. Uses are observed over HTTP only: with a free allowance of `F` per user, a node that has
//! counted `C` uses serves exactly `F - C` more before answering 402, so after the restart
//! `C = F - (shares served until the 402)`, and it must be at least the number of shares the
//! client received before the kill.

mod common;

use alloy_signer_local::PrivateKeySigner;
use common::{sigil_path, Running, Stderr};
use sigil_auth::{
    generate_auth_sig, sign_session_sigs, siwe, AuthSig, LitAbility, LitResource,
    ResourceAbilityRequest, ResourcePrefix, SessionKeyPair, SessionSigningParams,
};
use sigil_crypto::bls::SignatureShare;
use sigil_crypto::conditions::{data_to_encrypt_hash, ConditionSet};
use sigil_devnet::{Devnet, DevnetConfig};
use sigil_node::NodeConfig;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use time::OffsetDateTime;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Requests per user the node serves; more than the burst can reach before the kill.
const FREE_ALLOWANCE: u64 = 300;
/// The node is killed once the client holds this many shares from it.
const KILL_AFTER_SHARES: u64 = 60;
/// Concurrent requesters in the burst, so requests are in flight (and in one group commit)
/// when the kill lands.
const BURST_WORKERS: usize = 16;
/// A rate-limit window no test run crosses, so the counter is not reset by the clock.
const WINDOW_NO_TEST_CROSSES: u64 = 1_000_000_000;

/// A `sigil node` process and the URL it serves at.
struct NodeProcess {
    process: Running,
    url: String,
}

impl NodeProcess {
    /// Starts `sigil node --config <config>` and waits for its ready line.
    fn start(config: &Path) -> Result<NodeProcess, Box<dyn std::error::Error>> {
        let mut command = Command::new(sigil_path());
        command.arg("node").arg("--config").arg(config);
        let process = Running::start(command, Stderr::Inherit)?;
        let url = process
            .node_url(Duration::from_secs(10))
            .map_err(|_| "sigil node printed no ready line within 10 s")?;
        Ok(NodeProcess { process, url })
    }
}

/// A session sig for `url` only, made from `wallet` (the seed guide's SIWE + ReCap).
fn session_sig_for(
    url: &str,
    wallet: &PrivateKeySigner,
    nonce: String,
) -> Result<AuthSig, Box<dyn std::error::Error>> {
    let now = OffsetDateTime::now_utc();
    let expiration = now + time::Duration::hours(1);
    // The session key need not be secret here; the wallet is fresh per run.
    let session_key = SessionKeyPair::from_seed([0x5e; 32]);
    let request = ResourceAbilityRequest::new(
        LitResource::wildcard(ResourcePrefix::AccessControlCondition),
        LitAbility::AccessControlConditionDecryption,
    )?;
    let siwe_params = siwe::SiweMessageParams::new(wallet.address(), nonce)
        .with_uri(session_key.uri())
        .with_expiration(expiration)
        .with_resources(vec![request.clone()]);
    let auth_sig = generate_auth_sig(wallet, &siwe::create_siwe_message(&siwe_params, now)?)?;
    let params = SessionSigningParams {
        resource_ability_requests: vec![request],
        capabilities: vec![auth_sig],
        issued_at: now,
        expiration,
    };
    let sigs = sign_session_sigs(&session_key, &params, &[url])?;
    Ok(sigs.get(url).ok_or("a sig for the url")?.clone())
}

/// The `/web/encryption/sign/` body for `wallet`'s own conditions.
fn share_request_body(
    wallet: &PrivateKeySigner,
    auth_sig: &AuthSig,
) -> Result<String, Box<dyn std::error::Error>> {
    let conditions = ConditionSet::from_document(&format!(
        r#"[{{"contractAddress":"","standardContractType":"","chain":"ethereum","method":"",
            "parameters":[":userAddress"],"returnValueTest":{{"comparator":"=","value":"{}"}}}}]"#,
        wallet.address()
    ))?;
    Ok(format!(
        r#"{{"accessControlConditions":{},"dataToEncryptHash":"{}","chain":"ethereum","authSig":{}}}"#,
        conditions.to_json_string(),
        data_to_encrypt_hash(b"burst"),
        serde_json::to_string(auth_sig)?
    ))
}

/// What one request got.
enum Reply {
    /// HTTP 200 with a well-formed signature share.
    Share,
    /// HTTP 402 `rate_limit_exceeded`.
    RateLimited,
    /// Any other HTTP answer.
    Unexpected(String),
    /// No HTTP answer (connection refused or reset).
    Lost,
}

async fn ask_share(http: &reqwest::Client, url: &str, body: &str) -> Reply {
    let sent = http
        .post(format!("{url}/web/encryption/sign/"))
        .header("Content-Type", "application/json")
        .header("X-Request-Id", "lit_sigkill_burst")
        .body(body.to_owned())
        .send()
        .await;
    let Ok(response) = sent else {
        return Reply::Lost;
    };
    let status = response.status().as_u16();
    let Ok(json) = response.json::<serde_json::Value>().await else {
        // Headers arrived but the body did not: the node died while answering.
        return Reply::Lost;
    };
    match status {
        200 if SignatureShare::from_json_value(&json["signatureShare"]).is_ok() => Reply::Share,
        402 if json["errorCode"] == "rate_limit_exceeded" => Reply::RateLimited,
        _ => Reply::Unexpected(format!("HTTP {status}: {json}")),
    }
}

fn note(list: &Mutex<Vec<String>>, what: String) {
    list.lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .push(what);
}

fn noted(list: &Mutex<Vec<String>>) -> Vec<String> {
    list.lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone()
}

#[derive(Default)]
struct Burst {
    shares: AtomicU64,
    /// Requests started (and the bound on them).
    sent: AtomicU64,
    /// Requests actually made.
    attempts: AtomicU64,
    no_answer: AtomicU64,
    unexpected: Mutex<Vec<String>>,
}

#[test]
fn node_killed_mid_burst_restarts_cleanly_and_no_counted_use_is_lost() -> TestResult {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let devnet = runtime.block_on(Devnet::start(DevnetConfig::default()))?;

    // Node 0's key share, served by a `sigil node` process from its own state dir.
    let node_dir = tempfile::tempdir()?;
    let config_path = node_dir.path().join("node.json");
    NodeConfig {
        listen: "127.0.0.1:0".parse()?,
        external_address: None,
        key_share_file: devnet.data_dir().join("node-0").join("key-share.json"),
        root_key_shares_file: Some(
            devnet
                .data_dir()
                .join("node-0")
                .join("ecdsa-root-shares.json"),
        ),
        network_public_key: Some(devnet.network_public_key().to_owned()),
        threshold: u16::try_from(devnet.threshold())?,
        chain_rpc_url: Some(devnet.rpc_url()),
        contract_resolver: devnet.network_context().address("ContractResolver"),
        validator_staleness_secs: 10,
        peer_timeout_ms: 5_000,
        triple_pool_size: 16,
        triple_generation_pause_ms: 0,
        chains: [("ethereum".to_owned(), devnet.rpc_url())].into(),
        condition_read_timeout_ms: 5_000,
        condition_reads_budget_ms: 10_000,
        condition_read_cache_entries: 4096,
        data_dir: node_dir.path().join("state"),
        free_allowance: FREE_ALLOWANCE,
        rate_limit_window_secs: WINDOW_NO_TEST_CROSSES,
        actions: Default::default(),
        poap: Default::default(),
    }
    .save(&config_path)?;
    // Node 0 moved: its peer identity goes with its shares (their roster names it).
    std::fs::create_dir_all(node_dir.path().join("state"))?;
    std::fs::copy(
        devnet.data_dir().join("node-0").join("peer-identity.key"),
        node_dir.path().join("state").join("peer-identity.key"),
    )?;

    let node = NodeProcess::start(&config_path)?;
    let wallet = PrivateKeySigner::random();
    let nonce = devnet.latest_block().hash.to_string();
    let body = share_request_body(
        &wallet,
        &session_sig_for(&node.url, &wallet, nonce.clone())?,
    )?;

    // The burst, and a watcher that sends SIGKILL (std's `Child::kill` on Unix) once enough
    // shares are in.
    let burst = Arc::new(Burst::default());
    let burst_over = Arc::new(AtomicBool::new(false));
    let url = node.url.clone();
    let killer = {
        let burst = Arc::clone(&burst);
        let burst_over = Arc::clone(&burst_over);
        let mut node = node;
        std::thread::spawn(move || {
            while burst.shares.load(Ordering::SeqCst) < KILL_AFTER_SHARES
                && !burst_over.load(Ordering::SeqCst)
            {
                std::thread::sleep(Duration::from_millis(1));
            }
            let shares_at_kill = burst.shares.load(Ordering::SeqCst);
            let (killed, status) = node.process.kill();
            (shares_at_kill, killed.is_ok(), status)
        })
    };
    runtime.block_on(async {
        let http = reqwest::Client::new();
        let workers: Vec<_> = (0..BURST_WORKERS)
            .map(|_| {
                let (http, url, body, burst) =
                    (http.clone(), url.clone(), body.clone(), Arc::clone(&burst));
                tokio::spawn(async move {
                    // Bounded, in case the kill never lands.
                    while burst.sent.fetch_add(1, Ordering::SeqCst) < FREE_ALLOWANCE {
                        burst.attempts.fetch_add(1, Ordering::SeqCst);
                        match ask_share(&http, &url, &body).await {
                            Reply::Share => {
                                burst.shares.fetch_add(1, Ordering::SeqCst);
                            }
                            Reply::Lost => {
                                burst.no_answer.fetch_add(1, Ordering::SeqCst);
                                break;
                            }
                            Reply::RateLimited => note(&burst.unexpected, "402".into()),
                            Reply::Unexpected(what) => note(&burst.unexpected, what),
                        }
                    }
                })
            })
            .collect();
        for worker in workers {
            let _ = worker.await;
        }
    });
    burst_over.store(true, Ordering::SeqCst);
    let (shares_at_kill, killed, status) = killer.join().map_err(|_| "killer thread panicked")?;
    assert!(killed, "SIGKILL was sent");
    let status = status?;
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            status.signal(),
            Some(9),
            "the node died of SIGKILL: {status}"
        );
    }
    let shares = burst.shares.load(Ordering::SeqCst);
    let no_answer = burst.no_answer.load(Ordering::SeqCst);
    let unexpected = noted(&burst.unexpected);
    assert!(unexpected.is_empty(), "unexpected answers: {unexpected:?}");
    assert!(
        shares_at_kill >= KILL_AFTER_SHARES,
        "the kill came after {KILL_AFTER_SHARES} shares, not at the end of the burst"
    );
    assert!(
        no_answer >= 1,
        "requests were in flight or still coming when the node died"
    );

    // Restart on the same config and data dir: redb opens (after recovery) and the node serves.
    let restarted = NodeProcess::start(&config_path)?;
    let body = share_request_body(&wallet, &session_sig_for(&restarted.url, &wallet, nonce)?)?;
    const PROBES: u64 = 8;
    let (served_after_restart, refused, others) = runtime.block_on(async {
        let http = reqwest::Client::new();
        let served = Arc::new(AtomicU64::new(0));
        let refused = Arc::new(AtomicU64::new(0));
        let others = Arc::new(Mutex::new(Vec::new()));
        let probes: Vec<_> = (0..PROBES)
            .map(|_| {
                let (http, url, body) = (http.clone(), restarted.url.clone(), body.clone());
                let (served, refused, others) = (
                    Arc::clone(&served),
                    Arc::clone(&refused),
                    Arc::clone(&others),
                );
                tokio::spawn(async move {
                    loop {
                        match ask_share(&http, &url, &body).await {
                            Reply::Share => {
                                served.fetch_add(1, Ordering::SeqCst);
                            }
                            Reply::RateLimited => {
                                refused.fetch_add(1, Ordering::SeqCst);
                                break;
                            }
                            Reply::Unexpected(what) => {
                                note(&others, what);
                                break;
                            }
                            Reply::Lost => {
                                note(&others, "no answer".into());
                                break;
                            }
                        }
                    }
                })
            })
            .collect();
        for probe in probes {
            let _ = probe.await;
        }
        (
            served.load(Ordering::SeqCst),
            refused.load(Ordering::SeqCst),
            noted(&others),
        )
    });
    assert!(others.is_empty(), "after the restart: {others:?}");
    assert_eq!(refused, PROBES, "every probe ends at the rate limit");
    let counted = FREE_ALLOWANCE - served_after_restart.min(FREE_ALLOWANCE);
    let sent = burst.attempts.load(Ordering::SeqCst);
    println!(
        "SIGKILL mid-burst: {shares} shares answered before the kill ({shares_at_kill} when it \
         was sent), {sent} requests sent, {no_answer} unanswered; counted after the restart: \
         {counted} ({} committed but never answered)",
        counted.saturating_sub(shares)
    );
    assert!(
        counted >= shares,
        "a use answered with a share was lost: {shares} shares answered, {counted} counted"
    );
    assert!(
        counted <= sent,
        "more uses counted ({counted}) than requests sent ({sent})"
    );

    // The restarted node still stops cleanly.
    let mut restarted = restarted;
    restarted.process.interrupt();
    let exit = restarted
        .process
        .wait_exit(Duration::from_secs(10))
        .ok_or("the restarted node did not exit on SIGINT")?;
    assert_eq!(exit.code(), Some(0), "{exit}");
    runtime.block_on(devnet.shutdown());
    Ok(())
}
