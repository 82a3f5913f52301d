//! `sigil-bench local`: in-process timings with no network in the timed part, the Rust
//! counterpart of `interop/js/bench/js-bench.js` (same wallet key, session-key seed and nonce,
//! so both sides sign the same kind of bytes).
//!
//! Records (nanoseconds per operation):
//! - `session_sigs_<n>`: `LitNodeClient::get_session_sigs` for `n` connected nodes, with the
//!   auth callback the seed guide writes (`create_siwe_message` + `generate_auth_sig`). The
//!   client is connected once, before timing, to `n` stub nodes that answer the handshake.
//! - `session_sigs_auth_<n>`: the same bytes made with `sigil-auth` alone (no client: no
//!   re-sign check of the fresh wallet sig).
//! - `floor_session_sigs_<n>`: one EIP-191 secp256k1 signature and `n` ed25519 signatures of
//!   a session template: the signing no implementation can skip.
//! - `verify_cold`: a node's `verify_session_sig` with its capability cache, each request
//!   carrying a wallet sig the cache has not seen (a pool twice the cache's size, cycled).
//! - `verify_warm`: the same session sig again and again (capability cached).
//! - `floor_verify`: one ed25519 `verify_strict` + one secp256k1 recovery (libsecp256k1, through
//!   alloy's `secp256k1` feature) + the template JSON parse + the SIWE parse, on the cold pool;
//!   and each of the four alone (`floor_*`).
//! - `ed25519_key_decode`: decoding the session public key (`VerifyingKey::from_bytes`), which
//!   every verification pays on top of the floor's `verify_strict`.
//! - `bls_share_sign`: one BLS signature share of a decryption identity (blsful on blst).

use crate::measure::{interleaved, median, Op, SliceClock};
use crate::record::Record;
use alloy_primitives::Signature as WalletSignature;
use alloy_signer::SignerSync as _;
use alloy_signer_local::PrivateKeySigner;
use anyhow::Context as _;
use ed25519_dalek::{Signer as _, SigningKey};
use sigil_auth::siwe::{create_siwe_message, SiweMessageParams};
use sigil_auth::{
    generate_auth_sig, sign_session_sigs, verify_session_sig, AuthSig, CapabilityCache, LitAbility,
    LitResource, ResourceAbilityRequest, ResourcePrefix, SessionKeyPair, SessionKeySignedMessage,
    SessionSigningParams, SiweMessage, VerificationRequest,
};
use sigil_client::{
    AuthCallbackParams, ClientError, CreateSiweMessageParams, LitNetwork, LitNodeClient,
    LitNodeClientConfig, SessionSigsParams,
};
use sigil_crypto::bls;
use sigil_crypto::conditions::{self, ConditionSet};
use std::future::Future;
use std::hint::black_box;
use std::time::Duration;
use time::macros::datetime;
use time::OffsetDateTime;

/// The inputs of the session-sig vectors and of js-bench.js.
const WALLET_PRIVATE_KEY: &str =
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const SESSION_KEY_SEED: [u8; 32] = [1u8; 32];
const NONCE: &str = "0x8e2e8d2a1d3f4c5b6a79881726354453627180900a0b0c0d0e0f101112131415";

/// The verification fixtures are signed at this time and verified at it, so no clock matters.
const NOW: OffsetDateTime = datetime!(2025-01-01 00:00 UTC);
const NODE_URL: &str = "http://127.0.0.1:7470";
const NODE_ADDRESS: &str = "127.0.0.1:7470";

/// Distinct wallet sigs for the cold verification: twice the cache, so a cyclic walk always
/// misses the LRU.
const COLD_POOL: usize = 512;

#[derive(clap::Args)]
pub struct Args {
    /// Short budgets (the `--quick` run of scripts/bench-compare).
    #[arg(long)]
    quick: bool,
    /// Timing budget per operation in milliseconds [default: 2000, 400 with --quick].
    #[arg(long, value_name = "MS")]
    budget_ms: Option<u64>,
    /// Node counts to make session sigs for.
    #[arg(long, value_delimiter = ',', default_value = "3,10,100")]
    nodes: Vec<usize>,
    /// Leave out the session-sig timings (for repeated runs of the verification group).
    #[arg(long)]
    skip_session_sigs: bool,
    /// Run only these records (e.g. `verify_warm` under a profiler); a `*_<n>` name runs the
    /// session-sig group for `n` nodes.
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    only: Vec<String>,
}

