//! The crate's one error type.

use crate::conditions::ActionFailure;
use sigil_wire::LitErrorCode;

/// Everything that can go wrong in `sigil-crypto`: parsing, limits and evaluation of access
/// control conditions, and the threshold BLS operations.
///
/// Variants carry typed detail; none ever contains key material. [`CryptoError::code`] gives the
/// Lit node `errorCode` a node should answer with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoError {
    // ---- access control conditions: input ----
    /// The request or document names none of the four condition kinds, or the list is empty.
    #[error("no access control conditions: expected one of accessControlConditions, evmContractConditions, solRpcConditions, unifiedAccessControlConditions with a non-empty array")]
    MissingConditions,
    /// More leaf conditions than Lit allows (groups are counted through, operators are not).
    #[error("too many conditions: {count}, the maximum is {max}")]
    TooManyConditions {
        /// Leaf conditions found (counting stops a little past the maximum).
        count: usize,
        /// The maximum, 30 as on Lit's nodes.
        max: usize,
    },
    /// Groups or JSON values nested deeper than allowed.
    #[error("conditions nested deeper than {max} levels")]
    NestingTooDeep {
        /// The maximum depth.
        max: usize,
    },
    /// The document is larger than allowed.
    #[error("conditions document too large: {len} bytes, the maximum is {max}")]
    InputTooLarge {
        /// Size of the input, in bytes (or JSON values for an already parsed document).
        len: usize,
        /// The maximum.
        max: usize,
    },
    /// The document is not valid JSON.
    #[error("conditions are not valid JSON: {0}")]
    Json(#[source] serde_json::Error),
    /// A condition, operator or group does not have the shape its kind requires.
    #[error("invalid condition at {path}: {reason}")]
    InvalidCondition {
        /// Where, as a JSON path such as `accessControlConditions[2].returnValueTest.value`.
        path: String,
        /// What is wrong.
        reason: &'static str,
    },

    // ---- access control conditions: evaluation ----
    /// Operators and conditions do not alternate (`cond (op cond)*`) in some group.
    #[error("invalid boolean expression: conditions and operators must alternate")]
    InvalidBooleanExpression,
    /// The condition needs a read this node cannot serve: a Solana or Cosmos chain, a contract
    /// type Lit's node does not know, or a service the node is not configured for (POAP
    /// without an API key). Never evaluated as `false`.
    #[error("unsupported condition: {kind}")]
    UnsupportedCondition {
        /// Which kind, e.g. `standardContractType ERC20` or `solRpc getBalance`.
        kind: String,
    },
    /// `returnValueTest.value` is not a decimal number where one is compared as a number.
    #[error("invalid returnValueTest value {value:?}: expected a decimal integer")]
    InvalidReturnValue {
        /// The value as written.
        value: String,
    },
    /// An address in a condition is not 20 bytes of hex.
    #[error("invalid address {value:?} in condition")]
    InvalidAddress {
        /// The text that should have been an address.
        value: String,
    },
    /// A resource of the granting SIWE message is not `scheme:name:value` (every one must be,
    /// for `:litParam:` lookups), or its value is not base64url text.
    #[error("invalid SIWE resource {resource:?}")]
    InvalidSiweResource {
        /// The resource.
        resource: String,
    },
    /// The condition names a chain the node has no RPC for.
    #[error("unknown {} chain {chain:?}: the node has no RPC URL for it (node config `chains`, or `sigil devnet --chain-rpc {chain}=URL`)", crate::conditions::ChainKind::of(chain).name())]
    UnknownChain {
        /// The chain's Lit name.
        chain: String,
    },
    /// A chain read failed: the RPC is down, timed out or the call reverted.
    #[error("reading chain {chain:?} failed: {reason}")]
    ChainReadFailed {
        /// The chain's Lit name.
        chain: String,
        /// What went wrong.
        reason: String,
        /// Whether the read was an `evmContractConditions` call (Lit answers those with
        /// `NodeBlockchainError`, the others with `NodeRpcError`).
        contract_call: bool,
    },
    /// A `LitAction` condition's action threw, timed out or ran out of memory.
    #[error("the condition's Lit Action failed: {reason}")]
    ConditionActionFailed {
        /// How it stopped.
        failure: ActionFailure,
        /// Its error.
        reason: String,
    },
    /// A condition refused with Lit's code for it: a Solana or Cosmos condition's own failures
    /// (an RPC method Lit does not call, a missing wallet of the chain's family, a REST answer
    /// that is not JSON, ...), and an EVM condition without an Ethereum wallet.
    #[error("{reason}")]
    Refused {
        /// Lit's code.
        code: LitErrorCode,
        /// What is wrong.
        reason: String,
    },
    /// The POAP API's answer is not a list of POAPs.
    #[error("the POAP API's answer is not a list of POAPs: {reason}")]
    PoapAnswer {
        /// What is wrong with it.
        reason: String,
    },
    /// `functionParams` and the ABI's inputs differ in number.
    #[error("{params} functionParams for a function of {inputs} inputs")]
    MismatchParameters {
        /// Parameters given.
        params: usize,
        /// Inputs the ABI declares.
        inputs: usize,
    },
    /// A parameter does not parse as its ABI type, or the ABI names an unknown type.
    #[error("parameter {index} ({value:?}) is not a {kind}")]
    ConditionTokenizing {
        /// The parameter's position.
        index: usize,
        /// The parameter after substitution.
        value: String,
        /// Its ABI type.
        kind: String,
    },
    /// The call's output does not decode as the ABI says.
    #[error("the output does not decode as the ABI's outputs: {reason}")]
    TokenEncodingDecoding {
        /// Why.
        reason: String,
    },
    /// The selected output's type cannot be compared (int, bytes, arrays, tuples), or no output
    /// has the `key`.
    #[error("output {key:?} cannot be compared: {reason}")]
    InvalidConditionTokenType {
        /// The `returnValueTest.key`.
        key: String,
        /// Why.
        reason: String,
    },

    // ---- BLS ----
    /// A PKP key that cannot be derived: no root keys, a root key off the curve, or (with
    /// negligible probability) a derived key that is the identity.
    #[error("HD key derivation failed: {reason}")]
    InvalidHdDerivation {
        /// What was wrong.
        reason: &'static str,
    },
    /// ECDSA signature shares that do not combine into a signature valid under the key.
    #[error("ECDSA shares do not combine: {reason}")]
    InvalidEcdsaShares {
        /// What was wrong.
        reason: &'static str,
    },
    /// A network public key that is not 96 hex characters of a valid compressed G1 point.
    #[error("invalid network public key")]
    InvalidPublicKey,
    /// A public key share that is not 1 id byte and a valid compressed G1 point.
    #[error("invalid public key share")]
    InvalidPublicKeyShare,
    /// A secret key or key share that does not decode (length, id 0, scalar out of range, zero).
    #[error("invalid secret key share")]
    InvalidKeyShare,
    /// A signature share that does not decode (length, hex, id 0, not a G2 point, wrong scheme).
    #[error("invalid signature share")]
    InvalidSignatureShare,
    /// A combined signature that does not decode (length, hex, not a G2 point).
    #[error("invalid signature encoding")]
    InvalidSignature,
    /// The signature does not verify for this identity under this public key.
    #[error("signature does not verify for this identity")]
    VerificationFailed,
    /// Fewer signature shares than needed.
    #[error("not enough signature shares: got {got}, need {need}")]
    NotEnoughShares {
        /// Shares given.
        got: usize,
        /// Shares needed.
        need: usize,
    },
    /// Two shares carry the same share id.
    #[error("duplicate signature share id {id}")]
    DuplicateShareId {
        /// The repeated id.
        id: u8,
    },
    /// A threshold/total pair that cannot be dealt (needs 2 <= t <= n <= 255).
    #[error("invalid threshold {threshold} of {total}: need 2 <= threshold <= total <= 255")]
    InvalidThreshold {
        /// Shares needed.
        threshold: usize,
        /// Shares made.
        total: usize,
    },
    /// Ciphertext bytes that are not a `TimeCryptCiphertext` as the JS SDK makes them.
    #[error("malformed ciphertext")]
    MalformedCiphertext,
    /// Ciphertext that is not valid standard base64.
    #[error("ciphertext is not valid base64")]
    InvalidBase64,
    /// The plaintext is larger than this crate encrypts.
    #[error("plaintext too large: {len} bytes, the maximum is {max}")]
    PlaintextTooLarge {
        /// Plaintext size.
        len: usize,
        /// The maximum.
        max: usize,
    },
    /// Decryption failed: the signature is not the key for this ciphertext (another identity or
    /// another network key) or the ciphertext was altered.
    #[error("decryption failed: wrong key or identity, or altered ciphertext")]
    DecryptionFailed,
    /// A key share file that does not parse or whose parts disagree.
    #[error("invalid key share file: {reason}")]
    InvalidKeyShareFile {
        /// What is wrong.
        reason: &'static str,
    },
    /// blsful refused an operation on inputs this crate had already checked.
    #[error("BLS operation failed: {operation}")]
    Bls {
        /// Which operation.
        operation: &'static str,
    },
}

