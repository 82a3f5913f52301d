//! Threshold behaviour: every t-subset combines; anything less, foreign or altered is a typed
//! error, never a panic and never wrong plaintext.

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sigil_crypto::bls::{
    self, KeyShare, KeyShareFile, NetworkPublicKey, Signature, SignatureShare,
};
use sigil_crypto::CryptoError;

const IDENTITY: &[u8] = b"lit-accesscontrolcondition://c981800fce8d0cdf35decbd294806dfbd0c79fa19093f043cf7f6ec4ebcb43a8/40859d472d2df9eeab2e60498f867332ab2c3afae970757fc7642f7f8a34a160";
const PLAINTEXT: &[u8] = b"hello, session sigs";

fn rng(seed: u8) -> ChaCha20Rng {
    ChaCha20Rng::from_seed([seed; 32])
}

/// Every subset of `0..n` with exactly `k` elements, in index order.
fn subsets(n: usize, k: usize) -> Vec<Vec<usize>> {
    (0u32..(1 << n))
        .filter(|m| m.count_ones() as usize == k)
        .map(|m| (0..n).filter(|i| m & (1 << i) != 0).collect())
        .collect()
}

fn every_t_subset_combines_verifies_and_decrypts(t: usize, n: usize, seed: u8) {
    let (public_key, key_shares) = bls::deal(t, n, &mut rng(seed)).expect("deal");
    assert_eq!(key_shares.len(), n);
    let ids: Vec<u8> = key_shares.iter().map(KeyShare::index).collect();
    assert_eq!(
        ids,
        (1..=n as u8).collect::<Vec<_>>(),
        "share ids are 1..=n"
    );
    let shares: Vec<SignatureShare> = key_shares.iter().map(|k| k.sign(IDENTITY)).collect();
    let ciphertext = bls::encrypt(&public_key, PLAINTEXT, IDENTITY).expect("encrypt");
    let all = subsets(n, t);
    assert_eq!(
        all.len(),
        (1..=t).fold(1, |acc, i| acc * (n + 1 - i) / i),
        "C({n},{t}) subsets"
    );
    let mut first: Option<Signature> = None;
    for subset in all {
        // Reverse order too: Lagrange interpolation must not care.
        for picked in [subset.clone(), subset.iter().rev().copied().collect()] {
            let chosen: Vec<_> = picked.iter().map(|&i| shares[i]).collect();
            let signature = bls::combine_and_verify(&public_key, IDENTITY, &chosen, t)
                .unwrap_or_else(|e| panic!("{t}-of-{n} subset {picked:?}: {e}"));
            assert_eq!(
                *first.get_or_insert(signature),
                signature,
                "{t}-of-{n} subset {picked:?} gives the same signature"
            );
            assert_eq!(
                bls::decrypt(&ciphertext, &signature).expect("decrypts"),
                PLAINTEXT,
                "subset {picked:?}"
            );
        }
    }
}

#[test]
fn two_of_three_combines_with_every_pair() {
    every_t_subset_combines_verifies_and_decrypts(2, 3, 1);
}

#[test]
fn three_of_five_combines_with_every_triple() {
    every_t_subset_combines_verifies_and_decrypts(3, 5, 2);
}

#[test]
fn fewer_than_threshold_shares_is_an_error_never_plaintext() {
    let (public_key, key_shares) = bls::deal(3, 5, &mut rng(3)).expect("deal");
    let shares: Vec<_> = key_shares
        .iter()
        .take(2)
        .map(|k| k.sign(IDENTITY))
        .collect();
    assert!(matches!(
        bls::combine_and_verify(&public_key, IDENTITY, &shares, 3),
        Err(CryptoError::NotEnoughShares { got: 2, need: 3 })
    ));
    // Combining blindly gives a point that is not the key's signature.
    let wrong = bls::combine(&shares).expect("two shares interpolate");
    assert!(matches!(
        public_key.verify(IDENTITY, &wrong),
        Err(CryptoError::VerificationFailed)
    ));
    let ciphertext = bls::encrypt(&public_key, PLAINTEXT, IDENTITY).expect("encrypt");
    assert!(matches!(
        bls::decrypt(&ciphertext, &wrong),
        Err(CryptoError::DecryptionFailed)
    ));
    assert!(matches!(
        bls::combine(&[]),
        Err(CryptoError::NotEnoughShares { got: 0, need: 2 })
    ));
}

