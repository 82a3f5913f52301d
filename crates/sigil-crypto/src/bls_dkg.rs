//! Distributed generation of the BLS network key, so that no process ever holds it: Gennaro,
//! Jarecki, Krawczyk and Rabin's DKG over vsss-rs's Pedersen and Feldman VSS. Pure: the
//! messages are values; the node moves them between peers.
//!
//! Every member `i` (share id `i`, 1-based) deals a random secret: it sends member `j` the
//! secret share and blinder share `f_i(j), f'_i(j)`, publishing Pedersen commitments to both
//! polynomials; `j` checks its shares against them. Only then does each dealer publish the
//! Feldman commitments `g^{a_ik}`, which `j` checks against the same secret share. The network
//! key is the sum of every dealer's `g^{a_i0}` and member `j`'s key share the sum of the shares
//! it received: Lagrange interpolation of the shares at 0 gives the sum of the secrets, which
//! no one computes. Publishing the Feldman commitments only after the Pedersen round keeps a
//! late dealer from steering the key (the plain Feldman DKG's flaw).

use crate::bls::{KeyShare, KeyShareFile, NetworkPublicKey, KEY_SHARE_BYTES, PUBLIC_KEY_BYTES};
use crate::CryptoError;
use blsful::inner_types::{
    ExpandMsgXmd, Field, G1Projective, Group, GroupEncoding, PrimeField, Scalar,
};
use blsful::vsss_rs::{pedersen, FeldmanVerifierSet, PedersenResult, PedersenVerifierSet};
use rand_core::{CryptoRng, RngCore};
use zeroize::{Zeroize, Zeroizing};

/// The second generator of the Pedersen commitments: hashed to the curve, so no one knows its
/// discrete logarithm to the base generator (which would let a dealer open a commitment two
/// ways).
fn blinding_generator() -> G1Projective {
    G1Projective::hash::<ExpandMsgXmd<sha2::Sha256>>(
        b"sigil network key DKG",
        b"SIGIL-DKG-PEDERSEN-H-BLS12381G1_XMD:SHA-256_SSWU_RO_",
    )
}

/// Coefficient commitments of one dealer's polynomial(s): `threshold` G1 points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commitments(Vec<G1Projective>);

impl Commitments {
    /// Compressed points, concatenated.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0
            .iter()
            .flat_map(|point| point.to_bytes().as_ref().to_vec())
            .collect()
    }

    /// Reads `threshold` compressed points, refusing anything else and the identity.
    pub fn from_bytes(bytes: &[u8], threshold: usize) -> Result<Self, CryptoError> {
        if bytes.len() != threshold * PUBLIC_KEY_BYTES {
            return Err(dkg_refused("commitments of the wrong length"));
        }
        let points = bytes
            .chunks_exact(PUBLIC_KEY_BYTES)
            .map(|chunk| {
                let mut repr = <G1Projective as GroupEncoding>::Repr::default();
                repr.as_mut().copy_from_slice(chunk);
                Option::<G1Projective>::from(G1Projective::from_bytes(&repr))
                    .filter(|point| !bool::from(point.is_identity()))
                    .ok_or_else(|| dkg_refused("a commitment that is not a G1 point"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Commitments(points))
    }
}

/// What one dealer sends one member privately: its secret share and blinder share.
pub struct PrivateShares {
    share: [u8; KEY_SHARE_BYTES],
    blinder: [u8; KEY_SHARE_BYTES],
}

impl Drop for PrivateShares {
    fn drop(&mut self) {
        self.share.zeroize();
        self.blinder.zeroize();
    }
}

impl PrivateShares {
    /// `share ‖ blinder`, each `id ‖ scalar (little-endian)`: secret.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new([self.share.as_slice(), self.blinder.as_slice()].concat())
    }

    /// Reads [`PrivateShares::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        if bytes.len() != 2 * KEY_SHARE_BYTES {
            return Err(dkg_refused("private shares of the wrong length"));
        }
        let mut shares = PrivateShares {
            share: [0; KEY_SHARE_BYTES],
            blinder: [0; KEY_SHARE_BYTES],
        };
        shares.share.copy_from_slice(&bytes[..KEY_SHARE_BYTES]);
        shares.blinder.copy_from_slice(&bytes[KEY_SHARE_BYTES..]);
        Ok(shares)
    }

    fn id(&self) -> u8 {
        self.share[0]
    }

    fn scalar(&self) -> Result<Scalar, CryptoError> {
        let mut repr = <Scalar as PrimeField>::Repr::default();
        repr.as_mut().copy_from_slice(&self.share[1..]);
        Option::from(Scalar::from_repr(repr)).ok_or_else(|| dkg_refused("a share out of range"))
    }
}

