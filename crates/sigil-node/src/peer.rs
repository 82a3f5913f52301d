//! The channel nodes run multi-round protocols over: each node has an ed25519 identity key (kept
//! in its data dir, 0600) that Staking lists as its `senderPubKey`, so peers are known from the
//! chain. Every message is signed and bound to (sender, recipient, epoch, run, round); a node
//! takes a message only from a current validator, for itself, of the current epoch (or the one
//! before, across a change) and with a good signature. Sending has a timeout, so a slow or dead
//! peer costs the run that needs it, not unrelated work.

use crate::error::NodeError;
use alloy_primitives::B256;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use parking_lot::Mutex;
use sigil_chain::{ChainView, ValidatorInfo};
use sigil_wire::{PeerMessage, PEER_MESSAGE_PATH};
use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use zeroize::Zeroizing;

/// The identity key's file in a node's data dir.
pub const PEER_IDENTITY_FILE: &str = "peer-identity.key";

/// Messages kept waiting for their protocol at most; past it the oldest go.
const INBOX_CAPACITY: usize = 16_384;

/// A protocol run's round's message from one sender.
type InboxKey = (B256, u32, String);

/// The node's side of the peer channel.
pub struct PeerChannel {
    identity: SigningKey,
    /// This node, `ip:port` as Staking lists it.
    address: String,
    chain: Arc<dyn ChainView>,
    http: reqwest::Client,
    timeout: Duration,
    inbox: Mutex<Inbox>,
    arrived: Notify,
}

#[derive(Default)]
struct Inbox {
    messages: HashMap<InboxKey, Vec<u8>>,
    order: VecDeque<InboxKey>,
}

impl std::fmt::Debug for PeerChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The identity's public half only.
        f.debug_struct("PeerChannel")
            .field("address", &self.address)
            .field(
                "identity",
                &hex::encode(self.identity.verifying_key().as_bytes()),
            )
            .finish_non_exhaustive()
    }
}

