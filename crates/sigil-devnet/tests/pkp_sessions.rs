//! PKP session sigs on a devnet, through the Rust client: the network signs a session for a
//! PKP once a wallet auth method (or a Lit Action) the PKP permits checks out; the session then
//! signs with the PKP and decrypts what was encrypted to the PKP's address; everything else is
//! Lit's refusal, and the nodes keep serving.

use alloy_network::TransactionBuilder;
use alloy_primitives::{keccak256, Address};
use alloy_provider::Provider;
use alloy_signer_local::PrivateKeySigner;
use serde_json::{json, Value};
use sigil_auth::siwe::{create_siwe_message, SiweMessageParams};
use sigil_chain::evm::{self, MintedPkp, Permit};
use sigil_client::{
    eth_wallet_auth_method, generate_auth_sig, AuthMethod, ConditionSet, DecryptRequest,
    LitAbility, LitNodeClient, LitResource, PkpSessionSigsParams, ResourceAbilityRequest,
    ResourcePrefix,
};
use sigil_devnet::{Devnet, DevnetConfig};
use time::OffsetDateTime;

mod common;

type TestResult = Result<(), Box<dyn std::error::Error>>;

alloy_sol_types::sol! {
    function removePermittedAuthMethod(uint256 tokenId, uint256 authMethodType, bytes id) external;
}

struct Fixture {
    devnet: Devnet,
    client: LitNodeClient,
}

async fn fixture() -> Result<Fixture, Box<dyn std::error::Error>> {
    let devnet = Devnet::start(DevnetConfig::default()).await?;
    let client = common::connected(&devnet).await?;
    Ok(Fixture { devnet, client })
}

impl Fixture {
    /// A PKP the dev wallet owns, permitting `permits`.
    async fn mint(&self, permits: &[Permit]) -> Result<MintedPkp, Box<dyn std::error::Error>> {
        let owner = common::dev_wallet_chain(&self.devnet).await?;
        Ok(evm::mint_pkp(&owner, self.devnet.network_context(), permits).await?)
    }

    /// `wallet`'s auth method: its AuthSig over a SIWE message of its own, valid for an hour
    /// from `issued`.
    async fn wallet_method(
        &self,
        wallet: &PrivateKeySigner,
        issued: OffsetDateTime,
    ) -> Result<AuthMethod, Box<dyn std::error::Error>> {
        let params =
            SiweMessageParams::new(wallet.address(), self.client.get_latest_blockhash().await?)
                .with_uri("https://app.example")
                .with_expiration(issued + time::Duration::hours(1));
        let auth_sig = generate_auth_sig(wallet, &create_siwe_message(&params, issued)?)?;
        Ok(eth_wallet_auth_method(&auth_sig)?)
    }
}

