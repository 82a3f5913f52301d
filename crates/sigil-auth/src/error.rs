//! The crate's one error type, and the single place each failure gets its Lit `errorCode`
//! (whose kind, HTTP status and description are `sigil_wire::LitErrorCode`'s).

use sigil_wire::LitErrorCode;
use time::OffsetDateTime;

/// Every way building, parsing or verifying Lit auth material can fail.
///
/// The verification variants follow the checks of a Lit node in order (see
/// [`verify_session_sig`](crate::verify_session_sig)); [`AuthError::code`] gives what a Lit node
/// would answer. Messages never contain secrets.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    // ---- building and parsing ----
    /// A resource key or id is not valid.
    #[error("invalid resource {resource:?}: {reason}")]
    InvalidResource {
        /// The offending input (truncated).
        resource: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Not one of the five Lit abilities.
    #[error("unknown ability {ability:?}")]
    UnknownAbility {
        /// The offending input (truncated).
        ability: String,
    },
    /// The resource kind does not accept this ability (e.g. `pkp-signing` on an ACC resource).
    #[error("a {prefix} resource does not accept the ability {ability}")]
    AbilityNotAccepted {
        /// The resource kind, e.g. `lit-accesscontrolcondition`.
        prefix: &'static str,
        /// The ability asked for, e.g. `pkp-signing`.
        ability: &'static str,
    },
    /// A parameter for a SIWE message is not valid (nonce, domain, statement, uri...).
    #[error("invalid SIWE {field}: {reason}")]
    InvalidSiweParams {
        /// The parameter.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A text is not an EIP-4361 message.
    #[error("not a SIWE message: {reason}")]
    SiweParse {
        /// The parser's complaint.
        reason: String,
    },
    /// A `urn:recap:` resource does not decode.
    #[error("invalid ReCap: {0}")]
    Recap(#[from] RecapError),
    /// An EIP-191 signature is not `0x` + 130 hex characters (r, s, v).
    #[error("malformed EIP-191 signature: {reason}")]
    SignatureEncoding {
        /// What is wrong with it.
        reason: String,
    },
    /// An EIP-191 signature was not made by the expected address.
    #[error("signature is by {recovered}, expected {expected}")]
    SignerMismatch {
        /// The address that should have signed (EIP-55).
        expected: String,
        /// The address recovered from the signature (EIP-55), or a reason it could not be recovered.
        recovered: String,
    },
    /// The wallet signer failed to sign.
    #[error("the signer failed: {reason}")]
    Signing {
        /// The signer's complaint.
        reason: String,
    },
    /// A session key in JS hex form is malformed.
    #[error("invalid session key: {reason}")]
    InvalidSessionKey {
        /// What is wrong with it (never the key).
        reason: &'static str,
    },
    /// Some other input is not usable.
    #[error("invalid {what}: {reason}")]
    InvalidInput {
        /// Which input.
        what: &'static str,
        /// What is wrong with it.
        reason: String,
    },

    // ---- a bare wallet AuthSig ----
    /// A bare AuthSig's `sig` is not a signature.
    #[error("{reason}")]
    WalletSigEncoding {
        /// Why.
        reason: String,
    },
    /// A bare AuthSig's `address` is not 20 bytes of hex.
    #[error("the AuthSig's address {address:?} is not an Ethereum address")]
    WalletAddressEncoding {
        /// The address given (truncated).
        address: String,
    },
    /// A Solana AuthSig's `sig` is not 64 bytes of hex.
    #[error("{reason}")]
    Ed25519SigEncoding {
        /// Why.
        reason: String,
    },
    /// A bare wallet AuthSig does not check out.
    #[error("{reason}")]
    InvalidWalletSig {
        /// Lit's words for the check that failed.
        reason: String,
    },

    // ---- node-side verification, in the order a Lit node checks ----
    /// The session sig is not one (`derivedVia` is not `litSessionSignViaNacl` with `algo` `ed25519`).
    #[error("not a session sig (derivedVia {derived_via:?}, algo {algo:?})")]
    NotASessionSig {
        /// The `derivedVia` found (truncated).
        derived_via: String,
        /// The `algo` found (truncated).
        algo: Option<String>,
    },
    /// The session sig's `address` is not 32 bytes of hex.
    #[error("session sig address is not a 32-byte hex ed25519 key: {reason}")]
    SessionKeyEncoding {
        /// What is wrong with it.
        reason: String,
    },
    /// The session sig's `address` is 32 bytes but not an ed25519 public key.
    #[error("session sig address is not a valid ed25519 public key")]
    SessionKeyNotOnCurve,
    /// The session sig's `sig` is not 128 hex characters of one case.
    #[error("session sig signature is not 128 hex characters")]
    SessionSigEncoding,
    /// The ed25519 signature over `signedMessage` does not verify (strictly) under `address`.
    #[error("Session key signature is not valid")]
    SessionSigInvalid,
    /// `signedMessage` is not the JSON session template.
    #[error("session sig signedMessage is not a session key signed message: {reason}")]
    SignedMessageMalformed {
        /// The parser's complaint.
        reason: String,
    },
    /// The requested resource is not among the template's `resourceAbilityRequests`.
    #[error("Could not find requested resource {resource} in the resourceAbilityRequests")]
    ResourceNotRequested {
        /// The requested resource key.
        resource: String,
    },
    /// `issuedAt` or `expiration` of the template is not RFC 3339.
    #[error("Could not parse {field} of session key signed message")]
    TimestampUnparsable {
        /// `issued_at` or `expiration`.
        field: &'static str,
    },
    /// `issuedAt` is more than the 60 s grace period in the future.
    #[error("Session key issued_at {issued_at} is in the future beyond the grace period of 60 seconds (now is {now})")]
    IssuedInFuture {
        /// The template's `issuedAt`.
        issued_at: OffsetDateTime,
        /// The verifier's clock.
        now: OffsetDateTime,
    },
    /// `expiration` is before `issuedAt`.
    #[error("Session key expiration {expiration} is before issued_at {issued_at}")]
    ExpirationBeforeIssuedAt {
        /// The template's `issuedAt`.
        issued_at: OffsetDateTime,
        /// The template's `expiration`.
        expiration: OffsetDateTime,
    },
    /// `expiration` is more than the 60 s grace period in the past.
    #[error("Session key expiration {expiration} is in the past beyond the grace period of 60 seconds (now is {now})")]
    Expired {
        /// The template's `expiration`.
        expiration: OffsetDateTime,
        /// The verifier's clock.
        now: OffsetDateTime,
    },
    /// `expiration` is more than 30 days after `issuedAt`.
    #[error("Session key expiration {expiration} is beyond the max expiry of 30 days after issued_at {issued_at}")]
    ValidityTooLong {
        /// The template's `issuedAt`.
        issued_at: OffsetDateTime,
        /// The template's `expiration`.
        expiration: OffsetDateTime,
    },
    /// The session sig was signed for another node.
    #[error("Session key node_address {signed_for} does not match our node address {this_node}")]
    WrongNode {
        /// The template's `nodeAddress` (truncated).
        signed_for: String,
        /// This node's `host:port`.
        this_node: String,
    },
    /// The template's `capabilities` is empty.
    #[error("Resource id not found in auth_sig capabilities: empty capabilities array")]
    NoCapabilities,
    /// More capabilities than [`MAX_CAPABILITIES`](crate::MAX_CAPABILITIES) (a Sigil limit).
    #[error("{count} capabilities in the session, at most {max} are accepted")]
    TooManyCapabilities {
        /// Capabilities in the template.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// No capability authorises the session key for the requested resource and ability.
    #[error("Resource id not found in auth_sig capabilities: could not find valid capability")]
    NoValidCapability {
        /// Why each capability was turned down, in capability order.
        rejections: Vec<CapabilityRejection>,
    },

    // ---- PKP sessions ----
    /// A SIWE message's times are not acceptable for a session the network signs.
    #[error("{reason}")]
    SiweTimes {
        /// Which rule it breaks.
        reason: String,
    },
    /// The user's SIWE message for a PKP session has no `urn:recap:` resource last.
    #[error("Unable to convert SIWE into Capability object: its last resource is not a urn:recap: ReCap")]
    MissingRecap,
    /// The user's SIWE message names the resource only the network writes.
    #[error("Can't define Auth Context resources in capability")]
    ReservedAuthContextResource,
}

/// Why one capability (a wallet-signed SIWE inside the session template) does not authorise
/// the session, in the order a Lit node checks.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CapabilityRejection {
    /// `signedMessage` is not a SIWE message.
    #[error("Error parsing SIWE message on capability sig: {reason}")]
    SiweUnparsable {
        /// The parser's complaint.
        reason: String,
    },
    /// Neither a wallet (EIP-191) signature nor a network (`lit.bls`) signature.
    #[error("auth sig derived via {derived_via:?} is not supported inside a session; only wallet and lit.bls sigs are")]
    UnsupportedAuthMaterial {
        /// The `derivedVia` found (truncated).
        derived_via: String,
    },
    /// `sig` is not hex.
    #[error("capability signature is not hex")]
    SignatureEncoding,
    /// The SIWE is not valid at this time (`notBefore` not passed, or `expirationTime` passed).
    #[error(
        "Wallet signature of session key via SIWE is not valid: message is not currently valid"
    )]
    OutsideValidity {
        /// The SIWE `Not Before`, if any.
        not_before: Option<OffsetDateTime>,
        /// The SIWE `Expiration Time`, if any.
        expiration: Option<OffsetDateTime>,
    },
    /// `sig` is not 65 bytes.
    #[error("Wallet signature of session key via SIWE is not valid: signature is {length} bytes, not 65")]
    SignatureLength {
        /// The decoded length.
        length: usize,
    },
    /// The EIP-191 signature does not recover to the SIWE address.
    #[error("Wallet signature of session key via SIWE is not valid: recovered key does not match address")]
    WrongSigner,
    /// A network (`lit.bls`) capability, and the verifier was given no network key.
    #[error("a lit.bls capability needs the network's BLS public key, which this node does not have yet")]
    NoNetworkKey,
    /// A network (`lit.bls`) capability whose signature does not verify under the network's key
    /// (another network signed it, or the message or signature was changed).
    #[error("Error verifying BLS signature of the session's SIWE message: it is not this network's signature")]
    WrongNetworkSignature,
    /// The capability's `address` field is not the SIWE address (Sigil refuses this; a Lit node
    /// would take the `address` field as the user).
    #[error("capability address {claimed} is not the SIWE address {signed}")]
    AddressMismatch {
        /// The `address` field (truncated).
        claimed: String,
        /// The SIWE address (EIP-55).
        signed: String,
    },
    /// The SIWE `uri` is not `lit:session:<this session key>`.
    #[error("The session pubkey in the auth sig is not signed in the wallet-signed SIWE message (uri {found})")]
    WrongUri {
        /// The SIWE `uri` (truncated).
        found: String,
    },
    /// The SIWE statement does not end with the statement its ReCap generates.
    #[error("Incorrect statement for capability object: expected it to end with '{expected}'")]
    StatementMismatch {
        /// The statement the ReCap generates.
        expected: String,
    },
    /// No `urn:recap:` resource decodes.
    #[error("No capability object found in the SIWE resources")]
    NoRecap,
    /// No ReCap has an attenuation for the resource (neither `<prefix>://*` nor the exact key).
    #[error("No capability object found for this resource {resource}")]
    RecapMissingResource {
        /// The requested resource key.
        resource: String,
    },
    /// The ReCap names the resource but not the ability (nor `*/*`).
    #[error(
        "No attenuations found in capability object for resource {resource} and ability {ability}"
    )]
    RecapMissingAbility {
        /// The requested resource key.
        resource: String,
        /// The ReCap ability that was needed, e.g. `Threshold/Decryption`.
        ability: String,
    },
}

