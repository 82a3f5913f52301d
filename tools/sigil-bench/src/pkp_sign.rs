//! `sigil-bench pkp-sign`: threshold ECDSA with PKPs, on a devnet of three nodes in this process
//! (threshold 2), beside its floor measured in the same run:
//!
//! - `pkp_dkg_floor`: cait-sith key generation of the network's ten root keys, every party in
//!   one thread (no network); `network_key_dkg_floor`: the BLS network key's DKG (every dealing,
//!   every check, every combination) for three parties in one thread; `pkp_devnet_start`: a
//!   whole devnet start, both DKGs included (they run together at a network's first start).
//! - `pkp_triple_pair_floor`: one Beaver triple pair for three parties in one thread;
//!   `pkp_triple_pairs_network`: pairs per second the devnet's nodes generate together while
//!   filling their pools (what bounds sustained signing).
//! - `pkp_presign_sign_floor`: the presign of two parties and their shares combined, in one
//!   thread, from pairs made beforehand (the math a signature costs once its pair exists).
//! - `pkp_sign_c1_pool_ready`: `pkp_sign` latency, one client, while the pools hold pairs (the
//!   latency a user sees on a network that is not signing at its limit).
//! - `pkp_sign_c{N}`: `pkp_sign` latency and signatures per second at N clients, each pair
//!   generated as signatures need them (pool 0: the sustained rate).

use crate::load::closed_loop;
use crate::record::Record;
use alloy_primitives::keccak256;
use alloy_provider::{Provider, ProviderBuilder};
use cait_sith::protocol::{run_protocol, Participant, Protocol};
use k256::Secp256k1;
use sigil_client::{
    LitAbility, LitNetwork, LitNodeClient, LitNodeClientConfig, LitResource,
    ResourceAbilityRequest, ResourcePrefix, SessionSigs, SessionSigsParams,
};
use sigil_devnet::{Devnet, DevnetConfig};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    loads: crate::load::Loads,
    /// Pairs each node makes for the network generation rate.
    #[arg(long, default_value_t = 10)]
    pool: usize,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let (length, most) = args.loads.checked()?;
    floors()?;
    crate::server_runtime()?.block_on(async {
        generation_rate(args.pool).await?;
        signing(&args.loads.clients, most, length).await
    })
}

const PARTIES: u32 = 3;
const THRESHOLD: usize = 2;

fn participants() -> Vec<Participant> {
    (0..PARTIES).map(Participant::from).collect()
}

