//! The channel nodes run multi-round protocols over: each node has an ed25519 identity key (kept
//! in its data dir, 0600) that Staking lists as its `senderPubKey`, so peers are known from the
//! chain. Every message is signed and bound to (sender, recipient, epoch, run, round); a node
//! takes a message only from a current validator, for itself, of the current epoch (or the one
//! before, across a change) and with a good signature. Sending has a timeout, so a slow or dead
//! peer costs the run that needs it, not unrelated work.
//!
//! Payloads are encrypted to their recipient (ChaCha20-Poly1305 under a key from X25519 of the two
//! identity keys, expanded with HKDF over the message's place), since protocol rounds carry
//! secret shares and the channel is plain HTTP. A round numbered [`ANNOUNCEMENT_ROUND`] is a
//! peer's invitation to a run this node has not started; those go to [`PeerChannel::announcements`]
//! instead of the inbox.

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
use tokio::sync::{mpsc, Notify};
use zeroize::Zeroizing;

/// The round of a message that invites its recipient to a run (its payload says which).
pub const ANNOUNCEMENT_ROUND: u32 = u32::MAX;

/// Invitations waiting for the node to take them up; past it, more are refused.
const ANNOUNCEMENT_CAPACITY: usize = 256;

/// An invitation to a run, from a peer.
#[derive(Debug)]
pub struct Announcement {
    /// The validator that sent it.
    pub sender: ValidatorInfo,
    /// The run it invites to.
    pub instance: B256,
    /// What the run is, in the inviting protocol's own encoding.
    pub payload: Vec<u8>,
}

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
    announcements: mpsc::Sender<Announcement>,
    announcements_out: Mutex<Option<mpsc::Receiver<Announcement>>>,
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
        let (announcements, announcements_out) = mpsc::channel(ANNOUNCEMENT_CAPACITY);
        Ok(Self {
            identity,
            address,
            chain,
            http,
            timeout,
            inbox: Mutex::new(Inbox::default()),
            arrived: Notify::new(),
            announcements,
            announcements_out: Mutex::new(Some(announcements_out)),
        })
    }

    /// This node's identity public key (what Staking must list as its `senderPubKey`).
    pub fn identity_key(&self) -> B256 {
        B256::from(self.identity.verifying_key().to_bytes())
    }

    /// The invitations peers send to runs; the first caller gets them all (`None` after).
    pub fn announcements(&self) -> Option<mpsc::Receiver<Announcement>> {
        self.announcements_out.lock().take()
    }

    /// The node's Ethereum key, derived from its identity (HKDF), so it needs no file of its
    /// own and stays the same across restarts: it signs the key ids Lit Actions claim.
    pub(crate) fn node_wallet(&self) -> alloy_signer_local::PrivateKeySigner {
        let seed = zeroize::Zeroizing::new(self.identity.to_bytes());
        let hkdf = hkdf::Hkdf::<sha2::Sha256>::new(Some(b"sigil-node-wallet-v1"), seed.as_slice());
        loop_until_valid_key(|counter| {
            let mut key = zeroize::Zeroizing::new([0u8; 32]);
            // 32 bytes is far below HKDF-SHA256's output limit.
            let _ = hkdf.expand(&counter.to_be_bytes(), key.as_mut_slice());
            alloy_signer_local::PrivateKeySigner::from_bytes(&alloy_primitives::B256::from(*key))
                .ok()
        })
    }

    /// The current validator whose identity key is `identity`.
    pub fn validator_with_identity(&self, identity: &B256) -> Option<ValidatorInfo> {
        self.chain
            .validators()
            .into_iter()
            .find(|validator| validator.communication_key == *identity)
    }

    /// The current validators that have a peer identity on chain, this node included.
    pub fn validators_with_identity(&self) -> Vec<ValidatorInfo> {
        self.chain
            .validators()
            .into_iter()
            .filter(|validator| validator.communication_key != B256::ZERO)
            .collect()
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
        let message = PeerMessage {
            sender: self.address.clone(),
            recipient: staking_address(recipient),
            epoch: self.chain.epoch_number(),
            instance: hex::encode(instance),
            round,
            payload: String::new(),
            signature: String::new(),
        };
        let message = seal_and_sign(
            &self.identity,
            &recipient.communication_key,
            message,
            payload,
        )?;
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
        self.receive_within(instance, round, sender, self.timeout)
            .await
    }

    /// [`PeerChannel::receive`], waiting at most `timeout`.
    pub async fn receive_within(
        &self,
        instance: B256,
        round: u32,
        sender: &ValidatorInfo,
        timeout: Duration,
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
        tokio::time::timeout(timeout, wait)
            .await
            .map_err(|_| NodeError::PeerUnreachable {
                peer: key.2.clone(),
                reason: format!("no round {round} message within {} ms", timeout.as_millis()),
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
        let sealed =
            hex::decode(&message.payload).map_err(|_| refused("the payload is not hex"))?;
        let payload = open(
            &self.identity,
            &sender.communication_key,
            &sealing_context(&message),
            &sealed,
        )
        .map_err(refused)?;
        if message.round == ANNOUNCEMENT_ROUND {
            return self
                .announcements
                .try_send(Announcement {
                    sender,
                    instance,
                    payload,
                })
                .map_err(|_| refused("too many invitations are waiting"));
        }
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

/// Completes `message` (every field but `payload` and `signature` set) as `identity` sends it to
/// the node whose identity key is `recipient_key`: `payload` sealed to the recipient, then the
/// whole signed. What [`PeerChannel::send`] posts.
pub fn seal_and_sign(
    identity: &SigningKey,
    recipient_key: &B256,
    mut message: PeerMessage,
    payload: &[u8],
) -> Result<PeerMessage, NodeError> {
    let sealed =
        seal(identity, recipient_key, &sealing_context(&message), payload).map_err(|reason| {
            NodeError::PeerUnreachable {
                peer: message.recipient.clone(),
                reason: reason.into(),
            }
        })?;
    message.payload = hex::encode(sealed);
    message.signature = hex::encode(identity.sign(&message.signing_bytes()).to_bytes());
    Ok(message)
}

/// What a payload's encryption is bound to: every field of its message but the payload and the
/// signature, length-prefixed.
fn sealing_context(message: &PeerMessage) -> Vec<u8> {
    let mut context = Vec::with_capacity(160);
    for field in [
        message.sender.as_bytes(),
        message.recipient.as_bytes(),
        &message.epoch.to_be_bytes(),
        message.instance.as_bytes(),
        &message.round.to_be_bytes(),
    ] {
        context.extend_from_slice(&u64::try_from(field.len()).unwrap_or(u64::MAX).to_be_bytes());
        context.extend_from_slice(field);
    }
    context
}

const SEAL_NONCE_BYTES: usize = 12;

/// The key of one message between this node and `peer`: X25519 of the two ed25519 identity keys
/// (their Montgomery forms), expanded with HKDF-SHA256 over the message's place. Both ends
/// compute the same key; a peer key of small order (no shared secret) is refused.
fn message_key(
    identity: &SigningKey,
    peer: &B256,
    context: &[u8],
) -> Result<Zeroizing<[u8; 32]>, &'static str> {
    let peer =
        VerifyingKey::from_bytes(&peer.0).map_err(|_| "the peer's identity key is not a key")?;
    let shared = Zeroizing::new(
        peer.to_montgomery()
            .mul_clamped(*Zeroizing::new(identity.to_scalar_bytes()))
            .to_bytes(),
    );
    if shared.iter().all(|byte| *byte == 0) {
        return Err("the peer's identity key has no shared secret");
    }
    let mut key = Zeroizing::new([0u8; 32]);
    hkdf::Hkdf::<sha2::Sha256>::new(Some(b"sigil-peer-payload-v1"), shared.as_slice())
        .expand(context, key.as_mut_slice())
        .map_err(|_| "key expansion failed")?;
    Ok(key)
}

/// Encrypts `payload` to `peer`: a random nonce, then the ciphertext with its tag.
fn seal(
    identity: &SigningKey,
    peer: &B256,
    context: &[u8],
    payload: &[u8],
) -> Result<Vec<u8>, &'static str> {
    use chacha20poly1305::aead::{Aead, KeyInit};
    let key = message_key(identity, peer, context)?;
    let cipher = chacha20poly1305::ChaCha20Poly1305::new(key.as_slice().into());
    let nonce: [u8; SEAL_NONCE_BYTES] = rand::random();
    let mut sealed = nonce.to_vec();
    sealed.extend(
        cipher
            .encrypt(&nonce.into(), payload)
            .map_err(|_| "encryption failed")?,
    );
    Ok(sealed)
}

/// Decrypts what [`seal`] made for this node.
fn open(
    identity: &SigningKey,
    peer: &B256,
    context: &[u8],
    sealed: &[u8],
) -> Result<Vec<u8>, &'static str> {
    use chacha20poly1305::aead::{Aead, KeyInit};
    if sealed.len() < SEAL_NONCE_BYTES {
        return Err("the payload is not sealed");
    }
    let (nonce, ciphertext) = sealed.split_at(SEAL_NONCE_BYTES);
    let key = message_key(identity, peer, context)?;
    chacha20poly1305::ChaCha20Poly1305::new(key.as_slice().into())
        .decrypt(nonce.into(), ciphertext)
        .map_err(|_| "the payload does not decrypt for this node")
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

/// The first `Some` of `make(0)`, `make(1)`, ...: a derived secp256k1 key is invalid (zero or
/// past the group order) with probability about 2^-128, so this ends at once.
fn loop_until_valid_key<T>(make: impl Fn(u32) -> Option<T>) -> T {
    let mut counter = 0u32;
    loop {
        if let Some(value) = make(counter) {
            return value;
        }
        counter = counter.wrapping_add(1);
    }
}
