//! Lit Actions: JavaScript that every node runs with the caller's session, as Lit's Datil nodes
//! run it on Deno, here on QuickJS-ng (`rquickjs`): the only engine that builds offline and can
//! be stopped both by time (an interrupt handler) and by memory.
//!
//! [`execute`] runs one action in a fresh runtime and context (no action sees another's
//! globals), within [`Limits`] (Lit's defaults), and returns what it set as its response and
//! what it logged. The sandbox follows Lit's: no code from strings (`eval`, `new Function` and
//! the function constructors reached through prototypes all throw, since the context is made
//! without the engine's eval; the action itself is compiled beforehand in a separate context),
//! no modules (actions are classic scripts), no file system.
//!
//! The Lit.Actions API is JavaScript in the prelude; what needs the node (signing, chain reads,
//! peers, HTTP) goes to a [`Host`] the node implements, and the pure parts (encodings, hashes,
//! the secp256k1 and keccak256 of the vendored ethers 5.7.2, `jwt`) are answered by the engine.

mod cid;
mod engine;
mod ethers;
mod host;
mod jwt;

pub use cid::ipfs_cid_v0;
pub use engine::{execute, Action, ActionError, Limits, Outcome};
pub use host::{Host, NoHost};
