//! `sigil demo`: the seed guide's flow, step by step, against a devnet started in-process
//! (free ports, a temporary data dir): wallet, connect, session sigs via an auth sig, encrypt
//! to the wallet's address, decrypt, and a second wallet refused; then the guide's next step,
//! a PKP minted by the wallet and permitted to it, signing a message the network signs
//! together; last, a Lit Action every node runs, which checks a condition and signs with the
//! PKP.

use super::encrypt::only_address;
use crate::Failure;
use alloy_signer_local::PrivateKeySigner;
use anyhow::{anyhow, bail};
use sigil_client::{
    ClientError, DecryptRequest, LitAbility, LitNetwork, LitNodeClient, LitNodeClientConfig,
    LitResource, ResourceAbilityRequest, ResourcePrefix, SessionSigs, SessionSigsParams,
};
use sigil_devnet::{Devnet, DevnetConfig};
use sigil_wire::LitErrorCode;
use time::{Duration, OffsetDateTime};

#[derive(clap::Args)]
pub struct Args {
    /// The text to encrypt and decrypt.
    #[arg(long, default_value = "Hello from Sigil: decrypted with session sigs!")]
    pub message: String,
    /// Number of nodes of the embedded devnet.
    #[arg(long, default_value_t = 3)]
    pub nodes: usize,
    /// Decryption shares needed.
    #[arg(long, default_value_t = 2)]
    pub threshold: usize,
}

pub fn run(args: Args) -> Result<(), Failure> {
    super::client_runtime()?.block_on(demo(args))?;
    Ok(())
}

/// The seed guide's `authNeededCallback` flow for `wallet`.
async fn session_sigs_for(
    client: &LitNodeClient,
    wallet: &PrivateKeySigner,
) -> Result<SessionSigs, ClientError> {
    let mut params = SessionSigsParams::new(vec![ResourceAbilityRequest::new(
        LitResource::wildcard(ResourcePrefix::AccessControlCondition),
        LitAbility::AccessControlConditionDecryption,
    )?]);
    params.expiration = Some(OffsetDateTime::now_utc() + Duration::minutes(10));
    client.get_session_sigs_with_wallet(params, wallet).await
}

async fn demo(args: Args) -> anyhow::Result<()> {
    println!("Sigil demo: Lit session sigs, end to end, on an embedded devnet\n");

    println!(
        "1. Starting a devnet: {} nodes, threshold {}",
        args.nodes, args.threshold
    );
    let devnet = Devnet::start(DevnetConfig {
        nodes: args.nodes,
        threshold: args.threshold,
        ..DevnetConfig::default()
    })
    .await?;
    println!("   chain RPC  {}", devnet.rpc_url());
    for url in devnet.node_urls() {
        println!("   node       {url}");
    }
    let result = walk(&devnet, &args.message).await;
    devnet.shutdown().await;
    result?;
    println!("\nDone: the wallet decrypted, the stranger was refused, the PKP signed, and so did a Lit Action with it.");
    Ok(())
}

async fn walk(devnet: &Devnet, message: &str) -> anyhow::Result<()> {
    let wallet = PrivateKeySigner::random();
    println!("\n2. A wallet (a fresh random key): {}", wallet.address());

    println!(
        "\n3. Connecting a LitNodeClient (litNetwork custom, rpcUrl {})",
        devnet.rpc_url()
    );
    let client = LitNodeClient::new(LitNodeClientConfig::new(LitNetwork::Custom {
        rpc_url: devnet.rpc_url(),
        staking_address: devnet.staking_address(),
    }))?;
    let connection = client.connect().await?;
    println!(
        "   connected to {} nodes (minNodeCount {}), latest blockhash {}",
        connection.connected_nodes.len(),
        connection.min_node_count,
        connection.latest_blockhash
    );

    println!(
        "\n4. Session sigs via an auth sig: the wallet signs a SIWE + ReCap for the session key"
    );
    let session_sigs = session_sigs_for(&client, &wallet).await?;
    let (first_url, first) = session_sigs
        .iter()
        .next()
        .ok_or_else(|| anyhow!("no session sigs"))?;
    println!("   session key  lit:session:{}", first.address);
    println!(
        "   {} session sigs, one per node (e.g. {first_url})",
        session_sigs.len()
    );

    println!(
        "\n5. Encrypting {message:?} so that only {} may decrypt it",
        wallet.address()
    );
    let conditions = only_address(wallet.address())?;
    let encrypted = client.encrypt_string(&conditions, message)?;
    println!("   dataToEncryptHash  {}", encrypted.data_to_encrypt_hash);
    println!(
        "   ciphertext         {} base64 characters",
        encrypted.ciphertext.len()
    );
    let request = DecryptRequest::new(conditions, encrypted);

    println!("\n6. Decrypting with the session sigs (one decryption share per node, combined)");
    let decrypted = client.decrypt_to_string(&request, &session_sigs).await?;
    println!("   decrypted: {decrypted}");
    if decrypted != message {
        bail!("decrypted text differs from the message");
    }

    let stranger = PrivateKeySigner::random();
    println!(
        "\n7. A second wallet, {}, not named in the conditions, tries the same",
        stranger.address()
    );
    let stranger_sigs = session_sigs_for(&client, &stranger).await?;
    match client.decrypt(&request, &stranger_sigs).await {
        Ok(_) => bail!("the second wallet was able to decrypt"),
        Err(error @ ClientError::NodeErrors { .. }) => {
            let failure = error
                .most_common_node_failure()
                .ok_or_else(|| anyhow!("{error}"))?;
            let refused = failure.error_code
                == Some(LitErrorCode::NodeAccessControlConditionsReturnedNotAuthorized);
            if !refused {
                bail!("the second wallet failed for another reason: {error}");
            }
            println!(
                "   refused, as it should be: HTTP {} {}",
                failure.status.unwrap_or_default(),
                failure
                    .error_code
                    .as_ref()
                    .map(|c| c.as_str())
                    .unwrap_or_default()
            );
        }
        Err(other) => bail!("the second wallet failed for another reason: {other}"),
    }
    sign_with_a_pkp(devnet, client, &wallet).await
}

