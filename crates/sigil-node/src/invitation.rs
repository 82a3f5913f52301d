//! Invitations to protocol runs: what a node that starts a run (a coordinator, a triple pair's
//! leader) sends its peers in the peer channel's announcement round, and what the dispatcher
//! hands to the part of the node that joins such runs.

use alloy_primitives::B256;
use serde::{Deserialize, Serialize};
use sigil_chain::ValidatorInfo;

/// What a node invites its peers to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
pub(crate) enum Invitation {
    /// Generate the root keys among `roster` (identity keys, in share order).
    #[serde(rename_all = "camelCase")]
    RootKeys {
        roster: Vec<B256>,
        threshold: u16,
        count: usize,
        /// The BLS network key is generated in the same run (a network's first start).
        #[serde(default)]
        network_key: bool,
    },
    /// Generate the inviting node's triple pair `sequence` among `participants` (positions in
    /// `roster`, the root keys' holders).
    #[serde(rename_all = "camelCase")]
    TriplePair {
        roster: Vec<B256>,
        threshold: u16,
        sequence: u64,
        participants: Vec<u32>,
        /// Every pair the inviter led below this sequence is used or lost: the others drop
        /// their copies (those kept by members outside the signing set that used a pair).
        #[serde(default)]
        oldest_in_use: u64,
    },
}

/// An invitation a peer sent, decoded.
#[derive(Debug)]
pub(crate) struct Invited {
    pub(crate) sender: ValidatorInfo,
    pub(crate) instance: B256,
    pub(crate) invitation: Invitation,
}
