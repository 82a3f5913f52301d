//! `POST /web/sign_session_key/v1`: the network signs a session for a PKP. In Lit's order: the
//! curve (`BLS`) and no `authSig`; the client's SIWE message (no auth context resource in it);
//! each auth method verified (an Ethereum wallet's AuthSig: its EIP-191 signature, not a
//! session's, its SIWE times); the SIWE address is the PKP's and its URI the session key; its
//! times; a Lit Action, when one is given, answering true; the nonce a block of the chain at
//! most 30 days old; the PKP permitting one of the verified auth methods or the action (with
//! the personal-sign scope, or owning it). Then the SIWE message is rebuilt as every node
//! rebuilds it ([`sigil_auth::pkp_session`]) and this node's BLS share over its digest answered.

use crate::actions::{ActionRun, RunPurpose};
use crate::endpoints::execute::{action_code, lit_headers};
use crate::endpoints::pkp_sign::{
    action_may_sign, parse_uncompressed_key, signing_record, wallet_may_sign,
    SIGN_PERSONAL_MESSAGE_SCOPE,
};
use crate::error::NodeError;
use crate::http::{AppJson, CorrelationId};
use crate::state::NodeState;
use alloy_primitives::{Address, B256};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::{json, Value};
use sigil_actions::ActionError;
use sigil_auth::pkp_session::{
    check_no_auth_context_resource, check_siwe_times, pkp_session_siwe, PkpSessionGrant,
};
use sigil_auth::siwe::SiweMessage;
use sigil_auth::{network_session_digest, AuthSig, MAX_SESSION_VALIDITY};
use sigil_wire::{
    AuthMethod, ExecuteJsFailure, LitErrorCode, SignSessionKeyRequest, SignSessionKeyResponse,
    SignatureShareJson,
};
use std::sync::Arc;
use time::OffsetDateTime;

/// The auth method type of an Ethereum wallet, whose token is an AuthSig in JSON.
const ETH_WALLET: u32 = 1;

pub(super) async fn sign_session_key(
    State(state): State<Arc<NodeState>>,
    Extension(correlation): Extension<CorrelationId>,
    headers: HeaderMap,
    AppJson(request): AppJson<SignSessionKeyRequest>,
) -> Result<Response, NodeError> {
    if request.curve_type != "BLS" {
        return Err(refused(
            LitErrorCode::NodeInvalidCurveType,
            format!(
                "Invalid curve_type: {}; a session key is signed with BLS",
                sigil_auth::truncate_for_error(&request.curve_type)
            ),
        ));
    }
    if request.auth_sig.as_ref().is_some_and(|sig| !sig.is_null()) {
        return Err(refused(
            LitErrorCode::NodeInvalidAuthSigForSessionKey,
            "an authSig may not be sent to sign a session key: send auth methods".to_owned(),
        ));
    }
    let requested: SiweMessage = request.siwe_message.parse()?;
    check_no_auth_context_resource(&requested)?;
    let now = state.clock.now();
    let auth_method_contexts = request
        .auth_methods
        .iter()
        .map(|method| wallet_auth_method(method, now))
        .collect::<Result<Vec<_>, _>>()?;

    let pkp_text = request.pkp_public_key.as_deref().ok_or_else(|| {
        NodeError::InvalidBody("pkpPublicKey is required: the PKP to sign the session for".into())
    })?;
    let public_key = parse_uncompressed_key(pkp_text)?;
    let pkp_address = Address::from_raw_public_key(&public_key[1..]);
    if requested.address() != pkp_address {
        return Err(refused(
            LitErrorCode::NodeSiweMessageError,
            format!(
                "Address in SIWE message {} does not match PKP ETH address {}",
                requested.address(),
                pkp_address
            ),
        ));
    }
    if requested.uri() != request.session_key {
        return Err(refused(
            LitErrorCode::NodeSiweMessageError,
            format!(
                "URI in SIWE message {} does not match URI in request {}",
                sigil_auth::truncate_for_error(requested.uri()),
                sigil_auth::truncate_for_error(&request.session_key)
            ),
        ));
    }
    check_siwe_times(&requested, now)?;

    // A Lit Action that authenticates the session: it must answer true.
    let contexts_json = Value::Array(
        auth_method_contexts
            .iter()
            .map(|(_, c)| c.clone())
            .collect(),
    );
    let mut action_ipfs_id_stack = Vec::new();
    let mut custom_auth_resource = String::new();
    if request.code.is_some() || request.lit_action_ipfs_id.is_some() {
        if request.code.is_some() && request.lit_action_ipfs_id.is_some() {
            return Err(NodeError::InvalidBody(
                "Can't provide both code & lit_action_ipfs_id".into(),
            ));
        }
        let (code, cid) = action_code(&state, request.code, request.lit_action_ipfs_id).await?;
        let run = ActionRun {
            code,
            js_params: request.js_params.unwrap_or_default(),
            cid: cid.clone(),
            user: pkp_address,
            request_id: correlation.as_str().to_owned(),
            headers: lit_headers(&headers),
            purpose: RunPurpose::SessionAuth {
                auth_method_contexts: contexts_json.clone(),
            },
            resolved_auth_context: None,
        };
        match state.actions.run(&state, run).await?.outcome {
            // Lit's rule: the response contains "true".
            Ok(outcome) if outcome.response.contains("true") => {
                action_ipfs_id_stack.push(cid);
                custom_auth_resource = outcome.response;
            }
            Ok(_) => {
                return Err(refused(
                    LitErrorCode::NodeLitActionsSessionSigAuthenticationFailed,
                    "Authentication failed for session_sig signing via Lit Action".to_owned(),
                ))
            }
            Err(ActionError::Thrown { message, logs }) => {
                return Ok((
                    StatusCode::BAD_REQUEST,
                    Json(ExecuteJsFailure {
                        success: false,
                        error: message,
                        logs,
                    }),
                )
                    .into_response())
            }
            Err(stopped) => return Err(NodeError::Action(stopped)),
        }
    }

    let (block_hash, block_time) = nonce_block(&state, requested.nonce(), now).await?;

    let record = signing_record(&state, &public_key, pkp_text).await?;
    let by_auth_method = auth_method_contexts
        .iter()
        .any(|(wallet, _)| wallet_may_sign(&record, *wallet, SIGN_PERSONAL_MESSAGE_SCOPE));
    let by_action = action_ipfs_id_stack.iter().any(|cid| {
        sigil_chain::evm::ipfs_cid_bytes(cid)
            .is_ok_and(|bytes| action_may_sign(&record, &bytes, SIGN_PERSONAL_MESSAGE_SCOPE))
    });
    if !(by_auth_method || by_action) {
        return Err(NodeError::PkpNotAuthorized(pkp_text.to_owned()));
    }

    let auth_context = json!({
        "actionIpfsIds": [],
        "actionIpfsIdStack": action_ipfs_id_stack,
        "authSigAddress": null,
        "authMethodContexts": contexts_json,
        "resources": [],
        "customAuthResource": custom_auth_resource,
    });
    let siwe_message = pkp_session_siwe(&PkpSessionGrant {
        requested: &requested,
        pkp_address,
        block_hash: &block_hash,
        block_time,
        auth_context: &auth_context,
    })?;
    // One read of the key: the share, its index and the key answered must belong together.
    let key = state.network_key()?;
    let digest = network_session_digest(&siwe_message);
    let signer = Arc::clone(&key);
    let share = state.cpu(move || signer.sign_share(&digest)).await?;
    Ok(Json(SignSessionKeyResponse {
        result: "success".to_owned(),
        signature_share: SignatureShareJson::ProofOfPossession(share.to_hex()),
        share_index: u32::from(key.share_id().saturating_sub(1)),
        curve_type: "BLS".to_owned(),
        siwe_message,
        data_signed: hex::encode(digest),
        bls_root_pubkey: key.network_public_key_hex().to_owned(),
    })
    .into_response())
}

