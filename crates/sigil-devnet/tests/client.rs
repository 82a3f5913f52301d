//! `LitNodeClient` against an in-process `sigil devnet` (3 nodes, threshold 2) on free ports.

use alloy_signer_local::PrivateKeySigner;
use sigil_client::{
    generate_auth_sig, AuthCallbackParams, AuthSig, ClientError, ConditionSet,
    CreateSiweMessageParams, DecryptRequest, LitAbility, LitNetwork, LitNodeClient,
    LitNodeClientConfig, LitResource, ResourceAbilityRequest, ResourcePrefix, SessionSigs,
    SessionSigsParams, SessionStorage,
};
use sigil_devnet::{Devnet, DevnetConfig};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const PLAINTEXT: &str = "hello, session sigs";

async fn devnet() -> Result<Devnet, sigil_devnet::DevnetError> {
    Devnet::start(DevnetConfig::default()).await
}

fn config_for(devnet: &Devnet) -> LitNodeClientConfig {
    LitNodeClientConfig::new(LitNetwork::Custom {
        rpc_url: devnet.rpc_url(),
        staking_address: devnet.staking_address(),
    })
    .with_connect_timeout(Duration::from_secs(5))
}

fn decryption_everywhere() -> Result<ResourceAbilityRequest, sigil_auth::AuthError> {
    ResourceAbilityRequest::new(
        LitResource::wildcard(ResourcePrefix::AccessControlCondition),
        LitAbility::AccessControlConditionDecryption,
    )
}

fn only(address: alloy_primitives::Address) -> Result<ConditionSet, sigil_crypto::CryptoError> {
    ConditionSet::from_document(&format!(
        r#"[{{"contractAddress":"","standardContractType":"","chain":"ethereum","method":"",
            "parameters":[":userAddress"],"returnValueTest":{{"comparator":"=","value":"{address}"}}}}]"#
    ))
}

/// The seed guide's callback: a SIWE for the session key with the requested ReCap, the
/// client's latest blockhash as nonce, signed by `wallet`. Counts its calls.
async fn session_sigs(
    client: &LitNodeClient,
    wallet: &PrivateKeySigner,
    params: SessionSigsParams,
    calls: &AtomicUsize,
) -> Result<SessionSigs, ClientError> {
    client
        .get_session_sigs(params, async |callback: AuthCallbackParams| {
            calls.fetch_add(1, Ordering::SeqCst);
            let mut siwe = CreateSiweMessageParams::new(wallet.address(), callback.uri);
            siwe.expiration = Some(callback.expiration);
            siwe.resources = callback.resource_ability_requests;
            let to_sign = client.create_siwe_message(siwe).await?;
            Ok::<AuthSig, ClientError>(generate_auth_sig(wallet, &to_sign)?)
        })
        .await
}

