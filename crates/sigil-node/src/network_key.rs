//! The BLS network key's generation among the roster, as a protocol machine the peer-channel
//! driver runs like cait-sith's: the DKG's arithmetic is in `sigil_crypto::bls_dkg`; this
//! moves its messages and refuses a run whose members did not all end with the same key.
//!
//! Three rounds, every member to every other: the dealer's Pedersen commitments with the
//! recipient's private shares (sealed to the recipient by the channel); once all shares check,
//! the dealer's Feldman commitments; once those check, a digest of every dealer's Feldman
//! commitments, which must be the same at every member (a dealer that showed members different
//! commitments is caught here, and the run fails rather than split the network's key).

use cait_sith::protocol::{Action, Participant, Protocol, ProtocolError};
use sha2::{Digest, Sha256};
use sigil_crypto::bls::KeyShareFile;
use sigil_crypto::bls_dkg::{self, Commitments, Dealing, PrivateShares};
use std::collections::{HashMap, VecDeque};

const DEALING: u8 = 1;
const FELDMAN: u8 = 2;
const TRANSCRIPT: u8 = 3;

enum Stage {
    Start,
    AwaitDealings,
    AwaitFeldman,
    AwaitTranscripts([u8; 32]),
    Done,
}

/// One member's side of the network key's generation; share id = participant number + 1.
pub(crate) struct NetworkKeyGeneration {
    me: Participant,
    participants: Vec<Participant>,
    threshold: u8,
    dealing: Dealing,
    stage: Stage,
    outbox: VecDeque<Action<KeyShareFile>>,
    dealings: HashMap<Participant, (Commitments, PrivateShares)>,
    feldman: HashMap<Participant, Commitments>,
    transcripts: HashMap<Participant, [u8; 32]>,
    result: Option<KeyShareFile>,
    refused: Option<String>,
}

impl NetworkKeyGeneration {
    /// `participants` are numbered `0..n`; `me` is one of them.
    pub(crate) fn new(
        participants: &[Participant],
        me: Participant,
        threshold: u8,
    ) -> Result<Self, ProtocolError> {
        let total = participants.len();
        if total > 255 || !participants.contains(&me) {
            return Err(ProtocolError::AssertionFailed(
                "a roster of at most 255 that includes this node".into(),
            ));
        }
        let dealing = Dealing::new(usize::from(threshold), total, &mut rand::rngs::OsRng)
            .map_err(|e| ProtocolError::AssertionFailed(e.to_string()))?;
        Ok(NetworkKeyGeneration {
            me,
            participants: participants.to_vec(),
            threshold,
            dealing,
            stage: Stage::Start,
            outbox: VecDeque::new(),
            dealings: HashMap::new(),
            feldman: HashMap::new(),
            transcripts: HashMap::new(),
            result: None,
            refused: None,
        })
    }

    fn share_id(participant: Participant) -> u8 {
        u8::try_from(u32::from(participant) + 1).unwrap_or(0)
    }

    fn others(&self) -> impl Iterator<Item = Participant> + '_ {
        self.participants
            .iter()
            .copied()
            .filter(move |participant| *participant != self.me)
    }

    fn all_others_in<T>(&self, received: &HashMap<Participant, T>) -> bool {
        self.others()
            .all(|participant| received.contains_key(&participant))
    }

    fn refuse(&mut self, from: Participant, reason: impl std::fmt::Display) {
        self.refused
            .get_or_insert_with(|| format!("participant {}: {reason}", u32::from(from)));
    }

    fn own_shares(&self) -> Result<PrivateShares, ProtocolError> {
        let shares = self
            .dealing
            .shares_for(Self::share_id(self.me))
            .ok_or_else(|| ProtocolError::AssertionFailed("no share of our own".into()))?;
        PrivateShares::from_bytes(&shares.to_bytes())
            .map_err(|e| ProtocolError::AssertionFailed(e.to_string()))
    }

    /// Every member's key once all Feldman commitments have checked: the share file and the
    /// transcript digest the members compare.
    fn combine(&self) -> Result<(KeyShareFile, [u8; 32]), ProtocolError> {
        let own = self.own_shares()?;
        let mut digest = Sha256::new();
        let mut received = Vec::with_capacity(self.participants.len());
        for participant in &self.participants {
            let (shares, feldman) = if *participant == self.me {
                (&own, self.dealing.feldman_commitments())
            } else {
                let shares = &self.dealings[participant].1;
                (shares, &self.feldman[participant])
            };
            digest.update(feldman.to_bytes());
            received.push((shares, feldman));
        }
        let total = u8::try_from(self.participants.len()).unwrap_or(u8::MAX);
        let file = bls_dkg::combine(Self::share_id(self.me), self.threshold, total, &received)
            .map_err(|e| ProtocolError::AssertionFailed(e.to_string()))?;
        Ok((file, digest.finalize().into()))
    }
}

impl Protocol for NetworkKeyGeneration {
    type Output = KeyShareFile;

