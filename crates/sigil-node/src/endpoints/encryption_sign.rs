//! `POST /web/encryption/sign/`: a BLS signature share of a decryption identity, for a user
//! whose session sig verifies and who meets the access control conditions.

use crate::condition_reads::ConditionReader;
use crate::error::NodeError;
use crate::http::AppJson;
use crate::state::NodeState;
use axum::extract::State;
use axum::Json;
use sigil_auth::{LitAbility, LitResource, ResourcePrefix};
use sigil_crypto::conditions::{
    ChainAnswer, ChainRead, ChainReadError, ConditionEnv, ConditionSet, Requester,
};
use sigil_crypto::CryptoError;
use sigil_wire::{EncryptionSignRequest, EncryptionSignResponse, SignatureShareJson};
use std::collections::HashMap;
use std::sync::Arc;

/// The flow in Lit's order: conditions (count, hash), resource, session sig, rate limit,
/// evaluation, BLS share.
pub(super) async fn encryption_sign(
    State(state): State<Arc<NodeState>>,
    AppJson(request): AppJson<EncryptionSignRequest>,
) -> Result<Json<EncryptionSignResponse>, NodeError> {
    let (kind, text) = request.conditions().ok_or(CryptoError::MissingConditions)?;
    let conditions = ConditionSet::from_kind_text(kind, text.get())?;
    if !is_sha256_hex(&request.data_to_encrypt_hash) {
        return Err(NodeError::InvalidDataToEncryptHash);
    }
    let resource_id = format!("{}/{}", conditions.hash_hex(), request.data_to_encrypt_hash);
    let resource = LitResource::new(ResourcePrefix::AccessControlCondition, resource_id)?;
    let context = state
        .authorize(
            request.auth_sig,
            &resource,
            LitAbility::AccessControlConditionDecryption,
        )
        .await?;

    let identity = resource.resource_key();
    let user = context.user_address;
    // What the conditions read from chains, read before they are evaluated (concurrently,
    // within the node's bounds).
    let reads = conditions.chain_reads(&Requester {
        user,
        siwe_resources: &context.siwe_resources,
    })?;
    let reader = &state.condition_reader;
    let env = Env {
        user,
        reader: reader.clone(),
        answers: reader.read_all(&reads).await,
        siwe_domain: context.siwe_domain,
        siwe_resources: context.siwe_resources,
    };
    let key = state.network_key()?;
    let share_index = u32::from(key.share_id().saturating_sub(1));
    let share = state
        .cpu(move || {
            if !conditions.evaluate(&env)? {
                return Err(NodeError::NotAuthorized {
                    user: env.user.to_string(),
                });
            }
            Ok(key.sign_share(identity.as_bytes()))
        })
        .await??;
    Ok(Json(EncryptionSignResponse {
        result: "success".to_owned(),
        signature_share: SignatureShareJson::ProofOfPossession(share.to_hex()),
        share_index,
    }))
}

struct Env {
    user: alloy_primitives::Address,
    reader: ConditionReader,
    answers: HashMap<ChainRead, Result<ChainAnswer, ChainReadError>>,
    siwe_domain: String,
    siwe_resources: Vec<String>,
}

impl ConditionEnv for Env {
    fn user_address(&self) -> alloy_primitives::Address {
        self.user
    }
    fn knows_chain(&self, chain: &str) -> bool {
        self.reader.knows(chain)
    }
    fn chain_read(&self, read: &ChainRead) -> Result<ChainAnswer, ChainReadError> {
        self.answers.get(read).cloned().unwrap_or_else(|| {
            Err(ChainReadError::Failed(
                "the read was not made before evaluation".to_owned(),
            ))
        })
    }
    fn siwe_domain(&self) -> &str {
        &self.siwe_domain
    }
    fn siwe_resources(&self) -> &[String] {
        &self.siwe_resources
    }
}

/// `dataToEncryptHash` as the SDKs make it: sha256, 64 lowercase hex characters. It becomes part
/// of the identity that is signed, so anything else is refused rather than signed.
fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_to_encrypt_hash_must_be_lowercase_sha256_hex() {
        assert!(is_sha256_hex(&"ab".repeat(32)));
        assert!(!is_sha256_hex(&"AB".repeat(32)));
        assert!(!is_sha256_hex(&"ab".repeat(31)));
        assert!(!is_sha256_hex(&"zz".repeat(32)));
    }
}
