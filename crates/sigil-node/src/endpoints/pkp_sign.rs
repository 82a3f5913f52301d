//! `POST /web/pkp/sign/v1` (and the unversioned `/web/pkp/sign`, which also takes a wallet's own
//! AuthSig): this node's share of an ECDSA signature by a PKP, for a user the
//! PKP permits. The flow in Lit's order: body checks, session sig for `lit-pkp://<tokenId>` with
//! `pkp-signing` (and the rate limit), the PKP's on-chain permissions, then the signing set; a
//! node in it runs the presign with the rest of the set and answers its share, a node outside
//! it answers a `fail` share (the JS SDK drops those).
//!
//! The signing set: `threshold` holders of the root keys that are current validators, the same
//! on every node: the client's `signingSet` when it names one (Sigil's client, routing around a
//! node that is down), otherwise the holders ordered by `keccak256(request id, hash, identity)`.
//! The set's first member leads: it takes a triple pair from its pool and tells the others
//! which, so every member consumes the same pair.

use crate::authorize::BareAuthSigs;
use crate::ecdsa::{self, Roster, TriplePair};
use crate::error::NodeError;
use crate::http::{AppJson, CorrelationId};
use crate::mpc::{run_protocol, Run};
use crate::state::NodeState;
use alloy_primitives::{keccak256, Address, B256, U256};
use axum::extract::State;
use axum::{Extension, Json};
use cait_sith::protocol::Participant;
use cait_sith::{KeygenOutput, PresignArguments};
use k256::elliptic_curve::sec1::ToEncodedPoint;
use k256::Secp256k1;
use sigil_auth::{AuthContext, LitAbility, LitResource, ResolvedAuthContext};
use sigil_chain::PkpSigningRecord;
use sigil_wire::{
    quoted_upper_hex, EcdsaSignatureShare, PkpSignRequest, PkpSignResponse, SIG_TYPE_K256,
};
use std::sync::Arc;

/// Auth method types of an Ethereum address and of a Lit Action, and the scopes that let a
/// method sign anything or only EIP-191 personal messages.
const ETH_WALLET_METHOD: u64 = 1;
const LIT_ACTION_METHOD: u64 = 2;
pub(crate) const SIGN_ANYTHING_SCOPE: u64 = 1;
pub(crate) const SIGN_PERSONAL_MESSAGE_SCOPE: u64 = 2;

/// `/web/pkp/sign`, unversioned: also takes a wallet's own AuthSig.
pub(super) async fn pkp_sign(
    State(state): State<Arc<NodeState>>,
    Extension(correlation): Extension<CorrelationId>,
    AppJson(request): AppJson<PkpSignRequest>,
) -> Result<Json<PkpSignResponse>, NodeError> {
    // Lit checks a contract wallet there on `ethereum`.
    let bare = BareAuthSigs::Accepted {
        chain: Some("ethereum"),
    };
    sign(state, correlation, request, bare).await
}

/// `/web/pkp/sign/v1`: session sigs only.
pub(super) async fn pkp_sign_v1(
    State(state): State<Arc<NodeState>>,
    Extension(correlation): Extension<CorrelationId>,
    AppJson(request): AppJson<PkpSignRequest>,
) -> Result<Json<PkpSignResponse>, NodeError> {
    sign(
        state,
        correlation,
        request,
        BareAuthSigs::Refused("pkpSign"),
    )
    .await
}

