//! `POST /web/execute/v1` (and the unversioned `/web/execute`, which also takes a wallet's own
//! AuthSig): runs a Lit Action for the session's user. In Lit's order: the code
//! (inline base64, its IPFS CIDv0 computed here), the session sig for `lit-litaction://<cid>`
//! with `lit-action-execution` (and the rate limit), then the run on a worker thread. A run
//! that finishes is answered with its response, logs and signature shares; one whose action
//! threw with HTTP 400 `{success: false, error, logs}`, as Lit's node answers; one stopped by a
//! limit with Lit's error body and the logs.

use crate::actions::{ActionRun, RunPurpose};
use crate::authorize::BareAuthSigs;
use crate::error::NodeError;
use crate::http::{AppJson, CorrelationId};
use crate::state::NodeState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use base64::Engine;
use sigil_actions::ActionError;
use sigil_auth::{LitAbility, LitResource, ResourcePrefix};
use sigil_wire::{ExecuteJsFailure, ExecuteJsRequest, ExecuteJsResponse};
use std::sync::Arc;

/// `/web/execute`, unversioned: also takes a wallet's own AuthSig.
pub(super) async fn execute_js(
    State(state): State<Arc<NodeState>>,
    Extension(correlation): Extension<CorrelationId>,
    headers: HeaderMap,
    AppJson(request): AppJson<ExecuteJsRequest>,
) -> Result<Response, NodeError> {
    // Lit checks a contract wallet there on `ethereum`.
    let bare = BareAuthSigs::Accepted {
        chain: Some("ethereum"),
    };
    execute(state, correlation, headers, request, bare).await
}

/// `/web/execute/v1`: session sigs only.
pub(super) async fn execute_js_v1(
    State(state): State<Arc<NodeState>>,
    Extension(correlation): Extension<CorrelationId>,
    headers: HeaderMap,
    AppJson(request): AppJson<ExecuteJsRequest>,
) -> Result<Response, NodeError> {
    let bare = BareAuthSigs::Refused("execute");
    execute(state, correlation, headers, request, bare).await
}

async fn execute(
    state: Arc<NodeState>,
    correlation: CorrelationId,
    headers: HeaderMap,
    request: ExecuteJsRequest,
    bare: BareAuthSigs<'_>,
) -> Result<Response, NodeError> {
    bare.check(&request.auth_sig)?;
    if request.auth_methods.is_some() {
        return Err(NodeError::AuthMethodsNotAccepted);
    }
    let (code, cid) = action_code(&state, request.code, request.ipfs_id).await?;
    let resource = LitResource::new(ResourcePrefix::LitAction, cid.as_str())?;
    let context = state
        .authorize(
            request.auth_sig,
            &resource,
            LitAbility::LitActionExecution,
            bare,
        )
        .await?;
    let run = ActionRun {
        code,
        js_params: request.js_params.unwrap_or_default(),
        cid,
        user: context.user_address,
        request_id: correlation.as_str().to_owned(),
        headers: lit_headers(&headers),
        purpose: RunPurpose::Request,
        resolved_auth_context: context.resolved_auth_context,
    };
    let result = state.actions.run(&state, run).await?;
    match result.outcome {
        Ok(outcome) => Ok(Json(ExecuteJsResponse {
            success: true,
            signed_data: result.signed_data,
            decrypted_data: Default::default(),
            claim_data: result.claim_data,
            response: outcome.response,
            logs: outcome.logs,
        })
        .into_response()),
        Err(ActionError::Thrown { message, logs }) => Ok((
            StatusCode::BAD_REQUEST,
            Json(ExecuteJsFailure {
                success: false,
                error: message,
                logs,
            }),
        )
            .into_response()),
        Err(stopped) => Err(NodeError::Action(stopped)),
    }
}

/// An action's code and CID from a request: inline (standard padded base64, its CIDv0 computed
/// here) or by IPFS id (fetched and checked).
pub(super) async fn action_code(
    state: &Arc<NodeState>,
    code: Option<String>,
    ipfs_id: Option<String>,
) -> Result<(Arc<str>, String), NodeError> {
    let limit = state.actions.limits.code_bytes;
    let found = match (code, ipfs_id) {
        (Some(code), _) => {
            let code = decode_code(&code)?;
            if code.len() > limit {
                return Err(NodeError::Action(ActionError::CodeTooLarge {
                    len: code.len(),
                    limit,
                }));
            }
            state
                .cpu(move || {
                    let cid = sigil_actions::ipfs_cid_v0(code.as_bytes());
                    (Arc::from(code), cid)
                })
                .await?
        }
        (None, Some(cid)) => (state.actions.code_of(state, &cid).await?, cid),
        (None, None) => {
            return Err(NodeError::InvalidIpfsId(
                "No code or ipfs hash provided".into(),
            ))
        }
    };
    Ok(found)
}

/// The action's source from the request's `code`: standard padded base64 of UTF-8.
fn decode_code(code: &str) -> Result<String, NodeError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(code)
        .map_err(|_| {
            NodeError::InvalidBody("Your Lit Action code could not be decoded from base64".into())
        })?;
    String::from_utf8(bytes)
        .map_err(|_| NodeError::InvalidBody("Your Lit Action code is not UTF-8".into()))
}

/// The request's headers as `Lit.Headers` shows them: by lower-case name, repeated headers
/// joined with `, ` (as Lit's node joins them), values that are not text left out.
pub(super) fn lit_headers(headers: &HeaderMap) -> serde_json::Value {
    let mut joined: std::collections::BTreeMap<String, String> = Default::default();
    for (name, value) in headers {
        let Ok(value) = value.to_str() else { continue };
        joined
            .entry(name.as_str().to_owned())
            .and_modify(|text| {
                text.push_str(", ");
                text.push_str(value);
            })
            .or_insert_with(|| value.to_owned());
    }
    serde_json::json!(joined)
}
