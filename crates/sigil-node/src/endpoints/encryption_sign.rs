//! `POST /web/encryption/sign/` (and `/v1`): a BLS signature share of a decryption identity, for
//! a user whose session sig (or own wallet AuthSig) verifies and who meets the access control
//! conditions.

use crate::authorize::BareAuthSigs;
use crate::condition_reads::{Asker, ConditionContext};
use crate::error::NodeError;
use crate::http::AppJson;
use crate::state::NodeState;
use axum::extract::State;
use axum::Json;
use sigil_auth::{LitAbility, LitResource, ResourcePrefix};
use sigil_crypto::conditions::{ConditionEnv, ConditionSet};
use sigil_crypto::CryptoError;
use sigil_wire::{EncryptionSignRequest, EncryptionSignResponse, SignatureShareJson};
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
            BareAuthSigs::Accepted {
                chain: request.chain.as_deref(),
            },
        )
        .await?;

    let identity = resource.resource_key();
    let env = ConditionContext::read(
        &state,
        &conditions,
        Asker {
            user: context.user_address,
            siwe_domain: context.siwe_domain,
            siwe_resources: context.siwe_resources,
            current_action_ipfs_id: String::new(),
            nesting: 0,
        },
    )
    .await?;
    let key = state.network_key()?;
    let share_index = u32::from(key.share_id().saturating_sub(1));
    let share = state
        .cpu(move || {
            if !conditions.evaluate(&env)? {
                return Err(NodeError::NotAuthorized {
                    user: env.user_address().to_string(),
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
