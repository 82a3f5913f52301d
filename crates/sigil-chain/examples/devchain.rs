//! Runs a devchain by itself: `cargo run -p sigil-chain --example devchain -- [RPC_PORT]
//! [NODE_PORT...]`. Lists `127.0.0.1:<NODE_PORT>` validators (default 7470 7471 7472) in the
//! Staking answer, prints the RPC URL, and serves until Ctrl-C. Handy for pointing the JS SDK's
//! `rpcUrl` at it, with nodes (real or mock) listening on those ports.

use sigil_chain::{staking, DevChain, DevChainConfig, ValidatorInfo};
use std::net::{Ipv4Addr, SocketAddr};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let rpc_port: u16 = args.next().map(|p| p.parse()).transpose()?.unwrap_or(8545);
    let mut node_ports = args
        .map(|p| p.parse::<u16>())
        .collect::<Result<Vec<_>, _>>()?;
    if node_ports.is_empty() {
        node_ports = vec![7470, 7471, 7472];
    }

    let chain = DevChain::open(DevChainConfig::default())?;
    chain.set_validators(
        node_ports
            .iter()
            .zip(1u64..)
            .map(|(&port, index)| ValidatorInfo {
                ip: Ipv4Addr::LOCALHOST,
                port,
                node_address: staking::placeholder_node_address(index),
            })
            .collect(),
    );
    let producer = chain.spawn_block_production();
    let server = chain
        .serve_rpc(SocketAddr::from((Ipv4Addr::LOCALHOST, rpc_port)))
        .await?;
    println!("{}", server.url());
    tokio::signal::ctrl_c().await?;
    producer.abort();
    server.shutdown().await;
    Ok(())
}
