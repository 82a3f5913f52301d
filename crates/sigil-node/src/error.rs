//! The node's one error type and the single place it becomes Lit's JSON error body.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sigil_auth::AuthError;
use sigil_crypto::ConditionError;
use sigil_wire::{LitErrorBody, LitErrorCode};

/// Every way a node request can fail.
///
/// Each variant maps to one Lit `errorCode` in [`NodeError::code`], which carries the kind and
/// HTTP status; [`IntoResponse`] writes Lit's body `{errorKind, errorCode, status, message,
/// correlationId, details}` ([`NodeError::body`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NodeError {
    /// The body is not JSON (syntax error, truncated, nested deeper than the parser allows).
    #[error("request body is not valid JSON: {0}")]
    MalformedJson(String),
    /// The body is JSON but not the request's shape (missing field, wrong type, duplicate key).
    #[error("request body does not have the expected fields and types: {0}")]
    InvalidBody(String),
    /// The request did not say `Content-Type: application/json`.
    #[error("expected Content-Type: application/json")]
    UnsupportedContentType,
    /// The body is larger than the node accepts.
    #[error("request body exceeds {limit} bytes")]
    BodyTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// No route has this path.
    #[error("no route for {path}")]
    RouteNotFound {
        /// The path asked for (truncated).
        path: String,
    },
    /// The route exists but not for this method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// A route that needs request tracing got neither `X-Request-Id` nor `X-Correlation-Id`.
    #[error("missing 'X-Request-Id' or 'X-Correlation-Id' header")]
    MissingRequestId,
    /// `dataToEncryptHash` is not 64 lowercase hex characters (a sha256).
    #[error("dataToEncryptHash must be 64 lowercase hex characters")]
    InvalidDataToEncryptHash,
    /// The conditions are missing, too many, malformed, or could not be evaluated (a type that
    /// needs a chain read this node cannot do is named in the detail, never read as false).
    #[error(transparent)]
    Conditions(#[from] ConditionError),
    /// The conditions evaluated to false for this user.
    #[error("the access control conditions are not met by {user}")]
    NotAuthorized {
        /// The user address the conditions were evaluated with.
        user: String,
    },
    /// The session sig did not verify.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// The user has no allowance left on this node.
    #[error("Rate limit exceeded. Try again at {retry_at}")]
    RateLimitExceeded {
        /// RFC 3339 time the next window opens.
        retry_at: String,
    },
    /// A peer message this node does not take (see `PeerChannel`).
    #[error("peer message refused: {0}")]
    PeerMessageRefused(String),
    /// A peer did not take a message or send one in time.
    #[error("peer {peer}: {reason}")]
    PeerUnreachable {
        /// The peer's `ip:port`.
        peer: String,
        /// What happened.
        reason: String,
    },
    /// The session's user is neither the PKP's owner nor permitted to sign with it.
    #[error("You are not authorized to sign using this PKP: {0}")]
    PkpNotAuthorized(String),
    /// No PKP has the public key asked for.
    #[error("no PKP has public key {0}")]
    PkpTokenIdNotFound(String),
    /// A Lit Action did not finish (out of time or memory, or the engine failed); its logs go
    /// with the answer. (An action that throws is answered as Lit answers it, not with this.)
    #[error("{0}")]
    Action(sigil_actions::ActionError),
    /// The request carries auth methods where the endpoint takes only a session sig.
    #[error("Can't provide AuthMethods for executeJs. You have to provide an SessionSig.")]
    AuthMethodsNotAccepted,
    /// The request carries a wallet's own AuthSig where the endpoint takes only a session sig.
    #[error("Can't provide AuthSig for {endpoint}. You have to provide a SessionSig.")]
    AuthSigNotAccepted {
        /// The endpoint, as Lit names it in this refusal (`pkpSign`, `execute`).
        endpoint: &'static str,
    },
    /// A request is refused by a check whose Lit code depends on what failed (a PKP session to
    /// sign, a contract wallet's signature).
    #[error("{reason}")]
    Refused {
        /// Lit's code for the refusal.
        code: LitErrorCode,
        /// What exactly is wrong.
        reason: String,
    },
    /// A Lit Action's IPFS id is missing or malformed, or its code could not be fetched.
    #[error("{0}")]
    InvalidIpfsId(String),
    /// As many requests of this kind run as the node allows, and this one waited too long.
    #[error("{0}")]
    Overloaded(String),
    /// A threshold protocol run with peers failed (a peer sent what does not check out).
    #[error("threshold protocol failed: {0}")]
    ProtocolFailed(String),
    /// Something inside the node failed; the detail is logged, never sent.
    #[error("internal error: {0}")]
    Internal(#[source] InternalError),

    // ---- starting a node or a devnet (answered as internal errors if ever met in a request) ----
    /// The node's configuration is not usable.
    #[error("invalid node config: {0}")]
    Config(String),
    /// A file or socket operation failed.
    #[error("{context} {path}: {source}")]
    Io {
        /// What the node was doing.
        context: &'static str,
        /// The file or address.
        path: String,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },
    /// The key share or network public key does not load, or they do not belong together.
    #[error("key material: {0}")]
    KeyMaterial(String),
    /// The rate-limit database failed.
    #[error("node storage failed: {0}")]
    Storage(String),
    /// The chain failed.
    #[error("chain: {0}")]
    Chain(#[from] sigil_chain::Error),
}

/// Detail of an internal failure: logged by the node, answered as a generic fault.
#[derive(Debug, thiserror::Error)]
#[error("{context}: {detail}")]
pub struct InternalError {
    context: &'static str,
    detail: String,
}

impl InternalError {
    /// An internal failure in `context`; `detail` must hold no secret.
    pub fn new(context: &'static str, detail: impl std::fmt::Display) -> InternalError {
        InternalError {
            context,
            detail: detail.to_string(),
        }
    }
}

impl NodeError {
    /// An internal failure in `context`; `detail` must hold no secret.
    pub fn internal(context: &'static str, detail: impl std::fmt::Display) -> NodeError {
        NodeError::Internal(InternalError::new(context, detail))
    }

    /// A failed file or socket operation on `path`.
    pub fn io(
        context: &'static str,
        path: impl std::fmt::Debug,
        source: std::io::Error,
    ) -> NodeError {
        NodeError::Io {
            context,
            path: format!("{path:?}"),
            source,
        }
    }

    /// Whether this is the node's own failure (answered generically, detail logged) rather
    /// than a problem with the request.
    pub fn is_internal(&self) -> bool {
        matches!(
            self,
            NodeError::Internal(_)
                | NodeError::Config(_)
                | NodeError::Io { .. }
                | NodeError::KeyMaterial(_)
                | NodeError::Storage(_)
                | NodeError::Chain(_)
        )
    }

    /// Lit's `errorCode`; its kind, HTTP status and description come with it.
    pub fn code(&self) -> LitErrorCode {
        match self {
            NodeError::MalformedJson(_) => LitErrorCode::NodeParserError,
            NodeError::InvalidBody(_) => LitErrorCode::NodeBadInput,
            NodeError::UnsupportedContentType => LitErrorCode::NodeUnsupportedContentType,
            NodeError::BodyTooLarge { .. } => LitErrorCode::NodePayloadTooLarge,
            NodeError::RouteNotFound { .. } => LitErrorCode::NodeRouteNotFound,
            NodeError::MethodNotAllowed => LitErrorCode::NodeMethodNotAllowed,
            NodeError::MissingRequestId => LitErrorCode::MissingRequestId,
            NodeError::InvalidDataToEncryptHash => LitErrorCode::NodeInvalidDataToEncryptHash,
            NodeError::Conditions(error) => error.code(),
            NodeError::NotAuthorized { .. } => {
                LitErrorCode::NodeAccessControlConditionsReturnedNotAuthorized
            }
            NodeError::Auth(error) => error.code(),
            NodeError::RateLimitExceeded { .. } => LitErrorCode::RateLimitExceeded,
            NodeError::PeerMessageRefused(_) => LitErrorCode::NodePeerMessageRefused,
            NodeError::PkpNotAuthorized(_) => LitErrorCode::NodePKPNotAuthorized,
            NodeError::PkpTokenIdNotFound(_) => LitErrorCode::NodePKPTokenIdNotFound,
            NodeError::Action(sigil_actions::ActionError::Timeout { .. }) => {
                LitErrorCode::NodeJsTimeoutError
            }
            NodeError::Action(sigil_actions::ActionError::MemoryLimit { .. }) => {
                LitErrorCode::NodeJsMemoryLimitError
            }
            NodeError::Action(_) => LitErrorCode::NodeJsExecutionError,
            NodeError::AuthMethodsNotAccepted => {
                LitErrorCode::NodeCannotProvideAuthMethodForEndpoint
            }
            NodeError::AuthSigNotAccepted { .. } => {
                LitErrorCode::NodeCannotProvideAuthSigForEndpoint
            }
            NodeError::Refused { code, .. } => code.clone(),
            NodeError::InvalidIpfsId(_) => LitErrorCode::NodeInvalidIpfsId,
            NodeError::Overloaded(_) => LitErrorCode::NodeConcurrencyOverload,
            NodeError::PeerUnreachable { .. } | NodeError::ProtocolFailed(_) => {
                LitErrorCode::NodeSystemFault
            }
            NodeError::Internal(_)
            | NodeError::Config(_)
            | NodeError::Io { .. }
            | NodeError::KeyMaterial(_)
            | NodeError::Storage(_)
            | NodeError::Chain(_) => LitErrorCode::NodeSystemFault,
        }
    }

    /// The HTTP status of [`NodeError::code`].
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.code().status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// Lit's error body for this error, without the correlation id (the correlation
    /// middleware adds it). The message is the code's description, but for the rate limit,
    /// whose message says when to retry as Datil's does. `details` say what exactly went wrong,
    /// except for internal errors (logged, never sent) and the rate limit (Datil sends none).
    pub fn body(&self) -> LitErrorBody {
        let details = match self {
            _ if self.is_internal() => vec![],
            NodeError::RateLimitExceeded { .. } => vec![],
            NodeError::Auth(error) => error.details(),
            _ => vec![self.to_string()],
        };
        let mut body = LitErrorBody::new(self.code(), details);
        if let NodeError::RateLimitExceeded { .. } = self {
            body.message = self.to_string();
        }
        if let NodeError::Action(error) = self {
            body.logs = Some(error.logs().to_owned());
        }
        body
    }
}

/// Marks a response produced from an internal error so the logging middleware records it.
#[derive(Debug, Clone)]
pub(crate) struct InternalErrorLog(pub(crate) String);

impl IntoResponse for NodeError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = self.body();
        let mut response = (status, axum::Json(body.clone())).into_response();
        if self.is_internal() {
            response
                .extensions_mut()
                .insert(InternalErrorLog(self.to_string()));
        }
        response.extensions_mut().insert(body);
        response
    }
}
