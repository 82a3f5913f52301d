//! Hostile input: a table of bad requests, each its own named test, sent through a running
//! devnet node's router (the HTTP stack a socket feeds, without the socket). Each must be answered
//! with its exact HTTP status and Lit `errorCode` in Lit's error body (`errorKind`, `errorCode`,
//! `status`, `message`, `correlationId` echoing `X-Request-Id`, `details`), none may get a
//! decryption share, and afterwards both nodes still serve a valid decryption over real sockets.
//!
//! Expected codes follow Lit's (Datil) node and the mapping of `sigil-auth` / `sigil-crypto`
//! errors. Failures of one capability inside a session are, as on Lit's node, all answered
//! `NodeResourceIdNotFound` (404); the inner reason (and its own Lit code) is in `details`, which
//! the table checks too.
//!
//! What a node cannot detect, by design, has its own tests:
//! - a session sig from another devnet is refused only by its `nodeAddress` (403). Signed for this
//!   node's address, it is served: Lit's node checks neither the SIWE nonce (the other chain's
//!   blockhash) nor anything that names the network key, and neither does Sigil's;
//! - non-ASCII and control characters in the SIWE's free-text fields (statement, nonce) are served
//!   as the wallet signed them, as by Lit's node (the `siwe` crate parses them); in the fields that
//!   have a grammar (domain, address, URI, chain id, dates) they make the capability unparsable.
//!
//! The harness is libtest-mimic's (`harness = false`), so every case is reported, filtered and
//! run alone by its name: `cargo test -p sigil-node --test hostile_input -- empty_body`.

use alloy_signer_local::PrivateKeySigner;
use axum::body::Body;
use axum::http::{self, Method};
use axum::Router;
use libtest_mimic::{Arguments, Failed, Trial};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use sigil_auth::recap::Recap;
use sigil_auth::siwe::{create_siwe_message, SiweMessageParams};
use sigil_auth::{
    create_capacity_delegation_auth_sig, generate_auth_sig, to_js_iso_string, AuthSig,
    CapacityDelegationParams, LitAbility, LitResource, ResourceAbilityRequest, ResourcePrefix,
    SessionKeyPair, ALGO_ED25519, DERIVED_VIA_SESSION,
};
use sigil_crypto::bls::{self, NetworkPublicKey, SignatureShare};
use sigil_crypto::conditions::{self, ConditionSet};
use sigil_devnet::{Devnet, DevnetConfig};
use sigil_node::BODY_LIMIT;
use std::collections::HashSet;
use std::process::ExitCode;
use std::sync::Arc;
use time::{Duration, OffsetDateTime};
use tower::ServiceExt;

const PLAINTEXT: &[u8] = b"hostile input must never see this";

/// The keys of Lit's error body; nothing else may appear (in particular no `signatureShare`).
const ERROR_BODY_KEYS: [&str; 6] = [
    "errorKind",
    "errorCode",
    "status",
    "message",
    "correlationId",
    "details",
];

// ---------------------------------------------------------------------------------------------
// The network and the valid request every case is a corruption of
// ---------------------------------------------------------------------------------------------

/// A devnet without free allowance, whose `owner` holds a capacity credit: every request that
/// gets as far as the rate limit is paid by that credit or refused, so delegations are observable.
struct Fixture {
    devnet: Devnet,
    urls: Vec<String>,
    owner: PrivateKeySigner,
    credit_token_id: String,
    /// The SIWE nonce the JS SDK would use: the chain's latest blockhash.
    nonce: String,
    /// The clock every session and SIWE below is made at.
    now: OffsetDateTime,
    /// Conditions only `owner` meets, and the item encrypted to them.
    conditions: Value,
    data_hash: String,
    ciphertext: Vec<u8>,
}

fn conditions_for(user: &PrivateKeySigner) -> Value {
    json!([{
        "contractAddress": "",
        "standardContractType": "",
        "chain": "ethereum",
        "method": "",
        "parameters": [":userAddress"],
        "returnValueTest": {"comparator": "=", "value": user.address().to_string()}
    }])
}

async fn fixture() -> Fixture {
    let devnet = Devnet::start(DevnetConfig {
        free_allowance: 0,
        ..DevnetConfig::default()
    })
    .await
    .expect("devnet starts");
    let owner = PrivateKeySigner::random();
    let credit = devnet
        .mint_capacity_credit(&owner, 1_000_000, 30)
        .await
        .expect("mint a credit");
    let conditions = conditions_for(&owner);
    let set = ConditionSet::from_document(&conditions.to_string()).expect("conditions parse");
    let data_hash = conditions::data_to_encrypt_hash(PLAINTEXT);
    let key = NetworkPublicKey::from_hex(devnet.network_public_key()).expect("network key");
    let ciphertext =
        bls::encrypt(&key, PLAINTEXT, set.identity(&data_hash).as_bytes()).expect("encrypt");
    Fixture {
        urls: devnet.node_urls(),
        nonce: devnet.latest_block().hash.to_string(),
        now: OffsetDateTime::now_utc(),
        credit_token_id: credit.token_id.to_string(),
        devnet,
        owner,
        conditions,
        data_hash,
        ciphertext,
    }
}

fn request_for(resource: LitResource, ability: LitAbility) -> ResourceAbilityRequest {
    ResourceAbilityRequest::new(resource, ability).expect("a valid request")
}

/// The JS SDK's request: decryption of any access-control-condition item.
fn wildcard_decryption() -> ResourceAbilityRequest {
    request_for(
        LitResource::wildcard(ResourcePrefix::AccessControlCondition),
        LitAbility::AccessControlConditionDecryption,
    )
}

fn session_key() -> SessionKeyPair {
    SessionKeyPair::generate(&mut rand::rngs::OsRng)
}

impl Fixture {
    /// The wallet's SIWE authorising `uri` for `resources`, as the JS SDK writes it, valid an hour.
    fn siwe(
        &self,
        wallet: &PrivateKeySigner,
        uri: &str,
        resources: Vec<ResourceAbilityRequest>,
    ) -> String {
        let params = SiweMessageParams::new(wallet.address(), self.nonce.clone())
            .with_uri(uri)
            .with_expiration(self.now + Duration::hours(1))
            .with_resources(resources);
        create_siwe_message(&params, self.now).expect("siwe")
    }

    /// The seed guide's capability: the wallet authorises `key` to decrypt any item.
    fn capability(&self, wallet: &PrivateKeySigner, key: &SessionKeyPair) -> AuthSig {
        let text = self.siwe(wallet, &key.uri(), vec![wildcard_decryption()]);
        generate_auth_sig(wallet, &text).expect("auth sig")
    }

    /// A capability whose SIWE text was edited before the wallet signed it.
    fn edited_capability(
        &self,
        wallet: &PrivateKeySigner,
        key: &SessionKeyPair,
        resources: Vec<ResourceAbilityRequest>,
        edit: impl FnOnce(String) -> String,
    ) -> AuthSig {
        let text = edit(self.siwe(wallet, &key.uri(), resources));
        generate_auth_sig(wallet, &text).expect("auth sig")
    }

    /// The session template the JS SDK signs, for node `node` (field names and shapes as the
    /// SDK writes them; the node reads it as JSON, so key order does not matter).
    fn template_for(&self, key: &SessionKeyPair, capabilities: Vec<AuthSig>, node: usize) -> Value {
        json!({
            "sessionKey": key.public_key_hex(),
            "resourceAbilityRequests": [wildcard_decryption()],
            "capabilities": capabilities,
            "issuedAt": to_js_iso_string(self.now),
            "expiration": to_js_iso_string(self.now + Duration::minutes(30)),
            "nodeAddress": self.urls[node],
        })
    }

    fn template(&self, key: &SessionKeyPair, capabilities: Vec<AuthSig>) -> Value {
        self.template_for(key, capabilities, 0)
    }

