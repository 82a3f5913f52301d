//! One criterion bench per hot operation: what a node does per decryption request (share sign,
//! conditions hash) and what a client does per decryption (combine, verify, decrypt), plus
//! encrypt.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sigil_crypto::bls::{self, SignatureShare};
use sigil_crypto::conditions::{self, ConditionSet};
use std::hint::black_box;

const CONDITIONS: &str = r#"[{"contractAddress":"","standardContractType":"","chain":"ethereum","method":"",
  "parameters":[":userAddress"],"returnValueTest":{"comparator":"=","value":"0x50e2dac5e78B5905CB09495547452cEE64426db2"}}]"#;

fn identity() -> String {
    let set = ConditionSet::from_document(CONDITIONS).expect("conditions");
    set.identity(&conditions::data_to_encrypt_hash(b"hello, session sigs"))
}

fn share_sign(c: &mut Criterion) {
    let (_, key_shares) = bls::deal(2, 3, &mut ChaCha20Rng::from_seed([1; 32])).expect("deal");
    let identity = identity();
    c.bench_function("share_sign", |b| {
        b.iter(|| key_shares[0].sign(black_box(identity.as_bytes())))
    });
}

fn combine(c: &mut Criterion) {
    let identity = identity();
    let mut group = c.benchmark_group("combine");
    for t in [2usize, 3, 7] {
        let (_, key_shares) = bls::deal(t, t, &mut ChaCha20Rng::from_seed([2; 32])).expect("deal");
        let shares: Vec<SignatureShare> = key_shares
            .iter()
            .map(|k| k.sign(identity.as_bytes()))
            .collect();
        group.bench_with_input(BenchmarkId::from_parameter(t), &shares, |b, shares| {
            b.iter(|| bls::combine(black_box(shares)).expect("combine"))
        });
    }
    group.finish();
}

fn verify(c: &mut Criterion) {
    let identity = identity();
    let (public_key, key_shares) =
        bls::deal(2, 3, &mut ChaCha20Rng::from_seed([3; 32])).expect("deal");
    let shares: Vec<_> = key_shares
        .iter()
        .take(2)
        .map(|k| k.sign(identity.as_bytes()))
        .collect();
    let signature = bls::combine(&shares).expect("combine");
    c.bench_function("verify", |b| {
        b.iter(|| {
            public_key
                .verify(black_box(identity.as_bytes()), black_box(&signature))
                .expect("verifies")
        })
    });
}

fn encrypt_decrypt(c: &mut Criterion) {
    let identity = identity();
    let (public_key, key_shares) =
        bls::deal(2, 3, &mut ChaCha20Rng::from_seed([4; 32])).expect("deal");
    let shares: Vec<_> = key_shares
        .iter()
        .take(2)
        .map(|k| k.sign(identity.as_bytes()))
        .collect();
    let signature = bls::combine(&shares).expect("combine");
    for (name, size) in [("1KiB", 1024usize), ("1MiB", 1024 * 1024)] {
        let plaintext = vec![0x5au8; size];
        let ciphertext =
            bls::encrypt(&public_key, &plaintext, identity.as_bytes()).expect("encrypt");

        let mut group = c.benchmark_group("encrypt");
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                bls::encrypt(&public_key, black_box(&plaintext), identity.as_bytes())
                    .expect("encrypt")
            })
        });
        group.finish();

        let mut group = c.benchmark_group("decrypt");
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_function(name, |b| {
            b.iter(|| bls::decrypt(black_box(&ciphertext), &signature).expect("decrypt"))
        });
        group.finish();
    }
}

fn conditions_hash(c: &mut Criterion) {
    c.bench_function("conditions_parse_and_hash", |b| {
        b.iter(|| {
            ConditionSet::from_document(black_box(CONDITIONS))
                .expect("parses")
                .hash()
        })
    });
}

criterion_group!(
    benches,
    share_sign,
    combine,
    verify,
    encrypt_decrypt,
    conditions_hash
);
criterion_main!(benches);
