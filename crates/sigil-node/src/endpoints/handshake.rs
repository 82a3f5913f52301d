//! `POST /web/handshake/`: the node's keys and the chain's latest block hash.

use crate::http::{AppJson, RequiredCorrelationId};
use crate::state::NodeState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use sigil_wire::{HandshakeRequest, HandshakeResponse};
use std::sync::Arc;

/// The JS SDK version Lit's node assumes when `X-Lit-SDK-Version` is absent (the first version
/// that sent the header was 1.2.61).
const DEFAULT_CLIENT_SDK_VERSION: &str = "1.2.60";

/// Answers as Datil's node does, bare (no `result` wrapper). The request's fields are required
/// as on Lit's node but not used: this node has no per-client key, no SEV-SNP attestation to
/// sign the challenge with, and one epoch.
pub(super) async fn handshake(
    State(state): State<Arc<NodeState>>,
    _tracing: RequiredCorrelationId,
    headers: HeaderMap,
    AppJson(_request): AppJson<HandshakeRequest>,
) -> Json<HandshakeResponse> {
    let client_sdk_version = headers
        .get("x-lit-sdk-version")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 32 && v.bytes().all(|b| b.is_ascii_graphic()))
        .unwrap_or(DEFAULT_CLIENT_SDK_VERSION)
        .to_owned();
    // Before the network key exists (its generation at a network's first start) the key
    // fields are absent, and clients find no key to encrypt to.
    let key = state.network_key().ok();
    let network_key = key
        .as_ref()
        .map(|key| key.network_public_key_hex().to_owned());
    Json(HandshakeResponse {
        server_public_key: key.as_ref().map(|key| key.public_share_hex().to_owned()),
        subnet_public_key: network_key.clone(),
        network_public_key: network_key.clone(),
        network_public_key_set: network_key,
        hd_root_pubkeys: Some(state.hd_root_pubkeys()),
        latest_blockhash: Some(state.chain().latest_block().hash.to_string()),
        attestation: None,
        client_sdk_version: Some(client_sdk_version),
        node_version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        epoch: Some(state.chain().epoch_number()),
    })
}
