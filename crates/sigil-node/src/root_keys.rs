//! The network's root ECDSA keys, which every PKP key derives from: made once by the validators
//! together (cait-sith's distributed key generation, one run per root key), so no process ever
//! holds a root secret. Each node keeps its shares (and the roster of share holders) in its data
//! dir, 0600, and reuses them on every start.
//!
//! Who generates: the current validators that have a peer identity on chain, ordered by identity
//! key (the roster; share id `i` is `roster[i - 1]`). The roster's first member coordinates: it
//! invites the others to a fresh run and runs its side; a member joins when the invitation comes
//! from the first member of the roster it sees itself, for the same roster and threshold. A run
//! that fails (a member down or not yet listed) is retried by the coordinator with a new run id.

use crate::error::NodeError;
use crate::invitation::{Invitation, Invited};
use crate::keys::{write_secret_file, NetworkKeySlot, NodeKey};
use crate::mpc::{run_protocol, Run};
use crate::network_key::NetworkKeyGeneration;
use crate::peer::{PeerChannel, ANNOUNCEMENT_ROUND};
use alloy_primitives::{keccak256, B256};
use cait_sith::protocol::Participant;
use k256::Secp256k1;
use sigil_crypto::bls::KeyShareFile;
use sigil_crypto::hd::{RootKeyShares, ROOT_KEY_COUNT};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

/// Pause between looks at the validator set, and after a failed run.
const RETRY_PAUSE: Duration = Duration::from_millis(300);

/// The root key shares once the node has them (watched: the handshake and signing read them;
/// the devnet waits for them).
pub(crate) type RootKeySlot = watch::Sender<Option<Arc<RootKeyShares>>>;

/// Where a generated network key share goes: its file and the node's slot.
pub(crate) struct NetworkKeyTarget {
    pub(crate) path: PathBuf,
    pub(crate) slot: Arc<NetworkKeySlot>,
}

/// Generates this node's root key shares with its peers and keeps them at `path`, and with them
/// the BLS network key when `network_key` says where; returns when they are kept (or `stop`
/// fires).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn generate(
    channel: Arc<PeerChannel>,
    threshold: u16,
    idle_timeout: Duration,
    path: PathBuf,
    slot: Arc<RootKeySlot>,
    network_key: Option<NetworkKeyTarget>,
    mut invitations: mpsc::Receiver<Invited>,
    stop: CancellationToken,
) {
    let me = channel.identity_key();
    loop {
        if stop.is_cancelled() {
            return;
        }
        let roster = roster(&channel.validators_with_identity());
        let Some(position) = roster.iter().position(|key| *key == me) else {
            pause(&stop).await;
            continue;
        };
        if roster.len() < usize::from(threshold.max(2)) {
            pause(&stop).await;
            continue;
        }
        let invitation = Invitation::RootKeys {
            roster: roster.clone(),
            threshold,
            count: ROOT_KEY_COUNT,
            network_key: network_key.is_some(),
        };
        let instance = if position == 0 {
            let instance = B256::from(rand::random::<[u8; 32]>());
            if let Err(error) = invite(&channel, &roster, instance, &invitation).await {
                tracing::info!(%error, "root key generation: a member cannot be invited yet");
                pause(&stop).await;
                continue;
            }
            instance
        } else {
            let invited = tokio::select! {
                () = stop.cancelled() => return,
                invited = tokio::time::timeout(RETRY_PAUSE * 3, invitations.recv()) => invited,
            };
            match invited {
                Ok(Some(invited))
                    if invited.sender.communication_key == roster[0]
                        && invited.invitation == invitation =>
                {
                    invited.instance
                }
                Ok(Some(invited)) => {
                    tracing::info!(sender = %crate::peer::staking_address(&invited.sender), "root key generation: an invitation for another roster or coordinator, ignored");
                    continue;
                }
                Ok(None) => return,
                Err(_) => continue,
            }
        };
        let run = generate_once(
            &channel,
            &roster,
            position,
            threshold,
            instance,
            idle_timeout,
            network_key.is_some(),
        );
        let generated = tokio::select! {
            () = stop.cancelled() => return,
            generated = run => generated,
        };
        // The network key's share first: a node with root shares on disk does not generate
        // again, so they are the last thing written.
        match generated.and_then(|(shares, key_file)| {
            if let (Some(target), Some(file)) = (&network_key, &key_file) {
                write_secret_file(&target.path, file.to_json().as_bytes())?;
            }
            write_secret_file(&path, shares.to_json().as_bytes())?;
            Ok((shares, key_file))
        }) {
            Ok((shares, key_file)) => {
                tracing::info!(
                    roots = shares.root_public_keys.len(),
                    members = roster.len(),
                    network_key = key_file.is_some(),
                    "root keys generated"
                );
                if let (Some(target), Some(file)) = (&network_key, &key_file) {
                    target.slot.send_replace(Some(Arc::new(NodeKey::of(file))));
                }
                slot.send_replace(Some(Arc::new(shares)));
                return;
            }
            Err(error) => {
                tracing::warn!(%error, "root key generation failed; trying again");
                pause(&stop).await;
            }
        }
    }
}

