//! Requests per second one node serves on `POST /web/encryption/sign/` (full flow over HTTP:
//! JSON, conditions hash, session-sig verification with the capability cache, rate-limit
//! commit, evaluation, BLS share), next to the floor set by the BLS share signature alone,
//! measured in the same run on the same machine.
//!
//! `encryption_sign/http_concurrent_16` fires requests from 16 concurrent clients in this same
//! process (they share the CPU with the node), so its time per element is 1 / throughput.
//! `floor_share_sign_and_ed25519_verify` is the cryptography a warm request cannot skip (one
//! share signature, one ed25519 `verify_strict`) on one core: with C cores the node cannot exceed
//! C / that time requests per second.
//!
//! The rest of the group is where one request's time goes, step by step: the request JSON, the
//! conditions hash, the cached session-sig verification, the use committed to redb (alone, and
//! 16 at a time, which the store commits together), the share, the response JSON. Subtracting
//! their sum from `http_sequential` leaves HTTP and task hand-offs.

use alloy_signer_local::PrivateKeySigner;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde_json::{json, Value};
use sigil_auth::{
    generate_auth_sig, sign_session_sigs, siwe, LitAbility, LitResource, ResourceAbilityRequest,
    ResourcePrefix, SessionKeyPair, SessionSigningParams,
};
use sigil_crypto::bls;
use sigil_crypto::conditions::{self, ConditionSet};
use sigil_devnet::{Devnet, DevnetConfig};
use sigil_node::{RateLimitPolicy, UsageRequest, UsageStore};
use sigil_wire::{EncryptionSignRequest, EncryptionSignResponse, SignatureShareJson};
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

const CONCURRENCY: u64 = 16;

struct Target {
    url: String,
    node_address: String,
    body: Arc<String>,
    auth_sig: sigil_auth::AuthSig,
    client: reqwest::Client,
}

fn prepare(runtime: &tokio::runtime::Runtime) -> (Devnet, Target) {
    let devnet = runtime
        .block_on(Devnet::start(DevnetConfig {
            nodes: 2,
            free_allowance: u64::MAX,
            ..DevnetConfig::default()
        }))
        .expect("devnet");
    let wallet = PrivateKeySigner::random();
    let conditions = json!([{
        "contractAddress": "", "standardContractType": "", "chain": "ethereum", "method": "",
        "parameters": [":userAddress"],
        "returnValueTest": {"comparator": "=", "value": wallet.address().to_string()}
    }]);
    let data_to_encrypt_hash = conditions::data_to_encrypt_hash(b"bench");
    let now = OffsetDateTime::now_utc();
    let session_key = SessionKeyPair::generate(&mut rand::rngs::OsRng);
    let request = ResourceAbilityRequest::new(
        LitResource::wildcard(ResourcePrefix::AccessControlCondition),
        LitAbility::AccessControlConditionDecryption,
    )
    .expect("request");
    let siwe_params =
        siwe::SiweMessageParams::new(wallet.address(), devnet.latest_block().hash.to_string())
            .with_uri(session_key.uri())
            .with_expiration(now + time::Duration::hours(2))
            .with_resources(vec![request.clone()]);
    let auth_sig = generate_auth_sig(
        &wallet,
        &siwe::create_siwe_message(&siwe_params, now).expect("siwe"),
    )
    .expect("auth sig");
    let params = SessionSigningParams {
        resource_ability_requests: vec![request],
        capabilities: vec![auth_sig],
        issued_at: now,
        expiration: now + time::Duration::hours(2),
    };
    let url = devnet.node_urls()[0].clone();
    let sigs = sign_session_sigs(&session_key, &params, &[url.as_str()]).expect("session sigs");
    let body = json!({
        "accessControlConditions": conditions,
        "dataToEncryptHash": data_to_encrypt_hash,
        "chain": "ethereum",
        "authSig": sigs.get(&url).expect("sig"),
        "epoch": 3,
    });
    let target = Target {
        url: format!("{url}/web/encryption/sign/"),
        node_address: url.trim_start_matches("http://").to_owned(),
        body: Arc::new(body.to_string()),
        auth_sig: sigs.get(&url).expect("sig").clone(),
        client: reqwest::Client::new(),
    };
    (devnet, target)
}

async fn one_request(target: &Target) {
    let response = target
        .client
        .post(&target.url)
        .header("Content-Type", "application/json")
        .header("X-Request-Id", "lit_bench")
        .body(target.body.as_str().to_owned())
        .send()
        .await
        .expect("node answers");
    assert_eq!(
        response.status().as_u16(),
        200,
        "{:?}",
        response.text().await
    );
    let _: Value = response.json().await.expect("json");
}