#[tokio::test]
async fn connect_reads_the_nodes_from_the_chain_rpc() -> TestResult {
    let devnet = devnet().await?;
    let client = LitNodeClient::new(config_for(&devnet))?;
    assert!(!client.ready());
    let connection = client.connect().await?;
    assert_eq!(connection.connected_nodes, devnet.node_urls());
    assert!(connection.unreachable_nodes.is_empty());
    assert_eq!(connection.min_node_count, 2);
    assert_eq!(
        connection.subnet_public_key.as_deref(),
        Some(devnet.network_public_key())
    );
    assert_eq!(
        connection.network_public_key.as_deref(),
        Some(devnet.network_public_key())
    );
    assert!(
        connection.latest_blockhash.starts_with("0x") && connection.latest_blockhash.len() == 66
    );
    assert!(connection.epoch.is_some_and(|e| e.number >= 3));
    assert!(client.ready());
    devnet.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn session_sigs_decrypt_what_was_encrypted_to_the_wallet_and_refuse_another() -> TestResult {
    let devnet = devnet().await?;
    let client = LitNodeClient::new(config_for(&devnet))?;
    client.connect().await?;
    let wallet = PrivateKeySigner::random();
    let conditions = only(wallet.address())?;
    let encrypted = client.encrypt_string(&conditions, PLAINTEXT)?;
    let request = DecryptRequest::new(conditions, encrypted);

    let calls = AtomicUsize::new(0);
    let params = SessionSigsParams::new(vec![decryption_everywhere()?]);
    let sigs = session_sigs(&client, &wallet, params.clone(), &calls).await?;
    assert_eq!(sigs.urls().collect::<Vec<_>>(), devnet.node_urls());
    assert_eq!(client.decrypt_to_string(&request, &sigs).await?, PLAINTEXT);

    let stranger = PrivateKeySigner::random();
    let stranger_sigs = session_sigs(&client, &stranger, params, &calls).await?;
    let refused = client.decrypt(&request, &stranger_sigs).await;
    let Err(ClientError::NodeErrors {
        failures,
        succeeded,
        ..
    }) = refused
    else {
        return Err(format!("expected node errors, got {refused:?}").into());
    };
    assert_eq!(succeeded, 0);
    assert_eq!(failures.len(), 3);
    for failure in &failures {
        assert_eq!(failure.status, Some(401), "{failure}");
        assert_eq!(
            failure.error_code.as_ref().map(|c| c.as_str()),
            Some("NodeAccessControlConditionsReturnedNotAuthorized"),
            "{failure}"
        );
        assert!(devnet.node_urls().contains(&failure.url));
    }
    devnet.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn stored_wallet_sig_is_reused_until_a_new_resource_or_expiry() -> TestResult {
    let devnet = devnet().await?;
    let storage_dir = tempfile::tempdir()?;
    let client = LitNodeClient::new(config_for(&devnet).with_storage_dir(storage_dir.path()))?;
    client.connect().await?;
    let wallet = PrivateKeySigner::random();
    let calls = AtomicUsize::new(0);
    let decryption = SessionSigsParams::new(vec![decryption_everywhere()?]);

    let first = session_sigs(&client, &wallet, decryption.clone(), &calls).await?;
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    let second = session_sigs(&client, &wallet, decryption.clone(), &calls).await?;
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "a valid stored wallet sig is reused"
    );
    // Same session key and wallet sig: the capabilities are identical.
    let capabilities =
        |sigs: &SessionSigs| -> Result<serde_json::Value, Box<dyn std::error::Error>> {
            let sig = sigs.iter().next().ok_or("no sigs")?.1;
            let message: serde_json::Value = serde_json::from_str(&sig.signed_message)?;
            Ok(message["capabilities"].clone())
        };
    assert_eq!(capabilities(&first)?, capabilities(&second)?);

    // A resource the stored ReCap does not cover: the callback runs again.
    let signing = SessionSigsParams::new(vec![ResourceAbilityRequest::new(
        LitResource::wildcard(ResourcePrefix::Pkp),
        LitAbility::PkpSigning,
    )?]);
    session_sigs(&client, &wallet, signing, &calls).await?;
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "a new resource needs a new wallet sig"
    );

    // An expired stored wallet sig: the callback runs again.
    let key = client.get_session_key()?;
    let past = time::OffsetDateTime::now_utc() - time::Duration::hours(2);
    let expired_siwe =
        sigil_auth::siwe::SiweMessageParams::new(wallet.address(), "0x8e2e8d2a1d3f4c5b")
            .with_uri(key.uri())
            .with_expiration(past + time::Duration::hours(1))
            .with_resources(vec![decryption_everywhere()?]);
    let expired = generate_auth_sig(
        &wallet,
        &sigil_auth::create_siwe_message(&expired_siwe, past)?,
    )?;
    SessionStorage::new(storage_dir.path()).store_wallet_sig(&expired)?;
    let renewed = session_sigs(&client, &wallet, decryption, &calls).await?;
    assert_eq!(
        calls.load(Ordering::SeqCst),
        3,
        "an expired wallet sig needs a new one"
    );
    assert_ne!(capabilities(&renewed)?, capabilities(&first)?);

    // A new client on the same storage keeps the session key.
    let again = LitNodeClient::new(config_for(&devnet).with_storage_dir(storage_dir.path()))?;
    assert_eq!(
        again.get_session_key()?.public_key_hex(),
        key.public_key_hex()
    );
    devnet.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn one_node_down_still_connects_and_decrypts_and_reports_it() -> TestResult {
    let mut devnet = devnet().await?;
    devnet.stop_node(2).await?;
    let down = devnet.node_urls()[2].clone();
    let client = LitNodeClient::new(config_for(&devnet))?;
    let connection = client.connect().await?;
    assert_eq!(connection.connected_nodes, devnet.node_urls()[..2].to_vec());
    assert_eq!(connection.unreachable_nodes.len(), 1);
    assert_eq!(connection.unreachable_nodes[0].url, down);
    assert!(connection.unreachable_nodes[0].is_unreachable());

    let wallet = PrivateKeySigner::random();
    let conditions = only(wallet.address())?;
    let request = DecryptRequest::new(
        conditions.clone(),
        client.encrypt_string(&conditions, PLAINTEXT)?,
    );
    let calls = AtomicUsize::new(0);
    let sigs = session_sigs(
        &client,
        &wallet,
        SessionSigsParams::new(vec![decryption_everywhere()?]),
        &calls,
    )
    .await?;
    assert_eq!(sigs.len(), 2);
    assert_eq!(client.decrypt_to_string(&request, &sigs).await?, PLAINTEXT);
    devnet.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn two_nodes_down_is_an_error_naming_them() -> TestResult {
    let mut devnet = devnet().await?;
    devnet.stop_node(0).await?;
    devnet.stop_node(2).await?;
    let client = LitNodeClient::new(config_for(&devnet))?;
    let result = client.connect().await;
    let Err(error @ ClientError::NotEnoughNodes { .. }) = result else {
        return Err(format!("expected NotEnoughNodes, got {result:?}").into());
    };
    let text = error.to_string();
    for index in [0, 2] {
        assert!(text.contains(&devnet.node_urls()[index]), "{text}");
    }
    assert!(
        !text.contains(&format!("{}:", devnet.node_urls()[1])),
        "{text}"
    );
    assert!(!client.ready());
    devnet.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn stale_blockhash_is_refreshed_from_the_chain_rpc() -> TestResult {
    // No idle blocks: the only new blocks are the ones this test mines.
    let devnet = Devnet::start(DevnetConfig {
        block_time: std::time::Duration::from_secs(3600),
        ..DevnetConfig::default()
    })
    .await?;
    let mut config = config_for(&devnet);
    config.blockhash_max_age = Duration::ZERO;
    let client = LitNodeClient::new(config)?;
    let connection = client.connect().await?;
    let newer = devnet.mine_block().await?;
    let refreshed = client.get_latest_blockhash().await?;
    assert_eq!(refreshed, newer.hash.to_string());
    assert_ne!(refreshed, connection.latest_blockhash);
    assert_eq!(devnet.latest_block().hash, newer.hash);

    // Fresh: the handshake's value is used without asking the chain.
    let cached = LitNodeClient::new(config_for(&devnet))?;
    let handshake_hash = cached.connect().await?.latest_blockhash;
    devnet.mine_block().await?;
    assert_eq!(cached.get_latest_blockhash().await?, handshake_hash);
    devnet.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn explicit_node_urls_connect_without_a_chain() -> TestResult {
    let devnet = devnet().await?;
    let client = LitNodeClient::new(LitNodeClientConfig::new(LitNetwork::Nodes {
        node_urls: devnet.node_urls(),
        min_node_count: 2,
        rpc_url: None,
    }))?;
    let connection = client.connect().await?;
    assert_eq!(connection.connected_nodes, devnet.node_urls());
    assert_eq!(connection.epoch, None);
    devnet.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn calls_before_connect_are_refused() -> TestResult {
    let client = LitNodeClient::new(LitNodeClientConfig::new(LitNetwork::custom(
        "http://127.0.0.1:9",
    )))?;
    let conditions = only(alloy_primitives::Address::ZERO)?;
    assert!(matches!(
        client.encrypt_string(&conditions, "x"),
        Err(ClientError::NotConnected)
    ));
    let calls = AtomicUsize::new(0);
    let result = session_sigs(
        &client,
        &PrivateKeySigner::random(),
        SessionSigsParams::new(vec![decryption_everywhere()?]),
        &calls,
    )
    .await;
    assert!(matches!(result, Err(ClientError::NotConnected)));
    assert_eq!(
        calls.load(Ordering::SeqCst),
        0,
        "no wallet prompt for a client that cannot use it"
    );
    // Nothing listens on port 9: the Staking read fails with a chain error.
    assert!(matches!(client.connect().await, Err(ClientError::Chain(_))));
    Ok(())
}
