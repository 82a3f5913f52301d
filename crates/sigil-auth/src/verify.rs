//! Node-side verification of a session sig, in the order of a Lit (Datil) node:
//!
//! 1. the outer ed25519 signature over the raw `signedMessage` (`verify_strict`) under `address`;
//! 2. `signedMessage` parses as the session template;
//! 3. the requested resource is among `resourceAbilityRequests` (same prefix, id `*` or equal);
//! 4. time: `issuedAt` at most 60 s ahead, `expiration` not before `issuedAt`, at most 60 s past,
//!    at most 30 days after `issuedAt`;
//! 5. `nodeAddress` is this node;
//! 6. the capabilities, in order, until one is a SIWE message valid now, signed by a wallet
//!    (EIP-191) or by the network (`lit.bls`: a PKP session, the BLS signature over
//!    `sha256("lit_session:" + hex(eip191_hash(message)))` under the network key), with uri
//!    `lit:session:<address>`, whose ReCap statement matches and covers the resource and ability.
//!
//! Sigil is stricter than a Lit node in three places, all closing holes: a capability's
//! `address` field must be its SIWE address; the user is the SIWE address of the capability
//! that granted the request (a Lit node takes the `address` field of the first valid
//! capability); and the resolved auth context of a PKP session is read only from the network
//! capability that verified (a Lit node reads it from any `lit.bls` capability, verified or not).

use std::num::NonZeroUsize;
use std::sync::Arc;

use alloy_primitives::Address;
use ed25519_dalek::{Signature, VerifyingKey};
use lru::LruCache;
use parking_lot::Mutex;
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

use crate::auth_material::AuthMaterialKind;
use crate::auth_sig::{
    parse_address_loose, AuthSig, ALGO_ED25519, DERIVED_VIA_SESSION, SIWE_DELEGATION_URI,
};
use crate::error::{AuthError, CapabilityRejection};
use crate::recap::{Recap, RECAP_URN_PREFIX};
use crate::resource::{truncate_for_error, LitAbility, LitResource, ResourcePrefix};
use crate::session::{SessionKeySignedMessage, SESSION_KEY_URI_PREFIX};
use crate::siwe::SiweMessage;
use crate::timefmt::parse_rfc3339;
use sigil_crypto::bls::NetworkPublicKey;

/// Clock skew tolerated on `issuedAt` and `expiration` (Lit: 60 s).
pub const GRACE_PERIOD: Duration = Duration::seconds(60);
/// Longest session validity (Lit `MAX_TIMESTAMP_VALIDITY_DAYS`: 30 days).
pub const MAX_SESSION_VALIDITY: Duration = Duration::days(30);
/// Most capabilities one session may carry. Each costs a public-key recovery, and anyone can
/// sign a template with a key of their own, so the count is capped (a Lit node has no cap; the
/// JS SDK sends the wallet's AuthSig plus at most a few delegations).
pub const MAX_CAPABILITIES: usize = 16;

/// What is being asked of this node.
#[derive(Clone, Copy, Debug)]
pub struct VerificationRequest<'a> {
    /// The resource the request operates on.
    pub resource: &'a LitResource,
    /// The ability it needs.
    pub ability: LitAbility,
    /// This node's address, `host:port` or URL (compared after Lit's normalisation: scheme
    /// stripped, `localhost` read as `127.0.0.1`).
    pub node_address: &'a str,
    /// The verifier's clock.
    pub now: OffsetDateTime,
    /// The network's BLS public key, which signs PKP sessions (`lit.bls` capabilities); `None`
    /// refuses them.
    pub network_public_key: Option<&'a NetworkPublicKey>,
}

/// Who a verified session sig speaks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthContext {
    /// The wallet that authorised the session key (the SIWE address of the granting capability).
    pub user_address: Address,
    /// The session public key, 64 lowercase hex.
    pub session_key_hex: String,
    /// The `domain` of the wallet's SIWE message that granted the session (what `SIWE`
    /// conditions compare).
    pub siwe_domain: String,
    /// Its resources, in order (where `SIWE` conditions and `:litParam:` parameters look).
    pub siwe_resources: Vec<String>,
    /// The capacity delegations in the session's capabilities whose wallet signature and SIWE time
    /// window check out (in capability order). Whether one applies to the user is
    /// [`CapacityDelegation::delegates_to`].
    pub capacity_delegations: Vec<CapacityDelegation>,
    /// For a PKP session (granted by a network capability), what the network checked before it
    /// signed: the auth methods and actions that vouched for the PKP.
    pub resolved_auth_context: Option<ResolvedAuthContext>,
}

