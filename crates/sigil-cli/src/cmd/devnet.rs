//! `sigil devnet`: a whole local Lit network (chain + N nodes) until Ctrl-C.

use crate::Failure;
use sigil_devnet::{
    Devnet, DevnetConfig, ExternalChain, DEV_WALLET_ADDRESS, DEV_WALLET_PRIVATE_KEY,
};
use sigil_node::DEFAULT_FREE_ALLOWANCE;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

/// The line that ends the ready banner; scripts wait for it.
pub const READY_LINE: &str = "Press Ctrl-C to stop.";

#[derive(clap::Args)]
pub struct Args {
    /// Number of nodes.
    #[arg(long, default_value_t = 3)]
    nodes: usize,
    /// Decryption shares a client needs (at least 2, at most --nodes).
    #[arg(long, default_value_t = 2)]
    threshold: usize,
    /// Port of the first node; the others listen on the next ports. 0 = any free ports.
    #[arg(long, default_value_t = 7470)]
    port: u16,
    /// Port of the chain JSON-RPC. 0 = any free port.
    #[arg(long, default_value_t = 8545)]
    rpc_port: u16,
    /// Port of the IPFS gateway (`/ipfs/<cid>`) and add API (`/api/v0/add`, what `sigil actions
    /// add` posts to) the nodes fetch Lit Actions by IPFS id from. 0 = any free port.
    #[arg(long, default_value_t = 5001)]
    ipfs_port: u16,
    /// Keep keys, credits and rate-limit counters here, so a restart is the same network.
    /// Default: a temporary directory, removed at exit.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// The embedded chain mines every transaction at once, and an empty block after this long
    /// without one, e.g. 2s, 500ms, 1m, 1m 30s (a bare number is seconds).
    #[arg(long, default_value = "2s", value_parser = parse_duration)]
    block_time: Duration,
    /// Requests per 1000 s every address gets from each node without capacity credits
    /// (0: only credit owners and their delegatees are served).
    #[arg(long = "free-requests", visible_alias = "free-allowance", default_value_t = DEFAULT_FREE_ALLOWANCE)]
    free_allowance: u64,
    /// Beaver triple pairs each node keeps ready for the PKP signatures it leads, generated
    /// with its peers in the background (0: each made when a signature needs it, slower).
    #[arg(long, value_name = "N", default_value_t = 4)]
    triple_pool: usize,
    /// Run on this EVM chain (JSON-RPC URL) instead of the embedded one: Sigil's contracts are
    /// deployed to it (or reused from DIR/network-context.json with --data-dir) and the nodes
    /// read them there. Needs --deployer-key-env.
    #[arg(long, requires = "deployer_key_env")]
    evm_rpc: Option<String>,
    /// Point a chain name conditions use elsewhere than the devnet's own chain (which every
    /// EVM chain name of Lit's reads by default), e.g. `--chain-rpc sepolia=https://...`;
    /// Solana and Cosmos chains read nothing until given one (a Solana JSON-RPC URL, a Cosmos
    /// REST base URL), e.g. `--chain-rpc solana=https://...`.
    /// Repeatable.
    #[arg(long = "chain-rpc", value_name = "NAME=URL", value_parser = parse_chain_rpc)]
    chain_rpcs: Vec<(String, String)>,
    /// Name of the environment variable holding the hex private key that deploys and owns the
    /// contracts on --evm-rpc (it needs gas there).
    #[arg(long, requires = "evm_rpc")]
    deployer_key_env: Option<String>,
    /// Once ready, print one JSON object (node URLs, chain RPC URL, Staking address, chain id,
    /// network public key, threshold, data dir, dev wallet) instead of the banner. With
    /// --data-dir the same JSON is written to DIR/ready.json either way.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Result<(), Failure> {
    super::server_runtime()?.block_on(serve(args))
}

