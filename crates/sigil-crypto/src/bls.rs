//! Threshold BLS identity-based encryption, byte-compatible with the Lit JS SDK v7.4.0 wasm.
//!
//! Everything is `blsful` 2.5.7 with `Bls12381G2Impl` (public keys in G1, 48 bytes; signatures
//! in G2, 96 bytes) and the proof-of-possession scheme, the exact crate the SDK's
//! `blsEncrypt`/`blsCombine`/`blsVerify`/`blsDecrypt` were built from:
//!
//! - the network public key (`subnetPublicKey`) is 96 hex characters of a compressed G1 point;
//! - a ciphertext is `serde_bare(TimeCryptCiphertext)`, sent as standard base64;
//! - a node's signature share is `{"ProofOfPossession":"<194 hex>"}`: a 1-byte share id and the
//!   96-byte compressed G2 point `H(identity) * sk_i`;
//! - the decryption key of a ciphertext is the BLS signature over its identity, which t shares
//!   combine into by Lagrange interpolation.
//!
//! The curve arithmetic is blsful's `blst` backend (the C/assembly library, several times the
//! speed of its pure-Rust backend, which the SDK's wasm uses); both give the same bytes, and
//! the SDK's own outputs in the test vectors are what proves it for this build. blst is built
//! `portable`, choosing its ADX code at run time, so a binary runs on any x86-64.
//!
//! ```
//! use sigil_crypto::bls::{self, NetworkPublicKey};
//!
//! let (public_key, key_shares) = bls::deal(2, 3, &mut rand_core::OsRng)?;
//! let identity = b"lit-accesscontrolcondition://abc/def";
//! let ciphertext = bls::encrypt(&public_key, b"secret", identity)?;
//!
//! let shares: Vec<_> = key_shares.iter().skip(1).map(|k| k.sign(identity)).collect();
//! let signature = bls::combine(&shares)?;
//! public_key.verify(identity, &signature)?;
//! assert_eq!(bls::decrypt(&ciphertext, &signature)?, b"secret");
//! # Ok::<_, sigil_crypto::CryptoError>(())
//! ```

use crate::conditions::{self, ConditionSet};
use crate::CryptoError;
use base64::Engine as _;
use blsful::inner_types::{Field, G2Projective, Group, GroupEncoding, Scalar};
use blsful::vsss_rs::Share as _;
use blsful::{Bls12381G2Impl, SignatureSchemes};
use rand_core::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;
use zeroize::{Zeroize, Zeroizing};

type Scheme = Bls12381G2Impl;

/// Bytes of a compressed G1 network public key.
pub const PUBLIC_KEY_BYTES: usize = 48;
/// Bytes of a compressed G2 signature.
pub const SIGNATURE_BYTES: usize = 96;
/// Bytes of a signature share: share id, then a compressed G2 point.
pub const SIGNATURE_SHARE_BYTES: usize = 97;
/// Bytes of a secret key share: share id, then the scalar little-endian (vsss-rs 4 layout).
pub const KEY_SHARE_BYTES: usize = 33;
/// Bytes of a public key share: share id, then a compressed G1 point.
pub const PUBLIC_KEY_SHARE_BYTES: usize = 49;
/// Largest plaintext [`encrypt`] accepts.
pub const MAX_PLAINTEXT_BYTES: usize = 64 * 1024 * 1024;
/// Largest ciphertext [`decrypt`] accepts: the largest plaintext plus its framing.
pub const MAX_CIPHERTEXT_BYTES: usize = MAX_PLAINTEXT_BYTES + 128;
/// Smallest ciphertext: `u` (48) + `v` (32) + `w` length and at least 32 bytes + scheme.
const MIN_CIPHERTEXT_BYTES: usize = 48 + 32 + 1 + 32 + 1;

// ---------------------------------------------------------------------------------------------
// Network public key

/// The network's BLS public key (`subnetPublicKey` / `networkPublicKey` in the handshake).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct NetworkPublicKey(blsful::PublicKey<Scheme>);

