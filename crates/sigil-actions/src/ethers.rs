//! `ethers` for actions: the vendored ethers 5.7.2 bundle (the version Lit's nodes expose),
//! loaded the first time an action reads the global, with its secp256k1 curve (elliptic, pure
//! JavaScript: over a second for a key's first use in an interpreter) and its keccak256
//! (js-sha3) replaced by the engine's native ones (k256 for the `secp256k1` operations below).

use k256::ecdsa::{RecoveryId, Signature, SigningKey, VerifyingKey};
use k256::elliptic_curve::sec1::ToEncodedPoint;
use k256::{PublicKey, SecretKey};
use serde_json::{json, Value};

/// ethers 5.7.2's UMD bundle, as published on npm.
const BUNDLE: &str = include_str!("../vendor/ethers-5.7.2/ethers.umd.min.js");

/// Where the bundle makes its curve, and what it makes instead: the native curve the prelude
/// hands over while the bundle loads.
const CURVE_MADE: &str = r#"var _curve=null;function getCurve(){if(!_curve){_curve=new elliptic.EC("secp256k1")}return _curve}"#;
const CURVE_NATIVE: &str =
    r#"var _curve=globalThis.__sigilCurve;function getCurve(){return _curve}"#;

/// Where the bundle hashes with keccak256 (js-sha3), and the native hash instead, captured from
/// the same object while the bundle loads.
const KECCAK_MADE: &str = r#"function keccak256(data){return"0x"+js_sha3_1.default.keccak_256((0,lib$1.arrayify)(data))}"#;
const KECCAK_NATIVE: &str = r#"var nativeKeccak=globalThis.__sigilCurve.keccak256;function keccak256(data){return"0x"+nativeKeccak((0,lib$1.arrayify)(data))}"#;

/// The bundle's source with the native curve and keccak256.
pub(crate) fn source() -> String {
    BUNDLE
        .replacen(CURVE_MADE, CURVE_NATIVE, 1)
        .replacen(KECCAK_MADE, KECCAK_NATIVE, 1)
}

/// One secp256k1 operation of the native curve (`args.op`); keys, points and digests as hex.
pub(crate) fn secp256k1(args: &Value) -> Result<Value, String> {
    let text = |name: &str| args[name].as_str().unwrap_or_default();
    match text("op") {
        "publicKey" => {
            let point = public_point(text("key"))?;
            Ok(json!(encode(
                &point,
                args["compressed"].as_bool().unwrap_or(false)
            )))
        }
        "sign" => {
            let key = SigningKey::from_slice(&bytes(text("key"))?)
                .map_err(|_| "invalid private key".to_owned())?;
            let (signature, recid): (Signature, RecoveryId) = key
                .sign_prehash_recoverable(&bytes(text("digest"))?)
                .map_err(|e| format!("signing failed: {e}"))?;
            // k256 signs with low s (canonical), as elliptic does with `canonical: true`.
            let (r, s) = signature.split_bytes();
            Ok(json!({"r": hex::encode(r), "s": hex::encode(s), "recid": recid.to_byte()}))
        }
        "recover" => {
            let signature = Signature::from_scalars(
                <[u8; 32]>::try_from(pad32(&bytes(text("r"))?)?).map_err(|_| "bad r")?,
                <[u8; 32]>::try_from(pad32(&bytes(text("s"))?)?).map_err(|_| "bad s")?,
            )
            .map_err(|_| "invalid signature".to_owned())?;
            let recid = args["recid"]
                .as_u64()
                .and_then(|id| RecoveryId::from_byte(u8::try_from(id).ok()?))
                .ok_or("invalid recovery id")?;
            let key =
                VerifyingKey::recover_from_prehash(&bytes(text("digest"))?, &signature, recid)
                    .map_err(|_| "the signature does not recover".to_owned())?;
            Ok(json!(hex::encode(key.to_encoded_point(false).as_bytes())))
        }
        "derive" => {
            let secret = SecretKey::from_slice(&bytes(text("key"))?)
                .map_err(|_| "invalid private key".to_owned())?;
            let public = PublicKey::from_sec1_bytes(&bytes(text("pub"))?)
                .map_err(|_| "invalid public key".to_owned())?;
            let shared = (public.to_projective() * *secret.to_nonzero_scalar()).to_affine();
            let x = shared.to_encoded_point(false);
            Ok(json!(hex::encode(
                x.x().ok_or("the shared point is at infinity")?
            )))
        }
        "add" => {
            let sum =
                public_point(text("a"))?.to_projective() + public_point(text("b"))?.to_projective();
            let sum = PublicKey::from_affine(sum.to_affine())
                .map_err(|_| "the sum is the point at infinity".to_owned())?;
            Ok(json!(encode(&sum, true)))
        }
        other => Err(format!("unknown secp256k1 operation {other}")),
    }
}

/// The public key of `key`: a private key (32 bytes) or a SEC1 point (33 or 65 bytes).
fn public_point(key: &str) -> Result<PublicKey, String> {
    let key = bytes(key)?;
    if key.len() == 32 {
        let secret = SecretKey::from_slice(&key).map_err(|_| "invalid private key".to_owned())?;
        return Ok(secret.public_key());
    }
    PublicKey::from_sec1_bytes(&key).map_err(|_| "invalid public key".to_owned())
}

fn encode(point: &PublicKey, compressed: bool) -> String {
    hex::encode(point.to_encoded_point(compressed).as_bytes())
}

fn bytes(text: &str) -> Result<Vec<u8>, String> {
    hex::decode(text.strip_prefix("0x").unwrap_or(text)).map_err(|_| "not hex".to_owned())
}

/// A big-endian number of at most 32 bytes, left-padded to 32.
fn pad32(value: &[u8]) -> Result<Vec<u8>, String> {
    if value.len() > 32 {
        return Err("more than 32 bytes".into());
    }
    let mut out = vec![0u8; 32 - value.len()];
    out.extend_from_slice(value);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundle_makes_its_curve_and_hash_where_the_native_ones_go() {
        assert_eq!(BUNDLE.matches(CURVE_MADE).count(), 1);
        assert_eq!(BUNDLE.matches(KECCAK_MADE).count(), 1);
        let source = source();
        assert!(source.contains(CURVE_NATIVE) && source.contains(KECCAK_NATIVE));
    }

    #[test]
    fn a_signature_recovers_to_its_key_and_keys_add_and_derive() {
        let key = "0x".to_owned() + &"11".repeat(32);
        let public =
            secp256k1(&json!({"op": "publicKey", "key": key, "compressed": false})).expect("pub");
        let digest = "22".repeat(32);
        let signed = secp256k1(&json!({"op": "sign", "key": key, "digest": digest})).expect("sign");
        let recovered = secp256k1(&json!({"op": "recover", "digest": digest, "r": signed["r"], "s": signed["s"], "recid": signed["recid"]}))
            .expect("recover");
        assert_eq!(recovered, public);
        let other = "33".repeat(32);
        let other_public =
            secp256k1(&json!({"op": "publicKey", "key": other, "compressed": true})).expect("pub");
        let ab =
            secp256k1(&json!({"op": "derive", "key": key, "pub": other_public})).expect("derive");
        let ba = secp256k1(&json!({"op": "derive", "key": other, "pub": public})).expect("derive");
        assert_eq!(ab, ba);
        assert!(secp256k1(&json!({"op": "add", "a": public, "b": other_public})).is_ok());
        assert!(
            secp256k1(&json!({"op": "sign", "key": "00".repeat(32), "digest": digest})).is_err()
        );
    }
}
