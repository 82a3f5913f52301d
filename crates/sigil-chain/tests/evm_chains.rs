//! Sigil's contracts deployed from Rust to an EVM chain (anvil, and the embedded chain served
//! as JSON-RPC: the same test on both) and read back through `EvmChain`, as a node
//! reads them: the validator set, capacity credits as they are minted and transferred, and a
//! PKP minted with its key derived on chain from the registered root keys.

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_provider::ProviderBuilder;
use alloy_signer_local::PrivateKeySigner;
use sigil_chain::evm::contracts::{PKPPermissions, PubkeyRouter, RateLimitNFT, PKPNFT};
use sigil_chain::evm::{
    deploy, DeployOptions, EmbeddedChain, EvmChain, EvmChainConfig, NetworkContext, Permit,
    AUTH_METHOD_ADDRESS, HD_KEY_DERIVER_PRECOMPILE, SCOPE_SIGN_ANYTHING,
};
use sigil_chain::{ChainView, ValidatorInfo};
use sigil_test_support::anvil::{Anvil, DEV_KEY_0, DEV_KEY_1, DEV_KEY_2};
use std::net::Ipv4Addr;
use std::time::Duration;

const DAY: u64 = 86_400;

fn validators() -> Vec<ValidatorInfo> {
    (0..3u8)
        .map(|i| ValidatorInfo {
            ip: Ipv4Addr::new(127, 0, 0, 2 + i),
            port: 7470 + u16::from(i),
            node_address: Address::repeat_byte(0x10 + i),
            // Round-trips through Staking's senderPubKey.
            communication_key: alloy_primitives::B256::repeat_byte(0x40 + i),
        })
        .collect()
}