/// The auth context a network put in a PKP session's SIWE message (ReCap resource
/// `lit-resolvedauthcontext://*`, ability `Auth/Auth`, nota-bene `auth_context`), as Lit's nodes
/// write it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ResolvedAuthContext {
    /// The auth methods the network verified.
    pub auth_method_contexts: Vec<AuthMethodContext>,
    /// The CIDs of the Lit Actions that authorised the session.
    pub action_ipfs_id_stack: Vec<String>,
    /// What that action answered.
    pub custom_auth_resource: String,
    /// The JSON as written, for `Lit.Auth`.
    #[serde(skip)]
    pub json: serde_json::Value,
}

/// One verified auth method of a PKP session.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AuthMethodContext {
    /// The method's user id (for a wallet, its address as the wallet wrote it).
    pub user_id: String,
    /// The app id (`lit` for a wallet).
    pub app_id: String,
    /// The method type (1: wallet).
    pub auth_method_type: u32,
}

/// The ReCap resource a network writes a PKP session's auth context under.
pub const RESOLVED_AUTH_CONTEXT_RESOURCE: &str = "lit-resolvedauthcontext://*";

/// What a network's BLS signature over a session's SIWE message signs:
/// `sha256("lit_session:" + lowercase hex(EIP-191 hash of the message))`.
pub fn network_session_digest(siwe_message: &str) -> [u8; 32] {
    let eip191 = alloy_primitives::eip191_hash_message(siwe_message.as_bytes());
    Sha256::digest(format!("lit_session:{}", hex::encode(eip191))).into()
}

/// One capacity delegation: a credit owner lets some addresses spend their capacity credits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CapacityDelegation {
    /// The credit owner (SIWE signer).
    pub delegator: Address,
    /// The credit token ids (`nft_id`); `None`: all the delegator's credits.
    pub nft_ids: Option<Vec<String>>,
    /// Who may use it (`delegate_to`, as written); `None`: anyone.
    pub delegate_to: Option<Vec<String>>,
    /// How many uses; `None`: unlimited.
    pub uses: Option<u64>,
    /// sha256 of the delegation AuthSig's `sig` string: the key uses are counted under.
    pub sig_hash: [u8; 32],
    /// The SIWE expiration, if any.
    pub expiration: Option<OffsetDateTime>,
}

impl CapacityDelegation {
    /// Whether `user` may use this delegation, by Lit's rule: no `delegate_to` means anyone;
    /// otherwise an entry, lower-cased, must equal the user's lowercase hex address without
    /// `0x` (so `0x`-prefixed entries never match, as on a Lit node).
    pub fn delegates_to(&self, user: Address) -> bool {
        match &self.delegate_to {
            None => true,
            Some(list) => {
                let user = hex::encode(user.as_slice());
                list.iter().any(|entry| entry.to_lowercase() == user)
            }
        }
    }
}

/// A bounded, thread-safe cache of what a session's earlier requests already proved, so the next
/// request of the same session skips the expensive part.
///
/// It caches, per capability (keyed by sha256 of its `sig` and `signedMessage`, so a cached
/// signature never vouches for another text), the SIWE parse, the ecrecover result (only
/// successes are stored) and the decoded ReCaps. Per session sig (keyed by sha256 of its
/// `address`, `sig` and `signedMessage`) it keeps the parsed template once the outer ed25519
/// signature has verified: `verify_strict` is a pure function of those three, and the JS SDK
/// sends the same session sig with every request to a node until it expires. It never caches the
/// session's time checks, the SIWE time window, the resource, node, URI or coverage checks: those
/// run on every request. An entry is dropped once its expiration has passed.
pub struct CapabilityCache {
    entries: Mutex<LruCache<[u8; 32], Arc<CheckedCapability>>>,
    sessions: Mutex<LruCache<[u8; 32], Arc<VerifiedSession>>>,
}

/// A session sig looked up in a [`CapabilityCache`] ([`CapabilityCache::look_up_session`]).
pub struct SessionLookup {
    key: [u8; 32],
    verified: Option<Arc<VerifiedSession>>,
}

impl SessionLookup {
    /// How many capabilities the session carries, if its outer signature has verified before.
    pub fn known_capabilities(&self) -> Option<usize> {
        self.verified
            .as_ref()
            .map(|session| session.template.capabilities.len())
    }
}

impl std::fmt::Debug for SessionLookup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionLookup")
            .field("known_capabilities", &self.known_capabilities())
            .finish()
    }
}

/// A session sig whose outer ed25519 signature has verified, with its parsed template.
struct VerifiedSession {
    key: VerifyingKey,
    template: SessionKeySignedMessage,
    /// The expiration plus the grace period: past it no request can pass the time check.
    usable_until: Option<OffsetDateTime>,
}

