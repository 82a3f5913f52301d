//! `POST /web/sign_session_key/v1`: the network signs a session's SIWE message for a PKP, in the
//! JS SDK v7's shape (`signSessionKey`, behind `getPkpSessionSigs` and
//! `getLitActionSessionSigs`).

use crate::SignatureShareJson;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Where the JS SDK v7 asks a node to sign a session key.
pub const SIGN_SESSION_KEY_PATH: &str = "/web/sign_session_key/v1";

/// The request body, the same to every node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignSessionKeyRequest {
    /// `lit:session:<ed25519 public key hex>`: must be the SIWE message's URI.
    pub session_key: String,
    /// What proves the right to the PKP (may be empty when a Lit Action does).
    pub auth_methods: Vec<AuthMethod>,
    /// The PKP's public key, uncompressed, hex (`0x` optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pkp_public_key: Option<String>,
    /// Refused when present: a session key is signed on auth methods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_sig: Option<Value>,
    /// The SIWE message (with its ReCap) the client asks the network to sign for the PKP.
    pub siwe_message: String,
    /// `BLS`.
    pub curve_type: String,
    /// A Lit Action's IPFS CIDv0: the action authenticates the session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lit_action_ipfs_id: Option<String>,
    /// Or its code, UTF-8 in standard padded base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The action's globals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub js_params: Option<Map<String, Value>>,
    /// The epoch the client is connected at (absent, `null` or 0: the current one).
    #[serde(default)]
    pub epoch: Option<u64>,
}

/// An auth method: its type (1: an Ethereum wallet, whose token is an AuthSig in JSON) and token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthMethod {
    /// The method's type.
    pub auth_method_type: u32,
    /// Its token: a credential, never logged.
    pub access_token: String,
}

impl std::fmt::Debug for AuthMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthMethod")
            .field("auth_method_type", &self.auth_method_type)
            .finish_non_exhaustive()
    }
}

/// One node's answer: its share of the network's BLS signature over the SIWE message it rebuilt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignSessionKeyResponse {
    /// `success`.
    pub result: String,
    /// The share, over `dataSigned`.
    pub signature_share: SignatureShareJson,
    /// This node's share index (0-based).
    pub share_index: u32,
    /// `BLS`.
    pub curve_type: String,
    /// The SIWE message the network signs (the same on every node).
    pub siwe_message: String,
    /// What the share signs: `sha256("lit_session:" + hex(EIP-191 hash of siweMessage))`, hex.
    pub data_signed: String,
    /// The network's BLS public key, hex.
    pub bls_root_pubkey: String,
}