impl NetworkPublicKey {
    /// Decodes a compressed G1 point, refusing invalid points and the identity.
    pub fn from_bytes(bytes: &[u8; PUBLIC_KEY_BYTES]) -> Result<Self, CryptoError> {
        let key = blsful::PublicKey::<Scheme>::try_from(&bytes[..])
            .map_err(|_| CryptoError::InvalidPublicKey)?;
        if bool::from(key.0.is_identity()) {
            return Err(CryptoError::InvalidPublicKey);
        }
        Ok(NetworkPublicKey(key))
    }

    /// Decodes 96 hex characters (an optional `0x` prefix is accepted).
    ///
    /// ```
    /// use sigil_crypto::bls::NetworkPublicKey;
    ///
    /// let hex = "97248533cef0908a5ebe52c3b487471301bf6369010e6167f63dd74feddac2dfb5336a59a331d38eb0e454d6f6fcb1a4";
    /// assert_eq!(NetworkPublicKey::from_hex(hex)?.to_hex(), hex);
    /// assert!(NetworkPublicKey::from_hex(&hex[2..]).is_err());
    /// # Ok::<_, sigil_crypto::CryptoError>(())
    /// ```
    pub fn from_hex(text: &str) -> Result<Self, CryptoError> {
        let mut bytes = [0u8; PUBLIC_KEY_BYTES];
        decode_hex(text, &mut bytes).map_err(|_| CryptoError::InvalidPublicKey)?;
        Self::from_bytes(&bytes)
    }

    /// The compressed G1 point.
    pub fn to_bytes(&self) -> [u8; PUBLIC_KEY_BYTES] {
        to_array(self.0 .0.to_bytes().as_ref())
    }

    /// 96 lowercase hex characters, as the handshake's `subnetPublicKey`.
    pub fn to_hex(&self) -> String {
        hex::encode(self.to_bytes())
    }

    /// Checks that `signature` is the BLS signature (proof-of-possession scheme) of `identity`
    /// under this key, as the SDK's `blsVerify` does.
    pub fn verify(&self, identity: &[u8], signature: &Signature) -> Result<(), CryptoError> {
        signature
            .0
            .verify(&self.0, identity)
            .map_err(|_| CryptoError::VerificationFailed)
    }

    /// Verifies `signature` for `identity`, then decrypts: a signature for another identity or
    /// key is [`CryptoError::VerificationFailed`] before the ciphertext is looked at.
    pub fn verify_and_decrypt(
        &self,
        identity: &[u8],
        ciphertext: &[u8],
        signature: &Signature,
    ) -> Result<Vec<u8>, CryptoError> {
        self.verify(identity, signature)?;
        decrypt(ciphertext, signature)
    }
}

impl fmt::Debug for NetworkPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NetworkPublicKey({})", self.to_hex())
    }
}

impl fmt::Display for NetworkPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

// ---------------------------------------------------------------------------------------------
// Dealing

/// Makes a random network key and splits it `threshold`-of-`total` (Shamir, share ids
/// 1..=total). Returns the network public key and one key share per node.
pub fn deal<R: RngCore + CryptoRng>(
    threshold: usize,
    total: usize,
    rng: &mut R,
) -> Result<(NetworkPublicKey, Vec<KeyShare>), CryptoError> {
    check_threshold(threshold, total)?;
    let secret = blsful::SecretKey::<Scheme>::random(&mut *rng);
    split(secret, threshold, total, rng)
}

/// Splits a given secret key (32 bytes, big-endian, as `SecretKey::from_be_bytes`) the same
/// way; with a seeded `rng` the shares are reproducible (tests, vectors).
pub fn deal_from_secret<R: RngCore + CryptoRng>(
    secret_be: &[u8; 32],
    threshold: usize,
    total: usize,
    rng: &mut R,
) -> Result<(NetworkPublicKey, Vec<KeyShare>), CryptoError> {
    check_threshold(threshold, total)?;
    let secret = Option::<blsful::SecretKey<Scheme>>::from(
        blsful::SecretKey::<Scheme>::from_be_bytes(secret_be),
    )
    .ok_or(CryptoError::InvalidKeyShare)?;
    split(secret, threshold, total, rng)
}

