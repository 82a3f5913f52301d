//! What a node's chain reads cost on a network on an EVM chain, anvil and the embedded chain
//! served as JSON-RPC, each beside its floor measured in the same run: a credit lookup from
//! `EvmChain`'s index (what every request pays) against a `HashMap` lookup; a fresh PKP
//! permission read (one `eth_call` at the latest block) against the bare round trip of
//! `eth_chainId`; a poll with nothing new; and a PKP mint (10 root keys, derived on chain)
//! against a plain value transfer.

use alloy_network::TransactionBuilder;
use alloy_primitives::{Address, U256};
use alloy_provider::{Provider, ProviderBuilder};
use alloy_rpc_types_eth::TransactionRequest;
use alloy_signer_local::PrivateKeySigner;
use criterion::{criterion_group, criterion_main, Criterion};
use sigil_chain::evm::{self, DeployOptions, EmbeddedChain, EvmChain, EvmChainConfig};
use sigil_chain::ChainView;
use sigil_test_support::anvil::{Anvil, DEV_KEY_0, DEV_KEY_1};
use std::collections::HashMap;
use std::hint::black_box;
use std::time::Duration;

const DAY: u64 = 86_400;

fn reads(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let anvil = Anvil::start();
    reads_on(c, &runtime, "anvil", &anvil.url());
    let embedded = EmbeddedChain::new(31337);
    let server = runtime
        .block_on(embedded.serve_rpc(std::net::SocketAddr::from(([127, 0, 0, 1], 0))))
        .expect("serve");
    reads_on(c, &runtime, "embedded", &server.url());
    runtime.block_on(server.shutdown());
}

fn reads_on(c: &mut Criterion, runtime: &tokio::runtime::Runtime, chain_name: &str, url: &str) {
    let alice: PrivateKeySigner = DEV_KEY_1.parse().expect("key");
    let (chain, context, provider) = runtime.block_on(async {
        let deployer = ProviderBuilder::new()
            .wallet(DEV_KEY_0.parse::<PrivateKeySigner>().expect("key"))
            .connect(url)
            .await
            .expect("provider");
        let options = DeployOptions {
            pkp_mint_cost: U256::from(1),
            root_keys: sigil_test_support::vectors::hd_root_public_keys(),
            ..DeployOptions::default()
        };
        let context = evm::deploy(&deployer, &options).await.expect("deploy");
        let provider = ProviderBuilder::new()
            .wallet(alice.clone())
            .connect(url)
            .await
            .expect("provider")
            .erased();
        let now = provider
            .get_block_by_number(Default::default())
            .await
            .expect("block")
            .expect("latest")
            .header
            .timestamp;
        evm::mint_capacity_credit(&provider, &context, 1000, (now / DAY + 2) * DAY)
            .await
            .expect("credit");
        let mut config =
            EvmChainConfig::new(url, context.require("ContractResolver").expect("resolver"));
        config.poll_interval = Duration::from_secs(3600);
        let chain = EvmChain::connect(config).await.expect("chain");
        (chain, context, provider)
    });
    assert_eq!(chain.capacity_credits_owned_by(alice.address()).len(), 1);
    let pkp = runtime
        .block_on(evm::mint_pkp(&provider, &context, &[]))
        .expect("pkp");

    let floor_map: HashMap<Address, Vec<u64>> = (0u8..200)
        .map(|i| (Address::with_last_byte(i), vec![u64::from(i)]))
        .chain([(alice.address(), vec![1])])
        .collect();
    c.bench_function(
        &format!("{chain_name}/{}", "evm_chain/credits_owned_by"),
        |b| b.iter(|| chain.capacity_credits_owned_by(black_box(alice.address()))),
    );
    c.bench_function(&format!("{chain_name}/{}", "floor/hash_map_lookup"), |b| {
        b.iter(|| floor_map.get(&black_box(alice.address())).cloned())
    });
    c.bench_function(
        &format!("{chain_name}/{}", "evm_chain/is_permitted_address"),
        |b| {
            b.iter(|| {
                runtime
                    .block_on(chain.is_permitted_address(pkp.token_id, alice.address()))
                    .expect("read")
            })
        },
    );
    c.bench_function(
        &format!("{chain_name}/{}", "floor/eth_chain_id_round_trip"),
        |b| b.iter(|| runtime.block_on(provider.get_chain_id()).expect("chain id")),
    );
    c.bench_function(
        &format!("{chain_name}/{}", "evm_chain/refresh_nothing_new"),
        |b| b.iter(|| runtime.block_on(chain.refresh()).expect("refresh")),
    );

    let mut group = c.benchmark_group(format!("{chain_name}/evm_mint"));
    group.sample_size(10);
    group.bench_function("pkp_mint_next", |b| {
        b.iter(|| {
            runtime
                .block_on(evm::mint_pkp(&provider, &context, &[]))
                .expect("pkp")
        })
    });
    group.bench_function("floor/value_transfer", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let transfer = TransactionRequest::default()
                    .with_to(Address::with_last_byte(0xee))
                    .with_value(U256::from(1));
                provider
                    .send_transaction(transfer)
                    .await
                    .expect("send")
                    .get_receipt()
                    .await
                    .expect("receipt")
            })
        })
    });
    group.finish();
}

criterion_group!(benches, reads);
criterion_main!(benches);
