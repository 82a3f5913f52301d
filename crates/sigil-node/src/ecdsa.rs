//! Threshold ECDSA for PKPs, as Lit's Datil nodes do it with cait-sith: Beaver triple pairs
//! generated with the peers ahead of time into a persisted pool, a two-round presign among the
//! signing set when a request comes, then each node's additive share of `s`, which the client
//! sums (the JS SDK v7's `combineEcdsaShares`).
//!
//! Every pair has a leader, the node that invited the others to generate it, and is kept by
//! every participant under (leader, sequence number). Only its leader hands a pair to a
//! signature (it sends the sequence number to the rest of the signing set), so two signatures
//! never pick the same pair; each node removes a pair from its pool, committed to disk, before
//! it uses it, so a pair (and the presignature made from it) serves one signature, across
//! restarts.

use crate::error::NodeError;
use crate::invitation::Invitation;
use crate::mpc::{run_protocol, Run};
use crate::peer::{PeerChannel, ANNOUNCEMENT_ROUND};
use alloy_primitives::{keccak256, B256};
use cait_sith::protocol::Participant;
use cait_sith::triples::{TriplePub, TripleShare};
use k256::elliptic_curve::ops::Reduce;
use k256::elliptic_curve::point::AffineCoordinates;
use k256::elliptic_curve::sec1::{FromEncodedPoint, ToEncodedPoint};
use k256::elliptic_curve::PrimeField;
use k256::{AffinePoint, EncodedPoint, Scalar, Secp256k1};
use redb::{ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition};
use serde::{Deserialize, Serialize};
use sigil_chain::ValidatorInfo;
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use zeroize::Zeroizing;

/// Pairs by (leader identity key, sequence number): the pair's JSON ([`PairFile`]).
const PAIRS: TableDefinition<([u8; 32], u64), &[u8]> = TableDefinition::new("triple_pairs");
/// The next sequence number of a pair this node leads.
const NEXT_SEQUENCE: TableDefinition<&str, u64> = TableDefinition::new("triple_sequence");
const NEXT_SEQUENCE_KEY: &str = "next";

/// One participant's shares of two Beaver triples, and their public parts: what one
/// presignature consumes.
pub(crate) struct TriplePair {
    pub(crate) first: (TripleShare<Secp256k1>, TriplePub<Secp256k1>),
    pub(crate) second: (TripleShare<Secp256k1>, TriplePub<Secp256k1>),
}

/// Generations this node leads at once (background and on demand together): more would only
/// split the CPU among more runs, each then slower to reach its peers.
pub(crate) const LED_GENERATIONS: usize = 2;

/// The persisted pool of triple pairs.
pub(crate) struct TriplePool {
    db: redb::Database,
    /// Wakes the background generation when a pair is taken, and a leader waiting for one.
    pub(crate) changed: Notify,
    /// Slots for generations this node leads.
    pub(crate) led: tokio::sync::Semaphore,
    /// Signatures this node leads take pairs one at a time, in arrival order (the lock is
    /// fair), so under a burst no request waits behind later ones.
    pub(crate) consumers: tokio::sync::Mutex<()>,
    /// Pairs a peer leads whose generation this node has joined and not finished: a leader
    /// may finish (and name the pair) before the others have stored it, and a pair named
    /// here is waited for only while it is on its way.
    joined: parking_lot::Mutex<HashSet<(B256, u64)>>,
    /// Sequences of the pairs this node is leading the generation of.
    leading: parking_lot::Mutex<std::collections::BTreeSet<u64>>,
}

/// A generation this node leads, from its sequence number's reservation to its end.
pub(crate) struct LedGeneration {
    pool: Arc<TriplePool>,
    sequence: u64,
}

impl Drop for LedGeneration {
    fn drop(&mut self) {
        self.pool.leading.lock().remove(&self.sequence);
    }
}

/// A joined generation, from the invitation until this node has stored its shares or given up.
pub(crate) struct JoinedGeneration {
    pool: Arc<TriplePool>,
    key: (B256, u64),
}

