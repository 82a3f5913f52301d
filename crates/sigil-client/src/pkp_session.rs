//! `get_pkp_session_sigs` and `get_lit_action_session_sigs`: session sigs for a PKP, whose
//! capability the network signs (`/web/sign_session_key`) after checking auth methods or a Lit
//! Action the PKP permits, as the JS SDK v7.4.0 gets them.

use crate::encryption::share_from_signature;
use crate::node_http::{self, new_request_id};
use crate::session::DEFAULT_SESSION_VALIDITY;
use crate::{pkp_eth_address, ClientError, LitNodeClient};
use futures::stream::FuturesUnordered;
use serde_json::{Map, Value};
use sigil_auth::recap::Recap;
use sigil_auth::siwe::{create_siwe_message, SiweMessageParams};
use sigil_auth::{
    sign_session_sigs, verify_network_capability, AuthSig, NetworkPublicKey,
    ResourceAbilityRequest, SessionKeyPair, SessionSigningParams, SessionSigs, ALGO_NETWORK,
    DERIVED_VIA_NETWORK,
};
use sigil_crypto::bls;
use sigil_wire::{
    AuthMethod, SignSessionKeyRequest, SignSessionKeyResponse, SIGN_SESSION_KEY_PATH,
};
use time::OffsetDateTime;

/// The SIWE statement the JS SDK writes for a PKP session (the SDK then appends its empty
/// session ReCap's statement, and the ReCap of the requests).
pub const PKP_SESSION_STATEMENT: &str = "Lit Protocol PKP session signature";

/// The SIWE domain the JS SDK writes outside a browser.
pub const PKP_SESSION_DOMAIN: &str = "litprotocol.com";

/// Inputs of [`LitNodeClient::get_pkp_session_sigs`] (the JS `getPkpSessionSigs` params).
#[derive(Debug, Clone)]
pub struct PkpSessionSigsParams {
    /// The PKP's public key, uncompressed hex (`0x` optional).
    pub pkp_public_key: String,
    /// What proves the right to the PKP: e.g. [`eth_wallet_auth_method`].
    pub auth_methods: Vec<AuthMethod>,
    /// What the session may do.
    pub resource_ability_requests: Vec<ResourceAbilityRequest>,
    /// When the session expires; default now + 24 h.
    pub expiration: Option<OffsetDateTime>,
    /// The SIWE domain; default `litprotocol.com`.
    pub domain: Option<String>,
    /// A Lit Action that authenticates the session (its source; sent base64).
    pub lit_action_code: Option<String>,
    /// Or its IPFS CIDv0.
    pub lit_action_ipfs_id: Option<String>,
    /// The action's globals.
    pub js_params: Option<Map<String, Value>>,
    /// A capacity delegation to pay with; placed before the PKP's capability.
    pub capacity_delegation_auth_sig: Option<AuthSig>,
    /// Further capabilities, placed first.
    pub capability_auth_sigs: Vec<AuthSig>,
    /// The session key to use; default the stored one, else a new one.
    pub session_key: Option<SessionKeyPair>,
}

impl PkpSessionSigsParams {
    /// A session for the PKP `pkp_public_key`, proved by `auth_methods`, asking for `requests`.
    pub fn new(
        pkp_public_key: impl Into<String>,
        auth_methods: Vec<AuthMethod>,
        resource_ability_requests: Vec<ResourceAbilityRequest>,
    ) -> Self {
        PkpSessionSigsParams {
            pkp_public_key: pkp_public_key.into(),
            auth_methods,
            resource_ability_requests,
            expiration: None,
            domain: None,
            lit_action_code: None,
            lit_action_ipfs_id: None,
            js_params: None,
            capacity_delegation_auth_sig: None,
            capability_auth_sigs: Vec::new(),
            session_key: None,
        }
    }
}

/// An Ethereum wallet auth method (type 1): the wallet's AuthSig, in JSON.
pub fn eth_wallet_auth_method(auth_sig: &AuthSig) -> Result<AuthMethod, ClientError> {
    Ok(AuthMethod {
        auth_method_type: 1,
        access_token: serde_json::to_string(auth_sig)
            .map_err(|e| ClientError::InvalidConfig(format!("the AuthSig: {e}")))?,
    })
}

/// How long [`LitNodeClient::authenticate_eth_wallet`]'s AuthSig is valid by default (the JS
/// `EthWalletProvider`'s 24 hours).
const ETH_WALLET_AUTH_VALIDITY: time::Duration = time::Duration::hours(24);

