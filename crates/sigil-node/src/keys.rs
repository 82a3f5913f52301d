//! A node's key material: its BLS key share (loading it, signing with it) and its shares of the
//! root ECDSA keys.

use crate::error::NodeError;
use sigil_crypto::bls::{KeyShare, KeyShareFile, NetworkPublicKey, SignatureShare};
use sigil_crypto::hd::RootKeyShares;
use std::path::Path;
use std::sync::Arc;
use zeroize::Zeroizing;

/// The node's BLS key once it has it (watched: generated with the peers at a network's first
/// start, read by every endpoint that signs).
pub(crate) type NetworkKeySlot = tokio::sync::watch::Sender<Option<Arc<NodeKey>>>;

/// The key share a node signs with, and the network key it belongs to.
pub(crate) struct NodeKey {
    share: KeyShare,
    network_public_key: NetworkPublicKey,
    network_public_key_hex: String,
    public_share_hex: String,
    threshold: usize,
}

impl NodeKey {
    /// Reads a key share file and checks that it is for the configured threshold and, when the
    /// config names one, the configured network key.
    pub(crate) fn load(
        path: &Path,
        network_public_key_hex: Option<&str>,
        threshold: u16,
    ) -> Result<NodeKey, NodeError> {
        let text = Zeroizing::new(
            std::fs::read_to_string(path)
                .map_err(|e| NodeError::io("reading the key share file", path, e))?,
        );
        let file =
            KeyShareFile::from_json(&text).map_err(|e| NodeError::KeyMaterial(e.to_string()))?;
        if let Some(configured) = network_public_key_hex {
            let configured = NetworkPublicKey::from_hex(configured)
                .map_err(|e| NodeError::KeyMaterial(e.to_string()))?;
            if file.network_public_key != configured {
                return Err(NodeError::KeyMaterial(format!(
                    "the key share in {} belongs to network key {}, not the configured one",
                    path.display(),
                    file.network_public_key
                )));
            }
        }
        if u16::from(file.threshold) != threshold {
            return Err(NodeError::KeyMaterial(format!(
                "the key share in {} is for threshold {}, the config says {threshold}",
                path.display(),
                file.threshold
            )));
        }
        Ok(NodeKey::of(&file))
    }

    /// The key of a share file's contents.
    pub(crate) fn of(file: &KeyShareFile) -> NodeKey {
        let share = file.key_share.clone();
        NodeKey {
            public_share_hex: share.public_share().to_hex(),
            network_public_key: file.network_public_key,
            network_public_key_hex: file.network_public_key.to_hex(),
            threshold: usize::from(file.threshold),
            share,
        }
    }

    pub(crate) fn share_id(&self) -> u8 {
        self.share.index()
    }

    /// The network's BLS public key.
    pub(crate) fn network_public_key(&self) -> &NetworkPublicKey {
        &self.network_public_key
    }

    /// Shares needed to decrypt.
    pub(crate) fn threshold(&self) -> usize {
        self.threshold
    }

    pub(crate) fn network_public_key_hex(&self) -> &str {
        &self.network_public_key_hex
    }

    /// This node's public key share (id byte + G1 point), hex: what the handshake reports as
    /// `serverPublicKey`.
    pub(crate) fn public_share_hex(&self) -> &str {
        &self.public_share_hex
    }

    /// Signs `identity` with the key share.
    pub(crate) fn sign_share(&self, identity: &[u8]) -> SignatureShare {
        self.share.sign(identity)
    }
}

/// Reads a node's root ECDSA key shares and checks they are for the configured threshold and
/// that their roster lists `identity` (the node's peer identity key) as their holder.
pub(crate) fn load_root_key_shares(
    path: &Path,
    identity: &[u8; 32],
    threshold: u16,
) -> Result<RootKeyShares, NodeError> {
    let text = Zeroizing::new(
        std::fs::read_to_string(path)
            .map_err(|e| NodeError::io("reading the root key shares file", path, e))?,
    );
    let shares =
        RootKeyShares::from_json(&text).map_err(|e| NodeError::KeyMaterial(e.to_string()))?;
    if u16::from(shares.threshold) != threshold {
        return Err(NodeError::KeyMaterial(format!(
            "the root key shares in {} are of a {}-threshold set; this node's threshold is {threshold}",
            path.display(),
            shares.threshold
        )));
    }
    let holder = shares.roster.get(usize::from(shares.index) - 1);
    if holder != Some(identity) {
        return Err(NodeError::KeyMaterial(format!(
            "the root key shares in {} are not this node's: their roster does not list its peer identity as holder of share {}",
            path.display(),
            shares.index
        )));
    }
    Ok(shares)
}

/// Writes a secret to `path`, readable by its owner only (0600): to a temporary file beside it,
/// fsynced, then renamed over `path`, so a crash leaves the old file or the new one, never half.
pub(crate) fn write_secret_file(path: &Path, contents: &[u8]) -> Result<(), NodeError> {
    use std::io::Write;
    let temporary = path.with_extension("partial");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(&temporary)
        .map_err(|e| NodeError::io("writing a secret file", &temporary, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| NodeError::io("restricting a secret file", &temporary, e))?;
    }
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .map_err(|e| NodeError::io("writing a secret file", &temporary, e))?;
    std::fs::rename(&temporary, path).map_err(|e| NodeError::io("writing a secret file", path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_key_shares_of_another_holder_or_threshold_are_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (_, dealt) =
            sigil_crypto::hd::deal_root_keys(2, 2, 3, &mut rand::rngs::OsRng).expect("deal roots");
        let roster = vec![[1u8; 32], [2u8; 32], [3u8; 32]];
        let shares = RootKeyShares::new(
            2,
            2,
            dealt[1].root_public_keys.clone(),
            (0..2)
                .filter_map(|root| dealt[1].root_share(root))
                .collect(),
            roster,
        )
        .expect("shares");
        let path = dir.path().join("roots.json");
        write_secret_file(&path, shares.to_json().as_bytes()).expect("write");
        assert!(load_root_key_shares(&path, &[2u8; 32], 2).is_ok());
        assert!(matches!(
            load_root_key_shares(&path, &[1u8; 32], 2),
            Err(NodeError::KeyMaterial(_))
        ));
        assert!(matches!(
            load_root_key_shares(&path, &[2u8; 32], 3),
            Err(NodeError::KeyMaterial(_))
        ));
        // Dealt without a roster: no holder is named, so no node takes them.
        std::fs::write(&path, dealt[1].to_json().as_str()).expect("write");
        assert!(matches!(
            load_root_key_shares(&path, &[2u8; 32], 2),
            Err(NodeError::KeyMaterial(_))
        ));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            write_secret_file(&path, b"x").expect("write");
            let mode = std::fs::metadata(&path).expect("stat").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
