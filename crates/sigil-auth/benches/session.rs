//! Session-sig costs: node-side verification (cold and with a capability-cache hit), signing for
//! 1, 10 and 100 nodes, and the floor every verification pays: one ed25519 `verify_strict` and
//! one secp256k1 public-key recovery. PKP sessions (a `lit.bls` capability the network signed):
//! verification cold and with a cache hit, against one BLS signature verification (their floor,
//! with the ed25519 one). A wallet's own AuthSig of each kind (EVM, contract wallet before its
//! chain call, Solana, Cosmos), cold, against its scheme's floor.

use alloy_primitives::Signature;
use alloy_signer_local::PrivateKeySigner;
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use sigil_auth::siwe::{create_siwe_message, SiweMessageParams};
use sigil_auth::*;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const NOW: OffsetDateTime = datetime!(2025-01-01 00:00 UTC);
const NODE_URL: &str = "http://127.0.0.1:7470";

struct Fixture {
    key: SessionKeyPair,
    params: SessionSigningParams,
    session_sig: AuthSig,
    resource: LitResource,
}

fn fixture() -> Fixture {
    let wallet: PrivateKeySigner =
        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
            .parse()
            .expect("key");
    let key = SessionKeyPair::from_seed([1u8; 32]);
    let request = ResourceAbilityRequest::new(
        LitResource::wildcard(ResourcePrefix::AccessControlCondition),
        LitAbility::AccessControlConditionDecryption,
    )
    .expect("valid request");
    let siwe = SiweMessageParams::new(
        wallet.address(),
        "0x8e2e8d2a1d3f4c5b6a798817263544536271809",
    )
    .with_uri(key.uri())
    .with_expiration(NOW + Duration::days(1))
    .with_resources(vec![request.clone()]);
    let auth_sig =
        generate_auth_sig(&wallet, &create_siwe_message(&siwe, NOW).expect("siwe")).expect("sign");
    let params = SessionSigningParams {
        resource_ability_requests: vec![request],
        capabilities: vec![auth_sig],
        issued_at: NOW,
        expiration: NOW + Duration::hours(1),
    };
    let sigs = sign_session_sigs(&key, &params, &[NODE_URL]).expect("session sigs");
    let session_sig = sigs.get(NODE_URL).expect("one sig").clone();
    let resource = LitResource::parse(
        "lit-accesscontrolcondition://5b2c1a1e3b6a4b9f1c1f7f3e2d6c8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f/\
         0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
    )
    .expect("resource");
    Fixture {
        key,
        params,
        session_sig,
        resource,
    }
}

fn verification(c: &mut Criterion) {
    let fixture = fixture();
    let request = VerificationRequest {
        resource: &fixture.resource,
        ability: LitAbility::AccessControlConditionDecryption,
        node_address: "127.0.0.1:7470",
        now: NOW,
        network_public_key: None,
    };
    c.bench_function("verify_session_sig/cold", |b| {
        b.iter(|| {
            verify_session_sig(black_box(&fixture.session_sig), &request, None).expect("valid")
        })
    });
    let cache = CapabilityCache::new(1024);
    verify_session_sig(&fixture.session_sig, &request, Some(&cache)).expect("valid");
    c.bench_function("verify_session_sig/cache_hit", |b| {
        b.iter(|| {
            verify_session_sig(black_box(&fixture.session_sig), &request, Some(&cache))
                .expect("valid")
        })
    });
}

/// A PKP session: its capability signed by two of three shares of a network key, as
/// `/web/sign_session_key` answers, and a session sig over it.
struct PkpFixture {
    network_key: NetworkPublicKey,
    session_sig: AuthSig,
    capability: AuthSig,
    resource: LitResource,
}

