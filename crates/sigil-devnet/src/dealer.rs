//! The dealer: a fresh network key split into one key share per node, and the root ECDSA keys
//! PKP keys derive from, split the same way, written to the data dir.
//!
//! Only the shares are kept (each in its node's directory, 0600); the secret keys are dropped
//! once dealt.

use crate::error::DevnetError;
use serde::{Deserialize, Serialize};
use sigil_crypto::bls::KeyShareFile;
use std::io::Write;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// A node's key share file, inside its directory.
pub(crate) const KEY_SHARE_FILE: &str = "key-share.json";
/// A node's shares of the root ECDSA keys, inside its directory.
pub(crate) const ROOT_KEY_SHARES_FILE: &str = "ecdsa-root-shares.json";

/// `network.json`: the public description of the dealt network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NetworkFile {
    pub(crate) network_public_key: String,
    pub(crate) threshold: usize,
    pub(crate) nodes: usize,
}

/// `<data dir>/node-<index>`.
pub(crate) fn node_dir(data_dir: &Path, index: usize) -> PathBuf {
    data_dir.join(format!("node-{index}"))
}

pub(crate) fn create_private_dir(dir: &Path) -> Result<(), DevnetError> {
    std::fs::create_dir_all(dir).map_err(|e| DevnetError::io("creating the data dir", dir, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| DevnetError::io("restricting the data dir", dir, e))?;
    }
    Ok(())
}

/// Reads the dealt network from `data_dir`, or deals a new one and writes it (key shares
/// first, `network.json` last, so a crash mid-deal leaves no half network behind that looks
/// complete).
pub(crate) fn load_or_deal(
    data_dir: &Path,
    nodes: usize,
    threshold: usize,
) -> Result<NetworkFile, DevnetError> {
    let network_path = data_dir.join("network.json");
    if network_path.exists() {
        let text = std::fs::read_to_string(&network_path)
            .map_err(|e| DevnetError::io("reading the network file", &network_path, e))?;
        let network: NetworkFile = serde_json::from_str(&text)
            .map_err(|e| DevnetError::Config(format!("{}: {e}", network_path.display())))?;
        if network.nodes != nodes || network.threshold != threshold {
            return Err(DevnetError::Config(format!(
                "{} holds a {}-of-{} network; start with --nodes {} --threshold {} or another data dir",
                data_dir.display(),
                network.threshold,
                network.nodes,
                network.nodes,
                network.threshold
            )));
        }
        ensure_root_keys(data_dir, nodes, threshold)?;
        return Ok(network);
    }
    let (network_public_key, shares) = deal(threshold, nodes)?;
    for (index, share) in shares.iter().enumerate() {
        let dir = node_dir(data_dir, index);
        create_private_dir(&dir)?;
        write_secret_file(&dir.join(KEY_SHARE_FILE), share.as_str())?;
    }
    ensure_root_keys(data_dir, nodes, threshold)?;
    let network = NetworkFile {
        network_public_key,
        threshold,
        nodes,
    };
    let text = serde_json::to_string_pretty(&network)
        .map_err(|e| DevnetError::internal("network file", e))?;
    std::fs::write(&network_path, text)
        .map_err(|e| DevnetError::io("writing the network file", &network_path, e))?;
    Ok(network)
}

/// Deals a fresh network key into `total` shares with `threshold`. Returns the network key and
/// each share's file text (the secret key itself is dropped).
fn deal(threshold: usize, total: usize) -> Result<(String, Vec<Zeroizing<String>>), DevnetError> {
    let (threshold_byte, total_byte) = match (u8::try_from(threshold), u8::try_from(total)) {
        (Ok(threshold), Ok(total)) => (threshold, total),
        _ => return Err(DevnetError::Config("at most 255 nodes".into())),
    };
    let (network_public_key, shares) =
        sigil_crypto::bls::deal(threshold, total, &mut rand::rngs::OsRng)
            .map_err(|e| DevnetError::KeyMaterial(e.to_string()))?;
    let files = shares
        .into_iter()
        .map(|key_share| {
            KeyShareFile {
                network_public_key,
                threshold: threshold_byte,
                total: total_byte,
                key_share,
            }
            .to_json()
        })
        .collect();
    Ok((network_public_key.to_hex(), files))
}

/// Deals the root ECDSA keys into every node's directory unless they are there already (a
/// network dealt before root keys existed gets them on its next start). Some nodes with them
/// and some without is a broken data dir, refused rather than dealt over.
fn ensure_root_keys(data_dir: &Path, nodes: usize, threshold: usize) -> Result<(), DevnetError> {
    let files: Vec<PathBuf> = (0..nodes)
        .map(|index| node_dir(data_dir, index).join(ROOT_KEY_SHARES_FILE))
        .collect();
    let present = files.iter().filter(|file| file.exists()).count();
    if present == nodes {
        return Ok(());
    }
    if present > 0 {
        return Err(DevnetError::Config(format!(
            "{} has root key shares for {present} of its {nodes} nodes; restore the missing ones or use another data dir",
            data_dir.display()
        )));
    }
    let (_, shares) = sigil_crypto::hd::deal_root_keys(
        sigil_crypto::hd::ROOT_KEY_COUNT,
        threshold,
        nodes,
        &mut rand::rngs::OsRng,
    )
    .map_err(|e| DevnetError::KeyMaterial(e.to_string()))?;
    for (file, share) in files.iter().zip(&shares) {
        write_secret_file(file, &share.to_json())?;
    }
    Ok(())
}

/// The root ECDSA public keys of the dealt network (compressed SEC1, in derivation order), as
/// node 0's share file lists them: what the chain's PubkeyRouter registers.
pub(crate) fn root_public_keys(data_dir: &Path) -> Result<Vec<Vec<u8>>, DevnetError> {
    let path = node_dir(data_dir, 0).join(ROOT_KEY_SHARES_FILE);
    let text = Zeroizing::new(
        std::fs::read_to_string(&path)
            .map_err(|e| DevnetError::io("reading the root key shares", &path, e))?,
    );
    let shares = sigil_crypto::hd::RootKeyShares::from_json(&text)
        .map_err(|e| DevnetError::KeyMaterial(e.to_string()))?;
    shares
        .root_public_keys_hex()
        .iter()
        .map(|key| {
            alloy_primitives::hex::decode(key).map_err(|e| DevnetError::KeyMaterial(e.to_string()))
        })
        .collect()
}

/// Writes a secret (a key share) to `path`, readable by the owner only (0600), fsynced.
fn write_secret_file(path: &Path, contents: &str) -> Result<(), DevnetError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| DevnetError::io("creating the key share file", path, e))?;
    // An existing file keeps its old mode on open; force 0600.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| DevnetError::io("restricting the key share file", path, e))?;
    }
    file.write_all(contents.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| DevnetError::io("writing the key share file", path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dealt_network_is_reloaded_and_a_mismatched_one_refused() -> Result<(), DevnetError> {
        let dir = tempfile::tempdir().map_err(|e| DevnetError::io("temp dir", "/tmp", e))?;
        let dealt = load_or_deal(dir.path(), 3, 2)?;
        assert_eq!(dealt.network_public_key.len(), 96);
        assert_eq!(load_or_deal(dir.path(), 3, 2)?, dealt);
        assert!(matches!(
            load_or_deal(dir.path(), 4, 2),
            Err(DevnetError::Config(_))
        ));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let share = node_dir(dir.path(), 0).join(KEY_SHARE_FILE);
            let mode = std::fs::metadata(&share)
                .map_err(|e| DevnetError::io("stat", &share, e))?
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        Ok(())
    }
}