impl Drop for JoinedGeneration {
    fn drop(&mut self) {
        self.pool.joined.lock().remove(&self.key);
        self.pool.changed.notify_waiters();
    }
}

fn storage(error: impl std::fmt::Display) -> NodeError {
    NodeError::Storage(format!("triple pool: {error}"))
}

impl TriplePool {
    /// Opens (or creates, 0600) the pool at `path`.
    pub(crate) fn open(path: &Path) -> Result<Self, NodeError> {
        let db = redb::Database::create(path).map_err(storage)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
                .map_err(|e| NodeError::io("restricting the triple pool", path, e))?;
        }
        let write = db.begin_write().map_err(storage)?;
        write.open_table(PAIRS).map_err(storage)?;
        write.open_table(NEXT_SEQUENCE).map_err(storage)?;
        write.commit().map_err(storage)?;
        Ok(TriplePool {
            db,
            changed: Notify::new(),
            led: tokio::sync::Semaphore::new(LED_GENERATIONS),
            consumers: tokio::sync::Mutex::new(()),
            joined: parking_lot::Mutex::new(HashSet::new()),
            leading: parking_lot::Mutex::new(std::collections::BTreeSet::new()),
        })
    }

    /// Marks pair (`leader`, `sequence`) as being generated here until the guard drops.
    pub(crate) fn join(self: &Arc<Self>, leader: B256, sequence: u64) -> JoinedGeneration {
        self.joined.lock().insert((leader, sequence));
        JoinedGeneration {
            pool: Arc::clone(self),
            key: (leader, sequence),
        }
    }

    /// Whether this node is still generating pair (`leader`, `sequence`).
    pub(crate) fn is_joined(&self, leader: &B256, sequence: u64) -> bool {
        self.joined.lock().contains(&(*leader, sequence))
    }

    /// Reserves the next sequence number for a pair this node (`me`) leads, marked as being
    /// generated until the guard drops; with a `target`, only while the pairs `me` holds and
    /// is generating are fewer (checked and reserved at once, so two fillers never overshoot).
    pub(crate) fn lead_next(
        self: &Arc<Self>,
        me: &B256,
        target: Option<usize>,
    ) -> Result<Option<LedGeneration>, NodeError> {
        let mut leading = self.leading.lock();
        if let Some(target) = target {
            if self.count(me)? + leading.len() >= target {
                return Ok(None);
            }
        }
        let sequence = self.next_sequence()?;
        leading.insert(sequence);
        Ok(Some(LedGeneration {
            pool: Arc::clone(self),
            sequence,
        }))
    }

    /// The lowest sequence of a pair `me` leads that may still be used: the oldest it holds
    /// or is generating, or `next` when it has none. Every pair it led below is used or lost.
    pub(crate) fn oldest_in_use(&self, me: &B256, next: u64) -> Result<u64, NodeError> {
        let read = self.db.begin_read().map_err(storage)?;
        let table = read.open_table(PAIRS).map_err(storage)?;
        let held = table
            .range((me.0, 0)..=(me.0, u64::MAX))
            .map_err(storage)?
            .next()
            .transpose()
            .map_err(storage)?
            .map(|(key, _)| key.value().1);
        let generating = self.leading.lock().first().copied();
        Ok([held, generating, Some(next)]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(next))
    }

    /// Drops the pairs `leader` led below sequence `below` (its leader has used or lost them);
    /// returns how many went.
    pub(crate) fn sweep(&self, leader: &B256, below: u64) -> Result<usize, NodeError> {
        if below == 0 {
            return Ok(0);
        }
        let write = self.db.begin_write().map_err(storage)?;
        let swept = {
            let mut table = write.open_table(PAIRS).map_err(storage)?;
            let before = table.len().map_err(storage)?;
            table
                .retain_in((leader.0, 0)..(leader.0, below), |_, _| false)
                .map_err(storage)?;
            before - table.len().map_err(storage)?
        };
        write.commit().map_err(storage)?;
        Ok(usize::try_from(swept).unwrap_or(usize::MAX))
    }

    /// Reserves the next sequence number for a pair this node leads (never handed out twice).
    fn next_sequence(&self) -> Result<u64, NodeError> {
        let write = self.db.begin_write().map_err(storage)?;
        let sequence = {
            let mut table = write.open_table(NEXT_SEQUENCE).map_err(storage)?;
            let next = table
                .get(NEXT_SEQUENCE_KEY)
                .map_err(storage)?
                .map_or(0, |value| value.value());
            table.insert(NEXT_SEQUENCE_KEY, next + 1).map_err(storage)?;
            next
        };
        write.commit().map_err(storage)?;
        Ok(sequence)
    }

    pub(crate) fn put(
        &self,
        leader: &B256,
        sequence: u64,
        pair: &TriplePair,
    ) -> Result<(), NodeError> {
        let bytes = PairFile::of(pair).to_bytes()?;
        let write = self.db.begin_write().map_err(storage)?;
        write
            .open_table(PAIRS)
            .map_err(storage)?
            .insert((leader.0, sequence), bytes.as_slice())
            .map_err(storage)?;
        write.commit().map_err(storage)?;
        self.changed.notify_waiters();
        Ok(())
    }

    /// Removes pair (`leader`, `sequence`) and returns it; the removal is on disk before this
    /// returns.
    pub(crate) fn take(
        &self,
        leader: &B256,
        sequence: u64,
    ) -> Result<Option<TriplePair>, NodeError> {
        let write = self.db.begin_write().map_err(storage)?;
        let bytes = write
            .open_table(PAIRS)
            .map_err(storage)?
            .remove((leader.0, sequence))
            .map_err(storage)?
            .map(|value| Zeroizing::new(value.value().to_vec()));
        write.commit().map_err(storage)?;
        // Waiters are woken by a change only: one that wakes itself would never time out.
        if bytes.is_some() {
            self.changed.notify_waiters();
        }
        bytes
            .map(|bytes| PairFile::from_bytes(&bytes)?.pair())
            .transpose()
    }

    /// Removes the oldest pair `leader` leads that every one of `signers` took part in, and
    /// returns it with its sequence number.
    pub(crate) fn take_oldest_for(
        &self,
        leader: &B256,
        signers: &[Participant],
    ) -> Result<Option<(u64, TriplePair)>, NodeError> {
        let write = self.db.begin_write().map_err(storage)?;
        let taken = {
            let mut table = write.open_table(PAIRS).map_err(storage)?;
            let mut found = None;
            for entry in table
                .range((leader.0, 0)..=(leader.0, u64::MAX))
                .map_err(storage)?
            {
                let (key, value) = entry.map_err(storage)?;
                let bytes = Zeroizing::new(value.value().to_vec());
                let file = PairFile::from_bytes(&bytes)?;
                let holders = &file.triples[0].participants;
                if signers
                    .iter()
                    .all(|signer| holders.contains(&u32::from(*signer)))
                {
                    found = Some((key.value().1, bytes));
                    break;
                }
            }
            if let Some((sequence, _)) = &found {
                table.remove((leader.0, *sequence)).map_err(storage)?;
            }
            found
        };
        write.commit().map_err(storage)?;
        if taken.is_some() {
            self.changed.notify_waiters();
        }
        taken
            .map(|(sequence, bytes)| Ok((sequence, PairFile::from_bytes(&bytes)?.pair()?)))
            .transpose()
    }

    /// Pairs `leader` leads in the pool.
    pub(crate) fn count(&self, leader: &B256) -> Result<usize, NodeError> {
        let read = self.db.begin_read().map_err(storage)?;
        let table = read.open_table(PAIRS).map_err(storage)?;
        let count = table
            .range((leader.0, 0)..=(leader.0, u64::MAX))
            .map_err(storage)?
            .count();
        Ok(count)
    }

    /// Pairs in the pool, any leader.
    pub(crate) fn len(&self) -> Result<u64, NodeError> {
        let read = self.db.begin_read().map_err(storage)?;
        read.open_table(PAIRS)
            .map_err(storage)?
            .len()
            .map_err(storage)
    }
}

