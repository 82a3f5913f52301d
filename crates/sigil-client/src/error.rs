//! The crate's one public error type, and the typed failure of one node.

use sigil_wire::LitErrorCode;
use std::fmt;
use std::path::PathBuf;

/// A boxed error from a caller-supplied callback.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why one node did not give a usable answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeFailure {
    /// The node's URL, exactly as connected (`http://127.0.0.1:7470`).
    pub url: String,
    /// The HTTP status, or `None` when the node was not reached (refused, timed out).
    pub status: Option<u16>,
    /// Lit's `errorKind` from the error body (`Validation`, `Parser`...), when given.
    pub error_kind: Option<String>,
    /// Lit's `errorCode` from the error body (`NodeNotAuthorized`, `rate_limit_exceeded`...),
    /// when given.
    pub error_code: Option<LitErrorCode>,
    /// The node's message, or what went wrong on the way.
    pub message: String,
    /// A Lit Action's console output until it failed, when the node sent it (boxed: the
    /// failure travels in `Result`s, kept small).
    pub logs: Option<Box<str>>,
}

impl NodeFailure {
    /// Whether the node was not reached at all (as opposed to answering with an error).
    pub fn is_unreachable(&self) -> bool {
        self.status.is_none()
    }
}

impl fmt::Display for NodeFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.status, &self.error_code) {
            (None, _) => write!(f, "{}: unreachable ({})", self.url, self.message),
            (Some(status), Some(code)) => {
                write!(f, "{}: HTTP {status} {code}: {}", self.url, self.message)
            }
            (Some(status), None) => write!(f, "{}: HTTP {status}: {}", self.url, self.message),
        }
    }
}