async fn sign(
    state: Arc<NodeState>,
    correlation: CorrelationId,
    request: PkpSignRequest,
    bare: BareAuthSigs<'_>,
) -> Result<Json<PkpSignResponse>, NodeError> {
    bare.check(&request.auth_sig)?;
    let digest: [u8; 32] = request.to_sign.as_slice().try_into().map_err(|_| {
        NodeError::InvalidBody(format!(
            "toSign must be a 32-byte hash, got {} bytes",
            request.to_sign.len()
        ))
    })?;
    let public_key = parse_uncompressed_key(&request.pubkey)?;
    let resource = LitResource::pkp(&public_key);
    let context = state
        .authorize(request.auth_sig, &resource, LitAbility::PkpSigning, bare)
        .await?;

    let record = signing_record(&state, &public_key, &request.pubkey).await?;
    if !session_may_sign(&record, &context, SIGN_ANYTHING_SCOPE) {
        return Err(NodeError::PkpNotAuthorized(request.pubkey));
    }
    let share = sign_share(
        &state,
        correlation.as_str(),
        &digest,
        &record,
        request.signing_set.as_deref(),
    )
    .await?;
    let signature_share = match share {
        None => EcdsaSignatureShare::not_in_signing_set(),
        Some(share) => EcdsaSignatureShare {
            digest: quoted_upper_hex(&digest),
            result: "success".into(),
            share_index: share.share_index,
            signature_share: quoted_upper_hex(&share.signature_share),
            big_r: quoted_upper_hex(&share.big_r),
            public_key: quoted_upper_hex(&record.public_key),
            sig_type: SIG_TYPE_K256.into(),
        },
    };
    Ok(Json(PkpSignResponse {
        success: true,
        signed_data: digest.to_vec(),
        signature_share,
    }))
}

/// The PKP whose public key is `public_key` (`asked` is how the request wrote it), as the chain
/// records it: owner, permitted auth methods, derived key id.
pub(crate) async fn signing_record(
    state: &NodeState,
    public_key: &[u8; 65],
    asked: &str,
) -> Result<PkpSigningRecord, NodeError> {
    let token_id = U256::from_be_bytes(keccak256(public_key).0);
    let registry = state
        .chain()
        .pkp_registry()
        .ok_or_else(|| NodeError::internal("pkp sign", "this node's chain has no PKPs"))?;
    registry
        .signing_record(token_id)
        .await?
        .filter(|record| record.public_key == *public_key)
        .ok_or_else(|| NodeError::PkpTokenIdNotFound(asked.to_owned()))
}

/// One node's part of a PKP signature: its share of `s`, the nonce point and its index.
pub(crate) struct SignatureShare {
    pub(crate) share_index: u32,
    /// The additive share of `s`, 32 bytes.
    pub(crate) signature_share: Vec<u8>,
    /// `R`, compressed.
    pub(crate) big_r: Vec<u8>,
}

/// This node's share of `digest` signed by the PKP of `record`, for a request already
/// authorised; `None` when this node is outside the signing set. `request_id` must be the same
/// on every node and unique to this signature.
pub(crate) async fn sign_share(
    state: &Arc<NodeState>,
    request_id: &str,
    digest: &[u8; 32],
    record: &PkpSigningRecord,
    asked_set: Option<&[String]>,
) -> Result<Option<SignatureShare>, NodeError> {
    let public_key = record.public_key.as_slice();
    let shares = state
        .root_key_shares()
        .ok_or_else(|| NodeError::internal("pkp sign", "the node has no root key shares yet"))?;
    let roster = state
        .roster()
        .ok_or_else(|| NodeError::internal("pkp sign", "the node has no root key shares yet"))?;
    let me_key = state.peers().identity_key();
    let me = roster
        .participant_of(&me_key)
        .ok_or_else(|| NodeError::internal("pkp sign", "this node is not in its roster"))?;
    let set = signing_set(state, &roster, asked_set, request_id, digest)?;
    if !set.contains(&me) {
        return Ok(None);
    }

    let derived_secret = shares
        .derive_secret_share(record.derived_key_id.as_slice())
        .map_err(|e| NodeError::KeyMaterial(e.to_string()))?;
    let derived_public = k256::PublicKey::from_sec1_bytes(public_key)
        .map_err(|_| NodeError::PkpTokenIdNotFound(hex::encode(public_key)))?;
    let instance = keccak256(
        [
            b"sigil-pkp-sign".as_slice(),
            request_id.as_bytes(),
            digest,
            public_key,
            &set.iter().flat_map(|p| p.bytes()).collect::<Vec<u8>>(),
        ]
        .concat(),
    );
    let peers = roster.peers(state.peers(), &set, me)?;
    let pair = agree_on_pair(state, &roster, &set, me, &peers, instance).await?;
    let run = Run {
        instance: keccak256([instance.as_slice(), b"presign"].concat()),
        peers,
        idle_timeout: state.run_idle_timeout(),
    };
    let protocol = cait_sith::presign::<Secp256k1>(
        &set,
        me,
        PresignArguments {
            triple0: pair.first,
            triple1: pair.second,
            keygen_out: KeygenOutput {
                private_share: derived_secret,
                public_key: *derived_public.as_affine(),
            },
            threshold: roster.threshold,
        },
    )
    .map_err(|e| NodeError::ProtocolFailed(e.to_string()))?;
    let presignature = run_protocol(Arc::clone(state.peers()), run, protocol).await?;
    let share = ecdsa::signature_share(&presignature, digest, ecdsa::lagrange(&set, me));
    Ok(Some(SignatureShare {
        share_index: u32::from(me),
        signature_share: share.to_bytes().to_vec(),
        big_r: presignature
            .big_r
            .to_encoded_point(true)
            .as_bytes()
            .to_vec(),
    }))
}