/// A pair on disk: scalars and compressed points as hex, participants and threshold.
#[derive(Serialize, Deserialize)]
struct PairFile {
    triples: [TripleFile; 2],
}

#[derive(Serialize, Deserialize)]
struct TripleFile {
    shares: [String; 3],
    commitments: [String; 3],
    participants: Vec<u32>,
    threshold: usize,
}

impl Drop for TripleFile {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.shares.zeroize();
    }
}

impl PairFile {
    fn of(pair: &TriplePair) -> PairFile {
        let triple =
            |(share, public): &(TripleShare<Secp256k1>, TriplePub<Secp256k1>)| TripleFile {
                shares: [share.a, share.b, share.c].map(|s| hex::encode(s.to_bytes())),
                commitments: [public.big_a, public.big_b, public.big_c]
                    .map(|point| hex::encode(point.to_encoded_point(true).as_bytes())),
                participants: public.participants.iter().map(|p| u32::from(*p)).collect(),
                threshold: public.threshold,
            };
        PairFile {
            triples: [triple(&pair.first), triple(&pair.second)],
        }
    }

    fn to_bytes(&self) -> Result<Zeroizing<Vec<u8>>, NodeError> {
        serde_json::to_vec(self)
            .map(Zeroizing::new)
            .map_err(|e| NodeError::internal("writing a triple pair", e))
    }