#[test]
fn a_share_from_a_foreign_key_is_an_error() {
    let (public_key, key_shares) = bls::deal(2, 3, &mut rng(4)).expect("deal");
    let (_, foreign_shares) = bls::deal(2, 3, &mut rng(5)).expect("deal");
    // Same share id 2, other key.
    let mixed = [
        key_shares[0].sign(IDENTITY),
        foreign_shares[1].sign(IDENTITY),
    ];
    assert!(matches!(
        bls::combine_and_verify(&public_key, IDENTITY, &mixed, 2),
        Err(CryptoError::VerificationFailed)
    ));
    let signature = bls::combine(&mixed).expect("interpolates");
    let ciphertext = bls::encrypt(&public_key, PLAINTEXT, IDENTITY).expect("encrypt");
    assert!(matches!(
        bls::decrypt(&ciphertext, &signature),
        Err(CryptoError::DecryptionFailed)
    ));
    assert!(
        key_shares[1]
            .public_share()
            .verify(IDENTITY, &mixed[1])
            .is_err(),
        "public share spots the foreign share"
    );
}

#[test]
fn duplicate_share_ids_are_refused() {
    let (_, key_shares) = bls::deal(2, 3, &mut rng(6)).expect("deal");
    let share = key_shares[0].sign(IDENTITY);
    assert!(matches!(
        bls::combine(&[share, share]),
        Err(CryptoError::DuplicateShareId { id: 1 })
    ));
}

#[test]
fn a_wrong_identity_is_an_error_never_plaintext() {
    let (public_key, key_shares) = bls::deal(2, 3, &mut rng(7)).expect("deal");
    let ciphertext = bls::encrypt(&public_key, PLAINTEXT, IDENTITY).expect("encrypt");
    let other = b"lit-accesscontrolcondition://other/identity";
    let shares: Vec<_> = key_shares.iter().take(2).map(|k| k.sign(other)).collect();
    let signature = bls::combine_and_verify(&public_key, other, &shares, 2)
        .expect("valid for the other identity");
    assert!(matches!(
        bls::decrypt(&ciphertext, &signature),
        Err(CryptoError::DecryptionFailed)
    ));
    assert!(matches!(
        public_key.verify_and_decrypt(IDENTITY, &ciphertext, &signature),
        Err(CryptoError::VerificationFailed)
    ));
}

#[test]
fn every_corrupted_ciphertext_byte_is_an_error() {
    let (public_key, key_shares) = bls::deal(2, 3, &mut rng(8)).expect("deal");
    let shares: Vec<_> = key_shares
        .iter()
        .take(2)
        .map(|k| k.sign(IDENTITY))
        .collect();
    let signature = bls::combine(&shares).expect("combine");
    let ciphertext = bls::encrypt(&public_key, PLAINTEXT, IDENTITY).expect("encrypt");
    for i in 0..ciphertext.len() {
        let mut corrupted = ciphertext.clone();
        corrupted[i] ^= 0x01;
        match bls::decrypt(&corrupted, &signature) {
            Err(CryptoError::MalformedCiphertext) | Err(CryptoError::DecryptionFailed) => {}
            other => panic!("flipping byte {i} gave {other:?}"),
        }
    }
    let mut longer = ciphertext.clone();
    longer.push(0);
    assert!(matches!(
        bls::decrypt(&longer, &signature),
        Err(CryptoError::MalformedCiphertext)
    ));
    assert!(matches!(
        bls::decrypt(&ciphertext[..100], &signature),
        Err(CryptoError::MalformedCiphertext)
    ));
    assert!(matches!(
        bls::ciphertext_from_base64("not base64!"),
        Err(CryptoError::InvalidBase64)
    ));
}