    /// A valid session sig of `wallet` for node 0.
    fn session(&self, wallet: &PrivateKeySigner) -> AuthSig {
        let key = session_key();
        let capability = self.capability(wallet, &key);
        signed(&key, &self.template(&key, vec![capability]))
    }

    /// A session sig for node 0 made from `key` and these capabilities.
    fn session_with(&self, key: &SessionKeyPair, capabilities: Vec<AuthSig>) -> AuthSig {
        signed(key, &self.template(key, capabilities))
    }

    /// A session sig for node 0 whose template was edited before the session key signed it.
    fn session_edited(&self, wallet: &PrivateKeySigner, edit: impl FnOnce(&mut Value)) -> AuthSig {
        let key = session_key();
        let capability = self.capability(wallet, &key);
        let mut template = self.template(&key, vec![capability]);
        edit(&mut template);
        signed(&key, &template)
    }

    /// The decryption request of the owner's item.
    fn body(&self, auth_sig: &AuthSig) -> Value {
        self.body_with(self.conditions.clone(), auth_sig)
    }

    fn body_with(&self, conditions: Value, auth_sig: &AuthSig) -> Value {
        json!({
            "accessControlConditions": conditions,
            "dataToEncryptHash": self.data_hash,
            "chain": "ethereum",
            "authSig": auth_sig,
            "epoch": 0,
        })
    }

    /// The same request as text, with the conditions written verbatim.
    fn body_text_with_conditions(&self, conditions_text: &str, auth_sig: &AuthSig) -> Vec<u8> {
        format!(
            r#"{{"accessControlConditions":{conditions_text},"dataToEncryptHash":"{}","chain":"ethereum","authSig":{}}}"#,
            self.data_hash,
            serde_json::to_string(auth_sig).expect("auth sig json"),
        )
        .into_bytes()
    }

    /// A capacity delegation of the owner's credit.
    fn delegation(
        &self,
        signer: &PrivateKeySigner,
        delegatees: &[&PrivateKeySigner],
        uses: Option<u64>,
    ) -> AuthSig {
        let mut params = CapacityDelegationParams::new(
            delegatees.iter().map(|d| d.address().to_string()).collect(),
            self.nonce.clone(),
        );
        params.uses = uses;
        params.capacity_token_ids = vec![self.credit_token_id.clone()];
        create_capacity_delegation_auth_sig(signer, &params, self.now).expect("delegation")
    }
}

/// The session key's signature over the template: a session sig exactly as the JS SDK makes one.
fn signed(key: &SessionKeyPair, template: &Value) -> AuthSig {
    let text = serde_json::to_string(template).expect("template json");
    signed_text(key, text)
}

fn signed_text(key: &SessionKeyPair, signed_message: String) -> AuthSig {
    AuthSig {
        sig: key.sign_hex(signed_message.as_bytes()),
        derived_via: DERIVED_VIA_SESSION.to_owned(),
        signed_message,
        address: key.public_key_hex(),
        algo: Some(ALGO_ED25519.to_owned()),
    }
}

/// `sig` with its template edited after the session key signed it (the signature kept).
fn tampered(sig: &AuthSig, edit: impl FnOnce(&mut Value)) -> AuthSig {
    let mut template: Value = serde_json::from_str(&sig.signed_message).expect("template");
    assert_eq!(
        serde_json::to_string(&template).ok().as_deref(),
        Some(sig.signed_message.as_str()),
        "re-serialising an unedited template must give the signed bytes back"
    );
    edit(&mut template);
    let signed_message = serde_json::to_string(&template).expect("template json");
    assert_ne!(
        signed_message, sig.signed_message,
        "the edit changed nothing"
    );
    AuthSig {
        signed_message,
        ..sig.clone()
    }
}

/// `text` with `from` replaced by `to`; `from` must occur.
fn replaced(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from:?} not in {text:?}");
    text.replacen(from, to, 1)
}

/// A capability with its SIWE text edited after the wallet signed it (the signature kept).
fn altered_after_signing(capability: &AuthSig, from: &str, to: &str) -> AuthSig {
    AuthSig {
        signed_message: replaced(&capability.signed_message, from, to),
        ..capability.clone()
    }
}

/// base64url without padding (RFC 4648 section 5), for ReCaps this test writes by hand.
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let word = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            let index = (word >> (18 - 6 * i)) & 0x3f;
            out.push(char::from(ALPHABET[index as usize]));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

enum Request {
    /// `POST <path>` with a JSON body and `Content-Type: application/json`.
    Json { path: &'static str, body: Value },
    /// Anything else: method, path, content type, bytes, and whether `X-Request-Id` is sent.
    Raw {
        method: Method,
        path: &'static str,
        content_type: Option<&'static str>,
        body: Vec<u8>,
        request_id: bool,
    },
}

const SIGN: &str = "/web/encryption/sign/";

fn sign(body: Value) -> Request {
    Request::Json { path: SIGN, body }
}

fn raw(body: impl Into<Vec<u8>>) -> Request {
    Request::Raw {
        method: Method::POST,
        path: SIGN,
        content_type: Some("application/json"),
        body: body.into(),
        request_id: true,
    }
}

struct Case {
    name: &'static str,
    node: usize,
    request: Request,
    status: u16,
    code: &'static str,
    /// Text one of the `details` must contain (the precise reason behind the code).
    detail: Option<&'static str>,
}

fn case(name: &'static str, request: Request, status: u16, code: &'static str) -> Case {
    Case {
        name,
        node: 0,
        request,
        status,
        code,
        detail: None,
    }
}

impl Case {
    fn detail(mut self, detail: &'static str) -> Case {
        self.detail = Some(detail);
        self
    }

    fn at(mut self, node: usize) -> Case {
        self.node = node;
        self
    }
}

impl Request {
    fn sends_request_id(&self) -> bool {
        !matches!(
            self,
            Request::Raw {
                request_id: false,
                ..
            }
        )
    }

