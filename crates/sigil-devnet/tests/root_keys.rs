//! The network's root ECDSA keys: every node's handshake lists the same ones, the nodes' shares
//! of them derive shares of any PKP key that combine to the key derived from the handshake's
//! roots (what the JS SDK derives), and a restart on the same data dir keeps them.

use serde_json::{json, Value};
use sigil_crypto::hd::{self, RootKeyShares};
use sigil_devnet::{Devnet, DevnetConfig};

async fn hd_root_pubkeys(url: &str) -> Vec<String> {
    let response = reqwest::Client::new()
        .post(format!("{url}/web/handshake/"))
        .header("X-Request-Id", "lit_root_keys_test")
        .json(&json!({"clientPublicKey": "test", "challenge": "ab".repeat(32), "epoch": 3}))
        .send()
        .await
        .expect("handshake");
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    body["hdRootPubkeys"]
        .as_array()
        .expect("hdRootPubkeys")
        .iter()
        .map(|k| k.as_str().expect("hex").to_owned())
        .collect()
}

fn node_root_shares(devnet: &Devnet, index: usize) -> RootKeyShares {
    let path = devnet
        .data_dir()
        .join(format!("node-{index}"))
        .join("ecdsa-root-shares.json");
    RootKeyShares::from_json(&std::fs::read_to_string(path).expect("read")).expect("parses")
}

#[tokio::test]
async fn every_node_lists_the_same_root_keys_and_their_shares_derive_pkp_keys() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = || DevnetConfig {
        data_dir: Some(dir.path().to_owned()),
        ..DevnetConfig::default()
    };
    let devnet = Devnet::start(config()).await.expect("devnet");
    let mut listed = Vec::new();
    for url in devnet.node_urls() {
        listed.push(hd_root_pubkeys(&url).await);
    }
    assert_eq!(listed[0].len(), hd::ROOT_KEY_COUNT);
    assert!(listed.iter().all(|keys| keys == &listed[0]));

    let roots: Vec<Vec<u8>> = listed[0]
        .iter()
        .map(|k| hex::decode(k).expect("hex"))
        .collect();
    let roots = hd::parse_root_keys(&roots).expect("root keys");
    let key_id = [0x5a; 32];
    let expected = hd::derive_public_key(&key_id, &roots).expect("derive");
    let shares: Vec<(u8, k256::Scalar)> = [0, 2]
        .into_iter()
        .map(|index| {
            let node = node_root_shares(&devnet, index);
            (
                node.index,
                node.derive_secret_share(&key_id).expect("share"),
            )
        })
        .collect();
    let secret = hd::combine_secret_shares(&shares).expect("combine");
    let combined = k256::PublicKey::from_secret_scalar(
        &Option::from(k256::NonZeroScalar::new(secret)).expect("non-zero"),
    );
    assert_eq!(combined, expected);

    devnet.shutdown().await;
    let restarted = Devnet::start(config()).await.expect("restart");
    for url in restarted.node_urls() {
        assert_eq!(hd_root_pubkeys(&url).await, listed[0]);
    }
    restarted.shutdown().await;
}