    fn from_bytes(bytes: &[u8]) -> Result<PairFile, NodeError> {
        serde_json::from_slice(bytes)
            .map_err(|e| storage(format!("a stored pair does not read: {e}")))
    }

    fn pair(&self) -> Result<TriplePair, NodeError> {
        let bad = || storage("a stored pair holds a value that is not a scalar or point");
        let scalar = |text: &str| -> Result<Scalar, NodeError> {
            let mut bytes = Zeroizing::new([0u8; 32]);
            hex::decode_to_slice(text, bytes.as_mut_slice()).map_err(|_| bad())?;
            Option::from(Scalar::from_repr((*bytes).into())).ok_or_else(bad)
        };
        let point = |text: &str| -> Result<AffinePoint, NodeError> {
            let bytes = hex::decode(text).map_err(|_| bad())?;
            let encoded = EncodedPoint::from_bytes(bytes).map_err(|_| bad())?;
            Option::from(AffinePoint::from_encoded_point(&encoded)).ok_or_else(bad)
        };
        let triple = |file: &TripleFile| -> Result<(TripleShare<Secp256k1>, TriplePub<Secp256k1>), NodeError> {
            Ok((
                TripleShare {
                    a: scalar(&file.shares[0])?,
                    b: scalar(&file.shares[1])?,
                    c: scalar(&file.shares[2])?,
                },
                TriplePub {
                    big_a: point(&file.commitments[0])?,
                    big_b: point(&file.commitments[1])?,
                    big_c: point(&file.commitments[2])?,
                    participants: file.participants.iter().map(|p| Participant::from(*p)).collect(),
                    threshold: file.threshold,
                },
            ))
        };
        Ok(TriplePair {
            first: triple(&self.triples[0])?,
            second: triple(&self.triples[1])?,
        })
    }
}

/// The participants of the network's threshold ECDSA: the root keys' roster, in share order
/// (participant `i` holds share `i + 1`).
#[derive(Debug, Clone)]
pub(crate) struct Roster {
    pub(crate) keys: Vec<B256>,
    pub(crate) threshold: usize,
}

impl Roster {
    pub(crate) fn participant_of(&self, key: &B256) -> Option<Participant> {
        self.keys
            .iter()
            .position(|member| member == key)
            .and_then(|index| u32::try_from(index).ok())
            .map(Participant::from)
    }

    pub(crate) fn key_of(&self, participant: Participant) -> Option<B256> {
        self.keys
            .get(usize::try_from(u32::from(participant)).ok()?)
            .copied()
    }

    pub(crate) fn participants(&self) -> Vec<Participant> {
        (0..self.keys.len())
            .filter_map(|index| u32::try_from(index).ok())
            .map(Participant::from)
            .collect()
    }

