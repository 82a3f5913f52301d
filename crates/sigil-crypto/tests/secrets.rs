//! Secrets stay out of `Debug` and error messages: key shares, key share files
//! and the dealt network secret never print, in any form, nor do errors about them.

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sigil_crypto::bls::{self, KeyShare, KeyShareFile};
use sigil_test_support::secrets::assert_hides_in_both_byte_orders;

/// A network secret (big-endian scalar) with no repeated byte.
const NETWORK_SECRET: [u8; 32] = [
    0x1b, 0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c,
    0xc4, 0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f,
];

fn dealt() -> (bls::NetworkPublicKey, Vec<KeyShare>) {
    bls::deal_from_secret(&NETWORK_SECRET, 3, 5, &mut ChaCha20Rng::from_seed([9; 32]))
        .expect("deal")
}

/// The scalar of a share: its bytes after the id.
fn scalar_of(share: &KeyShare) -> Vec<u8> {
    share.to_bytes()[1..].to_vec()
}

#[test]
fn key_share_debug_shows_the_index_and_not_the_scalar() {
    let (_, shares) = dealt();
    for share in &shares {
        for text in [format!("{share:?}"), format!("{share:#?}")] {
            assert_hides_in_both_byte_orders(&text, &scalar_of(share), "Debug of KeyShare");
            assert!(
                !text.contains(share.to_hex().as_str()),
                "Debug of KeyShare shows its hex: {text}"
            );
            assert!(
                text.contains(&share.index().to_string()),
                "Debug should name the index: {text}"
            );
        }
    }
}

#[test]
fn key_share_file_debug_hides_the_share() {
    let (network_public_key, shares) = dealt();
    for share in shares {
        let scalar = scalar_of(&share);
        let file = KeyShareFile {
            network_public_key,
            threshold: 3,
            total: 5,
            key_share: share,
        };
        for text in [format!("{file:?}"), format!("{file:#?}")] {
            assert_hides_in_both_byte_orders(&text, &scalar, "Debug of KeyShareFile");
        }
        // The file itself is where the secret belongs: the check above would see it.
        assert!(file.to_json().contains(&hex::encode(&scalar)));
    }
}

#[test]
fn nothing_dealt_prints_the_network_secret() {
    let (network_public_key, shares) = dealt();
    let text = format!("{network_public_key:?} {network_public_key} {shares:?}");
    assert_hides_in_both_byte_orders(&text, &NETWORK_SECRET, "the dealt key material");
}

#[test]
fn key_share_file_errors_never_echo_the_secret_share() {
    let (network_public_key, shares) = dealt();
    let file = KeyShareFile {
        network_public_key,
        threshold: 3,
        total: 5,
        key_share: shares[0].clone(),
    };
    let scalar = scalar_of(&shares[0]);
    let json: serde_json::Value = serde_json::from_str(&file.to_json()).unwrap();
    let variants = [
        (
            "publicKeyShare",
            serde_json::json!(shares[1].public_share().to_hex()),
        ),
        ("index", serde_json::json!(2)),
        ("threshold", serde_json::json!(9)),
        ("scheme", serde_json::json!("Bls12381G1")),
        ("networkPublicKey", serde_json::json!("00")),
        (
            "secretKeyShare",
            serde_json::json!(format!("00{}", hex::encode(&scalar))),
        ),
        (
            "secretKeyShare",
            serde_json::json!(format!("{}zz", &shares[0].to_hex()[..64])),
        ),
        ("extra", serde_json::json!(shares[0].to_hex().as_str())),
    ];
    for (field, value) in variants {
        let mut broken = json.clone();
        broken[field] = value;
        let error = KeyShareFile::from_json(&broken.to_string()).expect_err(field);
        for text in [error.to_string(), format!("{error:?}")] {
            assert_hides_in_both_byte_orders(
                &text,
                &scalar,
                &format!("the error for a bad {field}"),
            );
        }
    }
}

#[test]
fn key_share_decoding_errors_never_echo_the_input() {
    let (_, shares) = dealt();
    let hex = shares[0].to_hex();
    let scalar = scalar_of(&shares[0]);
    for input in [
        format!("00{}", &hex[2..]),
        format!("{}z", &hex[..65]),
        format!("{}00", hex.as_str()),
        hex[2..].to_owned(),
    ] {
        let error = KeyShare::from_hex(&input).expect_err("malformed share is refused");
        for text in [error.to_string(), format!("{error:?}")] {
            assert_hides_in_both_byte_orders(&text, &scalar, "a key share error");
        }
    }
}
