//! The devnet's data dir: a directory per node (its key shares, which the node writes itself,
//! its config and databases) and `network.json`, the public description of the network, written
//! once the nodes have generated its key.

use crate::error::DevnetError;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The network's public description, in the data dir.
pub(crate) const NETWORK_FILE: &str = "network.json";
/// A node's BLS key share file, inside its directory (written by the node).
pub(crate) const KEY_SHARE_FILE: &str = "key-share.json";
/// A node's shares of the root ECDSA keys, inside its directory (written by the node).
pub(crate) const ROOT_KEY_SHARES_FILE: &str = "ecdsa-root-shares.json";

/// `network.json`: the public description of the network.
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

/// The network `data_dir` holds, if its nodes have generated their keys: `None` on a fresh
/// data dir. A network of another size or threshold is refused.
pub(crate) fn load_network(
    data_dir: &Path,
    nodes: usize,
    threshold: usize,
) -> Result<Option<NetworkFile>, DevnetError> {
    let network_path = data_dir.join(NETWORK_FILE);
    if !network_path.exists() {
        return Ok(None);
    }
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
    Ok(Some(network))
}

/// Records the network once its nodes have generated its key (public data only).
pub(crate) fn write_network(data_dir: &Path, network: &NetworkFile) -> Result<(), DevnetError> {
    let network_path = data_dir.join(NETWORK_FILE);
    let text = serde_json::to_string_pretty(network)
        .map_err(|e| DevnetError::internal("network file", e))?;
    std::fs::write(&network_path, text)
        .map_err(|e| DevnetError::io("writing the network file", &network_path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_network_is_reloaded_and_a_mismatched_one_refused() -> Result<(), DevnetError> {
        let dir = tempfile::tempdir().map_err(|e| DevnetError::io("temp dir", "/tmp", e))?;
        assert_eq!(load_network(dir.path(), 3, 2)?, None);
        let network = NetworkFile {
            network_public_key: "ab".repeat(48),
            threshold: 2,
            nodes: 3,
        };
        write_network(dir.path(), &network)?;
        assert_eq!(load_network(dir.path(), 3, 2)?, Some(network));
        assert!(matches!(
            load_network(dir.path(), 4, 2),
            Err(DevnetError::Config(_))
        ));
        Ok(())
    }
}
