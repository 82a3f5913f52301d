//! `sigil node --config FILE`: one node as its own process, reading the chain over JSON-RPC.

use crate::Failure;
use anyhow::Context;
use sigil_chain::evm::EvmChain;
use sigil_chain::ChainView;
use sigil_node::{Node, NodeConfig};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(clap::Args)]
pub struct Args {
    /// The node's JSON config (see `sigil_node::NodeConfig`; `sigil devnet --data-dir DIR`
    /// writes one per node in DIR/node-<i>/config.json).
    #[arg(long)]
    config: PathBuf,
}

pub fn run(args: Args) -> Result<(), Failure> {
    super::server_runtime()?.block_on(serve(args))
}

async fn serve(args: Args) -> Result<(), Failure> {
    let mut stop = StopSignals::install()?;
    let config = NodeConfig::load(&args.config)?;
    let chain_config = config.evm_chain_config()?;
    let (rpc_url, resolver) = (chain_config.rpc_url.clone(), chain_config.resolver);
    let chain: Arc<dyn ChainView> =
        Arc::new(EvmChain::connect(chain_config).await.with_context(|| {
            format!("cannot read the contracts of resolver {resolver} at {rpc_url}")
        })?);
    let node = Node::start(config, chain).await?;
    let share = node.state().share_id().map_or_else(
        || "network key pending: generated with the other validators".to_owned(),
        |id| format!("share {id}"),
    );
    println!(
        "Sigil node ready at {} ({share}); chain {rpc_url}",
        node.url()
    );
    let signal = stop.wait().await;
    eprintln!("{signal}: shutting down");
    node.shutdown().await;
    Ok(())
}

/// SIGINT (Ctrl-C) and SIGTERM, caught so the process shuts down cleanly and exits 0.
pub struct StopSignals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl StopSignals {
    /// Starts catching the signals (must run inside the tokio runtime).
    pub fn install() -> std::io::Result<StopSignals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(StopSignals {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(StopSignals {})
        }
    }

    /// Waits for the first signal; returns its name.
    pub async fn wait(&mut self) -> &'static str {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => "SIGINT",
                _ = self.terminate.recv() => "SIGTERM",
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        }
    }
}
