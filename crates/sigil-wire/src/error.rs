use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// A Lit `errorCode`: every code of Lit's Datil node that Sigil produces, the two Lit answers
/// outside the node's own table (the missing request id of its HTTP core, Datil's rate limit),
/// Sigil's own additions for failures Lit's web framework answers without a body, and any
/// other code read from a node as [`LitErrorCode::Unknown`].
///
/// [`LitErrorCode::as_str`], [`LitErrorCode::kind`], [`LitErrorCode::status`] and
/// [`LitErrorCode::description`] are the one table of what each code means; kinds, statuses and
/// descriptions are Lit's own (its node's `EC` enum).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LitErrorCode {
    /// A general system fault has occurred in the node.
    NodeSystemFault,
    /// Lit nodes failed to check the condition.
    NodeAccessControlConditionsCheckFailed,
    /// The conditions say this user may not.
    NodeAccessControlConditionsReturnedNotAuthorized,
    /// While signing JWT, EXP too large or wrong.
    NodeExpWrongOrTooLarge,
    /// While signing JWT, IAT outside grace period.
    NodeIatOutsideGracePeriod,
    /// Auth_sig passed is invalid or couldn't be verified.
    NodeInvalidAuthSig,
    /// Auth_sig address couldn't be converted to Ethereum address.
    NodeAuthSigAddressConversionError,
    /// Condition address couldn't be converted to Ethereum address.
    NodeConditionAddressConversionError,
    /// Auth_sig sig couldn't be converted to Signature object.
    NodeAuthSigSignatureConversionError,
    /// Auth_sig address couldn't be converted to ed25519_dalek PublicKey.
    NodeAuthSigSessionKeyConversionError,
    /// Auth_sig signedMessage couldn't be converted to SessionKeySignedMessage.
    NodeAuthSigSignedMessageConversionError,
    /// Auth_sig Session key signature is not valid.
    NodeInvalidAuthSigSessionKeySignature,
    /// Invalid boolean conditionType.
    NodeInvalidBooleanConditionType,
    /// The request carries no condition list.
    NodeMissingAccessControlConditions,
    /// User isn't authorized to access to decrypt or receive a JWT for this item.
    NodeNotAuthorized,
    /// Could not find the passed resource ID.
    NodeResourceIdNotFound,
    /// Unable to parse session key signed message.
    NodeParserError,
    /// `NodeSIWECapabilityInvalid`: Invalid Capability object in SIWE resource ReCap.
    NodeSiweCapabilityInvalid,
    /// `NodeSIWESigConversionError`: Unable to convert SIWE sig to array.
    NodeSiweSigConversionError,
    /// `NodeSIWEMessageError`: Error parsing SIWE message.
    NodeSiweMessageError,
    /// `NodeInvalidSIWEResource`: Invalid SIWE resource.
    NodeInvalidSiweResource,
    /// `NodeInvalidACCReturnValueTest`: Invalid Access Control Condition returnValueTest.
    NodeInvalidAccReturnValueTest,
    /// Too many conditions have been provided.
    NodeTooManyConditions,
    /// The JSON body does not have the fields and types of the request.
    NodeBadInput,
    /// The node could not perform an encryption / decryption operation.
    NodeEncryptionError,
    /// Lit nodes failed to complete the RPC call.
    NodeRpcError,
    /// Error related to a blockchain or its contract.
    NodeBlockchainError,
    /// Unknown blockchain chain for operation.
    NodeBlockchainChainUnknown,
    /// Mismatched number of parameters in Params & Condition.
    NodeMismatchParameters,
    /// Error tokenizing condition params.
    NodeConditionTokenizingError,
    /// Invalid condition token type.
    NodeInvalidConditionTokenType,
    /// Token encoding/decoding error.
    NodeTokenEncodingDecodingError,
    /// `CoreApiMissingRequiredXRequestIdHeader`: Missing required 'X-Request-Id' or 'X-Correlation-Id' header.
    MissingRequestId,
    /// `rate_limit_exceeded`: Rate limit exceeded.
    RateLimitExceeded,
    /// Sigil's own: expected Content-Type: application/json.
    NodeUnsupportedContentType,
    /// Sigil's own: the request body is larger than the node accepts.
    NodePayloadTooLarge,
    /// Sigil's own: no route has this path.
    NodeRouteNotFound,
    /// Sigil's own: the route does not accept this method.
    NodeMethodNotAllowed,
    /// Sigil's own: dataToEncryptHash must be 64 lowercase hex characters (a SHA-256).
    NodeInvalidDataToEncryptHash,
    /// Sigil's own: a peer message from a node not in the validator set, for another node, of
    /// another epoch, or with a bad signature.
    NodePeerMessageRefused,
    /// The session's user may not sign with this PKP (neither its owner nor permitted).
    NodePKPNotAuthorized,
    /// No PKP has this public key.
    NodePKPTokenIdNotFound,
    /// A Lit Action's `ipfsId` is missing, malformed, or its code could not be fetched.
    NodeInvalidIpfsId,
    /// A Lit Action could not be run.
    NodeJsExecutionError,
    /// A Lit Action ran out of time.
    NodeJsTimeoutError,
    /// A Lit Action ran out of memory.
    NodeJsMemoryLimitError,
    /// The request carries auth methods where the endpoint takes only a session sig.
    NodeCannotProvideAuthMethodForEndpoint,
    /// The request carries a bare AuthSig where the endpoint takes only a session sig.
    NodeCannotProvideAuthSigForEndpoint,
    /// A contract wallet's `isValidSignature` did not vouch for its AuthSig.
    NodeContractAuthsigUnauthorized,
    /// A Solana AuthSig's signature is not 64 bytes of hex.
    NodeInvalidEd25519AuthSig,
    /// The request has no Ethereum AuthSig for its EVM conditions.
    NodeInvalidEthereumAuthSig,
    /// The request has no Solana AuthSig for its Solana conditions.
    NodeInvalidSolanaAuthSig,
    /// The request has no Cosmos AuthSig for its Cosmos conditions.
    NodeInvalidCosmosAuthSig,
    /// The request's AuthSigs, one per chain, hold none.
    NodeInvalidMultipleAuthSigs,
    /// A Solana condition names an RPC method Lit's nodes do not call.
    NodeInvalidSolanaRpcMethod,
    /// A `balanceOfMetaplexCollection` condition's collection is not a Solana address.
    NodeInvalidMetaplexCollectionAddress,
    /// A Solana NFT's Metaplex metadata could not be read.
    NodeSolanaNftMetadataError,
    /// A Cosmos REST answer is not JSON.
    NodeCosmosJsonError,
    /// A Cosmos REST answer's body could not be read.
    NodeCosmosResponseBodyError,
    /// A Cosmos timelock condition's block could not be fetched.
    NodeCosmosBlockHeightRequestError,
    /// A Cosmos timelock condition's block has no readable time.
    NodeCosmosBlockHeightParseError,
    /// A Cosmos timelock condition is malformed.
    NodeCosmosInvalidCondition,
    /// A Cosmos condition names a chain whose AuthSig kind is unknown.
    NodeInvalidCosmosSdkSignature,
    /// The request has no Kyve AuthSig for its Kyve conditions.
    NodeInvalidKyveAuthSig,
    /// The request has no Cheqd AuthSig for its Cheqd conditions.
    NodeInvalidCheqdAuthSig,
    /// The request has no Juno AuthSig for its Juno conditions.
    NodeInvalidJunoAuthSig,
    /// The node is running as many requests of this kind as it may.
    NodeConcurrencyOverload,
    /// `NodePOAPJSONError`: the POAP API's answer is not the JSON it documents.
    NodePoapJsonError,
    /// The SIWE message of a session to sign defines an auth context resource, which only the network writes.
    NodeInvalidAuthContextResource,
    /// The request asks for a curve type the endpoint does not sign with.
    NodeInvalidCurveType,
    /// The request to sign a session key carries an `authSig`; it takes auth methods.
    NodeInvalidAuthSigForSessionKey,
    /// The Lit Action that authenticates a session did not answer true.
    NodeLitActionsSessionSigAuthenticationFailed,
    /// An auth method's SIWE message has no expiration time.
    NodeUndefinedSiweExpiration,
    /// The SIWE nonce is not the hash of a block of the chain.
    NodeInvalidBlockhash,
    /// An auth method's access token is not a wallet AuthSig in JSON.
    NodeWalletSignatureJsonError,
    /// A code this crate does not know, kept as received (nodes of newer Lit versions).
    Unknown(String),
}

