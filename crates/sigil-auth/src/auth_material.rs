//! Auth material a node may be given in place of a session sig, read as Lit's Datil nodes read
//! it, and the check of a bare wallet AuthSig.
//!
//! # Which endpoints take a bare AuthSig
//!
//! Lit's nodes take a wallet's own AuthSig (no session key) on their unversioned endpoints:
//! `/web/encryption/sign` (and its `/v1`, the same handler), `/web/pkp/sign` and
//! `/web/execute`. The versioned `/web/pkp/sign/v1` and `/web/execute/v1` take only session sigs
//! (`NodeCannotProvideAuthSigForEndpoint`), and `/web/sign_session_key/v1` takes wallets only as
//! auth methods. A bare AuthSig carries no ReCap: it grants every resource and ability, and what
//! the request may do is decided by the conditions or the PKP's permissions alone.

use alloy_primitives::{eip191_hash_message, Address, B256};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::auth_sig::{AuthSig, ALGO_ED25519, DERIVED_VIA_SESSION, SIWE_DELEGATION_URI};
use crate::error::AuthError;
use crate::pkp_session::check_siwe_times;
use crate::resource::truncate_for_error;
use crate::siwe::{parse_signature_hex, verify_eip191_bytes, SiweMessage};
use crate::verify::{ALGO_NETWORK, DERIVED_VIA_NETWORK};

/// The start of a session key's SIWE URI, as Lit's nodes match it.
const SESSION_URI_SCHEME: &str = "lit:session";

/// `derivedVia` of a smart-contract wallet's signature checked with `isValidSignature` over the
/// EIP-191 hash of the message (EIP-1271).
pub const DERIVED_VIA_CONTRACT: &str = "EIP1271";
/// `derivedVia` of a smart-contract wallet's signature checked over the SHA-256 of the message.
pub const DERIVED_VIA_CONTRACT_SHA256: &str = "EIP1271_SHA256";

/// What an AuthSig is, by its `derivedVia` and `algo`, as Lit's nodes decide: anything that is
/// neither a session, a contract wallet's nor the network's signature is taken for a wallet's
/// (whose chain, not its `derivedVia`, then says how it is checked).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthMaterialKind {
    /// A session key's signature (`litSessionSignViaNacl`, `ed25519`).
    Session,
    /// A smart-contract wallet's signature (EIP-1271); `sha256` for `EIP1271_SHA256`.
    Contract {
        /// Whether the contract is asked about the SHA-256 of the message rather than its
        /// EIP-191 hash.
        sha256: bool,
    },
    /// The network's BLS signature of a PKP session (`lit.bls`, `LIT_BLS`).
    Network,
    /// A wallet's own signature.
    Wallet,
}

impl AuthMaterialKind {
    /// The kind of `auth_sig`.
    pub fn of(auth_sig: &AuthSig) -> Self {
        let algo = auth_sig.algo.as_deref();
        match auth_sig.derived_via.as_str() {
            DERIVED_VIA_SESSION if algo == Some(ALGO_ED25519) => AuthMaterialKind::Session,
            DERIVED_VIA_CONTRACT => AuthMaterialKind::Contract { sha256: false },
            DERIVED_VIA_CONTRACT_SHA256 => AuthMaterialKind::Contract { sha256: true },
            DERIVED_VIA_NETWORK if algo == Some(ALGO_NETWORK) => AuthMaterialKind::Network,
            _ => AuthMaterialKind::Wallet,
        }
    }
}

/// A bare wallet AuthSig that checked out: the wallet, and the SIWE message it signed.
#[derive(Clone, Debug)]
pub struct WalletAuth {
    /// The wallet: the signer, the SIWE address and the AuthSig's `address` at once.
    pub address: Address,
    /// What it signed.
    pub siwe: SiweMessage,
}

