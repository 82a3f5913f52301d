//! A Lit-compatible node.
//!
//! A node speaks the HTTP API of Lit's Datil network (the one the JS SDK v7 talks to):
//! `POST /web/handshake/`, `/web/encryption/sign/`, `/web/pkp/sign/v1`, `/web/execute/v1` and
//! `/web/sign_session_key/v1` (each also without the trailing slash or version). It verifies session signatures exactly as
//! Lit's nodes do (through `sigil-auth`), counts requests against capacity credits and a free
//! allowance ([`RateLimitPolicy`], kept in `redb`), evaluates the access control conditions
//! (through `sigil-crypto`) and answers with a BLS signature share of the identity, which the
//! client combines into the decryption key; with its share of a PKP's signature, made with the
//! other nodes over the peer channel; with what a Lit Action run on it returned; or with its
//! share of the network's signature of a PKP's session.
//! Every failure is answered with Lit's error body `{errorKind, errorCode, status, message,
//! correlationId, details}` ([`NodeError`]).
//!
//! # Serving
//!
//! - [`Node::start`] serves one node from a [`NodeConfig`] and a chain view
//!   (`sigil_chain::ChainView`: `EvmChain`, the contracts read over JSON-RPC).
//! - [`app`] is the router alone, for tests driving it with `tower::ServiceExt::oneshot`. Each
//!   endpoint is a module of its own; those that act for a user call one shared step that
//!   verifies the session sig for the endpoint's resource and ability and counts the request.
//!
//! A whole local network (dealer, embedded chain, N nodes in one process) is the `sigil-devnet`
//! crate's `Devnet`.
//!
//! # Limits
//!
//! Bodies are read up to [`BODY_LIMIT`] (512 KiB; larger ones get a 413 in Lit's shape). CPU
//! work (BLS signing, sessions with many capabilities) runs on the blocking pool, two jobs per
//! core at a time; a session of one or two capabilities is verified in place, cheaper than the
//! hand-off.
//! Rate limits are counted per user address per node in fixed windows; see [`RateLimitPolicy`]
//! for the rules.
#![deny(missing_docs)]

mod actions;
mod authorize;
mod clock;
mod condition_reads;
mod config;
mod ecdsa;
mod endpoints;
mod error;
mod http;
mod invitation;
mod keys;
mod mpc;
mod network_key;
mod peer;
mod pkp_permissions;
mod root_keys;
mod server;
mod state;
mod unsigned_tx;
mod usage;

pub use clock::{Clock, ManualClock, SystemClock};
pub use condition_reads::ReadLimits;
pub use config::{ActionsConfig, NodeConfig, PoapConfig, POAP_API_KEY_VAR};
pub use endpoints::app;
pub use error::{InternalError, NodeError};
pub use http::{AppJson, CorrelationId, BODY_LIMIT};
pub use peer::{
    seal_and_sign, staking_address, Announcement, PeerChannel, ANNOUNCEMENT_ROUND,
    PEER_IDENTITY_FILE,
};
pub use server::{Node, RunningNode};
pub use state::NodeState;
pub use usage::{
    Allocation, DelegatedCredits, RateLimitPolicy, UsageError, UsageRequest, UsageStore,
    DEFAULT_FREE_ALLOWANCE,
};