/// Why a `urn:recap:` string does not decode (ERC-5573 as the `siwe-recap` JS package checks it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecapError {
    /// It does not start with `urn:recap:`.
    #[error("missing urn:recap: prefix")]
    MissingPrefix,
    /// The payload is not base64url without padding.
    #[error("payload is not base64url without padding")]
    Base64,
    /// The payload is not JSON of the ReCap shape.
    #[error("payload is not a ReCap JSON object: {0}")]
    Json(String),
    /// An object in the attenuations is not in sorted key order (or repeats a key).
    #[error("attenuation object is not properly sorted")]
    Unsorted,
    /// An ability key is not `namespace/name` of `[a-zA-Z0-9.*_+-]`.
    #[error("invalid ability string {0:?}")]
    InvalidAbility(String),
    /// A nota-bene list is not a list of objects.
    #[error("invalid nota-bene list for {0:?}")]
    InvalidNotaBene(String),
    /// The payload is larger than accepted.
    #[error("ReCap is larger than {0} bytes")]
    TooLarge(usize),
}

impl AuthError {
    /// The Lit node `errorCode` for this failure, e.g. `NodeInvalidAuthSigSessionKeySignature`.
    pub fn code(&self) -> LitErrorCode {
        match self {
            AuthError::InvalidResource { .. }
            | AuthError::UnknownAbility { .. }
            | AuthError::AbilityNotAccepted { .. } => LitErrorCode::NodeInvalidSiweResource,
            AuthError::InvalidSiweParams { .. } | AuthError::SiweParse { .. } => {
                LitErrorCode::NodeSiweMessageError
            }
            AuthError::Recap(_) | AuthError::TooManyCapabilities { .. } => {
                LitErrorCode::NodeSiweCapabilityInvalid
            }
            AuthError::SignatureEncoding { .. } => LitErrorCode::NodeSiweSigConversionError,
            AuthError::SignerMismatch { .. } => LitErrorCode::NodeSiweMessageError,
            AuthError::Signing { .. } => LitErrorCode::NodeSystemFault,
            AuthError::InvalidSessionKey { .. } => {
                LitErrorCode::NodeAuthSigSessionKeyConversionError
            }
            AuthError::InvalidInput { .. } => LitErrorCode::NodeParserError,
            AuthError::NotASessionSig { .. } => LitErrorCode::NodeInvalidAuthSig,
            AuthError::SessionKeyEncoding { .. } => LitErrorCode::NodeAuthSigAddressConversionError,
            AuthError::SessionKeyNotOnCurve => LitErrorCode::NodeAuthSigSessionKeyConversionError,
            AuthError::SessionSigEncoding => LitErrorCode::NodeAuthSigSignatureConversionError,
            AuthError::SessionSigInvalid => LitErrorCode::NodeInvalidAuthSigSessionKeySignature,
            AuthError::SignedMessageMalformed { .. } => {
                LitErrorCode::NodeAuthSigSignedMessageConversionError
            }
            AuthError::ResourceNotRequested { .. } => LitErrorCode::NodeResourceIdNotFound,
            AuthError::TimestampUnparsable { .. } => LitErrorCode::NodeParserError,
            AuthError::IssuedInFuture { .. } => LitErrorCode::NodeIatOutsideGracePeriod,
            AuthError::ExpirationBeforeIssuedAt { .. } | AuthError::Expired { .. } => {
                LitErrorCode::NodeExpWrongOrTooLarge
            }
            AuthError::ValidityTooLong { .. } => LitErrorCode::NodeSiweMessageError,
            AuthError::WrongNode { .. } => LitErrorCode::NodeNotAuthorized,
            // A Lit node wraps every capability failure (the empty array included) in this code.
            AuthError::NoCapabilities | AuthError::NoValidCapability { .. } => {
                LitErrorCode::NodeResourceIdNotFound
            }
            AuthError::SiweTimes { .. } => LitErrorCode::NodeSiweMessageError,
            AuthError::MissingRecap => LitErrorCode::NodeSiweCapabilityInvalid,
            AuthError::ReservedAuthContextResource => LitErrorCode::NodeInvalidAuthContextResource,
            AuthError::WalletSigEncoding { .. } => {
                LitErrorCode::NodeAuthSigSignatureConversionError
            }
            AuthError::WalletAddressEncoding { .. } => {
                LitErrorCode::NodeAuthSigAddressConversionError
            }
            AuthError::InvalidWalletSig { .. } => LitErrorCode::NodeInvalidAuthSig,
            AuthError::Ed25519SigEncoding { .. } => LitErrorCode::NodeInvalidEd25519AuthSig,
        }
    }