#[test]
fn empty_and_large_plaintexts_round_trip() {
    let (public_key, key_shares) = bls::deal(2, 2, &mut rng(9)).expect("deal");
    let signature = bls::combine(
        &key_shares
            .iter()
            .map(|k| k.sign(IDENTITY))
            .collect::<Vec<_>>(),
    )
    .expect("combine");
    for plaintext in [Vec::new(), vec![7u8; 31], vec![9u8; 100_000]] {
        let ciphertext = bls::encrypt(&public_key, &plaintext, IDENTITY).expect("encrypt");
        assert_eq!(
            bls::decrypt(&ciphertext, &signature).expect("decrypts"),
            plaintext,
            "length {}",
            plaintext.len()
        );
    }
}

#[test]
fn invalid_thresholds_are_refused() {
    for (t, n) in [(1, 3), (0, 0), (4, 3), (2, 256)] {
        assert!(
            matches!(
                bls::deal(t, n, &mut rng(10)),
                Err(CryptoError::InvalidThreshold { .. })
            ),
            "{t} of {n}"
        );
    }
}

#[test]
fn key_share_bytes_round_trip_and_bad_shares_are_refused() {
    let (_, key_shares) = bls::deal(2, 3, &mut rng(11)).expect("deal");
    let share = &key_shares[2];
    let again = KeyShare::from_bytes(&share.to_bytes()).expect("round trip");
    assert_eq!(again.to_hex().as_str(), share.to_hex().as_str());
    assert_eq!(KeyShare::from_hex(&share.to_hex()).expect("hex").index(), 3);
    let mut zero_id = *share.to_bytes();
    zero_id[0] = 0;
    assert!(matches!(
        KeyShare::from_bytes(&zero_id),
        Err(CryptoError::InvalidKeyShare)
    ));
    let mut zero_scalar = [0u8; 33];
    zero_scalar[0] = 1;
    assert!(matches!(
        KeyShare::from_bytes(&zero_scalar),
        Err(CryptoError::InvalidKeyShare)
    ));
    assert!(
        matches!(
            KeyShare::from_bytes(&[0xff; 33]),
            Err(CryptoError::InvalidKeyShare)
        ),
        "scalar above the group order"
    );
    assert!(matches!(
        KeyShare::from_hex("01ab"),
        Err(CryptoError::InvalidKeyShare)
    ));
}

#[test]
fn key_share_debug_never_shows_the_secret() {
    let (public_key, key_shares) = bls::deal(2, 3, &mut rng(12)).expect("deal");
    let secret_hex = key_shares[0].to_hex().to_string();
    let debug = format!("{:?}", key_shares[0]);
    assert!(
        debug.contains("redacted") && !debug.contains(&secret_hex[2..]),
        "{debug}"
    );
    let file = KeyShareFile {
        network_public_key: public_key,
        threshold: 2,
        total: 3,
        key_share: key_shares[0].clone(),
    };
    let debug = format!("{file:?}");
    assert!(!debug.contains(&secret_hex[2..]), "{debug}");
}

#[test]
fn key_share_file_round_trips_and_inconsistent_files_are_refused() {
    let (public_key, key_shares) = bls::deal(2, 3, &mut rng(13)).expect("deal");
    let file = KeyShareFile {
        network_public_key: public_key,
        threshold: 2,
        total: 3,
        key_share: key_shares[1].clone(),
    };
    let text = file.to_json();
    let parsed = KeyShareFile::from_json(&text).expect("parses");
    assert_eq!(parsed.network_public_key, public_key);
    assert_eq!(
        (parsed.threshold, parsed.total, parsed.key_share.index()),
        (2, 3, 2)
    );
    assert_eq!(
        parsed.key_share.sign(IDENTITY),
        key_shares[1].sign(IDENTITY)
    );

    let mut json: serde_json::Value = serde_json::from_str(&text).expect("json");
    json["index"] = 3.into();
    assert!(matches!(
        KeyShareFile::from_json(&json.to_string()),
        Err(CryptoError::InvalidKeyShareFile { .. })
    ));
    let mut json: serde_json::Value = serde_json::from_str(&text).expect("json");
    json["publicKeyShare"] = key_shares[0].public_share().to_hex().into();
    assert!(matches!(
        KeyShareFile::from_json(&json.to_string()),
        Err(CryptoError::InvalidKeyShareFile { .. })
    ));
    let mut json: serde_json::Value = serde_json::from_str(&text).expect("json");
    json["threshold"] = 4.into();
    assert!(matches!(
        KeyShareFile::from_json(&json.to_string()),
        Err(CryptoError::InvalidKeyShareFile { .. })
    ));
    assert!(matches!(
        KeyShareFile::from_json("{}"),
        Err(CryptoError::InvalidKeyShareFile { .. })
    ));
}

