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
use k256::elliptic_curve::PrimeField;
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

// ---------------------------------------------------------------------------------------------
// Root keys and their shares

/// How many root ECDSA keys a network derives PKP keys from (Lit's Datil nodes make 10).
pub const ROOT_KEY_COUNT: usize = 10;

/// Bytes of one share as `vsss-rs` writes it: the share id, then the 32-byte big-endian scalar.
const SHARE_BYTES: usize = 33;

/// One node's shares of the network's root ECDSA secrets, with the root public keys.
///
/// JSON form (`to_json` / `from_json`): `{"scheme":"K256","threshold":2,"total":3,"index":1,
/// "rootPublicKeys":["<66 hex: compressed>", ...],"rootKeyShares":["<64 hex>", ...],
/// "roster":["<64 hex>", ...]}`, one share per root key, in the roots' order; the roster lists
/// the share holders' peer identity keys by share id (share id `i` is `roster[i - 1]`), empty for
/// shares dealt without one. Zeroized on drop; `Debug` shows no secret.
#[derive(Clone)]
pub struct RootKeyShares {
    /// Shares needed to sign.
    pub threshold: u8,
    /// Shares made.
    pub total: u8,
    /// This node's share id (1..=total).
    pub index: u8,
    /// The root public keys, in order.
    pub root_public_keys: Vec<PublicKey>,
    /// The share holders' peer identity keys (ed25519), by share id - 1.
    pub roster: Vec<[u8; 32]>,
    shares: Vec<Scalar>,
}

impl Drop for RootKeyShares {
    fn drop(&mut self) {
        for share in &mut self.shares {
            *share = Scalar::ZERO;
        }
    }
}

impl std::fmt::Debug for RootKeyShares {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RootKeyShares")
            .field("threshold", &self.threshold)
            .field("total", &self.total)
            .field("index", &self.index)
            .field("roots", &self.root_public_keys.len())
            .field("shares", &"<redacted>")
            .finish()
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RootKeySharesJson {
    scheme: String,
    threshold: u8,
    total: u8,
    index: u8,
    root_public_keys: Vec<String>,
    root_key_shares: Vec<String>,
    #[serde(default)]
    roster: Vec<String>,
}

impl Drop for RootKeySharesJson {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.root_key_shares.zeroize();
    }
}

const ROOT_KEY_SHARES_SCHEME: &str = "K256";

impl RootKeyShares {
    /// One holder's shares of root keys made by a distributed key generation among `roster`
    /// (share id `index` is `roster[index - 1]`), checking that the parts agree as
    /// [`RootKeyShares::from_json`] does.
    pub fn new(
        threshold: u8,
        index: u8,
        root_public_keys: Vec<PublicKey>,
        shares: Vec<Scalar>,
        roster: Vec<[u8; 32]>,
    ) -> Result<Self, CryptoError> {
        let total = u8::try_from(roster.len()).map_err(|_| CryptoError::InvalidThreshold {
            threshold: usize::from(threshold),
            total: roster.len(),
        })?;
        let shares = RootKeyShares {
            threshold,
            total,
            index,
            root_public_keys,
            roster,
            shares,
        };
        shares.check()?;
        Ok(shares)
    }

    /// This holder's share of root key `root` (in the roots' order).
    pub fn root_share(&self, root: usize) -> Option<Scalar> {
        self.shares.get(root).copied()
    }

    fn check(&self) -> Result<(), CryptoError> {
        let bad = |reason: &'static str| CryptoError::InvalidHdDerivation { reason };
        if self.threshold < 2
            || self.threshold > self.total
            || self.index == 0
            || self.index > self.total
        {
            return Err(bad("root key shares threshold, total and index disagree"));
        }
        if self.root_public_keys.is_empty() || self.root_public_keys.len() != self.shares.len() {
            return Err(bad("root key shares: not one share per root key"));
        }
        if self.shares.iter().any(|share| bool::from(share.is_zero())) {
            return Err(bad("a share is not a non-zero scalar"));
        }
        Ok(())
    }

