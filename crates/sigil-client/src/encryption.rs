//! `encrypt` (local) and `decrypt` (one request per node, threshold combine).

use crate::client::Connection;
use crate::node_http::{self, new_request_id};
use crate::{ClientError, LitNodeClient, NodeFailure};
use futures::stream::FuturesUnordered;
use serde::{Deserialize, Serialize};
use sigil_auth::{AuthSig, SessionSigs};
use sigil_crypto::bls::{self, EncryptResponse, NetworkPublicKey, SignatureShare};
use sigil_crypto::conditions::ConditionSet;
use sigil_wire::{
    EncryptionSignRequest, EncryptionSignResponse, RawValue, SignatureShareJson,
    ENCRYPTION_SIGN_PATH,
};

/// What to decrypt (the JS `decrypt` params, without the session sigs).
///
/// Serialises as the CLI's encrypted-item JSON: `{ciphertext, dataToEncryptHash,
/// <conditions key>: [...]}` (plus `chain` when it is not `ethereum`).
#[derive(Debug, Clone, PartialEq)]
pub struct DecryptRequest {
    /// The conditions the data was encrypted under.
    pub conditions: ConditionSet,
    /// Standard base64 ciphertext, as `encrypt` returned it.
    pub ciphertext: String,
    /// Lowercase hex SHA-256 of the plaintext, as `encrypt` returned it.
    pub data_to_encrypt_hash: String,
    /// Chain name sent to the nodes; default `ethereum`.
    pub chain: String,
}

impl DecryptRequest {
    /// A request for an [`EncryptResponse`] made under `conditions`, on chain `ethereum`.
    pub fn new(conditions: ConditionSet, encrypted: EncryptResponse) -> Self {
        DecryptRequest {
            conditions,
            ciphertext: encrypted.ciphertext,
            data_to_encrypt_hash: encrypted.data_to_encrypt_hash,
            chain: "ethereum".to_owned(),
        }
    }

    /// The identity the ciphertext is encrypted to.
    pub fn identity(&self) -> String {
        self.conditions.identity(&self.data_to_encrypt_hash)
    }

    /// The `/web/encryption/sign/` request for one node, as the JS SDK writes it: the
    /// conditions in canonical form (unified ones without `conditionType`), then
    /// `dataToEncryptHash, chain, authSig, epoch?`.
    fn node_request(
        &self,
        auth_sig: &sigil_auth::AuthSig,
        epoch: Option<u64>,
    ) -> Result<EncryptionSignRequest, ClientError> {
        let conditions = RawValue::from_string(self.conditions.canonical_json())
            .map_err(|e| ClientError::InvalidConfig(format!("conditions JSON: {e}")))?;
        let mut request = EncryptionSignRequest {
            access_control_conditions: None,
            evm_contract_conditions: None,
            sol_rpc_conditions: None,
            unified_access_control_conditions: None,
            data_to_encrypt_hash: self.data_to_encrypt_hash.clone(),
            chain: Some(self.chain.clone()),
            auth_sig: auth_sig.clone().into(),
            epoch,
        };
        request
            .set_conditions(self.conditions.json_key(), conditions)
            .map_err(ClientError::InvalidConfig)?;
        Ok(request)
    }
}

fn json_text<T: Serialize + ?Sized>(value: &T) -> Result<String, ClientError> {
    serde_json::to_string(value)
        .map_err(|e| ClientError::InvalidConfig(format!("cannot serialise request: {e}")))
}

/// The encrypted-item JSON the CLI prints and reads.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct EncryptedItemWire {
    ciphertext: String,
    data_to_encrypt_hash: String,
    #[serde(default = "default_chain", skip_serializing_if = "is_default_chain")]
    chain: String,
}

fn default_chain() -> String {
    "ethereum".to_owned()
}

fn is_default_chain(chain: &str) -> bool {
    chain == "ethereum"
}

