//! Smart-contract wallets (EIP-1271) on a devnet: a wallet contract's AuthSig (`derivedVia`
//! `EIP1271` or `EIP1271_SHA256`) decrypts what was encrypted to the contract once the contract
//! vouches for the signature on the request's chain; everything else is Lit's refusal, and the
//! nodes keep serving.

use alloy_primitives::{eip191_hash_message, Address, B256};
use alloy_provider::Provider;
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use serde_json::json;
use sha2::{Digest, Sha256};
use sigil_auth::siwe::{create_siwe_message, SiweMessageParams};
use sigil_chain::evm::{self, contracts::ContractWallet};
use sigil_client::{AuthSig, ConditionSet, DecryptRequest, LitNodeClient};
use sigil_devnet::{Devnet, DevnetConfig};
use time::{Duration, OffsetDateTime};

mod common;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The contract wallet's AuthSig over a SIWE message in its name, issued at `issued_at`: the
/// owner's signature of the hash the contract is asked about (`sha256`: of the message's SHA-256,
/// else of its EIP-191 hash, which is what `personal_sign` signs).
async fn contract_auth_sig(
    client: &LitNodeClient,
    wallet: Address,
    owner: &PrivateKeySigner,
    sha256: bool,
    issued_at: OffsetDateTime,
) -> Result<AuthSig, Box<dyn std::error::Error>> {
    let params = SiweMessageParams::new(wallet, client.get_latest_blockhash().await?)
        .with_uri("https://app.example")
        .with_expiration(issued_at + Duration::hours(1));
    let message = create_siwe_message(&params, issued_at)?;
    let hash = if sha256 {
        B256::from(<[u8; 32]>::from(Sha256::digest(message.as_bytes())))
    } else {
        eip191_hash_message(message.as_bytes())
    };
    let signature = owner.sign_hash_sync(&hash)?;
    Ok(AuthSig {
        sig: format!("0x{}", hex::encode(signature.as_bytes())),
        derived_via: if sha256 { "EIP1271_SHA256" } else { "EIP1271" }.to_owned(),
        signed_message: message,
        address: wallet.to_checksum(None),
        algo: None,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contract_wallet_decrypts_while_its_owner_vouches_and_is_refused_with_lit_s_codes_else(
) -> TestResult {
    let devnet = Devnet::start(DevnetConfig::default()).await?;
    let client = common::connected(&devnet).await?;
    let deployer = common::dev_wallet_chain(&devnet).await?;
    let owner = PrivateKeySigner::random();
    let wallet = evm::deploy_contract_wallet(&deployer, owner.address()).await?;

    let conditions = ConditionSet::from_request(&json!({"accessControlConditions": [{
        "contractAddress": "", "standardContractType": "", "chain": "ethereum", "method": "",
        "parameters": [":userAddress"],
        "returnValueTest": {"comparator": "=", "value": wallet.to_checksum(None)}}]}))?;
    let request = DecryptRequest::new(
        conditions.clone(),
        client.encrypt_string(&conditions, "for the contract wallet")?,
    );
    let now = OffsetDateTime::now_utc();
    for sha256 in [false, true] {
        let auth_sig = contract_auth_sig(&client, wallet, &owner, sha256, now).await?;
        let plaintext = client.decrypt_with_auth_sig(&request, &auth_sig).await?;
        assert_eq!(plaintext, b"for the contract wallet", "sha256: {sha256}");
    }

    let refusal = async |auth_sig: &AuthSig, request: &DecryptRequest| {
        let error = client
            .decrypt_with_auth_sig(request, auth_sig)
            .await
            .expect_err("refused");
        common::code_of(&error)
    };
    // Another key's signature: the contract answers, but not yes.
    let stranger = PrivateKeySigner::random();
    let forged = contract_auth_sig(&client, wallet, &stranger, false, now).await?;
    assert_eq!(
        refusal(&forged, &request).await,
        (Some(401), "NodeContractAuthsigUnauthorized".to_owned())
    );
    // An address with no contract at all: the call has no answer to decode.
    let no_code = contract_auth_sig(&client, stranger.address(), &stranger, false, now).await?;
    assert_eq!(
        refusal(&no_code, &request).await,
        (Some(502), "NodeBlockchainError".to_owned())
    );
    // A contract without isValidSignature: the call reverts.
    let token = devnet.network_context().require("DemoERC20")?;
    let reverts = contract_auth_sig(&client, token, &owner, false, now).await?;
    assert_eq!(
        refusal(&reverts, &request).await,
        (Some(502), "NodeBlockchainError".to_owned())
    );
    // A chain the nodes have no RPC for.
    let elsewhere = DecryptRequest {
        chain: "nochain".to_owned(),
        ..request.clone()
    };
    let owned = contract_auth_sig(&client, wallet, &owner, false, now).await?;
    assert_eq!(
        refusal(&owned, &elsewhere).await,
        (Some(401), "NodeInvalidAuthSig".to_owned())
    );
    // An expired message, whatever the contract says.
    let expired =
        contract_auth_sig(&client, wallet, &owner, false, now - Duration::hours(3)).await?;
    assert_eq!(
        refusal(&expired, &request).await,
        (Some(400), "NodeSIWEMessageError".to_owned())
    );

    // Ownership moves to another key: the old owner's signatures no longer count.
    assert_eq!(
        ContractWallet::new(wallet, &deployer)
            .owner()
            .call()
            .await?,
        owner.address()
    );
    let funded = alloy_provider::ProviderBuilder::new()
        .wallet(owner.clone())
        .connect(&devnet.rpc_url())
        .await?;
    let fund = alloy_rpc_types_eth::TransactionRequest::default()
        .to(owner.address())
        .value(alloy_primitives::U256::from(10u64).pow(alloy_primitives::U256::from(17u64)));
    deployer.send_transaction(fund).await?.get_receipt().await?;
    ContractWallet::new(wallet, &funded)
        .transferOwnership(stranger.address())
        .send()
        .await?
        .get_receipt()
        .await?;
    assert_eq!(
        refusal(&owned, &request).await,
        (Some(401), "NodeContractAuthsigUnauthorized".to_owned())
    );
    assert_eq!(
        client.decrypt_with_auth_sig(&request, &forged).await?,
        b"for the contract wallet"
    );
    devnet.shutdown().await;
    Ok(())
}