impl CapabilityCache {
    /// A cache holding at most `capacity` capabilities (at least 1).
    pub fn new(capacity: usize) -> Self {
        let capacity = NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN);
        CapabilityCache {
            entries: Mutex::new(LruCache::new(capacity)),
            sessions: Mutex::new(LruCache::new(capacity)),
        }
    }

    /// How many capabilities are cached.
    pub fn len(&self) -> usize {
        self.entries.lock().len()
    }

    /// Whether nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets everything.
    pub fn clear(&self) {
        self.entries.lock().clear();
        self.sessions.lock().clear();
    }

    /// How many capabilities `session_sig` carries, if its outer signature has verified before
    /// (and it has not expired): such a session costs a hash, the per-request checks and, per
    /// capability not cached as valid, a recovery.
    pub fn known_session_capabilities(
        &self,
        session_sig: &AuthSig,
        now: OffsetDateTime,
    ) -> Option<usize> {
        self.look_up_session(session_sig, now).known_capabilities()
    }

    /// Looks `session_sig` up once: what [`verify_looked_up_session_sig`] then verifies, and
    /// what a caller deciding how to verify (in place or on a pool) needs to know first.
    pub fn look_up_session(&self, session_sig: &AuthSig, now: OffsetDateTime) -> SessionLookup {
        let key = session_cache_key(session_sig);
        let verified = self.verified_session(&key, now);
        SessionLookup { key, verified }
    }

    fn verified_session(
        &self,
        key: &[u8; 32],
        now: OffsetDateTime,
    ) -> Option<Arc<VerifiedSession>> {
        let mut sessions = self.sessions.lock();
        let entry = sessions.get(key)?.clone();
        if entry.usable_until.is_some_and(|until| until < now) {
            sessions.pop(key);
            return None;
        }
        Some(entry)
    }

    fn get(&self, key: &[u8; 32], now: OffsetDateTime) -> Option<Arc<CheckedCapability>> {
        let mut entries = self.entries.lock();
        let entry = entries.get(key)?.clone();
        if entry
            .siwe
            .expiration_time()
            .is_some_and(|expiration| expiration < now)
        {
            entries.pop(key);
            return None;
        }
        Some(entry)
    }

    fn put(&self, key: [u8; 32], entry: Arc<CheckedCapability>) {
        self.entries.lock().put(key, entry);
    }
}

impl std::fmt::Debug for CapabilityCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CapabilityCache")
            .field("len", &self.len())
            .finish()
    }
}

/// A verifier for one node: its address and a capability cache.
#[derive(Debug)]
pub struct Verifier {
    node_address: String,
    cache: CapabilityCache,
    network_public_key: Option<NetworkPublicKey>,
}

impl Verifier {
    /// A verifier for the node at `node_address` (`host:port` or URL) caching up to
    /// `cache_capacity` capabilities.
    pub fn new(node_address: impl Into<String>, cache_capacity: usize) -> Self {
        Verifier {
            node_address: node_address.into(),
            cache: CapabilityCache::new(cache_capacity),
            network_public_key: None,
        }
    }

    /// This verifier, accepting PKP sessions the network with `key` signed.
    pub fn with_network_public_key(mut self, key: NetworkPublicKey) -> Self {
        self.network_public_key = Some(key);
        self
    }

    /// Verifies `session_sig` for `ability` on `resource` at time `now`.
    pub fn verify(
        &self,
        session_sig: &AuthSig,
        resource: &LitResource,
        ability: LitAbility,
        now: OffsetDateTime,
    ) -> Result<AuthContext, AuthError> {
        let request = VerificationRequest {
            resource,
            ability,
            node_address: &self.node_address,
            now,
            network_public_key: self.network_public_key.as_ref(),
        };
        verify_session_sig(session_sig, &request, Some(&self.cache))
    }

    /// The cache.
    pub fn cache(&self) -> &CapabilityCache {
        &self.cache
    }
}

/// Verifies a session sig as a Lit node does (checks in the order of the module docs) and says
/// who it speaks for. With a `cache`, a capability seen before skips its SIWE parse and ecrecover.
///
/// ```
/// use sigil_auth::*;
/// use alloy_signer_local::PrivateKeySigner;
/// use time::macros::datetime;
///
/// let wallet = PrivateKeySigner::random();
/// let key = SessionKeyPair::from_seed([7u8; 32]);
/// let now = datetime!(2025-01-01 00:00 UTC);
/// let resource = LitResource::wildcard(ResourcePrefix::AccessControlCondition);
/// let request = ResourceAbilityRequest::new(resource.clone(), LitAbility::AccessControlConditionDecryption)?;
/// let siwe = siwe::SiweMessageParams::new(wallet.address(), "abcdefgh12")
///     .with_uri(key.uri())
///     .with_expiration(now + time::Duration::hours(1))
///     .with_resources(vec![request.clone()]);
/// let auth_sig = generate_auth_sig(&wallet, &siwe::create_siwe_message(&siwe, now)?)?;
/// let params = SessionSigningParams {
///     resource_ability_requests: vec![request],
///     capabilities: vec![auth_sig],
///     issued_at: now,
///     expiration: now + time::Duration::minutes(10),
/// };
/// let sigs = sign_session_sigs(&key, &params, &["http://127.0.0.1:7470"])?;
///
/// let wanted = LitResource::parse("lit-accesscontrolcondition://abc/def")?;
/// let request = VerificationRequest {
///     resource: &wanted,
///     ability: LitAbility::AccessControlConditionDecryption,
///     node_address: "127.0.0.1:7470",
///     now,
///     network_public_key: None,
/// };
/// let context = verify_session_sig(sigs.get("http://127.0.0.1:7470").unwrap(), &request, None)?;
/// assert_eq!(context.user_address, wallet.address());
/// # Ok::<_, sigil_auth::Error>(())
/// ```
pub fn verify_session_sig(
    session_sig: &AuthSig,
    request: &VerificationRequest<'_>,
    cache: Option<&CapabilityCache>,
) -> Result<AuthContext, AuthError> {
    let lookup = cache.map(|cache| (cache, cache.look_up_session(session_sig, request.now)));
    verify(session_sig, request, lookup)
}