fn refused(code: LitErrorCode, reason: String) -> NodeError {
    NodeError::Refused { code, reason }
}

/// An Ethereum wallet auth method, verified as Lit's nodes verify it: the token is a wallet's
/// AuthSig in JSON, checked as a bare AuthSig is (`verify_wallet_auth_sig`). Its wallet, and its
/// context as the network records it.
fn wallet_auth_method(
    method: &AuthMethod,
    now: OffsetDateTime,
) -> Result<(Address, Value), NodeError> {
    if method.auth_method_type != ETH_WALLET {
        return Err(refused(
            LitErrorCode::NodeInvalidAuthSig,
            format!(
                "auth method type {} is not supported: this node verifies Ethereum wallet auth methods (type 1)",
                method.auth_method_type
            ),
        ));
    }
    let auth_sig: AuthSig = serde_json::from_str(&method.access_token).map_err(|_| {
        refused(
            LitErrorCode::NodeWalletSignatureJsonError,
            "the access token of an Ethereum wallet auth method is not an AuthSig in JSON"
                .to_owned(),
        )
    })?;
    // Lit names a missing expiration of an auth method's message with a code of its own.
    if let Ok(siwe) = auth_sig.signed_message.parse::<SiweMessage>() {
        if siwe.expiration_time().is_none() {
            return Err(refused(
                LitErrorCode::NodeUndefinedSiweExpiration,
                "the auth method's SIWE message has no expiration time".to_owned(),
            ));
        }
    }
    let wallet = sigil_auth::verify_wallet_auth_sig(&auth_sig, now)?;
    Ok((
        wallet.address,
        json!({
            "userId": auth_sig.address,
            "appId": "lit",
            "authMethodType": ETH_WALLET,
            "usedForSignSessionKeyRequest": true,
        }),
    ))
}

/// The block the SIWE nonce names, on this network's chain, at most 30 days old (Lit's rule,
/// which lets a client keep the block hash it saw at connect): its hash as the network writes
/// it (lowercase) and its time.
async fn nonce_block(
    state: &NodeState,
    nonce: &str,
    now: OffsetDateTime,
) -> Result<(String, OffsetDateTime), NodeError> {
    let not_a_block = || {
        refused(
            LitErrorCode::NodeInvalidBlockhash,
            format!(
                "the SIWE nonce {} is not the hash of a block of this network's chain",
                sigil_auth::truncate_for_error(nonce)
            ),
        )
    };
    let hash: B256 = nonce.parse().map_err(|_| not_a_block())?;
    let lookup = state
        .chain()
        .block_lookup()
        .ok_or_else(|| NodeError::internal("sign session key", "the chain looks up no blocks"))?;
    let block = lookup.block_by_hash(hash).await?.ok_or_else(not_a_block)?;
    let block_time = i64::try_from(block.timestamp)
        .ok()
        .and_then(|secs| OffsetDateTime::from_unix_timestamp(secs).ok())
        .ok_or_else(not_a_block)?;
    if block_time < now - MAX_SESSION_VALIDITY {
        return Err(refused(
            LitErrorCode::NodeSiweMessageError,
            format!(
                "the block of the SIWE nonce is from {block_time}, beyond the max age of 30 days"
            ),
        ));
    }
    Ok((format!("{:#x}", block.hash), block_time))
}