impl LitErrorCode {
    /// Every code the table knows, for exhaustive checks.
    pub const KNOWN: [LitErrorCode; 75] = [
        LitErrorCode::NodeSystemFault,
        LitErrorCode::NodeAccessControlConditionsCheckFailed,
        LitErrorCode::NodeAccessControlConditionsReturnedNotAuthorized,
        LitErrorCode::NodeExpWrongOrTooLarge,
        LitErrorCode::NodeIatOutsideGracePeriod,
        LitErrorCode::NodeInvalidAuthSig,
        LitErrorCode::NodeAuthSigAddressConversionError,
        LitErrorCode::NodeConditionAddressConversionError,
        LitErrorCode::NodeAuthSigSignatureConversionError,
        LitErrorCode::NodeAuthSigSessionKeyConversionError,
        LitErrorCode::NodeAuthSigSignedMessageConversionError,
        LitErrorCode::NodeInvalidAuthSigSessionKeySignature,
        LitErrorCode::NodeInvalidBooleanConditionType,
        LitErrorCode::NodeMissingAccessControlConditions,
        LitErrorCode::NodeNotAuthorized,
        LitErrorCode::NodeResourceIdNotFound,
        LitErrorCode::NodeParserError,
        LitErrorCode::NodeSiweCapabilityInvalid,
        LitErrorCode::NodeSiweSigConversionError,
        LitErrorCode::NodeSiweMessageError,
        LitErrorCode::NodeInvalidSiweResource,
        LitErrorCode::NodeInvalidAccReturnValueTest,
        LitErrorCode::NodeTooManyConditions,
        LitErrorCode::NodeBadInput,
        LitErrorCode::NodeEncryptionError,
        LitErrorCode::NodeRpcError,
        LitErrorCode::NodeBlockchainError,
        LitErrorCode::NodeBlockchainChainUnknown,
        LitErrorCode::NodeMismatchParameters,
        LitErrorCode::NodeConditionTokenizingError,
        LitErrorCode::NodeInvalidConditionTokenType,
        LitErrorCode::NodeTokenEncodingDecodingError,
        LitErrorCode::MissingRequestId,
        LitErrorCode::RateLimitExceeded,
        LitErrorCode::NodeUnsupportedContentType,
        LitErrorCode::NodePayloadTooLarge,
        LitErrorCode::NodeRouteNotFound,
        LitErrorCode::NodeMethodNotAllowed,
        LitErrorCode::NodeInvalidDataToEncryptHash,
        LitErrorCode::NodePeerMessageRefused,
        LitErrorCode::NodePKPNotAuthorized,
        LitErrorCode::NodePKPTokenIdNotFound,
        LitErrorCode::NodeInvalidIpfsId,
        LitErrorCode::NodeJsExecutionError,
        LitErrorCode::NodeJsTimeoutError,
        LitErrorCode::NodeJsMemoryLimitError,
        LitErrorCode::NodeCannotProvideAuthMethodForEndpoint,
        LitErrorCode::NodeCannotProvideAuthSigForEndpoint,
        LitErrorCode::NodeContractAuthsigUnauthorized,
        LitErrorCode::NodeInvalidEd25519AuthSig,
        LitErrorCode::NodeInvalidEthereumAuthSig,
        LitErrorCode::NodeInvalidSolanaAuthSig,
        LitErrorCode::NodeInvalidCosmosAuthSig,
        LitErrorCode::NodeInvalidMultipleAuthSigs,
        LitErrorCode::NodeInvalidSolanaRpcMethod,
        LitErrorCode::NodeInvalidMetaplexCollectionAddress,
        LitErrorCode::NodeSolanaNftMetadataError,
        LitErrorCode::NodeCosmosJsonError,
        LitErrorCode::NodeCosmosResponseBodyError,
        LitErrorCode::NodeCosmosBlockHeightRequestError,
        LitErrorCode::NodeCosmosBlockHeightParseError,
        LitErrorCode::NodeCosmosInvalidCondition,
        LitErrorCode::NodeInvalidCosmosSdkSignature,
        LitErrorCode::NodeInvalidKyveAuthSig,
        LitErrorCode::NodeInvalidCheqdAuthSig,
        LitErrorCode::NodeInvalidJunoAuthSig,
        LitErrorCode::NodeConcurrencyOverload,
        LitErrorCode::NodePoapJsonError,
        LitErrorCode::NodeInvalidAuthContextResource,
        LitErrorCode::NodeInvalidCurveType,
        LitErrorCode::NodeInvalidAuthSigForSessionKey,
        LitErrorCode::NodeLitActionsSessionSigAuthenticationFailed,
        LitErrorCode::NodeUndefinedSiweExpiration,
        LitErrorCode::NodeInvalidBlockhash,
        LitErrorCode::NodeWalletSignatureJsonError,
    ];

