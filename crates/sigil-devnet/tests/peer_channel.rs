//! The peer channel on a devnet: each node's identity key is in Staking, so a node takes a
//! message from another only when it is signed by that node's key, for itself and of the
//! current epoch; a dead peer costs a sender its timeout and nothing else; an identity is kept
//! across restarts.

use alloy_primitives::B256;
use serde_json::Value;
use sigil_devnet::{Devnet, DevnetConfig};
use sigil_node::{staking_address, NodeState, PeerChannel, PEER_IDENTITY_FILE};
use sigil_wire::{PeerMessage, PEER_MESSAGE_PATH};
use std::sync::Arc;
use std::time::{Duration, Instant};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Node `index`'s state (owned, so the devnet can stop and restart nodes meanwhile).
fn node(devnet: &Devnet, index: usize) -> Arc<NodeState> {
    Arc::clone(devnet.node(index).expect("running").state())
}

async fn post(devnet: &Devnet, index: usize, message: &PeerMessage) -> (u16, Value) {
    let url = format!("{}{PEER_MESSAGE_PATH}", devnet.node_urls()[index]);
    let response = reqwest::Client::new()
        .post(url)
        .header("x-request-id", "peer_test")
        .json(message)
        .send()
        .await
        .expect("the node answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_exchange_signed_messages_and_refuse_every_other_kind() -> TestResult {
    let mut devnet = Devnet::start(DevnetConfig::default()).await?;
    let (node_a, node_b) = (node(&devnet, 0), node(&devnet, 1));
    let (a, b): (&PeerChannel, &PeerChannel) = (node_a.peers(), node_b.peers());
    // Each node knows the others from Staking.
    let peers_of_a = a.peers();
    assert_eq!(peers_of_a.len(), 2);
    let b_info = *peers_of_a
        .iter()
        .find(|peer| peer.communication_key == b.identity_key())
        .expect("B is listed with its identity key");
    let a_info = b
        .peers()
        .into_iter()
        .find(|peer| peer.communication_key == a.identity_key())
        .expect("A is listed with its identity key");

    let run = B256::repeat_byte(7);
    a.send(&b_info, run, 1, b"round one from A").await?;
    assert_eq!(b.receive(run, 1, &a_info).await?, b"round one from A");
    // Taken once: a second wait times out rather than replaying it.
    assert!(b.receive(run, 1, &a_info).await.is_err());

    // What A would send B, signed by A: the base of the forgeries below.
    let genuine = |round: u32| PeerMessage {
        sender: staking_address(&a_info),
        recipient: staking_address(&b_info),
        epoch: 3,
        instance: hex::encode(run),
        round,
        payload: "00".into(),
        signature: "00".repeat(64),
    };
    // Not signed by A's key.
    let (status, body) = post(&devnet, 1, &genuine(2)).await;
    assert_eq!(
        (status, body["errorCode"].as_str()),
        (403, Some("NodePeerMessageRefused"))
    );
    // For another node (posted to C).
    let (status, body) = post(&devnet, 2, &genuine(2)).await;
    assert_eq!(
        (status, body["errorCode"].as_str()),
        (403, Some("NodePeerMessageRefused")),
        "{body}"
    );
    // From a node that is not a validator.
    let stranger = PeerMessage {
        sender: "127.0.0.1:1".into(),
        ..genuine(2)
    };
    let (status, _) = post(&devnet, 1, &stranger).await;
    assert_eq!(status, 403);
    // Signed with A's real key (read from its data dir): the epoch is bound too.
    let seed = hex::decode(
        std::fs::read_to_string(devnet.data_dir().join("node-0").join(PEER_IDENTITY_FILE))?.trim(),
    )?;
    let key = ed25519_dalek::SigningKey::from_bytes(seed.as_slice().try_into()?);
    // The identity's secret is in its file only: never in the node's Debug forms.
    for text in [format!("{a:?}"), format!("{node_a:?}"), format!("{a:#?}")] {
        sigil_test_support::secrets::assert_hides(&text, &seed, "Debug of a node's peer channel");
    }
    let sealed = |message: PeerMessage, payload: &[u8]| {
        sigil_node::seal_and_sign(&key, &b_info.communication_key, message, payload)
            .expect("sealed")
    };
    let (status, _) = post(
        &devnet,
        1,
        &sealed(
            PeerMessage {
                epoch: 9,
                ..genuine(5)
            },
            b"x",
        ),
    )
    .await;
    assert_eq!(status, 403, "another epoch");
    // Signed by A, but not sealed to B: refused.
    let mut plain = genuine(5);
    {
        use ed25519_dalek::Signer;
        plain.payload = hex::encode(b"secret share");
        plain.signature = hex::encode(key.sign(&plain.signing_bytes()).to_bytes());
    }
    let (status, body) = post(&devnet, 1, &plain).await;
    assert_eq!(status, 403, "{body}");
    // Sealed to B by A: the payload is not readable on the wire, and a flipped bit (signed
    // again by A) does not open.
    let message = sealed(genuine(5), b"secret share");
    assert!(!message.payload.contains(&hex::encode(b"secret")));
    let mut tampered = message.clone();
    {
        use ed25519_dalek::Signer;
        let mut bytes = hex::decode(&tampered.payload)?;
        bytes[20] ^= 1;
        tampered.payload = hex::encode(bytes);
        tampered.signature = hex::encode(key.sign(&tampered.signing_bytes()).to_bytes());
    }
    let (status, _) = post(&devnet, 1, &tampered).await;
    assert_eq!(status, 403, "tampered ciphertext");
    // Sealed for B but posted to C (re-addressed, re-signed): C cannot open it.
    let (status, _) = post(&devnet, 2, &message).await;
    assert_eq!(status, 403);
    let (status, body) = post(&devnet, 1, &message).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(b.receive(run, 5, &a_info).await?, b"secret share");
    // The same round again with other data is refused (one message per round and sender); a
    // resend of the same data, sealed anew, is taken.
    let (status, _) = post(&devnet, 1, &sealed(genuine(6), b"first")).await;
    assert_eq!(status, 200);
    let (status, _) = post(&devnet, 1, &sealed(genuine(6), b"first")).await;
    assert_eq!(status, 200, "a resend");
    let (status, _) = post(&devnet, 1, &sealed(genuine(6), b"second")).await;
    assert_eq!(status, 403, "equivocation");

    // Not a message at all: Lit's body error, and B still serves.
    let url = format!("{}{PEER_MESSAGE_PATH}", devnet.node_urls()[1]);
    let garbage = reqwest::Client::new()
        .post(url)
        .header("x-request-id", "peer_test")
        .header("content-type", "application/json")
        .body("{\"sender\": 5}")
        .send()
        .await?;
    assert!(garbage.status().is_client_error());
    a.send(&b_info, run, 3, b"still up").await?;
    assert_eq!(b.receive(run, 3, &a_info).await?, b"still up");

    // A dead peer: sending to it fails within the timeout, and A keeps serving.
    let identity_before = node(&devnet, 2).peers().identity_key();
    devnet.stop_node(2).await?;
    let c_info = a
        .peers()
        .into_iter()
        .find(|peer| peer.communication_key == identity_before)
        .expect("C is still listed");
    let started = Instant::now();
    assert!(a.send(&c_info, run, 1, b"anyone there?").await.is_err());
    assert!(started.elapsed() < Duration::from_secs(6));
    a.send(&b_info, run, 4, b"unrelated work").await?;
    assert_eq!(b.receive(run, 4, &a_info).await?, b"unrelated work");

    // C restarts with the identity Staking lists.
    devnet.restart_node(2).await?;
    assert_eq!(node(&devnet, 2).peers().identity_key(), identity_before);
    assert!(devnet
        .data_dir()
        .join("node-2")
        .join(PEER_IDENTITY_FILE)
        .exists());
    devnet.shutdown().await;
    Ok(())
}