impl LitNodeClient {
    /// An Ethereum wallet auth method for `wallet`, as the JS `EthWalletProvider.authenticate`
    /// makes one outside a browser: the wallet's AuthSig over a plain SIWE message (domain
    /// `localhost`, URI `http://localhost`, chain id 1, no statement or resources, the latest
    /// blockhash as nonce), valid until `expiration` (default 24 hours from now).
    pub async fn authenticate_eth_wallet<W>(
        &self,
        wallet: &W,
        expiration: Option<OffsetDateTime>,
    ) -> Result<AuthMethod, ClientError>
    where
        W: alloy_signer::SignerSync + alloy_signer::Signer + Sync,
    {
        let now = OffsetDateTime::now_utc();
        let siwe = SiweMessageParams::new(wallet.address(), self.get_latest_blockhash().await?)
            .with_domain("localhost")
            .with_uri("http://localhost")
            .with_statement("")
            .with_chain_id(1)
            .with_expiration(expiration.unwrap_or(now + ETH_WALLET_AUTH_VALIDITY));
        let auth_sig = sigil_auth::generate_auth_sig(wallet, &create_siwe_message(&siwe, now)?)?;
        eth_wallet_auth_method(&auth_sig)
    }

    /// Session sigs for a PKP (the JS `getPkpSessionSigs`): the network signs the session's
    /// SIWE message for the PKP once it has checked the auth methods (or the Lit Action) the
    /// PKP permits; the client combines the nodes' shares, verifies the signature under the
    /// network key and signs the session with it as its capability. The session's user is the
    /// PKP.
    pub async fn get_pkp_session_sigs(
        &self,
        params: PkpSessionSigsParams,
    ) -> Result<SessionSigs, ClientError> {
        let connection = self.require_connection()?;
        let session_key = match params.session_key.clone() {
            Some(key) => key,
            None => self.get_session_key()?,
        };
        let now = OffsetDateTime::now_utc();
        let expiration = params.expiration.unwrap_or(now + DEFAULT_SESSION_VALIDITY);
        let capability = self
            .sign_session_key(&params, &session_key, expiration)
            .await?;
        let mut capabilities = params.capability_auth_sigs.clone();
        capabilities.extend(params.capacity_delegation_auth_sig.clone());
        capabilities.push(capability);
        let signing = SessionSigningParams {
            resource_ability_requests: params.resource_ability_requests.clone(),
            capabilities,
            issued_at: OffsetDateTime::now_utc(),
            expiration,
        };
        Ok(sign_session_sigs(
            &session_key,
            &signing,
            &connection.connected_nodes,
        )?)
    }

    /// Session sigs for a PKP authenticated by a Lit Action (the JS
    /// `getLitActionSessionSigs`): as [`LitNodeClient::get_pkp_session_sigs`], with the action
    /// (code or IPFS id) and its `js_params` required.
    pub async fn get_lit_action_session_sigs(
        &self,
        params: PkpSessionSigsParams,
    ) -> Result<SessionSigs, ClientError> {
        if params.lit_action_code.is_none() && params.lit_action_ipfs_id.is_none() {
            return Err(ClientError::InvalidConfig(
                "Either \"litActionCode\" or \"litActionIpfsId\" must be provided.".into(),
            ));
        }
        if params.js_params.is_none() {
            return Err(ClientError::InvalidConfig("'jsParams' is required.".into()));
        }
        self.get_pkp_session_sigs(params).await
    }

