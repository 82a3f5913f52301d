//! Threshold BLS identity-based encryption and access control conditions, byte-compatible with
//! the Lit JS SDK v7.4.0 ("Datil").
//!
//! Lit encrypts to an identity, not to a key. The identity of an item is
//! `lit-accesscontrolcondition://<hashOfConditions>/<dataToEncryptHash>`; the ciphertext is
//! identity-based encryption under the network public key; its decryption key is the BLS
//! signature over the identity, which only a threshold of nodes can produce together, each node
//! signing only after the access control conditions hold for the requester.
//!
//! # Access control conditions
//!
//! [`conditions::ConditionSet`] parses the four kinds the SDK sends, hashes them exactly as the
//! SDK does ([`conditions::ConditionSet::hash_hex`]), builds the identity
//! ([`conditions::identity`]) and evaluates them for a user ([`conditions::ConditionSet::evaluate`]).
//!
//! # Threshold BLS
//!
//! [`bls_dkg`] generates a network key among its share holders, so no one holds it (what the
//! nodes run; [`bls::deal`] splits one key, for tests and vectors); [`bls`] signs identities with a share
//! ([`bls::KeyShare::sign`]), combines shares ([`bls::combine`]), verifies, encrypts
//! ([`bls::encrypt`], [`bls::encrypt_for_conditions`]) and decrypts ([`bls::decrypt`]).
//!
//! # PKP keys
//!
//! [`hd`] derives a PKP's public key (and a node's share of its secret) from the network's root
//! ECDSA keys and the PKP's key id, as Lit and the JS SDK derive them.
//!
//! The crate is pure: no I/O, no async, no clock. Errors are one type, [`CryptoError`], with the
//! Lit `errorCode` a node answers with ([`CryptoError::code`]).
#![deny(missing_docs)]

pub mod bls;
pub mod bls_dkg;
pub mod conditions;
pub mod ecdsa;
mod error;
pub mod hd;

pub use error::{ConditionError, CryptoError};
