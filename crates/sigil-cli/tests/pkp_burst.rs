//! PKP signing under load, each node its own `sigil node` process (on 127.0.0.2-4, sharing
//! anvil): 200 signatures from 32 clients at once, every one valid and no two with the same
//! nonce `R`; then another burst (shorter: its point is the kill) during which one node is
//! SIGKILLed and restarted on its data dir: still every signature valid and no `R` seen twice,
//! across both bursts (each triple pair is removed from its node's pool on disk before it is
//! used).

mod common;

use alloy_primitives::{keccak256, B256};
use alloy_provider::ProviderBuilder;
use alloy_signer_local::PrivateKeySigner;
use common::{devnet_on_evm, host_config, start_node, Running};
use sigil_chain::evm::{self, set_validators, MintedPkp, NetworkContext};
use sigil_chain::ValidatorInfo;
use sigil_client::{
    generate_auth_sig, AuthCallbackParams, AuthSig, ClientError, CreateSiweMessageParams,
    LitAbility, LitNetwork, LitNodeClient, LitNodeClientConfig, LitResource,
    ResourceAbilityRequest, ResourcePrefix, SessionSigs, SessionSigsParams,
};
use sigil_test_support::anvil::{Anvil, DEV_KEY_0};
use std::collections::HashSet;
use std::net::{Ipv4Addr, TcpListener};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const HOSTS: [Ipv4Addr; 3] = [
    Ipv4Addr::new(127, 0, 0, 2),
    Ipv4Addr::new(127, 0, 0, 3),
    Ipv4Addr::new(127, 0, 0, 4),
];
const CLIENTS: usize = 32;
const SIGNATURES: usize = 200;
const SIGNATURES_ACROSS_THE_KILL: usize = 64;
/// Longest a signature may wait for its triple pair in the nodes.
const BURST_BOUND: Duration = Duration::from_secs(60);

/// The node's peer identity (its public half), from the key file in its data dir.
fn identity(data_dir: &Path, index: usize) -> B256 {
    let path = data_dir
        .join(format!("node-{index}"))
        .join("peer-identity.key");
    let seed: [u8; 32] = hex::decode(std::fs::read_to_string(path).expect("identity").trim())
        .expect("hex")
        .try_into()
        .expect("32 bytes");
    B256::from(
        ed25519_dalek::SigningKey::from_bytes(&seed)
            .verifying_key()
            .to_bytes(),
    )
}

async fn signer(
    anvil: &Anvil,
    staking: alloy_primitives::Address,
    wallet: &PrivateKeySigner,
) -> Result<(LitNodeClient, SessionSigs), ClientError> {
    let mut config = LitNodeClientConfig::new(LitNetwork::Custom {
        rpc_url: anvil.url(),
        staking_address: staking,
    })
    .with_connect_timeout(Duration::from_secs(10));
    // A debug build on two cores queues a burst of 32 for minutes: the bounds are generous, so
    // what is tested is that every signature succeeds and no nonce repeats, not how fast.
    config.request_timeout = BURST_BOUND * 2;
    let client = LitNodeClient::new(config)?;
    client.connect().await?;
    let request = ResourceAbilityRequest::new(
        LitResource::wildcard(ResourcePrefix::Pkp),
        LitAbility::PkpSigning,
    )?;
    let sigs = client
        .get_session_sigs(
            SessionSigsParams::new(vec![request]),
            async |callback: AuthCallbackParams| {
                let mut siwe = CreateSiweMessageParams::new(wallet.address(), callback.uri);
                siwe.expiration = Some(callback.expiration);
                siwe.resources = callback.resource_ability_requests;
                let to_sign = client.create_siwe_message(siwe).await?;
                Ok::<AuthSig, ClientError>(generate_auth_sig(wallet, &to_sign)?)
            },
        )
        .await?;
    Ok((client, sigs))
}