impl DecryptRequest {
    /// `{ciphertext, dataToEncryptHash, <conditions key>: [...]}` as JSON text (`chain`
    /// added when it is not `ethereum`), what `sigil encrypt` prints.
    pub fn to_json_string(&self) -> Result<String, ClientError> {
        let wire = EncryptedItemWire {
            ciphertext: self.ciphertext.clone(),
            data_to_encrypt_hash: self.data_to_encrypt_hash.clone(),
            chain: self.chain.clone(),
        };
        let head = json_text(&wire)?;
        let head = head.strip_suffix('}').unwrap_or(&head);
        Ok(format!(
            "{head},{}:{}}}",
            json_text(self.conditions.json_key())?,
            self.conditions.to_json_string()
        ))
    }

    /// Parses the JSON of [`DecryptRequest::to_json_string`] (the conditions under any of the
    /// four keys; `chain` optional).
    pub fn from_json_str(text: &str) -> Result<Self, ClientError> {
        let wire: EncryptedItemWire = serde_json::from_str(text)
            .map_err(|e| ClientError::InvalidConfig(format!("encrypted item JSON: {e}")))?;
        let conditions = ConditionSet::from_request_str(text)?;
        Ok(DecryptRequest {
            conditions,
            ciphertext: wire.ciphertext,
            data_to_encrypt_hash: wire.data_to_encrypt_hash,
            chain: wire.chain,
        })
    }
}

fn subnet_public_key(connection: &Connection) -> Result<NetworkPublicKey, ClientError> {
    let hex = connection
        .subnet_public_key
        .as_deref()
        .ok_or(ClientError::MissingHandshakeField("subnetPublicKey"))?;
    NetworkPublicKey::from_hex(hex)
        .map_err(|_| ClientError::MissingHandshakeField("subnetPublicKey"))
}

impl LitNodeClient {
    /// Encrypts `data` so that only those meeting `conditions` can decrypt it, as the JS SDK's
    /// `encrypt`: local, no node call; needs the `subnetPublicKey` from `connect()`.
    pub fn encrypt(
        &self,
        conditions: &ConditionSet,
        data: &[u8],
    ) -> Result<EncryptResponse, ClientError> {
        let connection = self.require_connection()?;
        let key = subnet_public_key(&connection)?;
        Ok(bls::encrypt_for_conditions(&key, conditions, data)?)
    }

    /// [`LitNodeClient::encrypt`] of a string's UTF-8 bytes (`encryptString`).
    pub fn encrypt_string(
        &self,
        conditions: &ConditionSet,
        text: &str,
    ) -> Result<EncryptResponse, ClientError> {
        self.encrypt(conditions, text.as_bytes())
    }

    /// Decrypts as the JS SDK's `decrypt`: each connected node gets `POST /web/encryption/sign/`
    /// with its own session sig and one shared `X-Request-Id`; once `min_node_count` shares
    /// are in they are combined and the ciphertext decrypted with the result, which succeeds
    /// only with the signature of its identity under the network key (a failure is checked
    /// against the key to tell wrong shares from a bad ciphertext; see
    /// `sigil_crypto::bls::combine_and_decrypt`).
    ///
    /// Node refusals come back in [`ClientError::NodeErrors`], each with the node URL, HTTP
    /// status, Lit `errorCode` and message.
    pub async fn decrypt(
        &self,
        request: &DecryptRequest,
        session_sigs: &SessionSigs,
    ) -> Result<Vec<u8>, ClientError> {
        self.decrypt_as(request, |url| {
            session_sigs
                .get(url)
                .ok_or_else(|| ClientError::MissingSessionSig {
                    url: url.to_owned(),
                })
        })
        .await
    }

    /// [`LitNodeClient::decrypt`] with a wallet's own AuthSig (the JS SDK's `decrypt` given
    /// `authSig`): every node gets the same AuthSig, a wallet's EIP-191 signature of a SIWE
    /// message of its own ([`generate_auth_sig`](crate::generate_auth_sig)). The nodes check
    /// the signature and its times; it carries no session, so it grants every resource and the
    /// conditions alone decide.
    pub async fn decrypt_with_auth_sig(
        &self,
        request: &DecryptRequest,
        auth_sig: &AuthSig,
    ) -> Result<Vec<u8>, ClientError> {
        self.decrypt_as(request, |_| Ok(auth_sig)).await
    }