fn requests() -> Vec<ResourceAbilityRequest> {
    vec![
        ResourceAbilityRequest::new(
            LitResource::wildcard(ResourcePrefix::Pkp),
            LitAbility::PkpSigning,
        )
        .expect("pkp signing"),
        ResourceAbilityRequest::new(
            LitResource::wildcard(ResourcePrefix::LitAction),
            LitAbility::LitActionExecution,
        )
        .expect("actions"),
        ResourceAbilityRequest::new(
            LitResource::wildcard(ResourcePrefix::AccessControlCondition),
            LitAbility::AccessControlConditionDecryption,
        )
        .expect("decryption"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_network_signs_a_session_for_a_pkp_its_owner_proves_and_the_session_acts_as_the_pkp(
) -> TestResult {
    let f = fixture().await?;
    let owner = f.devnet.dev_wallet();
    let pkp = f.mint(&[]).await?;
    let public_key = hex::encode(&pkp.public_key);
    let pkp_address = pkp.eth_address;
    let method = f.wallet_method(&owner, OffsetDateTime::now_utc()).await?;
    let sigs = f
        .client
        .get_pkp_session_sigs(PkpSessionSigsParams::new(
            &public_key,
            vec![method],
            requests(),
        ))
        .await?;

    let to_sign = keccak256(b"signed in a PKP session");
    let signature = f.client.pkp_sign(&to_sign.0, &public_key, &sigs).await?;
    assert_eq!(
        signature
            .to_alloy()?
            .recover_address_from_prehash(&to_sign)?,
        pkp_address
    );

    let conditions = ConditionSet::from_request(&json!({"accessControlConditions": [{
        "contractAddress": "", "standardContractType": "", "chain": "ethereum", "method": "",
        "parameters": [":userAddress"],
        "returnValueTest": {"comparator": "=", "value": pkp_address.to_checksum(None)}}]}))?;
    let request = DecryptRequest::new(
        conditions.clone(),
        f.client.encrypt_string(&conditions, "for the PKP")?,
    );
    assert_eq!(
        f.client.decrypt_to_string(&request, &sigs).await?,
        "for the PKP"
    );

    // A Lit Action in the PKP's session sees the wallet that proved it, and signs with the PKP
    // on its strength.
    let code = r#"
        (async () => {
            await Lit.Actions.signEcdsa({toSign: hash, publicKey, sigName: "sig"});
            Lit.Actions.setResponse({response: JSON.stringify(Lit.Auth.authMethodContexts)});
        })();
    "#;
    let digest = keccak256(b"an action in a PKP session");
    let run = sigil_client::ExecuteJsParams::code(code).with_js_params(
        json!({"hash": digest.to_vec(), "publicKey": format!("0x{public_key}")})
            .as_object()
            .cloned()
            .unwrap_or_default(),
    );
    let result = f.client.execute_js(&run, &sigs).await?;
    assert_eq!(
        result.signatures["sig"]
            .to_alloy()?
            .recover_address_from_prehash(&digest)?,
        pkp_address
    );
    assert_eq!(
        result.response_json(),
        json!([{"appId": "lit", "authMethodType": 1, "usedForSignSessionKeyRequest": true,
            "userId": owner.address().to_checksum(None)}])
    );
    f.devnet.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_methods_and_messages_the_network_must_not_sign_get_lit_s_codes() -> TestResult {
    let f = fixture().await?;
    let owner = f.devnet.dev_wallet();
    let permitted = PrivateKeySigner::random();
    let pkp = f
        .mint(&[Permit::Address {
            address: permitted.address(),
            scopes: vec![2],
        }])
        .await?;
    let other_pkp = f.mint(&[]).await?;
    let (public_key, other_public_key) = (
        hex::encode(&pkp.public_key),
        hex::encode(&other_pkp.public_key),
    );
    let now = OffsetDateTime::now_utc();
    let session = |method: AuthMethod, public_key: &str| {
        PkpSessionSigsParams::new(public_key, vec![method], requests())
    };

    // A wallet the PKP permits (personal-sign scope) gets a session.
    let method = f.wallet_method(&permitted, now).await?;
    f.client
        .get_pkp_session_sigs(session(method.clone(), &public_key))
        .await?;

    let refusals = [
        // A stranger; the owner of one PKP asking for another's; an AuthSig that expired.
        (
            "stranger",
            session(
                f.wallet_method(&PrivateKeySigner::random(), now).await?,
                &public_key,
            ),
            401,
            "NodePKPNotAuthorized",
        ),
        (
            "another PKP",
            session(method.clone(), &other_public_key),
            401,
            "NodePKPNotAuthorized",
        ),
        (
            "expired",
            session(
                f.wallet_method(&permitted, now - time::Duration::hours(3))
                    .await?,
                &public_key,
            ),
            400,
            "NodeSIWEMessageError",
        ),
        (
            "not an AuthSig",
            session(
                AuthMethod {
                    auth_method_type: 1,
                    access_token: "{}".into(),
                },
                &public_key,
            ),
            502,
            "NodeWalletSignatureJSONError",
        ),
    ];
    for (name, params, status, code) in refusals {
        let error = f.client.get_pkp_session_sigs(params).await.expect_err(name);
        assert_eq!(
            common::code_of(&error),
            (Some(status), code.to_owned()),
            "{name}: {error}"
        );
    }

    // Requests the SDK would not send: another address in the SIWE message, another curve.
    let node = f.client.connection().ok_or("connected")?.connected_nodes[0].clone();
    let nonce = f.client.get_latest_blockhash().await?;
    let body = |address: Address, curve: &str| -> Result<Value, Box<dyn std::error::Error>> {
        let key = sigil_client::SessionKeyPair::from_seed(rand::random());
        let siwe = SiweMessageParams::new(address, nonce.clone())
            .with_uri(key.uri())
            .with_expiration(now + time::Duration::hours(1))
            .with_resources(requests());
        Ok(json!({"sessionKey": key.uri(), "authMethods": [method],
            "pkpPublicKey": public_key, "siweMessage": create_siwe_message(&siwe, now)?,
            "curveType": curve, "epoch": 1}))
    };
    let pkp_address = sigil_client::pkp_eth_address(&public_key)?;
    for (name, body, status, code) in [
        (
            "another address",
            body(permitted.address(), "BLS")?,
            400,
            "NodeSIWEMessageError",
        ),
        (
            "ECDSA",
            body(pkp_address, "K256")?,
            400,
            "NodeInvalidCurveType",
        ),
    ] {
        let answer = reqwest::Client::new()
            .post(format!("{node}/web/sign_session_key/v1"))
            .json(&body)
            .send()
            .await?;
        assert_eq!(answer.status().as_u16(), status, "{name}");
        let answer: Value = answer.json().await?;
        assert_eq!(answer["errorCode"], code, "{name}: {answer}");
    }

    // The permission removed on chain: the next session is refused.
    let remove = removePermittedAuthMethodCall {
        tokenId: pkp.token_id,
        authMethodType: alloy_primitives::U256::from(1),
        id: permitted.address().to_vec().into(),
    };
    let transaction = alloy_rpc_types_eth::TransactionRequest::default()
        .with_to(
            f.devnet
                .network_context()
                .address("PKPPermissions")
                .ok_or("PKPPermissions")?,
        )
        .with_input(alloy_sol_types::SolCall::abi_encode(&remove));
    let receipt = common::dev_wallet_chain(&f.devnet)
        .await?
        .send_transaction(transaction)
        .await?
        .get_receipt()
        .await?;
    assert!(receipt.status());
    let error = f
        .client
        .get_pkp_session_sigs(session(
            f.wallet_method(&permitted, now).await?,
            &public_key,
        ))
        .await
        .expect_err("no longer permitted");
    assert_eq!(
        common::code_of(&error),
        (Some(401), "NodePKPNotAuthorized".to_owned())
    );

    // The nodes still serve: the owner gets a session.
    f.client
        .get_pkp_session_sigs(session(f.wallet_method(&owner, now).await?, &public_key))
        .await?;
    f.devnet.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lit_action_the_pkp_permits_authenticates_a_session_when_it_answers_true() -> TestResult {
    let f = fixture().await?;
    let code =
        r#"Lit.Actions.setResponse({response: JSON.stringify(passcode === "open sesame")});"#;
    let cid = sigil_actions::ipfs_cid_v0(code.as_bytes());
    // Sign anything, which includes the personal-sign scope a session needs: the session then
    // signs hashes with the PKP.
    let pkp = f
        .mint(&[Permit::Action {
            cid,
            scopes: vec![1],
        }])
        .await?;
    let public_key = hex::encode(&pkp.public_key);
    let params = |passcode: &str| {
        let mut params = PkpSessionSigsParams::new(&public_key, Vec::new(), requests());
        params.lit_action_code = Some(code.to_owned());
        params.js_params = json!({"passcode": passcode}).as_object().cloned();
        params
    };
    let sigs = f
        .client
        .get_lit_action_session_sigs(params("open sesame"))
        .await?;
    let to_sign = keccak256(b"an action vouched for this session");
    let signature = f.client.pkp_sign(&to_sign.0, &public_key, &sigs).await?;
    assert_eq!(
        signature
            .to_alloy()?
            .recover_address_from_prehash(&to_sign)?,
        pkp.eth_address
    );

    let error = f
        .client
        .get_lit_action_session_sigs(params("wrong"))
        .await
        .expect_err("the action says no");
    assert_eq!(
        common::code_of(&error),
        (
            Some(401),
            "NodeLitActionsSessionSigAuthenticationFailed".to_owned()
        )
    );
    // An action the PKP does not permit, even answering true.
    let mut other = params("open sesame");
    other.lit_action_code = Some(format!("{code}\n// another action"));
    let error = f
        .client
        .get_lit_action_session_sigs(other)
        .await
        .expect_err("not permitted");
    assert_eq!(
        common::code_of(&error),
        (Some(401), "NodePKPNotAuthorized".to_owned())
    );
    f.devnet.shutdown().await;
    Ok(())
}