    /// `participants` but `me`, each with the current validator it is; fails naming the first
    /// that is not a current validator.
    pub(crate) fn peers(
        &self,
        channel: &PeerChannel,
        participants: &[Participant],
        me: Participant,
    ) -> Result<Vec<(Participant, ValidatorInfo)>, NodeError> {
        participants
            .iter()
            .filter(|participant| **participant != me)
            .map(|participant| {
                let key = self.key_of(*participant).ok_or_else(|| {
                    NodeError::internal("threshold ECDSA", "a participant outside the roster")
                })?;
                let validator = channel.validator_with_identity(&key).ok_or_else(|| {
                    NodeError::PeerUnreachable {
                        peer: key.to_string(),
                        reason: "a holder of the root key shares is not a current validator".into(),
                    }
                })?;
                Ok((*participant, validator))
            })
            .collect()
    }
}

/// The id of the run that generates pair (`leader`, `sequence`).
fn pair_instance(leader: &B256, sequence: u64) -> B256 {
    keccak256(
        [
            b"sigil-triple-pair".as_slice(),
            leader.as_slice(),
            &sequence.to_be_bytes(),
        ]
        .concat(),
    )
}

/// Runs this node's side of generating pair (`leader`, `sequence`) among `participants`, and
/// keeps its shares.
pub(crate) async fn generate_pair(
    channel: &Arc<PeerChannel>,
    pool: &Arc<TriplePool>,
    roster: &Roster,
    participants: &[Participant],
    leader: &B256,
    sequence: u64,
    idle_timeout: Duration,
) -> Result<(), NodeError> {
    let me = roster
        .participant_of(&channel.identity_key())
        .ok_or_else(|| {
            NodeError::internal("triple generation", "this node is not in the roster")
        })?;
    let peers = roster.peers(channel, participants, me)?;
    let instance = pair_instance(leader, sequence);
    let generate = |which: u8| {
        let run = Run {
            instance: keccak256([instance.as_slice(), &[which]].concat()),
            peers: peers.clone(),
            idle_timeout,
        };
        let threshold = roster.threshold;
        async move {
            let protocol =
                cait_sith::triples::generate_triple::<Secp256k1>(participants, me, threshold)
                    .map_err(|e| NodeError::ProtocolFailed(e.to_string()))?;
            run_protocol(Arc::clone(channel), run, protocol).await
        }
    };
    let (first, second) = tokio::try_join!(generate(0), generate(1))?;
    let (pool, leader) = (Arc::clone(pool), *leader);
    blocking(move || pool.put(&leader, sequence, &TriplePair { first, second })).await
}

/// Runs a pool operation (a database transaction, fsynced) off the async workers: a commit
/// there would hold up every peer message and request the worker serves.
pub(crate) async fn blocking<T: Send + 'static>(
    operation: impl FnOnce() -> Result<T, NodeError> + Send + 'static,
) -> Result<T, NodeError> {
    tokio::task::spawn_blocking(operation)
        .await
        .map_err(|e| NodeError::internal("triple pool", e))?
}