fn split<R: RngCore + CryptoRng>(
    mut secret: blsful::SecretKey<Scheme>,
    threshold: usize,
    total: usize,
    rng: &mut R,
) -> Result<(NetworkPublicKey, Vec<KeyShare>), CryptoError> {
    let public_key = NetworkPublicKey(secret.public_key());
    let shares = secret.split_with_rng(threshold, total, &mut *rng);
    secret.0.zeroize();
    let shares = shares.map_err(|_| CryptoError::Bls {
        operation: "split secret",
    })?;
    let shares = shares
        .into_iter()
        .map(|inner| KeyShare::from_bytes(&inner.0))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((public_key, shares))
}

fn check_threshold(threshold: usize, total: usize) -> Result<(), CryptoError> {
    if threshold < 2 || threshold > total || total > 255 {
        return Err(CryptoError::InvalidThreshold { threshold, total });
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Key shares

/// One node's secret share of the network key. Zeroized on drop; `Debug` shows only the id.
///
/// Invariant: the id is non-zero and the scalar is canonical and non-zero (checked by every
/// constructor), so signing cannot fail.
pub struct KeyShare(blsful::SecretKeyShare<Scheme>);

impl KeyShare {
    /// Decodes `id ‖ scalar (32 bytes little-endian)`.
    pub fn from_bytes(bytes: &[u8; KEY_SHARE_BYTES]) -> Result<Self, CryptoError> {
        if bytes[0] == 0 {
            return Err(CryptoError::InvalidKeyShare);
        }
        // Scalar::from_repr (what vsss-rs uses) silently reduces non-canonical bytes, so check
        // the little-endian scalar is canonical here.
        let mut le = Zeroizing::new([0u8; 32]);
        le.copy_from_slice(&bytes[1..]);
        let scalar = Option::<Scalar>::from(Scalar::from_le_bytes(&le))
            .ok_or(CryptoError::InvalidKeyShare)?;
        if bool::from(scalar.is_zero()) {
            return Err(CryptoError::InvalidKeyShare);
        }
        Ok(KeyShare(blsful::SecretKeyShare(*bytes)))
    }

    /// Decodes 66 hex characters of [`KeyShare::from_bytes`].
    pub fn from_hex(text: &str) -> Result<Self, CryptoError> {
        let mut bytes = Zeroizing::new([0u8; KEY_SHARE_BYTES]);
        decode_hex(text, &mut bytes[..]).map_err(|_| CryptoError::InvalidKeyShare)?;
        Self::from_bytes(&bytes)
    }

    /// `id ‖ scalar (little-endian)`: secret, zeroized when dropped.
    pub fn to_bytes(&self) -> Zeroizing<[u8; KEY_SHARE_BYTES]> {
        Zeroizing::new(self.0 .0)
    }

    /// Hex of [`KeyShare::to_bytes`]: secret, zeroized when dropped.
    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.0 .0))
    }

    /// The share id (Shamir x-coordinate, 1-based).
    pub fn index(&self) -> u8 {
        self.0 .0[0]
    }

    /// The matching public key share.
    pub fn public_share(&self) -> PublicKeyShare {
        // The scalar was checked at construction, the only way public_key() can fail.
        let share = self
            .0
            .public_key()
            .expect("key share scalar validated at construction");
        PublicKeyShare(share)
    }

    /// Signs `identity` (the UTF-8 identity string's bytes) with the proof-of-possession scheme:
    /// what a node returns from `/web/encryption/sign/`.
    pub fn sign(&self, identity: &[u8]) -> SignatureShare {
        // partial_sign fails only on a non-canonical or zero scalar, refused at construction.
        let share = self
            .0
            .sign(SignatureSchemes::ProofOfPossession, identity)
            .expect("key share scalar validated at construction");
        SignatureShare(share)
    }
}