/// The 65 bytes of an uncompressed secp256k1 key given as hex (`0x` optional).
pub(crate) fn parse_uncompressed_key(text: &str) -> Result<[u8; 65], NodeError> {
    let bad = || {
        NodeError::InvalidBody(
            "pubkey must be an uncompressed secp256k1 public key: 0x04 and 64 bytes, hex".into(),
        )
    };
    let bytes = hex::decode(text.strip_prefix("0x").unwrap_or(text)).map_err(|_| bad())?;
    let key: [u8; 65] = bytes.as_slice().try_into().map_err(|_| bad())?;
    if key[0] != 4 || k256::PublicKey::from_sec1_bytes(&key).is_err() {
        return Err(bad());
    }
    Ok(key)
}

/// Lit's rule (its node's `check_pkp_auth`): the owner signs; so does an address permitted as an
/// auth method of type 1 (its 20 bytes, or `keccak256("<address>:lit")` of its lower-case or
/// checksummed form), and a running Lit Action permitted as type 2 (its CID's multihash bytes),
/// each holding `scope` (sign-anything also grants personal-message signing).
/// Whether a session may sign with the PKP of `record`: its user may, or, in a PKP session,
/// an auth method or action the network verified before it signed the session may (checked
/// again now, as Lit's nodes check them again, so a permission removed since counts).
pub(crate) fn session_may_sign(
    record: &PkpSigningRecord,
    context: &AuthContext,
    scope: u64,
) -> bool {
    may_sign(record, context.user_address, None, scope)
        || context
            .resolved_auth_context
            .as_ref()
            .is_some_and(|resolved| resolved_context_may_sign(record, resolved, scope))
}

/// Whether a PKP session's resolved auth context may sign with the PKP of `record`: one of its
/// wallets, or one of the actions that authenticated it, is permitted (or owns the PKP).
pub(crate) fn resolved_context_may_sign(
    record: &PkpSigningRecord,
    resolved: &ResolvedAuthContext,
    scope: u64,
) -> bool {
    let by_wallet = resolved
        .auth_method_contexts
        .iter()
        .filter(|method| u64::from(method.auth_method_type) == ETH_WALLET_METHOD)
        .filter_map(|method| sigil_auth::parse_address_loose(&method.user_id))
        .any(|wallet| wallet_may_sign(record, wallet, scope));
    let by_action = resolved
        .action_ipfs_id_stack
        .iter()
        .filter_map(|cid| sigil_chain::evm::ipfs_cid_bytes(cid).ok())
        .any(|cid| action_may_sign(record, &cid, scope));
    by_wallet || by_action
}

pub(crate) fn may_sign(
    record: &PkpSigningRecord,
    user: Address,
    action: Option<&[u8]>,
    scope: u64,
) -> bool {
    wallet_may_sign(record, user, scope)
        || action.is_some_and(|action| action_may_sign(record, action, scope))
}