/// Leads the generation of one pair and returns its sequence number: invites every roster
/// member that is a current validator; when some cannot be reached, invites the others again
/// (a new pair) if they are enough to sign, so a node that is down does not stop the pool.
/// With a `target`, generates only while the pool holds and is making fewer of its own pairs
/// (`None` when it has enough).
pub(crate) async fn lead_pair_generation(
    channel: &Arc<PeerChannel>,
    pool: &Arc<TriplePool>,
    roster: &Roster,
    idle_timeout: Duration,
    target: Option<usize>,
) -> Result<Option<u64>, NodeError> {
    let _slot = pool
        .led
        .acquire()
        .await
        .map_err(|e| NodeError::internal("triple generation", e))?;
    let me = channel.identity_key();
    let my_participant = roster.participant_of(&me).ok_or_else(|| {
        NodeError::internal("triple generation", "this node is not in the roster")
    })?;
    let mut participants: Vec<Participant> = roster
        .participants()
        .into_iter()
        .filter(|participant| {
            *participant == my_participant
                || roster
                    .key_of(*participant)
                    .is_some_and(|key| channel.validator_with_identity(&key).is_some())
        })
        .collect();
    for _ in 0..2 {
        if participants.len() < roster.threshold.max(2) {
            break;
        }
        let reserved = {
            let pool = Arc::clone(pool);
            blocking(move || {
                let Some(led) = pool.lead_next(&me, target)? else {
                    return Ok(None);
                };
                let oldest = pool.oldest_in_use(&me, led.sequence)?;
                Ok(Some((led, oldest)))
            })
            .await?
        };
        let Some((led, oldest_in_use)) = reserved else {
            return Ok(None);
        };
        let sequence = led.sequence;
        let invitation = serde_json::to_vec(&Invitation::TriplePair {
            roster: roster.keys.clone(),
            threshold: u16::try_from(roster.threshold).unwrap_or(u16::MAX),
            sequence,
            participants: participants.iter().map(|p| u32::from(*p)).collect(),
            oldest_in_use,
        })
        .map_err(|e| NodeError::internal("writing an invitation", e))?;
        let peers = roster.peers(channel, &participants, my_participant)?;
        let instance = pair_instance(&me, sequence);
        let invited = futures::future::join_all(
            peers
                .iter()
                .map(|(_, peer)| channel.send(peer, instance, ANNOUNCEMENT_ROUND, &invitation)),
        )
        .await;
        let unreachable: Vec<Participant> = peers
            .iter()
            .zip(&invited)
            .filter(|(_, sent)| sent.is_err())
            .map(|((participant, _), _)| *participant)
            .collect();
        if unreachable.is_empty() {
            generate_pair(
                channel,
                pool,
                roster,
                &participants,
                &me,
                sequence,
                idle_timeout,
            )
            .await?;
            drop(led);
            return Ok(Some(sequence));
        }
        participants.retain(|participant| !unreachable.contains(participant));
    }
    Err(NodeError::PeerUnreachable {
        peer: "the roster".into(),
        reason: format!(
            "fewer than {} holders of the root key shares answer",
            roster.threshold
        ),
    })
}

/// The Lagrange coefficient of `me` at 0 over `participants` (x of participant `i` is `i + 1`,
/// as cait-sith numbers shares).
pub(crate) fn lagrange(participants: &[Participant], me: Participant) -> Scalar {
    let x = |participant: Participant| Scalar::from(u64::from(u32::from(participant)) + 1);
    let mine = x(me);
    let (numerator, denominator) = participants
        .iter()
        .filter(|participant| **participant != me)
        .fold((Scalar::ONE, Scalar::ONE), |(num, den), other| {
            let theirs = x(*other);
            (num * theirs, den * (theirs - mine))
        });
    numerator * Option::<Scalar>::from(denominator.invert()).unwrap_or(Scalar::ZERO)
}