/// [`verify_session_sig`] with the session already looked up in `cache` (by
/// [`CapabilityCache::look_up_session`], at `request.now`), so it is not hashed twice.
pub fn verify_looked_up_session_sig(
    session_sig: &AuthSig,
    lookup: SessionLookup,
    request: &VerificationRequest<'_>,
    cache: &CapabilityCache,
) -> Result<AuthContext, AuthError> {
    verify(session_sig, request, Some((cache, lookup)))
}

fn verify(
    session_sig: &AuthSig,
    request: &VerificationRequest<'_>,
    cached: Option<(&CapabilityCache, SessionLookup)>,
) -> Result<AuthContext, AuthError> {
    let cache = cached.as_ref().map(|(cache, _)| *cache);
    if session_sig.derived_via != DERIVED_VIA_SESSION
        || session_sig.algo.as_deref() != Some(ALGO_ED25519)
    {
        return Err(AuthError::NotASessionSig {
            derived_via: truncate_for_error(&session_sig.derived_via),
            algo: session_sig.algo.as_deref().map(truncate_for_error),
        });
    }

    // 1. Outer signature, and 2. template: both from the cache when this session sig has
    // verified before.
    let session = match cached {
        Some((
            _,
            SessionLookup {
                verified: Some(session),
                ..
            },
        )) => session,
        Some((
            cache,
            SessionLookup {
                key,
                verified: None,
            },
        )) => {
            let session = Arc::new(verify_outer(session_sig)?);
            cache.sessions.lock().put(key, Arc::clone(&session));
            session
        }
        None => Arc::new(verify_outer(session_sig)?),
    };
    let (session_key, template) = (&session.key, &session.template);

    // 3. Requested resource (the ability is not checked here, as on a Lit node: the ReCap is).
    let prefix = request.resource.prefix().as_str();
    let id = request.resource.id();
    let requested = template.resource_ability_requests.iter().any(|r| {
        r.resource.resource_prefix == prefix
            && (r.resource.resource == "*" || r.resource.resource == id)
    });
    if !requested {
        return Err(AuthError::ResourceNotRequested {
            resource: truncate_for_error(&request.resource.resource_key()),
        });
    }

    // 4. Time.
    check_time_window(&template.issued_at, &template.expiration, request.now)?;

    // 5. Node address.
    let this_node = normalize_node_address(request.node_address);
    if normalize_node_address(&template.node_address) != this_node {
        return Err(AuthError::WrongNode {
            signed_for: truncate_for_error(&template.node_address),
            this_node,
        });
    }

    // 6. Capabilities.
    if template.capabilities.is_empty() {
        return Err(AuthError::NoCapabilities);
    }
    if template.capabilities.len() > MAX_CAPABILITIES {
        return Err(AuthError::TooManyCapabilities {
            count: template.capabilities.len(),
            max: MAX_CAPABILITIES,
        });
    }
    let session_uri = format!("{SESSION_KEY_URI_PREFIX}{}", session_sig.address);
    let mut rejections = Vec::with_capacity(template.capabilities.len());
    let mut grant = None;
    for capability in &template.capabilities {
        match check_session_capability(capability, &session_uri, request, cache) {
            Ok(granting) => {
                grant = Some(granting);
                break;
            }
            Err(rejection) => rejections.push(rejection),
        }
    }
    let Some(grant) = grant else {
        return Err(AuthError::NoValidCapability { rejections });
    };

    let capacity_delegations = template
        .capabilities
        .iter()
        .filter_map(|capability| checked_delegation(capability, request.now, cache))
        .flatten()
        .collect();

    Ok(AuthContext {
        user_address: grant.siwe.address(),
        session_key_hex: hex::encode(session_key.as_bytes()),
        siwe_domain: grant.siwe.domain(),
        siwe_resources: grant.siwe.resources().map(str::to_owned).collect(),
        capacity_delegations,
        resolved_auth_context: grant.resolved_auth_context.clone(),
    })
}