/// Whether the wallet `user` owns the PKP, or is permitted with `scope` (its raw address or
/// `keccak("<address>:lit")`, checksummed or lower-case, as Lit's nodes accept it).
pub(crate) fn wallet_may_sign(record: &PkpSigningRecord, user: Address, scope: u64) -> bool {
    if record.owner == user {
        return true;
    }
    let user_ids = [
        user.to_vec(),
        keccak256(format!("{}:lit", user.to_checksum(None))).to_vec(),
        keccak256(format!("{user:#x}:lit")).to_vec(),
    ];
    permits(record, ETH_WALLET_METHOD, scope, |id| user_ids.contains(id))
}

/// Whether the Lit Action with CID bytes `action` is permitted with `scope`.
pub(crate) fn action_may_sign(record: &PkpSigningRecord, action: &[u8], scope: u64) -> bool {
    permits(record, LIT_ACTION_METHOD, scope, |id| {
        id.as_slice() == action
    })
}

/// Whether a permitted auth method of `method_type` whose id `matches` holds `scope` (the
/// sign-anything scope includes the personal-sign one).
fn permits(
    record: &PkpSigningRecord,
    method_type: u64,
    scope: u64,
    matches: impl Fn(&Vec<u8>) -> bool,
) -> bool {
    let holds_scope = |scopes: &[u64]| {
        scopes.contains(&scope)
            || (scope == SIGN_PERSONAL_MESSAGE_SCOPE && scopes.contains(&SIGN_ANYTHING_SCOPE))
    };
    record.auth_methods.iter().any(|method| {
        method.method_type == method_type && matches(&method.id) && holds_scope(&method.scopes)
    })
}

/// The signing set, in participant order (see the module docs).
fn signing_set(
    state: &NodeState,
    roster: &Roster,
    asked: Option<&[String]>,
    request_id: &str,
    digest: &[u8; 32],
) -> Result<Vec<Participant>, NodeError> {
    let validators = state.peers().validators_with_identity();
    let mut set: Vec<Participant> = match asked {
        Some(addresses) => {
            let mut set = Vec::with_capacity(addresses.len());
            for address in addresses {
                let participant = validators
                    .iter()
                    .find(|validator| crate::peer::staking_address(validator) == *address)
                    .and_then(|validator| roster.participant_of(&validator.communication_key))
                    .ok_or_else(|| {
                        NodeError::InvalidBody(format!(
                            "signingSet names {address}, which holds no root key share"
                        ))
                    })?;
                set.push(participant);
            }
            set.sort();
            set.dedup();
            if set.len() != roster.threshold {
                return Err(NodeError::InvalidBody(format!(
                    "signingSet must name {} distinct signers",
                    roster.threshold
                )));
            }
            set
        }
        None => {
            let mut live: Vec<(B256, Participant)> = validators
                .iter()
                .filter_map(|validator| {
                    let key = validator.communication_key;
                    let participant = roster.participant_of(&key)?;
                    let rank = keccak256(
                        [request_id.as_bytes(), digest.as_slice(), key.as_slice()].concat(),
                    );
                    Some((rank, participant))
                })
                .collect();
            live.sort();
            live.into_iter()
                .map(|(_, participant)| participant)
                .take(roster.threshold)
                .collect()
        }
    };
    if set.len() < roster.threshold.max(2) {
        return Err(NodeError::PeerUnreachable {
            peer: "the signing set".into(),
            reason: format!(
                "{} of the {} signers needed are current validators",
                set.len(),
                roster.threshold
            ),
        });
    }
    set.sort();
    Ok(set)
}

fn no_pair_in_time() -> NodeError {
    NodeError::PeerUnreachable {
        peer: "the signing set".into(),
        reason: "no triple pair was ready in time; the network is signing at its limit".into(),
    }
}

/// How long a signature may wait for its triple pair (the leader for one in its pool, the others
/// for the leader to name it): several peer timeouts, since under a burst pairs are made as
/// fast as the CPU allows and requests queue for them.
fn pair_wait(state: &NodeState) -> std::time::Duration {
    state.peer_timeout * 5
}

/// The round of a signing run in which its leader first names a triple pair; the members
/// answer in the next round, and the leader's verdict (go, or another pair) follows.
const PAIR_ROUND: u32 = 0;