impl Clone for KeyShare {
    fn clone(&self) -> Self {
        KeyShare(self.0.clone())
    }
}

impl Drop for KeyShare {
    fn drop(&mut self) {
        self.0 .0.zeroize();
    }
}

impl fmt::Debug for KeyShare {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyShare")
            .field("index", &self.index())
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// A key share file: everything one node needs to serve decryption shares.
///
/// JSON form (`to_json` / `from_json`):
/// `{"scheme":"Bls12381G2","networkPublicKey":"<96 hex>","threshold":2,"total":3,"index":1,
/// "publicKeyShare":"<98 hex>","secretKeyShare":"<66 hex>"}`. `from_json` checks that the parts
/// agree (index, public share, threshold and total).
#[derive(Clone)]
pub struct KeyShareFile {
    /// The network public key.
    pub network_public_key: NetworkPublicKey,
    /// Shares needed to decrypt.
    pub threshold: u8,
    /// Shares made.
    pub total: u8,
    /// This node's share.
    pub key_share: KeyShare,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct KeyShareFileJson {
    scheme: String,
    network_public_key: String,
    threshold: u8,
    total: u8,
    index: u8,
    public_key_share: String,
    secret_key_share: String,
}

impl Drop for KeyShareFileJson {
    fn drop(&mut self) {
        self.secret_key_share.zeroize();
    }
}

const KEY_SHARE_FILE_SCHEME: &str = "Bls12381G2";

impl KeyShareFile {
    /// The file's JSON text: contains the secret share, zeroized when dropped.
    pub fn to_json(&self) -> Zeroizing<String> {
        let file = KeyShareFileJson {
            scheme: KEY_SHARE_FILE_SCHEME.to_owned(),
            network_public_key: self.network_public_key.to_hex(),
            threshold: self.threshold,
            total: self.total,
            index: self.key_share.index(),
            public_key_share: self.key_share.public_share().to_hex(),
            secret_key_share: self.key_share.to_hex().to_string(),
        };
        // A struct of strings and integers always serializes.
        Zeroizing::new(serde_json::to_string_pretty(&file).unwrap_or_default())
    }

    /// Parses and cross-checks a key share file.
    pub fn from_json(text: &str) -> Result<Self, CryptoError> {
        let bad = |reason| CryptoError::InvalidKeyShareFile { reason };
        let file: KeyShareFileJson =
            serde_json::from_str(text).map_err(|_| bad("not the key share JSON shape"))?;
        if file.scheme != KEY_SHARE_FILE_SCHEME {
            return Err(bad("scheme is not Bls12381G2"));
        }
        check_threshold(usize::from(file.threshold), usize::from(file.total))
            .map_err(|_| bad("threshold and total must satisfy 2 <= threshold <= total"))?;
        let network_public_key = NetworkPublicKey::from_hex(&file.network_public_key)
            .map_err(|_| bad("networkPublicKey is not a public key"))?;
        let key_share = KeyShare::from_hex(&file.secret_key_share)
            .map_err(|_| bad("secretKeyShare is not a key share"))?;
        if key_share.index() != file.index || file.index > file.total {
            return Err(bad("index does not match the secret key share"));
        }
        let public_share = PublicKeyShare::from_hex(&file.public_key_share)
            .map_err(|_| bad("publicKeyShare is not a public key share"))?;
        if public_share != key_share.public_share() {
            return Err(bad("publicKeyShare does not match the secret key share"));
        }
        Ok(KeyShareFile {
            network_public_key,
            threshold: file.threshold,
            total: file.total,
            key_share,
        })
    }
}

impl fmt::Debug for KeyShareFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyShareFile")
            .field("network_public_key", &self.network_public_key)
            .field("threshold", &self.threshold)
            .field("total", &self.total)
            .field("key_share", &self.key_share)
            .finish()
    }
}

