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

/// What an `authSig` field holds where Lit's nodes take more than one chain's wallet: one
/// AuthSig (a session sig, or a wallet's own), or one wallet AuthSig per chain kind, as
/// conditions over several chains need them.
///
/// An object with any of an AuthSig's keys is read as one AuthSig, so what is wrong with it (a
/// repeated key, a missing field) is what a refusal says; any other object as one per chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum AuthSigItem {
    /// One AuthSig.
    Single(AuthSig),
    /// One per chain.
    Multiple(Box<MultipleAuthSigs>),
}

impl<'de> Deserialize<'de> for AuthSigItem {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let raw = Box::<serde_json::value::RawValue>::deserialize(deserializer)?;
        let keys: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(raw.get()).map_err(D::Error::custom)?;
        const AUTH_SIG_KEYS: [&str; 5] = ["sig", "derivedVia", "signedMessage", "address", "algo"];
        if AUTH_SIG_KEYS.iter().any(|key| keys.contains_key(*key)) {
            serde_json::from_str(raw.get())
                .map(AuthSigItem::Single)
                .map_err(D::Error::custom)
        } else {
            serde_json::from_str(raw.get())
                .map(|auth_sigs| AuthSigItem::Multiple(Box::new(auth_sigs)))
                .map_err(D::Error::custom)
        }
    }
}

impl From<AuthSig> for AuthSigItem {
    fn from(auth_sig: AuthSig) -> Self {
        AuthSigItem::Single(auth_sig)
    }
}

/// A wallet AuthSig per chain, under Lit's keys: each is checked as its chain's wallets are
/// (`ethereum` as an EVM wallet's, `solana` as a Solana one's, the others as Cosmos ones' with
/// their own address prefix).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MultipleAuthSigs {
    /// An EVM wallet's AuthSig.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ethereum: Option<AuthSig>,
    /// A Solana wallet's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solana: Option<AuthSig>,
    /// A Cosmos Hub wallet's (`cosmos` addresses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cosmos: Option<AuthSig>,
    /// A Kyve wallet's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kyve: Option<AuthSig>,
    /// A cheqd wallet's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cheqd: Option<AuthSig>,
    /// A Juno wallet's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub juno: Option<AuthSig>,
}

impl MultipleAuthSigs {
    /// The AuthSigs held, each with the Lit chain name it is checked on, in Lit's key order.
    pub fn by_chain(&self) -> impl Iterator<Item = (&'static str, &AuthSig)> {
        [
            ("ethereum", &self.ethereum),
            ("solana", &self.solana),
            ("cosmos", &self.cosmos),
            ("kyve", &self.kyve),
            ("cheqd", &self.cheqd),
            ("juno", &self.juno),
        ]
        .into_iter()
        .filter_map(|(chain, auth_sig)| auth_sig.as_ref().map(|auth_sig| (chain, auth_sig)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_auth_sig_field_is_one_auth_sig_or_one_per_chain_and_says_what_is_wrong_with_either() {
        let one = r#"{"sig":"0x1","derivedVia":"web3.eth.personal.sign","signedMessage":"m","address":"0xa"}"#;
        let read: AuthSigItem = serde_json::from_str(one).expect("one AuthSig");
        assert!(matches!(&read, AuthSigItem::Single(auth_sig) if auth_sig.sig == "0x1"));
        assert_eq!(serde_json::to_string(&read).expect("json"), one);

        let per_chain = format!(r#"{{"ethereum":{one},"solana":{one}}}"#);
        let read: AuthSigItem = serde_json::from_str(&per_chain).expect("one per chain");
        let AuthSigItem::Multiple(auth_sigs) = &read else {
            panic!("expected one per chain, got {read:?}");
        };
        let chains: Vec<_> = auth_sigs.by_chain().map(|(chain, _)| chain).collect();
        assert_eq!(chains, ["ethereum", "solana"]);
        assert_eq!(serde_json::to_string(&read).expect("json"), per_chain);

        let repeated =
            r#"{"sig":"a","sig":"b","derivedVia":"x","signedMessage":"m","address":"a"}"#;
        let error = serde_json::from_str::<AuthSigItem>(repeated).expect_err("refused");
        assert!(
            error.to_string().contains("duplicate field `sig`"),
            "{error}"
        );
        let missing = r#"{"sig":"a","derivedVia":"x"}"#;
        let error = serde_json::from_str::<AuthSigItem>(missing).expect_err("refused");
        assert!(error.to_string().contains("signedMessage"), "{error}");
        let error = serde_json::from_str::<AuthSigItem>(r#"{"ethereum":5}"#).expect_err("refused");
        assert!(error.to_string().contains("invalid type"), "{error}");
    }
}
