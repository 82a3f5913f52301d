//! Combining the nodes' shares of a PKP's ECDSA signature, as the JS SDK v7's
//! `combineEcdsaShares` does: the signing set's additive shares of `s` are summed, `s` is made
//! low (flipping the recovery bit), `r` is the x-coordinate of the nonce point `R` every share
//! carries, and the result must verify under the PKP's key.
//!
//! ```
//! use k256::elliptic_curve::sec1::ToEncodedPoint;
//! use k256::elliptic_curve::{Field, PrimeField};
//! use sigil_crypto::ecdsa::combine_signature_shares;
//!
//! // A signature split into two additive shares of s.
//! let secret = k256::Scalar::from(7u64);
//! let nonce = k256::Scalar::from(11u64);
//! let digest = [3u8; 32];
//! let big_r = (k256::ProjectivePoint::GENERATOR * nonce).to_affine();
//! let r = <k256::Scalar as k256::elliptic_curve::ops::Reduce<k256::U256>>::reduce_bytes(
//!     &k256::elliptic_curve::point::AffineCoordinates::x(&big_r));
//! let z = <k256::Scalar as k256::elliptic_curve::ops::Reduce<k256::U256>>::reduce_bytes(&digest.into());
//! let s = nonce.invert().unwrap() * (z + r * secret);
//! let part = k256::Scalar::from(5u64);
//! let shares = [part.to_bytes().into(), (s - part).to_bytes().into()];
//! let public = (k256::ProjectivePoint::GENERATOR * secret).to_affine().to_encoded_point(false);
//! let big_r = big_r.to_encoded_point(true);
//! let combined = combine_signature_shares(big_r.as_bytes(), &shares, &digest, public.as_bytes())?;
//! assert!(!bool::from(k256::elliptic_curve::scalar::IsHigh::is_high(&*combined.signature.s())));
//! // One share short: no valid signature.
//! assert!(combine_signature_shares(big_r.as_bytes(), &shares[..1], &digest, public.as_bytes()).is_err());
//! # Ok::<_, sigil_crypto::CryptoError>(())
//! ```

use crate::CryptoError;
use k256::ecdsa::signature::hazmat::PrehashVerifier;
use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};
use k256::elliptic_curve::ops::Reduce;
use k256::elliptic_curve::point::AffineCoordinates;
use k256::elliptic_curve::scalar::IsHigh;
use k256::elliptic_curve::sec1::FromEncodedPoint;
use k256::elliptic_curve::PrimeField;
use k256::{AffinePoint, EncodedPoint, Scalar};

/// A combined, verified signature and its recovery id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CombinedSignature {
    /// `(r, s)`, `s` low.
    pub signature: Signature,
    /// The recovery id: whether `R.y` is odd (after the low-s flip).
    pub recovery_id: RecoveryId,
}

/// Sums the signing set's shares of `s` for nonce point `big_r` (SEC1 bytes), makes `s` low and
/// checks the signature of `digest` under `public_key` (SEC1 bytes) and that it recovers to it.
pub fn combine_signature_shares(
    big_r: &[u8],
    shares: &[[u8; 32]],
    digest: &[u8; 32],
    public_key: &[u8],
) -> Result<CombinedSignature, CryptoError> {
    let bad = |reason: &'static str| CryptoError::InvalidEcdsaShares { reason };
    if shares.is_empty() {
        return Err(bad("no shares"));
    }
    let point = EncodedPoint::from_bytes(big_r).map_err(|_| bad("R is not a SEC1 point"))?;
    let big_r = Option::<AffinePoint>::from(AffinePoint::from_encoded_point(&point))
        .ok_or(bad("R is not on the curve"))?;
    let mut s = Scalar::ZERO;
    for share in shares {
        s += Option::<Scalar>::from(Scalar::from_repr((*share).into()))
            .ok_or(bad("a share is not a scalar"))?;
    }
    let mut odd = bool::from(big_r.y_is_odd());
    if bool::from(s.is_high()) {
        s = -s;
        odd = !odd;
    }
    let r = <Scalar as Reduce<k256::U256>>::reduce_bytes(&big_r.x());
    let signature =
        Signature::from_scalars(r.to_bytes(), s.to_bytes()).map_err(|_| bad("r or s is zero"))?;
    let key = VerifyingKey::from_sec1_bytes(public_key).map_err(|_| bad("not a public key"))?;
    key.verify_prehash(digest, &signature)
        .map_err(|_| bad("the combined signature does not verify"))?;
    let recovery_id = RecoveryId::new(odd, false);
    match VerifyingKey::recover_from_prehash(digest, &signature, recovery_id) {
        Ok(recovered) if recovered == key => Ok(CombinedSignature {
            signature,
            recovery_id,
        }),
        _ => Err(bad("the signature does not recover to the key")),
    }
}