/// Pairs a leader names for one signature before it gives up: a pair can be missing at a member
/// when a participant of its generation failed after the leader had finished.
const PAIR_ATTEMPTS: u32 = 4;

/// What a signing set's leader tells the other members about the triple pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PairNaming {
    /// Take pair (leader, sequence) and say whether you hold it.
    Use(u64),
    /// Every member holds the named pair: presign with it.
    Go,
}

impl PairNaming {
    fn to_bytes(self) -> Vec<u8> {
        match self {
            PairNaming::Use(sequence) => [&[0u8][..], &sequence.to_be_bytes()].concat(),
            PairNaming::Go => vec![1],
        }
    }

    fn from_bytes(bytes: &[u8]) -> Option<PairNaming> {
        match bytes {
            [0, sequence @ ..] => Some(PairNaming::Use(u64::from_be_bytes(
                sequence.try_into().ok()?,
            ))),
            [1] => Some(PairNaming::Go),
            _ => None,
        }
    }
}

/// A member's answer to a naming: it held the pair (and has removed it) or not.
const HOLDS: u8 = 1;
const MISSING: u8 = 0;

/// Every member of the set ends with the same triple pair, removed from its pool: the leader (the
/// set's first member) takes its oldest (generating one with its peers if it has none), names
/// it to the others and waits for each to say it holds it; a pair someone lacks is dropped and
/// the next one named.
async fn agree_on_pair(
    state: &Arc<NodeState>,
    roster: &Roster,
    set: &[Participant],
    me: Participant,
    peers: &[(Participant, sigil_chain::ValidatorInfo)],
    instance: B256,
) -> Result<TriplePair, NodeError> {
    let leader = set[0];
    let leader_key = roster
        .key_of(leader)
        .ok_or_else(|| NodeError::internal("pkp sign", "a signer outside the roster"))?;
    if me == leader {
        lead_pair_agreement(state, roster, set, peers, instance, leader_key).await
    } else {
        let leader_validator = peers
            .iter()
            .find(|(participant, _)| *participant == leader)
            .map(|(_, validator)| *validator)
            .ok_or_else(|| NodeError::internal("pkp sign", "the leader is not a peer"))?;
        follow_pair_agreement(state, &leader_validator, instance, leader_key).await
    }
}

async fn lead_pair_agreement(
    state: &Arc<NodeState>,
    roster: &Roster,
    set: &[Participant],
    peers: &[(Participant, sigil_chain::ValidatorInfo)],
    instance: B256,
    leader_key: B256,
) -> Result<TriplePair, NodeError> {
    let deadline = tokio::time::Instant::now() + pair_wait(state);
    // Naming pairs in arrival order (the lock is fair), so under a burst no request waits
    // behind later ones.
    let queued = tokio::time::timeout_at(deadline, state.triples.consumers.lock()).await;
    let Ok(_turn) = queued else {
        return Err(no_pair_in_time());
    };
    let mut round = PAIR_ROUND;
    for _ in 0..PAIR_ATTEMPTS {
        let (sequence, pair) = take_pair_to_lead(state, roster, set, leader_key, deadline).await?;
        let named = PairNaming::Use(sequence).to_bytes();
        let sends = peers
            .iter()
            .map(|(_, peer)| state.peers().send(peer, instance, round, &named));
        futures::future::try_join_all(sends).await?;
        let answers = peers.iter().map(|(_, peer)| {
            state
                .peers()
                .receive_within(instance, round + 1, peer, state.run_idle_timeout())
        });
        let answers = futures::future::try_join_all(answers).await?;
        round += 2;
        if answers.iter().all(|answer| answer.as_slice() == [HOLDS]) {
            let go = PairNaming::Go.to_bytes();
            let sends = peers
                .iter()
                .map(|(_, peer)| state.peers().send(peer, instance, round, &go));
            futures::future::try_join_all(sends).await?;
            return Ok(pair);
        }
        tracing::info!(
            sequence,
            "a member of the signing set lacks the triple pair; naming another"
        );
    }
    Err(NodeError::ProtocolFailed(format!(
        "the signing set held none of the {PAIR_ATTEMPTS} triple pairs its leader named"
    )))
}

