//! `POST /web/execute/v1`: a Lit Action run on a node, in the JS SDK v7's shape.

use crate::AuthSig;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Where the JS SDK v7 asks a node to run a Lit Action.
pub const EXECUTE_JS_PATH: &str = "/web/execute/v1";

/// The request body, as `executeJs` sends it (one per node, each with that node's session sig).
/// Fields the SDK spreads along (`responseStrategy`, `useSingleNode`, `ipfsOptions`, ...) are
/// ignored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecuteJsRequest {
    /// The action's source, UTF-8, in standard padded base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The action's IPFS CIDv0 (`Qm…`), when the node fetches the code itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipfs_id: Option<String>,
    /// Globals for the action: each key becomes a global variable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub js_params: Option<Map<String, Value>>,
    /// The session sig for this node.
    pub auth_sig: AuthSig,
    /// Refused when present: a run acts for the session's user only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_methods: Option<Value>,
    /// The epoch the client is connected at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch: Option<u64>,
}

/// A node's answer to a run that finished. Every object is present, even empty: the JS SDK
/// reads the keys of `signedData` and `claimData`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecuteJsResponse {
    /// `true`.
    pub success: bool,
    /// This node's signature shares, by the `sigName` the action gave.
    pub signed_data: BTreeMap<String, ActionSignatureShare>,
    /// Always empty, as on Datil.
    pub decrypted_data: Map<String, Value>,
    /// Key ids the action claimed, by the `keyId` it gave.
    pub claim_data: BTreeMap<String, ActionClaim>,
    /// What the action passed to `setResponse` (empty when it did not).
    pub response: String,
    /// The action's console output, one line per call.
    pub logs: String,
}

/// One node's share of a signature an action asked for (`Lit.Actions.signEcdsa`), camelCase
/// as Lit's node writes it; the hex values are quoted as in [`crate::EcdsaSignatureShare`]
/// (empty for a node outside the signing set, which the SDK drops).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionSignatureShare {
    /// [`crate::SIG_TYPE_K256`].
    pub sig_type: String,
    /// The hash signed.
    pub data_signed: String,
    /// The node's additive share of `s`.
    pub signature_share: String,
    /// The node's place in the signing set.
    pub share_index: u32,
    /// The nonce point `R`, compressed.
    pub big_r: String,
    /// The PKP's public key.
    pub public_key: String,
    /// The name the action gave the signature.
    pub sig_name: String,
}

/// A node's signature over a key id an action claimed (`Lit.Actions.claimKey`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionClaim {
    /// The node's EIP-191 signature over `derivedKeyId`, hex.
    pub signature: String,
    /// `keccak256("<action CID>_<keyId>")`, hex.
    pub derived_key_id: String,
}

/// A node's answer to a run whose action threw: HTTP 400, as Lit's node answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecuteJsFailure {
    /// `false`.
    pub success: bool,
    /// The exception, as text.
    pub error: String,
    /// The console output until it threw.
    pub logs: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_answer_still_has_every_object() {
        let json = serde_json::to_string(&ExecuteJsResponse {
            success: true,
            ..ExecuteJsResponse::default()
        })
        .expect("json");
        assert_eq!(
            json,
            r#"{"success":true,"signedData":{},"decryptedData":{},"claimData":{},"response":"","logs":""}"#
        );
    }

    #[test]
    fn the_sdk_s_body_parses_with_its_extra_fields() {
        let body = r#"{"code":"Y29uc29sZS5sb2coMSk=","jsParams":{"a":[1,2]},"authSig":{"sig":"","derivedVia":"","signedMessage":"","address":""},"epoch":3,"responseStrategy":{"strategy":"leastCommon"},"useSingleNode":false}"#;
        let request: ExecuteJsRequest = serde_json::from_str(body).expect("parses");
        assert_eq!(request.code.as_deref(), Some("Y29uc29sZS5sb2coMSk="));
        assert_eq!(request.epoch, Some(3));
        assert_eq!(
            request.js_params.expect("params")["a"],
            serde_json::json!([1, 2])
        );
    }
}
