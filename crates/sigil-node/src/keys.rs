//! A node's key material: its BLS key share (loading it, signing with it) and its shares of the
//! root ECDSA keys.

use crate::error::NodeError;
use sigil_crypto::bls::{KeyShare, KeyShareFile, NetworkPublicKey, SignatureShare};
use sigil_crypto::hd::RootKeyShares;
use std::path::Path;
use zeroize::Zeroizing;

/// The key share a node signs with, and the network key it belongs to.
pub(crate) struct NodeKey {
    share: KeyShare,
    network_public_key_hex: String,
    public_share_hex: String,
}

impl NodeKey {
    /// Reads a key share file and checks that it belongs to the network key and threshold the
    /// node is configured with.
    pub(crate) fn load(
        path: &Path,
        network_public_key_hex: &str,
        threshold: u16,
    ) -> Result<NodeKey, NodeError> {
        let text = Zeroizing::new(
            std::fs::read_to_string(path)
                .map_err(|e| NodeError::io("reading the key share file", path, e))?,
        );
        let file =
            KeyShareFile::from_json(&text).map_err(|e| NodeError::KeyMaterial(e.to_string()))?;
        let network_public_key = NetworkPublicKey::from_hex(network_public_key_hex)
            .map_err(|e| NodeError::KeyMaterial(e.to_string()))?;
        if file.network_public_key != network_public_key {
            return Err(NodeError::KeyMaterial(format!(
                "the key share in {} belongs to network key {}, not the configured one",
                path.display(),
                file.network_public_key
            )));
        }
        if u16::from(file.threshold) != threshold {
            return Err(NodeError::KeyMaterial(format!(
                "the key share in {} is for threshold {}, the config says {threshold}",
                path.display(),
                file.threshold
            )));
        }
        let share = file.key_share.clone();
        Ok(NodeKey {
            public_share_hex: share.public_share().to_hex(),
            network_public_key_hex: network_public_key.to_hex(),
            share,
        })
    }

    pub(crate) fn share_id(&self) -> u8 {
        self.share.index()
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

/// Reads a node's root ECDSA key shares and checks they belong to the same share id and
/// threshold as its BLS key share.
pub(crate) fn load_root_key_shares(
    path: &Path,
    share_id: u8,
    threshold: u16,
) -> Result<RootKeyShares, NodeError> {
    let text = Zeroizing::new(
        std::fs::read_to_string(path)
            .map_err(|e| NodeError::io("reading the root key shares file", path, e))?,
    );
    let shares =
        RootKeyShares::from_json(&text).map_err(|e| NodeError::KeyMaterial(e.to_string()))?;
    if shares.index != share_id || u16::from(shares.threshold) != threshold {
        return Err(NodeError::KeyMaterial(format!(
            "the root key shares in {} are share {} of a {}-threshold set; this node is share {share_id}, threshold {threshold}",
            path.display(),
            shares.index,
            shares.threshold
        )));
    }
    Ok(shares)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_key_shares_of_another_node_or_threshold_are_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (_, shares) =
            sigil_crypto::hd::deal_root_keys(2, 2, 3, &mut rand::rngs::OsRng).expect("deal roots");
        let path = dir.path().join("roots.json");
        std::fs::write(&path, shares[1].to_json().as_str()).expect("write");
        assert!(load_root_key_shares(&path, 2, 2).is_ok());
        assert!(matches!(
            load_root_key_shares(&path, 1, 2),
            Err(NodeError::KeyMaterial(_))
        ));
        assert!(matches!(
            load_root_key_shares(&path, 2, 3),
            Err(NodeError::KeyMaterial(_))
        ));
    }
}