fn all_parties<T, P: Protocol<Output = T> + 'static>(
    make: impl Fn(Participant) -> anyhow::Result<P>,
    parties: &[Participant],
) -> anyhow::Result<Vec<(Participant, T)>> {
    let protocols = parties
        .iter()
        .map(|p| Ok((*p, Box::new(make(*p)?) as Box<dyn Protocol<Output = T>>)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(run_protocol(protocols)?)
}

/// Each party's shares of one triple pair.
type Pair = std::collections::HashMap<
    Participant,
    (
        cait_sith::triples::TripleGenerationOutput<Secp256k1>,
        cait_sith::triples::TripleGenerationOutput<Secp256k1>,
    ),
>;

fn pair() -> anyhow::Result<Pair> {
    let parties = participants();
    let triple = || {
        all_parties(
            |p| {
                Ok(cait_sith::triples::generate_triple::<Secp256k1>(
                    &parties, p, THRESHOLD,
                )?)
            },
            &parties,
        )
    };
    // run_protocol answers in the order the parties finish: match the two triples by party.
    let mut second: std::collections::HashMap<_, _> = triple()?.into_iter().collect();
    triple()?
        .into_iter()
        .map(|(p, a)| {
            let b = second
                .remove(&p)
                .ok_or_else(|| anyhow::anyhow!("a party missing from a triple"))?;
            Ok((p, (a, b)))
        })
        .collect()
}

/// The BLS network key's DKG for every party, in one thread: what the nodes' three rounds
/// compute between them.
fn network_key_dkg() -> anyhow::Result<()> {
    use sigil_crypto::bls_dkg::{self, Dealing};
    let dealings = (0..PARTIES)
        .map(|_| Dealing::new(THRESHOLD, PARTIES as usize, &mut rand::rngs::OsRng))
        .collect::<Result<Vec<_>, _>>()?;
    for member in 1..=PARTIES {
        let me = u8::try_from(member)?;
        let mut received = Vec::with_capacity(dealings.len());
        for dealing in &dealings {
            let shares = dealing
                .shares_for(me)
                .ok_or_else(|| anyhow::anyhow!("a member without shares"))?;
            bls_dkg::verify_private_shares(dealing.pedersen_commitments(), shares, me)?;
            bls_dkg::verify_feldman_commitments(dealing.feldman_commitments(), shares)?;
            received.push((shares, dealing.feldman_commitments()));
        }
        bls_dkg::combine(
            me,
            u8::try_from(THRESHOLD)?,
            u8::try_from(PARTIES)?,
            &received,
        )?;
    }
    Ok(())
}

fn timed<T>(
    name: &str,
    rounds: usize,
    mut f: impl FnMut() -> anyhow::Result<T>,
) -> anyhow::Result<()> {
    let started = Instant::now();
    for _ in 0..rounds {
        f()?;
    }
    let mean = started.elapsed().as_nanos() as f64 / rounds as f64;
    Record {
        name: name.into(),
        mean_ns: Some(mean),
        iterations: u64::try_from(rounds).ok(),
        ..Record::default()
    }
    .emit()
}

/// The in-process floors (no network, no persistence).
fn floors() -> anyhow::Result<()> {
    let parties = participants();
    timed("pkp_dkg_floor", 3, || {
        for _ in 0..sigil_crypto::hd::ROOT_KEY_COUNT {
            all_parties(
                |p| Ok(cait_sith::keygen::<Secp256k1>(&parties, p, THRESHOLD)?),
                &parties,
            )?;
        }
        Ok(())
    })?;
    timed("network_key_dkg_floor", 5, network_key_dkg)?;
    timed("pkp_triple_pair_floor", 5, pair)?;
    let keys: std::collections::HashMap<_, _> = all_parties(
        |p| Ok(cait_sith::keygen::<Secp256k1>(&parties, p, THRESHOLD)?),
        &parties,
    )?
    .into_iter()
    .collect();
    let pairs = (0..5).map(|_| pair()).collect::<anyhow::Result<Vec<_>>>()?;
    let mut pairs = pairs.into_iter();
    let signers: Vec<Participant> = parties.iter().take(THRESHOLD).copied().collect();
    timed("pkp_presign_sign_floor", 5, || {
        let pair = pairs.next().ok_or_else(|| anyhow::anyhow!("no pair"))?;
        let presignatures = all_parties(
            |p| {
                let (first, second) = pair
                    .get(&p)
                    .cloned()
                    .ok_or_else(|| anyhow::anyhow!("no pair for a party"))?;
                let keygen_out = keys
                    .get(&p)
                    .cloned()
                    .ok_or_else(|| anyhow::anyhow!("no key share for a party"))?;
                Ok(cait_sith::presign::<Secp256k1>(
                    &signers,
                    p,
                    cait_sith::PresignArguments {
                        triple0: first,
                        triple1: second,
                        keygen_out,
                        threshold: THRESHOLD,
                    },
                )?)
            },
            &signers,
        )?;
        let digest = [7u8; 32];
        let z = <k256::Scalar as k256::elliptic_curve::ops::Reduce<k256::U256>>::reduce_bytes(
            &digest.into(),
        );
        let shares: Vec<[u8; 32]> = presignatures
            .iter()
            .map(|(p, presignature)| {
                let lambda = lagrange(&signers, *p);
                let r =
                    <k256::Scalar as k256::elliptic_curve::ops::Reduce<k256::U256>>::reduce_bytes(
                        &k256::elliptic_curve::point::AffineCoordinates::x(&presignature.big_r),
                    );
                (lambda * (z * presignature.k + r * presignature.sigma))
                    .to_bytes()
                    .into()
            })
            .collect();
        use k256::elliptic_curve::sec1::ToEncodedPoint;
        sigil_crypto::ecdsa::combine_signature_shares(
            presignatures[0].1.big_r.to_encoded_point(true).as_bytes(),
            &shares,
            &digest,
            keys.values()
                .next()
                .ok_or_else(|| anyhow::anyhow!("no key"))?
                .public_key
                .to_encoded_point(false)
                .as_bytes(),
        )?;
        Ok(())
    })
}

fn lagrange(signers: &[Participant], me: Participant) -> k256::Scalar {
    let x = |p: Participant| k256::Scalar::from(u64::from(u32::from(p)) + 1);
    let (num, den) = signers.iter().filter(|p| **p != me).fold(
        (k256::Scalar::ONE, k256::Scalar::ONE),
        |(num, den), other| (num * x(*other), den * (x(*other) - x(me))),
    );
    num * Option::<k256::Scalar>::from(den.invert()).unwrap_or(k256::Scalar::ZERO)
}

/// Devnet start (DKG included), then how fast the nodes fill their pools together.
async fn generation_rate(pool: usize) -> anyhow::Result<()> {
    let started = Instant::now();
    let devnet = Devnet::start(DevnetConfig {
        triple_pool_size: pool,
        free_allowance: u64::MAX / 4,
        ..DevnetConfig::default()
    })
    .await?;
    Record {
        name: "pkp_devnet_start".into(),
        mean_ns: Some(started.elapsed().as_nanos() as f64),
        iterations: Some(1),
        ..Record::default()
    }
    .emit()?;
    let filling = Instant::now();
    let target = u64::try_from(pool * 3)?;
    let node = Arc::clone(
        devnet
            .node(0)
            .ok_or_else(|| anyhow::anyhow!("node 0"))?
            .state(),
    );
    let held = loop {
        let held = node.triple_pairs_held()?;
        if held >= target || filling.elapsed() > Duration::from_secs(600) {
            break held;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let seconds = filling.elapsed().as_secs_f64();
    Record {
        name: "pkp_triple_pairs_network".into(),
        iterations: Some(held),
        per_second: Some(held as f64 / seconds),
        mean_ns: Some(seconds * 1e9 / held.max(1) as f64),
        ..Record::default()
    }
    .emit()?;
    // With pairs in the pools: a signature is its presign and shares alone.
    let signer = signer(&devnet, 0).await?;
    let mut latencies = crate::measure::Latencies::new()?;
    let ready = usize::try_from(held / 3)?.min(20);
    for _ in 0..ready {
        let started = Instant::now();
        sign_once(&signer).await?;
        latencies.record(u64::try_from(started.elapsed().as_nanos())?)?;
    }
    Record {
        name: "pkp_sign_c1_pool_ready".into(),
        mean_ns: Some(latencies.mean_ns()),
        iterations: Some(latencies.count()),
        p50_ns: latencies.percentile(50.0).map(|v| v as f64),
        p99_ns: latencies.percentile(99.0).map(|v| v as f64),
        clients: Some(1),
        ..Record::default()
    }
    .emit()?;
    devnet.shutdown().await;
    Ok(())
}

struct Signer {
    client: LitNodeClient,
    session_sigs: SessionSigs,
    pubkey: String,
    counter: AtomicU64,
    tag: usize,
}

/// A connected client, a PKP the dev wallet minted and the wallet's session sigs for `request`.
pub(crate) async fn client_with_pkp(
    devnet: &Devnet,
    request: ResourceAbilityRequest,
) -> anyhow::Result<(LitNodeClient, SessionSigs, String)> {
    let owner = devnet.dev_wallet();
    let minter = ProviderBuilder::new()
        .wallet(owner.clone())
        .connect(&devnet.rpc_url())
        .await?
        .erased();
    let pkp = sigil_chain::evm::mint_pkp(&minter, devnet.network_context(), &[]).await?;
    let network = LitNetwork::Custom {
        rpc_url: devnet.rpc_url(),
        staking_address: devnet.staking_address(),
    };
    let client = LitNodeClient::new(LitNodeClientConfig::new(network))?;
    client.connect().await?;
    let session_sigs = client
        .get_session_sigs_with_wallet(SessionSigsParams::new(vec![request]), &owner)
        .await?;
    Ok((
        client,
        session_sigs,
        format!("0x{}", hex::encode(&pkp.public_key)),
    ))
}

async fn signer(devnet: &Devnet, tag: usize) -> anyhow::Result<Signer> {
    let request = ResourceAbilityRequest::new(
        LitResource::wildcard(ResourcePrefix::Pkp),
        LitAbility::PkpSigning,
    )?;
    let (client, session_sigs, pubkey) = client_with_pkp(devnet, request).await?;
    Ok(Signer {
        client,
        session_sigs,
        pubkey,
        counter: AtomicU64::new(0),
        tag,
    })
}

async fn sign_once(signer: &Signer) -> anyhow::Result<()> {
    let n = signer.counter.fetch_add(1, Ordering::Relaxed);
    let digest = keccak256(format!("bench {} {n}", signer.tag));
    signer
        .client
        .pkp_sign(&digest.0, &signer.pubkey, &signer.session_sigs)
        .await?;
    Ok(())
}

async fn signing(clients: &[usize], most: usize, length: Duration) -> anyhow::Result<()> {
    let devnet = Devnet::start(DevnetConfig {
        free_allowance: u64::MAX / 4,
        ..DevnetConfig::default()
    })
    .await?;
    let mut signers = Vec::with_capacity(most);
    for tag in 0..most {
        signers.push(Arc::new(signer(&devnet, tag).await?));
    }
    for &count in clients {
        let workers: Vec<_> = signers.iter().take(count).cloned().collect();
        let result = closed_loop(
            workers,
            length,
            |signer| async move { sign_once(&signer).await },
        )
        .await?;
        result.record(format!("pkp_sign_c{count}"), count).emit()?;
    }
    devnet.shutdown().await;
    Ok(())
}