    /// The request as it arrives at the node's router, with `request_id` as `X-Request-Id`
    /// unless the case leaves the header out.
    fn to_http(&self, request_id: &str) -> http::Request<Body> {
        let (method, path, content_type, body) = match self {
            Request::Json { path, body } => (
                Method::POST,
                *path,
                Some("application/json"),
                serde_json::to_vec(body).expect("body json"),
            ),
            Request::Raw {
                method,
                path,
                content_type,
                body,
                ..
            } => (method.clone(), *path, *content_type, body.clone()),
        };
        let mut builder = http::Request::builder().method(method).uri(path);
        if let Some(content_type) = content_type {
            builder = builder.header(http::header::CONTENT_TYPE, content_type);
        }
        if self.sends_request_id() {
            builder = builder.header("X-Request-Id", request_id);
        }
        builder
            .body(Body::from(body))
            .expect("a valid HTTP request")
    }
}

/// Sends `request` through a node's router, answering `(status, JSON body, raw body)`.
async fn send(router: &Router, request_id: &str, request: &Request) -> (u16, Value, String) {
    let response = router
        .clone()
        .oneshot(request.to_http(request_id))
        .await
        .expect("the router is infallible");
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    (status, json, text)
}

/// Whether the answer is exactly the case's Lit error; `Err` says what differs.
fn check(case: &Case, request_id: Option<&str>, status: u16, body: &Value) -> Result<(), String> {
    let mut problems = Vec::new();
    if status != case.status {
        problems.push(format!("HTTP status {status}, expected {}", case.status));
    }
    if body["errorCode"] != case.code {
        problems.push(format!(
            "errorCode {}, expected {}",
            body["errorCode"], case.code
        ));
    }
    if body["status"] != case.status {
        problems.push(format!("status field {}", body["status"]));
    }
    if body["errorKind"].as_str().is_none_or(str::is_empty) {
        problems.push("no errorKind".into());
    }
    if body["message"].as_str().is_none_or(str::is_empty) {
        problems.push("no message".into());
    }
    match request_id {
        Some(id) if body["correlationId"] != id => problems.push(format!(
            "correlationId {} does not echo {id}",
            body["correlationId"]
        )),
        None if !body["correlationId"]
            .as_str()
            .is_some_and(|id| id.starts_with("LD-")) =>
        {
            problems.push(format!(
                "correlationId {} is not generated",
                body["correlationId"]
            ))
        }
        _ => {}
    }
    match body.as_object() {
        Some(fields) => {
            let unexpected: Vec<_> = fields
                .keys()
                .filter(|key| !ERROR_BODY_KEYS.contains(&key.as_str()))
                .collect();
            if !unexpected.is_empty() {
                problems.push(format!("unexpected fields {unexpected:?}"));
            }
        }
        None => problems.push("body is not a JSON object".into()),
    }
    // Lit's rate-limit answer carries no details; every other refusal says what went wrong.
    let details: Vec<&str> = body["details"]
        .as_array()
        .map(|d| d.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if case.code != "rate_limit_exceeded" && details.is_empty() {
        problems.push("no details".into());
    }
    if let Some(expected) = case.detail {
        if !details.iter().any(|d| d.contains(expected)) {
            problems.push(format!("no detail contains {expected:?}"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// Sends the case to its node's router and checks the answer; the error says what differs.
async fn run_case(router: &Router, case: &Case) -> Result<(), Failed> {
    let request_id = format!("hostile_{}", case.name);
    let (status, body, text) = send(router, &request_id, &case.request).await;
    let expected_id = case
        .request
        .sends_request_id()
        .then_some(request_id.as_str());
    check(case, expected_id, status, &body).map_err(|problem| {
        let shown: String = text.chars().take(600).collect();
        Failed::from(format!("{problem}\n    answer: {shown}"))
    })
}

// ---------------------------------------------------------------------------------------------
// The cases
// ---------------------------------------------------------------------------------------------

/// Malformed, truncated, mistyped and oversized bodies, routes and headers: refused before any
/// session sig is looked at.
fn transport_cases(f: &Fixture) -> Vec<Case> {
    let valid = serde_json::to_vec(&f.body(&f.session(&f.owner))).expect("json");
    let half = valid.get(..valid.len() / 2).unwrap_or_default().to_vec();
    let mut trailing = valid.clone();
    trailing.extend_from_slice(b"}");
    let ten_mib = format!(
        r#"{{"dataToEncryptHash":"{}","pad":"{}"}}"#,
        f.data_hash,
        "x".repeat(10 * 1024 * 1024)
    );
    let just_over_limit = format!(r#"{{"pad":"{}"}}"#, "x".repeat(BODY_LIMIT));
    let auth_sig = serde_json::to_string(&f.session(&f.owner)).expect("json");
    vec![
        case("not_json_at_all", raw("hello, node"), 400, "NodeParserError"),
        case("empty_body", raw(""), 400, "NodeParserError"),
        case("truncated_json", raw(half), 400, "NodeParserError"),
        case("trailing_bytes_after_json", raw(trailing), 400, "NodeParserError"),
        case(
            "invalid_utf8_in_a_string",
            raw(b"{\"dataToEncryptHash\":\"\xff\xfe\"}".to_vec()),
            400,
            "NodeParserError",
        ),
        case(
            "lone_surrogate_escape",
            raw(r#"{"dataToEncryptHash":"\ud800"}"#),
            400,
            "NodeParserError",
        ),
        case(
            "raw_control_character_in_a_string",
            raw(b"{\"dataToEncryptHash\":\"a\x01b\"}".to_vec()),
            400,
            "NodeParserError",
        ),
        case("body_is_an_array", raw("[]"), 422, "NodeBadInput"),
        case(
            "data_to_encrypt_hash_is_a_number",
            sign(json!({"accessControlConditions": f.conditions, "dataToEncryptHash": 5, "authSig": f.session(&f.owner)})),
            422,
            "NodeBadInput",
        ),
        case(
            "auth_sig_is_a_string",
            sign(json!({"accessControlConditions": f.conditions, "dataToEncryptHash": f.data_hash, "authSig": "0xdeadbeef"})),
            422,
            "NodeBadInput",
        ),
        case(
            "auth_sig_missing",
            sign(json!({"accessControlConditions": f.conditions, "dataToEncryptHash": f.data_hash})),
            422,
            "NodeBadInput",
        )
        .detail("missing field `authSig`"),
        case(
            "auth_sig_field_of_the_wrong_type",
            sign({
                let mut body = f.body(&f.session(&f.owner));
                body["authSig"]["sig"] = json!(12345);
                body
            }),
            422,
            "NodeBadInput",
        ),
        case(
            "negative_epoch",
            sign({
                let mut body = f.body(&f.session(&f.owner));
                body["epoch"] = json!(-1);
                body
            }),
            422,
            "NodeBadInput",
        ),
        case(
            "duplicate_top_level_key",
            raw(format!(
                r#"{{"accessControlConditions":{},"dataToEncryptHash":"{}","dataToEncryptHash":"{}","authSig":{auth_sig}}}"#,
                f.conditions, f.data_hash, f.data_hash
            )),
            422,
            "NodeBadInput",
        )
        .detail("duplicate field"),
        case(
            "duplicate_key_in_auth_sig",
            raw(format!(
                r#"{{"accessControlConditions":{},"dataToEncryptHash":"{}","authSig":{}}}"#,
                f.conditions,
                f.data_hash,
                replaced(&auth_sig, r#""algo":"ed25519""#, r#""algo":"ed25519","algo":"ed25519""#)
            )),
            422,
            "NodeBadInput",
        )
        .detail("duplicate field"),
        case(
            "duplicate_conditions_key",
            raw(format!(
                r#"{{"accessControlConditions":{},"accessControlConditions":{},"dataToEncryptHash":"{}","authSig":{auth_sig}}}"#,
                conditions_for(&PrivateKeySigner::random()),
                f.conditions,
                f.data_hash
            )),
            422,
            "NodeBadInput",
        )
        .detail("duplicate"),
        case(
            "duplicate_key_inside_a_condition",
            raw(format!(
                r#"{{"accessControlConditions":{},"dataToEncryptHash":"{}","authSig":{auth_sig}}}"#,
                replaced(
                    &f.conditions.to_string(),
                    r#""method":"""#,
                    r#""method":"","method":"""#
                ),
                f.data_hash
            )),
            422,
            "NodeBadInput",
        )
        .detail("duplicate"),
        case(
            "wrong_content_type",
            Request::Raw {
                method: Method::POST,
                path: SIGN,
                content_type: Some("text/plain"),
                body: valid.clone(),
                request_id: true,
            },
            415,
            "NodeUnsupportedContentType",
        ),
        case(
            "missing_content_type",
            Request::Raw {
                method: Method::POST,
                path: SIGN,
                content_type: None,
                body: valid.clone(),
                request_id: true,
            },
            415,
            "NodeUnsupportedContentType",
        ),
        case("ten_mib_body", raw(ten_mib), 413, "NodePayloadTooLarge"),
        case(
            "body_one_byte_over_the_limit",
            raw(just_over_limit),
            413,
            "NodePayloadTooLarge",
        ),
        case(
            "unknown_route",
            Request::Json {
                path: "/web/encryption/sign/../../admin",
                body: json!({}),
            },
            404,
            "NodeRouteNotFound",
        ),
        case(
            "get_instead_of_post",
            Request::Raw {
                method: Method::GET,
                path: SIGN,
                content_type: None,
                body: vec![],
                request_id: true,
            },
            405,
            "NodeMethodNotAllowed",
        ),
        case(
            "handshake_without_request_id",
            Request::Raw {
                method: Method::POST,
                path: "/web/handshake/",
                content_type: Some("application/json"),
                body: br#"{"clientPublicKey":"test","challenge":"00"}"#.to_vec(),
                request_id: false,
            },
            418,
            "CoreApiMissingRequiredXRequestIdHeader",
        ),
        case(
            "handshake_without_challenge",
            Request::Json {
                path: "/web/handshake/",
                body: json!({"clientPublicKey": "test"}),
            },
            422,
            "NodeBadInput",
        )
        .detail("missing field `challenge`"),
    ]
}

/// Conditions that are unknown, too many, too deep or too big: refused before the session sig.
fn condition_cases(f: &Fixture) -> Vec<Case> {
    let session = f.session(&f.owner);
    let leaf = f.conditions[0].clone();
    let nested_groups = (0..12).fold(json!([leaf.clone()]), |inner, _| json!([inner]));
    let thirty_one_in_groups = json!([
        Value::Array(vec![leaf.clone(); 15]),
        {"operator": "and"},
        Value::Array(vec![leaf.clone(); 16]),
    ]);
    let deep_json = format!("{}{}", "[".repeat(100), "]".repeat(100));
    let bomb = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let wide = format!("[{}0]", "0,".repeat(60_000));
    vec![
        case(
            "no_known_condition_kind",
            sign(
                json!({"fooConditions": f.conditions, "dataToEncryptHash": f.data_hash, "authSig": session}),
            ),
            400,
            "NodeMissingAccessControlConditions",
        ),
        case(
            "empty_condition_list",
            sign(f.body_with(json!([]), &session)),
            400,
            "NodeMissingAccessControlConditions",
        ),
        case(
            "conditions_not_an_array",
            sign(f.body_with(json!("everyone"), &session)),
            400,
            "NodeParserError",
        ),
        case(
            "unified_condition_of_no_known_shape",
            sign(json!({
                "unifiedAccessControlConditions": [{
                    "conditionType": "evmBasic", "contractAddress": "",
                    "chain": "ethereum", "method": "", "parameters": [":userAddress"],
                    "returnValueTest": {"comparator": "=", "value": "x"}
                }],
                "dataToEncryptHash": f.data_hash,
                "authSig": session,
            })),
            400,
            "NodeParserError",
        )
        .detail("standardContractType"),
        case(
            "thirty_one_conditions",
            sign(f.body_with(Value::Array(vec![leaf.clone(); 31]), &session)),
            400,
            "NodeTooManyConditions",
        ),
        case(
            "thirty_one_conditions_in_groups",
            sign(f.body_with(thirty_one_in_groups, &session)),
            400,
            "NodeTooManyConditions",
        ),
        case(
            "condition_groups_nested_twelve_deep",
            sign(f.body_with(nested_groups, &session)),
            400,
            "NodeParserError",
        )
        .detail("nested deeper than"),
        case(
            "json_nested_a_hundred_deep",
            raw(f.body_text_with_conditions(&deep_json, &session)),
            400,
            "NodeParserError",
        )
        .detail("nested deeper than"),
        case(
            "json_nesting_bomb_of_100k_levels",
            raw(f.body_text_with_conditions(&bomb, &session)),
            400,
            "NodeParserError",
        )
        .detail("recursion limit"),
        case(
            "sixty_thousand_json_values",
            raw(f.body_text_with_conditions(&wide, &session)),
            400,
            "NodeParserError",
        ),
        case(
            "data_to_encrypt_hash_not_hex",
            sign({
                let mut body = f.body(&session);
                body["dataToEncryptHash"] = json!("zz".repeat(32));
                body
            }),
            400,
            "NodeInvalidDataToEncryptHash",
        ),
        case(
            "data_to_encrypt_hash_in_uppercase",
            sign({
                let mut body = f.body(&session);
                body["dataToEncryptHash"] = json!(f.data_hash.to_uppercase());
                body
            }),
            400,
            "NodeInvalidDataToEncryptHash",
        ),
        case(
            "data_to_encrypt_hash_too_short",
            sign({
                let mut body = f.body(&session);
                body["dataToEncryptHash"] = json!(&f.data_hash[..62]);
                body
            }),
            400,
            "NodeInvalidDataToEncryptHash",
        ),
    ]
}

/// The session sig itself: its outer fields, its template changed after signing, its content.
fn session_cases(f: &Fixture, other_devnet_sig: AuthSig) -> Vec<Case> {
    let owner = &f.owner;
    let key = session_key();
    let valid = f.session_with(&key, vec![f.capability(owner, &key)]);
    let other_key = session_key();
    let outer = |edit: &dyn Fn(&mut AuthSig)| {
        let mut sig = valid.clone();
        edit(&mut sig);
        sign(f.body(&sig))
    };
    let after_signing = |edit: &dyn Fn(&mut Value)| sign(f.body(&tampered(&valid, edit)));
    let resigned = |edit: &dyn Fn(&mut Value)| sign(f.body(&f.session_edited(owner, edit)));
    let at = |offset: Duration| to_js_iso_string(f.now + offset);

    // A 32-byte string that is not an ed25519 point (y = 2 has no x), and the small-order
    // identity point (y = 1), which strict verification refuses.
    let not_a_point = format!("02{}", "00".repeat(31));
    let small_order = format!("01{}", "00".repeat(31));
    let mut flipped = valid.sig.clone().into_bytes();
    flipped[10] = if flipped[10] == b'0' { b'1' } else { b'0' };
    let flipped = String::from_utf8(flipped).expect("hex");
    let mixed_case = format!("{}{}", &valid.sig[..64].to_uppercase(), &valid.sig[64..]);

    let template_bomb = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
    let seventeen = vec![f.capability(owner, &key); 17];

    vec![
        // ---- the outer session sig ----
        case(
            "wallet_sig_instead_of_a_session_sig",
            sign(f.body(&f.capability(owner, &key))),
            401,
            "NodeInvalidAuthSig",
        ),
        // Without its algo it is read as a wallet's own AuthSig, as Lit's nodes read it, whose
        // 64-byte signature is no wallet signature.
        case(
            "session_sig_without_algo",
            outer(&|sig| sig.algo = None),
            400,
            "NodeAuthSigSignatureConversionError",
        ),
        case(
            "session_key_not_hex",
            outer(&|sig| sig.address = "zz".repeat(32)),
            400,
            "NodeAuthSigAddressConversionError",
        ),
        case(
            "session_key_of_31_bytes",
            outer(&|sig| sig.address.truncate(62)),
            400,
            "NodeAuthSigAddressConversionError",
        ),
        case(
            "session_key_not_on_the_curve",
            outer(&|sig| sig.address = not_a_point.clone()),
            400,
            "NodeAuthSigSessionKeyConversionError",
        ),
        case(
            "session_key_of_small_order",
            outer(&|sig| sig.address = small_order.clone()),
            400,
            "NodeInvalidAuthSigSessionKeySignature",
        ),
        case(
            "session_sig_not_hex",
            outer(&|sig| sig.sig = "zz".repeat(64)),
            400,
            "NodeAuthSigSignatureConversionError",
        ),
        case(
            "session_sig_of_mixed_case_hex",
            outer(&|sig| sig.sig = mixed_case.clone()),
            400,
            "NodeAuthSigSignatureConversionError",
        ),
        case(
            "session_sig_with_0x_prefix",
            outer(&|sig| sig.sig = format!("0x{}", sig.sig)),
            400,
            "NodeAuthSigSignatureConversionError",
        ),
        case(
            "session_sig_with_a_flipped_digit",
            outer(&|sig| sig.sig = flipped.clone()),
            400,
            "NodeInvalidAuthSigSessionKeySignature",
        ),
        case(
            "session_sig_claimed_by_another_key",
            outer(&|sig| sig.address = other_key.public_key_hex()),
            400,
            "NodeInvalidAuthSigSessionKeySignature",
        ),
        // ---- each template field altered after the session key signed ----
        case(
            "template_session_key_altered_after_signing",
            after_signing(&|t| t["sessionKey"] = json!(other_key.public_key_hex())),
            400,
            "NodeInvalidAuthSigSessionKeySignature",
        ),
        case(
            "template_resource_ability_requests_altered_after_signing",
            after_signing(&|t| t["resourceAbilityRequests"][0]["ability"] = json!("pkp-signing")),
            400,
            "NodeInvalidAuthSigSessionKeySignature",
        ),
        case(
            "template_capabilities_altered_after_signing",
            after_signing(&|t| t["capabilities"] = json!([f.capability(owner, &other_key)])),
            400,
            "NodeInvalidAuthSigSessionKeySignature",
        ),
        case(
            "template_issued_at_altered_after_signing",
            after_signing(&|t| t["issuedAt"] = json!(at(Duration::seconds(-1)))),
            400,
            "NodeInvalidAuthSigSessionKeySignature",
        ),
        case(
            "template_expiration_altered_after_signing",
            after_signing(&|t| t["expiration"] = json!(at(Duration::days(20)))),
            400,
            "NodeInvalidAuthSigSessionKeySignature",
        ),
        case(
            "template_node_address_altered_after_signing",
            after_signing(&|t| t["nodeAddress"] = json!(f.urls[1])),
            400,
            "NodeInvalidAuthSigSessionKeySignature",
        ),
        // ---- the template's content, signed ----
        case(
            "template_not_json",
            sign(f.body(&signed_text(&key, "not a template".into()))),
            400,
            "NodeAuthSigSignedMessageConversionError",
        ),
        case(
            "template_without_node_address",
            resigned(&|t| drop(t.as_object_mut().map(|o| o.remove("nodeAddress")))),
            400,
            "NodeAuthSigSignedMessageConversionError",
        ),
        case(
            "template_nesting_bomb",
            sign(f.body(&signed_text(&key, template_bomb))),
            400,
            "NodeAuthSigSignedMessageConversionError",
        ),
        case(
            "template_with_a_duplicate_key",
            sign(f.body(&signed_text(
                &key,
                replaced(
                    &valid.signed_message,
                    r#""issuedAt":"#,
                    &format!(r#""issuedAt":"{}","issuedAt":"#, at(Duration::ZERO)),
                ),
            ))),
            400,
            "NodeAuthSigSignedMessageConversionError",
        )
        .detail("duplicate field"),
        case(
            "capability_with_a_duplicate_key_in_the_template",
            sign(f.body(&signed_text(
                &key,
                replaced(
                    &valid.signed_message,
                    r#""derivedVia":"#,
                    r#""derivedVia":"web3.eth.personal.sign","derivedVia":"#,
                ),
            ))),
            400,
            "NodeAuthSigSignedMessageConversionError",
        )
        .detail("duplicate field"),
        case(
            "template_does_not_request_the_item",
            resigned(&|t| {
                t["resourceAbilityRequests"] = json!([request_for(
                    LitResource::wildcard(ResourcePrefix::Pkp),
                    LitAbility::PkpSigning
                )])
            }),
            404,
            "NodeResourceIdNotFound",
        )
        .detail("Could not find requested resource"),
        case(
            "template_requests_another_item",
            resigned(&|t| {
                t["resourceAbilityRequests"] = json!([request_for(
                    LitResource::new(
                        ResourcePrefix::AccessControlCondition,
                        format!("{}/{}", "ab".repeat(32), "cd".repeat(32))
                    )
                    .expect("resource"),
                    LitAbility::AccessControlConditionDecryption
                )])
            }),
            404,
            "NodeResourceIdNotFound",
        )
        .detail("Could not find requested resource"),
        case(
            "issued_at_not_a_timestamp",
            resigned(&|t| t["issuedAt"] = json!("yesterday\u{0}")),
            400,
            "NodeParserError",
        )
        .detail("Could not parse issued_at"),
        case(
            "expired_session",
            resigned(&|t| {
                t["issuedAt"] = json!(at(Duration::hours(-3)));
                t["expiration"] = json!(at(Duration::hours(-2)));
            }),
            403,
            "NodeExpWrongOrTooLarge",
        )
        .detail("in the past beyond the grace period"),
        case(
            "session_not_yet_valid",
            resigned(&|t| {
                t["issuedAt"] = json!(at(Duration::hours(1)));
                t["expiration"] = json!(at(Duration::hours(2)));
            }),
            403,
            "NodeIatOutsideGracePeriod",
        )
        .detail("in the future beyond the grace period"),
        case(
            "expiration_before_issued_at",
            resigned(&|t| t["expiration"] = json!(at(Duration::minutes(-10)))),
            403,
            "NodeExpWrongOrTooLarge",
        )
        .detail("is before issued_at"),
        case(
            "session_valid_for_31_days",
            resigned(&|t| t["expiration"] = json!(at(Duration::days(31)))),
            400,
            "NodeSIWEMessageError",
        )
        .detail("max expiry of 30 days"),
        case(
            "session_sig_replayed_to_another_node",
            sign(f.body(&valid)),
            403,
            "NodeNotAuthorized",
        )
        .at(1)
        .detail("does not match our node address"),
        case(
            "session_sig_from_another_devnet",
            sign(f.body(&other_devnet_sig)),
            403,
            "NodeNotAuthorized",
        )
        .detail("does not match our node address"),
        case(
            "node_address_with_an_invisible_character",
            resigned(&|t| t["nodeAddress"] = json!(format!("{}\u{200b}", f.urls[0]))),
            403,
            "NodeNotAuthorized",
        ),
        case(
            "no_capabilities",
            sign(f.body(&f.session_with(&key, vec![]))),
            404,
            "NodeResourceIdNotFound",
        )
        .detail("empty capabilities array"),
        case(
            "seventeen_capabilities",
            sign(f.body(&f.session_with(&key, seventeen))),
            400,
            "NodeSIWECapabilityInvalid",
        )
        .detail("at most 16 are accepted"),
    ]
}

/// The wallet's capability: its SIWE, its ReCap, its signature and its signer.
fn capability_cases(f: &Fixture) -> Vec<Case> {
    let owner = &f.owner;
    let mallory = PrivateKeySigner::random();
    // Each case signs its session with a fresh key; `with` puts one capability in it.
    let with = |capability: &dyn Fn(&SessionKeyPair) -> AuthSig| {
        let key = session_key();
        let capability = capability(&key);
        sign(f.body(&f.session_with(&key, vec![capability])))
    };
    let edited = |resources: Vec<ResourceAbilityRequest>, edit: &dyn Fn(String) -> String| {
        with(&|key| f.edited_capability(owner, key, resources.clone(), edit))
    };
    let unsorted_recap = format!(
        "urn:recap:{}",
        base64url(
            br#"{"att":{"lit-accesscontrolcondition://*":{"Threshold/Signing":[{}],"Threshold/Decryption":[{}]}},"prf":[]}"#
        )
    );
    let json_recap = Recap::from_requests(&[wildcard_decryption()]).expect("recap");
    let not_json_recap = format!("urn:recap:{}", base64url(b"this is not json"));
    let rejected =
        |name, request, detail| case(name, request, 404, "NodeResourceIdNotFound").detail(detail);
    vec![
        rejected(
            "capability_for_another_session_key",
            with(&|_| f.capability(owner, &session_key())),
            "is not signed in the wallet-signed SIWE message",
        ),
        rejected(
            "session_uri_in_uppercase_hex",
            with(&|key| {
                let text = f.siwe(
                    owner,
                    &key.uri()
                        .to_uppercase()
                        .replace("LIT:SESSION:", "lit:session:"),
                    vec![wildcard_decryption()],
                );
                generate_auth_sig(owner, &text).expect("auth sig")
            }),
            "is not signed in the wallet-signed SIWE message",
        ),
        rejected(
            "siwe_uri_is_the_login_page",
            with(&|_| {
                let text = f.siwe(
                    owner,
                    "https://localhost/login",
                    vec![wildcard_decryption()],
                );
                generate_auth_sig(owner, &text).expect("auth sig")
            }),
            "is not signed in the wallet-signed SIWE message",
        ),
        rejected(
            "session_address_with_0x_prefix",
            {
                let key = session_key();
                let mut sig = f.session_with(&key, vec![f.capability(owner, &key)]);
                sig.address = format!("0x{}", sig.address);
                sign(f.body(&sig))
            },
            "is not signed in the wallet-signed SIWE message",
        ),
        rejected(
            "recap_lacks_the_resource",
            edited(
                vec![request_for(
                    LitResource::wildcard(ResourcePrefix::Pkp),
                    LitAbility::PkpSigning,
                )],
                &|text| text,
            ),
            "No capability object found for this resource",
        ),
        rejected(
            "recap_for_another_item",
            edited(
                vec![request_for(
                    LitResource::new(
                        ResourcePrefix::AccessControlCondition,
                        format!("{}/{}", "ab".repeat(32), "cd".repeat(32)),
                    )
                    .expect("resource"),
                    LitAbility::AccessControlConditionDecryption,
                )],
                &|text| text,
            ),
            "No capability object found for this resource",
        ),
        rejected(
            "recap_lacks_the_ability",
            edited(
                vec![request_for(
                    LitResource::wildcard(ResourcePrefix::AccessControlCondition),
                    LitAbility::AccessControlConditionSigning,
                )],
                &|text| text,
            ),
            "No attenuations found in capability object",
        ),
        rejected(
            "recap_unsorted",
            edited(vec![wildcard_decryption()], &|text| {
                replaced(&text, &json_recap.encode(), &unsorted_recap)
            }),
            "No capability object found in the SIWE resources",
        ),
        rejected(
            "recap_not_base64url",
            edited(vec![wildcard_decryption()], &|text| {
                replaced(
                    &text,
                    &json_recap.encode(),
                    &format!("{}==", json_recap.encode()),
                )
            }),
            "No capability object found in the SIWE resources",
        ),
        rejected(
            "recap_not_json",
            edited(vec![wildcard_decryption()], &|text| {
                replaced(&text, &json_recap.encode(), &not_json_recap)
            }),
            "No capability object found in the SIWE resources",
        ),
        rejected(
            "recap_statement_does_not_match",
            edited(vec![wildcard_decryption()], &|text| {
                replaced(&text, "'Threshold': 'Decryption'", "'Threshold': 'Signing'")
            }),
            "Incorrect statement for capability object",
        ),
        rejected(
            "capacity_delegation_capability_alone",
            with(&|_| f.delegation(owner, &[owner], None)),
            "is not signed in the wallet-signed SIWE message (uri lit:capability:delegation)",
        ),
        rejected(
            "capability_address_is_not_its_signer",
            with(&|key| {
                let mut capability = f.capability(owner, key);
                capability.address = mallory.address().to_string();
                capability
            }),
            "is not the SIWE address",
        ),
        rejected(
            "capability_signed_by_another_wallet",
            with(&|key| {
                let text = f.siwe(owner, &key.uri(), vec![wildcard_decryption()]);
                let mut capability = generate_auth_sig(&mallory, &text).expect("auth sig");
                capability.address = owner.address().to_string();
                capability
            }),
            "recovered key does not match address",
        ),
        rejected(
            "eip1271_derived_via_inside_a_session",
            with(&|key| {
                let mut capability = f.capability(owner, key);
                capability.derived_via = "EIP1271".into();
                capability
            }),
            "is not supported inside a session",
        ),
        rejected(
            "lit_bls_capability_inside_a_session",
            with(&|key| {
                let mut capability = f.capability(owner, key);
                capability.derived_via = "lit.bls".into();
                capability.algo = Some("LIT_BLS".into());
                capability
            }),
            // A wallet signature is no network BLS signature, whether or not a node checks
            // `lit.bls` capabilities (Sigil does not yet): only the rejection itself is pinned.
            "capability 0: ",
        ),
        rejected(
            "capability_sig_not_hex",
            with(&|key| {
                let mut capability = f.capability(owner, key);
                capability.sig = format!("0x{}", "zz".repeat(65));
                capability
            }),
            "NodeSIWESigConversionError",
        ),
        rejected(
            "capability_sig_of_64_bytes",
            with(&|key| {
                let mut capability = f.capability(owner, key);
                capability.sig.truncate(2 + 128);
                capability
            }),
            "signature is 64 bytes, not 65",
        ),
        rejected(
            "capability_siwe_expired",
            with(&|key| {
                let params = SiweMessageParams::new(owner.address(), f.nonce.clone())
                    .with_uri(key.uri())
                    .with_expiration(f.now - Duration::minutes(5))
                    .with_resources(vec![wildcard_decryption()]);
                let text = create_siwe_message(&params, f.now - Duration::hours(1)).expect("siwe");
                generate_auth_sig(owner, &text).expect("auth sig")
            }),
            "message is not currently valid",
        ),
        rejected(
            "capability_siwe_not_before_the_future",
            edited(vec![wildcard_decryption()], &|text| {
                replaced(
                    &text,
                    "\nResources:",
                    &format!(
                        "\nNot Before: {}\nResources:",
                        to_js_iso_string(f.now + Duration::hours(1))
                    ),
                )
            }),
            "message is not currently valid",
        ),
        rejected(
            "capability_is_not_a_siwe",
            with(&|_| generate_auth_sig(owner, "hello").expect("auth sig")),
            "Error parsing SIWE message on capability sig",
        ),
    ]
}

/// Each SIWE field of a valid capability altered after the wallet signed it (the session key
/// signs the template anew, so only the wallet's signature can catch it).
fn siwe_altered_cases(f: &Fixture) -> Vec<Case> {
    let owner = &f.owner;
    let stranger = PrivateKeySigner::random();
    let with_altered = |from: &dyn Fn(&SessionKeyPair) -> String,
                        to: &dyn Fn(&SessionKeyPair) -> String| {
        let key = session_key();
        let capability = altered_after_signing(&f.capability(owner, &key), &from(&key), &to(&key));
        sign(f.body(&f.session_with(&key, vec![capability])))
    };
    let fixed = |s: String| move |_: &SessionKeyPair| s.clone();
    let wider = Recap::from_requests(&[
        wildcard_decryption(),
        request_for(
            LitResource::wildcard(ResourcePrefix::Pkp),
            LitAbility::PkpSigning,
        ),
    ])
    .expect("recap");
    let recap = Recap::from_requests(&[wildcard_decryption()]).expect("recap");
    let issued = to_js_iso_string(f.now);
    let expires = to_js_iso_string(f.now + Duration::hours(1));

    let wrong_signer = |name, request| {
        case(name, request, 404, "NodeResourceIdNotFound")
            .detail("recovered key does not match address")
    };
    vec![
        wrong_signer(
            "siwe_domain_altered_after_signing",
            with_altered(
                &fixed("localhost wants".into()),
                &fixed("evil.example wants".into()),
            ),
        ),
        wrong_signer(
            "siwe_address_altered_after_signing",
            with_altered(
                &fixed(format!("\n{}\n", owner.address())),
                &fixed(format!("\n{}\n", stranger.address())),
            ),
        ),
        wrong_signer(
            "siwe_statement_altered_after_signing",
            with_altered(
                &fixed("This is a test".into()),
                &fixed("This is a best".into()),
            ),
        ),
        wrong_signer(
            "siwe_uri_altered_after_signing",
            with_altered(&|key| key.uri(), &fixed(session_key().uri())),
        ),
        case(
            "siwe_version_altered_after_signing",
            with_altered(&fixed("Version: 1".into()), &fixed("Version: 2".into())),
            404,
            "NodeResourceIdNotFound",
        )
        .detail("NodeSIWECapabilityInvalid"),
        wrong_signer(
            "siwe_chain_id_altered_after_signing",
            with_altered(
                &fixed("Chain ID: 1\n".into()),
                &fixed("Chain ID: 137\n".into()),
            ),
        ),
        wrong_signer(
            "siwe_nonce_altered_after_signing",
            with_altered(
                &fixed(format!("Nonce: {}", f.nonce)),
                &fixed(format!("Nonce: {}", "0x".to_owned() + &"11".repeat(32))),
            ),
        ),
        wrong_signer(
            "siwe_issued_at_altered_after_signing",
            with_altered(
                &fixed(format!("Issued At: {issued}")),
                &fixed(format!(
                    "Issued At: {}",
                    to_js_iso_string(f.now + Duration::milliseconds(1))
                )),
            ),
        ),
        wrong_signer(
            "siwe_expiration_altered_after_signing",
            with_altered(
                &fixed(format!("Expiration Time: {expires}")),
                &fixed(format!(
                    "Expiration Time: {}",
                    to_js_iso_string(f.now + Duration::days(365))
                )),
            ),
        ),
        wrong_signer(
            "siwe_resources_altered_after_signing",
            with_altered(&fixed(recap.encode()), &fixed(wider.encode())),
        ),
        wrong_signer(
            "siwe_request_id_added_after_signing",
            with_altered(
                &fixed("\nResources:".into()),
                &fixed("\nRequest ID: 42\nResources:".into()),
            ),
        ),
    ]
}

/// Non-ASCII and control characters in SIWE fields that have a grammar: the wallet signed them,
/// but the capability does not parse as EIP-4361.
fn siwe_character_cases(f: &Fixture) -> Vec<Case> {
    let owner = &f.owner;
    let edited = |edit: &dyn Fn(String) -> String| {
        let key = session_key();
        let capability = f.edited_capability(owner, &key, vec![wildcard_decryption()], edit);
        sign(f.body(&f.session_with(&key, vec![capability])))
    };
    let unparsable = |name, request| {
        case(name, request, 404, "NodeResourceIdNotFound")
            .detail("Error parsing SIWE message on capability sig")
    };
    vec![
        unparsable(
            "non_ascii_siwe_domain",
            edited(&|t| replaced(&t, "localhost wants", "lócalhost wants")),
        ),
        unparsable(
            "non_ascii_digit_in_siwe_chain_id",
            edited(&|t| replaced(&t, "Chain ID: 1\n", "Chain ID: \u{0661}\n")),
        ),
        unparsable(
            "control_character_in_siwe_issued_at",
            edited(&|t| replaced(&t, "Issued At: ", "Issued At: \u{0}")),
        ),
        unparsable(
            "control_character_in_siwe_address",
            edited(&|t| replaced(&t, "account:\n0x", "account:\n\u{7}0x")),
        ),
        unparsable(
            "crlf_line_endings_in_siwe",
            edited(&|t| t.replace('\n', "\r\n")),
        ),
        unparsable(
            "control_character_in_siwe_uri",
            edited(&|t| replaced(&t, "URI: lit:session:", "URI: lit:session:\u{1b}")),
        ),
    ]
}

/// The cases that get past verification: the rate limit, then the conditions. `spent` is the
/// delegatee's request whose delegation's one use was spent before the trials.
fn past_verification_cases(f: &Fixture, spent: Value) -> Vec<Case> {
    let owner = &f.owner;
    let someone_else = PrivateKeySigner::random();
    let not_for_me = PrivateKeySigner::random();
    let mallory = PrivateKeySigner::random();
    let delegated_session = |user: &PrivateKeySigner, delegation: AuthSig| {
        let key = session_key();
        let sig = f.session_with(&key, vec![delegation, f.capability(user, &key)]);
        sign(f.body_with(conditions_for(user), &sig))
    };
    let owner_session = f.session(owner);
    let leaf = f.conditions[0].clone();
    let mut foreign_type = leaf.clone();
    foreign_type["standardContractType"] = json!("FOO");
    let mut bad_address = leaf.clone();
    bad_address["returnValueTest"]["value"] = json!("0xnothex");
    vec![
        case(
            "delegation_uses_exhausted",
            sign(spent),
            402,
            "rate_limit_exceeded",
        ),
        case(
            "delegation_to_someone_else",
            delegated_session(&not_for_me, f.delegation(owner, &[&someone_else], None)),
            402,
            "rate_limit_exceeded",
        ),
        case(
            "delegation_of_a_credit_its_signer_does_not_own",
            delegated_session(&not_for_me, f.delegation(&mallory, &[&not_for_me], None)),
            402,
            "rate_limit_exceeded",
        ),
        case(
            "user_without_credits_or_allowance",
            sign(f.body_with(conditions_for(&someone_else), &f.session(&someone_else))),
            402,
            "rate_limit_exceeded",
        ),
        case(
            "conditions_not_met_by_the_user",
            sign(f.body_with(conditions_for(&mallory), &owner_session)),
            401,
            "NodeAccessControlConditionsReturnedNotAuthorized",
        ),
        case(
            "operators_not_alternating",
            sign(f.body_with(json!([leaf, {"operator": "and"}]), &owner_session)),
            400,
            "NodeInvalidBooleanConditionType",
        ),
        case(
            "unknown_standard_contract_type",
            sign(f.body_with(json!([foreign_type]), &owner_session)),
            502,
            "NodeAccessControlConditionsCheckFailed",
        )
        .detail("FOO"),
        case(
            "condition_address_not_hex",
            sign(f.body_with(json!([bad_address]), &owner_session)),
            400,
            "NodeConditionAddressConversionError",
        ),
    ]
}

/// Every case, with names checked unique so that each can be run alone by its name.
fn table(f: &Fixture, other_devnet_sig: AuthSig, spent: Value) -> Vec<Case> {
    let mut cases = Vec::new();
    cases.extend(transport_cases(f));
    cases.extend(condition_cases(f));
    cases.extend(session_cases(f, other_devnet_sig));
    cases.extend(capability_cases(f));
    cases.extend(siwe_altered_cases(f));
    cases.extend(siwe_character_cases(f));
    cases.extend(past_verification_cases(f, spent));
    let mut names = HashSet::new();
    for case in &cases {
        assert!(names.insert(case.name), "case {} appears twice", case.name);
    }
    assert!(
        cases.len() >= 40,
        "the table must hold at least 40 distinct bad requests, not {}",
        cases.len()
    );
    cases
}

// ---------------------------------------------------------------------------------------------
// What the trials share, set up before any of them runs
// ---------------------------------------------------------------------------------------------

struct Shared {
    f: Fixture,
    /// Each node's router over the running node's own state, for sending without a socket.
    routers: Vec<Router>,
    /// The latest blockhash of another devnet, the SIWE nonce a session made there carries.
    other_devnet_nonce: String,
    /// The key under which node 0 counts the uses of the one-use delegation.
    once_key: [u8; 32],
}

/// A session the owner made on another devnet, for that devnet's first node, and that devnet's
/// nonce. The devnet is gone by the time the session is sent, as a stale network would be.
async fn from_another_devnet(f: &Fixture) -> (AuthSig, String) {
    let other = Devnet::start(DevnetConfig {
        nodes: 2,
        ..DevnetConfig::default()
    })
    .await
    .expect("second devnet");
    let nonce = other.latest_block().hash.to_string();
    let key = session_key();
    let params = SiweMessageParams::new(f.owner.address(), nonce.clone())
        .with_uri(key.uri())
        .with_expiration(f.now + Duration::hours(1))
        .with_resources(vec![wildcard_decryption()]);
    let text = create_siwe_message(&params, f.now).expect("siwe");
    let capability = generate_auth_sig(&f.owner, &text).expect("auth sig");
    let mut template = f.template(&key, vec![capability]);
    template["nodeAddress"] = json!(other.node_urls()[0]);
    let sig = signed(&key, &template);
    other.shutdown().await;
    (sig, nonce)
}

/// Spends the one use of a delegation to a fresh delegatee; answers the delegation's key and the
/// delegatee's request, whose second sending must be refused.
async fn spend_a_one_use_delegation(f: &Fixture, router: &Router) -> ([u8; 32], Value) {
    let delegatee = PrivateKeySigner::random();
    let once = f.delegation(&f.owner, &[&delegatee], Some(1));
    let once_key: [u8; 32] = Sha256::digest(once.sig.as_bytes()).into();
    let key = session_key();
    let sig = f.session_with(&key, vec![once, f.capability(&delegatee, &key)]);
    let body = f.body_with(conditions_for(&delegatee), &sig);
    let (status, answer, _) = send(router, "first_use", &sign(body.clone())).await;
    assert_eq!(status, 200, "the delegation's one use is served: {answer}");
    (once_key, body)
}

/// A trial running `test` to completion on the shared runtime; a panic fails it.
fn trial<Fut>(
    name: &str,
    runtime: &tokio::runtime::Handle,
    shared: &Arc<Shared>,
    test: impl FnOnce(Arc<Shared>) -> Fut + Send + 'static,
) -> Trial
where
    Fut: std::future::Future<Output = ()>,
{
    let (runtime, shared) = (runtime.clone(), Arc::clone(shared));
    Trial::test(name, move || {
        runtime.block_on(test(shared));
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// What a node cannot detect, by design
// ---------------------------------------------------------------------------------------------

async fn a_session_from_another_devnet_signed_for_this_node_is_served_like_lit(s: Arc<Shared>) {
    let f = &s.f;
    assert_ne!(s.other_devnet_nonce, f.nonce);
    // Made against the other devnet (its blockhash as nonce) but addressed to this node: nothing
    // in a session names the network, and the nonce is not checked (as on Lit's node).
    let key = session_key();
    let params = SiweMessageParams::new(f.owner.address(), s.other_devnet_nonce.clone())
        .with_uri(key.uri())
        .with_expiration(f.now + Duration::hours(1))
        .with_resources(vec![wildcard_decryption()]);
    let capability = generate_auth_sig(
        &f.owner,
        &create_siwe_message(&params, f.now).expect("siwe"),
    )
    .expect("auth sig");
    let sig = f.session_with(&key, vec![capability]);
    let (status, body, _) = send(&s.routers[0], "other_devnet", &sign(f.body(&sig))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["result"], "success");
}

async fn non_ascii_and_control_characters_in_siwe_free_text_are_served_as_signed(s: Arc<Shared>) {
    let f = &s.f;
    let edits: [(&str, &dyn Fn(String) -> String); 2] = [
        ("statement", &|t| {
            replaced(
                &t,
                "This is a test statement.",
                "Grüße \u{202e}\u{7}\t日本語.",
            )
        }),
        ("nonce", &|t| {
            replaced(
                &t,
                &format!("Nonce: {}", f.nonce),
                "Nonce: nónce\u{1}ü-12345",
            )
        }),
    ];
    for (field, edit) in edits {
        let key = session_key();
        let capability = f.edited_capability(&f.owner, &key, vec![wildcard_decryption()], edit);
        let sig = f.session_with(&key, vec![capability]);
        let (status, body, _) = send(&s.routers[0], field, &sign(f.body(&sig))).await;
        assert_eq!(status, 200, "{field}: {body}");
        assert_eq!(body["result"], "success", "{field}");
    }
}

// ---------------------------------------------------------------------------------------------
// After the table: what it left behind
// ---------------------------------------------------------------------------------------------

async fn no_refused_request_counted_against_the_delegation(s: Arc<Shared>) {
    let node = s.f.devnet.node(0).expect("node 0 runs");
    assert_eq!(
        node.state().delegation_uses(s.once_key).await.ok(),
        Some(1),
        "the one-use delegation was used once before the table, and only then"
    );
}

async fn both_nodes_still_serve_the_owner_over_http_and_their_shares_decrypt(s: Arc<Shared>) {
    let f = &s.f;
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .expect("client");
    let mut shares = Vec::new();
    for (index, url) in f.urls.iter().enumerate() {
        let key = session_key();
        let capability = f.capability(&f.owner, &key);
        let sig = signed(&key, &f.template_for(&key, vec![capability], index));
        let response = client
            .post(format!("{url}{SIGN}"))
            .header("X-Request-Id", "after_the_storm")
            .json(&f.body(&sig))
            .send()
            .await
            .expect("the node answers over HTTP");
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert_eq!(status, 200, "node {index} still serves: {body}");
        shares.push(SignatureShare::from_json_value(&body["signatureShare"]).expect("a share"));
    }
    let signature = bls::combine(&shares).expect("combine");
    assert_eq!(
        bls::decrypt(&f.ciphertext, &signature).expect("decrypt"),
        PLAINTEXT
    );
}

// ---------------------------------------------------------------------------------------------
// The harness
// ---------------------------------------------------------------------------------------------

/// Starts the devnet and builds the table once, runs one trial per case (in parallel, in any
/// order), then the checks of what the whole table left behind.
fn main() -> ExitCode {
    let args = Arguments::from_args();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let handle = runtime.handle();

    let f = runtime.block_on(fixture());
    let routers: Vec<Router> = (0..f.urls.len())
        .map(|index| {
            let node = f.devnet.node(index).expect("the node runs");
            sigil_node::app(Arc::clone(node.state()))
        })
        .collect();
    let (other_devnet_sig, other_devnet_nonce) = runtime.block_on(from_another_devnet(&f));
    // Spent before any trial starts, so each refusal meets the delegation already used up.
    let (once_key, spent) = runtime.block_on(spend_a_one_use_delegation(&f, &routers[0]));
    let cases = table(&f, other_devnet_sig, spent);
    let shared = Arc::new(Shared {
        f,
        routers,
        other_devnet_nonce,
        once_key,
    });

    let mut trials: Vec<Trial> = cases
        .into_iter()
        .map(|case| {
            let (runtime, router) = (handle.clone(), shared.routers[case.node].clone());
            Trial::test(case.name, move || {
                runtime.block_on(run_case(&router, &case))
            })
        })
        .collect();
    trials.push(trial(
        "a_session_from_another_devnet_signed_for_this_node_is_served_like_lit",
        handle,
        &shared,
        a_session_from_another_devnet_signed_for_this_node_is_served_like_lit,
    ));
    trials.push(trial(
        "non_ascii_and_control_characters_in_siwe_free_text_are_served_as_signed",
        handle,
        &shared,
        non_ascii_and_control_characters_in_siwe_free_text_are_served_as_signed,
    ));
    let table_run = libtest_mimic::run(&args, trials);

    // A second run rather than checks at the end of `main`: `run` returns only once every trial
    // of the first has finished, whatever threads and order they ran in, so these see the state
    // the whole table left; and they are still reported, filtered and run alone by name.
    let after = vec![
        trial(
            "after_the_table::no_refused_request_counted_against_the_delegation",
            handle,
            &shared,
            no_refused_request_counted_against_the_delegation,
        ),
        trial(
            "after_the_table::both_nodes_still_serve_the_owner_over_http_and_their_shares_decrypt",
            handle,
            &shared,
            both_nodes_still_serve_the_owner_over_http_and_their_shares_decrypt,
        ),
    ];
    let after_run = libtest_mimic::run(&args, after);

    // Every trial has been run and dropped, so `shared` is the last owner.
    if let Some(Shared { f, routers, .. }) = Arc::into_inner(shared) {
        drop(routers);
        runtime.block_on(f.devnet.shutdown());
    }
    if table_run.has_failed() || after_run.has_failed() {
        ExitCode::from(101)
    } else {
        ExitCode::SUCCESS
    }
}