    /// The `errorCode` string.
    pub fn as_str(&self) -> &str {
        match self {
            LitErrorCode::NodeSystemFault => "NodeSystemFault",
            LitErrorCode::NodeAccessControlConditionsCheckFailed => {
                "NodeAccessControlConditionsCheckFailed"
            }
            LitErrorCode::NodeAccessControlConditionsReturnedNotAuthorized => {
                "NodeAccessControlConditionsReturnedNotAuthorized"
            }
            LitErrorCode::NodeExpWrongOrTooLarge => "NodeExpWrongOrTooLarge",
            LitErrorCode::NodeIatOutsideGracePeriod => "NodeIatOutsideGracePeriod",
            LitErrorCode::NodeInvalidAuthSig => "NodeInvalidAuthSig",
            LitErrorCode::NodeAuthSigAddressConversionError => "NodeAuthSigAddressConversionError",
            LitErrorCode::NodeConditionAddressConversionError => {
                "NodeConditionAddressConversionError"
            }
            LitErrorCode::NodeAuthSigSignatureConversionError => {
                "NodeAuthSigSignatureConversionError"
            }
            LitErrorCode::NodeAuthSigSessionKeyConversionError => {
                "NodeAuthSigSessionKeyConversionError"
            }
            LitErrorCode::NodeAuthSigSignedMessageConversionError => {
                "NodeAuthSigSignedMessageConversionError"
            }
            LitErrorCode::NodeInvalidAuthSigSessionKeySignature => {
                "NodeInvalidAuthSigSessionKeySignature"
            }
            LitErrorCode::NodeInvalidBooleanConditionType => "NodeInvalidBooleanConditionType",
            LitErrorCode::NodeMissingAccessControlConditions => {
                "NodeMissingAccessControlConditions"
            }
            LitErrorCode::NodeNotAuthorized => "NodeNotAuthorized",
            LitErrorCode::NodeResourceIdNotFound => "NodeResourceIdNotFound",
            LitErrorCode::NodeParserError => "NodeParserError",
            LitErrorCode::NodeSiweCapabilityInvalid => "NodeSIWECapabilityInvalid",
            LitErrorCode::NodeSiweSigConversionError => "NodeSIWESigConversionError",
            LitErrorCode::NodeSiweMessageError => "NodeSIWEMessageError",
            LitErrorCode::NodeInvalidSiweResource => "NodeInvalidSIWEResource",
            LitErrorCode::NodeInvalidAccReturnValueTest => "NodeInvalidACCReturnValueTest",
            LitErrorCode::NodeTooManyConditions => "NodeTooManyConditions",
            LitErrorCode::NodeBadInput => "NodeBadInput",
            LitErrorCode::NodeEncryptionError => "NodeEncryptionError",
            LitErrorCode::MissingRequestId => "CoreApiMissingRequiredXRequestIdHeader",
            LitErrorCode::RateLimitExceeded => "rate_limit_exceeded",
            LitErrorCode::NodeUnsupportedContentType => "NodeUnsupportedContentType",
            LitErrorCode::NodePayloadTooLarge => "NodePayloadTooLarge",
            LitErrorCode::NodeRouteNotFound => "NodeRouteNotFound",
            LitErrorCode::NodeMethodNotAllowed => "NodeMethodNotAllowed",
            LitErrorCode::NodeInvalidDataToEncryptHash => "NodeInvalidDataToEncryptHash",
            LitErrorCode::NodePeerMessageRefused => "NodePeerMessageRefused",
            LitErrorCode::NodePKPNotAuthorized => "NodePKPNotAuthorized",
            LitErrorCode::NodePKPTokenIdNotFound => "NodePKPTokenIdNotFound",
            LitErrorCode::NodeInvalidIpfsId => "NodeInvalidIPFSID",
            LitErrorCode::NodeJsExecutionError => "NodeJsExecutionError",
            LitErrorCode::NodeJsTimeoutError => "NodeJsTimeoutError",
            LitErrorCode::NodeJsMemoryLimitError => "NodeJsMemoryLimitError",
            LitErrorCode::NodeCannotProvideAuthMethodForEndpoint => {
                "NodeCannotProvideAuthMethodForEndpoint"
            }
            LitErrorCode::NodeCannotProvideAuthSigForEndpoint => {
                "NodeCannotProvideAuthSigForEndpoint"
            }
            LitErrorCode::NodeContractAuthsigUnauthorized => "NodeContractAuthsigUnauthorized",
            LitErrorCode::NodeInvalidEd25519AuthSig => "NodeInvalidED25519AuthSig",
            LitErrorCode::NodeInvalidEthereumAuthSig => "NodeInvalidEthereumAuthSig",
            LitErrorCode::NodeInvalidSolanaAuthSig => "NodeInvalidSolanaAuthSig",
            LitErrorCode::NodeInvalidCosmosAuthSig => "NodeInvalidCosmosAuthSig",
            LitErrorCode::NodeInvalidMultipleAuthSigs => "NodeInvalidMultipleAuthSigs",
            LitErrorCode::NodeInvalidSolanaRpcMethod => "NodeInvalidSolanaRpcMethod",
            LitErrorCode::NodeInvalidMetaplexCollectionAddress => {
                "NodeInvalidMetaplexCollectionAddress"
            }
            LitErrorCode::NodeSolanaNftMetadataError => "NodeSolanaNFTMetadataError",
            LitErrorCode::NodeCosmosJsonError => "NodeCosmosJSONError",
            LitErrorCode::NodeCosmosResponseBodyError => "NodeCosmosResponseBodyError",
            LitErrorCode::NodeCosmosBlockHeightRequestError => "NodeCosmosBlockHeightRequestError",
            LitErrorCode::NodeCosmosBlockHeightParseError => "NodeCosmosBlockHeightParseError",
            LitErrorCode::NodeCosmosInvalidCondition => "NodeCosmosInvalidCondition",
            LitErrorCode::NodeInvalidCosmosSdkSignature => "NodeInvalidCosmosSDKSignature",
            LitErrorCode::NodeInvalidKyveAuthSig => "NodeInvalidKyveAuthSig",
            LitErrorCode::NodeInvalidCheqdAuthSig => "NodeInvalidCheqdAuthSig",
            LitErrorCode::NodeInvalidJunoAuthSig => "NodeInvalidJunoAuthSig",
            LitErrorCode::NodeConcurrencyOverload => "NodeConcurrencyOverload",
            LitErrorCode::NodePoapJsonError => "NodePOAPJSONError",
            LitErrorCode::NodeInvalidAuthContextResource => "NodeInvalidAuthContextResource",
            LitErrorCode::NodeInvalidCurveType => "NodeInvalidCurveType",
            LitErrorCode::NodeInvalidAuthSigForSessionKey => "NodeInvalidAuthSigForSessionKey",
            LitErrorCode::NodeLitActionsSessionSigAuthenticationFailed => {
                "NodeLitActionsSessionSigAuthenticationFailed"
            }
            LitErrorCode::NodeUndefinedSiweExpiration => "NodeUndefinedSiweExpiration",
            LitErrorCode::NodeInvalidBlockhash => "NodeInvalidBlockhash",
            LitErrorCode::NodeWalletSignatureJsonError => "NodeWalletSignatureJSONError",
            LitErrorCode::NodeRpcError => "NodeRpcError",
            LitErrorCode::NodeBlockchainError => "NodeBlockchainError",
            LitErrorCode::NodeBlockchainChainUnknown => "NodeBlockchainChainUnknown",
            LitErrorCode::NodeMismatchParameters => "NodeMismatchParameters",
            LitErrorCode::NodeConditionTokenizingError => "NodeConditionTokenizingError",
            LitErrorCode::NodeInvalidConditionTokenType => "NodeInvalidConditionTokenType",
            LitErrorCode::NodeTokenEncodingDecodingError => "NodeTokenEncodingDecodingError",
            LitErrorCode::Unknown(code) => code,
        }
    }

