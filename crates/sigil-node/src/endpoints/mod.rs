//! The HTTP API: one module per endpoint, each a thin handler over [`NodeState`] and the shared
//! authorisation step, and the router.

mod encryption_sign;
pub(crate) use encryption_sign::other_wallets;
mod execute;
mod handshake;
mod peer;
pub(crate) mod pkp_sign;
mod sign_session_key;

use crate::http;
use crate::state::NodeState;
use axum::routing::post;
use axum::Router;
use std::sync::Arc;

/// The node's router, without a socket (tests drive it with `tower::ServiceExt::oneshot`).
///
/// Routes answer with and without the trailing slash the JS SDK v7 uses (`/web/handshake/`).
/// Every failure, including unknown paths, wrong methods and bodies that are not JSON, is
/// answered with Lit's error body.
pub fn app(state: Arc<NodeState>) -> Router {
    Router::new()
        .route("/web/handshake", post(handshake::handshake))
        .route("/web/handshake/", post(handshake::handshake))
        .route(
            "/web/encryption/sign",
            post(encryption_sign::encryption_sign),
        )
        .route(
            "/web/encryption/sign/",
            post(encryption_sign::encryption_sign),
        )
        .route(
            "/web/encryption/sign/v1",
            post(encryption_sign::encryption_sign),
        )
        .route("/web/pkp/sign", post(pkp_sign::pkp_sign))
        .route("/web/pkp/sign/", post(pkp_sign::pkp_sign))
        .route(sigil_wire::PKP_SIGN_PATH, post(pkp_sign::pkp_sign_v1))
        .route("/web/execute", post(execute::execute_js))
        .route("/web/execute/", post(execute::execute_js))
        .route(sigil_wire::EXECUTE_JS_PATH, post(execute::execute_js_v1))
        .route(
            "/web/sign_session_key",
            post(sign_session_key::sign_session_key),
        )
        .route(
            sigil_wire::SIGN_SESSION_KEY_PATH,
            post(sign_session_key::sign_session_key),
        )
        .route(sigil_wire::PEER_MESSAGE_PATH, post(peer::peer_message))
        .fallback(http::route_not_found)
        .method_not_allowed_fallback(http::method_not_allowed)
        .with_state(state)
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            http::panicked,
        ))
        .layer(axum::middleware::from_fn(http::correlate))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::SystemClock;
    use crate::config::NodeConfig;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use serde_json::Value;
    use sigil_chain::{Block, CapacityCredit, ChainView};
    use tower::ServiceExt;

    /// A chain that stays at one block and holds no credits.
    struct StillChain(Block);

    impl ChainView for StillChain {
        fn chain_id(&self) -> u64 {
            sigil_chain::DEFAULT_DEVCHAIN_CHAIN_ID
        }
        fn latest_block(&self) -> Block {
            self.0
        }
        fn capacity_credits_owned_by(&self, _: alloy_primitives::Address) -> Vec<CapacityCredit> {
            Vec::new()
        }
        fn capacity_credit(&self, _: alloy_primitives::U256) -> Option<CapacityCredit> {
            None
        }
    }

    struct TestNode {
        _dir: tempfile::TempDir,
        app: Router,
        root_public_keys: Vec<String>,
    }

    fn test_node() -> TestNode {
        let dir = tempfile::tempdir().expect("temp dir");
        let (network_key, key_shares) =
            sigil_crypto::bls::deal(2, 3, &mut rand::rngs::OsRng).expect("deal");
        let network_public_key = network_key.to_hex();
        let key_share_file = dir.path().join("key-share.json");
        let first = sigil_crypto::bls::KeyShareFile {
            network_public_key: network_key,
            threshold: 2,
            total: 3,
            key_share: key_shares[0].clone(),
        };
        std::fs::write(&key_share_file, first.to_json().as_str()).expect("write share");
        let (_, root_shares) = sigil_crypto::hd::deal_root_keys(
            sigil_crypto::hd::ROOT_KEY_COUNT,
            2,
            3,
            &mut rand::rngs::OsRng,
        )
        .expect("deal roots");
        // The node's peer identity, and root key shares whose roster names it as holder 1.
        let identity = ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]);
        std::fs::write(
            dir.path().join(crate::peer::PEER_IDENTITY_FILE),
            hex::encode(identity.to_bytes()),
        )
        .expect("write identity");
        let first_root_shares = sigil_crypto::hd::RootKeyShares::new(
            2,
            1,
            root_shares[0].root_public_keys.clone(),
            (0..sigil_crypto::hd::ROOT_KEY_COUNT)
                .filter_map(|root| root_shares[0].root_share(root))
                .collect(),
            vec![identity.verifying_key().to_bytes(), [2; 32], [3; 32]],
        )
        .expect("root shares");
        let root_key_shares_file = dir.path().join("ecdsa-root-shares.json");
        std::fs::write(&root_key_shares_file, first_root_shares.to_json().as_str())
            .expect("write root shares");
        let config = NodeConfig {
            listen: "127.0.0.1:0".parse().expect("addr"),
            external_address: None,
            key_share_file,
            root_key_shares_file: Some(root_key_shares_file),
            network_public_key: Some(network_public_key),
            threshold: 2,
            chain_rpc_url: None,
            contract_resolver: None,
            validator_staleness_secs: 10,
            peer_timeout_ms: 5_000,
            triple_pool_size: 16,
            triple_generation_pause_ms: 0,
            // Known, never read: these tests' conditions read nothing.
            chains: [("ethereum".to_owned(), "http://127.0.0.1:9".to_owned())].into(),
            condition_read_timeout_ms: 5_000,
            condition_reads_budget_ms: 10_000,
            condition_read_cache_entries: 4096,
            data_dir: dir.path().to_owned(),
            free_allowance: 10,
            rate_limit_window_secs: 1000,
            actions: Default::default(),
            poap: Default::default(),
        };
        let chain = StillChain(Block {
            number: 1,
            hash: alloy_primitives::B256::repeat_byte(7),
            timestamp: 1_700_000_000,
        });
        let state = NodeState::open(
            &config,
            "127.0.0.1:7470".into(),
            Arc::new(chain),
            Arc::new(SystemClock),
        )
        .expect("state");
        TestNode {
            _dir: dir,
            app: app(state),
            root_public_keys: root_shares[0].root_public_keys_hex(),
        }
    }

    async fn send(app: &Router, request: Request<Body>) -> (StatusCode, Value) {
        let response = app.clone().oneshot(request).await.expect("infallible");
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    fn post(path: &str, body: impl Into<Body>) -> Request<Body> {
        Request::post(path)
            .header("content-type", "application/json")
            .header("x-request-id", "lit_test_1")
            .body(body.into())
            .expect("request")
    }

    fn handshake_body() -> &'static str {
        r#"{"clientPublicKey":"test","challenge":"00ff","epoch":3}"#
    }

    #[tokio::test]
    async fn handshake_answers_on_both_path_forms_with_the_network_key() {
        let node = test_node();
        for path in ["/web/handshake", "/web/handshake/"] {
            let (status, body) = send(&node.app, post(path, handshake_body())).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            let key = body["subnetPublicKey"].as_str().unwrap_or_default();
            assert_eq!(key.len(), 96);
            assert_eq!(body["networkPublicKey"], body["subnetPublicKey"]);
            assert_eq!(body["networkPublicKeySet"], body["subnetPublicKey"]);
            assert_eq!(
                body["hdRootPubkeys"],
                serde_json::json!(node.root_public_keys)
            );
            assert_eq!(node.root_public_keys.len(), 10);
            assert!(body["attestation"].is_null());
            assert_eq!(body["latestBlockhash"].as_str().map(str::len), Some(66));
            assert_eq!(body["serverPublicKey"].as_str().map(str::len), Some(98));
        }
    }

    #[tokio::test]
    async fn handshake_without_request_id_is_a_teapot_like_lit() {
        let node = test_node();
        let request = Request::post("/web/handshake/")
            .header("content-type", "application/json")
            .body(Body::from(handshake_body()))
            .expect("request");
        let (status, body) = send(&node.app, request).await;
        assert_eq!(status, StatusCode::IM_A_TEAPOT);
        assert_eq!(body["errorCode"], "CoreApiMissingRequiredXRequestIdHeader");
        assert!(body["correlationId"]
            .as_str()
            .is_some_and(|id| id.starts_with("LD-")));
    }

    #[tokio::test]
    async fn malformed_json_is_a_400_parser_error_with_the_correlation_id() {
        let node = test_node();
        let (status, body) = send(
            &node.app,
            post("/web/encryption/sign/", r#"{"dataToEncryptHash":"#),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["errorCode"], "NodeParserError");
        assert_eq!(body["errorKind"], "Parser");
        assert_eq!(body["status"], 400);
        assert_eq!(body["correlationId"], "lit_test_1");
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert!(body["details"].as_array().is_some_and(|d| !d.is_empty()));
    }

    #[tokio::test]
    async fn wrong_field_types_are_a_422_bad_input() {
        let node = test_node();
        let (status, body) = send(
            &node.app,
            post("/web/encryption/sign/", r#"{"dataToEncryptHash":5}"#),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["errorCode"], "NodeBadInput");
    }

    #[tokio::test]
    async fn duplicate_keys_in_auth_sig_are_refused() {
        let node = test_node();
        let body = r#"{"accessControlConditions":[],"dataToEncryptHash":"00","chain":"ethereum",
            "authSig":{"sig":"a","sig":"b","derivedVia":"x","signedMessage":"m","address":"a"}}"#;
        let (status, body) = send(&node.app, post("/web/encryption/sign/", body)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["details"][0]
            .as_str()
            .is_some_and(|d| d.contains("duplicate field")));
    }

    #[tokio::test]
    async fn wrong_content_type_is_refused_in_lit_shape() {
        let node = test_node();
        let request = Request::post("/web/handshake/")
            .header("content-type", "text/plain")
            .header("x-request-id", "r")
            .body(Body::from(handshake_body()))
            .expect("request");
        let (status, body) = send(&node.app, request).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(body["errorCode"], "NodeUnsupportedContentType");
    }

    #[tokio::test]
    async fn unknown_route_and_wrong_method_answer_in_lit_shape() {
        let node = test_node();
        let (status, body) = send(&node.app, post("/web/nope", "{}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body["errorCode"], "NodeRouteNotFound");
        assert_eq!(body["correlationId"], "lit_test_1");

        let request = Request::get("/web/handshake/")
            .body(Body::empty())
            .expect("request");
        let (status, body) = send(&node.app, request).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(body["errorCode"], "NodeMethodNotAllowed");
    }

    #[tokio::test]
    async fn missing_conditions_are_refused_before_the_auth_sig_is_checked() {
        let node = test_node();
        let body = serde_json::json!({
            "dataToEncryptHash": "ab".repeat(32),
            "chain": "ethereum",
            "authSig": {"sig": "00", "derivedVia": "litSessionSignViaNacl", "signedMessage": "{}", "address": "00", "algo": "ed25519"},
            "epoch": 0
        });
        let (status, body) = send(&node.app, post("/web/encryption/sign/", body.to_string())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["errorCode"], "NodeMissingAccessControlConditions");
    }
}