/// `SIGNATURES` signatures from `CLIENTS` clients at once; each success checked to recover to
/// the PKP. Returns the nonces (`r`) of the successes and the count of failures. `after_each`
/// runs after every signature with the count done so far.
async fn burst(
    signers: &Arc<Vec<(LitNodeClient, SessionSigs)>>,
    pkp: &MintedPkp,
    tag: &str,
    total: usize,
    after_each: Arc<dyn Fn(usize) + Send + Sync>,
) -> (Vec<String>, usize) {
    let next = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let pubkey = format!("0x{}", hex::encode(&pkp.public_key));
    let mut tasks = tokio::task::JoinSet::new();
    for index in 0..CLIENTS {
        let (signers, next, done, pubkey, after_each) = (
            Arc::clone(signers),
            Arc::clone(&next),
            Arc::clone(&done),
            pubkey.clone(),
            Arc::clone(&after_each),
        );
        let (address, tag) = (pkp.eth_address, tag.to_owned());
        tasks.spawn(async move {
            let (client, sigs) = &signers[index];
            let mut nonces = Vec::new();
            let mut failures = 0;
            loop {
                let n = next.fetch_add(1, Ordering::SeqCst);
                if n >= total {
                    return (nonces, failures);
                }
                let digest = keccak256(format!("{tag} {n}"));
                match client.pkp_sign(&digest.0, &pubkey, sigs).await {
                    Ok(signed) => {
                        let signature = signed.to_alloy().expect("a signature");
                        assert_eq!(
                            signature
                                .recover_address_from_prehash(&digest)
                                .expect("recovers"),
                            address
                        );
                        nonces.push(signed.r);
                    }
                    Err(error) => {
                        if failures == 0 {
                            eprintln!("{tag} {n}: {error}");
                        }
                        failures += 1
                    }
                }
                after_each(done.fetch_add(1, Ordering::SeqCst) + 1);
            }
        });
    }
    let mut nonces = Vec::new();
    let mut failures = 0;
    while let Some(joined) = tasks.join_next().await {
        let (mine, failed) = joined.expect("a signing task");
        nonces.extend(mine);
        failures += failed;
    }
    (nonces, failures)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_signatures_from_32_clients_never_share_a_nonce_even_across_a_sigkill(
) -> TestResult {
    let anvil = Anvil::start();
    let data_dir = tempfile::tempdir()?;
    // Contracts deployed and root keys generated by a short-lived devnet on anvil.
    let (devnet, _) = devnet_on_evm(&anvil.url(), DEV_KEY_0, data_dir.path());
    devnet.stop(Duration::from_secs(10));
    let context = NetworkContext::load(&data_dir.path().join("network-context.json"))?;
    let staking = context.require("Staking")?;

    let mut configs = Vec::new();
    let mut validators = Vec::new();
    for (index, host) in HOSTS.into_iter().enumerate() {
        let port = TcpListener::bind((host, 0))?.local_addr()?.port();
        let config = host_config(data_dir.path(), index, host, port);
        let mut json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&config)?)?;
        // A signature waits for its triple pair up to five peer timeouts.
        json["peerTimeoutMs"] = u64::try_from(BURST_BOUND.as_millis() / 5)?.into();
        std::fs::write(&config, json.to_string())?;
        configs.push(config);
        validators.push(ValidatorInfo {
            ip: host,
            port,
            node_address: alloy_primitives::Address::with_last_byte(0x20 + index as u8),
            communication_key: identity(data_dir.path(), index),
        });
    }
    let operator = ProviderBuilder::new()
        .wallet(DEV_KEY_0.parse::<PrivateKeySigner>()?)
        .connect(&anvil.url())
        .await?;
    set_validators(&operator, staking, &validators).await?;
    let owner: PrivateKeySigner = DEV_KEY_0.parse()?;
    let pkp = evm::mint_pkp(&operator, &context, &[]).await?;
    let nodes: Vec<Running> = configs.iter().map(|config| start_node(config)).collect();
    let nodes = Arc::new(std::sync::Mutex::new(nodes));

    let mut signers = Vec::with_capacity(CLIENTS);
    for _ in 0..CLIENTS {
        signers.push(signer(&anvil, staking, &owner).await?);
    }
    let signers = Arc::new(signers);

    let (first, failures) = burst(&signers, &pkp, "first", SIGNATURES, Arc::new(|_| {})).await;
    assert_eq!(failures, 0, "every signature of a healthy network succeeds");
    assert_eq!(first.len(), SIGNATURES);

    // Node 1 is SIGKILLed a quarter of the way into the second burst and restarted on its data
    // dir half way.
    let killer_nodes = Arc::clone(&nodes);
    let restart_config = configs[1].clone();
    let (second, failures) = burst(
        &signers,
        &pkp,
        "second",
        SIGNATURES_ACROSS_THE_KILL,
        Arc::new(move |done| {
            if done == SIGNATURES_ACROSS_THE_KILL / 4 {
                let _ = killer_nodes.lock().expect("nodes")[1].kill();
            }
            if done == SIGNATURES_ACROSS_THE_KILL / 2 {
                killer_nodes.lock().expect("nodes")[1] = start_node(&restart_config);
            }
        }),
    )
    .await;
    eprintln!(
        "across the kill: {} signed, {failures} failed",
        second.len()
    );
    assert!(
        second.len() >= SIGNATURES_ACROSS_THE_KILL / 2,
        "most signatures go through while a node is down: {} of {SIGNATURES_ACROSS_THE_KILL} ({failures} failed)",
        second.len()
    );
    let mut seen = HashSet::new();
    for nonce in first.iter().chain(&second) {
        assert!(seen.insert(nonce.clone()), "nonce {nonce} used twice");
    }
    // The restarted node signs again: a fresh client connects to all three.
    let (client, sigs) = signer(&anvil, staking, &owner).await?;
    let digest = keccak256("after the restart");
    let pubkey = format!("0x{}", hex::encode(&pkp.public_key));
    let signed = client.pkp_sign(&digest.0, &pubkey, &sigs).await?;
    assert!(seen.insert(signed.r));
    let nodes = Arc::try_unwrap(nodes)
        .ok()
        .expect("one owner")
        .into_inner()?;
    for node in nodes {
        node.stop(Duration::from_secs(10));
    }
    Ok(())
}
