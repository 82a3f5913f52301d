//! `sigil-bench pkp-sessions`: PKP session sigs on a devnet of three nodes in this process
//! (threshold 2), Sigil's client beside the official JS SDK's against the same nodes in the same
//! run, and the floor:
//!
//! - `pkp_session_sigs`: `get_pkp_session_sigs` latency, one client, the PKP's owner proving
//!   itself with an EthWallet auth method made once beforehand (rounds before and after the JS
//!   SDK's, merged).
//! - `pkp_session_sigs_js`: the JS SDK 7.4.0's `getPkpSessionSigs`, the same way
//!   (`js-bench.js --pkp-sessions`, its own process).
//! - `pkp_session_floor`: the signatures the request cannot skip, one after another in one
//!   thread: per node one EIP-191 recovery (the auth method) and one BLS share signature; then
//!   the client's combination and one BLS verification. The nodes run in parallel on a real
//!   network, so a latency can be under this sum; it is the work, not a bound.

use crate::measure::Latencies;
use crate::record::Record;
use alloy_signer::SignerSync as _;
use anyhow::Context as _;
use sigil_auth::network_session_digest;
use sigil_client::{
    LitAbility, LitResource, PkpSessionSigsParams, ResourceAbilityRequest, ResourcePrefix,
};
use sigil_crypto::bls;
use sigil_devnet::{Devnet, DevnetConfig};
use std::path::PathBuf;
use std::time::Instant;

const NODES: usize = 3;

#[derive(clap::Args)]
pub struct Args {
    /// Requests per round of each side (two rounds of Sigil's, one of the JS SDK's between).
    #[arg(long, default_value_t = 40)]
    iterations: usize,
    /// The JS side (`interop/js/bench/js-bench.js`, with its npm packages installed); leave out
    /// to time Sigil alone.
    #[arg(long, value_name = "FILE")]
    js_bench: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    floor(args.iterations.max(10))?;
    crate::server_runtime()?.block_on(network(&args))
}

fn requests() -> anyhow::Result<Vec<ResourceAbilityRequest>> {
    Ok(vec![ResourceAbilityRequest::new(
        LitResource::wildcard(ResourcePrefix::Pkp),
        LitAbility::PkpSigning,
    )?])
}

async fn network(args: &Args) -> anyhow::Result<()> {
    let devnet = Devnet::start(DevnetConfig {
        free_allowance: u64::MAX / 4,
        ..DevnetConfig::default()
    })
    .await?;
    let owner = devnet.dev_wallet();
    let (client, _, pkp_public_key) =
        crate::pkp_sign::client_with_pkp(&devnet, requests()?.remove(0)).await?;
    let auth_method = client.authenticate_eth_wallet(&owner, None).await?;
    let params = PkpSessionSigsParams::new(&pkp_public_key, vec![auth_method], requests()?);

    let mut latencies = Latencies::new()?;
    let round = async |latencies: &mut Latencies| -> anyhow::Result<()> {
        client.get_pkp_session_sigs(params.clone()).await?; // warm-up
        for _ in 0..args.iterations {
            let started = Instant::now();
            client.get_pkp_session_sigs(params.clone()).await?;
            latencies.record(u64::try_from(started.elapsed().as_nanos())?)?;
        }
        Ok(())
    };
    round(&mut latencies).await?;
    if let Some(script) = &args.js_bench {
        js_round(script, &devnet, &pkp_public_key, args.iterations).await?;
    }
    round(&mut latencies).await?;
    Record {
        name: "pkp_session_sigs".into(),
        mean_ns: Some(latencies.mean_ns()),
        iterations: Some(latencies.count()),
        p50_ns: latencies.percentile(50.0).map(|ns| ns as f64),
        p99_ns: latencies.percentile(99.0).map(|ns| ns as f64),
        clients: Some(1),
        ..Record::default()
    }
    .emit()?;
    devnet.shutdown().await;
    Ok(())
}

/// The JS SDK's round: its records go to stdout as they are.
async fn js_round(
    script: &PathBuf,
    devnet: &Devnet,
    pkp_public_key: &str,
    iterations: usize,
) -> anyhow::Result<()> {
    let output = tokio::process::Command::new("node")
        .arg(script)
        .args(["--pkp-sessions", "--rpc-url", &devnet.rpc_url()])
        .args(["--staking-address", &devnet.staking_address().to_string()])
        .args(["--pkp-pubkey", pkp_public_key])
        .args(["--iterations", &iterations.to_string()])
        .env(
            "BENCH_WALLET_KEY",
            format!("0x{}", hex::encode(devnet.dev_wallet().to_bytes())),
        )
        .current_dir(
            script
                .parent()
                .and_then(|dir| dir.parent())
                .unwrap_or(script),
        )
        .output()
        .await
        .context("running node")?;
    anyhow::ensure!(
        output.status.success(),
        "js-bench.js --pkp-sessions failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    print!("{}", String::from_utf8_lossy(&output.stdout));
    Ok(())
}

/// Every node's EIP-191 recovery and BLS share, then the combination and its verification.
fn floor(iterations: usize) -> anyhow::Result<()> {
    let (network_key, shares) = bls::deal(2, NODES, &mut rand::rngs::OsRng)?;
    let wallet = alloy_signer_local::PrivateKeySigner::random();
    let message = "localhost wants you to sign in with your Ethereum account: (floor)";
    let wallet_signature = wallet.sign_message_sync(message.as_bytes())?;
    let digest = network_session_digest(message);
    let started = Instant::now();
    for _ in 0..iterations {
        let mut signature_shares = Vec::with_capacity(NODES);
        for share in &shares {
            let signer = wallet_signature.recover_address_from_msg(message.as_bytes())?;
            anyhow::ensure!(signer == wallet.address(), "recovered another address");
            signature_shares.push(share.sign(&digest));
        }
        let signature = bls::combine(&signature_shares[..2])?;
        network_key.verify(&digest, &signature)?;
    }
    Record::timing(
        "pkp_session_floor",
        started.elapsed().as_nanos() as f64 / iterations as f64,
        iterations as u64,
    )
    .emit()
}