/// A node's public key share: `id ‖ compressed G1`. Checks a single signature share.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKeyShare(blsful::PublicKeyShare<Scheme>);

impl PublicKeyShare {
    /// Decodes `id ‖ compressed G1`, refusing id 0 and invalid points.
    pub fn from_bytes(bytes: &[u8; PUBLIC_KEY_SHARE_BYTES]) -> Result<Self, CryptoError> {
        let inner = blsful::InnerPointShareG1(*bytes);
        if bytes[0] == 0 {
            return Err(CryptoError::InvalidPublicKeyShare);
        }
        inner
            .as_group_element::<blsful::inner_types::G1Projective>()
            .map_err(|_| CryptoError::InvalidPublicKeyShare)?;
        Ok(PublicKeyShare(blsful::PublicKeyShare(inner)))
    }

    /// Decodes 98 hex characters.
    pub fn from_hex(text: &str) -> Result<Self, CryptoError> {
        let mut bytes = [0u8; PUBLIC_KEY_SHARE_BYTES];
        decode_hex(text, &mut bytes).map_err(|_| CryptoError::InvalidPublicKeyShare)?;
        Self::from_bytes(&bytes)
    }

    /// `id ‖ compressed G1`.
    pub fn to_bytes(&self) -> [u8; PUBLIC_KEY_SHARE_BYTES] {
        self.0 .0 .0
    }

    /// 98 lowercase hex characters.
    pub fn to_hex(&self) -> String {
        hex::encode(self.to_bytes())
    }

    /// The share id.
    pub fn index(&self) -> u8 {
        self.0 .0 .0[0]
    }

    /// Checks that `share` is this node's signature share of `identity`.
    pub fn verify(&self, identity: &[u8], share: &SignatureShare) -> Result<(), CryptoError> {
        if share.index() != self.index() {
            return Err(CryptoError::VerificationFailed);
        }
        self.0
            .verify(&share.0, identity)
            .map_err(|_| CryptoError::VerificationFailed)
    }
}

impl fmt::Debug for PublicKeyShare {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKeyShare({})", self.to_hex())
    }
}

// ---------------------------------------------------------------------------------------------
// Signature shares and signatures

/// A signature share over an identity, as a node sends it.
///
/// Invariant: the proof-of-possession scheme, a non-zero id and a valid G2 point.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SignatureShare(blsful::SignatureShare<Scheme>);

impl SignatureShare {
    /// Decodes `id ‖ compressed G2` (97 bytes), refusing id 0 and invalid points.
    pub fn from_bytes(bytes: &[u8; SIGNATURE_SHARE_BYTES]) -> Result<Self, CryptoError> {
        if bytes[0] == 0 {
            return Err(CryptoError::InvalidSignatureShare);
        }
        let inner = blsful::InnerPointShareG2(*bytes);
        inner
            .as_group_element::<G2Projective>()
            .map_err(|_| CryptoError::InvalidSignatureShare)?;
        Ok(SignatureShare(blsful::SignatureShare::ProofOfPossession(
            inner,
        )))
    }

    /// Decodes 194 hex characters (the value of `ProofOfPossession`).
    pub fn from_hex(text: &str) -> Result<Self, CryptoError> {
        let mut bytes = [0u8; SIGNATURE_SHARE_BYTES];
        decode_hex(text, &mut bytes).map_err(|_| CryptoError::InvalidSignatureShare)?;
        Self::from_bytes(&bytes)
    }

    /// `id ‖ compressed G2`.
    pub fn to_bytes(&self) -> [u8; SIGNATURE_SHARE_BYTES] {
        self.0.as_raw_value().0
    }

    /// 194 lowercase hex characters.
    pub fn to_hex(&self) -> String {
        hex::encode(self.to_bytes())
    }

    /// The share id of the key share that made it.
    pub fn index(&self) -> u8 {
        self.0.as_raw_value().0[0]
    }

