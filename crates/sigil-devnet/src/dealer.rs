//! The dealer: a fresh BLS network key split into one key share per node, written to the data
//! dir. (The root ECDSA keys PKP keys derive from are not dealt: the nodes generate them among
//! themselves at the network's first start.)
//!
//! Only the shares are kept (each in its node's directory, 0600); the secret key is dropped
//! once dealt.

use crate::error::DevnetError;
use serde::{Deserialize, Serialize};
use sigil_crypto::bls::KeyShareFile;
use std::io::Write;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// A node's key share file, inside its directory.
pub(crate) const KEY_SHARE_FILE: &str = "key-share.json";
/// A node's shares of the root ECDSA keys, inside its directory (written by the node).
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
        return Ok(network);
    }
    let (network_public_key, shares) = deal(threshold, nodes)?;
    for (index, share) in shares.iter().enumerate() {
        let dir = node_dir(data_dir, index);
        create_private_dir(&dir)?;
        write_secret_file(&dir.join(KEY_SHARE_FILE), share.as_str())?;
    }
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