    /// Lit's `errorKind` for the code (`Validation`, `Parser`, `Unexpected`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            LitErrorCode::NodeSystemFault
            | LitErrorCode::NodeEncryptionError
            | LitErrorCode::NodeConcurrencyOverload => "Unexpected",
            LitErrorCode::NodeAccessControlConditionsCheckFailed
            | LitErrorCode::NodeAccessControlConditionsReturnedNotAuthorized
            | LitErrorCode::NodeExpWrongOrTooLarge
            | LitErrorCode::NodeIatOutsideGracePeriod
            | LitErrorCode::NodeInvalidAuthSig
            | LitErrorCode::NodeAuthSigAddressConversionError
            | LitErrorCode::NodeConditionAddressConversionError
            | LitErrorCode::NodeAuthSigSignatureConversionError
            | LitErrorCode::NodeAuthSigSessionKeyConversionError
            | LitErrorCode::NodeAuthSigSignedMessageConversionError
            | LitErrorCode::NodeInvalidAuthSigSessionKeySignature
            | LitErrorCode::NodeInvalidBooleanConditionType
            | LitErrorCode::NodeMissingAccessControlConditions
            | LitErrorCode::NodeNotAuthorized
            | LitErrorCode::NodeResourceIdNotFound
            | LitErrorCode::NodeSiweCapabilityInvalid
            | LitErrorCode::NodeSiweSigConversionError
            | LitErrorCode::NodeInvalidSiweResource
            | LitErrorCode::NodeInvalidAccReturnValueTest
            | LitErrorCode::NodeTooManyConditions
            | LitErrorCode::MissingRequestId
            | LitErrorCode::NodeUnsupportedContentType
            | LitErrorCode::NodePayloadTooLarge
            | LitErrorCode::NodeRouteNotFound
            | LitErrorCode::NodeMethodNotAllowed
            | LitErrorCode::NodeRpcError
            | LitErrorCode::NodeMismatchParameters
            | LitErrorCode::NodeConditionTokenizingError
            | LitErrorCode::NodeInvalidConditionTokenType
            | LitErrorCode::NodeTokenEncodingDecodingError
            | LitErrorCode::NodeInvalidDataToEncryptHash
            | LitErrorCode::NodePeerMessageRefused
            | LitErrorCode::NodePKPNotAuthorized
            | LitErrorCode::NodePKPTokenIdNotFound
            | LitErrorCode::NodeInvalidIpfsId
            | LitErrorCode::NodeJsExecutionError
            | LitErrorCode::NodeJsTimeoutError
            | LitErrorCode::NodeJsMemoryLimitError
            | LitErrorCode::NodeCannotProvideAuthMethodForEndpoint
            | LitErrorCode::NodeCannotProvideAuthSigForEndpoint
            | LitErrorCode::NodeContractAuthsigUnauthorized
            | LitErrorCode::NodeInvalidEd25519AuthSig
            | LitErrorCode::NodeInvalidEthereumAuthSig
            | LitErrorCode::NodeInvalidSolanaAuthSig
            | LitErrorCode::NodeInvalidCosmosAuthSig
            | LitErrorCode::NodeInvalidMultipleAuthSigs
            | LitErrorCode::NodeInvalidSolanaRpcMethod
            | LitErrorCode::NodeInvalidMetaplexCollectionAddress
            | LitErrorCode::NodeCosmosInvalidCondition
            | LitErrorCode::NodeInvalidCosmosSdkSignature
            | LitErrorCode::NodeInvalidKyveAuthSig
            | LitErrorCode::NodeInvalidCheqdAuthSig
            | LitErrorCode::NodeInvalidJunoAuthSig => "Validation",
            LitErrorCode::NodeCosmosJsonError => "Serializer",
            LitErrorCode::NodeSolanaNftMetadataError => "Unexpected",
            LitErrorCode::NodeCosmosResponseBodyError => "Unexpected",
            LitErrorCode::NodeCosmosBlockHeightRequestError => "Unexpected",
            LitErrorCode::NodeCosmosBlockHeightParseError => "Unexpected",
            LitErrorCode::NodeBlockchainError | LitErrorCode::NodeBlockchainChainUnknown => {
                "Blockchain"
            }
            LitErrorCode::NodeParserError | LitErrorCode::NodeSiweMessageError => "Parser",
            LitErrorCode::NodeBadInput => "Blockchain",
            LitErrorCode::RateLimitExceeded => "RateLimit",
            LitErrorCode::NodePoapJsonError | LitErrorCode::NodeWalletSignatureJsonError => {
                "Serializer"
            }
            LitErrorCode::NodeInvalidAuthContextResource
            | LitErrorCode::NodeInvalidCurveType
            | LitErrorCode::NodeInvalidAuthSigForSessionKey
            | LitErrorCode::NodeLitActionsSessionSigAuthenticationFailed
            | LitErrorCode::NodeUndefinedSiweExpiration
            | LitErrorCode::NodeInvalidBlockhash => "Validation",
            LitErrorCode::Unknown(_) => "Unknown",
        }
    }

    /// The HTTP status Lit answers the code with.
    pub fn status(&self) -> u16 {
        match self {
            LitErrorCode::NodeAuthSigAddressConversionError
            | LitErrorCode::NodeConditionAddressConversionError
            | LitErrorCode::NodeAuthSigSignatureConversionError
            | LitErrorCode::NodeAuthSigSessionKeyConversionError
            | LitErrorCode::NodeAuthSigSignedMessageConversionError
            | LitErrorCode::NodeInvalidAuthSigSessionKeySignature
            | LitErrorCode::NodeInvalidBooleanConditionType
            | LitErrorCode::NodeMissingAccessControlConditions
            | LitErrorCode::NodeParserError
            | LitErrorCode::NodeSiweCapabilityInvalid
            | LitErrorCode::NodeSiweSigConversionError
            | LitErrorCode::NodeSiweMessageError
            | LitErrorCode::NodeInvalidSiweResource
            | LitErrorCode::NodeInvalidAccReturnValueTest
            | LitErrorCode::NodeTooManyConditions
            | LitErrorCode::NodeMismatchParameters
            | LitErrorCode::NodeConditionTokenizingError
            | LitErrorCode::NodeInvalidConditionTokenType
            | LitErrorCode::NodeTokenEncodingDecodingError
            | LitErrorCode::NodeInvalidDataToEncryptHash
            | LitErrorCode::NodePKPTokenIdNotFound
            | LitErrorCode::NodeInvalidIpfsId
            | LitErrorCode::NodeCannotProvideAuthMethodForEndpoint
            | LitErrorCode::NodeCannotProvideAuthSigForEndpoint
            | LitErrorCode::NodeInvalidEd25519AuthSig
            | LitErrorCode::NodeInvalidEthereumAuthSig
            | LitErrorCode::NodeInvalidSolanaAuthSig
            | LitErrorCode::NodeInvalidCosmosAuthSig
            | LitErrorCode::NodeInvalidMultipleAuthSigs
            | LitErrorCode::NodeInvalidSolanaRpcMethod
            | LitErrorCode::NodeInvalidMetaplexCollectionAddress
            | LitErrorCode::NodeCosmosInvalidCondition
            | LitErrorCode::NodeInvalidCosmosSdkSignature
            | LitErrorCode::NodeInvalidKyveAuthSig
            | LitErrorCode::NodeInvalidCheqdAuthSig
            | LitErrorCode::NodeInvalidJunoAuthSig => 400,
            LitErrorCode::NodeSolanaNftMetadataError => 502,
            LitErrorCode::NodeCosmosJsonError => 502,
            LitErrorCode::NodeCosmosResponseBodyError => 502,
            LitErrorCode::NodeCosmosBlockHeightRequestError => 502,
            LitErrorCode::NodeCosmosBlockHeightParseError => 502,
            LitErrorCode::NodeConcurrencyOverload => 429,
            LitErrorCode::NodePoapJsonError => 502,
            LitErrorCode::NodeInvalidAuthContextResource => 401,
            LitErrorCode::NodeInvalidCurveType => 400,
            LitErrorCode::NodeInvalidAuthSigForSessionKey => 400,
            LitErrorCode::NodeLitActionsSessionSigAuthenticationFailed => 401,
            LitErrorCode::NodeUndefinedSiweExpiration => 401,
            LitErrorCode::NodeInvalidBlockhash => 502,
            LitErrorCode::NodeWalletSignatureJsonError => 502,
            LitErrorCode::NodeAccessControlConditionsReturnedNotAuthorized
            | LitErrorCode::NodeInvalidAuthSig
            | LitErrorCode::NodePKPNotAuthorized
            | LitErrorCode::NodeContractAuthsigUnauthorized => 401,
            LitErrorCode::RateLimitExceeded => 402,
            LitErrorCode::NodeExpWrongOrTooLarge
            | LitErrorCode::NodeIatOutsideGracePeriod
            | LitErrorCode::NodeNotAuthorized
            | LitErrorCode::NodePeerMessageRefused => 403,
            LitErrorCode::NodeResourceIdNotFound | LitErrorCode::NodeRouteNotFound => 404,
            LitErrorCode::NodeMethodNotAllowed => 405,
            LitErrorCode::NodePayloadTooLarge => 413,
            LitErrorCode::NodeUnsupportedContentType => 415,
            LitErrorCode::MissingRequestId => 418,
            LitErrorCode::NodeBadInput => 422,
            LitErrorCode::NodeSystemFault | LitErrorCode::NodeEncryptionError => 500,
            LitErrorCode::NodeAccessControlConditionsCheckFailed
            | LitErrorCode::NodeRpcError
            | LitErrorCode::NodeBlockchainError
            | LitErrorCode::NodeBlockchainChainUnknown
            | LitErrorCode::NodeJsExecutionError
            | LitErrorCode::NodeJsTimeoutError
            | LitErrorCode::NodeJsMemoryLimitError => 502,
            LitErrorCode::Unknown(_) => 500,
        }
    }

    /// Lit's description of the code, the `message` of its error body.
    pub fn description(&self) -> &'static str {
        match self {
            LitErrorCode::NodeSystemFault => "A general system fault has occurred in the node",
            LitErrorCode::NodeAccessControlConditionsCheckFailed => "Lit nodes failed to check the condition possibly due to RPC servers being down or because the condition is making an incorrect smart contract call that reverts",
            LitErrorCode::NodeAccessControlConditionsReturnedNotAuthorized => "The access control condition check returned that you are not permitted to access this content.  Are you sure you meet the conditions?  Check the auth_sig and the other conditions",
            LitErrorCode::NodeExpWrongOrTooLarge => "While signing JWT, EXP too large or wrong",
            LitErrorCode::NodeIatOutsideGracePeriod => "While signing JWT, IAT outside grace period",
            LitErrorCode::NodeInvalidAuthSig => "auth_sig passed is invalid or couldn't be verified",
            LitErrorCode::NodeAuthSigAddressConversionError => "auth_sig address couldn't be converted to Ethereum address",
            LitErrorCode::NodeConditionAddressConversionError => "condition address couldn't be converted to Ethereum address",
            LitErrorCode::NodeAuthSigSignatureConversionError => "auth_sig sig couldn't be converted to Signature object",
            LitErrorCode::NodeAuthSigSessionKeyConversionError => "auth_sig address couldn't be converted to ed25519_dalek PublicKey",
            LitErrorCode::NodeAuthSigSignedMessageConversionError => "auth_sig signedMessage couldn't be converted to SessionKeySignedMessage",
            LitErrorCode::NodeInvalidAuthSigSessionKeySignature => "auth_sig Session key signature is not valid",
            LitErrorCode::NodeInvalidBooleanConditionType => "Invalid boolean conditionType",
            LitErrorCode::NodeMissingAccessControlConditions => "Must pass either access_control_conditions or evm_contract_conditions or sol_rpc_conditions",
            LitErrorCode::NodeNotAuthorized => "User isn't authorized to access to decrypt or receive a JWT for this item",
            LitErrorCode::NodeResourceIdNotFound => "Could not find the passed resource ID",
            LitErrorCode::NodeParserError => "Unable to parse session key signed message",
            LitErrorCode::NodeSiweCapabilityInvalid => "Invalid Capability object in SIWE resource ReCap",
            LitErrorCode::NodeSiweSigConversionError => "Unable to convert SIWE sig to array",
            LitErrorCode::NodeSiweMessageError => "Error parsing SIWE message",
            LitErrorCode::NodeInvalidSiweResource => "Invalid SIWE resource",
            LitErrorCode::NodeInvalidAccReturnValueTest => "Invalid Access Control Condition returnValueTest",
            LitErrorCode::NodeTooManyConditions => "Too many conditions have been provided",
            LitErrorCode::NodeBadInput => "This usually means your JSON body is wrong. Please check that you have sent over every required JSON parameter and that the types are correct according to the docs here https://lit-protocol.github.io/lit-js-sdk/api_docs_html/index.html#litnodeclient",
            LitErrorCode::NodeEncryptionError => "The node could not perform an encryption / decryption operation.",
            LitErrorCode::MissingRequestId => "Missing required 'X-Request-Id' or 'X-Correlation-Id' header",
            LitErrorCode::RateLimitExceeded => "Rate limit exceeded",
            LitErrorCode::NodeUnsupportedContentType => "Expected Content-Type: application/json",
            LitErrorCode::NodePayloadTooLarge => "The request body is larger than the node accepts",
            LitErrorCode::NodeRouteNotFound => "No route has this path",
            LitErrorCode::NodeMethodNotAllowed => "The route does not accept this method",
            LitErrorCode::NodeInvalidDataToEncryptHash => "dataToEncryptHash must be 64 lowercase hex characters (a SHA-256)",
            LitErrorCode::NodePKPNotAuthorized => "You are not authorized to sign using this PKP",
            LitErrorCode::NodePKPTokenIdNotFound => "Could not find PKP token ID",
            LitErrorCode::NodeInvalidIpfsId => "Invalid IPFS Id",
            LitErrorCode::NodeJsExecutionError => "There was an error executing the Javascript for this action",
            LitErrorCode::NodeJsTimeoutError => "There was a timeout error executing the Javascript for this action",
            LitErrorCode::NodeJsMemoryLimitError => "The memory limit was exceeded when executing the Javascript for this action",
            LitErrorCode::NodeCannotProvideAuthMethodForEndpoint => "The user sent a auth_methods for endpoint",
            LitErrorCode::NodeCannotProvideAuthSigForEndpoint => "Invalid Signature Requested",
            LitErrorCode::NodeContractAuthsigUnauthorized => "Access control failed for Smart contract",
            LitErrorCode::NodeInvalidEd25519AuthSig => "Invalid ed25519 auth_sig",
            LitErrorCode::NodeInvalidEthereumAuthSig => "Invalid Ethereum auth_sig",
            LitErrorCode::NodeInvalidSolanaAuthSig => "Invalid Solana auth_sig",
            LitErrorCode::NodeInvalidCosmosAuthSig => "Invalid Cosmos auth_sig",
            LitErrorCode::NodeInvalidMultipleAuthSigs => "Auth sig is not valid against any recognized chain",
            LitErrorCode::NodeInvalidSolanaRpcMethod => "Invalid Solana RPC method",
            LitErrorCode::NodeInvalidMetaplexCollectionAddress => "Invalid Metaplex Collection Address",
            LitErrorCode::NodeSolanaNftMetadataError => "Failed to retrieve Metadata for Solana NFT",
            LitErrorCode::NodeCosmosJsonError => "Cosmos JSON Error",
            LitErrorCode::NodeCosmosResponseBodyError => "Cosmos response body error",
            LitErrorCode::NodeCosmosBlockHeightRequestError => "Cosmos block height request error",
            LitErrorCode::NodeCosmosBlockHeightParseError => "Cosmos block height response body error",
            LitErrorCode::NodeCosmosInvalidCondition => "Invalid Cosmos Condition",
            LitErrorCode::NodeInvalidCosmosSdkSignature => "Invalid Cosmos SDK signature",
            LitErrorCode::NodeInvalidKyveAuthSig => "Invalid Kyve auth_sig",
            LitErrorCode::NodeInvalidCheqdAuthSig => "Invalid Cheqd auth_sig",
            LitErrorCode::NodeInvalidJunoAuthSig => "Invalid Juno auth_sig",
            LitErrorCode::NodeConcurrencyOverload => "Concurrency limit reached",
            LitErrorCode::NodePoapJsonError => "POAP not in JSON format",
            LitErrorCode::NodeInvalidAuthContextResource => "A user's capability may not define auth context resources",
            LitErrorCode::NodeInvalidCurveType => "The curve type is not supported for this request",
            LitErrorCode::NodeInvalidAuthSigForSessionKey => "An auth sig may not be sent to sign a session key",
            LitErrorCode::NodeLitActionsSessionSigAuthenticationFailed => "Authentication failed for session_sig signing via Lit Action",
            LitErrorCode::NodeUndefinedSiweExpiration => "The SIWE message has no expiration time",
            LitErrorCode::NodeInvalidBlockhash => "Invalid Block Hash for sign session key",
            LitErrorCode::NodeWalletSignatureJsonError => "Wallet Signature not in JSON format",
            LitErrorCode::NodePeerMessageRefused => "The peer message is not from a current validator, not for this node or epoch, or not signed by its sender",
            LitErrorCode::NodeRpcError => "Lit nodes failed to complete the RPC call possibly due to RPC servers being down or because the RPC call is making an incorrect smart contract call that reverts",
            LitErrorCode::NodeBlockchainError => "Error related to a blockchain or its contract",
            LitErrorCode::NodeBlockchainChainUnknown => "Unknown blockchain chain for operation",
            LitErrorCode::NodeMismatchParameters => "Mismatched number of parameters in Params & Condition",
            LitErrorCode::NodeConditionTokenizingError => "Error tokenizing condition params",
            LitErrorCode::NodeInvalidConditionTokenType => "Invalid condition token type",
            LitErrorCode::NodeTokenEncodingDecodingError => "Token encoding/decoding error",
            LitErrorCode::Unknown(_) => "An error this client does not know",
        }
    }

    /// The code an `errorCode` string names; unknown strings are kept as [`LitErrorCode::Unknown`].
    pub fn parse(code: &str) -> LitErrorCode {
        LitErrorCode::KNOWN
            .into_iter()
            .find(|known| known.as_str() == code)
            .unwrap_or_else(|| LitErrorCode::Unknown(code.to_owned()))
    }
}