    /// `{"ProofOfPossession":"<194 hex>"}`: blsful's own serde JSON of the share, which is what
    /// the JS SDK reads from `response.signatureShare`.
    ///
    /// ```
    /// use sigil_crypto::bls::{self, SignatureShare};
    ///
    /// let (_, key_shares) = bls::deal(2, 3, &mut rand_core::OsRng)?;
    /// let share = key_shares[0].sign(b"lit-accesscontrolcondition://abc/def");
    /// let json = share.to_json_value();
    /// assert_eq!(json["ProofOfPossession"].as_str().map(str::len), Some(194));
    /// assert_eq!(SignatureShare::from_json_value(&json)?, share);
    /// # Ok::<_, sigil_crypto::CryptoError>(())
    /// ```
    pub fn to_json_value(&self) -> serde_json::Value {
        serde_json::json!({ "ProofOfPossession": self.to_hex() })
    }

    /// Parses the JSON of [`SignatureShare::to_json_value`] (blsful's serde shape); other
    /// schemes and invalid shares are refused.
    pub fn from_json_value(value: &serde_json::Value) -> Result<Self, CryptoError> {
        let share = blsful::SignatureShare::<Scheme>::deserialize(value)
            .map_err(|_| CryptoError::InvalidSignatureShare)?;
        match share {
            blsful::SignatureShare::ProofOfPossession(inner) => Self::from_bytes(&inner.0),
            _ => Err(CryptoError::InvalidSignatureShare),
        }
    }
}

impl fmt::Debug for SignatureShare {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SignatureShare({})", self.to_hex())
    }
}

/// A combined BLS signature over an identity: the decryption key of its ciphertexts.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature(blsful::Signature<Scheme>);

impl Signature {
    /// Decodes a compressed G2 point (96 bytes).
    pub fn from_bytes(bytes: &[u8; SIGNATURE_BYTES]) -> Result<Self, CryptoError> {
        let mut repr = <G2Projective as GroupEncoding>::Repr::default();
        repr.as_mut().copy_from_slice(bytes);
        let point = Option::<G2Projective>::from(G2Projective::from_bytes(&repr))
            .ok_or(CryptoError::InvalidSignature)?;
        Ok(Signature(blsful::Signature::ProofOfPossession(point)))
    }

    /// Decodes 192 hex characters.
    pub fn from_hex(text: &str) -> Result<Self, CryptoError> {
        let mut bytes = [0u8; SIGNATURE_BYTES];
        decode_hex(text, &mut bytes).map_err(|_| CryptoError::InvalidSignature)?;
        Self::from_bytes(&bytes)
    }

    /// The compressed G2 point.
    pub fn to_bytes(&self) -> [u8; SIGNATURE_BYTES] {
        to_array(self.0.as_raw_value().to_bytes().as_ref())
    }

    /// 192 lowercase hex characters.
    pub fn to_hex(&self) -> String {
        hex::encode(self.to_bytes())
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({})", self.to_hex())
    }
}

/// Combines signature shares into the signature (Lagrange interpolation at 0, any order), as
/// the SDK's `blsCombine` does.
///
/// Refuses fewer than 2 shares and repeated ids. With fewer shares than the key's threshold the
/// result is not the key's signature: [`NetworkPublicKey::verify`] then fails, so use
/// [`combine_and_verify`] when the threshold and key are known.
pub fn combine(shares: &[SignatureShare]) -> Result<Signature, CryptoError> {
    if shares.len() < 2 {
        return Err(CryptoError::NotEnoughShares {
            got: shares.len(),
            need: 2,
        });
    }
    if shares.len() > 255 {
        return Err(CryptoError::InvalidSignatureShare);
    }
    let mut seen = HashSet::with_capacity(shares.len());
    for share in shares {
        if !seen.insert(share.index()) {
            return Err(CryptoError::DuplicateShareId { id: share.index() });
        }
    }
    let inner: Vec<_> = shares.iter().map(|s| s.0).collect();
    let signature = blsful::Signature::from_shares(&inner).map_err(|_| CryptoError::Bls {
        operation: "combine signature shares",
    })?;
    Ok(Signature(signature))
}