fn pkp_fixture() -> PkpFixture {
    let (network_key, shares) =
        sigil_crypto::bls::deal(2, 3, &mut rand_core::OsRng).expect("a network key");
    let key = SessionKeyPair::from_seed([1u8; 32]);
    let request = ResourceAbilityRequest::new(
        LitResource::wildcard(ResourcePrefix::Pkp),
        LitAbility::PkpSigning,
    )
    .expect("valid request");
    let pkp = alloy_primitives::address!("3333333333333333333333333333333333333333");
    let siwe = SiweMessageParams::new(pkp, "0x8e2e8d2a1d3f4c5b6a798817263544536271809")
        .with_uri(key.uri())
        .with_expiration(NOW + Duration::days(1))
        .with_resources(vec![request.clone()]);
    let signed_message = create_siwe_message(&siwe, NOW).expect("siwe");
    let digest = network_session_digest(&signed_message);
    let signature_shares: Vec<_> = shares[1..]
        .iter()
        .map(|share| share.sign(&digest))
        .collect();
    let signature = sigil_crypto::bls::combine(&signature_shares).expect("combines");
    let capability = AuthSig {
        sig: format!(r#"{{"ProofOfPossession":"{}"}}"#, signature.to_hex()),
        derived_via: DERIVED_VIA_NETWORK.to_owned(),
        signed_message,
        address: pkp.to_checksum(None),
        algo: Some(ALGO_NETWORK.to_owned()),
    };
    let params = SessionSigningParams {
        resource_ability_requests: vec![request],
        capabilities: vec![capability.clone()],
        issued_at: NOW,
        expiration: NOW + Duration::hours(1),
    };
    let sigs = sign_session_sigs(&key, &params, &[NODE_URL]).expect("session sigs");
    PkpFixture {
        network_key,
        session_sig: sigs.get(NODE_URL).expect("one sig").clone(),
        capability,
        resource: LitResource::new(ResourcePrefix::Pkp, "ab".repeat(32)).expect("resource"),
    }
}

fn pkp_session_verification(c: &mut Criterion) {
    let fixture = pkp_fixture();
    let request = VerificationRequest {
        resource: &fixture.resource,
        ability: LitAbility::PkpSigning,
        node_address: "127.0.0.1:7470",
        now: NOW,
        network_public_key: Some(&fixture.network_key),
    };
    c.bench_function("verify_session_sig/lit_bls_cold", |b| {
        b.iter(|| {
            verify_session_sig(black_box(&fixture.session_sig), &request, None).expect("valid")
        })
    });
    let cache = CapabilityCache::new(1024);
    verify_session_sig(&fixture.session_sig, &request, Some(&cache)).expect("valid");
    c.bench_function("verify_session_sig/lit_bls_cache_hit", |b| {
        b.iter(|| {
            verify_session_sig(black_box(&fixture.session_sig), &request, Some(&cache))
                .expect("valid")
        })
    });

    let digest = network_session_digest(&fixture.capability.signed_message);
    let proof: serde_json::Value =
        serde_json::from_str(&fixture.capability.sig).expect("ProofOfPossession JSON");
    let signature =
        sigil_crypto::bls::Signature::from_hex(proof["ProofOfPossession"].as_str().expect("hex"))
            .expect("a signature");
    c.bench_function("floor/bls_verify", |b| {
        b.iter(|| {
            fixture
                .network_key
                .verify(black_box(&digest), &signature)
                .expect("valid")
        })
    });
}

/// A wallet's own AuthSig of each kind, checked cold (no cache: a node checks these afresh),
/// against the floor of its signature scheme.
fn bare_auth_sigs(c: &mut Criterion) {
    let wallet: PrivateKeySigner =
        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
            .parse()
            .expect("key");
    let siwe = SiweMessageParams::new(
        wallet.address(),
        "0x8e2e8d2a1d3f4c5b6a798817263544536271809",
    )
    .with_uri("https://app.example")
    .with_expiration(NOW + Duration::hours(1));
    let evm =
        generate_auth_sig(&wallet, &create_siwe_message(&siwe, NOW).expect("siwe")).expect("sign");
    c.bench_function("bare_auth_sig/evm_wallet", |b| {
        b.iter(|| verify_wallet_auth_sig(black_box(&evm), NOW).expect("valid"))
    });
    let contract = AuthSig {
        derived_via: "EIP1271".to_owned(),
        ..evm.clone()
    };
    c.bench_function("bare_auth_sig/contract_wallet_before_the_chain", |b| {
        b.iter(|| prepare_contract_auth_sig(black_box(&contract), false, NOW).expect("valid"))
    });

    let vectors: serde_json::Value =
        serde_json::from_str(include_str!("../tests/vectors/chain-auth-sigs.json"))
            .expect("vectors");
    let solana: AuthSig = serde_json::from_value(vectors["solana"].clone()).expect("solana");
    c.bench_function("bare_auth_sig/solana", |b| {
        b.iter(|| verify_solana_auth_sig(black_box(&solana)).expect("valid"))
    });
    let cosmos: AuthSig = serde_json::from_value(vectors["cosmos"].clone()).expect("cosmos");
    c.bench_function("bare_auth_sig/cosmos", |b| {
        b.iter(|| verify_cosmos_auth_sig(black_box(&cosmos), "cosmos").expect("valid"))
    });

    // The Cosmos floor: one secp256k1 public-key recovery from a digest (libsecp256k1, as the
    // check recovers; it tries the other parity only when the first is not the address's).
    let digest =
        alloy_primitives::B256::from_slice(&hex::decode(&cosmos.signed_message).expect("hex"));
    let rs = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &cosmos.sig)
        .expect("base64");
    let signature = Signature::new(
        alloy_primitives::U256::from_be_slice(&rs[..32]),
        alloy_primitives::U256::from_be_slice(&rs[32..]),
        false,
    );
    c.bench_function("floor/secp256k1_recover_prehash", |b| {
        b.iter(|| signature.recover_from_prehash_secp256k1(black_box(&digest)))
    });
}

fn signing(c: &mut Criterion) {
    let fixture = fixture();
    let mut group = c.benchmark_group("sign_session_sigs");
    for nodes in [1usize, 10, 100] {
        let urls: Vec<String> = (0..nodes)
            .map(|i| format!("http://127.0.0.1:{}", 7470 + i))
            .collect();
        group.bench_with_input(BenchmarkId::from_parameter(nodes), &urls, |b, urls| {
            b.iter(|| {
                sign_session_sigs(&fixture.key, black_box(&fixture.params), urls).expect("signs")
            })
        });
    }
    group.finish();
}

fn floor(c: &mut Criterion) {
    let fixture = fixture();
    let key = fixture.key.verifying_key();
    let signature: ed25519_dalek::Signature =
        fixture.session_sig.sig.parse().expect("hex signature");
    let message = fixture.session_sig.signed_message.as_bytes();
    c.bench_function("floor/ed25519_verify_strict", |b| {
        b.iter(|| {
            key.verify_strict(black_box(message), &signature)
                .expect("valid")
        })
    });

    let capability = &fixture.params.capabilities[0];
    let wallet_sig =
        Signature::from_raw(&hex::decode(&capability.sig[2..]).expect("hex")).expect("65 bytes");
    let siwe = capability.signed_message.as_bytes();
    c.bench_function("floor/secp256k1_recover", |b| {
        b.iter(|| {
            wallet_sig
                .recover_address_from_msg(black_box(siwe))
                .expect("recovers")
        })
    });
}

criterion_group!(
    benches,
    verification,
    pkp_session_verification,
    bare_auth_sigs,
    signing,
    floor
);
criterion_main!(benches);