/// Rounds each budget is split into (see `measure`).
const ROUNDS: u32 = 5;

pub fn run(args: Args) -> anyhow::Result<()> {
    let default_ms = if args.quick { 400 } else { 2000 };
    let budget = Duration::from_millis(args.budget_ms.unwrap_or(default_ms));
    // One thread, like the JS side: these are single-core timings.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let fixture = Fixture::new()?;
    let only = &args.only;
    let nodes = if args.skip_session_sigs {
        &[][..]
    } else {
        &args.nodes[..]
    };
    for &nodes in nodes {
        let suffix = format!("_{nodes}");
        if only.is_empty() || only.iter().any(|name| name.ends_with(&suffix)) {
            runtime.block_on(session_sigs(&fixture, nodes, budget))?;
        }
    }
    verification(&fixture, budget, |name| {
        only.is_empty() || only.iter().any(|wanted| wanted == name)
    })
}

struct Fixture {
    wallet: PrivateKeySigner,
    session_key: SessionKeyPair,
    request: ResourceAbilityRequest,
}

impl Fixture {
    fn new() -> anyhow::Result<Fixture> {
        Ok(Fixture {
            wallet: WALLET_PRIVATE_KEY.parse()?,
            session_key: SessionKeyPair::from_seed(SESSION_KEY_SEED),
            request: ResourceAbilityRequest::new(
                LitResource::wildcard(ResourcePrefix::AccessControlCondition),
                LitAbility::AccessControlConditionDecryption,
            )?,
        })
    }

    /// A session sig for [`NODE_URL`] whose wallet sig carries `nonce`.
    fn session_sig(&self, nonce: &str) -> anyhow::Result<AuthSig> {
        let siwe = SiweMessageParams::new(self.wallet.address(), nonce)
            .with_uri(self.session_key.uri())
            .with_expiration(NOW + time::Duration::days(1))
            .with_resources(vec![self.request.clone()]);
        let auth_sig = generate_auth_sig(&self.wallet, &create_siwe_message(&siwe, NOW)?)?;
        let params = SessionSigningParams {
            resource_ability_requests: vec![self.request.clone()],
            capabilities: vec![auth_sig],
            issued_at: NOW,
            expiration: NOW + time::Duration::hours(1),
        };
        let sigs = sign_session_sigs(&self.session_key, &params, &[NODE_URL])?;
        sigs.get(NODE_URL)
            .cloned()
            .context("sign_session_sigs left out the node")
    }
}