/// Steps 1 and 2, the part of a verification that depends only on the session sig's bytes.
fn verify_outer(session_sig: &AuthSig) -> Result<VerifiedSession, AuthError> {
    let key = check_ed25519(session_sig)?;
    let template = SessionKeySignedMessage::parse(&session_sig.signed_message)?;
    let usable_until = parse_rfc3339(&template.expiration)
        .ok()
        .and_then(|expiration| expiration.checked_add(GRACE_PERIOD));
    Ok(VerifiedSession {
        key,
        template,
        usable_until,
    })
}

/// Step 1: `address` is the ed25519 key (hex, `0x` optional), `sig` 128 hex of one case,
/// `verify_strict` over the raw bytes of `signedMessage`. Strict verification refuses
/// small-order keys and non-canonical encodings, so one message has one valid signature per key.
fn check_ed25519(session_sig: &AuthSig) -> Result<VerifyingKey, AuthError> {
    let address = session_sig
        .address
        .strip_prefix("0x")
        .unwrap_or(&session_sig.address);
    let mut key_bytes = [0u8; 32];
    hex::decode_to_slice(address, &mut key_bytes).map_err(|error| {
        AuthError::SessionKeyEncoding {
            reason: error.to_string(),
        }
    })?;
    let key = decode_session_key(&key_bytes)?;
    let signature: Signature = session_sig
        .sig
        .parse()
        .map_err(|_| AuthError::SessionSigEncoding)?;
    key.verify_strict(session_sig.signed_message.as_bytes(), &signature)
        .map_err(|_| AuthError::SessionSigInvalid)?;
    Ok(key)
}

fn decode_session_key(bytes: &[u8; 32]) -> Result<VerifyingKey, AuthError> {
    VerifyingKey::from_bytes(bytes).map_err(|_| AuthError::SessionKeyNotOnCurve)
}

/// Step 4, with Lit's arithmetic: the grace checks compare whole seconds.
fn check_time_window(
    issued_at: &str,
    expiration: &str,
    now: OffsetDateTime,
) -> Result<(), AuthError> {
    let grace = GRACE_PERIOD.whole_seconds();
    let issued_at = parse_rfc3339(issued_at)
        .map_err(|_| AuthError::TimestampUnparsable { field: "issued_at" })?;
    if issued_at.unix_timestamp() > now.unix_timestamp().saturating_add(grace) {
        return Err(AuthError::IssuedInFuture { issued_at, now });
    }
    let expiration = parse_rfc3339(expiration).map_err(|_| AuthError::TimestampUnparsable {
        field: "expiration",
    })?;
    if expiration < issued_at {
        return Err(AuthError::ExpirationBeforeIssuedAt {
            issued_at,
            expiration,
        });
    }
    if expiration.unix_timestamp() < now.unix_timestamp().saturating_sub(grace) {
        return Err(AuthError::Expired { expiration, now });
    }
    // An issuedAt so late that +30 days overflows cannot be exceeded.
    if issued_at
        .checked_add(MAX_SESSION_VALIDITY)
        .is_some_and(|max| expiration > max)
    {
        return Err(AuthError::ValidityTooLong {
            issued_at,
            expiration,
        });
    }
    Ok(())
}

/// Lit's `prepare_domain_name`: trim, strip `https://` and `http://`, `localhost` -> `127.0.0.1`.
fn normalize_node_address(address: &str) -> String {
    let mut rest = address.trim();
    while let Some(stripped) = rest.strip_prefix("https://") {
        rest = stripped;
    }
    while let Some(stripped) = rest.strip_prefix("http://") {
        rest = stripped;
    }
    rest.replace("localhost", "127.0.0.1")
}

/// A capability's SIWE, parsed, with its wallet signature checked and its ReCaps decoded.
#[derive(Debug)]
struct CheckedCapability {
    siwe: SiweMessage,
    recaps: Vec<Recap>,
    /// A network capability's auth context; always `None` for a wallet's.
    resolved_auth_context: Option<ResolvedAuthContext>,
}

fn is_wallet_sig(capability: &AuthSig) -> bool {
    AuthMaterialKind::of(capability) == AuthMaterialKind::Wallet
}

/// The `derivedVia` of a network (PKP session) capability.
pub const DERIVED_VIA_NETWORK: &str = "lit.bls";
/// Its `algo`.
pub const ALGO_NETWORK: &str = "LIT_BLS";