/// The oldest pair this node leads that the set can use; when there is none, one generated
/// now if a slot for it is free, or the next the pool gets (background generation, other
/// requests) before `deadline`.
async fn take_pair_to_lead(
    state: &Arc<NodeState>,
    roster: &Roster,
    set: &[Participant],
    leader_key: B256,
    deadline: tokio::time::Instant,
) -> Result<(u64, TriplePair), NodeError> {
    loop {
        let changed = state.triples.changed.notified();
        let pool = Arc::clone(&state.triples);
        let signers = set.to_vec();
        let taken = ecdsa::blocking(move || pool.take_oldest_for(&leader_key, &signers)).await?;
        if let Some(taken) = taken {
            return Ok(taken);
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(no_pair_in_time());
        }
        if state.triples.led.available_permits() > 0 {
            ecdsa::lead_pair_generation(
                state.peers(),
                &state.triples,
                roster,
                state.run_idle_timeout(),
                None,
            )
            .await?;
            continue;
        }
        if tokio::time::timeout_at(deadline, changed).await.is_err() {
            return Err(no_pair_in_time());
        }
    }
}

async fn follow_pair_agreement(
    state: &Arc<NodeState>,
    leader: &sigil_chain::ValidatorInfo,
    instance: B256,
    leader_key: B256,
) -> Result<TriplePair, NodeError> {
    let mut round = PAIR_ROUND;
    let mut held = None;
    // The first naming may wait for the leader to find or make a pair; later ones follow at
    // the pace of a peer's answer.
    let mut wait = pair_wait(state);
    loop {
        let message = state
            .peers()
            .receive_within(instance, round, leader, wait)
            .await?;
        wait = state.run_idle_timeout();
        match PairNaming::from_bytes(&message) {
            Some(PairNaming::Go) => {
                return held.ok_or_else(|| {
                    NodeError::ProtocolFailed(
                        "the leader went ahead with a triple pair this node lacks".into(),
                    )
                });
            }
            Some(PairNaming::Use(sequence)) if round < PAIR_ATTEMPTS * 2 => {
                held = take_named_pair(state, leader_key, sequence).await?;
                let answer = if held.is_some() { HOLDS } else { MISSING };
                state
                    .peers()
                    .send(leader, instance, round + 1, &[answer])
                    .await?;
                round += 2;
            }
            _ => {
                return Err(NodeError::ProtocolFailed(
                    "the leader named no triple pair".into(),
                ))
            }
        }
    }
}

/// Removes pair (`leader_key`, `sequence`) from this node's pool, waiting for it while this
/// node is still generating it; `None` when it is not here and not on its way. The wait is
/// shorter than the leader's for the answer: once the leader has a pair, the others normally
/// store it within a message's time, and one still missing after that is answered as missing.
async fn take_named_pair(
    state: &Arc<NodeState>,
    leader_key: B256,
    sequence: u64,
) -> Result<Option<TriplePair>, NodeError> {
    let deadline = tokio::time::Instant::now() + state.peer_timeout;
    loop {
        let changed = state.triples.changed.notified();
        let pool = Arc::clone(&state.triples);
        let taken = ecdsa::blocking(move || pool.take(&leader_key, sequence)).await?;
        if taken.is_some() || !state.triples.is_joined(&leader_key, sequence) {
            return Ok(taken);
        }
        if tokio::time::timeout_at(deadline, changed).await.is_err() {
            return Ok(None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_naming_reads_back_and_anything_else_is_refused() {
        for naming in [
            PairNaming::Use(0),
            PairNaming::Use(u64::MAX),
            PairNaming::Go,
        ] {
            assert_eq!(PairNaming::from_bytes(&naming.to_bytes()), Some(naming));
        }
        for bad in [&[][..], &[0, 1, 2][..], &[1, 0][..], &[2][..]] {
            assert_eq!(PairNaming::from_bytes(bad), None);
        }
    }
}
