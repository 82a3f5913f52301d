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
use sigil_crypto::conditions::{ConditionSet, Wallets};
use sigil_crypto::CryptoError;
use sigil_wire::{
    AuthSigItem, EncryptionSignRequest, EncryptionSignResponse, LitErrorCode, MultipleAuthSigs,
    SignatureShareJson,
};
use std::sync::Arc;

/// The flow in Lit's order: conditions (count, hash), resource, session sig (or the wallets'
/// own AuthSigs), rate limit, evaluation, BLS share.
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
    let signers = match request.auth_sig {
        AuthSigItem::Single(auth_sig) => Signers::of_single(auth_sig, request.chain.as_deref())?,
        AuthSigItem::Multiple(auth_sigs) => Signers::of_multiple(&auth_sigs)?,
    };
    let mut wallets = signers.wallets;
    let (user, siwe_domain, siwe_resources) = match signers.ethereum {
        Some(auth_sig) => {
            // One AuthSig is checked on the request's chain; one of several, on Ethereum.
            let chain = if signers.single {
                request.chain.as_deref()
            } else {
                Some("ethereum")
            };
            let context = state
                .authorize(
                    auth_sig,
                    &resource,
                    LitAbility::AccessControlConditionDecryption,
                    BareAuthSigs::Accepted { chain },
                )
                .await?;
            wallets.ethereum = true;
            (
                context.user_address,
                context.siwe_domain,
                context.siwe_resources,
            )
        }
        None => (
            state.count_other_chains_wallet(&wallets).await?,
            String::new(),
            Vec::new(),
        ),
    };
    let refused_user = match (wallets.ethereum, other_wallets(&wallets).next()) {
        (false, Some(address)) => address.to_owned(),
        _ => user.to_string(),
    };

    let identity = resource.resource_key();
    let env = ConditionContext::read(
        &state,
        &conditions,
        Asker {
            user,
            siwe_domain,
            siwe_resources,
            current_action_ipfs_id: String::new(),
            nesting: 0,
            wallets,
        },
    )
    .await?;
    let key = state.network_key()?;
    let share_index = u32::from(key.share_id().saturating_sub(1));
    let share = state
        .cpu(move || {
            if !conditions.evaluate(&env)? {
                return Err(NodeError::NotAuthorized { user: refused_user });
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

/// Who signed a request: the wallets its AuthSigs prove, and the Ethereum one (a session sig or
/// an EVM or contract wallet's AuthSig) the request is authorised and counted with, if any.
struct Signers {
    ethereum: Option<AuthSig>,
    wallets: Wallets,
    /// Whether the request carried one AuthSig (not one per chain).
    single: bool,
}

impl Signers {
    /// One AuthSig: a Solana or Cosmos wallet's when the request's chain is one of theirs and
    /// it is a wallet's (checked here as Lit checks it), otherwise the Ethereum one.
    fn of_single(auth_sig: AuthSig, chain: Option<&str>) -> Result<Signers, NodeError> {
        let wallet_chain = WalletChain::of(chain);
        let mut wallets = Wallets::default();
        match wallets.slot_of(chain.unwrap_or_default()) {
            Some(slot) if AuthMaterialKind::of(&auth_sig) == AuthMaterialKind::Wallet => {
                *slot = Some(verify_other_chains_wallet(&auth_sig, wallet_chain)?);
                Ok(Signers {
                    ethereum: None,
                    wallets,
                    single: true,
                })
            }
            _ => Ok(Signers {
                ethereum: Some(auth_sig),
                wallets: Wallets::ETHEREUM,
                single: true,
            }),
        }
    }

    /// One AuthSig per chain: each checked as its chain's wallets are (every failure Lit's
    /// code); at least one is needed.
    fn of_multiple(auth_sigs: &MultipleAuthSigs) -> Result<Signers, NodeError> {
        let mut signers = Signers {
            ethereum: None,
            wallets: Wallets::default(),
            single: false,
        };
        for (chain, auth_sig) in auth_sigs.by_chain() {
            match signers.wallets.slot_of(chain) {
                Some(slot) => {
                    *slot = Some(verify_other_chains_wallet(
                        auth_sig,
                        WalletChain::of(Some(chain)),
                    )?)
                }
                // Checked when the request is authorised.
                None => signers.ethereum = Some(auth_sig.clone()),
            }
        }
        if signers.ethereum.is_none() && signers.wallets == Wallets::default() {
            return Err(NodeError::Refused {
                code: LitErrorCode::NodeInvalidMultipleAuthSigs,
                reason: "No auth sig detected: give one AuthSig or one per chain (ethereum, solana, cosmos, kyve, cheqd, juno)".to_owned(),
            });
        }
        Ok(signers)
    }
}

/// The Solana and Cosmos wallets' addresses, in Lit's key order.
pub(crate) fn other_wallets(wallets: &Wallets) -> impl Iterator<Item = &str> {
    [
        &wallets.solana,
        &wallets.cosmos,
        &wallets.kyve,
        &wallets.cheqd,
        &wallets.juno,
    ]
    .into_iter()
    .filter_map(|wallet| wallet.as_deref())
}

/// A Solana or Cosmos wallet's AuthSig, checked as Lit checks it: its address.
fn verify_other_chains_wallet(auth_sig: &AuthSig, chain: WalletChain) -> Result<String, NodeError> {
    match chain {
        WalletChain::Evm => Ok(auth_sig.address.clone()),
        WalletChain::Solana => sigil_auth::verify_solana_auth_sig(auth_sig),
        WalletChain::Cosmos { prefix } => sigil_auth::verify_cosmos_auth_sig(auth_sig, prefix),
    }
    .map_err(NodeError::from)
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