    /// The root public keys as the handshake's `hdRootPubkeys` carries them: compressed SEC1,
    /// lowercase hex, no `0x` (as Lit's node prints the keys it reads from the chain).
    pub fn root_public_keys_hex(&self) -> Vec<String> {
        self.root_public_keys.iter().map(compressed_hex).collect()
    }

    /// This node's share of the secret of `key_id`'s derived key.
    pub fn derive_secret_share(&self, key_id: &[u8]) -> Result<Scalar, CryptoError> {
        derive_secret(key_id, &self.shares)
    }

    /// The file's JSON text: contains the secret shares, zeroized when dropped.
    pub fn to_json(&self) -> zeroize::Zeroizing<String> {
        let file = RootKeySharesJson {
            scheme: ROOT_KEY_SHARES_SCHEME.to_owned(),
            threshold: self.threshold,
            total: self.total,
            index: self.index,
            root_public_keys: self.root_public_keys_hex(),
            root_key_shares: self
                .shares
                .iter()
                .map(|s| hex::encode(s.to_bytes()))
                .collect(),
            roster: self.roster.iter().map(hex::encode).collect(),
        };
        // A struct of strings and integers always serializes.
        zeroize::Zeroizing::new(serde_json::to_string_pretty(&file).unwrap_or_default())
    }

    /// Parses [`RootKeyShares::to_json`], checking its parts agree (scheme, one share per root,
    /// index within total, threshold at least 2, every key on the curve, no zero share).
    pub fn from_json(text: &str) -> Result<Self, CryptoError> {
        let bad = |reason: &'static str| CryptoError::InvalidHdDerivation { reason };
        let file: RootKeySharesJson =
            serde_json::from_str(text).map_err(|_| bad("not the root key shares JSON shape"))?;
        if file.scheme != ROOT_KEY_SHARES_SCHEME {
            return Err(bad("root key shares scheme is not K256"));
        }
        if file.threshold < 2
            || file.threshold > file.total
            || file.index == 0
            || file.index > file.total
        {
            return Err(bad("root key shares threshold, total and index disagree"));
        }
        if file.root_public_keys.is_empty()
            || file.root_public_keys.len() != file.root_key_shares.len()
        {
            return Err(bad("root key shares: not one share per root key"));
        }
        let keys: Vec<Vec<u8>> = file
            .root_public_keys
            .iter()
            .map(|k| hex::decode(k).map_err(|_| bad("a root key is not hex")))
            .collect::<Result<_, _>>()?;
        let root_public_keys = parse_root_keys(&keys)?;
        let shares = file
            .root_key_shares
            .iter()
            .map(|s| {
                let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
                hex::decode_to_slice(s, &mut bytes[..])
                    .map_err(|_| bad("a share is not 64 hex"))?;
                Option::<k256::NonZeroScalar>::from(k256::NonZeroScalar::from_repr((*bytes).into()))
                    .map(|s| *s)
                    .ok_or(bad("a share is not a non-zero scalar"))
            })
            .collect::<Result<_, _>>()?;
        let roster = file
            .roster
            .iter()
            .map(|key| {
                let mut bytes = [0u8; 32];
                hex::decode_to_slice(key, &mut bytes)
                    .map_err(|_| bad("a roster key is not 64 hex"))?;
                Ok(bytes)
            })
            .collect::<Result<Vec<_>, CryptoError>>()?;
        if !roster.is_empty() && roster.len() != usize::from(file.total) {
            return Err(bad("root key shares: the roster is not one key per share"));
        }
        Ok(RootKeyShares {
            threshold: file.threshold,
            total: file.total,
            index: file.index,
            root_public_keys,
            roster,
            shares,
        })
    }
}

