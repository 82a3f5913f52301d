//! `sigil-bench`: the Rust side of `scripts/bench-compare`, a development tool kept out of the
//! `sigil` binary.
//!
//! Every measuring subcommand prints one JSON object per line ([`record::Record`]), the shape
//! `interop/js/bench/js-bench.js` prints too, so the script appends both sides to one file and
//! `sigil-bench report` turns it into BENCHMARKS.md and the `RATIO` lines.
//!
//! - `local`: in-process timings, no network in the timed part: `get_session_sigs` for 3, 10
//!   and 100 nodes, node-side verification cold and warm, the cryptographic floors (ed25519
//!   `verify_strict`, secp256k1 recovery, the template JSON and SIWE parses, one BLS share
//!   signature), all in the same process and run.
//! - `chain`: serves the embedded chain of a dealt devnet data dir, so its nodes can run as separate
//!   `sigil node` processes whose memory and CPU are their own.
//! - `encryption-sign`: requests per second one node serves on `/web/encryption/sign/`, with the
//!   CPU time the node process spent on them.
//! - `decrypt`: the load generator: end-to-end `decrypt` through `LitNodeClient` with 1, 8, 32
//!   concurrent clients (latency p50/p99, throughput), and the node's peak RSS under each load.
//! - `rss`: one process's VmHWM and VmRSS.
//! - `report`: BENCHMARKS.md and the `RATIO` lines from the collected records.
//!
//! Exit codes: 0 success, 2 any error (as the `sigil` binary's "any other error").

mod actions;
mod chain;
mod load;
mod local;
mod measure;
mod pkp_session;
mod pkp_sign;
mod proc_info;
mod record;
mod report;
mod token_gated;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "sigil-bench",
    version,
    about = "Measure Sigil against the JS SDK and the cryptographic floor (scripts/bench-compare)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// In-process timings: session sigs, verification cold and warm, and their floors.
    Local(local::Args),
    /// Serve the chain of a devnet data dir whose nodes run as `sigil node` processes.
    Chain(chain::Args),
    /// Requests per second on one node's `/web/encryption/sign/`.
    EncryptionSign(load::EncryptionSignArgs),
    /// End-to-end decrypt latency and throughput with concurrent clients.
    Decrypt(load::DecryptArgs),
    /// Decrypts per second for an ERC-721 condition, the nodes' read cache on and off.
    TokenGated(token_gated::Args),
    /// Threshold ECDSA with PKPs: DKG, triple generation, presign and pkp_sign, with floors.
    PkpSign(pkp_sign::Args),
    /// PKP session sigs: get_pkp_session_sigs beside the JS SDK's getPkpSessionSigs, and the floor.
    PkpSessions(pkp_session::Args),
    /// Lit Actions: execute_js for a hello, a signing and an ethers action, with the engine's floors.
    Actions(actions::Args),
    /// Peak and current resident memory of a process.
    Rss(proc_info::RssArgs),
    /// Write BENCHMARKS.md from the records and print the RATIO lines.
    Report(report::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Local(args) => local::run(args),
        Command::Chain(args) => chain::run(args),
        Command::EncryptionSign(args) => load::run_encryption_sign(args),
        Command::Decrypt(args) => load::run_decrypt(args),
        Command::TokenGated(args) => token_gated::run(args),
        Command::PkpSign(args) => pkp_sign::run(args),
        Command::Actions(args) => actions::run(args),
        Command::PkpSessions(args) => pkp_session::run(args),
        Command::Rss(args) => proc_info::run_rss(args),
        Command::Report(args) => report::run(args),
    }
}

/// A runtime with one worker per core, for the loads.
fn server_runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
}

/// Logs go to stderr, filtered by `RUST_LOG` (default: warnings only), so stdout stays
/// machine-readable.
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
