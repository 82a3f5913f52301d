//! The node's one error type and the single place it becomes Lit's JSON error body.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sigil_auth::AuthError;
use sigil_crypto::ConditionError;

/// Every way a node request can fail.
///
/// Each variant maps to one Lit `errorCode`, `errorKind` and HTTP status in
/// [`NodeError::code`], [`NodeError::kind`] and [`NodeError::status`]; [`IntoResponse`] writes
/// Lit's body `{errorKind, errorCode, status, message, correlationId, details}`.
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
    /// The chain (devchain or RPC) failed.
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

    /// Lit's `errorCode`.
    pub fn code(&self) -> &'static str {
        match self {
            NodeError::MalformedJson(_) => "NodeParserError",
            NodeError::InvalidBody(_) => "NodeBadInput",
            NodeError::UnsupportedContentType => "NodeUnsupportedContentType",
            NodeError::BodyTooLarge { .. } => "NodePayloadTooLarge",
            NodeError::RouteNotFound { .. } => "NodeRouteNotFound",
            NodeError::MethodNotAllowed => "NodeMethodNotAllowed",
            NodeError::MissingRequestId => "CoreApiMissingRequiredXRequestIdHeader",
            NodeError::InvalidDataToEncryptHash => "NodeInvalidDataToEncryptHash",
            NodeError::Conditions(error) => error.code(),
            NodeError::NotAuthorized { .. } => "NodeAccessControlConditionsReturnedNotAuthorized",
            NodeError::Auth(error) => error.code(),
            NodeError::RateLimitExceeded { .. } => "rate_limit_exceeded",
            NodeError::Internal(_)
            | NodeError::Config(_)
            | NodeError::Io { .. }
            | NodeError::KeyMaterial(_)
            | NodeError::Storage(_)
            | NodeError::Chain(_) => "NodeSystemFault",
        }
    }

    /// Lit's `errorKind`.
    pub fn kind(&self) -> &'static str {
        match self {
            NodeError::MalformedJson(_) => "Parser",
            // Lit files NodeBadInput under "Blockchain"; kept so clients matching on it agree.
            NodeError::InvalidBody(_) => "Blockchain",
            NodeError::Conditions(error) => match error.code() {
                "NodeParserError" => "Parser",
                "NodeEncryptionError" => "Unexpected",
                _ => "Validation",
            },
            NodeError::Auth(error) => error.kind(),
            NodeError::RateLimitExceeded { .. } => "RateLimit",
            NodeError::Internal(_)
            | NodeError::Config(_)
            | NodeError::Io { .. }
            | NodeError::KeyMaterial(_)
            | NodeError::Storage(_)
            | NodeError::Chain(_) => "Unexpected",
            NodeError::UnsupportedContentType
            | NodeError::BodyTooLarge { .. }
            | NodeError::RouteNotFound { .. }
            | NodeError::MethodNotAllowed
            | NodeError::MissingRequestId
            | NodeError::InvalidDataToEncryptHash
            | NodeError::NotAuthorized { .. } => "Validation",
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            NodeError::MalformedJson(_) | NodeError::InvalidDataToEncryptHash => {
                StatusCode::BAD_REQUEST
            }
            NodeError::InvalidBody(_) => StatusCode::UNPROCESSABLE_ENTITY,
            NodeError::Conditions(error) => {
                StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }
            NodeError::UnsupportedContentType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            NodeError::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            NodeError::RouteNotFound { .. } => StatusCode::NOT_FOUND,
            NodeError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            NodeError::MissingRequestId => StatusCode::IM_A_TEAPOT,
            NodeError::NotAuthorized { .. } => StatusCode::UNAUTHORIZED,
            NodeError::Auth(error) => {
                StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }
            NodeError::RateLimitExceeded { .. } => StatusCode::PAYMENT_REQUIRED,
            NodeError::Internal(_)
            | NodeError::Config(_)
            | NodeError::Io { .. }
            | NodeError::KeyMaterial(_)
            | NodeError::Storage(_)
            | NodeError::Chain(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Lit's `message`: the description of the code, as Lit's nodes word it.
    fn message(&self) -> String {
        match self {
            NodeError::RateLimitExceeded { .. } => self.to_string(),
            _ if self.is_internal() => "A general system fault has occurred in the node".into(),
            _ => lit_description(self.code())
                .map(str::to_owned)
                .unwrap_or_else(|| self.to_string()),
        }
    }

    /// Lit's `details`: what exactly went wrong (never for internal errors).
    fn details(&self) -> Vec<String> {
        match self {
            _ if self.is_internal() => vec![],
            NodeError::RateLimitExceeded { .. } => vec![],
            NodeError::Auth(error) => error.details(),
            _ => vec![self.to_string()],
        }
    }
}

/// Lit's wording (the doc comments of its `EC` codes) for the codes this node answers with.
fn lit_description(code: &str) -> Option<&'static str> {
    Some(match code {
        "NodeParserError" => "Unable to parse session key signed message",
        "NodeBadInput" => {
            "This usually means your JSON body is wrong. Please check that you have sent over every required JSON parameter and that the types are correct according to the docs here https://lit-protocol.github.io/lit-js-sdk/api_docs_html/index.html#litnodeclient"
        }
        "NodeMissingAccessControlConditions" => {
            "Must pass either access_control_conditions or evm_contract_conditions or sol_rpc_conditions"
        }
        "NodeTooManyConditions" => "Too many conditions have been provided",
        "NodeAccessControlConditionsCheckFailed" => {
            "Lit nodes failed to check the condition possibly due to RPC servers being down or because the condition is making an incorrect smart contract call that reverts"
        }
        "NodeAccessControlConditionsReturnedNotAuthorized" => {
            "The access control condition check returned that you are not permitted to access this content.  Are you sure you meet the conditions?  Check the auth_sig and the other conditions"
        }
        "NodeInvalidAuthSig" => "auth_sig passed is invalid or couldn't be verified",
        "NodeNotAuthorized" => "User isn't authorized to access to decrypt or receive a JWT for this item",
        "NodeResourceIdNotFound" => "Could not find the passed resource ID",
        "NodeExpWrongOrTooLarge" => "While signing JWT, EXP too large or wrong",
        "NodeIatOutsideGracePeriod" => "While signing JWT, IAT outside grace period",
        "NodeSIWECapabilityInvalid" => "Invalid Capability object in SIWE resource ReCap",
        "NodeSIWEMessageError" => "Error parsing SIWE message",
        "NodeInvalidAuthSigSessionKeySignature" => "auth_sig Session key signature is not valid",
        "NodeAuthSigSignedMessageConversionError" => {
            "auth_sig signedMessage couldn't be converted to SessionKeySignedMessage"
        }
        "NodeAuthSigAddressConversionError" => "auth_sig address couldn't be converted to Ethereum address",
        "NodeAuthSigSignatureConversionError" => "auth_sig sig couldn't be converted to Signature object",
        "NodeInvalidED25519AuthSig" => "Invalid ed25519 auth_sig",
        "NodeAuthSigNotSupported" => "auth_sig passed is not supported",
        "NodeContractAuthsigUnauthorized" => "Access control failed for Smart contract",
        "NodeSystemFault" => "A general system fault has occurred in the node",
        "NodeInvalidUnifiedConditionType" => "Invalid conditionType is Unified ACC",
        "NodeInvalidBooleanConditionType" => "Invalid boolean conditionType",
        "NodeInvalidACCReturnValueTest" => "Invalid Access Control Condition returnValueTest",
        "NodeConditionAddressConversionError" => "condition address couldn't be converted to Ethereum address",
        "NodeEncryptionError" => "The node could not perform an encryption / decryption operation.",
        _ => return None,
    })
}

/// Lit's error body. `correlationId` is filled in by the correlation middleware, which alone
/// knows the request's id; `details` is left out when empty, as Lit does.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ErrorBody {
    pub(crate) error_kind: &'static str,
    pub(crate) error_code: &'static str,
    pub(crate) status: u16,
    pub(crate) message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) correlation_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) details: Vec<String>,
}

/// Marks a response produced from an internal error so the logging middleware records it.
#[derive(Debug, Clone)]
pub(crate) struct InternalErrorLog(pub(crate) String);

impl IntoResponse for NodeError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = ErrorBody {
            error_kind: self.kind(),
            error_code: self.code(),
            status: status.as_u16(),
            message: self.message(),
            correlation_id: None,
            details: self.details(),
        };
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