/// What a client does with the nodes' answers: needs at least `threshold` shares, combines them
/// and verifies the result for `identity` under `public_key`.
pub fn combine_and_verify(
    public_key: &NetworkPublicKey,
    identity: &[u8],
    shares: &[SignatureShare],
    threshold: usize,
) -> Result<Signature, CryptoError> {
    let signature = combine_threshold(shares, threshold)?;
    public_key.verify(identity, &signature)?;
    Ok(signature)
}

/// [`combine`], refusing fewer than `threshold` shares (and never fewer than 2).
fn combine_threshold(
    shares: &[SignatureShare],
    threshold: usize,
) -> Result<Signature, CryptoError> {
    let need = threshold.max(2);
    if shares.len() < need {
        return Err(CryptoError::NotEnoughShares {
            got: shares.len(),
            need,
        });
    }
    combine(shares)
}

/// What a client does with the nodes' answers to a decryption: at least `threshold` shares,
/// combined, then the ciphertext decrypted with the result. The combined signature is verified
/// only when decryption fails: a ciphertext opens only under the signature of its own identity
/// and key (its consistency check), so a successful decryption has verified it already, and the
/// separate check (two pairings, a third of a client's work) is spent only to name the fault:
/// [`CryptoError::VerificationFailed`] for wrong shares, the decryption error otherwise.
pub fn combine_and_decrypt(
    public_key: &NetworkPublicKey,
    identity: &[u8],
    ciphertext: &[u8],
    shares: &[SignatureShare],
    threshold: usize,
) -> Result<Vec<u8>, CryptoError> {
    let signature = combine_threshold(shares, threshold)?;
    decrypt(ciphertext, &signature).map_err(|error| match public_key.verify(identity, &signature) {
        Err(unverified) => unverified,
        Ok(()) => error,
    })
}

// ---------------------------------------------------------------------------------------------
// Encryption

/// Encrypts `plaintext` to `identity` under the network key (blsful time-lock encryption,
/// proof-of-possession scheme): the bytes the SDK's `blsEncrypt` gives. Randomised.
pub fn encrypt(
    public_key: &NetworkPublicKey,
    plaintext: &[u8],
    identity: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    if plaintext.len() > MAX_PLAINTEXT_BYTES {
        return Err(CryptoError::PlaintextTooLarge {
            len: plaintext.len(),
            max: MAX_PLAINTEXT_BYTES,
        });
    }
    let ciphertext = public_key
        .0
        .encrypt_time_lock(SignatureSchemes::ProofOfPossession, plaintext, identity)
        .map_err(|_| CryptoError::Bls {
            operation: "encrypt",
        })?;
    serde_bare::to_vec(&ciphertext).map_err(|_| CryptoError::Bls {
        operation: "encode ciphertext",
    })
}

/// Decrypts ciphertext bytes with the signature over their identity, as the SDK's `blsDecrypt`.
///
/// The ciphertext must be exactly the canonical encoding the SDK makes (proof-of-possession
/// scheme, no trailing bytes). A signature for another identity or key, or an altered
/// ciphertext, fails the ciphertext's own consistency check: [`CryptoError::DecryptionFailed`],
/// never wrong plaintext.
pub fn decrypt(ciphertext: &[u8], signature: &Signature) -> Result<Vec<u8>, CryptoError> {
    if ciphertext.len() < MIN_CIPHERTEXT_BYTES || ciphertext.len() > MAX_CIPHERTEXT_BYTES {
        return Err(CryptoError::MalformedCiphertext);
    }
    let parsed: blsful::TimeCryptCiphertext<Scheme> =
        serde_bare::from_slice(ciphertext).map_err(|_| CryptoError::MalformedCiphertext)?;
    if parsed.scheme != SignatureSchemes::ProofOfPossession {
        return Err(CryptoError::MalformedCiphertext);
    }
    // Re-encoding must give the input back: refuses trailing bytes and non-canonical encodings
    // (an unknown scheme byte decodes as proof-of-possession in blsful).
    let canonical = serde_bare::to_vec(&parsed).map_err(|_| CryptoError::MalformedCiphertext)?;
    if canonical != ciphertext {
        return Err(CryptoError::MalformedCiphertext);
    }
    let plaintext = Option::<Vec<u8>>::from(parsed.decrypt(&signature.0))
        .ok_or(CryptoError::DecryptionFailed)?;
    check_padding(&parsed, signature, &plaintext)?;
    Ok(plaintext)
}