#[test]
fn malformed_keys_shares_and_signatures_are_typed_errors() {
    assert!(matches!(
        NetworkPublicKey::from_hex(&"00".repeat(48)),
        Err(CryptoError::InvalidPublicKey)
    ));
    assert!(matches!(
        NetworkPublicKey::from_hex("97248533"),
        Err(CryptoError::InvalidPublicKey)
    ));
    // The compressed identity point (infinity flag set) is a valid encoding but not a key.
    let mut infinity = [0u8; 48];
    infinity[0] = 0xc0;
    assert!(matches!(
        NetworkPublicKey::from_bytes(&infinity),
        Err(CryptoError::InvalidPublicKey)
    ));
    assert!(matches!(
        Signature::from_hex(&"ab".repeat(96)),
        Err(CryptoError::InvalidSignature)
    ));
    assert!(matches!(
        SignatureShare::from_hex(&"ab".repeat(97)),
        Err(CryptoError::InvalidSignatureShare)
    ));
    let (_, key_shares) = bls::deal(2, 3, &mut rng(14)).expect("deal");
    let mut zero_id = key_shares[0].sign(IDENTITY).to_bytes();
    zero_id[0] = 0;
    assert!(matches!(
        SignatureShare::from_bytes(&zero_id),
        Err(CryptoError::InvalidSignatureShare)
    ));
    let other_scheme = serde_json::json!({ "Basic": key_shares[0].sign(IDENTITY).to_hex() });
    assert!(matches!(
        SignatureShare::from_json_value(&other_scheme),
        Err(CryptoError::InvalidSignatureShare)
    ));
    assert!(matches!(
        SignatureShare::from_json_value(&serde_json::json!("x")),
        Err(CryptoError::InvalidSignatureShare)
    ));
}

#[test]
fn combine_and_decrypt_opens_with_good_shares_and_names_each_fault() {
    let (public_key, key_shares) = bls::deal(2, 3, &mut rng(21)).expect("deal");
    let (_, foreign) = bls::deal(2, 3, &mut rng(22)).expect("deal");
    let ciphertext = bls::encrypt(&public_key, PLAINTEXT, IDENTITY).expect("encrypt");
    let good: Vec<_> = key_shares
        .iter()
        .skip(1)
        .map(|k| k.sign(IDENTITY))
        .collect();
    assert_eq!(
        bls::combine_and_decrypt(&public_key, IDENTITY, &ciphertext, &good, 2).expect("opens"),
        PLAINTEXT
    );
    // Wrong shares: named as such, as a verify-first client would.
    let mixed = [key_shares[0].sign(IDENTITY), foreign[1].sign(IDENTITY)];
    assert!(matches!(
        bls::combine_and_decrypt(&public_key, IDENTITY, &ciphertext, &mixed, 2),
        Err(CryptoError::VerificationFailed)
    ));
    // Good shares, altered ciphertext: the ciphertext's fault.
    let mut altered = ciphertext.clone();
    let last = altered.len() - 1;
    altered[last] ^= 1;
    assert!(matches!(
        bls::combine_and_decrypt(&public_key, IDENTITY, &altered, &good, 2),
        Err(CryptoError::DecryptionFailed | CryptoError::MalformedCiphertext)
    ));
    // Too few shares.
    assert!(matches!(
        bls::combine_and_decrypt(&public_key, IDENTITY, &ciphertext, &good[..1], 2),
        Err(CryptoError::NotEnoughShares { got: 1, need: 2 })
    ));
}