fn list(failures: &[NodeFailure]) -> String {
    failures
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Everything that can go wrong in the client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// A call that needs the nodes was made before a successful [`connect`](crate::LitNodeClient::connect).
    #[error("the client is not connected; call connect() first")]
    NotConnected,
    /// The client's settings are inconsistent (no node URLs, a `min_node_count` of 0...).
    #[error("invalid client configuration: {0}")]
    InvalidConfig(String),
    /// A PKP signature's text (`signature` of a `PkpSignature`) does not decode.
    #[error("not a signature: {0}")]
    InvalidSignature(String),
    /// Reading the chain (the Staking call, the latest block) failed.
    #[error("chain rpc: {0}")]
    Chain(#[from] sigil_chain::Error),
    /// Fewer nodes answered the handshake than the network needs.
    #[error(
        "only {} of {} nodes answered the handshake, {needed} are needed; unreachable: {}",
        connected.len(), connected.len() + failures.len(), list(failures)
    )]
    NotEnoughNodes {
        /// Nodes needed (`minNodeCount`).
        needed: usize,
        /// The nodes that did answer.
        connected: Vec<String>,
        /// The nodes that did not, and why.
        failures: Vec<NodeFailure>,
    },
    /// The handshakes gave no usable value for a field the client needs.
    #[error("the nodes' handshakes carry no usable {0}")]
    MissingHandshakeField(&'static str),
    /// Fewer nodes than needed served a request.
    #[error(
        "request {request_id}: {succeeded} of the {needed} needed nodes served it; failures: {}",
        list(failures)
    )]
    NodeErrors {
        /// The `X-Request-Id` shared by every node request of the operation.
        request_id: String,
        /// Answers needed.
        needed: usize,
        /// Answers received.
        succeeded: usize,
        /// Every node that failed, and why.
        failures: Vec<NodeFailure>,
    },
    /// No session sig for a connected node (the map was made for other nodes).
    #[error("no session sig for node {url}")]
    MissingSessionSig {
        /// The node URL.
        url: String,
    },
    /// The auth callback failed.
    #[error("auth_needed_callback failed: {0}")]
    AuthCallback(#[source] BoxError),
    /// The wallet sig to use has an empty field (the JS SDK's `WalletSignatureNotFoundError`).
    #[error("no wallet signature: the auth sig has an empty {0}")]
    WalletSignatureNotFound(&'static str),
    /// The wallet sig uses an `algo` this client cannot check (the JS SDK checks EOA and
    /// `LIT_BLS` sigs).
    #[error("unsupported auth sig algo {0:?}")]
    UnsupportedAuthSigAlgo(String),
    /// Building or checking session material failed.
    #[error(transparent)]
    Auth(#[from] sigil_auth::AuthError),
    /// Conditions, encryption, share combination or decryption failed.
    #[error(transparent)]
    Crypto(#[from] sigil_crypto::CryptoError),
    /// Decrypted bytes are not UTF-8 (from `decrypt_to_string`).
    #[error("decrypted data is not utf-8")]
    NotUtf8,
    /// Reading or writing the session storage directory failed.
    #[error("session storage {}: {source}", path.display())]
    Storage {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The HTTP client could not be built.
    #[error("http client: {0}")]
    Http(#[source] BoxError),
    /// The Lit Action threw on the nodes (their most common error and logs).
    #[error("the Lit Action threw: {error}")]
    ActionThrew {
        /// The exception, as the nodes wrote it.
        error: String,
        /// The action's console output until it threw.
        logs: String,
    },
}

impl ClientError {
    /// The most common node failure of a failed operation (what the JS SDK reports), if any.
    pub fn most_common_node_failure(&self) -> Option<&NodeFailure> {
        let failures = match self {
            ClientError::NodeErrors { failures, .. }
            | ClientError::NotEnoughNodes { failures, .. } => failures,
            _ => return None,
        };
        most_common_by(failures, |f| (f.status, f.error_code.clone()))
    }
}

/// The element whose key occurs most often; ties go to the last such element, as the JS SDK's
/// `mostCommonString` (a stable sort by count, then `pop()`) picks.
pub(crate) fn most_common_by<T, K: PartialEq>(items: &[T], key: impl Fn(&T) -> K) -> Option<&T> {
    let keys: Vec<K> = items.iter().map(&key).collect();
    let counts: Vec<usize> = keys
        .iter()
        .map(|k| keys.iter().filter(|other| *other == k).count())
        .collect();
    let max = counts.iter().copied().max()?;
    let index = counts.iter().rposition(|&c| c == max)?;
    items.get(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(url: &str, code: Option<&str>) -> NodeFailure {
        NodeFailure {
            url: url.into(),
            status: code.map(|_| 401),
            error_kind: None,
            error_code: code.map(LitErrorCode::parse),
            message: "m".into(),
            logs: None,
        }
    }

    #[test]
    fn most_common_prefers_the_majority_then_the_last() {
        let items = ["a", "b", "b", "c"];
        assert_eq!(most_common_by(&items, |s| *s), Some(&"b"));
        let tie = ["a", "b"];
        assert_eq!(most_common_by(&tie, |s| *s), Some(&"b"));
        let empty: [&str; 0] = [];
        assert_eq!(most_common_by(&empty, |s| *s), None);
    }

    #[test]
    fn not_enough_nodes_names_the_unreachable_ones() {
        let error = ClientError::NotEnoughNodes {
            needed: 2,
            connected: vec!["http://a".into()],
            failures: vec![failure("http://b", None), failure("http://c", None)],
        };
        let text = error.to_string();
        assert!(text.contains("only 1 of 3 nodes"), "{text}");
        assert!(text.contains("http://b: unreachable"), "{text}");
        assert!(text.contains("http://c: unreachable"), "{text}");
    }

    #[test]
    fn node_errors_report_the_most_common_code() {
        let error = ClientError::NodeErrors {
            request_id: "lit_1".into(),
            needed: 2,
            succeeded: 0,
            failures: vec![
                failure("http://a", Some("NodeNotAuthorized")),
                failure(
                    "http://b",
                    Some("NodeAccessControlConditionsReturnedNotAuthorized"),
                ),
                failure(
                    "http://c",
                    Some("NodeAccessControlConditionsReturnedNotAuthorized"),
                ),
            ],
        };
        assert_eq!(
            error
                .most_common_node_failure()
                .and_then(|f| f.error_code.clone()),
            Some(LitErrorCode::NodeAccessControlConditionsReturnedNotAuthorized)
        );
    }
}
