//! PKP signing on a devnet: every node is asked (as the JS SDK's `pkpSign` asks, one request id
//! for all), the signing set's shares sum to a signature that verifies under the PKP's key and
//! recovers its address, the others answer `fail`; no two signatures share a nonce; the owner
//! and a permitted address sign, anyone else gets `NodePKPNotAuthorized`; bad bodies get Lit's
//! codes and the nodes keep serving.

use alloy_primitives::{keccak256, Address, B256};
use alloy_provider::{DynProvider, Provider, ProviderBuilder};
use alloy_signer_local::PrivateKeySigner;
use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};
use k256::elliptic_curve::ops::Reduce;
use k256::elliptic_curve::point::AffineCoordinates;
use k256::elliptic_curve::scalar::IsHigh;
use k256::elliptic_curve::sec1::FromEncodedPoint;
use k256::elliptic_curve::PrimeField;
use serde_json::{json, Value};
use sigil_chain::evm::{self, MintedPkp, Permit};
use sigil_client::{
    generate_auth_sig, AuthCallbackParams, AuthSig, ClientError, CreateSiweMessageParams,
    LitAbility, LitNetwork, LitNodeClient, LitNodeClientConfig, LitResource,
    ResourceAbilityRequest, ResourcePrefix, SessionSigs, SessionSigsParams,
};
use sigil_devnet::{Devnet, DevnetConfig};
use std::collections::HashSet;
use std::time::Duration;

type TestResult = Result<(), Box<dyn std::error::Error>>;

async fn session_sigs(
    client: &LitNodeClient,
    wallet: &PrivateKeySigner,
    ability: LitAbility,
    prefix: ResourcePrefix,
) -> Result<SessionSigs, ClientError> {
    session_sigs_for(client, wallet, ability, LitResource::wildcard(prefix)).await
}

async fn session_sigs_for(
    client: &LitNodeClient,
    wallet: &PrivateKeySigner,
    ability: LitAbility,
    resource: LitResource,
) -> Result<SessionSigs, ClientError> {
    let request = ResourceAbilityRequest::new(resource, ability)?;
    client
        .get_session_sigs(
            SessionSigsParams::new(vec![request]),
            async |callback: AuthCallbackParams| {
                let mut siwe = CreateSiweMessageParams::new(wallet.address(), callback.uri);
                siwe.expiration = Some(callback.expiration);
                siwe.resources = callback.resource_ability_requests;
                let to_sign = client.create_siwe_message(siwe).await?;
                Ok::<AuthSig, ClientError>(generate_auth_sig(wallet, &to_sign)?)
            },
        )
        .await
}

/// Every node's answer to one `pkpSign`, sent with one request id.
async fn ask_every_node(
    sigs: &SessionSigs,
    body: &Value,
    request_id: &str,
) -> Result<Vec<(u16, Value)>, Box<dyn std::error::Error>> {
    let http = reqwest::Client::new();
    let asks = sigs.iter().map(|(url, sig)| {
        let mut body = body.clone();
        body["authSig"] = serde_json::to_value(sig).unwrap_or(Value::Null);
        let request = http
            .post(format!("{url}/web/pkp/sign/v1"))
            .header("X-Request-Id", request_id)
            .json(&body);
        async move {
            let response = request.send().await?;
            let status = response.status().as_u16();
            Ok::<_, reqwest::Error>((status, response.json::<Value>().await?))
        }
    });
    Ok(futures::future::try_join_all(asks).await?)
}

fn field_bytes(share: &Value, key: &str) -> Vec<u8> {
    hex::decode(share[key].as_str().expect("a string").trim_matches('"')).expect("hex")
}