/// The share holders of a generation among `validators`: their identity keys, in order.
pub(crate) fn roster(validators: &[sigil_chain::ValidatorInfo]) -> Vec<B256> {
    let mut keys: Vec<B256> = validators
        .iter()
        .map(|validator| validator.communication_key)
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

async fn pause(stop: &CancellationToken) {
    tokio::select! {
        () = stop.cancelled() => {}
        () = tokio::time::sleep(RETRY_PAUSE) => {}
    }
}

async fn invite(
    channel: &PeerChannel,
    roster: &[B256],
    instance: B256,
    invitation: &Invitation,
) -> Result<(), NodeError> {
    let payload = serde_json::to_vec(invitation)
        .map_err(|e| NodeError::internal("writing an invitation", e))?;
    let me = channel.identity_key();
    let sends = roster.iter().filter(|key| **key != me).map(|key| {
        let payload = &payload;
        async move {
            let member =
                channel
                    .validator_with_identity(key)
                    .ok_or_else(|| NodeError::PeerUnreachable {
                        peer: key.to_string(),
                        reason: "not a current validator".into(),
                    })?;
            channel
                .send(&member, instance, ANNOUNCEMENT_ROUND, payload)
                .await
        }
    });
    futures::future::try_join_all(sends).await.map(|_| ())
}

/// One generation run: every root key at once, each its own cait-sith key generation, and the
/// network key's DKG beside them when `with_network_key`.
async fn generate_once(
    channel: &Arc<PeerChannel>,
    roster: &[B256],
    position: usize,
    threshold: u16,
    instance: B256,
    idle_timeout: Duration,
    with_network_key: bool,
) -> Result<(RootKeyShares, Option<KeyShareFile>), NodeError> {
    let participants: Vec<Participant> = (0..roster.len())
        .map(|index| Participant::from(u32::try_from(index).unwrap_or(u32::MAX)))
        .collect();
    let me = participants[position];
    let mut peers = Vec::with_capacity(roster.len() - 1);
    for (participant, key) in participants.iter().zip(roster) {
        if *participant == me {
            continue;
        }
        let validator =
            channel
                .validator_with_identity(key)
                .ok_or_else(|| NodeError::PeerUnreachable {
                    peer: key.to_string(),
                    reason: "not a current validator".into(),
                })?;
        peers.push((*participant, validator));
    }
    let runs = (0..ROOT_KEY_COUNT).map(|root| {
        let run = Run {
            instance: keccak256([instance.as_slice(), &root.to_be_bytes()].concat()),
            peers: peers.clone(),
            idle_timeout,
        };
        let participants = participants.clone();
        async move {
            let protocol =
                cait_sith::keygen::<Secp256k1>(&participants, me, usize::from(threshold))
                    .map_err(|e| NodeError::ProtocolFailed(e.to_string()))?;
            run_protocol(Arc::clone(channel), run, protocol).await
        }
    });
    let network_key = async {
        if !with_network_key {
            return Ok(None);
        }
        let run = Run {
            instance: keccak256([instance.as_slice(), b"network key"].concat()),
            peers: peers.clone(),
            idle_timeout,
        };
        let threshold = u8::try_from(threshold)
            .map_err(|_| NodeError::Config("a threshold above 255".into()))?;
        let protocol = NetworkKeyGeneration::new(&participants, me, threshold)
            .map_err(|e| NodeError::ProtocolFailed(e.to_string()))?;
        run_protocol(Arc::clone(channel), run, protocol)
            .await
            .map(Some)
    };
    let (outputs, network_key) =
        futures::future::try_join(futures::future::try_join_all(runs), network_key).await?;
    let mut public_keys = Vec::with_capacity(outputs.len());
    let mut shares = Vec::with_capacity(outputs.len());
    for output in outputs {
        public_keys.push(
            k256::PublicKey::from_affine(output.public_key)
                .map_err(|_| NodeError::ProtocolFailed("a root key is the identity".into()))?,
        );
        shares.push(output.private_share);
    }
    let threshold =
        u8::try_from(threshold).map_err(|_| NodeError::Config("a threshold above 255".into()))?;
    let index = u8::try_from(position + 1)
        .map_err(|_| NodeError::Config("more than 255 validators".into()))?;
    let shares = RootKeyShares::new(
        threshold,
        index,
        public_keys,
        shares,
        roster.iter().map(|key| key.0).collect(),
    )
    .map_err(|e| NodeError::KeyMaterial(e.to_string()))?;
    Ok((shares, network_key))
}