async fn serve(args: Args) -> Result<(), Failure> {
    // Installed before anything starts, so a Ctrl-C at any point ends in a clean shutdown.
    let mut stop = super::node::StopSignals::install()?;
    let external_chain = match (args.evm_rpc, args.deployer_key_env) {
        (Some(rpc_url), Some(variable)) => Some(ExternalChain {
            rpc_url,
            deployer: super::session_sigs::wallet_from_env(&variable)?,
        }),
        _ => None,
    };
    let config = DevnetConfig {
        nodes: args.nodes,
        threshold: args.threshold,
        base_port: args.port,
        rpc_port: args.rpc_port,
        data_dir: args.data_dir,
        block_time: args.block_time,
        free_allowance: args.free_allowance,
        external_chain,
        chain_rpcs: args.chain_rpcs.into_iter().collect(),
        triple_pool_size: args.triple_pool,
        ipfs_port: args.ipfs_port,
        ..DevnetConfig::default()
    };
    let data_dir_given = config.data_dir.is_some();
    let devnet = Devnet::start(config).await?;
    if data_dir_given {
        if let Err(error) = devnet.write_ready_file() {
            devnet.shutdown().await;
            return Err(error.into());
        }
    }
    if args.json {
        print_json(&devnet)?;
    } else {
        print_banner(&devnet)?;
    }
    let signal = stop.wait().await;
    eprintln!("{signal}: shutting down");
    devnet.shutdown().await;
    Ok(())
}

fn parse_chain_rpc(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, url)) if !name.is_empty() && !url.is_empty() => {
            Ok((name.to_owned(), url.to_owned()))
        }
        _ => Err("expected NAME=URL, e.g. sepolia=https://rpc.example".to_owned()),
    }
}

fn print_json(devnet: &Devnet) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, &devnet.info())?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

fn print_banner(devnet: &Devnet) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    let urls = devnet.node_urls();
    writeln!(
        out,
        "Sigil devnet ready: {} nodes, threshold {}",
        urls.len(),
        devnet.threshold()
    )?;
    writeln!(out)?;
    writeln!(out, "Nodes")?;
    for url in &urls {
        writeln!(out, "  {url}")?;
    }
    writeln!(out)?;
    writeln!(out, "Chain RPC           {}", devnet.rpc_url())?;
    if let Some(ipfs) = devnet.ipfs_gateway() {
        writeln!(out, "IPFS gateway        {}", ipfs.gateway_url())?;
    }
    writeln!(out, "Staking contract    {}", devnet.staking_address())?;
    writeln!(
        out,
        "Network context     {}",
        devnet.network_context_path().display()
    )?;
    writeln!(out, "Network public key  {}", devnet.network_public_key())?;
    writeln!(out, "Data dir            {}", devnet.data_dir().display())?;
    writeln!(out)?;
    // Printed only here, as anvil does: a well-known key for local testing only.
    writeln!(
        out,
        "Dev wallet (anvil's account #0; a public key, never use it on a real network)"
    )?;
    writeln!(out, "  Address           {DEV_WALLET_ADDRESS}")?;
    writeln!(out, "  Private key       {DEV_WALLET_PRIVATE_KEY}")?;
    writeln!(out)?;
    writeln!(
        out,
        "JS SDK v7: litNetwork 'custom', rpcUrl above, contractContext.Staking.address above,"
    )?;
    writeln!(out, "checkNodeAttestation false.")?;
    writeln!(out)?;
    writeln!(out, "{READY_LINE}")?;
    out.flush()
}

/// A bare number of seconds, or anything `humantime` reads (`2s`, `500ms`, `1m`, `1m 30s`).
fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let duration = if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        Duration::from_secs(
            text.parse()
                .map_err(|_| format!("{text:?} is too many seconds"))?,
        )
    } else {
        humantime::parse_duration(text)
            .map_err(|e| format!("{text:?} is not a duration like 2s or 500ms: {e}"))?
    };
    if duration < Duration::from_millis(10) {
        return Err("the block time must be at least 10ms".into());
    }
    Ok(duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_bare_seconds_and_humantime_units() {
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("1m"), Ok(Duration::from_secs(60)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert_eq!(parse_duration("1m 30s"), Ok(Duration::from_secs(90)));
        assert!(parse_duration("2x").is_err());
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("s").is_err());
    }
}
