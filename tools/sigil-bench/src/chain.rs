//! `sigil-bench chain --data-dir DIR`: the chain of a devnet whose nodes run as separate
//! `sigil node` processes.
//!
//! `sigil devnet --data-dir DIR` deals the keys and writes `DIR/node-<i>/config.json`, each
//! naming its port, the chain RPC URL and the ContractResolver. Once that devnet is stopped,
//! this serves its embedded chain (contracts, validators and credits as the devnet left them),
//! and `sigil node --config DIR/node-<i>/config.json` processes make the same network,
//! each node in a process of its own (its memory and CPU measurable alone).

use std::path::PathBuf;
use std::time::Duration;

/// The line printed once the chain serves; the script waits for it.
pub const READY_PREFIX: &str = "Sigil bench chain ready at ";

#[derive(clap::Args)]
pub struct Args {
    /// Data dir of a stopped `sigil devnet --data-dir` (its node configs name the validators and
    /// the chain RPC address).
    #[arg(long)]
    data_dir: PathBuf,
    /// Milliseconds without a transaction after which an empty block is mined.
    #[arg(long, default_value_t = 2000)]
    block_time_ms: u64,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    runtime.block_on(serve(args))
}

async fn serve(args: Args) -> anyhow::Result<()> {
    // Caught before the chain starts, so a signal at any point ends in a clean shutdown.
    let mut stop = StopSignals::install()?;
    let block_time = Duration::from_millis(args.block_time_ms.max(10));
    let chain = sigil_devnet::serve_chain_of(&args.data_dir, block_time).await?;
    println!(
        "{READY_PREFIX}{} ({} validators)",
        chain.url(),
        chain.validator_count()
    );
    let signal = stop.wait().await;
    eprintln!("{signal}: shutting down");
    chain.shutdown().await;
    Ok(())
}

/// SIGINT (Ctrl-C) and SIGTERM, caught so the chain shuts down cleanly and exits 0.
struct StopSignals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

impl StopSignals {
    /// Starts catching the signals (must run inside the tokio runtime).
    fn install() -> std::io::Result<StopSignals> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(StopSignals {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    /// Waits for the first signal; returns its name.
    async fn wait(&mut self) -> &'static str {
        tokio::select! {
            _ = self.interrupt.recv() => "SIGINT",
            _ = self.terminate.recv() => "SIGTERM",
        }
    }
}