/// One member's dealing: its polynomials' commitments and every member's private shares.
pub struct Dealing {
    threshold: usize,
    pedersen: Commitments,
    feldman: Commitments,
    shares: Vec<PrivateShares>,
}

impl Dealing {
    /// Deals a fresh random secret to members `1..=total`.
    pub fn new<R: RngCore + CryptoRng>(
        threshold: usize,
        total: usize,
        rng: &mut R,
    ) -> Result<Dealing, CryptoError> {
        if threshold < 2 || threshold > total || total > 255 {
            return Err(CryptoError::InvalidThreshold { threshold, total });
        }
        let mut secret = Scalar::random(&mut *rng);
        let dealt = pedersen::split_secret::<G1Projective, u8, [u8; KEY_SHARE_BYTES]>(
            threshold,
            total,
            secret,
            None,
            None,
            Some(blinding_generator()),
            &mut *rng,
        );
        secret.zeroize();
        let dealt = dealt.map_err(|_| CryptoError::Bls {
            operation: "deal a DKG contribution",
        })?;
        let pedersen = Commitments(dealt.pedersen_verifier_set().blind_verifiers().to_vec());
        let feldman = Commitments(dealt.feldman_verifier_set().verifiers().to_vec());
        let shares = dealt
            .secret_shares()
            .iter()
            .zip(dealt.blinder_shares())
            .map(|(share, blinder)| PrivateShares {
                share: *share,
                blinder: *blinder,
            })
            .collect();
        Ok(Dealing {
            threshold,
            pedersen,
            feldman,
            shares,
        })
    }

    /// The shares for member `id` (1-based).
    pub fn shares_for(&self, id: u8) -> Option<&PrivateShares> {
        self.shares.iter().find(|shares| shares.id() == id)
    }

    /// Published first: commitments to the secret and blinder polynomials together.
    pub fn pedersen_commitments(&self) -> &Commitments {
        &self.pedersen
    }

    /// Published once every member has checked its shares: commitments to the secret
    /// polynomial alone.
    pub fn feldman_commitments(&self) -> &Commitments {
        &self.feldman
    }

    /// Shares needed to use the key.
    pub fn threshold(&self) -> usize {
        self.threshold
    }
}

/// Checks the shares a dealer sent member `me` against its Pedersen commitments.
pub fn verify_private_shares(
    pedersen_commitments: &Commitments,
    shares: &PrivateShares,
    me: u8,
) -> Result<(), CryptoError> {
    if shares.id() != me || shares.blinder[0] != me {
        return Err(dkg_refused("shares addressed to another member"));
    }
    let set = <Vec<G1Projective> as PedersenVerifierSet<G1Projective>>::pedersen_set_with_generators_and_verifiers(
        G1Projective::generator(),
        blinding_generator(),
        &pedersen_commitments.0,
    );
    set.verify_share_and_blinder(&shares.share, &shares.blinder)
        .map_err(|_| dkg_refused("shares that do not match the dealer's commitments"))
}

/// Checks the Feldman commitments a dealer published against the share it sent earlier.
pub fn verify_feldman_commitments(
    feldman_commitments: &Commitments,
    shares: &PrivateShares,
) -> Result<(), CryptoError> {
    let set = <Vec<G1Projective> as FeldmanVerifierSet<G1Projective>>::feldman_set_with_generator_and_verifiers(
        G1Projective::generator(),
        &feldman_commitments.0,
    );
    set.verify_share(&shares.share)
        .map_err(|_| dkg_refused("Feldman commitments that do not match the dealer's share"))
}

