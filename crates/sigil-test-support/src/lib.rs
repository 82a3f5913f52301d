//! Fixtures shared by Sigil's tests, so each test crate uses one copy instead of its own.
//!
//! - [`mutation`]: proptest strategies that edit valid text and JSON into hostile input.
//! - [`secrets`]: the forms a secret could be printed in, and scans of text for them.
//! - [`vectors`]: the reference vectors of `tests/vectors`, parsed.
//! - [`session`]: a wallet, a session key, a fixed clock and valid session sigs made from them.

#![deny(missing_docs)]

pub mod anvil;
pub mod mutation;
pub mod secrets;
pub mod session;
pub mod vectors;
