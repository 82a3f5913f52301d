//! Lit's "Using an Auth Sig" guide (session sigs from an EOA wallet), in Rust, against
//! `sigil devnet`:
//!
//! ```sh
//! sigil devnet &                                   # chain RPC on http://127.0.0.1:8545
//! cargo run -p sigil-client --example using_an_auth_sig
//! ```
//!
//! Environment: `ETHEREUM_PRIVATE_KEY` (default: a new random wallet), `LIT_RPC_URL` (default
//! `http://127.0.0.1:8545`), or `LIT_NETWORK=datil-dev|datil-test|datil` for Lit's networks.
//! Same structure and names as the guide: an "ethers signer", a `LitNodeClient`, a capacity
//! credit and its delegation auth sig, then `get_session_sigs` with an `auth_needed_callback`
//! that signs `create_siwe_message` with `generate_auth_sig`. At the end the session sigs are
//! used once: encrypt to the wallet's address, decrypt.

use alloy_provider::{Provider, ProviderBuilder};
use alloy_signer_local::PrivateKeySigner;
use sigil_auth::{create_capacity_delegation_auth_sig, CapacityDelegationParams};
use sigil_chain::evm::{self, NetworkContext};
use sigil_chain::{CapacityCredit, MintRequest};
use sigil_client::{
    generate_auth_sig, AuthCallbackParams, ConditionSet, CreateSiweMessageParams, DecryptRequest,
    LitAbility, LitNetwork, LitNodeClient, LitNodeClientConfig, LitResource,
    ResourceAbilityRequest, ResourcePrefix, SessionSigsParams,
};
use time::{Duration, OffsetDateTime};

type Error = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let lit_network = match std::env::var("LIT_NETWORK") {
        Ok(name) if name != "custom" => name.parse()?,
        _ => LitNetwork::custom(
            std::env::var("LIT_RPC_URL").unwrap_or_else(|_| sigil_client::LOCAL_RPC_URL.to_owned()),
        ),
    };
    let ethers_signer: PrivateKeySigner = match std::env::var("ETHEREUM_PRIVATE_KEY") {
        Ok(key) => key.parse()?,
        Err(_) => PrivateKeySigner::random(),
    };
    let decrypted = using_an_auth_sig(lit_network, ethers_signer).await?;
    println!("✅ Decrypted with the session sigs: {decrypted}");
    Ok(())
}