/// The checks of a network capability: SIWE parse, signature encoding, SIWE time window, the
/// BLS signature under the network key, then Sigil's address-field check. A verified
/// capability is cached (under a key apart from wallet capabilities').
fn check_network_capability(
    capability: &AuthSig,
    now: OffsetDateTime,
    network_public_key: Option<&NetworkPublicKey>,
    cache: Option<&CapabilityCache>,
) -> Result<Arc<CheckedCapability>, CapabilityRejection> {
    let key = network_cache_key(capability);
    let checked = match cache.and_then(|cache| cache.get(&key, now)) {
        Some(checked) => {
            check_siwe_window(&checked.siwe, now)?;
            checked
        }
        None => {
            let network_public_key = network_public_key.ok_or(CapabilityRejection::NoNetworkKey)?;
            let checked = Arc::new(verify_network_siwe(capability, network_public_key, now)?);
            if let Some(cache) = cache {
                cache.put(key, checked.clone());
            }
            checked
        }
    };
    check_address_field(capability, &checked)?;
    Ok(checked)
}

/// What a network capability (`lit.bls`) says, once verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkCapability {
    /// The PKP's address: the SIWE address, the session's user.
    pub pkp_address: Address,
    /// The SIWE expiration.
    pub expiration: Option<OffsetDateTime>,
    /// What the network checked before it signed.
    pub resolved_auth_context: Option<ResolvedAuthContext>,
}

/// Verifies a network (`lit.bls`) capability on its own, as a client does before it puts one in
/// a session (and as a node does inside one): the SIWE parses and is valid at `now`, `sig` is
/// the network's BLS signature over [`network_session_digest`] of it under
/// `network_public_key`, and `address` is the SIWE address.
pub fn verify_network_capability(
    capability: &AuthSig,
    network_public_key: &NetworkPublicKey,
    now: OffsetDateTime,
) -> Result<NetworkCapability, CapabilityRejection> {
    if AuthMaterialKind::of(capability) != AuthMaterialKind::Network {
        return Err(CapabilityRejection::UnsupportedAuthMaterial {
            derived_via: truncate_for_error(&capability.derived_via),
        });
    }
    let checked = verify_network_siwe(capability, network_public_key, now)?;
    check_address_field(capability, &checked)?;
    Ok(NetworkCapability {
        pkp_address: checked.siwe.address(),
        expiration: checked.siwe.expiration_time(),
        resolved_auth_context: checked.resolved_auth_context,
    })
}

/// SIWE parse, signature encoding, SIWE time window, then the BLS signature.
fn verify_network_siwe(
    capability: &AuthSig,
    network_public_key: &NetworkPublicKey,
    now: OffsetDateTime,
) -> Result<CheckedCapability, CapabilityRejection> {
    let siwe: SiweMessage = capability
        .signed_message
        .parse()
        .map_err(|error: AuthError| CapabilityRejection::SiweUnparsable {
            reason: error.to_string(),
        })?;
    let signature =
        parse_network_signature(&capability.sig).ok_or(CapabilityRejection::SignatureEncoding)?;
    check_siwe_window(&siwe, now)?;
    network_public_key
        .verify(
            &network_session_digest(&capability.signed_message),
            &signature,
        )
        .map_err(|_| CapabilityRejection::WrongNetworkSignature)?;
    let recaps = siwe.recaps();
    let resolved_auth_context = resolved_auth_context(&recaps);
    Ok(CheckedCapability {
        siwe,
        recaps,
        resolved_auth_context,
    })
}

/// `sig` of a network capability: `{"ProofOfPossession":"<96-byte G2 signature, hex>"}`.
fn parse_network_signature(sig: &str) -> Option<sigil_crypto::bls::Signature> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Tagged {
        #[serde(rename = "ProofOfPossession")]
        proof_of_possession: String,
    }
    let tagged: Tagged = serde_json::from_str(sig).ok()?;
    sigil_crypto::bls::Signature::from_hex(&tagged.proof_of_possession).ok()
}

/// The auth context in a network capability's ReCaps, the last one written (as Lit's nodes
/// read it); `None` when there is none or it is not an auth context.
fn resolved_auth_context(recaps: &[Recap]) -> Option<ResolvedAuthContext> {
    recaps
        .iter()
        .filter_map(|recap| recap.attenuations().get(RESOLVED_AUTH_CONTEXT_RESOURCE))
        .filter_map(|abilities| abilities.get("Auth/Auth"))
        .flatten()
        .filter_map(|nota_bene| nota_bene.get("auth_context"))
        .filter_map(|json| {
            let mut context: ResolvedAuthContext = serde_json::from_value(json.clone()).ok()?;
            context.json = json.clone();
            Some(context)
        })
        .next_back()
}

/// Sigil's check that a capability's `address` field is its SIWE address.
fn check_address_field(
    capability: &AuthSig,
    checked: &CheckedCapability,
) -> Result<(), CapabilityRejection> {
    let signer = checked.siwe.address();
    if parse_address_loose(&capability.address) != Some(signer) {
        return Err(CapabilityRejection::AddressMismatch {
            claimed: truncate_for_error(&capability.address),
            signed: signer.to_checksum(None),
        });
    }
    Ok(())
}

