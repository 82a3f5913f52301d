//! Wallet AuthSigs of Solana and Cosmos chains, checked as Lit's nodes check them. The chain a
//! request names says which check applies (not the AuthSig's `derivedVia`, which Lit's nodes do
//! not read for these): a Solana wallet's ed25519 signature, or a Cosmos wallet's ADR-36
//! `signArbitrary` signature.
//!
//! Neither message is a SIWE message and neither has times: Lit's nodes check only that the
//! signature is the address's, over the `signedMessage` as given.

use alloy_primitives::{B256, U256};
use base64::Engine as _;
use bech32::{Bech32, Hrp};
use ed25519_dalek::{Signature, VerifyingKey};
use ripemd::Ripemd160;
use sha2::{Digest as _, Sha256};

use crate::auth_sig::AuthSig;
use crate::error::AuthError;
use crate::resource::truncate_for_error;

/// How a wallet AuthSig is checked on a chain, by its Lit name (Lit's dispatch: names it does not
/// list are EVM chains).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WalletChain {
    /// An EVM chain: an EIP-191 signature of a SIWE message.
    Evm,
    /// Solana (`solana`, `solanaDevnet`, `solanaTestnet`): an ed25519 signature.
    Solana,
    /// A Cosmos SDK chain: an ADR-36 signature, its address with this bech32 prefix.
    Cosmos {
        /// The address prefix (`cosmos`, `kyve`, `cheqd`, `juno`).
        prefix: &'static str,
    },
}

impl WalletChain {
    /// The check for the chain named `chain` (none: an EVM chain).
    pub fn of(chain: Option<&str>) -> WalletChain {
        match chain.unwrap_or_default() {
            "solana" | "solanaDevnet" | "solanaTestnet" => WalletChain::Solana,
            "cosmos" => WalletChain::Cosmos { prefix: "cosmos" },
            "kyve" => WalletChain::Cosmos { prefix: "kyve" },
            "cheqd" | "cheqdMainnet" | "cheqdTestnet" => WalletChain::Cosmos { prefix: "cheqd" },
            "juno" => WalletChain::Cosmos { prefix: "juno" },
            _ => WalletChain::Evm,
        }
    }

    /// The kind of chain in words, for errors ("Solana", "Cosmos").
    pub fn kind(self) -> &'static str {
        match self {
            WalletChain::Evm => "EVM",
            WalletChain::Solana => "Solana",
            WalletChain::Cosmos { .. } => "Cosmos",
        }
    }
}

/// A Solana wallet's AuthSig (the JS SDK's `solana.signMessage`): `address` is the base58
/// ed25519 public key, `sig` its signature of the UTF-8 bytes of `signedMessage` as 128 hex
/// characters, checked with `verify_strict`. Returns the address.
///
/// Lit's codes: an address that is not base58 `NodeAuthSigAddressConversionError`, not a key
/// `NodeAuthSigSessionKeyConversionError`; a signature that is not 64 bytes of hex
/// `NodeInvalidED25519AuthSig`; one that does not verify `NodeInvalidAuthSig`.
pub fn verify_solana_auth_sig(auth_sig: &AuthSig) -> Result<String, AuthError> {
    let key_bytes = bs58::decode(&auth_sig.address).into_vec().map_err(|_| {
        AuthError::WalletAddressEncoding {
            address: truncate_for_error(&auth_sig.address),
        }
    })?;
    let key_bytes: [u8; 32] = key_bytes
        .try_into()
        .map_err(|_| AuthError::InvalidSessionKey {
            reason: "a Solana address is a 32-byte ed25519 public key",
        })?;
    let key = VerifyingKey::from_bytes(&key_bytes).map_err(|_| AuthError::InvalidSessionKey {
        reason: "the Solana address is not an ed25519 public key",
    })?;
    let mut signature = [0u8; 64];
    hex::decode_to_slice(&auth_sig.sig, &mut signature).map_err(|_| {
        AuthError::Ed25519SigEncoding {
            reason: "a Solana AuthSig's sig is 128 hex characters (64 bytes)".to_owned(),
        }
    })?;
    key.verify_strict(
        auth_sig.signed_message.as_bytes(),
        &Signature::from_bytes(&signature),
    )
    .map_err(|_| AuthError::InvalidWalletSig {
        reason: "Signature is not valid".to_owned(),
    })?;
    Ok(auth_sig.address.clone())
}

/// A Cosmos wallet's AuthSig (the JS SDK's `cosmos.signArbitrary`, ADR-36): `signedMessage` is
/// the hex SHA-256 of the amino sign doc, `sig` the wallet's secp256k1 signature of that digest
/// (r‖s, standard base64), and `address` the bech32 (`prefix`) of the RIPEMD-160 of the SHA-256
/// of the compressed public key the signature recovers to (libsecp256k1, either parity).
/// Returns the address.
///
/// As on Lit's nodes the sign doc itself is not rebuilt: the digest is what is signed. Lit's
/// codes: a sig that is not base64 `NodeInvalidAuthSig`, not 64 bytes
/// `NodeAuthSigSignatureConversionError`; a digest that is not hex
/// `NodeAuthSigSignedMessageConversionError`, not 32 bytes `NodeParserError`; no key that is
/// the address's `NodeInvalidAuthSig`.
pub fn verify_cosmos_auth_sig(auth_sig: &AuthSig, prefix: &str) -> Result<String, AuthError> {
    let invalid = |reason: &str| AuthError::InvalidWalletSig {
        reason: reason.to_owned(),
    };
    let signature = base64::engine::general_purpose::STANDARD
        .decode(&auth_sig.sig)
        .map_err(|_| invalid("Unable to decode base64"))?;
    let signature: [u8; 64] = signature
        .try_into()
        .map_err(|_| AuthError::WalletSigEncoding {
            reason: "a Cosmos AuthSig's sig is a 64-byte r‖s signature".to_owned(),
        })?;
    let digest =
        hex::decode(&auth_sig.signed_message).map_err(|_| AuthError::SignedMessageMalformed {
            reason: "a Cosmos AuthSig's signedMessage is the hex SHA-256 of its sign doc"
                .to_owned(),
        })?;
    if digest.len() != 32 {
        return Err(AuthError::InvalidInput {
            what: "signedMessage",
            reason: "a Cosmos AuthSig signs a 32-byte digest".to_owned(),
        });
    }
    let digest = B256::from_slice(&digest);
    let hrp = Hrp::parse(prefix).map_err(|_| invalid("invalid bech32 prefix"))?;
    let (r, s) = (
        U256::from_be_slice(&signature[..32]),
        U256::from_be_slice(&signature[32..]),
    );
    // Recovery ids 2 and 3 (an r beyond the group order) do not occur in practice; Lit's nodes
    // also try them, which can only accept more, never something these refuse.
    let signs_for_address = [false, true].into_iter().any(|parity| {
        alloy_primitives::Signature::new(r, s, parity)
            .recover_from_prehash_secp256k1(&digest)
            .ok()
            .and_then(|key| cosmos_address(&hrp, &key.serialize()))
            .is_some_and(|address| address == auth_sig.address)
    });
    if !signs_for_address {
        return Err(invalid("Signature is not valid"));
    }
    Ok(auth_sig.address.clone())
}

/// The bech32 address of a key: RIPEMD-160 of the SHA-256 of its compressed encoding.
fn cosmos_address(hrp: &Hrp, compressed_key: &[u8; 33]) -> Option<String> {
    let hash = <Ripemd160 as ripemd::Digest>::digest(Sha256::digest(compressed_key));
    bech32::encode::<Bech32>(*hrp, hash.as_slice()).ok()
}