impl PeerChannel {
    /// The channel of the node at `address`, with the identity kept in `data_dir` (created on
    /// first start).
    pub(crate) fn open(
        data_dir: &Path,
        address: String,
        chain: Arc<dyn ChainView>,
        timeout: Duration,
    ) -> Result<Self, NodeError> {
        let identity = load_or_create_identity(&data_dir.join(PEER_IDENTITY_FILE))?;
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|e| NodeError::internal("building the peer HTTP client", e))?;
        Ok(Self {
            identity,
            address,
            chain,
            http,
            timeout,
            inbox: Mutex::new(Inbox::default()),
            arrived: Notify::new(),
        })
    }

    /// This node's identity public key (what Staking must list as its `senderPubKey`).
    pub fn identity_key(&self) -> B256 {
        B256::from(self.identity.verifying_key().to_bytes())
    }

    /// The current validators other than this node.
    pub fn peers(&self) -> Vec<ValidatorInfo> {
        self.chain
            .validators()
            .into_iter()
            .filter(|validator| staking_address(validator) != self.address)
            .collect()
    }

    /// Signs and sends `payload` as round `round` of run `instance` to `recipient`; fails when
    /// the peer does not take it within the channel's timeout.
    pub async fn send(
        &self,
        recipient: &ValidatorInfo,
        instance: B256,
        round: u32,
        payload: &[u8],
    ) -> Result<(), NodeError> {
        let mut message = PeerMessage {
            sender: self.address.clone(),
            recipient: staking_address(recipient),
            epoch: self.chain.epoch_number(),
            instance: hex::encode(instance),
            round,
            payload: hex::encode(payload),
            signature: String::new(),
        };
        message.signature = hex::encode(self.identity.sign(&message.signing_bytes()).to_bytes());
        let url = format!("http://{}{PEER_MESSAGE_PATH}", message.recipient);
        let unreachable = |reason: String| NodeError::PeerUnreachable {
            peer: message.recipient.clone(),
            reason,
        };
        let response = self
            .http
            .post(&url)
            .header("x-request-id", format!("peer_{}_{round}", message.instance))
            .json(&message)
            .send()
            .await
            .map_err(|e| {
                unreachable(if e.is_timeout() {
                    "timed out".into()
                } else {
                    "no connection".into()
                })
            })?;
        if !response.status().is_success() {
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            return Err(unreachable(format!("answered {status}: {body}")));
        }
        Ok(())
    }

    /// Waits (at most the channel's timeout) for round `round` of run `instance` from `sender`;
    /// the message is taken out of the inbox.
    pub async fn receive(
        &self,
        instance: B256,
        round: u32,
        sender: &ValidatorInfo,
    ) -> Result<Vec<u8>, NodeError> {
        let key = (instance, round, staking_address(sender));
        let wait = async {
            loop {
                let arrived = self.arrived.notified();
                if let Some(payload) = self.take(&key) {
                    return payload;
                }
                arrived.await;
            }
        };
        tokio::time::timeout(self.timeout, wait)
            .await
            .map_err(|_| NodeError::PeerUnreachable {
                peer: key.2.clone(),
                reason: format!(
                    "no round {round} message within {} ms",
                    self.timeout.as_millis()
                ),
            })
    }

    fn take(&self, key: &InboxKey) -> Option<Vec<u8>> {
        let mut inbox = self.inbox.lock();
        let payload = inbox.messages.remove(key)?;
        inbox.order.retain(|queued| queued != key);
        Some(payload)
    }

    /// Takes a message a peer posted, after every check of the module docs.
    pub(crate) fn accept(&self, message: PeerMessage) -> Result<(), NodeError> {
        let refused = |reason: &str| NodeError::PeerMessageRefused(reason.to_owned());
        if message.recipient != self.address {
            return Err(refused("the message is for another node"));
        }
        let current = self.chain.epoch_number();
        if current != 0 && message.epoch != current && message.epoch + 1 != current {
            return Err(refused("the message is of another epoch"));
        }
        let sender = self
            .chain
            .validators()
            .into_iter()
            .find(|validator| staking_address(validator) == message.sender)
            .ok_or_else(|| refused("the sender is not a current validator"))?;
        let key = VerifyingKey::from_bytes(&sender.communication_key.0)
            .map_err(|_| refused("the sender has no identity key on chain"))?;
        let signature = hex::decode(&message.signature)
            .ok()
            .and_then(|bytes| Signature::from_slice(&bytes).ok())
            .ok_or_else(|| refused("the signature is not 64 bytes of hex"))?;
        key.verify_strict(&message.signing_bytes(), &signature)
            .map_err(|_| refused("the signature is not the sender's"))?;
        let instance = message
            .instance
            .parse::<B256>()
            .map_err(|_| refused("the run id is not 32 bytes of hex"))?;
        let payload =
            hex::decode(&message.payload).map_err(|_| refused("the payload is not hex"))?;
        let key = (instance, message.round, message.sender);
        let mut inbox = self.inbox.lock();
        match inbox.messages.get(&key) {
            // A resend of the same message (a retry) is fine; another one for the same round
            // is not.
            Some(kept) if *kept == payload => return Ok(()),
            Some(_) => {
                return Err(refused(
                    "the sender already sent another message for this round",
                ))
            }
            None => {}
        }
        if inbox.order.len() >= INBOX_CAPACITY {
            if let Some(oldest) = inbox.order.pop_front() {
                inbox.messages.remove(&oldest);
            }
        }
        inbox.order.push_back(key.clone());
        inbox.messages.insert(key, payload);
        drop(inbox);
        self.arrived.notify_waiters();
        Ok(())
    }
}

/// A validator's `ip:port`, the address peer messages name.
pub fn staking_address(validator: &ValidatorInfo) -> String {
    format!("{}:{}", validator.ip, validator.port)
}

fn load_or_create_identity(path: &Path) -> Result<SigningKey, NodeError> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let seed = Zeroizing::new(
                hex::decode(text.trim())
                    .map_err(|_| NodeError::KeyMaterial(format!("{}: not hex", path.display())))?,
            );
            let seed: &[u8; 32] = seed
                .as_slice()
                .try_into()
                .map_err(|_| NodeError::KeyMaterial(format!("{}: not 32 bytes", path.display())))?;
            Ok(SigningKey::from_bytes(seed))
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let identity = SigningKey::generate(&mut rand::rngs::OsRng);
            let text = Zeroizing::new(hex::encode(identity.to_bytes()));
            write_private(path, text.as_bytes())?;
            Ok(identity)
        }
        Err(error) => Err(NodeError::io("reading the peer identity", path, error)),
    }
}

/// Writes `bytes` to a new file only its owner can read.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), NodeError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| NodeError::io("writing the peer identity", path, e))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| NodeError::io("writing the peer identity", path, e))
}
