//! Fixtures shared by the integration tests: the wallet and session key of
//! tests/vectors/session-sigs.json, a fixed clock, and the SIWE that wallet signs. They live in
//! sigil-test-support, so tests of other crates sign with the same ones.

pub use sigil_test_support::session::*;
