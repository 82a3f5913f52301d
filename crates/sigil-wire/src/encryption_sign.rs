use crate::AuthSigItem;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// `POST /web/encryption/sign/` body: a decryption share request, as the JS SDK v7 sends it.
///
/// Exactly one of the four condition lists is meant to be set; a node reads the first that is
/// present and not `null`, in field order. Each is kept as the raw JSON text received: the
/// conditions are hashed into the identity, so their bytes must not be re-ordered.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EncryptionSignRequest {
    /// `accessControlConditions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_control_conditions: Option<Box<RawValue>>,
    /// `evmContractConditions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evm_contract_conditions: Option<Box<RawValue>>,
    /// `solRpcConditions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sol_rpc_conditions: Option<Box<RawValue>>,
    /// `unifiedAccessControlConditions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unified_access_control_conditions: Option<Box<RawValue>>,
    /// SHA-256 of the plaintext, 64 lowercase hex characters.
    pub data_to_encrypt_hash: String,
    /// The chain the request is about (`ethereum` by default in the SDK).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain: Option<String>,
    /// The session sig made for this node, or a wallet's own AuthSig (one, or one per chain).
    pub auth_sig: AuthSigItem,
    /// The epoch the client believes current.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch: Option<u64>,
}

impl EncryptionSignRequest {
    /// The condition list a node reads: the first of the four present and not `null`, with its
    /// JSON key.
    pub fn conditions(&self) -> Option<(&'static str, &RawValue)> {
        [
            ("accessControlConditions", &self.access_control_conditions),
            ("evmContractConditions", &self.evm_contract_conditions),
            ("solRpcConditions", &self.sol_rpc_conditions),
            (
                "unifiedAccessControlConditions",
                &self.unified_access_control_conditions,
            ),
        ]
        .into_iter()
        .find_map(|(key, raw)| raw.as_deref().map(|raw| (key, raw)))
    }

    /// Sets the condition list named by its JSON key (one of the four; any other is refused).
    pub fn set_conditions(&mut self, key: &str, conditions: Box<RawValue>) -> Result<(), String> {
        let slot = match key {
            "accessControlConditions" => &mut self.access_control_conditions,
            "evmContractConditions" => &mut self.evm_contract_conditions,
            "solRpcConditions" => &mut self.sol_rpc_conditions,
            "unifiedAccessControlConditions" => &mut self.unified_access_control_conditions,
            other => return Err(format!("{other:?} is not a condition kind")),
        };
        *slot = Some(conditions);
        Ok(())
    }
}

/// A BLS signature share as blsful serialises it (`{"ProofOfPossession": "<hex>"}` for the
/// scheme Lit signs decryption identities with).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignatureShareJson {
    /// The basic scheme.
    Basic(String),
    /// The message-augmentation scheme.
    MessageAugmentation(String),
    /// The proof-of-possession scheme: 97 bytes (share id and compressed G2 point), as hex.
    ProofOfPossession(String),
}

/// `POST /web/encryption/sign/` answer (Datil's `EncryptionSignResponse`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EncryptionSignResponse {
    /// `"success"`.
    pub result: String,
    /// The node's share of the signature over the identity.
    pub signature_share: SignatureShareJson,
    /// The node's share index, zero-based.
    pub share_index: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AuthSig;

    fn auth_sig() -> AuthSig {
        AuthSig {
            sig: "s".into(),
            derived_via: "litSessionSignViaNacl".into(),
            signed_message: "m".into(),
            address: "a".into(),
            algo: Some("ed25519".into()),
        }
    }

    #[test]
    fn the_request_keeps_the_js_key_order_and_the_conditions_bytes() {
        let mut request = EncryptionSignRequest {
            access_control_conditions: None,
            evm_contract_conditions: None,
            sol_rpc_conditions: None,
            unified_access_control_conditions: None,
            data_to_encrypt_hash: "ab".into(),
            chain: Some("ethereum".into()),
            auth_sig: auth_sig().into(),
            epoch: Some(3),
        };
        let conditions = RawValue::from_string(r#"[{"b":1,"a":2}]"#.into()).expect("raw");
        request
            .set_conditions("unifiedAccessControlConditions", conditions)
            .expect("known kind");
        let text = serde_json::to_string(&request).expect("serialises");
        assert_eq!(
            text,
            r#"{"unifiedAccessControlConditions":[{"b":1,"a":2}],"dataToEncryptHash":"ab","chain":"ethereum","authSig":{"sig":"s","derivedVia":"litSessionSignViaNacl","signedMessage":"m","address":"a","algo":"ed25519"},"epoch":3}"#
        );
        let back: EncryptionSignRequest = serde_json::from_str(&text).expect("parses");
        let (key, raw) = back.conditions().expect("conditions");
        assert_eq!(
            (key, raw.get()),
            ("unifiedAccessControlConditions", r#"[{"b":1,"a":2}]"#)
        );
    }

    #[test]
    fn a_node_reads_the_first_condition_list_that_is_not_null() {
        let text = r#"{"accessControlConditions":null,"solRpcConditions":[1],"unifiedAccessControlConditions":[2],
            "dataToEncryptHash":"ab","authSig":{"sig":"s","derivedVia":"d","signedMessage":"m","address":"a"}}"#;
        let request: EncryptionSignRequest = serde_json::from_str(text).expect("parses");
        assert_eq!(
            request.conditions().map(|(k, r)| (k, r.get())),
            Some(("solRpcConditions", "[1]"))
        );
        assert_eq!(request.chain, None);
    }

    #[test]
    fn the_answer_is_datils_shape() {
        let answer = EncryptionSignResponse {
            result: "success".into(),
            signature_share: SignatureShareJson::ProofOfPossession("01ab".into()),
            share_index: 0,
        };
        assert_eq!(
            serde_json::to_string(&answer).unwrap_or_default(),
            r#"{"result":"success","signatureShare":{"ProofOfPossession":"01ab"},"shareIndex":0}"#
        );
    }
}