impl CryptoError {
    /// The Lit node `errorCode` for this error (its kind and status are the code's).
    ///
    /// BLS and HD-derivation failures (which a node only meets on its own keys) map to
    /// `NodeEncryptionError`.
    pub fn code(&self) -> LitErrorCode {
        match self {
            CryptoError::MissingConditions => LitErrorCode::NodeMissingAccessControlConditions,
            CryptoError::TooManyConditions { .. } => LitErrorCode::NodeTooManyConditions,
            CryptoError::NestingTooDeep { .. }
            | CryptoError::InputTooLarge { .. }
            | CryptoError::Json(_)
            | CryptoError::InvalidCondition { .. } => LitErrorCode::NodeParserError,
            CryptoError::InvalidBooleanExpression => LitErrorCode::NodeInvalidBooleanConditionType,
            CryptoError::UnsupportedCondition { .. } => {
                LitErrorCode::NodeAccessControlConditionsCheckFailed
            }
            CryptoError::InvalidReturnValue { .. } => LitErrorCode::NodeInvalidAccReturnValueTest,
            CryptoError::InvalidAddress { .. } => LitErrorCode::NodeConditionAddressConversionError,
            CryptoError::UnknownChain { .. } => LitErrorCode::NodeBlockchainChainUnknown,
            CryptoError::InvalidSiweResource { .. } => LitErrorCode::NodeInvalidSiweResource,
            CryptoError::ChainReadFailed {
                contract_call: true,
                ..
            } => LitErrorCode::NodeBlockchainError,
            CryptoError::ChainReadFailed { .. } => LitErrorCode::NodeRpcError,
            CryptoError::ConditionActionFailed { failure, .. } => match failure {
                ActionFailure::Execution => LitErrorCode::NodeJsExecutionError,
                ActionFailure::Timeout => LitErrorCode::NodeJsTimeoutError,
                ActionFailure::MemoryLimit => LitErrorCode::NodeJsMemoryLimitError,
            },
            CryptoError::PoapAnswer { .. } => LitErrorCode::NodePoapJsonError,
            CryptoError::Refused { code, .. } => code.clone(),
            CryptoError::MismatchParameters { .. } => LitErrorCode::NodeMismatchParameters,
            CryptoError::ConditionTokenizing { .. } => LitErrorCode::NodeConditionTokenizingError,
            CryptoError::TokenEncodingDecoding { .. } => {
                LitErrorCode::NodeTokenEncodingDecodingError
            }
            CryptoError::InvalidConditionTokenType { .. } => {
                LitErrorCode::NodeInvalidConditionTokenType
            }
            CryptoError::InvalidPublicKey
            | CryptoError::InvalidPublicKeyShare
            | CryptoError::InvalidKeyShare
            | CryptoError::InvalidSignatureShare
            | CryptoError::InvalidSignature
            | CryptoError::VerificationFailed
            | CryptoError::NotEnoughShares { .. }
            | CryptoError::DuplicateShareId { .. }
            | CryptoError::InvalidThreshold { .. }
            | CryptoError::MalformedCiphertext
            | CryptoError::InvalidBase64
            | CryptoError::PlaintextTooLarge { .. }
            | CryptoError::DecryptionFailed
            | CryptoError::InvalidKeyShareFile { .. }
            | CryptoError::Bls { .. }
            | CryptoError::InvalidHdDerivation { .. }
            | CryptoError::InvalidEcdsaShares { .. } => LitErrorCode::NodeEncryptionError,
        }
    }
}

/// The error of condition parsing and evaluation: the crate's one error type under the name the
/// node code uses.
pub type ConditionError = CryptoError;
