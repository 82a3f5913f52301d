//! PKP keys by hierarchical derivation from the network's root ECDSA keys, as Lit derives them.
//!
//! A PKP has no key generation of its own: its key id (e.g. `PKPNFT.mintNext`'s
//! `derivedKeyId`) is hashed to a secp256k1 scalar `d` (hash-to-field, `expand_message_xmd` with
//! SHA-256 and the DST [`HD_KEY_ID_DST`]), and the PKP's key is `sum_i d^i * Root_i` over the
//! root keys in order. With a single root key the SDK's wasm gives `d * Root_0` (not `Root_0`,
//! which the sum would give): followed here, so a one-root devnet still gives each key id its
//! own key and agrees with the SDK. The same polynomial applied to a node's shares of the root secrets gives
//! its share of the PKP's secret, so the network runs key generation once, for the roots.
//! [`derive_public_key`] gives the bytes the JS SDK's `computeHDPubKey` gives (the test vectors
//! are that function's output).
//!
//! ```
//! use k256::elliptic_curve::sec1::ToEncodedPoint;
//! use sigil_crypto::hd;
//!
//! let root_secrets = [k256::Scalar::from(7u64), k256::Scalar::from(11u64)];
//! let roots: Vec<k256::PublicKey> = root_secrets
//!     .iter()
//!     .map(|s| k256::PublicKey::from_secret_scalar(&k256::NonZeroScalar::new(*s).unwrap()))
//!     .collect();
//! let key_id = [0xab; 32];
//! let public = hd::derive_public_key(&key_id, &roots)?;
//! let secret = hd::derive_secret(&key_id, &root_secrets)?;
//! assert_eq!(k256::PublicKey::from_secret_scalar(&k256::NonZeroScalar::new(secret).unwrap()), public);
//! assert_eq!(public.to_encoded_point(false).len(), 65);
//! # Ok::<_, sigil_crypto::CryptoError>(())
//! ```

use crate::CryptoError;
use k256::elliptic_curve::hash2curve::{ExpandMsgXmd, GroupDigest};
use k256::{ProjectivePoint, PublicKey, Scalar, Secp256k1};
use sha2::Sha256;

/// The domain separation tag of the key id's hash to a scalar (Lit's, for secp256k1).
pub const HD_KEY_ID_DST: &[u8] = b"LIT_HD_KEY_ID_K256_XMD:SHA-256_SSWU_RO_NUL_";

/// The scalar `d` of a key id.
pub fn key_id_scalar(key_id: &[u8]) -> Result<Scalar, CryptoError> {
    Secp256k1::hash_to_scalar::<ExpandMsgXmd<Sha256>>(&[key_id], &[HD_KEY_ID_DST]).map_err(|_| {
        CryptoError::InvalidHdDerivation {
            reason: "key id does not hash to a scalar",
        }
    })
}

/// The public key of `key_id` under the root keys, in their order: `sum_i d^i * roots[i]`
/// (`d * roots[0]` for a single root).
pub fn derive_public_key(key_id: &[u8], roots: &[PublicKey]) -> Result<PublicKey, CryptoError> {
    let points: Vec<ProjectivePoint> = roots.iter().map(PublicKey::to_projective).collect();
    let derived = weighted_sum(key_id_scalar(key_id)?, &points, ProjectivePoint::IDENTITY)?;
    PublicKey::from_affine(derived.to_affine()).map_err(|_| CryptoError::InvalidHdDerivation {
        reason: "the derived key is the identity",
    })
}

/// The secret of `key_id` from the root secrets (or, applied to one node's shares of the root
/// secrets, that node's share of the derived secret): `sum_i d^i * roots[i]` (`d * roots[0]`
/// for a single root).
pub fn derive_secret(key_id: &[u8], roots: &[Scalar]) -> Result<Scalar, CryptoError> {
    let derived = weighted_sum(key_id_scalar(key_id)?, roots, Scalar::ZERO)?;
    if bool::from(derived.is_zero()) {
        return Err(CryptoError::InvalidHdDerivation {
            reason: "the derived secret is zero",
        });
    }
    Ok(derived)
}

/// Parses root keys as SEC1 bytes, compressed (33) or uncompressed (65), as the handshake's
/// `hdRootPubkeys` carry them in hex.
pub fn parse_root_keys<B: AsRef<[u8]>>(keys: &[B]) -> Result<Vec<PublicKey>, CryptoError> {
    keys.iter()
        .map(|key| {
            PublicKey::from_sec1_bytes(key.as_ref()).map_err(|_| CryptoError::InvalidHdDerivation {
                reason: "a root key is not a secp256k1 point",
            })
        })
        .collect()
}

/// `sum_i d^i * terms[i]` by Horner's rule from the last term; `d * terms[0]` for one term.
fn weighted_sum<T>(d: Scalar, terms: &[T], zero: T) -> Result<T, CryptoError>
where
    T: Copy + std::ops::Add<Output = T> + std::ops::Mul<Scalar, Output = T>,
{
    if terms.is_empty() {
        return Err(CryptoError::InvalidHdDerivation {
            reason: "no root keys",
        });
    }
    if let [only] = terms {
        return Ok(*only * d);
    }
    Ok(terms.iter().rev().fold(zero, |sum, term| sum * d + *term))
}