async fn deployed(url: &str, key_deriver: Option<Address>) -> NetworkContext {
    let deployer: PrivateKeySigner = DEV_KEY_0.parse().unwrap();
    let provider = ProviderBuilder::new()
        .wallet(deployer)
        .connect(url)
        .await
        .unwrap();
    let options = DeployOptions {
        pkp_mint_cost: U256::from(1),
        validators: validators(),
        root_keys: sigil_test_support::vectors::hd_root_public_keys(),
        key_deriver,
        ..DeployOptions::default()
    };
    deploy(&provider, &options).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_network_on_anvil_reads_back_through_the_chain_view() {
    let anvil = Anvil::start();
    reads_back(&anvil.url(), None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_network_on_the_embedded_chain_reads_back_through_the_chain_view() {
    let chain = EmbeddedChain::new(31337);
    let server = chain
        .serve_rpc(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    reads_back(&server.url(), None).await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_chain_derives_pkp_keys_in_its_precompile() {
    let chain = EmbeddedChain::new(31337);
    let server = chain
        .serve_rpc(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    reads_back(&server.url(), Some(HD_KEY_DERIVER_PRECOMPILE)).await;
    server.shutdown().await;
}

async fn reads_back(url: &str, key_deriver: Option<Address>) {
    let context = deployed(url, key_deriver).await;
    // A fresh deployer puts Staking where local clients look for it by default.
    assert_eq!(
        context.require("Staking").unwrap(),
        sigil_chain::DEFAULT_STAKING_ADDRESS
    );
    for name in [
        "Staking",
        "PKPNFT",
        "PKPHelper",
        "PKPPermissions",
        "PubkeyRouter",
        "RateLimitNFT",
        "ContractResolver",
        "Allowlist",
        "LITToken",
        "Multisender",
        "PKPNFTMetadata",
        "StakingBalances",
        "KeyDeriver",
    ] {
        assert!(context.address(name).is_some(), "{name} deployed");
    }
    let mut config = EvmChainConfig::new(url, context.require("ContractResolver").unwrap());
    config.poll_interval = Duration::from_secs(3600);
    let chain = EvmChain::connect(config).await.unwrap();
    assert_eq!(chain.chain_id(), 31337);
    assert_eq!(
        chain.addresses().staking,
        context.require("Staking").unwrap()
    );
    let set = chain.validator_set().unwrap();
    assert_eq!(set.validators, validators());
    assert_eq!(set.min_node_count, 2);
    assert_ne!(chain.latest_block().hash, B256::ZERO);

    // A capacity credit as the JS SDK mints one: calculateCost, then mint with that value.
    let alice: PrivateKeySigner = DEV_KEY_1.parse().unwrap();
    let bob: PrivateKeySigner = DEV_KEY_2.parse().unwrap();
    let alice_provider = ProviderBuilder::new()
        .wallet(alice.clone())
        .connect(url)
        .await
        .unwrap();
    let now = chain.latest_block().timestamp;
    let expires_at = (now / DAY + 2) * DAY;
    let nft = RateLimitNFT::new(chain.addresses().rate_limit_nft, &alice_provider);
    let cost = nft
        .calculateCost(U256::from(1000), U256::from(expires_at))
        .call()
        .await
        .unwrap();
    let receipt = nft
        .mint(U256::from(expires_at))
        .value(cost)
        .send()
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    let token_id = U256::from_be_bytes(receipt.inner.logs()[0].topics()[3].0);

    assert!(chain.capacity_credits_owned_by(alice.address()).is_empty());
    chain.refresh().await.unwrap();
    let credits = chain.capacity_credits_owned_by(alice.address());
    assert_eq!(credits.len(), 1);
    assert_eq!(credits[0].token_id, token_id);
    assert!(credits[0].requests_per_kilosecond >= 1000);
    assert_eq!(credits[0].expires_at, expires_at);
    assert_eq!(chain.capacity_credit(token_id), Some(credits[0]));

    // A transfer moves it; the index follows on the next refresh.
    nft.transferFrom(alice.address(), bob.address(), token_id)
        .send()
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    chain.refresh().await.unwrap();
    assert!(chain.capacity_credits_owned_by(alice.address()).is_empty());
    assert_eq!(
        chain.capacity_credits_owned_by(bob.address())[0].token_id,
        token_id
    );

    // A PKP: the token id is the first log's topic 1, the key is set in the mint's own
    // transaction, and it is what the root keys derive for its key id.
    let pkp_nft = PKPNFT::new(chain.addresses().pkp_nft, &alice_provider);
    let mint_cost = pkp_nft.mintCost().call().await.unwrap();
    let receipt = pkp_nft
        .mintNext(U256::from(2))
        .value(mint_cost)
        .send()
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(receipt.status());
    let pkp_token_id = U256::from_be_bytes(receipt.inner.logs()[0].topics()[1].0);
    let pubkey = pkp_nft
        .getPubkey(pkp_token_id)
        .block(receipt.block_number.unwrap().into())
        .call()
        .await
        .unwrap();
    assert_eq!(pubkey.len(), 65);
    assert_eq!(U256::from_be_bytes(keccak256(&pubkey).0), pkp_token_id);
    let router = PubkeyRouter::new(chain.addresses().pubkey_router, chain.provider());
    let routing = router.getRoutingData(pkp_token_id).call().await.unwrap();
    let roots =
        sigil_crypto::hd::parse_root_keys(&sigil_test_support::vectors::hd_root_public_keys())
            .unwrap();
    let derived =
        sigil_crypto::hd::derive_public_key(routing.derivedKeyId.as_slice(), &roots).unwrap();
    use k256::elliptic_curve::sec1::ToEncodedPoint;
    assert_eq!(derived.to_encoded_point(false).as_bytes(), pubkey.as_ref());
    assert_eq!(
        pkp_nft.ownerOf(pkp_token_id).call().await.unwrap(),
        alice.address()
    );
    eprintln!(
        "PKP mintNext with 10 root keys, deriver {:?}: {} gas",
        key_deriver, receipt.gas_used
    );
    if key_deriver == Some(HD_KEY_DERIVER_PRECOMPILE) {
        // The same key for a fraction of the gas KeyDeriver's EVM code takes (2.5 M).
        assert!(receipt.gas_used < 1_000_000, "{} gas", receipt.gas_used);
    }

    // What the PKP permits is read at the latest block: a grant and a revocation count at once.
    assert_eq!(
        chain.pkp_owner(pkp_token_id).await.unwrap(),
        alice.address()
    );
    assert_eq!(
        chain.pkp_public_key(pkp_token_id).await.unwrap(),
        Some(pubkey.clone())
    );
    assert_eq!(chain.pkp_public_key(U256::from(7)).await.unwrap(), None);
    assert!(chain
        .is_permitted_address(pkp_token_id, alice.address())
        .await
        .unwrap());
    assert!(!chain
        .is_permitted_address(pkp_token_id, bob.address())
        .await
        .unwrap());
    let context = deployed_context_of(&chain);
    let cid = "QmYLgjhNR7E6Ds9WVqYbjDdVR4hYyPcVgJSbPz4y2R9wxe";
    for permit in [
        Permit::Address {
            address: bob.address(),
            scopes: vec![SCOPE_SIGN_ANYTHING],
        },
        Permit::Action {
            cid: cid.into(),
            scopes: vec![SCOPE_SIGN_ANYTHING],
        },
    ] {
        sigil_chain::evm::permit(&alice_provider, &context, pkp_token_id, &permit)
            .await
            .unwrap();
    }
    assert!(chain
        .is_permitted_address(pkp_token_id, bob.address())
        .await
        .unwrap());
    assert!(chain.is_permitted_action(pkp_token_id, cid).await.unwrap());
    assert!(chain
        .is_permitted_auth_method_scope(
            pkp_token_id,
            AUTH_METHOD_ADDRESS,
            Bytes::copy_from_slice(bob.address().as_slice()),
            SCOPE_SIGN_ANYTHING
        )
        .await
        .unwrap());
    PKPPermissions::new(chain.addresses().pkp_permissions, &alice_provider)
        .removePermittedAddress(pkp_token_id, bob.address())
        .send()
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(!chain
        .is_permitted_address(pkp_token_id, bob.address())
        .await
        .unwrap());

    // A burnt credit leaves the index.
    let bob_provider = ProviderBuilder::new()
        .wallet(bob.clone())
        .connect(url)
        .await
        .unwrap();
    RateLimitNFT::new(chain.addresses().rate_limit_nft, &bob_provider)
        .burn(token_id)
        .send()
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    chain.refresh().await.unwrap();
    assert!(chain.capacity_credits_owned_by(bob.address()).is_empty());
    assert_eq!(chain.capacity_credit(token_id), None);
}

fn deployed_context_of(chain: &EvmChain) -> NetworkContext {
    let addresses = chain.addresses();
    let mut context = NetworkContext::default();
    context.insert("PKPPermissions", addresses.pkp_permissions);
    context.insert("PKPNFT", addresses.pkp_nft);
    context
}
