//! What can go wrong starting a devnet.

use sigil_node::NodeError;
use std::path::PathBuf;

/// Why a devnet (or its chain) did not start.
#[derive(Debug, thiserror::Error)]
pub enum DevnetError {
    /// The settings, or the data dir's existing network, do not allow it.
    #[error("invalid devnet config: {0}")]
    Config(String),
    /// A file operation in the data dir failed.
    #[error("{context} {}: {source}", path.display())]
    Io {
        /// What the devnet was doing.
        context: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },
    /// The nodes' keys are missing, late or disagree (their generation at a network's first
    /// start, or a data dir of another network).
    #[error("key material: {0}")]
    KeyMaterial(String),
    /// A node did not start.
    #[error(transparent)]
    Node(#[from] NodeError),
    /// The embedded chain did not open or serve.
    #[error("chain: {0}")]
    Chain(#[from] sigil_chain::Error),
    /// The contracts on an external chain could not be deployed or read.
    #[error("evm chain: {0}")]
    Evm(String),
    /// A background task failed.
    #[error("{context}: {detail}")]
    Internal {
        /// What the devnet was doing.
        context: &'static str,
        /// What happened (holds no secret).
        detail: String,
    },
}

impl DevnetError {
    pub(crate) fn io(
        context: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> DevnetError {
        DevnetError::Io {
            context,
            path: path.into(),
            source,
        }
    }

    pub(crate) fn internal(context: &'static str, detail: impl std::fmt::Display) -> DevnetError {
        DevnetError::Internal {
            context,
            detail: detail.to_string(),
        }
    }
}