/// This node's additive share of `s` for hash `digest` from its presignature:
/// `lambda * (z * k + r * sigma)`.
pub(crate) fn signature_share(
    presignature: &cait_sith::PresignOutput<Secp256k1>,
    digest: &[u8; 32],
    lambda: Scalar,
) -> Scalar {
    let z = <Scalar as Reduce<k256::U256>>::reduce_bytes(&(*digest).into());
    let r = <Scalar as Reduce<k256::U256>>::reduce_bytes(&presignature.big_r.x());
    lambda * (z * presignature.k + r * presignature.sigma)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dealt_pair(participants: &[Participant]) -> TriplePair {
        let mut rng = rand::rngs::OsRng;
        let mut deal = || {
            let (public, mut shares) =
                cait_sith::triples::deal::<Secp256k1>(&mut rng, participants, 2);
            (shares.remove(0), public)
        };
        TriplePair {
            first: deal(),
            second: deal(),
        }
    }

    #[test]
    fn a_pair_is_taken_once_and_survives_reopening_until_then() -> Result<(), NodeError> {
        let dir = tempfile::tempdir().map_err(|e| NodeError::internal("tempdir", e))?;
        let path = dir.path().join("triples.redb");
        let leader = B256::repeat_byte(7);
        let all = [0u32, 1, 2].map(Participant::from);
        {
            let pool = TriplePool::open(&path)?;
            pool.put(&leader, 0, &dealt_pair(&all[..2]))?;
            pool.put(&leader, 1, &dealt_pair(&all))?;
        }
        let pool = TriplePool::open(&path)?;
        assert_eq!(pool.count(&leader)?, 2);
        // Pair 0 lacks participant 2, so a set with it gets pair 1.
        let (sequence, _) = pool
            .take_oldest_for(&leader, &[all[0], all[2]])?
            .expect("pair 1 serves the set");
        assert_eq!(sequence, 1);
        assert!(pool.take(&leader, 1)?.is_none());
        assert!(pool.take(&leader, 0)?.is_some());
        assert_eq!(pool.len()?, 0);
        Ok(())
    }

    #[test]
    fn a_leader_names_the_oldest_pair_still_in_use_and_followers_drop_what_is_below(
    ) -> Result<(), NodeError> {
        let dir = tempfile::tempdir().map_err(|e| NodeError::internal("tempdir", e))?;
        let pool = Arc::new(TriplePool::open(&dir.path().join("triples.redb"))?);
        let (me, peer) = (B256::repeat_byte(1), B256::repeat_byte(2));
        let all = [0u32, 1, 2].map(Participant::from);

        // Nothing held or being made: the next sequence.
        let first = pool
            .lead_next(&me, None)?
            .expect("no target, always reserved");
        assert_eq!(first.sequence, 0);
        assert_eq!(pool.oldest_in_use(&me, 1)?, 0, "pair 0 is being generated");
        drop(first);
        assert_eq!(pool.oldest_in_use(&me, 1)?, 1, "pair 0 was lost");
        pool.put(&me, 3, &dealt_pair(&all))?;
        pool.put(&me, 5, &dealt_pair(&all))?;
        assert_eq!(pool.oldest_in_use(&me, 6)?, 3);
        // A target counts pairs held and being made.
        assert!(pool.lead_next(&me, Some(2))?.is_none());
        let making = pool.lead_next(&me, Some(3))?;
        assert!(making.is_some());
        assert!(pool.lead_next(&me, Some(3))?.is_none());
        drop(making);

        // A follower's copies of a peer's pairs below the mark go; its own and newer stay.
        for sequence in [1, 2, 4] {
            pool.put(&peer, sequence, &dealt_pair(&all))?;
        }
        assert_eq!(pool.sweep(&peer, 4)?, 2);
        assert_eq!(pool.sweep(&peer, 0)?, 0);
        assert!(pool.take(&peer, 4)?.is_some());
        assert_eq!(pool.count(&me)?, 2);
        Ok(())
    }

    #[tokio::test]
    async fn only_a_change_wakes_a_waiter_and_a_joined_generation_ends_with_one(
    ) -> Result<(), NodeError> {
        let dir = tempfile::tempdir().map_err(|e| NodeError::internal("tempdir", e))?;
        let pool = Arc::new(TriplePool::open(&dir.path().join("triples.redb"))?);
        let leader = B256::repeat_byte(9);
        let wait = Duration::from_millis(50);

        // Looking for a pair that is not there changes nothing.
        let changed = pool.changed.notified();
        assert!(pool.take(&leader, 3)?.is_none());
        assert!(pool
            .take_oldest_for(&leader, &[Participant::from(0u32)])?
            .is_none());
        assert!(tokio::time::timeout(wait, changed).await.is_err());

        // A joined generation is known until it ends, and its end wakes waiters.
        let joined = pool.join(leader, 3);
        assert!(pool.is_joined(&leader, 3) && !pool.is_joined(&leader, 4));
        let changed = pool.changed.notified();
        drop(joined);
        assert!(tokio::time::timeout(wait, changed).await.is_ok());
        assert!(!pool.is_joined(&leader, 3));
        Ok(())
    }
}