    /// The PKP's capability for `session_key` (the JS `signSessionKey`): the SIWE message the
    /// JS SDK writes, sent to every node; the most common message the nodes answer, with their
    /// shares over it combined and verified.
    async fn sign_session_key(
        &self,
        params: &PkpSessionSigsParams,
        session_key: &SessionKeyPair,
        expiration: OffsetDateTime,
    ) -> Result<AuthSig, ClientError> {
        if params.lit_action_code.is_some() && params.lit_action_ipfs_id.is_some() {
            return Err(ClientError::InvalidConfig(
                "litActionCode and litActionIpfsId cannot exist at the same time".into(),
            ));
        }
        let connection = self.require_connection()?;
        let network_key = connection
            .network_public_key
            .as_deref()
            .and_then(|hex| NetworkPublicKey::from_hex(hex).ok())
            .ok_or(ClientError::MissingHandshakeField("networkPublicKey"))?;
        let nonce = self.get_latest_blockhash().await?;
        let body = sign_session_key_request(
            params,
            session_key,
            &nonce,
            OffsetDateTime::now_utc(),
            expiration,
            connection.current_epoch_number(),
        )?;
        let pkp_address = pkp_eth_address(body.pkp_public_key.as_deref().unwrap_or_default())?;

        let request_id = new_request_id();
        let needed = connection.min_node_count;
        let pending: FuturesUnordered<_> = connection
            .connected_nodes
            .iter()
            .map(|url| {
                let (body, request_id) = (&body, request_id.as_str());
                async move {
                    node_http::post_json::<SignSessionKeyResponse>(
                        &self.http,
                        url,
                        SIGN_SESSION_KEY_PATH,
                        body,
                        request_id,
                        self.config.request_timeout,
                    )
                    .await
                    .and_then(|answer| {
                        let share = share_from_signature(url, &answer.signature_share)?;
                        Ok((answer.siwe_message, share))
                    })
                }
            })
            .collect();
        let answers = node_http::first_successes(pending, needed, &request_id).await?;
        let signed_message = most_common(answers.iter().map(|(message, _)| message.as_str()));
        let shares: Vec<_> = answers
            .iter()
            .filter(|(message, _)| *message == signed_message)
            .map(|(_, share)| *share)
            .collect();
        let signature = bls::combine(&shares)?;
        let capability = AuthSig {
            sig: serde_json::json!({ "ProofOfPossession": signature.to_hex() }).to_string(),
            derived_via: DERIVED_VIA_NETWORK.to_owned(),
            signed_message,
            address: pkp_address.to_checksum(None),
            algo: Some(ALGO_NETWORK.to_owned()),
        };
        verify_network_capability(&capability, &network_key, OffsetDateTime::now_utc()).map_err(
            |rejection| {
                ClientError::InvalidSignature(format!(
                    "the network's signature of the PKP session: {rejection}"
                ))
            },
        )?;
        Ok(capability)
    }
}

/// The body the JS SDK's `signSessionKey` sends every node for `params`, at `now`: its SIWE
/// message for the PKP (statement, domain, chain id 1, the session key's URI, `nonce`, the
/// requests' ReCap), the PKP key `0x`-prefixed, the action (its source sent base64) and the
/// client's `epoch`.
pub fn sign_session_key_request(
    params: &PkpSessionSigsParams,
    session_key: &SessionKeyPair,
    nonce: &str,
    now: OffsetDateTime,
    expiration: OffsetDateTime,
    epoch: Option<u64>,
) -> Result<SignSessionKeyRequest, ClientError> {
    let pkp_public_key = format!("0x{}", params.pkp_public_key.trim_start_matches("0x"));
    let pkp_address = pkp_eth_address(&pkp_public_key)?;
    let statement = format!("{PKP_SESSION_STATEMENT} {}", Recap::new().statement());
    let siwe = SiweMessageParams::new(pkp_address, nonce)
        .with_domain(params.domain.as_deref().unwrap_or(PKP_SESSION_DOMAIN))
        .with_statement(statement)
        .with_uri(session_key.uri())
        .with_chain_id(1)
        .with_expiration(expiration)
        .with_resources(params.resource_ability_requests.clone());
    Ok(SignSessionKeyRequest {
        session_key: session_key.uri(),
        auth_methods: params.auth_methods.clone(),
        pkp_public_key: Some(pkp_public_key),
        auth_sig: None,
        siwe_message: create_siwe_message(&siwe, now)?,
        curve_type: "BLS".to_owned(),
        lit_action_ipfs_id: params.lit_action_ipfs_id.clone(),
        code: params.lit_action_code.as_deref().map(|code| {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.encode(code)
        }),
        js_params: params.js_params.clone(),
        epoch,
    })
}

/// The most common item; among equally common ones, the last seen (as the JS SDK picks).
fn most_common<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let items: Vec<&str> = items.collect();
    let count = |item: &str| items.iter().filter(|other| **other == item).count();
    let mut best: Option<(&str, usize)> = None;
    for item in &items {
        let n = count(item);
        if best.is_none_or(|(_, most)| n >= most) {
            best = Some((item, n));
        }
    }
    best.map(|(item, _)| item.to_owned()).unwrap_or_default()
}