/// Combines shares as the JS SDK's `combineEcdsaShares` does (sum the shares, low-s, `R` from
/// `big_r`) and checks the result verifies and recovers to `pkp`.
fn combine(answers: &[(u16, Value)], digest: &[u8; 32], pkp: &MintedPkp) -> (Signature, Vec<u8>) {
    let successes: Vec<&Value> = answers
        .iter()
        .map(|(status, body)| {
            assert_eq!(*status, 200, "{body}");
            &body["signatureShare"]
        })
        .filter(|share| share["result"] == "success")
        .collect();
    assert_eq!(successes.len(), 2, "the signing set is the threshold");
    let fails = answers.len() - successes.len();
    assert_eq!(fails, 1);
    let big_r = field_bytes(successes[0], "big_r");
    let mut s = k256::Scalar::ZERO;
    for share in &successes {
        assert_eq!(field_bytes(share, "big_r"), big_r, "one R for the set");
        assert_eq!(field_bytes(share, "digest"), digest.to_vec());
        assert_eq!(field_bytes(share, "public_key"), pkp.public_key.to_vec());
        assert_eq!(share["sig_type"], "K256");
        let bytes: [u8; 32] = field_bytes(share, "signature_share")
            .try_into()
            .expect("32");
        s += Option::<k256::Scalar>::from(k256::Scalar::from_repr(bytes.into())).expect("scalar");
    }
    let point = k256::EncodedPoint::from_bytes(&big_r).expect("point");
    let big_r_point =
        Option::<k256::AffinePoint>::from(k256::AffinePoint::from_encoded_point(&point))
            .expect("on curve");
    let r = <k256::Scalar as Reduce<k256::U256>>::reduce_bytes(&big_r_point.x());
    let mut odd = bool::from(big_r_point.y_is_odd());
    if bool::from(s.is_high()) {
        s = -s;
        odd = !odd;
    }
    let signature = Signature::from_scalars(r.to_bytes(), s.to_bytes()).expect("signature");
    let key = VerifyingKey::from_sec1_bytes(&pkp.public_key).expect("key");
    use k256::ecdsa::signature::hazmat::PrehashVerifier;
    key.verify_prehash(digest, &signature)
        .expect("the combined signature verifies");
    let recovered =
        VerifyingKey::recover_from_prehash(digest, &signature, RecoveryId::new(odd, false))
            .expect("recovers");
    assert_eq!(recovered, key);
    let encoded = recovered.to_encoded_point(false);
    let address = Address::from_slice(&keccak256(&encoded.as_bytes()[1..])[12..]);
    assert_eq!(address, pkp.eth_address);
    (signature, big_r)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_signing_set_signs_for_the_owner_and_a_permitted_address_and_no_one_else() -> TestResult
{
    let permitted = PrivateKeySigner::random();
    let (devnet, client, pkp) = signing_fixture(
        2,
        &[Permit::Address {
            address: permitted.address(),
            scopes: vec![1],
        }],
    )
    .await?;
    let owner = devnet.dev_wallet();
    let pubkey = format!("0x{}", hex::encode(&pkp.public_key));

    let mut nonces = HashSet::new();
    for (round, wallet) in [&owner, &permitted, &owner, &permitted]
        .into_iter()
        .enumerate()
    {
        let sigs =
            session_sigs(&client, wallet, LitAbility::PkpSigning, ResourcePrefix::Pkp).await?;
        let digest: [u8; 32] = keccak256(format!("message {round}")).0;
        let body = json!({"toSign": digest.to_vec(), "pubkey": pubkey, "epoch": 3});
        let answers = ask_every_node(&sigs, &body, &format!("lit_sign_{round}")).await?;
        let (_, big_r) = combine(&answers, &digest, &pkp);
        assert!(nonces.insert(big_r), "a nonce is never used twice");
    }

    // Anyone else: Lit's not-authorized, from every node.
    let stranger = PrivateKeySigner::random();
    let sigs = session_sigs(
        &client,
        &stranger,
        LitAbility::PkpSigning,
        ResourcePrefix::Pkp,
    )
    .await?;
    let digest = B256::repeat_byte(1);
    let body = json!({"toSign": digest.to_vec(), "pubkey": pubkey});
    for (status, answer) in ask_every_node(&sigs, &body, "lit_stranger").await? {
        assert_eq!(
            (status, answer["errorCode"].as_str()),
            (401, Some("NodePKPNotAuthorized")),
            "{answer}"
        );
    }

    // Bad bodies and the wrong session: each Lit's code and status.
    let owner_sigs =
        session_sigs(&client, &owner, LitAbility::PkpSigning, ResourcePrefix::Pkp).await?;
    let compressed = {
        let key = k256::PublicKey::from_sec1_bytes(&pkp.public_key)?;
        use k256::elliptic_curve::sec1::ToEncodedPoint;
        format!("0x{}", hex::encode(key.to_encoded_point(true).as_bytes()))
    };
    let unknown = {
        let key = k256::SecretKey::random(&mut rand::rngs::OsRng).public_key();
        use k256::elliptic_curve::sec1::ToEncodedPoint;
        format!("0x{}", hex::encode(key.to_encoded_point(false).as_bytes()))
    };
    for (body, status, code) in [
        (
            json!({"toSign": vec![7u8; 31], "pubkey": pubkey}),
            422,
            "NodeBadInput",
        ),
        (
            json!({"toSign": vec![7u8; 33], "pubkey": pubkey}),
            422,
            "NodeBadInput",
        ),
        (
            json!({"toSign": digest.to_vec(), "pubkey": compressed}),
            422,
            "NodeBadInput",
        ),
        (
            json!({"toSign": digest.to_vec(), "pubkey": unknown}),
            400,
            "NodePKPTokenIdNotFound",
        ),
    ] {
        for (got, answer) in ask_every_node(&owner_sigs, &body, "lit_bad").await? {
            assert_eq!(
                (got, answer["errorCode"].as_str()),
                (status, Some(code)),
                "{body}: {answer}"
            );
        }
    }
    let decryption_only = session_sigs(
        &client,
        &owner,
        LitAbility::AccessControlConditionDecryption,
        ResourcePrefix::AccessControlCondition,
    )
    .await?;
    let body = json!({"toSign": digest.to_vec(), "pubkey": pubkey});
    for (status, answer) in ask_every_node(&decryption_only, &body, "lit_wrong_session").await? {
        assert_eq!(
            (status, answer["errorCode"].as_str()),
            (404, Some("NodeResourceIdNotFound")),
            "{answer}"
        );
    }

    // A session for exactly this PKP (its token id as Lit's node writes it, 64 hex digits)
    // signs; one for another PKP is refused for the resource.
    let this_pkp = LitResource::pkp(&pkp.public_key);
    assert_eq!(this_pkp.to_string().len(), "lit-pkp://".len() + 64);
    let exact = session_sigs_for(&client, &owner, LitAbility::PkpSigning, this_pkp).await?;
    let answers = ask_every_node(&exact, &body, "lit_exact").await?;
    let (_, big_r) = combine(&answers, &digest.0, &pkp);
    assert!(nonces.insert(big_r));
    let other = session_sigs_for(
        &client,
        &owner,
        LitAbility::PkpSigning,
        LitResource::pkp(&[4u8; 65]),
    )
    .await?;
    for (status, answer) in ask_every_node(&other, &body, "lit_other_pkp").await? {
        assert_eq!(
            (status, answer["errorCode"].as_str()),
            (404, Some("NodeResourceIdNotFound")),
            "{answer}"
        );
    }

    // Still serving: one more signature.
    let answers = ask_every_node(&owner_sigs, &body, "lit_after").await?;
    let (_, big_r) = combine(&answers, &digest.0, &pkp);
    assert!(nonces.insert(big_r));
    devnet.shutdown().await;
    Ok(())
}

/// A fresh devnet, a connected client and a PKP the dev wallet minted (and owns).
async fn signing_fixture(
    pool: usize,
    permits: &[Permit],
) -> Result<(Devnet, std::sync::Arc<LitNodeClient>, MintedPkp), Box<dyn std::error::Error>> {
    let devnet = Devnet::start(DevnetConfig {
        triple_pool_size: pool,
        ..DevnetConfig::default()
    })
    .await?;
    let client = LitNodeClient::new(
        LitNodeClientConfig::new(LitNetwork::Custom {
            rpc_url: devnet.rpc_url(),
            staking_address: devnet.staking_address(),
        })
        .with_connect_timeout(Duration::from_secs(5)),
    )?;
    client.connect().await?;
    let minter: DynProvider = ProviderBuilder::new()
        .wallet(devnet.dev_wallet())
        .connect(&devnet.rpc_url())
        .await?
        .erased();
    let pkp = evm::mint_pkp(&minter, devnet.network_context(), permits).await?;
    Ok((devnet, std::sync::Arc::new(client), pkp))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pkp_signs_messages_typed_data_and_a_transaction_through_the_rust_client() -> TestResult {
    use alloy_network::EthereumWallet;
    use alloy_signer::Signer;
    let (devnet, client, pkp) = signing_fixture(1, &[]).await?;
    let owner = devnet.dev_wallet();
    let sigs = session_sigs(&client, &owner, LitAbility::PkpSigning, ResourcePrefix::Pkp).await?;
    let pubkey = format!("0x{}", hex::encode(&pkp.public_key));

    // pkp_sign: the JS SDK's result shape, verified, recovering to the PKP.
    let digest = keccak256("raw hash").0;
    let signed = client.pkp_sign(&digest, &pubkey, &sigs).await?;
    assert_eq!(signed.data_signed, hex::encode(digest));
    assert_eq!(signed.signature.len(), 2 + 130);
    let alloy_signature = signed.to_alloy()?;
    assert_eq!(
        alloy_signature.recover_address_from_prehash(&B256::from(digest))?,
        pkp.eth_address
    );

    // The PKP as an alloy signer: EIP-191 messages and EIP-712 typed data.
    let signer = sigil_client::PkpSigner::new(client.clone(), sigs.clone(), &pubkey)?;
    assert_eq!(signer.address(), pkp.eth_address);
    let message = signer.sign_message(b"hello from a PKP").await?;
    assert_eq!(
        message.recover_address_from_msg(b"hello from a PKP")?,
        pkp.eth_address
    );
    alloy_sol_types::sol! {
        struct Mail { address to; string contents; }
    }
    let domain = alloy_sol_types::eip712_domain! { name: "Sigil", version: "1", chain_id: 31337, };
    let mail = Mail {
        to: Address::repeat_byte(9),
        contents: "typed".into(),
    };
    let typed = signer.sign_typed_data(&mail, &domain).await?;
    use alloy_sol_types::SolStruct;
    assert_eq!(
        typed.recover_address_from_prehash(&mail.eip712_signing_hash(&domain))?,
        pkp.eth_address
    );

    // A transaction from the PKP's address, signed by the PKP, mined on the devnet chain.
    let funder = ProviderBuilder::new()
        .wallet(owner.clone())
        .connect(&devnet.rpc_url())
        .await?;
    let fund = alloy_rpc_types_eth::TransactionRequest::default()
        .to(pkp.eth_address)
        .value(alloy_primitives::U256::from(10u64.pow(18)));
    funder.send_transaction(fund).await?.get_receipt().await?;
    let chain_id = funder.get_chain_id().await?;
    let pkp_wallet = EthereumWallet::from(signer.with_chain_id(Some(chain_id)));
    let pkp_provider = ProviderBuilder::new()
        .wallet(pkp_wallet)
        .connect(&devnet.rpc_url())
        .await?;
    let recipient = Address::repeat_byte(0x42);
    let send = alloy_rpc_types_eth::TransactionRequest::default()
        .to(recipient)
        .value(alloy_primitives::U256::from(12345u64));
    let receipt = pkp_provider
        .send_transaction(send)
        .await?
        .get_receipt()
        .await?;
    assert!(receipt.status());
    assert_eq!(receipt.from, pkp.eth_address);
    assert_eq!(
        funder.get_balance(recipient).await?,
        alloy_primitives::U256::from(12345u64)
    );
    devnet.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_one_node_down_the_client_signs_through_the_others_and_with_two_names_them(
) -> TestResult {
    let (mut devnet, client, pkp) = signing_fixture(2, &[]).await?;
    let owner = devnet.dev_wallet();
    let sigs = session_sigs(&client, &owner, LitAbility::PkpSigning, ResourcePrefix::Pkp).await?;
    let pubkey = format!("0x{}", hex::encode(&pkp.public_key));
    let urls = devnet.node_urls();
    devnet.stop_node(0).await?;
    let mut nonces = HashSet::new();
    for round in 0..3u8 {
        let digest = keccak256([round]).0;
        let signed = client.pkp_sign(&digest, &pubkey, &sigs).await?;
        assert_eq!(
            signed
                .to_alloy()?
                .recover_address_from_prehash(&B256::from(digest))?,
            pkp.eth_address
        );
        assert!(nonces.insert(signed.r.clone()));
    }
    devnet.stop_node(1).await?;
    let error = client
        .pkp_sign(&[7; 32], &pubkey, &sigs)
        .await
        .expect_err("one node cannot sign");
    let text = error.to_string();
    assert!(text.contains(&urls[0]) && text.contains(&urls[1]), "{text}");
    devnet.shutdown().await;
    Ok(())
}

/// The triple pairs each of the devnet's three nodes holds (any leader).
fn pairs_held(devnet: &Devnet) -> Result<Vec<u64>, Box<dyn std::error::Error>> {
    Ok((0..3)
        .map(|index| {
            devnet
                .node(index)
                .map(|node| node.state().triple_pairs_held())
        })
        .collect::<Option<Result<_, _>>>()
        .ok_or("a node is down")??)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_that_lacks_the_named_pair_says_so_and_the_leader_names_another() -> TestResult {
    let (mut devnet, _, pkp) = signing_fixture(2, &[]).await?;
    let identity = |devnet: &Devnet, index: usize| {
        devnet
            .node(index)
            .map(|node| node.state().peers().identity_key())
    };
    let keys: Vec<B256> = (0..3)
        .map(|index| identity(&devnet, index))
        .collect::<Option<_>>()
        .ok_or("a node is down")?;
    // The roster is ordered by identity key, and a set's first participant leads it.
    let leader = (0..3).min_by_key(|&index| keys[index]).ok_or("no nodes")?;
    let (member, absent) = ((leader + 1) % 3, (leader + 2) % 3);

    // Each node leads two pairs and holds the two each peer leads.
    let full = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        let held = pairs_held(&devnet)?;
        if held.iter().all(|held| *held >= 6) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < full,
            "pools not filled: {held:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // The member loses its pool: the leader's pairs are no longer at both ends.
    devnet.stop_node(absent).await?;
    devnet.stop_node(member).await?;
    std::fs::remove_file(
        devnet
            .data_dir()
            .join(format!("node-{member}/triples.redb")),
    )?;
    devnet.restart_node(member).await?;

    let client = LitNodeClient::new(
        LitNodeClientConfig::new(LitNetwork::Custom {
            rpc_url: devnet.rpc_url(),
            staking_address: devnet.staking_address(),
        })
        .with_connect_timeout(Duration::from_secs(5)),
    )?;
    client.connect().await?;
    let sigs = session_sigs(
        &client,
        &devnet.dev_wallet(),
        LitAbility::PkpSigning,
        ResourcePrefix::Pkp,
    )
    .await?;
    let pubkey = format!("0x{}", hex::encode(&pkp.public_key));
    for round in 0..2u8 {
        let digest = keccak256([b'm', round]).0;
        let signed = client.pkp_sign(&digest, &pubkey, &sigs).await?;
        assert_eq!(
            signed
                .to_alloy()?
                .recover_address_from_prehash(&B256::from(digest))?,
            pkp.eth_address
        );
    }
    devnet.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pools_refill_to_their_size_and_copies_of_used_pairs_are_dropped_everywhere() -> TestResult
{
    let (devnet, client, pkp) = signing_fixture(2, &[]).await?;
    let sigs = session_sigs(
        &client,
        &devnet.dev_wallet(),
        LitAbility::PkpSigning,
        ResourcePrefix::Pkp,
    )
    .await?;
    let pubkey = format!("0x{}", hex::encode(&pkp.public_key));
    // Each signature uses a pair of two of the three nodes; the third keeps a copy it will
    // never use unless the pair's leader tells it to drop it.
    for round in 0..6u8 {
        let digest = keccak256([b'p', round]).0;
        client.pkp_sign(&digest, &pubkey, &sigs).await?;
    }
    // Steady state: each node leads two pairs and holds the two each peer leads, no more.
    let settled = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let held = pairs_held(&devnet)?;
        if held.iter().all(|held| *held == 6) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < settled,
            "pools did not settle at 6 pairs each: {held:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    devnet.shutdown().await;
    Ok(())
}