    /// Lit's `details`: this error's message, then for a capability failure why each
    /// capability was turned down (innermost last, as Lit lists them).
    pub fn details(&self) -> Vec<String> {
        let mut details = vec![self.to_string()];
        if let AuthError::NoValidCapability { rejections } = self {
            details.extend(rejections.iter().enumerate().map(|(index, rejection)| {
                format!("capability {index}: {} ({})", rejection, rejection.code())
            }));
        }
        details
    }
}

impl CapabilityRejection {
    /// The Lit `errorCode` the node raises for this check before wrapping it in
    /// `NodeResourceIdNotFound`.
    pub fn code(&self) -> LitErrorCode {
        match self {
            CapabilityRejection::SiweUnparsable { .. }
            | CapabilityRejection::StatementMismatch { .. }
            | CapabilityRejection::NoRecap
            | CapabilityRejection::RecapMissingResource { .. }
            | CapabilityRejection::RecapMissingAbility { .. } => {
                LitErrorCode::NodeSiweCapabilityInvalid
            }
            CapabilityRejection::SignatureEncoding => LitErrorCode::NodeSiweSigConversionError,
            CapabilityRejection::UnsupportedAuthMaterial { .. }
            | CapabilityRejection::OutsideValidity { .. }
            | CapabilityRejection::SignatureLength { .. }
            | CapabilityRejection::WrongSigner
            | CapabilityRejection::NoNetworkKey
            | CapabilityRejection::WrongNetworkSignature
            | CapabilityRejection::AddressMismatch { .. }
            | CapabilityRejection::WrongUri { .. } => LitErrorCode::NodeSiweMessageError,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verification_codes_match_the_lit_node() {
        let cases: Vec<(AuthError, &str, &str, u16)> = vec![
            (
                AuthError::SessionSigInvalid,
                "NodeInvalidAuthSigSessionKeySignature",
                "Validation",
                400,
            ),
            (
                AuthError::SessionSigEncoding,
                "NodeAuthSigSignatureConversionError",
                "Validation",
                400,
            ),
            (
                AuthError::SessionKeyEncoding {
                    reason: String::new(),
                },
                "NodeAuthSigAddressConversionError",
                "Validation",
                400,
            ),
            (
                AuthError::SessionKeyNotOnCurve,
                "NodeAuthSigSessionKeyConversionError",
                "Validation",
                400,
            ),
            (
                AuthError::SignedMessageMalformed {
                    reason: String::new(),
                },
                "NodeAuthSigSignedMessageConversionError",
                "Validation",
                400,
            ),
            (
                AuthError::ResourceNotRequested {
                    resource: String::new(),
                },
                "NodeResourceIdNotFound",
                "Validation",
                404,
            ),
            (
                AuthError::TimestampUnparsable { field: "issued_at" },
                "NodeParserError",
                "Parser",
                400,
            ),
            (
                AuthError::IssuedInFuture {
                    issued_at: OffsetDateTime::UNIX_EPOCH,
                    now: OffsetDateTime::UNIX_EPOCH,
                },
                "NodeIatOutsideGracePeriod",
                "Validation",
                403,
            ),
            (
                AuthError::Expired {
                    expiration: OffsetDateTime::UNIX_EPOCH,
                    now: OffsetDateTime::UNIX_EPOCH,
                },
                "NodeExpWrongOrTooLarge",
                "Validation",
                403,
            ),
            (
                AuthError::ValidityTooLong {
                    issued_at: OffsetDateTime::UNIX_EPOCH,
                    expiration: OffsetDateTime::UNIX_EPOCH,
                },
                "NodeSIWEMessageError",
                "Parser",
                400,
            ),
            (
                AuthError::WrongNode {
                    signed_for: String::new(),
                    this_node: String::new(),
                },
                "NodeNotAuthorized",
                "Validation",
                403,
            ),
            (
                AuthError::NoCapabilities,
                "NodeResourceIdNotFound",
                "Validation",
                404,
            ),
            (
                AuthError::NoValidCapability { rejections: vec![] },
                "NodeResourceIdNotFound",
                "Validation",
                404,
            ),
        ];
        for (error, code, kind, status) in cases {
            let lit = error.code();
            assert_eq!(
                (lit.as_str(), lit.kind(), lit.status()),
                (code, kind, status),
                "{error:?}"
            );
        }
    }

    #[test]
    fn capability_failure_details_name_each_rejection() {
        let error = AuthError::NoValidCapability {
            rejections: vec![CapabilityRejection::WrongUri {
                found: "lit:capability:delegation".into(),
            }],
        };
        let details = error.details();
        assert_eq!(details.len(), 2);
        assert!(
            details[1].contains("lit:capability:delegation")
                && details[1].contains("NodeSIWEMessageError")
        );
    }
}
