//! tests/vectors/hd-derive.json: PKP public keys derived by the JS SDK 7.4.0 (`computeHDPubKey`)
//! from fixed root keys and key ids.

use k256::elliptic_curve::sec1::ToEncodedPoint;
use serde_json::Value;
use sigil_crypto::{hd, CryptoError};

fn vector() -> Value {
    sigil_test_support::vectors::hd_derive()
}

fn hex_bytes(text: &str) -> Vec<u8> {
    hex::decode(text.trim_start_matches("0x")).expect("hex")
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key}"))
        .iter()
        .map(|s| s.as_str().expect("string").to_owned())
        .collect()
}

fn cases(v: &Value) -> Vec<(usize, Vec<u8>, String)> {
    v["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|case| {
            (
                usize::try_from(case["rootCount"].as_u64().expect("rootCount")).expect("count"),
                hex_bytes(case["keyId"].as_str().expect("keyId")),
                case["derivedPublicKey"]
                    .as_str()
                    .expect("derived")
                    .to_owned(),
            )
        })
        .collect()
}

#[test]
fn derived_public_keys_equal_the_sdks() {
    let v = vector();
    let roots: Vec<Vec<u8>> = strings(&v, "rootPublicKeys")
        .iter()
        .map(|k| hex_bytes(k))
        .collect();
    let roots = hd::parse_root_keys(&roots).expect("root keys");
    let cases = cases(&v);
    assert_eq!(cases.len(), 15);
    for (count, key_id, expected) in cases {
        let derived = hd::derive_public_key(&key_id, &roots[..count]).expect("derives");
        assert_eq!(
            hex::encode(derived.to_encoded_point(false).as_bytes()),
            expected,
            "{count} roots, key id {}",
            hex::encode(&key_id)
        );
    }
}

#[test]
fn derived_secrets_belong_to_the_sdks_derived_public_keys() {
    let v = vector();
    let secrets: Vec<k256::Scalar> = strings(&v, "rootSecrets")
        .iter()
        .map(|s| {
            let bytes: [u8; 32] = hex_bytes(s).try_into().expect("32 bytes");
            Option::from(k256::NonZeroScalar::from_repr(bytes.into()))
                .map_or_else(|| panic!("secret in range"), |s: k256::NonZeroScalar| *s)
        })
        .collect();
    for (count, key_id, expected) in cases(&v) {
        let secret = hd::derive_secret(&key_id, &secrets[..count]).expect("derives");
        let public = k256::PublicKey::from_secret_scalar(
            &Option::from(k256::NonZeroScalar::new(secret)).expect("non-zero"),
        );
        assert_eq!(
            hex::encode(public.to_encoded_point(false).as_bytes()),
            expected
        );
    }
}

#[test]
fn compressed_and_uncompressed_root_keys_derive_the_same_key() {
    let v = vector();
    let compressed: Vec<Vec<u8>> = strings(&v, "rootPublicKeys")
        .iter()
        .map(|k| hex_bytes(k))
        .collect();
    let roots = hd::parse_root_keys(&compressed).expect("compressed");
    let uncompressed: Vec<Vec<u8>> = roots
        .iter()
        .map(|k| k.to_encoded_point(false).as_bytes().to_vec())
        .collect();
    assert_eq!(
        hd::parse_root_keys(&uncompressed).expect("uncompressed"),
        roots
    );
}

#[test]
fn derivation_refuses_no_roots_and_keys_off_the_curve() {
    assert!(matches!(
        hd::derive_public_key(b"id", &[]),
        Err(CryptoError::InvalidHdDerivation { .. })
    ));
    assert!(matches!(
        hd::derive_secret(b"id", &[]),
        Err(CryptoError::InvalidHdDerivation { .. })
    ));
    let mut off_curve = [0u8; 33];
    off_curve[0] = 2;
    off_curve[32] = 5;
    assert!(matches!(
        hd::parse_root_keys(&[off_curve]),
        Err(CryptoError::InvalidHdDerivation { .. })
    ));
    assert!(hd::parse_root_keys(&[[0u8; 7]]).is_err());
}