/// The wallet mints a PKP permitting itself, and the network signs a message with it.
async fn sign_with_a_pkp(
    devnet: &Devnet,
    client: LitNodeClient,
    wallet: &PrivateKeySigner,
) -> anyhow::Result<()> {
    use alloy_provider::{Provider, ProviderBuilder};
    use alloy_signer::Signer;
    use sigil_chain::evm::{self, Permit};
    println!(
        "\n8. The wallet mints a PKP (funded by the dev wallet for gas), permitting itself to sign"
    );
    let funder = ProviderBuilder::new()
        .wallet(devnet.dev_wallet())
        .connect(&devnet.rpc_url())
        .await?;
    evm::top_up(
        &funder,
        wallet.address(),
        alloy_primitives::U256::from(10u64.pow(17)),
    )
    .await?;
    let minter = ProviderBuilder::new()
        .wallet(wallet.clone())
        .connect(&devnet.rpc_url())
        .await?
        .erased();
    let pkp = evm::mint_pkp(
        &minter,
        devnet.network_context(),
        &[Permit::Address {
            address: wallet.address(),
            scopes: vec![evm::SCOPE_SIGN_ANYTHING],
        }],
    )
    .await?;
    println!("   PKP token id  {}", pkp.token_id);
    println!("   PKP address   {}", pkp.eth_address);

    println!("\n9. Session sigs for lit-pkp://* with pkp-signing, then the PKP signs a message");
    let mut params = SessionSigsParams::new(vec![ResourceAbilityRequest::new(
        LitResource::wildcard(ResourcePrefix::Pkp),
        LitAbility::PkpSigning,
    )?]);
    params.expiration = Some(OffsetDateTime::now_utc() + Duration::minutes(10));
    let pkp_sigs = client.get_session_sigs_with_wallet(params, wallet).await?;
    let public_key = format!("0x{}", hex::encode(&pkp.public_key));
    let client = std::sync::Arc::new(client);
    let signer =
        sigil_client::PkpSigner::new(std::sync::Arc::clone(&client), pkp_sigs, &public_key)?;
    let text = "Signed by a PKP: no one holds its key";
    let signature = signer.sign_message(text.as_bytes()).await?;
    let recovered = signature.recover_address_from_msg(text)?;
    println!("   signature  0x{}", hex::encode(signature.as_bytes()));
    println!("   recovers to {recovered}");
    if recovered != pkp.eth_address {
        bail!("the PKP's signature recovers to another address");
    }

    println!("\n10. A Lit Action on every node: it checks a condition, then signs with the PKP");
    let mut params = SessionSigsParams::new(vec![ResourceAbilityRequest::new(
        LitResource::wildcard(ResourcePrefix::LitAction),
        LitAbility::LitActionExecution,
    )?]);
    params.expiration = Some(OffsetDateTime::now_utc() + Duration::minutes(10));
    let action_sigs = client.get_session_sigs_with_wallet(params, wallet).await?;
    let code = r#"(async () => {
  const allowed = await Lit.Actions.checkConditions({ conditions, authSig: null, chain: 'ethereum' });
  if (!allowed) return Lit.Actions.setResponse({ response: 'not allowed' });
  await Lit.Actions.ethPersonalSignMessageEcdsa({ message, publicKey, sigName: 'demo' });
  Lit.Actions.setResponse({ response: 'signed by ' + Lit.Auth.authSigAddress });
})();"#;
    let text = "Signed by a Lit Action with a PKP";
    let conditions = serde_json::json!([{
        "contractAddress": "", "standardContractType": "", "chain": "ethereum", "method": "",
        "parameters": [":userAddress"],
        "returnValueTest": {"comparator": "=", "value": wallet.address().to_checksum(None)},
    }]);
    let run = sigil_client::ExecuteJsParams::code(code).with_js_params(
        serde_json::json!({"conditions": conditions, "message": text, "publicKey": public_key})
            .as_object()
            .cloned()
            .unwrap_or_default(),
    );
    let result = client.execute_js(&run, &action_sigs).await?;
    println!(
        "   action CID   {}",
        sigil_actions::ipfs_cid_v0(code.as_bytes())
    );
    println!("   response     {}", result.response);
    let signature = result
        .signatures
        .get("demo")
        .ok_or_else(|| anyhow::anyhow!("the action signed nothing: {}", result.response))?
        .to_alloy()?;
    let recovered = signature.recover_address_from_msg(text)?;
    println!("   signature    0x{}", hex::encode(signature.as_bytes()));
    println!("   recovers to  {recovered}");
    if recovered != pkp.eth_address {
        bail!("the action's signature recovers to another address");
    }
    Ok(())
}
