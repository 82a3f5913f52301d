use serde::{Deserialize, Serialize};

/// A signed message with its signature, signer and how it was made: a wallet's AuthSig, or a
/// session sig. Serialises with the JS key order `sig, derivedVia, signedMessage, address` and
/// `algo` only when set; a repeated field is refused, as Lit's node refuses it.
///
/// Nothing here is secret: it is what travels to every node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthSig {
    /// The signature: `0x` + 130 hex for a wallet sig, 128 hex (no `0x`) for a session sig.
    pub sig: String,
    /// How it was made, e.g. `web3.eth.personal.sign` or `litSessionSignViaNacl`.
    pub derived_via: String,
    /// The exact signed text.
    pub signed_message: String,
    /// The signer: an EIP-55 address for a wallet sig, the 64-hex session key for a session sig.
    pub address: String,
    /// The algorithm, when not the wallet default (`ed25519` for session sigs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub algo: Option<String>,
}