impl std::fmt::Display for LitErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Compares with an `errorCode` string, as codes are read and asserted on.
impl PartialEq<&str> for LitErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Serialize for LitErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for LitErrorCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Ok(LitErrorCode::parse(&code))
    }
}

/// Lit's error body: `{errorKind, errorCode, status, message, correlationId, details}`, as its
/// nodes answer every refusal. Datil's rate limiter answers with `{message, errorCode}` only;
/// [`LitErrorBody::parse`] reads both.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LitErrorBody {
    /// `errorKind`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_kind: Option<String>,
    /// `errorCode`.
    pub error_code: LitErrorCode,
    /// `status`, the HTTP status repeated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// `message`.
    #[serde(default)]
    pub message: String,
    /// `correlationId`: the request's `X-Correlation-Id` or `X-Request-Id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
    /// `details`: what exactly went wrong; left out when empty, as Lit does.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
    /// `logs`: a Lit Action's console output until it stopped, on the errors of a run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logs: Option<String>,
}

impl LitErrorBody {
    /// The body for `code`: its kind, status and description from the table, with `details`.
    pub fn new(code: LitErrorCode, details: Vec<String>) -> LitErrorBody {
        LitErrorBody {
            error_kind: Some(code.kind().to_owned()),
            status: Some(code.status()),
            message: code.description().to_owned(),
            error_code: code,
            correlation_id: None,
            details,
            logs: None,
        }
    }