    /// Decrypts with `auth_sig_for(url)` as each node's credential.
    async fn decrypt_as<'a>(
        &self,
        request: &DecryptRequest,
        auth_sig_for: impl Fn(&str) -> Result<&'a AuthSig, ClientError>,
    ) -> Result<Vec<u8>, ClientError> {
        let connection = self.require_connection()?;
        let key = subnet_public_key(&connection)?;
        let ciphertext = bls::ciphertext_from_base64(&request.ciphertext)?;
        let identity = request.identity();
        let epoch = connection.current_epoch_number();

        let mut bodies = Vec::with_capacity(connection.connected_nodes.len());
        for url in &connection.connected_nodes {
            let auth_sig = auth_sig_for(url)?;
            bodies.push((url.clone(), request.node_request(auth_sig, epoch)?));
        }

        let request_id = new_request_id();
        let needed = connection.min_node_count;
        let pending: FuturesUnordered<_> = bodies
            .into_iter()
            .map(|(url, body)| {
                let request_id = request_id.as_str();
                async move {
                    let answer = node_http::post_json::<EncryptionSignResponse>(
                        &self.http,
                        &url,
                        ENCRYPTION_SIGN_PATH,
                        &body,
                        request_id,
                        self.config.request_timeout,
                    )
                    .await
                    .and_then(|answer| share_from_answer(&url, &answer));
                    answer
                }
            })
            .collect();
        let shares = node_http::first_successes(pending, needed, &request_id).await?;
        Ok(bls::combine_and_decrypt(
            &key,
            identity.as_bytes(),
            &ciphertext,
            &shares,
            needed,
        )?)
    }

    /// [`LitNodeClient::decrypt`] to a UTF-8 string (`decryptToString`).
    pub async fn decrypt_to_string(
        &self,
        request: &DecryptRequest,
        session_sigs: &SessionSigs,
    ) -> Result<String, ClientError> {
        let bytes = self.decrypt(request, session_sigs).await?;
        String::from_utf8(bytes).map_err(|_| ClientError::NotUtf8)
    }
}

/// The share in a node's answer: the proof-of-possession share blsful writes, the only one the
/// JS SDK combines.
fn share_from_answer(
    url: &str,
    answer: &EncryptionSignResponse,
) -> Result<SignatureShare, NodeFailure> {
    share_from_signature(url, &answer.signature_share)
}