async fn session_sigs(fixture: &Fixture, nodes: usize, budget: Duration) -> anyhow::Result<()> {
    let urls = stub_nodes(nodes).await?;
    let mut config = LitNodeClientConfig::new(LitNetwork::Nodes {
        node_urls: urls.clone(),
        min_node_count: 1,
        rpc_url: None,
    });
    // The handshake's blockhash stays the nonce for the whole run: nothing leaves the process.
    config.blockhash_max_age = Duration::from_secs(24 * 3600);
    let client = LitNodeClient::new(config)?;
    let connection = client.connect().await?;
    anyhow::ensure!(
        connection.connected_nodes.len() == nodes,
        "only {} of {nodes} stub nodes answered",
        connection.connected_nodes.len()
    );

    // What is timed must be what a node accepts: check one sig of each kind first.
    let client = &client;
    accepted(&client_session_sigs(client, fixture).await?, &urls)?;
    accepted(&auth_session_sigs(fixture, &urls)?, &urls)?;

    let (mean, cpu, iterations) = time_async(budget, move || async move {
        let sigs = client_session_sigs(client, fixture).await?;
        anyhow::ensure!(
            sigs.len() == nodes,
            "{} session sigs for {nodes} nodes",
            sigs.len()
        );
        Ok(())
    })
    .await?;
    Record::timing_with_cpu(format!("session_sigs_{nodes}"), mean, cpu, iterations).emit()?;

    let urls = &urls;
    let (mean, cpu, iterations) = time_async(budget, move || async move {
        let sigs = auth_session_sigs(fixture, urls)?;
        anyhow::ensure!(
            sigs.len() == nodes,
            "{} session sigs for {nodes} nodes",
            sigs.len()
        );
        Ok(())
    })
    .await?;
    Record::timing_with_cpu(format!("session_sigs_auth_{nodes}"), mean, cpu, iterations).emit()?;

    let template = &auth_session_sigs(fixture, urls)?
        .iter()
        .next()
        .map(|(_, sig)| sig.signed_message.clone())
        .context("no session sig")?;
    let now = OffsetDateTime::now_utc();
    let siwe = &create_siwe_message(&siwe_params(fixture, now), now)?;
    let signing_key = &SigningKey::from_bytes(&SESSION_KEY_SEED);
    let (mean, cpu, iterations) = time_async(budget, move || async move {
        black_box(fixture.wallet.sign_message_sync(siwe.as_bytes())?);
        for _ in 0..nodes {
            black_box(signing_key.sign(template.as_bytes()));
        }
        Ok(())
    })
    .await?;
    Record::timing_with_cpu(format!("floor_session_sigs_{nodes}"), mean, cpu, iterations).emit()
}

/// Every node's session sig passes a node's verification for a decryption.
fn accepted(sigs: &sigil_auth::SessionSigs, urls: &[String]) -> anyhow::Result<()> {
    let resource = LitResource::new(ResourcePrefix::AccessControlCondition, "ab/cd")?;
    for url in urls {
        let sig = sigs
            .get(url)
            .with_context(|| format!("no session sig for {url}"))?;
        let request = VerificationRequest {
            resource: &resource,
            ability: LitAbility::AccessControlConditionDecryption,
            node_address: url,
            now: OffsetDateTime::now_utc(),
            network_public_key: None,
        };
        verify_session_sig(sig, &request, None)
            .with_context(|| format!("the session sig for {url} is refused"))?;
    }
    Ok(())
}

fn siwe_params(fixture: &Fixture, now: OffsetDateTime) -> SiweMessageParams {
    SiweMessageParams::new(fixture.wallet.address(), NONCE)
        .with_uri(fixture.session_key.uri())
        .with_expiration(now + time::Duration::minutes(10))
        .with_resources(vec![fixture.request.clone()])
}

/// What js-bench.js times, in Rust: `getSessionSigs` with the seed guide's callback.
async fn client_session_sigs(
    client: &LitNodeClient,
    fixture: &Fixture,
) -> anyhow::Result<sigil_auth::SessionSigs> {
    let mut params = SessionSigsParams::new(vec![fixture.request.clone()]);
    params.expiration = Some(OffsetDateTime::now_utc() + time::Duration::minutes(10));
    params.session_key = Some(fixture.session_key.clone());
    let wallet = &fixture.wallet;
    let sigs = client
        .get_session_sigs(params, async |callback: AuthCallbackParams| {
            let mut siwe = CreateSiweMessageParams::new(wallet.address(), callback.uri);
            siwe.expiration = Some(callback.expiration);
            siwe.resources = callback.resource_ability_requests;
            siwe.nonce = Some(NONCE.to_owned());
            let to_sign = client.create_siwe_message(siwe).await?;
            Ok::<AuthSig, ClientError>(generate_auth_sig(wallet, &to_sign)?)
        })
        .await?;
    Ok(sigs)
}

/// The same session sigs with `sigil-auth` alone.
fn auth_session_sigs(
    fixture: &Fixture,
    urls: &[String],
) -> anyhow::Result<sigil_auth::SessionSigs> {
    let now = OffsetDateTime::now_utc();
    let siwe = create_siwe_message(&siwe_params(fixture, now), now)?;
    let auth_sig = generate_auth_sig(&fixture.wallet, &siwe)?;
    let params = SessionSigningParams {
        resource_ability_requests: vec![fixture.request.clone()],
        capabilities: vec![auth_sig],
        issued_at: now,
        expiration: now + time::Duration::minutes(10),
    };
    Ok(sign_session_sigs(&fixture.session_key, &params, urls)?)
}

