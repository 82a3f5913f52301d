//! Decryption end to end, as a user sees it: `LitNodeClient::decrypt_to_string` against an
//! in-process 3-node, threshold-2 devnet (session sigs made once, then every decrypt asks the
//! nodes for shares, combines, verifies and decrypts). One client, and 32 concurrent clients
//! (each its own wallet, client and ciphertext), whose time per element is 1 / throughput.
//! `scripts/bench-compare` runs the same flow with the nodes in processes of their own and the
//! JS SDK beside it; this bench is the in-process figure behind it.

use alloy_signer_local::PrivateKeySigner;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sigil_client::{
    generate_auth_sig, AuthCallbackParams, AuthSig, ClientError, ConditionSet,
    CreateSiweMessageParams, DecryptRequest, LitAbility, LitNetwork, LitNodeClient,
    LitNodeClientConfig, LitResource, ResourceAbilityRequest, ResourcePrefix, SessionSigs,
    SessionSigsParams,
};
use sigil_devnet::{Devnet, DevnetConfig};
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

const CONCURRENT_CLIENTS: u64 = 32;

struct User {
    client: LitNodeClient,
    session_sigs: SessionSigs,
    request: DecryptRequest,
    plaintext: String,
}

async fn user(rpc_url: &str, index: u64) -> User {
    let client =
        LitNodeClient::new(LitNodeClientConfig::new(LitNetwork::custom(rpc_url))).expect("client");
    client.connect().await.expect("connect");
    let wallet = PrivateKeySigner::random();
    let conditions = ConditionSet::from_document(&format!(
        r#"[{{"contractAddress":"","standardContractType":"","chain":"ethereum","method":"","parameters":[":userAddress"],"returnValueTest":{{"comparator":"=","value":"{}"}}}}]"#,
        wallet.address()
    ))
    .expect("conditions");
    let mut params = SessionSigsParams::new(vec![ResourceAbilityRequest::new(
        LitResource::wildcard(ResourcePrefix::AccessControlCondition),
        LitAbility::AccessControlConditionDecryption,
    )
    .expect("request")]);
    params.expiration = Some(OffsetDateTime::now_utc() + time::Duration::hours(1));
    let session_sigs = client
        .get_session_sigs(params, async |callback: AuthCallbackParams| {
            let mut siwe = CreateSiweMessageParams::new(wallet.address(), callback.uri);
            siwe.expiration = Some(callback.expiration);
            siwe.resources = callback.resource_ability_requests;
            let to_sign = client.create_siwe_message(siwe).await?;
            Ok::<AuthSig, ClientError>(generate_auth_sig(&wallet, &to_sign)?)
        })
        .await
        .expect("session sigs");
    let plaintext = format!("criterion decrypt #{index}");
    let encrypted = client
        .encrypt_string(&conditions, &plaintext)
        .expect("encrypt");
    User {
        request: DecryptRequest::new(conditions, encrypted),
        client,
        session_sigs,
        plaintext,
    }
}

async fn decrypt(user: &User) {
    let decrypted = user
        .client
        .decrypt_to_string(&user.request, &user.session_sigs)
        .await
        .expect("decrypt");
    assert_eq!(decrypted, user.plaintext);
}

/// `iters` decrypts shared out among every user, all at once; returns the wall time.
async fn concurrent(users: &[Arc<User>], iters: u64) -> Duration {
    let clients = users.len() as u64;
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .zip(users)
        .map(|(index, user)| {
            let user = Arc::clone(user);
            let share = iters / clients + u64::from(index < iters % clients);
            tokio::spawn(async move {
                for _ in 0..share {
                    decrypt(&user).await;
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.expect("worker");
    }
    started.elapsed()
}

fn decrypt_end_to_end(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let devnet = runtime
        .block_on(Devnet::start(DevnetConfig {
            nodes: 3,
            threshold: 2,
            free_allowance: u64::MAX,
            ..DevnetConfig::default()
        }))
        .expect("devnet");
    let rpc_url = devnet.rpc_url();
    // One after the other: the auth callback's future is not `Send`, so it is not spawned.
    let users: Vec<Arc<User>> = runtime.block_on(async {
        let mut users = Vec::new();
        for index in 0..CONCURRENT_CLIENTS {
            users.push(Arc::new(user(&rpc_url, index).await));
        }
        users
    });

    let mut group = c.benchmark_group("decrypt_end_to_end");
    group.throughput(Throughput::Elements(1));
    group.bench_function("one_client", |b| {
        b.iter(|| runtime.block_on(decrypt(&users[0])))
    });
    group.bench_function("concurrent_32", |b| {
        b.iter_custom(|iters| runtime.block_on(concurrent(&users, iters)))
    });
    group.finish();
    runtime.block_on(devnet.shutdown());
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(10));
    targets = decrypt_end_to_end
}
criterion_main!(benches);
