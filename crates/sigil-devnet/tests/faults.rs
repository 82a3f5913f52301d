//! Faults on a 3-of-5 in-process devnet, driven through the real `LitNodeClient` and over HTTP:
//! two nodes down is survived and reported, a third is a typed error with no
//! plaintext (not even from the shares that did arrive), and restarted nodes rejoin with the
//! same key shares and the same rate-limit counters.
//!
//! The SIGKILL-during-a-burst fault needs nodes in processes of their own; it is
//! `crates/sigil-cli/tests/faults_process.rs`, which runs the `sigil` binary.

mod client_flow;

use alloy_signer_local::PrivateKeySigner;
use client_flow::{client_for, decryption_everywhere, only, session_sigs};
use serde_json::{json, Value};
use sigil_auth::{
    generate_auth_sig, sign_session_sigs, siwe, AuthSig, SessionKeyPair, SessionSigningParams,
    SessionSigs,
};
use sigil_client::{ClientError, ConditionSet, DecryptRequest, LitNodeClient};
use sigil_crypto::bls::{self, NetworkPublicKey, SignatureShare};
use sigil_crypto::CryptoError;
use sigil_devnet::{Devnet, DevnetConfig};
use std::collections::BTreeSet;
use time::{Duration, OffsetDateTime};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const PLAINTEXT: &str = "a threshold network survives a minority of faults";

/// A rate-limit window no test run crosses (windows are `unix_secs / window`), so counters
/// observed before and after a restart are in the same window.
const WINDOW_NO_TEST_CROSSES: u64 = 1_000_000_000;

fn three_of_five() -> DevnetConfig {
    DevnetConfig {
        nodes: 5,
        threshold: 3,
        rate_limit_window_secs: WINDOW_NO_TEST_CROSSES,
        ..DevnetConfig::default()
    }
}

fn client_of(devnet: &Devnet) -> Result<LitNodeClient, ClientError> {
    client_for(&devnet.rpc_url(), devnet.staking_address())
}

/// Encrypts [`PLAINTEXT`] with `client` to conditions only `wallet` meets.
fn encrypt_for(
    client: &LitNodeClient,
    wallet: &PrivateKeySigner,
) -> Result<DecryptRequest, Box<dyn std::error::Error>> {
    let conditions = only(wallet.address())?;
    let encrypted = client.encrypt_string(&conditions, PLAINTEXT)?;
    Ok(DecryptRequest::new(conditions, encrypted))
}

fn urls_at(devnet: &Devnet, indices: &[usize]) -> BTreeSet<String> {
    let urls = devnet.node_urls();
    indices.iter().map(|&i| urls[i].clone()).collect()
}

/// Session sigs for exactly `urls`, made with `sigil-auth` directly (no client), so single
/// nodes can be asked one request at a time.
fn raw_session_sigs(
    devnet: &Devnet,
    wallet: &PrivateKeySigner,
    urls: &[String],
) -> Result<SessionSigs, Box<dyn std::error::Error>> {
    let now = OffsetDateTime::now_utc();
    let session_key = SessionKeyPair::generate(&mut rand::rngs::OsRng);
    let request = decryption_everywhere()?;
    let nonce = devnet.latest_block().hash.to_string();
    let siwe_params = siwe::SiweMessageParams::new(wallet.address(), nonce)
        .with_uri(session_key.uri())
        .with_expiration(now + Duration::hours(1))
        .with_resources(vec![request.clone()]);
    let auth_sig = generate_auth_sig(wallet, &siwe::create_siwe_message(&siwe_params, now)?)?;
    let params = SessionSigningParams {
        resource_ability_requests: vec![request],
        capabilities: vec![auth_sig],
        issued_at: now,
        expiration: now + Duration::hours(1),
    };
    Ok(sign_session_sigs(&session_key, &params, urls)?)
}

/// `POST /web/encryption/sign/` to one node, the body written as the JS SDK writes it (the
/// conditions in their wire order, so the identity signed is the one `conditions` encrypt to).
async fn ask_share(
    url: &str,
    auth_sig: &AuthSig,
    conditions: &ConditionSet,
    data_to_encrypt_hash: &str,
) -> Result<(u16, Value), Box<dyn std::error::Error>> {
    let body = format!(
        r#"{{"{}":{},"dataToEncryptHash":"{data_to_encrypt_hash}","chain":"ethereum","authSig":{}}}"#,
        conditions.json_key(),
        conditions.to_json_string(),
        serde_json::to_string(auth_sig)?,
    );
    let response = reqwest::Client::new()
        .post(format!("{url}/web/encryption/sign/"))
        .header("Content-Type", "application/json")
        .header("X-Request-Id", "lit_faults")
        .body(body)
        .send()
        .await?;
    let status = response.status().as_u16();
    Ok((status, response.json().await.unwrap_or(Value::Null)))
}

