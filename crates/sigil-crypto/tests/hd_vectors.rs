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

#[test]
fn dealt_root_shares_derive_shares_of_each_derived_key() {
    use rand_chacha::rand_core::SeedableRng;
    let mut rng = rand_chacha::ChaCha20Rng::from_seed([5; 32]);
    let (roots, nodes) = hd::deal_root_keys(hd::ROOT_KEY_COUNT, 2, 3, &mut rng).expect("deal");
    assert_eq!(roots.len(), 10);
    assert_eq!(nodes.len(), 3);
    for key_id in [&b"a key id"[..], &[0u8; 32][..]] {
        let public = hd::derive_public_key(key_id, &roots).expect("public");
        let share = |i: usize| {
            (
                nodes[i].index,
                nodes[i].derive_secret_share(key_id).expect("share"),
            )
        };
        for pair in [[0, 1], [0, 2], [1, 2]] {
            let secret =
                hd::combine_secret_shares(&[share(pair[0]), share(pair[1])]).expect("combine");
            let combined = k256::PublicKey::from_secret_scalar(
                &Option::from(k256::NonZeroScalar::new(secret)).expect("non-zero"),
            );
            assert_eq!(combined, public, "nodes {pair:?}");
        }
    }
}

#[test]
fn root_key_shares_survive_their_json_and_refuse_tampering() {
    use rand_chacha::rand_core::SeedableRng;
    let mut rng = rand_chacha::ChaCha20Rng::from_seed([6; 32]);
    let (roots, nodes) = hd::deal_root_keys(3, 2, 3, &mut rng).expect("deal");
    let text = nodes[1].to_json();
    let back = hd::RootKeyShares::from_json(&text).expect("parses");
    assert_eq!(back.index, 2);
    assert_eq!(back.root_public_keys, roots);
    assert_eq!(
        back.derive_secret_share(b"k").expect("share"),
        nodes[1].derive_secret_share(b"k").expect("share")
    );
    assert!(back
        .root_public_keys_hex()
        .iter()
        .all(|k| k.len() == 66 && !k.starts_with("0x")));
    let json: Value = serde_json::from_str(&text).expect("json");
    let first_share = json["rootKeyShares"][0].as_str().expect("share");
    assert!(!format!("{back:?}").contains(first_share));
    for (from, to) in [
        ("\"K256\"", "\"P256\""),
        ("\"index\": 2", "\"index\": 9"),
        ("\"threshold\": 2", "\"threshold\": 1"),
    ] {
        assert!(text.contains(from), "{from}");
        assert!(
            hd::RootKeyShares::from_json(&text.replace(from, to)).is_err(),
            "{to}"
        );
    }
}