    fn poke(&mut self) -> Result<Action<KeyShareFile>, ProtocolError> {
        if let Some(reason) = &self.refused {
            return Err(ProtocolError::AssertionFailed(reason.clone()));
        }
        if let Some(action) = self.outbox.pop_front() {
            return Ok(action);
        }
        match self.stage {
            Stage::Start => {
                let pedersen = self.dealing.pedersen_commitments().to_bytes();
                let others: Vec<Participant> = self.others().collect();
                for participant in others {
                    let shares = self
                        .dealing
                        .shares_for(Self::share_id(participant))
                        .ok_or_else(|| {
                            ProtocolError::AssertionFailed("a member without shares".into())
                        })?;
                    let message = [&[DEALING][..], &pedersen, &shares.to_bytes()].concat();
                    self.outbox
                        .push_back(Action::SendPrivate(participant, message));
                }
                self.stage = Stage::AwaitDealings;
            }
            Stage::AwaitDealings if self.all_others_in(&self.dealings) => {
                let feldman = self.dealing.feldman_commitments().to_bytes();
                self.outbox
                    .push_back(Action::SendMany([&[FELDMAN][..], &feldman].concat()));
                self.stage = Stage::AwaitFeldman;
            }
            Stage::AwaitFeldman if self.all_others_in(&self.feldman) => {
                let (file, transcript) = self.combine()?;
                self.outbox
                    .push_back(Action::SendMany([&[TRANSCRIPT][..], &transcript].concat()));
                self.stage = Stage::AwaitTranscripts(transcript);
                // Returned once every member's transcript has arrived and agrees.
                self.result = Some(file);
            }
            Stage::AwaitTranscripts(ours) if self.all_others_in(&self.transcripts) => {
                if self.transcripts.values().any(|theirs| *theirs != ours) {
                    return Err(ProtocolError::AssertionFailed(
                        "the members derived different network keys".into(),
                    ));
                }
                self.stage = Stage::Done;
                return self
                    .result
                    .take()
                    .map(Action::Return)
                    .ok_or_else(|| ProtocolError::AssertionFailed("returned twice".into()));
            }
            _ => return Ok(Action::Wait),
        }
        Ok(self.outbox.pop_front().unwrap_or(Action::Wait))
    }

    fn message(&mut self, from: Participant, data: Vec<u8>) {
        if from == self.me || !self.participants.contains(&from) {
            return;
        }
        let threshold = usize::from(self.threshold);
        let me = Self::share_id(self.me);
        match data.split_first() {
            Some((&DEALING, rest)) if !self.dealings.contains_key(&from) => {
                let (pedersen, shares) = rest.split_at(rest.len().min(threshold * 48));
                let checked = Commitments::from_bytes(pedersen, threshold).and_then(|pedersen| {
                    let shares = PrivateShares::from_bytes(shares)?;
                    bls_dkg::verify_private_shares(&pedersen, &shares, me)?;
                    Ok((pedersen, shares))
                });
                match checked {
                    Ok(dealing) => {
                        self.dealings.insert(from, dealing);
                    }
                    Err(error) => self.refuse(from, error),
                }
            }
            Some((&FELDMAN, rest)) if !self.feldman.contains_key(&from) => {
                // Commitments come only after this member's shares from the same dealer.
                let Some((_, shares)) = self.dealings.get(&from) else {
                    self.refuse(from, "Feldman commitments before its dealing");
                    return;
                };
                match Commitments::from_bytes(rest, threshold).and_then(|feldman| {
                    bls_dkg::verify_feldman_commitments(&feldman, shares).map(|()| feldman)
                }) {
                    Ok(feldman) => {
                        self.feldman.insert(from, feldman);
                    }
                    Err(error) => self.refuse(from, error),
                }
            }
            Some((&TRANSCRIPT, rest)) if !self.transcripts.contains_key(&from) => {
                match <[u8; 32]>::try_from(rest) {
                    Ok(transcript) => {
                        self.transcripts.insert(from, transcript);
                    }
                    Err(_) => self.refuse(from, "a transcript digest of the wrong length"),
                }
            }
            _ => self.refuse(from, "a message out of turn"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(total: u32) -> Vec<Participant> {
        (0..total).map(Participant::from).collect()
    }

    #[test]
    fn the_members_end_with_shares_of_one_key_that_any_threshold_of_them_signs_for(
    ) -> Result<(), ProtocolError> {
        let participants = members(3);
        let runs: Vec<(Participant, Box<dyn Protocol<Output = KeyShareFile>>)> = participants
            .iter()
            .map(|me| {
                let run = NetworkKeyGeneration::new(&participants, *me, 2)?;
                Ok((
                    *me,
                    Box::new(run) as Box<dyn Protocol<Output = KeyShareFile>>,
                ))
            })
            .collect::<Result<_, ProtocolError>>()?;
        let files = cait_sith::protocol::run_protocol(runs)?;
        let key = files[0].1.network_public_key;
        for (participant, file) in &files {
            assert_eq!(file.network_public_key, key);
            assert_eq!(
                u32::from(file.key_share.index()),
                u32::from(*participant) + 1
            );
        }
        let shares: Vec<_> = files[1..]
            .iter()
            .map(|(_, file)| file.key_share.sign(b"id"))
            .collect();
        let signature = sigil_crypto::bls::combine(&shares)
            .map_err(|e| ProtocolError::AssertionFailed(e.to_string()))?;
        assert!(key.verify(b"id", &signature).is_ok());
        Ok(())
    }

    #[test]
    fn a_dealing_that_does_not_check_fails_the_run() -> Result<(), ProtocolError> {
        let participants = members(3);
        let mut member = NetworkKeyGeneration::new(&participants, participants[0], 2)?;
        let mut liar = NetworkKeyGeneration::new(&participants, participants[1], 2)?;
        // The liar's dealing, with one byte of the private shares flipped on the way.
        let Action::SendPrivate(to, mut message) = liar.poke()? else {
            panic!("a dealing first");
        };
        assert_eq!(to, participants[0]);
        let last = message.len() - 40;
        message[last] ^= 1;
        member.message(participants[1], message);
        let refused = member.poke();
        assert!(
            matches!(&refused, Err(ProtocolError::AssertionFailed(reason)) if reason.contains("participant 1")),
            "{:?}",
            refused.err()
        );
        Ok(())
    }
}