/// The wallet checks of one capability: SIWE parse, material type, signature hex, SIWE time
/// window, signature length, ecrecover, then Sigil's address-field check. The parse and the
/// ecrecover come from the cache when it holds this capability.
fn check_wallet_capability(
    capability: &AuthSig,
    now: OffsetDateTime,
    cache: Option<&CapabilityCache>,
) -> Result<Arc<CheckedCapability>, CapabilityRejection> {
    let key = cache_key(capability);
    let cached = cache.and_then(|cache| cache.get(&key, now));
    let checked = match cached {
        Some(checked) => {
            if !is_wallet_sig(capability) {
                return Err(CapabilityRejection::UnsupportedAuthMaterial {
                    derived_via: truncate_for_error(&capability.derived_via),
                });
            }
            check_siwe_window(&checked.siwe, now)?;
            checked
        }
        None => {
            let siwe: SiweMessage =
                capability
                    .signed_message
                    .parse()
                    .map_err(|error: AuthError| CapabilityRejection::SiweUnparsable {
                        reason: error.to_string(),
                    })?;
            if !is_wallet_sig(capability) {
                return Err(CapabilityRejection::UnsupportedAuthMaterial {
                    derived_via: truncate_for_error(&capability.derived_via),
                });
            }
            let sig_hex = capability.sig.strip_prefix("0x").unwrap_or(&capability.sig);
            let signature =
                hex::decode(sig_hex).map_err(|_| CapabilityRejection::SignatureEncoding)?;
            check_siwe_window(&siwe, now)?;
            let signature: [u8; 65] = signature.as_slice().try_into().map_err(|_| {
                CapabilityRejection::SignatureLength {
                    length: signature.len(),
                }
            })?;
            // The parse accepted only canonical text, so the signed bytes are the message's own.
            crate::siwe::verify_eip191_bytes(
                capability.signed_message.as_bytes(),
                &signature,
                siwe.address(),
            )
            .map_err(|_| CapabilityRejection::WrongSigner)?;
            let recaps = siwe.recaps();
            let checked = Arc::new(CheckedCapability {
                siwe,
                recaps,
                resolved_auth_context: None,
            });
            if let Some(cache) = cache {
                cache.put(key, checked.clone());
            }
            checked
        }
    };
    check_address_field(capability, &checked)?;
    Ok(checked)
}

fn check_siwe_window(siwe: &SiweMessage, now: OffsetDateTime) -> Result<(), CapabilityRejection> {
    if siwe.valid_at(now) {
        Ok(())
    } else {
        Err(CapabilityRejection::OutsideValidity {
            not_before: siwe.not_before(),
            expiration: siwe.expiration_time(),
        })
    }
}

/// Step 6 for one capability: wallet checks, URI, ReCap statement, coverage. Returns the user.
fn check_session_capability(
    capability: &AuthSig,
    session_uri: &str,
    request: &VerificationRequest<'_>,
    cache: Option<&CapabilityCache>,
) -> Result<Arc<CheckedCapability>, CapabilityRejection> {
    // A session's or a contract wallet's signature is no capability: the wallet check refuses
    // it, as Lit's nodes do.
    let checked = match AuthMaterialKind::of(capability) {
        AuthMaterialKind::Network => {
            check_network_capability(capability, request.now, request.network_public_key, cache)?
        }
        AuthMaterialKind::Wallet
        | AuthMaterialKind::Session
        | AuthMaterialKind::Contract { .. } => {
            check_wallet_capability(capability, request.now, cache)?
        }
    };
    if checked.siwe.uri() != session_uri {
        return Err(CapabilityRejection::WrongUri {
            found: truncate_for_error(checked.siwe.uri()),
        });
    }
    if let Some(statement) = checked.siwe.statement() {
        if let Some(recap) = checked
            .recaps
            .iter()
            .find(|recap| !statement.ends_with(&recap.statement()))
        {
            return Err(CapabilityRejection::StatementMismatch {
                expected: recap.statement(),
            });
        }
    }
    let mut first_failure = None;
    for recap in &checked.recaps {
        match recap.check_covers(request.resource, request.ability) {
            Ok(()) => return Ok(checked),
            Err(rejection) => {
                first_failure.get_or_insert(rejection);
            }
        }
    }
    Err(first_failure.unwrap_or(CapabilityRejection::NoRecap))
}