/// A node's BLS share as it writes it: the proof-of-possession share is the only one the JS SDK
/// combines.
pub(crate) fn share_from_signature(
    url: &str,
    signature_share: &SignatureShareJson,
) -> Result<SignatureShare, NodeFailure> {
    let share = match signature_share {
        SignatureShareJson::ProofOfPossession(hex) => SignatureShare::from_hex(hex).ok(),
        SignatureShareJson::Basic(_) | SignatureShareJson::MessageAugmentation(_) => None,
    };
    share.ok_or_else(|| NodeFailure {
        url: url.to_owned(),
        status: Some(200),
        error_kind: None,
        error_code: None,
        message: "invalid signatureShare".to_owned(),
        logs: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use sigil_auth::AuthSig;

    fn conditions() -> ConditionSet {
        ConditionSet::from_document(
            r#"[{"contractAddress":"","standardContractType":"","chain":"ethereum","method":"",
                "parameters":[":userAddress"],
                "returnValueTest":{"comparator":"=","value":"0x50e2dac5e78B5905CB09495547452cEE64426db2"}}]"#,
        )
        .unwrap_or_else(|e| panic!("conditions: {e}"))
    }

    fn request() -> DecryptRequest {
        DecryptRequest {
            conditions: conditions(),
            ciphertext: "AAAA".into(),
            data_to_encrypt_hash: "ab".repeat(32),
            chain: "ethereum".into(),
        }
    }

    #[test]
    fn node_body_keeps_the_js_key_order() -> Result<(), ClientError> {
        let auth_sig = AuthSig {
            sig: "s".into(),
            derived_via: "litSessionSignViaNacl".into(),
            signed_message: "m".into(),
            address: "a".into(),
            algo: Some("ed25519".into()),
        };
        let body =
            serde_json::to_string(&request().node_request(&auth_sig, Some(3))?).unwrap_or_default();
        let conditions_at = body.find("\"accessControlConditions\"");
        let hash_at = body.find("\"dataToEncryptHash\"");
        let chain_at = body.find("\"chain\":\"ethereum\",\"authSig\"");
        let epoch_at = body.find("\"epoch\":3}");
        assert_eq!(conditions_at, Some(1));
        assert!(
            hash_at > conditions_at && chain_at > hash_at && epoch_at > chain_at,
            "{body}"
        );
        let parsed: Value = serde_json::from_str(&body).unwrap_or_default();
        assert_eq!(parsed["authSig"]["algo"], "ed25519");
        assert_eq!(ConditionSet::from_request_str(&body)?, conditions());
        Ok(())
    }

    #[test]
    fn unified_conditions_go_to_nodes_without_condition_type_as_the_sdk_sends_them(
    ) -> Result<(), ClientError> {
        let document = r#"{"unifiedAccessControlConditions":[{"conditionType":"evmBasic",
            "contractAddress":"","standardContractType":"","chain":"ethereum","method":"",
            "parameters":[":userAddress"],"returnValueTest":{"comparator":"=","value":"0x1"}}]}"#;
        let conditions = ConditionSet::from_document(document)?;
        let auth_sig = AuthSig {
            sig: "s".into(),
            derived_via: "litSessionSignViaNacl".into(),
            signed_message: "m".into(),
            address: "a".into(),
            algo: Some("ed25519".into()),
        };
        let request = DecryptRequest {
            conditions: conditions.clone(),
            ..request()
        };
        let body =
            serde_json::to_string(&request.node_request(&auth_sig, None)?).unwrap_or_default();
        let expected = format!(
            "{{\"unifiedAccessControlConditions\":{},\"dataToEncryptHash\"",
            conditions.canonical_json()
        );
        assert!(body.starts_with(&expected), "{body}");
        assert!(!body.contains("conditionType"), "{body}");
        // The encrypted item a user keeps still carries it, for the SDK's formatters.
        assert!(request
            .to_json_string()?
            .contains(r#""conditionType":"evmBasic""#));
        Ok(())
    }

    #[test]
    fn encrypted_item_json_round_trips() -> Result<(), ClientError> {
        let text = request().to_json_string()?;
        assert!(
            text.starts_with(r#"{"ciphertext":"AAAA","dataToEncryptHash":"#),
            "{text}"
        );
        let parsed: Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(
            parsed.get("chain"),
            None,
            "the default chain is left out: {text}"
        );
        assert_eq!(DecryptRequest::from_json_str(&text)?, request());
        let other_chain = DecryptRequest {
            chain: "polygon".into(),
            ..request()
        };
        assert_eq!(
            DecryptRequest::from_json_str(&other_chain.to_json_string()?)?,
            other_chain
        );
        assert!(DecryptRequest::from_json_str("{\"ciphertext\":\"x\"}").is_err());
        Ok(())
    }

    #[test]
    fn answers_without_a_usable_share_are_node_failures() {
        let answer = |share| EncryptionSignResponse {
            result: "success".into(),
            signature_share: share,
            share_index: 0,
        };
        let bad = share_from_answer(
            "http://n",
            &answer(SignatureShareJson::ProofOfPossession("00".into())),
        );
        assert_eq!(
            bad.err().map(|f| f.message),
            Some("invalid signatureShare".to_string())
        );
        let other_scheme =
            share_from_answer("http://n", &answer(SignatureShareJson::Basic("00".into())));
        assert!(other_scheme.is_err());
    }
}