/// Member `me`'s key share of the network key: the sum of the (checked) shares every dealer,
/// itself included, sent it; the network key is the sum of the dealers' constant terms.
pub fn combine(
    me: u8,
    threshold: u8,
    total: u8,
    received: &[(&PrivateShares, &Commitments)],
) -> Result<KeyShareFile, CryptoError> {
    if received.len() != usize::from(total) {
        return Err(dkg_refused("a dealing missing from the combination"));
    }
    let mut secret = Scalar::ZERO;
    let mut public = G1Projective::identity();
    for (shares, feldman) in received {
        if shares.id() != me {
            return Err(dkg_refused("shares addressed to another member"));
        }
        secret += shares.scalar()?;
        public += feldman
            .0
            .first()
            .ok_or_else(|| dkg_refused("empty commitments"))?;
    }
    let mut bytes = Zeroizing::new([0u8; KEY_SHARE_BYTES]);
    bytes[0] = me;
    bytes[1..].copy_from_slice(secret.to_repr().as_ref());
    secret.zeroize();
    let mut public_bytes = [0u8; PUBLIC_KEY_BYTES];
    public_bytes.copy_from_slice(public.to_bytes().as_ref());
    Ok(KeyShareFile {
        network_public_key: NetworkPublicKey::from_bytes(&public_bytes)?,
        threshold,
        total,
        key_share: KeyShare::from_bytes(&bytes)?,
    })
}

fn dkg_refused(reason: &'static str) -> CryptoError {
    CryptoError::InvalidKeyShareFile { reason }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::rand_core::SeedableRng;

    /// Runs the whole DKG in memory among `total` members.
    fn run(threshold: usize, total: usize) -> Result<Vec<KeyShareFile>, CryptoError> {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(7);
        let dealings = (0..total)
            .map(|_| Dealing::new(threshold, total, &mut rng))
            .collect::<Result<Vec<_>, _>>()?;
        (1..=total)
            .map(|member| {
                let me = u8::try_from(member).map_err(|_| dkg_refused("too many"))?;
                let received = dealings
                    .iter()
                    .map(|dealing| {
                        let shares = dealing.shares_for(me).ok_or(dkg_refused("missing"))?;
                        // Through bytes, as between nodes.
                        let shares = PrivateShares::from_bytes(&shares.to_bytes())?;
                        let pedersen = Commitments::from_bytes(
                            &dealing.pedersen_commitments().to_bytes(),
                            threshold,
                        )?;
                        verify_private_shares(&pedersen, &shares, me)?;
                        verify_feldman_commitments(dealing.feldman_commitments(), &shares)?;
                        Ok((shares, dealing.feldman_commitments().clone()))
                    })
                    .collect::<Result<Vec<_>, CryptoError>>()?;
                let refs: Vec<_> = received.iter().map(|(s, c)| (s, c)).collect();
                combine(
                    me,
                    u8::try_from(threshold).unwrap_or(0),
                    u8::try_from(total).unwrap_or(0),
                    &refs,
                )
            })
            .collect()
    }

    #[test]
    fn every_threshold_of_members_signs_under_the_one_network_key() -> Result<(), CryptoError> {
        let files = run(2, 3)?;
        let key = files[0].network_public_key;
        assert!(files.iter().all(|file| file.network_public_key == key));
        // Any two members' signature shares combine to a signature the network key verifies.
        let message = b"identity";
        for pair in [[0, 1], [1, 2], [0, 2]] {
            let shares: Vec<_> = pair
                .iter()
                .map(|&index| files[index].key_share.sign(message))
                .collect();
            let signature = crate::bls::combine(&shares)?;
            key.verify(message, &signature)?;
        }
        // One share alone does not.
        let lone = crate::bls::combine(&[files[0].key_share.sign(message)]);
        assert!(lone.map_or(true, |signature| key.verify(message, &signature).is_err()));
        Ok(())
    }

    #[test]
    fn a_share_that_does_not_match_its_commitments_is_refused() -> Result<(), CryptoError> {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(9);
        let dealing = Dealing::new(2, 3, &mut rng)?;
        let other = Dealing::new(2, 3, &mut rng)?;
        let shares = dealing.shares_for(2).ok_or(dkg_refused("missing"))?;
        assert!(verify_private_shares(dealing.pedersen_commitments(), shares, 2).is_ok());
        // Addressed to another member, checked against another dealer's commitments.
        assert!(verify_private_shares(dealing.pedersen_commitments(), shares, 3).is_err());
        assert!(verify_private_shares(other.pedersen_commitments(), shares, 2).is_err());
        assert!(verify_feldman_commitments(other.feldman_commitments(), shares).is_err());
        // A tampered share.
        let mut bytes = shares.to_bytes();
        bytes[5] ^= 1;
        let tampered = PrivateShares::from_bytes(&bytes)?;
        assert!(verify_private_shares(dealing.pedersen_commitments(), &tampered, 2).is_err());
        // Malformed commitments.
        assert!(Commitments::from_bytes(&[0; 96], 2).is_err());
        assert!(Commitments::from_bytes(&dealing.feldman_commitments().to_bytes(), 3).is_err());
        Ok(())
    }
}