/// The node's handshake answer (`serverPublicKey` is its public key share).
async fn handshake(url: &str) -> Result<Value, Box<dyn std::error::Error>> {
    let response = reqwest::Client::new()
        .post(format!("{url}/web/handshake/"))
        .header("X-Request-Id", "lit_faults")
        .json(&json!({"clientPublicKey": "test", "challenge": "ab".repeat(32)}))
        .send()
        .await?;
    if response.status() != 200 {
        return Err(format!("{url}: handshake answered {}", response.status()).into());
    }
    Ok(response.json().await?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_of_five_nodes_down_still_connects_and_decrypts_and_names_them() -> TestResult {
    let mut devnet = Devnet::start(three_of_five()).await?;
    let down = [1, 3];
    for index in down {
        devnet.stop_node(index).await?;
    }

    let client = client_of(&devnet)?;
    let connection = client.connect().await?;
    assert_eq!(connection.min_node_count, 3);
    let urls = devnet.node_urls();
    assert_eq!(
        connection.connected_nodes,
        vec![urls[0].clone(), urls[2].clone(), urls[4].clone()],
        "the live nodes, in validator order"
    );
    let reported: BTreeSet<String> = connection
        .unreachable_nodes
        .iter()
        .map(|failure| failure.url.clone())
        .collect();
    assert_eq!(reported, urls_at(&devnet, &down));
    assert!(
        connection
            .unreachable_nodes
            .iter()
            .all(|failure| failure.is_unreachable()),
        "{:?}",
        connection.unreachable_nodes
    );

    let wallet = PrivateKeySigner::random();
    let request = encrypt_for(&client, &wallet)?;
    let sigs = session_sigs(&client, &wallet).await?;
    assert_eq!(sigs.len(), 3, "one session sig per reachable node");
    assert_eq!(client.decrypt_to_string(&request, &sigs).await?, PLAINTEXT);
    devnet.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_of_five_nodes_down_is_a_typed_error_naming_them_with_no_plaintext() -> TestResult {
    let mut devnet = Devnet::start(three_of_five()).await?;
    let client = client_of(&devnet)?;
    client.connect().await?;
    let wallet = PrivateKeySigner::random();
    let request = encrypt_for(&client, &wallet)?;
    let sigs = session_sigs(&client, &wallet).await?;
    assert_eq!(client.decrypt_to_string(&request, &sigs).await?, PLAINTEXT);

    let down = [0, 2, 4];
    for index in down {
        devnet.stop_node(index).await?;
    }

    // A client connected before the faults: the two live nodes serve, the operation fails.
    let result = client.decrypt(&request, &sigs).await;
    let Err(error) = result else {
        return Err("decrypted with three of five nodes down".into());
    };
    let ClientError::NodeErrors {
        needed,
        succeeded,
        failures,
        ..
    } = &error
    else {
        return Err(format!("expected NodeErrors, got {error:?}").into());
    };
    assert_eq!((*needed, *succeeded), (3, 2), "{error}");
    let failed: BTreeSet<String> = failures.iter().map(|f| f.url.clone()).collect();
    assert_eq!(failed, urls_at(&devnet, &down), "{error}");
    assert!(failures.iter().all(|f| f.is_unreachable()), "{error}");
    let text = error.to_string();
    for url in urls_at(&devnet, &down) {
        assert!(text.contains(&format!("{url}: unreachable")), "{text}");
    }

    // A fresh client cannot connect, and says which nodes it could not reach.
    let fresh = client_of(&devnet)?;
    match fresh.connect().await {
        Err(ClientError::NotEnoughNodes {
            needed,
            connected,
            failures,
        }) => {
            assert_eq!(needed, 3);
            assert_eq!(
                connected.into_iter().collect::<BTreeSet<_>>(),
                urls_at(&devnet, &[1, 3])
            );
            let failed: BTreeSet<String> = failures.iter().map(|f| f.url.clone()).collect();
            assert_eq!(failed, urls_at(&devnet, &down));
        }
        other => return Err(format!("expected NotEnoughNodes, got {other:?}").into()),
    }
    assert!(!fresh.ready());

    // No partial plaintext: the two shares the live nodes hand out are below the threshold,
    // and combined anyway they do not open the ciphertext.
    let mut shares = Vec::new();
    for url in urls_at(&devnet, &[1, 3]) {
        let auth_sig = sigs.get(&url).ok_or("a session sig per node")?;
        let (status, body) = ask_share(
            &url,
            auth_sig,
            &request.conditions,
            &request.data_to_encrypt_hash,
        )
        .await?;
        assert_eq!(status, 200, "{url}: {body}");
        shares.push(SignatureShare::from_json_value(&body["signatureShare"])?);
    }
    let network_key = NetworkPublicKey::from_hex(devnet.network_public_key())?;
    let identity = request.identity();
    assert!(matches!(
        bls::combine_and_verify(&network_key, identity.as_bytes(), &shares, 3),
        Err(CryptoError::NotEnoughShares { got: 2, need: 3 })
    ));
    let below_threshold = bls::combine(&shares)?;
    assert!(network_key
        .verify(identity.as_bytes(), &below_threshold)
        .is_err());
    let ciphertext = bls::ciphertext_from_base64(&request.ciphertext)?;
    assert!(matches!(
        bls::decrypt(&ciphertext, &below_threshold),
        Err(CryptoError::DecryptionFailed)
    ));
    devnet.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restarted_nodes_rejoin_with_the_same_key_shares_and_rate_limit_counters() -> TestResult {
    const FREE_ALLOWANCE: u64 = 4;
    let mut devnet = Devnet::start(DevnetConfig {
        free_allowance: FREE_ALLOWANCE,
        ..three_of_five()
    })
    .await?;
    let urls = devnet.node_urls();
    let network_key = devnet.network_public_key().to_owned();

    // Before the faults: each node's public key share, a ciphertext, and a client that decrypts.
    let mut key_shares_before = Vec::new();
    for url in &urls {
        key_shares_before.push(handshake(url).await?["serverPublicKey"].clone());
    }
    assert!(key_shares_before.iter().all(Value::is_string));
    let client = client_of(&devnet)?;
    client.connect().await?;
    // The reader owns a capacity credit, so its decryptions never meet the small allowance.
    let reader = PrivateKeySigner::random();
    devnet.mint_capacity_credit(&reader, 1000, 30).await?;
    let request = encrypt_for(&client, &reader)?;
    let reader_sigs = session_sigs(&client, &reader).await?;
    assert_eq!(
        client.decrypt_to_string(&request, &reader_sigs).await?,
        PLAINTEXT
    );

    // A second wallet spends a different part of its free allowance on each node to be
    // restarted: 1, 2 and 3 of 4 requests.
    let spender = PrivateKeySigner::random();
    let spender_conditions = only(spender.address())?;
    let spender_hash = sigil_crypto::conditions::data_to_encrypt_hash(b"counted");
    let spender_sigs = raw_session_sigs(&devnet, &spender, &urls)?;
    let restarted = [0usize, 1, 2];
    for (index, spent) in restarted.iter().zip(1u64..) {
        let url = &urls[*index];
        let auth_sig = spender_sigs.get(url).ok_or("a sig per node")?;
        for _ in 0..spent {
            let (status, body) =
                ask_share(url, auth_sig, &spender_conditions, &spender_hash).await?;
            assert_eq!(status, 200, "{url}: {body}");
        }
    }

    // Three down (below the threshold), then all three back.
    for index in restarted {
        devnet.stop_node(index).await?;
    }
    assert!(client.decrypt(&request, &reader_sigs).await.is_err());
    for index in restarted {
        devnet.restart_node(index).await?;
    }
    assert_eq!(devnet.node_urls(), urls, "restarted nodes keep their URLs");

    // Same key shares: each node reports the public share it had, under the same network key.
    for (url, before) in urls.iter().zip(&key_shares_before) {
        let answer = handshake(url).await?;
        assert_eq!(&answer["serverPublicKey"], before, "{url}");
        assert_eq!(answer["subnetPublicKey"], network_key.as_str(), "{url}");
    }
    // The client connected before the faults decrypts again with its session sigs, and a new
    // client sees every node.
    assert_eq!(
        client.decrypt_to_string(&request, &reader_sigs).await?,
        PLAINTEXT
    );
    let fresh = client_of(&devnet)?;
    let connection = fresh.connect().await?;
    assert_eq!(connection.connected_nodes, urls);
    assert!(connection.unreachable_nodes.is_empty());
    assert_eq!(
        connection.subnet_public_key.as_deref(),
        Some(network_key.as_str())
    );
    let fresh_sigs = session_sigs(&fresh, &reader).await?;
    assert_eq!(
        fresh.decrypt_to_string(&request, &fresh_sigs).await?,
        PLAINTEXT
    );

    // Same counters: each restarted node serves exactly what was left of the allowance, then
    // refuses with Lit's rate-limit error.
    for (index, spent) in restarted.iter().zip(1u64..) {
        let url = &urls[*index];
        let auth_sig = spender_sigs.get(url).ok_or("a sig per node")?;
        let mut served_after_restart = 0;
        loop {
            let (status, body) =
                ask_share(url, auth_sig, &spender_conditions, &spender_hash).await?;
            match status {
                200 => served_after_restart += 1,
                402 => {
                    assert_eq!(body["errorCode"], "rate_limit_exceeded", "{body}");
                    break;
                }
                other => return Err(format!("{url}: unexpected {other}: {body}").into()),
            }
            if served_after_restart > FREE_ALLOWANCE {
                return Err(format!("{url}: the allowance was reset by the restart").into());
            }
        }
        assert_eq!(
            served_after_restart,
            FREE_ALLOWANCE - spent,
            "{url}: {spent} uses were counted before the restart"
        );
    }
    devnet.shutdown().await;
    Ok(())
}