/// Makes `count` random root ECDSA keys and splits each `threshold`-of-`total` (Shamir, share
/// ids 1..=total): for tests and vectors (a network's nodes generate their roots together).
/// Returns the root public keys and one [`RootKeyShares`] per node; the secrets are dropped.
pub fn deal_root_keys<R: rand_core::RngCore + rand_core::CryptoRng>(
    count: usize,
    threshold: usize,
    total: usize,
    rng: &mut R,
) -> Result<(Vec<PublicKey>, Vec<RootKeyShares>), CryptoError> {
    if count == 0 {
        return Err(CryptoError::InvalidHdDerivation {
            reason: "no root keys",
        });
    }
    let (threshold_byte, total_byte) = match (u8::try_from(threshold), u8::try_from(total)) {
        (Ok(t), Ok(n)) if t >= 2 && t <= n => (t, n),
        _ => return Err(CryptoError::InvalidThreshold { threshold, total }),
    };
    let mut roots = Vec::with_capacity(count);
    let mut per_node: Vec<Vec<Scalar>> = vec![Vec::with_capacity(count); total];
    for _ in 0..count {
        let secret = *k256::NonZeroScalar::random(&mut *rng);
        roots.push(
            PublicKey::from_affine((ProjectivePoint::GENERATOR * secret).to_affine()).map_err(
                |_| CryptoError::InvalidHdDerivation {
                    reason: "a dealt root key is the identity",
                },
            )?,
        );
        let shares: Vec<[u8; SHARE_BYTES]> =
            vsss_rs::shamir::split_secret::<Scalar, u8, [u8; SHARE_BYTES]>(
                threshold, total, secret, &mut *rng,
            )
            .map_err(|_| CryptoError::InvalidHdDerivation {
                reason: "splitting a root key failed",
            })?;
        for ((node, share), id) in per_node.iter_mut().zip(&shares).zip(1u8..) {
            // Node i holds the share with id i + 1, as the BLS key's shares are numbered.
            if share[0] != id {
                return Err(CryptoError::InvalidHdDerivation {
                    reason: "dealt shares are not numbered 1..=total",
                });
            }
            node.push(scalar_of_share(share)?);
        }
    }
    let files = per_node
        .into_iter()
        .zip(1u8..)
        .map(|(shares, index)| RootKeyShares {
            threshold: threshold_byte,
            total: total_byte,
            index,
            root_public_keys: roots.clone(),
            roster: Vec::new(),
            shares,
        })
        .collect();
    Ok((roots, files))
}

/// Combines `threshold` nodes' shares of one secret (e.g. each node's
/// [`RootKeyShares::derive_secret_share`] for one key id), as `(share id, share)` pairs.
pub fn combine_secret_shares(shares: &[(u8, Scalar)]) -> Result<Scalar, CryptoError> {
    let encoded: Vec<[u8; SHARE_BYTES]> = shares
        .iter()
        .map(|(id, scalar)| {
            let mut bytes = [0u8; SHARE_BYTES];
            bytes[0] = *id;
            bytes[1..].copy_from_slice(&scalar.to_bytes());
            bytes
        })
        .collect();
    vsss_rs::combine_shares::<Scalar, u8, [u8; SHARE_BYTES]>(&encoded).map_err(|_| {
        CryptoError::InvalidHdDerivation {
            reason: "the shares do not combine",
        }
    })
}

fn scalar_of_share(share: &[u8; SHARE_BYTES]) -> Result<Scalar, CryptoError> {
    let mut bytes = [0u8; 32];
    bytes.copy_from_slice(&share[1..]);
    Option::from(Scalar::from_repr(bytes.into())).ok_or(CryptoError::InvalidHdDerivation {
        reason: "a dealt share is not a scalar",
    })
}

fn compressed_hex(key: &PublicKey) -> String {
    use k256::elliptic_curve::sec1::ToEncodedPoint;
    hex::encode(key.to_encoded_point(true).as_bytes())
}
