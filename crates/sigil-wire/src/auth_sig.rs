use serde::{Deserialize, Serialize};

/// A signed message with its signature, signer and how it was made: a wallet's AuthSig, a
/// session sig, or a network's signature of a PKP session. Serialises with the JS SDK's key
/// order: `sig, derivedVia, signedMessage, address` and `algo` last, only when set; but `sig,
/// algo, derivedVia, signedMessage, address` for a network's (`lit.bls`), as the SDK builds
/// that one. A repeated field is refused, as Lit's node refuses it.
///
/// Nothing here is secret: it is what travels to every node.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
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
    #[serde(default)]
    pub algo: Option<String>,
}

impl Serialize for AuthSig {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let fields = 4 + usize::from(self.algo.is_some());
        let mut out = serializer.serialize_struct("AuthSig", fields)?;
        out.serialize_field("sig", &self.sig)?;
        let network = self.derived_via == "lit.bls";
        if let (true, Some(algo)) = (network, &self.algo) {
            out.serialize_field("algo", algo)?;
        }
        out.serialize_field("derivedVia", &self.derived_via)?;
        out.serialize_field("signedMessage", &self.signed_message)?;
        out.serialize_field("address", &self.address)?;
        if let (false, Some(algo)) = (network, &self.algo) {
            out.serialize_field("algo", algo)?;
        }
        out.end()
    }
}