/// `count` HTTP servers on free local ports answering `POST /web/handshake/` with a fixed
/// blockhash: enough for `LitNodeClient::connect`. They live as long as the runtime.
async fn stub_nodes(count: usize) -> anyhow::Result<Vec<String>> {
    let answer = serde_json::json!({
        "serverPublicKey": "",
        "subnetPublicKey": "",
        "networkPublicKey": "",
        "networkPublicKeySet": "",
        "hdRootPubkeys": [],
        "latestBlockhash": NONCE,
        "attestation": null,
        "clientSdkVersion": "7.4.0",
        "nodeVersion": "bench-stub",
        "epoch": 3,
    });
    let app = axum::Router::new().route(
        "/web/handshake/",
        axum::routing::post(move || {
            let answer = answer.clone();
            async move { axum::Json(answer) }
        }),
    );
    let mut urls = Vec::with_capacity(count);
    for _ in 0..count {
        let listener = tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).await?;
        urls.push(format!("http://{}", listener.local_addr()?));
        let app = app.clone();
        tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                tracing::warn!(%error, "stub node stopped");
            }
        });
    }
    Ok(urls)
}

/// Times an async operation like [`interleaved`] times one op: one untimed run, then `ROUNDS`
/// slices of the budget; the medians of the slice means (wall, thread CPU) and the count.
async fn time_async<F, Fut>(budget: Duration, mut op: F) -> anyhow::Result<(f64, Option<f64>, u64)>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    op().await.context("warm-up")?;
    let slice = budget / ROUNDS;
    let mut means = Vec::new();
    let mut cpu_means = Vec::new();
    let mut total = 0u64;
    for _ in 0..ROUNDS {
        let clock = SliceClock::start();
        let mut count = 0u64;
        loop {
            op().await?;
            count += 1;
            if clock.elapsed() >= slice {
                break;
            }
        }
        let timed = clock.finish(count);
        means.push(timed.mean_ns);
        cpu_means.extend(timed.cpu_ns);
        total += count;
    }
    Ok((
        median(&mut means).unwrap_or(f64::NAN),
        median(&mut cpu_means),
        total,
    ))
}

/// One pool entry, decoded ahead so the floor times only the four operations.
struct FloorInput {
    session_sig: AuthSig,
    session_signature: ed25519_dalek::Signature,
    wallet_signature: WalletSignature,
    siwe: String,
}

impl FloorInput {
    fn new(session_sig: AuthSig) -> anyhow::Result<FloorInput> {
        let template = SessionKeySignedMessage::parse(&session_sig.signed_message)?;
        let capability = template.capabilities.last().context("no capability")?;
        let wallet_sig = hex::decode(capability.sig.trim_start_matches("0x"))?;
        Ok(FloorInput {
            session_signature: session_sig.sig.parse()?,
            wallet_signature: WalletSignature::from_raw(&wallet_sig)?,
            siwe: capability.signed_message.clone(),
            session_sig,
        })
    }
}

