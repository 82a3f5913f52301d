//! `sigil devnet` on an EVM chain, external (anvil) or embedded (the default): Sigil's contracts deployed
//! there, the nodes reading validators and capacity credits from them, and (on anvil) a restart
//! on the same data dir finding the same contracts.

use alloy_primitives::U256;
use alloy_provider::ProviderBuilder;
use alloy_signer_local::PrivateKeySigner;
use sigil_chain::evm::contracts::RateLimitNFT;
use sigil_chain::evm::NetworkContext;
use sigil_client::{
    generate_auth_sig, AuthCallbackParams, AuthSig, ClientError, ConditionSet,
    CreateSiweMessageParams, DecryptRequest, LitAbility, LitNetwork, LitNodeClient,
    LitNodeClientConfig, LitResource, ResourceAbilityRequest, ResourcePrefix, SessionSigs,
    SessionSigsParams,
};
use sigil_devnet::{Devnet, DevnetConfig, ExternalChain, NETWORK_CONTEXT_FILE};
use sigil_test_support::anvil::{Anvil, DEV_KEY_0, DEV_KEY_1};
use std::time::{Duration, Instant};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const DAY: u64 = 86_400;

fn config(anvil: &Anvil, data_dir: &std::path::Path) -> DevnetConfig {
    DevnetConfig {
        data_dir: Some(data_dir.to_owned()),
        free_allowance: 0,
        external_chain: Some(ExternalChain {
            rpc_url: anvil.url(),
            deployer: DEV_KEY_0.parse().expect("anvil key"),
        }),
        ..DevnetConfig::default()
    }
}

async fn session_sigs(
    client: &LitNodeClient,
    wallet: &PrivateKeySigner,
) -> Result<SessionSigs, ClientError> {
    let decryption = ResourceAbilityRequest::new(
        LitResource::wildcard(ResourcePrefix::AccessControlCondition),
        LitAbility::AccessControlConditionDecryption,
    )?;
    client
        .get_session_sigs(
            SessionSigsParams::new(vec![decryption]),
            async |callback: AuthCallbackParams| {
                let mut siwe = CreateSiweMessageParams::new(wallet.address(), callback.uri);
                siwe.expiration = Some(callback.expiration);
                siwe.resources = callback.resource_ability_requests;
                let to_sign = client.create_siwe_message(siwe).await?;
                Ok::<AuthSig, ClientError>(generate_auth_sig(wallet, &to_sign)?)
            },
        )
        .await
}