/// `iters` runs of `job` spread over `CONCURRENCY` tasks running at once; returns the wall time.
async fn concurrent<F, Fut>(iters: u64, job: F) -> Duration
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let started = Instant::now();
    let workers: Vec<_> = (0..CONCURRENCY)
        .map(|worker| {
            let job = job.clone();
            let share = iters / CONCURRENCY + u64::from(worker < iters % CONCURRENCY);
            tokio::spawn(async move {
                for _ in 0..share {
                    job().await;
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.expect("worker");
    }
    started.elapsed()
}

fn encryption_sign(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (devnet, target) = prepare(&runtime);
    let target = Arc::new(target);

    let (_, shares) = bls::deal(2, 3, &mut rand::rngs::OsRng).expect("deal");
    let identity = ConditionSet::from_document(r#"[{"contractAddress":"","standardContractType":"","chain":"ethereum","method":"","parameters":[":userAddress"],"returnValueTest":{"comparator":"=","value":"0x50e2dac5e78B5905CB09495547452cEE64426db2"}}]"#)
        .expect("conditions")
        .identity(&conditions::data_to_encrypt_hash(b"bench"));

    let mut group = c.benchmark_group("encryption_sign");
    group.throughput(Throughput::Elements(1));
    group.bench_function("bls_share_sign", |b| {
        b.iter(|| shares[0].sign(black_box(identity.as_bytes())))
    });
    let session_sig = &target.auth_sig;
    let session_key = ed25519_dalek::VerifyingKey::from_bytes(
        &hex::decode(&session_sig.address)
            .expect("session key hex")
            .try_into()
            .expect("32 bytes"),
    )
    .expect("session key");
    let session_signature: ed25519_dalek::Signature = session_sig.sig.parse().expect("ed25519");
    group.bench_function("floor_share_sign_and_ed25519_verify", |b| {
        b.iter(|| {
            session_key
                .verify_strict(
                    black_box(session_sig.signed_message.as_bytes()),
                    &session_signature,
                )
                .expect("verifies");
            shares[0].sign(black_box(identity.as_bytes()))
        })
    });
    // The other steps of one request, for the breakdown.
    group.bench_function("request_json_parse", |b| {
        b.iter(|| {
            serde_json::from_str::<EncryptionSignRequest>(black_box(&target.body)).expect("request")
        })
    });
    let share_hex = shares[0].sign(identity.as_bytes()).to_hex();
    group.bench_function("response_json", |b| {
        b.iter(|| {
            serde_json::to_vec(&EncryptionSignResponse {
                result: "success".to_owned(),
                signature_share: SignatureShareJson::ProofOfPossession(
                    black_box(&share_hex).clone(),
                ),
                share_index: 0,
            })
            .expect("json")
        })
    });
    let usage_dir = tempfile::tempdir().expect("temp dir");
    let usage = Arc::new(
        UsageStore::open(
            &usage_dir.path().join("usage.redb"),
            RateLimitPolicy {
                free_allowance: u64::MAX,
                ..RateLimitPolicy::default()
            },
        )
        .expect("usage store"),
    );
    let use_request = || UsageRequest {
        user: alloy_primitives::Address::repeat_byte(7),
        owned: Vec::new(),
        delegated: Vec::new(),
        now: 1_750_000_000,
    };
    group.bench_function("usage_commit", |b| {
        b.iter(|| {
            runtime
                .block_on(usage.allocate(use_request()))
                .expect("counted")
        })
    });
    group.bench_function("usage_commit_concurrent_16", |b| {
        b.iter_custom(|iters| {
            let usage = Arc::clone(&usage);
            runtime.block_on(concurrent(iters, move || {
                let counted = usage.allocate(use_request());
                async move {
                    counted.await.expect("counted");
                }
            }))
        })
    });
    group.bench_function("conditions_from_body", |b| {
        b.iter(|| {
            ConditionSet::from_request_str(black_box(&target.body))
                .expect("conditions")
                .hash_hex()
        })
    });
    let cache = sigil_auth::CapabilityCache::new(16);
    let resource = ConditionSet::from_request_str(&target.body)
        .expect("conditions")
        .identity(&conditions::data_to_encrypt_hash(b"bench"));
    let resource = LitResource::parse(&resource).expect("resource");
    let request = sigil_auth::VerificationRequest {
        resource: &resource,
        ability: LitAbility::AccessControlConditionDecryption,
        node_address: &target.node_address,
        now: OffsetDateTime::now_utc(),
        network_public_key: None,
    };
    group.bench_function("verify_session_sig_cached", |b| {
        b.iter(|| {
            sigil_auth::verify_session_sig(black_box(&target.auth_sig), &request, Some(&cache))
                .expect("valid")
        })
    });
    group.bench_function("http_sequential", |b| {
        b.iter(|| runtime.block_on(one_request(&target)))
    });
    group.bench_function("http_concurrent_16", |b| {
        b.iter_custom(|iters| {
            let target = Arc::clone(&target);
            runtime.block_on(concurrent(iters, move || {
                let target = Arc::clone(&target);
                async move { one_request(&target).await }
            }))
        })
    });
    group.finish();
    runtime.block_on(devnet.shutdown());
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(10));
    targets = encryption_sign
}
criterion_main!(benches);