/// blsful authenticates the message but not the zero padding after it in `w`, so a ciphertext
/// altered there would still decrypt. Re-derive the whole padded block and require exactly
/// `LEB128(len) ‖ M ‖ zeros` (at least 32 bytes), the only form encryption produces.
fn check_padding(
    ciphertext: &blsful::TimeCryptCiphertext<Scheme>,
    signature: &Signature,
    plaintext: &[u8],
) -> Result<(), CryptoError> {
    use blsful::{BlsTimeCrypt, Pairing};
    let key = <Scheme as Pairing>::pairing(&[(*signature.0.as_raw_value(), ciphertext.u)]);
    let alpha = <Scheme as BlsTimeCrypt>::compute_v(key, &ciphertext.v);
    let padded = <Scheme as BlsTimeCrypt>::compute_w(&alpha, &ciphertext.w);
    let mut expected = Vec::with_capacity(padded.len());
    let mut len = plaintext.len();
    while len >= 0x80 {
        expected.push((len as u8) | 0x80);
        len >>= 7;
    }
    expected.push(len as u8);
    expected.extend_from_slice(plaintext);
    if expected.len() < 32 {
        expected.resize(32, 0);
    }
    if padded == expected {
        Ok(())
    } else {
        Err(CryptoError::DecryptionFailed)
    }
}

/// What `LitNodeClient.encrypt` returns: `{ciphertext, dataToEncryptHash}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EncryptResponse {
    /// Standard (padded) base64 of the ciphertext bytes.
    pub ciphertext: String,
    /// Lowercase hex SHA-256 of the plaintext.
    pub data_to_encrypt_hash: String,
}

/// Encrypts as `LitNodeClient.encrypt` does: hashes the data, builds the identity from the
/// conditions' hash, encrypts to it.
pub fn encrypt_for_conditions(
    public_key: &NetworkPublicKey,
    conditions: &ConditionSet,
    plaintext: &[u8],
) -> Result<EncryptResponse, CryptoError> {
    let data_to_encrypt_hash = conditions::data_to_encrypt_hash(plaintext);
    let identity = conditions.identity(&data_to_encrypt_hash);
    let ciphertext = encrypt(public_key, plaintext, identity.as_bytes())?;
    Ok(EncryptResponse {
        ciphertext: base64::engine::general_purpose::STANDARD.encode(ciphertext),
        data_to_encrypt_hash,
    })
}

/// Decodes the standard-base64 ciphertext of an [`EncryptResponse`].
pub fn ciphertext_from_base64(ciphertext: &str) -> Result<Vec<u8>, CryptoError> {
    // Base64 is 4/3 of the bytes; refuse before decoding anything absurd.
    if ciphertext.len() / 4 * 3 > MAX_CIPHERTEXT_BYTES + 3 {
        return Err(CryptoError::MalformedCiphertext);
    }
    base64::engine::general_purpose::STANDARD
        .decode(ciphertext.trim())
        .map_err(|_| CryptoError::InvalidBase64)
}

// ---------------------------------------------------------------------------------------------
// Helpers

fn decode_hex(text: &str, out: &mut [u8]) -> Result<(), hex::FromHexError> {
    let text = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text);
    hex::decode_to_slice(text, out)
}

fn to_array<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    // Callers pass group encodings whose length is N by construction.
    if bytes.len() == N {
        out.copy_from_slice(bytes);
    }
    out
}