    /// Reads an error answer of a node: Lit's full body, or the rate limiter's
    /// `{message, errorCode}`. Fields of the wrong JSON type are ignored; `None` when there is
    /// no `errorCode` string at all.
    pub fn parse(body: &[u8]) -> Option<LitErrorBody> {
        let value: Value = serde_json::from_slice(body).ok()?;
        let text = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_owned);
        Some(LitErrorBody {
            error_code: LitErrorCode::parse(value.get("errorCode")?.as_str()?),
            error_kind: text("errorKind"),
            status: value
                .get("status")
                .and_then(Value::as_u64)
                .and_then(|s| u16::try_from(s).ok()),
            message: text("message").unwrap_or_default(),
            correlation_id: text("correlationId"),
            logs: text("logs"),
            details: value
                .get("details")
                .and_then(Value::as_array)
                .map(|details| {
                    details
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code's string, kind and status, pinned: a change here is a wire change.
    #[test]
    fn every_code_has_lits_string_kind_and_status() {
        let table: Vec<(&str, &str, u16)> = LitErrorCode::KNOWN
            .iter()
            .map(|code| (code.as_str(), code.kind(), code.status()))
            .collect();
        assert_eq!(
            table,
            [
                ("NodeSystemFault", "Unexpected", 500),
                ("NodeAccessControlConditionsCheckFailed", "Validation", 502),
                (
                    "NodeAccessControlConditionsReturnedNotAuthorized",
                    "Validation",
                    401
                ),
                ("NodeExpWrongOrTooLarge", "Validation", 403),
                ("NodeIatOutsideGracePeriod", "Validation", 403),
                ("NodeInvalidAuthSig", "Validation", 401),
                ("NodeAuthSigAddressConversionError", "Validation", 400),
                ("NodeConditionAddressConversionError", "Validation", 400),
                ("NodeAuthSigSignatureConversionError", "Validation", 400),
                ("NodeAuthSigSessionKeyConversionError", "Validation", 400),
                ("NodeAuthSigSignedMessageConversionError", "Validation", 400),
                ("NodeInvalidAuthSigSessionKeySignature", "Validation", 400),
                ("NodeInvalidBooleanConditionType", "Validation", 400),
                ("NodeMissingAccessControlConditions", "Validation", 400),
                ("NodeNotAuthorized", "Validation", 403),
                ("NodeResourceIdNotFound", "Validation", 404),
                ("NodeParserError", "Parser", 400),
                ("NodeSIWECapabilityInvalid", "Validation", 400),
                ("NodeSIWESigConversionError", "Validation", 400),
                ("NodeSIWEMessageError", "Parser", 400),
                ("NodeInvalidSIWEResource", "Validation", 400),
                ("NodeInvalidACCReturnValueTest", "Validation", 400),
                ("NodeTooManyConditions", "Validation", 400),
                ("NodeBadInput", "Blockchain", 422),
                ("NodeEncryptionError", "Unexpected", 500),
                ("NodeRpcError", "Validation", 502),
                ("NodeBlockchainError", "Blockchain", 502),
                ("NodeBlockchainChainUnknown", "Blockchain", 502),
                ("NodeMismatchParameters", "Validation", 400),
                ("NodeConditionTokenizingError", "Validation", 400),
                ("NodeInvalidConditionTokenType", "Validation", 400),
                ("NodeTokenEncodingDecodingError", "Validation", 400),
                ("CoreApiMissingRequiredXRequestIdHeader", "Validation", 418),
                ("rate_limit_exceeded", "RateLimit", 402),
                ("NodeUnsupportedContentType", "Validation", 415),
                ("NodePayloadTooLarge", "Validation", 413),
                ("NodeRouteNotFound", "Validation", 404),
                ("NodeMethodNotAllowed", "Validation", 405),
                ("NodeInvalidDataToEncryptHash", "Validation", 400),
                ("NodePeerMessageRefused", "Validation", 403),
                ("NodePKPNotAuthorized", "Validation", 401),
                ("NodePKPTokenIdNotFound", "Validation", 400),
                ("NodeInvalidIPFSID", "Validation", 400),
                ("NodeJsExecutionError", "Validation", 502),
                ("NodeJsTimeoutError", "Validation", 502),
                ("NodeJsMemoryLimitError", "Validation", 502),
                ("NodeCannotProvideAuthMethodForEndpoint", "Validation", 400),
                ("NodeCannotProvideAuthSigForEndpoint", "Validation", 400),
                ("NodeContractAuthsigUnauthorized", "Validation", 401),
                ("NodeInvalidED25519AuthSig", "Validation", 400),
                ("NodeInvalidEthereumAuthSig", "Validation", 400),
                ("NodeInvalidSolanaAuthSig", "Validation", 400),
                ("NodeInvalidCosmosAuthSig", "Validation", 400),
                ("NodeInvalidMultipleAuthSigs", "Validation", 400),
                ("NodeInvalidSolanaRpcMethod", "Validation", 400),
                ("NodeInvalidMetaplexCollectionAddress", "Validation", 400),
                ("NodeSolanaNFTMetadataError", "Unexpected", 502),
                ("NodeCosmosJSONError", "Serializer", 502),
                ("NodeCosmosResponseBodyError", "Unexpected", 502),
                ("NodeCosmosBlockHeightRequestError", "Unexpected", 502),
                ("NodeCosmosBlockHeightParseError", "Unexpected", 502),
                ("NodeCosmosInvalidCondition", "Validation", 400),
                ("NodeInvalidCosmosSDKSignature", "Validation", 400),
                ("NodeInvalidKyveAuthSig", "Validation", 400),
                ("NodeInvalidCheqdAuthSig", "Validation", 400),
                ("NodeInvalidJunoAuthSig", "Validation", 400),
                ("NodeConcurrencyOverload", "Unexpected", 429),
                ("NodePOAPJSONError", "Serializer", 502),
                ("NodeInvalidAuthContextResource", "Validation", 401),
                ("NodeInvalidCurveType", "Validation", 400),
                ("NodeInvalidAuthSigForSessionKey", "Validation", 400),
                (
                    "NodeLitActionsSessionSigAuthenticationFailed",
                    "Validation",
                    401
                ),
                ("NodeUndefinedSiweExpiration", "Validation", 401),
                ("NodeInvalidBlockhash", "Validation", 502),
                ("NodeWalletSignatureJSONError", "Serializer", 502),
            ]
        );
        for code in LitErrorCode::KNOWN {
            assert_eq!(LitErrorCode::parse(code.as_str()), code);
            assert!(!code.description().is_empty());
        }
    }

    #[test]
    fn unknown_codes_are_kept_as_received() {
        let code = LitErrorCode::parse("NodeSomethingNew");
        assert_eq!(code, LitErrorCode::Unknown("NodeSomethingNew".into()));
        assert_eq!(code.as_str(), "NodeSomethingNew");
        assert_eq!(
            serde_json::to_string(&code).unwrap_or_default(),
            r#""NodeSomethingNew""#
        );
    }

    #[test]
    fn the_body_is_written_in_lits_key_order() {
        let mut body =
            LitErrorBody::new(LitErrorCode::NodeNotAuthorized, vec!["wrong node".into()]);
        body.correlation_id = Some("lit_1".into());
        assert_eq!(
            serde_json::to_string(&body).unwrap_or_default(),
            r#"{"errorKind":"Validation","errorCode":"NodeNotAuthorized","status":403,"message":"User isn't authorized to access to decrypt or receive a JWT for this item","correlationId":"lit_1","details":["wrong node"]}"#
        );
        assert_eq!(
            LitErrorBody::parse(serde_json::to_string(&body).unwrap_or_default().as_bytes()),
            Some(body)
        );
    }

    #[test]
    fn the_rate_limiters_body_and_odd_bodies_are_read() {
        let limited = LitErrorBody::parse(
            br#"{"message":"Rate limit exceeded. Try again at 2025-06-15T15:23:20Z","errorCode":"rate_limit_exceeded"}"#,
        )
        .expect("rate limit body");
        assert_eq!(limited.error_code, LitErrorCode::RateLimitExceeded);
        assert_eq!(limited.status, None);
        assert!(limited.message.starts_with("Rate limit exceeded"));
        let odd = LitErrorBody::parse(
            br#"{"errorCode":"NodeParserError","status":"x","details":[1,"d"]}"#,
        )
        .expect("odd body");
        assert_eq!((odd.status, odd.details), (None, vec!["d".to_owned()]));
        assert_eq!(LitErrorBody::parse(b"{}"), None);
        assert_eq!(LitErrorBody::parse(b"not json"), None);
    }
}