async fn client_of(devnet: &Devnet) -> Result<LitNodeClient, ClientError> {
    let client = LitNodeClient::new(
        LitNodeClientConfig::new(LitNetwork::Custom {
            rpc_url: devnet.rpc_url(),
            staking_address: devnet.staking_address(),
        })
        .with_connect_timeout(Duration::from_secs(5)),
    )?;
    client.connect().await?;
    Ok(client)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_devnet_on_anvil_serves_a_wallet_that_minted_credits_there() -> TestResult {
    let anvil = Anvil::start();
    let data_dir = tempfile::tempdir()?;
    let devnet = Devnet::start(config(&anvil, data_dir.path())).await?;
    let context_path = data_dir.path().join(NETWORK_CONTEXT_FILE);
    assert_eq!(devnet.network_context_path(), context_path);
    let context = NetworkContext::load(&context_path)?;
    assert_eq!(Some(devnet.staking_address()), context.address("Staking"));
    assert_eq!(devnet.info().chain_id, 31337);
    assert_eq!(devnet.rpc_url(), anvil.url());

    // The client finds the nodes in the Staking contract on anvil.
    let client = client_of(&devnet).await?;
    let wallet: PrivateKeySigner = DEV_KEY_1.parse()?;
    let conditions = ConditionSet::from_document(&format!(
        r#"[{{"contractAddress":"","standardContractType":"","chain":"ethereum","method":"",
            "parameters":[":userAddress"],"returnValueTest":{{"comparator":"=","value":"{}"}}}}]"#,
        wallet.address()
    ))?;
    let request = DecryptRequest::new(
        conditions.clone(),
        client.encrypt_string(&conditions, "on anvil")?,
    );
    let sigs = session_sigs(&client, &wallet).await?;

    // No free requests and no credits: refused.
    let refused = client.decrypt(&request, &sigs).await;
    assert!(
        matches!(&refused, Err(ClientError::NodeErrors { failures, .. })
            if failures.iter().all(|f| f.status == Some(402) && f.error_kind.as_deref() == Some("RateLimit"))),
        "{refused:?}"
    );

    // A credit minted on anvil as the JS SDK mints it; the nodes see it within a poll.
    let provider = ProviderBuilder::new()
        .wallet(wallet.clone())
        .connect(&anvil.url())
        .await?;
    let rate_limit_nft = context.require("RateLimitNFT")?;
    let nft = RateLimitNFT::new(rate_limit_nft, &provider);
    let now = devnet.latest_block().timestamp;
    let expires_at = U256::from((now / DAY + 2) * DAY);
    let cost = nft
        .calculateCost(U256::from(100), expires_at)
        .call()
        .await?;
    nft.mint(expires_at)
        .value(cost)
        .send()
        .await?
        .get_receipt()
        .await?;
    let deadline = Instant::now() + Duration::from_secs(15);
    let plaintext = loop {
        match client.decrypt_to_string(&request, &sigs).await {
            Ok(plaintext) => break plaintext,
            Err(_) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(error) => return Err(error.into()),
        }
    };
    assert_eq!(plaintext, "on anvil");
    let staking = devnet.staking_address();
    devnet.shutdown().await;

    // The same data dir on the same chain: the same contracts, the credit still there.
    let devnet = Devnet::start(config(&anvil, data_dir.path())).await?;
    assert_eq!(devnet.staking_address(), staking);
    let client = client_of(&devnet).await?;
    let sigs = session_sigs(&client, &wallet).await?;
    assert_eq!(client.decrypt_to_string(&request, &sigs).await?, "on anvil");
    devnet.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_devnet_on_its_embedded_chain_serves_a_wallet_that_minted_credits_there() -> TestResult {
    let data_dir = tempfile::tempdir()?;
    let embedded = || DevnetConfig {
        free_allowance: 0,
        data_dir: Some(data_dir.path().to_owned()),
        ..DevnetConfig::default()
    };
    let devnet = Devnet::start(embedded()).await?;
    let context = NetworkContext::load(&devnet.network_context_path())?;
    assert_eq!(Some(devnet.staking_address()), context.address("Staking"));
    // Staking is where a local network's clients look by default: the RPC URL is enough.
    let default_client = LitNodeClient::new(LitNodeClientConfig::new(LitNetwork::custom(
        devnet.rpc_url(),
    )))?;
    assert_eq!(
        default_client.connect().await?.connected_nodes,
        devnet.node_urls()
    );
    let client = client_of(&devnet).await?;

    // A dev account anvil funds is funded here too; it mints a credit and is then served.
    let wallet: PrivateKeySigner = DEV_KEY_1.parse()?;
    let conditions = ConditionSet::from_document(&format!(
        r#"[{{"contractAddress":"","standardContractType":"","chain":"ethereum","method":"",
            "parameters":[":userAddress"],"returnValueTest":{{"comparator":"=","value":"{}"}}}}]"#,
        wallet.address()
    ))?;
    let request = DecryptRequest::new(
        conditions.clone(),
        client.encrypt_string(&conditions, "embedded")?,
    );
    let sigs = session_sigs(&client, &wallet).await?;
    assert!(client.decrypt(&request, &sigs).await.is_err());
    let provider = ProviderBuilder::new()
        .wallet(wallet.clone())
        .connect(&devnet.rpc_url())
        .await?;
    let now = devnet.latest_block().timestamp;
    sigil_chain::evm::mint_capacity_credit(&provider, &context, 100, (now / DAY + 2) * DAY).await?;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        match client.decrypt_to_string(&request, &sigs).await {
            Ok(plaintext) => {
                assert_eq!(plaintext, "embedded");
                break;
            }
            Err(_) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(error) => return Err(error.into()),
        }
    }
    let staking = devnet.staking_address();
    devnet.shutdown().await;

    // Restarted on its data dir: the chain replays, the same contracts, the credit still there.
    let devnet = Devnet::start(embedded()).await?;
    assert_eq!(devnet.staking_address(), staking);
    let client = client_of(&devnet).await?;
    let sigs = session_sigs(&client, &wallet).await?;
    assert_eq!(client.decrypt_to_string(&request, &sigs).await?, "embedded");
    devnet.shutdown().await;
    Ok(())
}