fn verification(
    fixture: &Fixture,
    budget: Duration,
    wanted: impl Fn(&str) -> bool,
) -> anyhow::Result<()> {
    let pool: Vec<FloorInput> = (0..COLD_POOL)
        .map(|i| {
            FloorInput::new(fixture.session_sig(&format!("{}{i}", NONCE.trim_start_matches("0x")))?)
        })
        .collect::<anyhow::Result<_>>()?;
    let warm = fixture.session_sig(NONCE.trim_start_matches("0x"))?;
    let wallet = fixture.wallet.address();
    let session_key = fixture.session_key.verifying_key();
    let session_key_bytes = session_key.to_bytes();

    // The resource a node derives from a decryption request.
    let conditions = ConditionSet::from_document(&format!(
        r#"[{{"contractAddress":"","standardContractType":"","chain":"ethereum","method":"","parameters":[":userAddress"],"returnValueTest":{{"comparator":"=","value":"{wallet}"}}}}]"#
    ))?;
    let data_hash = conditions::data_to_encrypt_hash(b"hello, session sigs");
    let resource = LitResource::new(
        ResourcePrefix::AccessControlCondition,
        format!("{}/{data_hash}", conditions.hash_hex()),
    )?;
    let request = VerificationRequest {
        resource: &resource,
        ability: LitAbility::AccessControlConditionDecryption,
        node_address: NODE_ADDRESS,
        now: NOW,
        network_public_key: None,
    };
    let identity = resource.resource_key();
    let (_, key_shares) = bls::deal(2, 3, &mut sigil_auth::rand_core::OsRng)?;
    let key_share = key_shares.first().context("no key share dealt")?;

    let cold_cache = CapabilityCache::new(COLD_POOL / 2);
    let warm_cache = CapabilityCache::new(16);
    let mut cold = pool.iter().cycle();
    let mut floor = pool.iter().cycle();
    let mut ed25519 = pool.iter().cycle();
    let mut recover = pool.iter().cycle();
    let mut json = pool.iter().cycle();
    let mut siwe = pool.iter().cycle();
    let check_user = move |user: alloy_primitives::Address| {
        anyhow::ensure!(user == wallet, "recovered {user}, expected {wallet}");
        Ok(())
    };

    let mut ops = vec![
        Op::new("verify_cold", || {
            let input = next(&mut cold)?;
            let context = verify_session_sig(&input.session_sig, &request, Some(&cold_cache))?;
            check_user(context.user_address)
        }),
        Op::new("verify_warm", || {
            let context = verify_session_sig(&warm, &request, Some(&warm_cache))?;
            check_user(context.user_address)
        }),
        Op::new("floor_verify", || {
            let input = next(&mut floor)?;
            session_key.verify_strict(
                input.session_sig.signed_message.as_bytes(),
                &input.session_signature,
            )?;
            check_user(
                input
                    .wallet_signature
                    .recover_address_from_msg(input.siwe.as_bytes())?,
            )?;
            black_box(SessionKeySignedMessage::parse(
                &input.session_sig.signed_message,
            )?);
            black_box(input.siwe.parse::<SiweMessage>()?);
            Ok(())
        }),
        Op::new("floor_ed25519_verify_strict", || {
            let input = next(&mut ed25519)?;
            Ok(session_key.verify_strict(
                input.session_sig.signed_message.as_bytes(),
                &input.session_signature,
            )?)
        }),
        // Not part of the floor (a verifier may keep decoded keys), but every `verify_session_sig`
        // pays it today: shown so the gap between warm and the floor can be read.
        Op::new("ed25519_key_decode", || {
            black_box(ed25519_dalek::VerifyingKey::from_bytes(black_box(
                &session_key_bytes,
            ))?);
            Ok(())
        }),
        Op::new("floor_secp256k1_recover", || {
            let input = next(&mut recover)?;
            check_user(
                input
                    .wallet_signature
                    .recover_address_from_msg(input.siwe.as_bytes())?,
            )
        }),
        Op::new("floor_template_json_parse", || {
            let input = next(&mut json)?;
            black_box(SessionKeySignedMessage::parse(
                &input.session_sig.signed_message,
            )?);
            Ok(())
        }),
        Op::new("floor_siwe_parse", || {
            let input = next(&mut siwe)?;
            black_box(input.siwe.parse::<SiweMessage>()?);
            Ok(())
        }),
        Op::new("bls_share_sign", || {
            black_box(key_share.sign(identity.as_bytes()));
            Ok(())
        }),
    ];
    ops.retain(|op| wanted(&op.name));
    if ops.is_empty() {
        return Ok(());
    }
    for timing in interleaved(&mut ops, budget, ROUNDS)? {
        Record::timing_with_cpu(
            timing.name,
            timing.mean_ns,
            timing.cpu_ns,
            timing.iterations,
        )
        .emit()?;
    }
    Ok(())
}

fn next<'a>(walk: &mut impl Iterator<Item = &'a FloorInput>) -> anyhow::Result<&'a FloorInput> {
    walk.next().context("empty pool")
}
