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
use sigil_auth::{AuthMaterialKind, AuthSig, LitAbility, LitResource, ResourcePrefix, WalletChain};
use sigil_crypto::conditions::{ConditionEnv, ConditionSet};
use sigil_crypto::CryptoError;
use sigil_wire::{
    AuthSigItem, EncryptionSignRequest, EncryptionSignResponse, LitErrorCode, MultipleAuthSigs,
    SignatureShareJson,
};
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
    // The AuthSig the conditions are evaluated for, and the chain it is checked on.
    let (auth_sig, chain) = match request.auth_sig {
        AuthSigItem::Single(auth_sig) => {
            refuse_other_chains_wallet(&auth_sig, request.chain.as_deref(), &conditions)?;
            (auth_sig, request.chain.as_deref())
        }
        AuthSigItem::Multiple(auth_sigs) => {
            (ethereum_of(&auth_sigs, &conditions)?, Some("ethereum"))
        }
    };
    let resource_id = format!("{}/{}", conditions.hash_hex(), request.data_to_encrypt_hash);
    let resource = LitResource::new(ResourcePrefix::AccessControlCondition, resource_id)?;
    let context = state
        .authorize(
            auth_sig,
            &resource,
            LitAbility::AccessControlConditionDecryption,
            BareAuthSigs::Accepted { chain },
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

/// A Solana or Cosmos wallet's own AuthSig (the request's chain says which, as on Lit's nodes):
/// checked as Lit checks it, each failure with Lit's code. A valid one is then refused all the
/// same, saying why ([`other_chains_refusal`]).
fn refuse_other_chains_wallet(
    auth_sig: &AuthSig,
    chain: Option<&str>,
    conditions: &ConditionSet,
) -> Result<(), NodeError> {
    if AuthMaterialKind::of(auth_sig) != AuthMaterialKind::Wallet {
        return Ok(());
    }
    let chain = WalletChain::of(chain);
    if chain == WalletChain::Evm {
        return Ok(());
    }
    verify_other_chains_wallet(auth_sig, chain)?;
    Err(other_chains_refusal(conditions, chain.kind()))
}

/// One wallet AuthSig per chain: each checked as its chain's wallets are (every failure Lit's
/// code); then the Ethereum one, which EVM conditions are evaluated for.
fn ethereum_of(
    auth_sigs: &MultipleAuthSigs,
    conditions: &ConditionSet,
) -> Result<AuthSig, NodeError> {
    let mut held = auth_sigs.by_chain().peekable();
    if held.peek().is_none() {
        return Err(NodeError::Refused {
            code: LitErrorCode::NodeInvalidMultipleAuthSigs,
            reason: "No auth sig detected: give one AuthSig or one per chain (ethereum, solana, cosmos, kyve, cheqd, juno)".to_owned(),
        });
    }
    for (chain, auth_sig) in held {
        match WalletChain::of(Some(chain)) {
            // Checked when the request is authorised.
            WalletChain::Evm => {}
            other => verify_other_chains_wallet(auth_sig, other)?,
        }
    }
    match &auth_sigs.ethereum {
        Some(auth_sig) if conditions.unsupported_condition().is_none() => Ok(auth_sig.clone()),
        _ => Err(other_chains_refusal(conditions, "non-Ethereum")),
    }
}

fn verify_other_chains_wallet(auth_sig: &AuthSig, chain: WalletChain) -> Result<(), NodeError> {
    match chain {
        WalletChain::Evm => Ok(()),
        WalletChain::Solana => sigil_auth::verify_solana_auth_sig(auth_sig).map(drop),
        WalletChain::Cosmos { prefix } => {
            sigil_auth::verify_cosmos_auth_sig(auth_sig, prefix).map(drop)
        }
    }
    .map_err(NodeError::from)
}

/// Why a request signed by wallets of chains this node does not read is refused: the
/// conditions they could meet are Solana or Cosmos ones (the refusal names the chain kind), and
/// EVM conditions need an Ethereum wallet's AuthSig (`NodeInvalidEthereumAuthSig`).
fn other_chains_refusal(conditions: &ConditionSet, wallet_kind: &str) -> NodeError {
    match conditions.unsupported_condition() {
        Some(error) => error.into(),
        None => NodeError::Refused {
            code: LitErrorCode::NodeInvalidEthereumAuthSig,
            reason: format!(
                "No Ethereum auth sig found: the conditions are EVM conditions, and the AuthSig is a {wallet_kind} wallet's"
            ),
        },
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
