//! Lit Protocol session signatures, byte-compatible with the Lit JS SDK v7 ("Datil"), and their
//! node-side verification. Pure: no I/O, no async, no clock (the current time is a parameter).
//!
//! # Making a session (client side)
//!
//! - [`ResourceAbilityRequest`]s say what the session may do ([`LitResource`], [`LitAbility`]).
//! - The wallet signs a SIWE ([EIP-4361](https://eips.ethereum.org/EIPS/eip-4361)) message carrying
//!   them as a ReCap ([ERC-5573](https://eips.ethereum.org/EIPS/eip-5573)):
//!   [`siwe::create_siwe_message`], then [`generate_auth_sig`].
//! - A [`SessionKeyPair`] signs the JS SDK's JSON template once per node: [`sign_session_sigs`]
//!   gives [`SessionSigs`], keyed by node URL.
//! - Capacity credits are delegated with [`create_capacity_delegation_auth_sig`].
//!
//! # Checking a session (node side)
//!
//! [`verify_session_sig`] (or a [`Verifier`]) runs a Lit node's checks in its order and returns
//! the [`AuthContext`]; every failure is one [`AuthError`] variant with its Lit `errorCode`,
//! `errorKind` and HTTP status. A [`CapabilityCache`] spares repeated wallet-signature recovery.
//!
//! ```
//! use sigil_auth::*;
//! use alloy_signer_local::PrivateKeySigner;
//! use time::macros::datetime;
//!
//! let wallet = PrivateKeySigner::random();
//! let key = SessionKeyPair::from_seed([1u8; 32]);
//! let now = datetime!(2025-01-01 00:00 UTC);
//! let request = ResourceAbilityRequest::new(
//!     LitResource::wildcard(ResourcePrefix::AccessControlCondition),
//!     LitAbility::AccessControlConditionDecryption,
//! )?;
//! let siwe = siwe::SiweMessageParams::new(wallet.address(), "0x8e2e8d2a1d3f4c5b")
//!     .with_uri(key.uri())
//!     .with_resources(vec![request.clone()]);
//! let auth_sig = generate_auth_sig(&wallet, &siwe::create_siwe_message(&siwe, now)?)?;
//! let sigs = sign_session_sigs(
//!     &key,
//!     &SessionSigningParams {
//!         resource_ability_requests: vec![request],
//!         capabilities: vec![auth_sig],
//!         issued_at: now,
//!         expiration: now + time::Duration::days(1),
//!     },
//!     &["http://127.0.0.1:7470", "http://127.0.0.1:7471"],
//! )?;
//!
//! let verifier = Verifier::new("127.0.0.1:7471", 1024);
//! let item = LitResource::parse("lit-accesscontrolcondition://aa/bb")?;
//! let context = verifier.verify(
//!     sigs.get("http://127.0.0.1:7471").unwrap(),
//!     &item,
//!     LitAbility::AccessControlConditionDecryption,
//!     now,
//! )?;
//! assert_eq!(context.user_address, wallet.address());
//! # Ok::<_, sigil_auth::Error>(())
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod auth_material;
mod auth_sig;
pub mod chain_sigs;
mod error;
pub mod pkp_session;
pub mod recap;
mod resource;
mod session;
pub mod siwe;
mod timefmt;
mod verify;

pub use auth_material::{
    prepare_contract_auth_sig, verify_wallet_auth_sig, AuthMaterialKind, ContractSigCheck,
    WalletAuth,
};
pub use auth_sig::{
    create_capacity_delegation_auth_sig, generate_auth_sig, parse_address_loose, AuthSig,
    CapacityDelegationParams, ALGO_ED25519, DERIVED_VIA_SESSION, DERIVED_VIA_WALLET,
    SIWE_DELEGATION_URI,
};
pub use chain_sigs::{verify_cosmos_auth_sig, verify_solana_auth_sig, WalletChain};
pub use error::{AuthError, CapabilityRejection, RecapError};
pub use recap::Recap;
pub use resource::{
    truncate_for_error, LitAbility, LitResource, ResourceAbilityRequest, ResourcePrefix,
};
pub use session::{
    sign_session_sigs, RequestedResource, RequestedResourceId, SessionKeyPair,
    SessionKeySignedMessage, SessionSigningParams, SessionSigs, SESSION_KEY_URI_PREFIX,
};
/// The network's BLS public key, which verifies PKP sessions.
pub use sigil_crypto::bls::NetworkPublicKey;
pub use siwe::{
    create_siwe_message, verify_eip191, verify_eip191_bytes, SiweMessage, SiweMessageParams,
};
pub use timefmt::{parse_rfc3339, to_js_iso_string};
pub use verify::{
    is_recap_resource, network_session_digest, verify_looked_up_session_sig,
    verify_network_capability, verify_session_sig, AuthContext, AuthMethodContext, CapabilityCache,
    CapacityDelegation, NetworkCapability, ResolvedAuthContext, SessionLookup, VerificationRequest,
    Verifier, ALGO_NETWORK, DERIVED_VIA_NETWORK, GRACE_PERIOD, MAX_CAPABILITIES,
    MAX_SESSION_VALIDITY, RESOLVED_AUTH_CONTEXT_RESOURCE,
};

/// The RNG traits [`SessionKeyPair::generate`] and [`siwe::random_nonce`] take (`rand_core::OsRng`
/// is the operating system's generator).
pub use rand_core;

/// The crate's error type (an alias of [`AuthError`]).
pub type Error = AuthError;