/// Checks a bare wallet AuthSig as Lit's nodes do, in their order, at `now`:
///
/// 1. `sig` is 65 bytes of hex (else `NodeAuthSigSignatureConversionError`) and `address` 20
///    (any case; else `NodeAuthSigAddressConversionError`);
/// 2. the signature is `address`'s EIP-191 signature of `signedMessage`;
/// 3. `signedMessage` is a SIWE message in canonical form, whose URI is not a session key's or a
///    delegation's (those are capabilities, not sign-ins);
/// 4. its times: an expiration, Lit's grace and 30-day rules (`Not Before` is not read);
/// 5. its address is `address`.
///
/// Failures of 2, 3 and 5 are `NodeInvalidAuthSig`.
pub fn verify_wallet_auth_sig(
    auth_sig: &AuthSig,
    now: OffsetDateTime,
) -> Result<WalletAuth, AuthError> {
    let signature =
        parse_signature_hex(&auth_sig.sig).map_err(|_| AuthError::WalletSigEncoding {
            reason: "Error parsing the signature: expected 65 bytes of hex".to_owned(),
        })?;
    let address = crate::parse_address_loose(&auth_sig.address).ok_or_else(|| {
        AuthError::WalletAddressEncoding {
            address: truncate_for_error(&auth_sig.address),
        }
    })?;
    verify_eip191_bytes(auth_sig.signed_message.as_bytes(), &signature, address)
        .map_err(|_| invalid("Invalid signature verification"))?;
    let siwe = check_sign_in(&auth_sig.signed_message, now)?;
    if siwe.address() != address {
        return Err(invalid(
            "Recovered address does not match presented address",
        ));
    }
    Ok(WalletAuth { address, siwe })
}

/// A contract wallet's AuthSig, checked as far as it can be without the chain: what its
/// contract's `isValidSignature(bytes32, bytes)` must answer `0x1626ba7e` to.
#[derive(Clone, Debug)]
pub struct ContractSigCheck {
    /// The wallet contract (the AuthSig's `address`): the user once it vouches.
    pub contract: Address,
    /// The hash it is asked about.
    pub hash: B256,
    /// The signature, as given.
    pub signature: Vec<u8>,
    /// What was signed.
    pub siwe: SiweMessage,
}

/// The chain-free part of a contract wallet's AuthSig, as Lit's nodes check it, in their order:
/// its SIWE message as for a wallet's (canonical form, no session's or delegation's URI, Lit's
/// times), its `address` (20 bytes of hex, else `NodeAuthSigAddressConversionError`) and its
/// signature's hex (an odd length read with a leading zero, as Lit reads it). The contract is
/// then asked about the EIP-191 hash of the message (`EIP1271`), or with `sha256` its SHA-256
/// (`EIP1271_SHA256`). The SIWE address is not compared with the contract, as on Lit's nodes:
/// the contract alone vouches for the signature.
pub fn prepare_contract_auth_sig(
    auth_sig: &AuthSig,
    sha256: bool,
    now: OffsetDateTime,
) -> Result<ContractSigCheck, AuthError> {
    let siwe = check_sign_in(&auth_sig.signed_message, now)?;
    let contract = crate::parse_address_loose(&auth_sig.address).ok_or_else(|| {
        AuthError::WalletAddressEncoding {
            address: truncate_for_error(&auth_sig.address),
        }
    })?;
    let hex_digits = auth_sig.sig.strip_prefix("0x").unwrap_or(&auth_sig.sig);
    let padded = if hex_digits.len() % 2 == 1 {
        format!("0{hex_digits}")
    } else {
        hex_digits.to_owned()
    };
    let signature =
        hex::decode(padded).map_err(|_| invalid("the contract wallet's signature is not hex"))?;
    let hash = if sha256 {
        B256::from(<[u8; 32]>::from(Sha256::digest(
            auth_sig.signed_message.as_bytes(),
        )))
    } else {
        eip191_hash_message(auth_sig.signed_message.as_bytes())
    };
    Ok(ContractSigCheck {
        contract,
        hash,
        signature,
        siwe,
    })
}

/// A sign-in's SIWE message as Lit's nodes take it from a wallet: canonical, not a session's or a
/// delegation's, within Lit's times.
fn check_sign_in(signed_message: &str, now: OffsetDateTime) -> Result<SiweMessage, AuthError> {
    let siwe: SiweMessage = signed_message
        .parse()
        .map_err(|error: AuthError| invalid(&format!("Parse error on SIWE: {error}")))?;
    let uri = siwe.uri();
    // Lit matches `lit:session` without its colon.
    if uri.starts_with(SESSION_URI_SCHEME) || uri.starts_with(SIWE_DELEGATION_URI) {
        return Err(invalid(&format!(
            "Invalid URI for top level auth sig: {}",
            truncate_for_error(uri)
        )));
    }
    check_siwe_times(&siwe, now)?;
    Ok(siwe)
}

fn invalid(reason: &str) -> AuthError {
    AuthError::InvalidWalletSig {
        reason: reason.to_owned(),
    }
}
