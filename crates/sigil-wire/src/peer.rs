//! Node-to-node messages: what one node posts to another at [`PEER_MESSAGE_PATH`] while they run
//! a multi-round protocol together.

use serde::{Deserialize, Serialize};

/// Where a node takes messages from its peers.
pub const PEER_MESSAGE_PATH: &str = "/peer/v1/message";

/// One message of one round of one protocol run, signed by its sender's identity key (the
/// ed25519 key Staking lists as the sender's `senderPubKey`) and bound to everything that
/// places it: a message cannot be replayed to another node, run, round or epoch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PeerMessage {
    /// The sender, `ip:port` as Staking lists it.
    pub sender: String,
    /// The recipient, `ip:port` as Staking lists it.
    pub recipient: String,
    /// The Staking epoch the run belongs to.
    pub epoch: u64,
    /// The protocol run, 32 bytes as 64 hex characters.
    pub instance: String,
    /// The round within the run.
    pub round: u32,
    /// The round's data for this recipient, hex.
    pub payload: String,
    /// The sender's ed25519 signature over [`PeerMessage::signing_bytes`], 128 hex characters.
    pub signature: String,
}

impl PeerMessage {
    /// What the signature covers: a domain tag, then every field but the signature, each
    /// length-prefixed (so no two messages share these bytes).
    pub fn signing_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(96 + self.payload.len());
        for field in [
            b"sigil-peer-message-v1".as_slice(),
            self.sender.as_bytes(),
            self.recipient.as_bytes(),
            &self.epoch.to_be_bytes(),
            self.instance.as_bytes(),
            &self.round.to_be_bytes(),
            self.payload.as_bytes(),
        ] {
            bytes.extend_from_slice(&u64::try_from(field.len()).unwrap_or(u64::MAX).to_be_bytes());
            bytes.extend_from_slice(field);
        }
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message() -> PeerMessage {
        PeerMessage {
            sender: "127.0.0.1:7470".into(),
            recipient: "127.0.0.1:7471".into(),
            epoch: 3,
            instance: "ab".repeat(32),
            round: 1,
            payload: "00ff".into(),
            signature: String::new(),
        }
    }

    #[test]
    fn every_field_but_the_signature_changes_the_signed_bytes() {
        let base = message();
        let signed = base.signing_bytes();
        let changed = [
            PeerMessage {
                sender: "127.0.0.1:7472".into(),
                ..base.clone()
            },
            PeerMessage {
                recipient: "127.0.0.1:7472".into(),
                ..base.clone()
            },
            PeerMessage {
                epoch: 4,
                ..base.clone()
            },
            PeerMessage {
                instance: "cd".repeat(32),
                ..base.clone()
            },
            PeerMessage {
                round: 2,
                ..base.clone()
            },
            PeerMessage {
                payload: "00fe".into(),
                ..base.clone()
            },
            // Moving a byte between fields is a different message too.
            PeerMessage {
                sender: "127.0.0.1:747".into(),
                recipient: "0127.0.0.1:7471".into(),
                ..base.clone()
            },
        ];
        for other in changed {
            assert_ne!(other.signing_bytes(), signed, "{other:?}");
        }
        let resigned = PeerMessage {
            signature: "11".repeat(64),
            ..base
        };
        assert_eq!(resigned.signing_bytes(), signed);
    }
}