/// The guide's code; returns what the session sigs decrypted. (Public for the test that runs
/// it against an in-process devnet: `crates/sigil-devnet/tests/guide.rs`.)
pub async fn using_an_auth_sig(
    lit_network: LitNetwork,
    ethers_signer: PrivateKeySigner,
) -> Result<String, Error> {
    // Initializing a LitNodeClient
    println!(
        "🔄 Connecting to the Lit network ({})...",
        lit_network.name()
    );
    let lit_node_client = LitNodeClient::new(LitNodeClientConfig::new(lit_network.clone()))?;
    let connection = lit_node_client.connect().await?;
    println!("✅ Connected to {} nodes", connection.connected_nodes.len());

    // Paying for usage: a capacity credit owned by the signer, delegated to itself. On a local
    // network the wallet mints one, as `LitContracts.mintCapacityCreditsNFT` does; on Lit's
    // networks mint one with the Lit explorer and set CAPACITY_TOKEN_ID.
    let capacity_token_id = match (std::env::var("CAPACITY_TOKEN_ID"), &lit_network) {
        (Ok(id), _) => id,
        (
            Err(_),
            LitNetwork::Custom {
                rpc_url,
                staking_address,
            },
        ) => {
            println!("🔄 Minting Capacity Credits NFT...");
            let credit =
                mint_capacity_credits_nft(rpc_url, *staking_address, &ethers_signer).await?;
            println!("✅ Minted new Capacity Credit with ID: {}", credit.token_id);
            credit.token_id.to_string()
        }
        (Err(_), _) => return Err("set CAPACITY_TOKEN_ID to a capacity credit you own".into()),
    };

    println!("🔄 Creating capacityDelegationAuthSig...");
    let mut delegation = CapacityDelegationParams::new(
        vec![ethers_signer.address().to_string()],
        lit_node_client.get_latest_blockhash().await?,
    );
    delegation.capacity_token_ids = vec![capacity_token_id];
    delegation.uses = Some(1);
    let capacity_delegation_auth_sig = create_capacity_delegation_auth_sig(
        &ethers_signer,
        &delegation,
        OffsetDateTime::now_utc(),
    )?;
    println!("✅ Capacity Delegation Auth Sig created");

    // Generating the Session Signatures
    println!("🔄 Getting Session Signatures...");
    let mut params = SessionSigsParams::new(vec![ResourceAbilityRequest::new(
        LitResource::wildcard(ResourcePrefix::AccessControlCondition),
        LitAbility::AccessControlConditionDecryption,
    )?]);
    params.chain = "ethereum".to_owned();
    params.expiration = Some(OffsetDateTime::now_utc() + Duration::minutes(10));
    params.capacity_delegation_auth_sig = Some(capacity_delegation_auth_sig);
    let session_signatures = lit_node_client
        .get_session_sigs(
            params,
            async |AuthCallbackParams {
                       uri,
                       expiration,
                       resource_ability_requests,
                       ..
                   }| {
                let mut siwe = CreateSiweMessageParams::new(ethers_signer.address(), uri);
                siwe.expiration = Some(expiration);
                siwe.resources = resource_ability_requests;
                siwe.nonce = Some(lit_node_client.get_latest_blockhash().await?);
                let to_sign = lit_node_client.create_siwe_message(siwe).await?;
                Ok::<_, Error>(generate_auth_sig(&ethers_signer, &to_sign)?)
            },
        )
        .await?;
    println!(
        "✅ Got Session Sigs via an Auth Sig for {} nodes",
        session_signatures.len()
    );

    // Using them: encrypt to the signer's address, decrypt with the session sigs.
    let access_control_conditions = ConditionSet::from_document(&format!(
        r#"[{{"contractAddress":"","standardContractType":"","chain":"ethereum","method":"",
            "parameters":[":userAddress"],"returnValueTest":{{"comparator":"=","value":"{}"}}}}]"#,
        ethers_signer.address()
    ))?;
    let encrypted =
        lit_node_client.encrypt_string(&access_control_conditions, "Hello from Sigil!")?;
    let request = DecryptRequest::new(access_control_conditions, encrypted);
    Ok(lit_node_client
        .decrypt_to_string(&request, &session_signatures)
        .await?)
}

/// `LitContracts.mintCapacityCreditsNFT({ requestsPerKilosecond: 80,
/// daysUntilUTCMidnightExpiration: 1 })` on a local network: the contracts found from its
/// Staking contract, the wallet paying. A fresh wallet holds no ether, so on a local chain
/// anvil's account #0 (funded on every local chain) sends it some first.
async fn mint_capacity_credits_nft(
    rpc_url: &str,
    staking_address: alloy_primitives::Address,
    ethers_signer: &PrivateKeySigner,
) -> Result<CapacityCredit, Error> {
    let local_funder = ProviderBuilder::new()
        .wallet(evm::dev_signers()[0].clone())
        .connect(rpc_url)
        .await?;
    let one_ether = alloy_primitives::U256::from(10u64).pow(alloy_primitives::U256::from(18));
    evm::top_up(&local_funder, ethers_signer.address(), one_ether).await?;
    let provider = ProviderBuilder::new()
        .wallet(ethers_signer.clone())
        .connect(rpc_url)
        .await?;
    let contracts = NetworkContext::discover(&provider, staking_address).await?;
    let now = provider
        .get_block_by_number(Default::default())
        .await?
        .ok_or("the chain has no latest block")?
        .header
        .timestamp;
    let (requests_per_kilosecond, expires_at) = MintRequest {
        requests_per_kilosecond: Some(80),
        days_until_utc_midnight_expiration: Some(1),
        ..MintRequest::default()
    }
    .resolve(now)?;
    Ok(
        evm::mint_capacity_credit(&provider, &contracts, requests_per_kilosecond, expires_at)
            .await?,
    )
}