/// A capability that is a capacity delegation (SIWE uri `lit:capability:delegation`) whose wallet
/// signature and time window check out, read into [`CapacityDelegation`]s. Anything else: `None`.
fn checked_delegation(
    capability: &AuthSig,
    now: OffsetDateTime,
    cache: Option<&CapabilityCache>,
) -> Option<Vec<CapacityDelegation>> {
    // Cheap look before any parsing: every delegation SIWE carries this URI line.
    if !capability.signed_message.contains(SIWE_DELEGATION_URI) {
        return None;
    }
    let checked = check_wallet_capability(capability, now, cache).ok()?;
    if checked.siwe.uri() != SIWE_DELEGATION_URI {
        return None;
    }
    let sig_hash: [u8; 32] = Sha256::digest(capability.sig.as_bytes()).into();
    let rli_prefix = format!("{}://", ResourcePrefix::RateLimitIncrease.as_str());
    let mut delegations = Vec::new();
    for recap in &checked.recaps {
        for (resource, abilities) in recap.attenuations() {
            let Some(token_id) = resource.strip_prefix(&rli_prefix) else {
                continue;
            };
            let Some(nota_benes) = abilities.get("Auth/Auth") else {
                continue;
            };
            for nota_bene in nota_benes {
                if let Some(delegation) =
                    read_delegation(nota_bene, token_id, &checked.siwe, sig_hash)
                {
                    delegations.push(delegation);
                }
            }
        }
    }
    Some(delegations)
}

/// Reads `{nft_id?, delegate_to?, uses?}`; a field of the wrong type voids the delegation (it
/// must never widen into "all credits" or "unlimited").
fn read_delegation(
    nota_bene: &serde_json::Map<String, serde_json::Value>,
    token_id: &str,
    siwe: &SiweMessage,
    sig_hash: [u8; 32],
) -> Option<CapacityDelegation> {
    let strings = |value: &serde_json::Value| -> Option<Vec<String>> {
        value
            .as_array()?
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect()
    };
    let nft_ids = match nota_bene.get("nft_id") {
        Some(value) => Some(strings(value)?),
        // A token in the resource key but no nft_id: that token only.
        None if token_id != "*" => Some(vec![token_id.to_owned()]),
        None => None,
    };
    let delegate_to = match nota_bene.get("delegate_to") {
        Some(value) => Some(strings(value)?),
        None => None,
    };
    let uses = match nota_bene.get("uses") {
        Some(serde_json::Value::String(text)) => Some(text.parse::<u64>().ok()?),
        Some(serde_json::Value::Number(number)) => Some(number.as_u64()?),
        Some(_) => return None,
        None => None,
    };
    Some(CapacityDelegation {
        delegator: siwe.address(),
        nft_ids,
        delegate_to,
        uses,
        sig_hash,
        expiration: siwe.expiration_time(),
    })
}

/// The outer signature's inputs, each length-prefixed so no two sigs share a key.
fn session_cache_key(session_sig: &AuthSig) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in [&session_sig.address, &session_sig.sig] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    hasher.update(session_sig.signed_message.as_bytes());
    hasher.finalize().into()
}

/// A network capability's cache key: apart from every wallet capability's, so a cached network
/// verification never vouches for the same text presented as a wallet signature.
fn network_cache_key(capability: &AuthSig) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"lit.bls\0");
    hasher.update(cache_key(capability));
    hasher.finalize().into()
}

fn cache_key(capability: &AuthSig) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update((capability.sig.len() as u64).to_be_bytes());
    hasher.update(capability.sig.as_bytes());
    hasher.update(capability.signed_message.as_bytes());
    hasher.finalize().into()
}

/// Whether `text` is a `urn:recap:` resource (for callers inspecting SIWE resources).
pub fn is_recap_resource(text: &str) -> bool {
    text.starts_with(RECAP_URN_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_addresses_are_normalised_like_lit() {
        assert_eq!(
            normalize_node_address(" http://localhost:7470 "),
            "127.0.0.1:7470"
        );
        assert_eq!(
            normalize_node_address("https://node.example:443"),
            "node.example:443"
        );
        assert_eq!(normalize_node_address("127.0.0.1:7470"), "127.0.0.1:7470");
    }

    #[test]
    fn delegates_to_matches_lowercase_hex_without_prefix_only() {
        let user: Address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
            .parse()
            .unwrap();
        let delegation = |list: Option<Vec<&str>>| CapacityDelegation {
            delegator: Address::ZERO,
            nft_ids: None,
            delegate_to: list.map(|l| l.into_iter().map(str::to_owned).collect()),
            uses: None,
            sig_hash: [0; 32],
            expiration: None,
        };
        assert!(delegation(None).delegates_to(user));
        assert!(
            delegation(Some(vec!["70997970C51812dc3A010C7d01b50e0d17dc79C8"])).delegates_to(user)
        );
        assert!(
            !delegation(Some(vec!["0x70997970c51812dc3a010c7d01b50e0d17dc79c8"]))
                .delegates_to(user)
        );
        assert!(!delegation(Some(vec![])).delegates_to(user));
    }

    #[test]
    fn the_cache_is_shareable_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<CapabilityCache>();
        assert_send_sync::<Verifier>();
    }
}
