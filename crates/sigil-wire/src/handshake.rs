use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// `POST /web/handshake/` body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HandshakeRequest {
    /// The JS SDK v7 sends `"test"`; Lit's node requires the field.
    pub client_public_key: String,
    /// 64 random hex characters, which SEV-SNP attestation signs.
    pub challenge: String,
    /// The epoch the client believes current; absent before the client knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch: Option<u64>,
}

/// `POST /web/handshake/` answer (Datil's `JsonSDKHandshakeResponse`).
///
/// Read leniently: a node that is still starting answers `"ERR"` or leaves fields out, so every
/// field is optional and a value of the wrong JSON type reads as absent, never as a failure of
/// the whole answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HandshakeResponse {
    /// This node's public key share.
    #[serde(default, deserialize_with = "lenient")]
    pub server_public_key: Option<String>,
    /// The BLS network public key ciphertexts are encrypted to (96 hex).
    #[serde(default, deserialize_with = "lenient")]
    pub subnet_public_key: Option<String>,
    /// The same key under its newer name.
    #[serde(default, deserialize_with = "lenient")]
    pub network_public_key: Option<String>,
    /// The same key, as a key set.
    #[serde(default, deserialize_with = "lenient")]
    pub network_public_key_set: Option<String>,
    /// Root public keys of PKP key derivation.
    #[serde(default, deserialize_with = "lenient")]
    pub hd_root_pubkeys: Option<Vec<String>>,
    /// The chain's latest block hash, the nonce SIWE messages must carry.
    #[serde(default, deserialize_with = "lenient")]
    pub latest_blockhash: Option<String>,
    /// SEV-SNP attestation report; `null` on nodes without one.
    #[serde(default)]
    pub attestation: Option<Value>,
    /// The SDK version the node understood the client to be.
    #[serde(default, deserialize_with = "lenient")]
    pub client_sdk_version: Option<String>,
    /// The node's software version.
    #[serde(default, deserialize_with = "lenient")]
    pub node_version: Option<String>,
    /// The node's current epoch.
    #[serde(default, deserialize_with = "lenient")]
    pub epoch: Option<u64>,
}

/// `Some` when the value has the field's type, `None` otherwise.
fn lenient<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let value = Value::deserialize(deserializer)?;
    Ok(serde_json::from_value(value).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_is_written_as_the_js_sdk_writes_it() {
        let mut request = HandshakeRequest {
            client_public_key: "test".into(),
            challenge: "ab".into(),
            epoch: Some(5),
        };
        let text = serde_json::to_string(&request).unwrap_or_default();
        assert_eq!(
            text,
            r#"{"clientPublicKey":"test","challenge":"ab","epoch":5}"#
        );
        request.epoch = None;
        let text = serde_json::to_string(&request).unwrap_or_default();
        assert_eq!(text, r#"{"clientPublicKey":"test","challenge":"ab"}"#);
    }

    #[test]
    fn answers_of_starting_nodes_are_read_field_by_field() {
        let minimal: HandshakeResponse =
            serde_json::from_str(r#"{"latestBlockhash":"0x8e2e"}"#).unwrap_or_default();
        assert_eq!(minimal.latest_blockhash.as_deref(), Some("0x8e2e"));
        assert_eq!(minimal.subnet_public_key, None);
        let odd: HandshakeResponse = serde_json::from_str(
            r#"{"latestBlockhash":5,"hdRootPubkeys":"x","subnetPublicKey":"ERR"}"#,
        )
        .unwrap_or_default();
        assert_eq!(odd.latest_blockhash, None);
        assert_eq!(odd.hd_root_pubkeys, None);
        assert_eq!(odd.subnet_public_key.as_deref(), Some("ERR"));
    }
}
