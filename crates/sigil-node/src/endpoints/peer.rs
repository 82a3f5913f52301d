//! `POST /peer/v1/message`: a message of another node, for a protocol this node runs with it.

use crate::error::NodeError;
use crate::http::AppJson;
use crate::state::NodeState;
use axum::extract::State;
use axum::Json;
use sigil_wire::PeerMessage;
use std::sync::Arc;

pub(super) async fn peer_message(
    State(state): State<Arc<NodeState>>,
    AppJson(message): AppJson<PeerMessage>,
) -> Result<Json<serde_json::Value>, NodeError> {
    state.peers().accept(message)?;
    Ok(Json(serde_json::json!({"accepted": true})))
}
