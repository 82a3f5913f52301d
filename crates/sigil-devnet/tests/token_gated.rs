//! Token-gated decryption on a devnet, one test per kind of condition that reads the chain: the
//! nodes read the devnet's own chain (every EVM chain name maps to it) and refuse a user the
//! chain says no to with `NodeAccessControlConditionsReturnedNotAuthorized`.

use alloy_primitives::{Address, U256};
use alloy_provider::{DynProvider, Provider, ProviderBuilder};
use alloy_signer_local::PrivateKeySigner;
use serde_json::{json, Value};
use sigil_chain::evm::{self, Permit};
use sigil_client::{
    generate_auth_sig, AuthCallbackParams, AuthSig, ClientError, ConditionSet,
    CreateSiweMessageParams, DecryptRequest, LitAbility, LitNetwork, LitNodeClient,
    LitNodeClientConfig, LitResource, ResourceAbilityRequest, ResourcePrefix, SessionSigs,
    SessionSigsParams,
};
use sigil_devnet::{Devnet, DevnetConfig};
use std::time::Duration;

mod common;

type TestResult = Result<(), Box<dyn std::error::Error>>;

struct Fixture {
    devnet: Devnet,
    client: LitNodeClient,
    /// The deployer of the demo tokens (the dev wallet), who mints them.
    minter: DynProvider,
}

async fn fixture() -> Result<Fixture, Box<dyn std::error::Error>> {
    fixture_with(DevnetConfig::default()).await
}

async fn fixture_with(config: DevnetConfig) -> Result<Fixture, Box<dyn std::error::Error>> {
    let devnet = Devnet::start(config).await?;
    let client = common::connected(&devnet).await?;
    let minter = common::dev_wallet_chain(&devnet).await?;
    Ok(Fixture {
        devnet,
        client,
        minter,
    })
}

impl Fixture {
    fn token(&self, name: &'static str) -> Address {
        self.devnet
            .network_context()
            .address(name)
            .unwrap_or_else(|| panic!("the devnet deploys {name}"))
    }

    async fn session_sigs(&self, wallet: &PrivateKeySigner) -> Result<SessionSigs, ClientError> {
        let decryption = ResourceAbilityRequest::new(
            LitResource::wildcard(ResourcePrefix::AccessControlCondition),
            LitAbility::AccessControlConditionDecryption,
        )?;
        let client = &self.client;
        client
            .get_session_sigs(
                SessionSigsParams::new(vec![decryption]),
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

    /// Whether `wallet` decrypts what was encrypted to `conditions` (a whole request body's
    /// conditions, e.g. `{"accessControlConditions": [...]}`); a refusal must be the
    /// not-authorized one.
    async fn decrypts(
        &self,
        conditions: &Value,
        wallet: &PrivateKeySigner,
    ) -> Result<bool, Box<dyn std::error::Error>> {
        let set = ConditionSet::from_request(conditions)?;
        let request = DecryptRequest::new(set.clone(), self.client.encrypt_string(&set, "gated")?);
        let sigs = self.session_sigs(wallet).await?;
        match self.client.decrypt_to_string(&request, &sigs).await {
            Ok(plaintext) => {
                assert_eq!(plaintext, "gated");
                Ok(true)
            }
            Err(error) => {
                let text = format!("{error:?}");
                assert!(
                    text.contains("NodeAccessControlConditionsReturnedNotAuthorized"),
                    "refused for another reason: {text}"
                );
                Ok(false)
            }
        }
    }
}

fn basic(
    contract: Address,
    kind: &str,
    method: &str,
    parameters: Value,
    comparator: &str,
    value: &str,
) -> Value {
    json!({"contractAddress": contract.to_string(), "standardContractType": kind, "chain": "ethereum",
           "method": method, "parameters": parameters,
           "returnValueTest": {"comparator": comparator, "value": value}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erc721_holder_decrypts_and_a_non_holder_is_refused() -> TestResult {
    let f = fixture().await?;
    let nft = f.token("DemoERC721");
    let holder = PrivateKeySigner::random();
    let token_id = evm::mint_erc721(&f.minter, nft, holder.address()).await?;
    let stranger = PrivateKeySigner::random();

    let holds = json!({"accessControlConditions": [basic(nft, "ERC721", "balanceOf", json!([":userAddress"]), ">", "0")]});
    assert!(f.decrypts(&holds, &holder).await?);
    assert!(!f.decrypts(&holds, &stranger).await?);
    let owns = json!({"accessControlConditions": [basic(nft, "ERC721", "ownerOf", json!([token_id.to_string()]), "=", ":userAddress")]});
    assert!(f.decrypts(&owns, &holder).await?);
    assert!(!f.decrypts(&owns, &stranger).await?);
    f.devnet.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erc20_balance_at_below_and_above_a_threshold_native_balance_and_erc1155() -> TestResult {
    let f = fixture().await?;
    let erc20 = f.token("DemoERC20");
    let wallets: Vec<PrivateKeySigner> = (0..3).map(|_| PrivateKeySigner::random()).collect();
    for (wallet, amount) in wallets.iter().zip([99u64, 100, 101]) {
        evm::mint_erc20(&f.minter, erc20, wallet.address(), U256::from(amount)).await?;
    }
    let at_least_100 = json!({"accessControlConditions": [basic(erc20, "ERC20", "balanceOf", json!([":userAddress"]), ">=", "100")]});
    assert!(!f.decrypts(&at_least_100, &wallets[0]).await?, "below");
    assert!(f.decrypts(&at_least_100, &wallets[1]).await?, "exactly at");
    assert!(f.decrypts(&at_least_100, &wallets[2]).await?, "above");

    // Native balance: the dev wallet holds ether, a fresh wallet none.
    let funded = json!({"accessControlConditions": [{"contractAddress": "", "standardContractType": "",
        "chain": "sepolia", "method": "eth_getBalance", "parameters": [":userAddress", "latest"],
        "returnValueTest": {"comparator": ">=", "value": "1000000000000000000"}}]});
    assert!(f.decrypts(&funded, &f.devnet.dev_wallet()).await?);
    assert!(!f.decrypts(&funded, &wallets[0]).await?);

    // ERC-1155: a balance of id 7.
    let multi = f.token("DemoERC1155");
    evm::mint_erc1155(
        &f.minter,
        multi,
        wallets[0].address(),
        U256::from(7),
        U256::from(2),
    )
    .await?;
    let holds_7 = json!({"accessControlConditions": [basic(multi, "ERC1155", "balanceOf", json!([":userAddress", "7"]), ">=", "2")]});
    assert!(f.decrypts(&holds_7, &wallets[0]).await?);
    assert!(!f.decrypts(&holds_7, &wallets[1]).await?);
    f.devnet.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evm_contract_outputs_by_key_unified_mixes_and_pkp_permissions() -> TestResult {
    let f = fixture().await?;
    let erc20 = f.token("DemoERC20");
    let holder = PrivateKeySigner::random();
    evm::mint_erc20(&f.minter, erc20, holder.address(), U256::from(5)).await?;
    let stranger = PrivateKeySigner::random();
    let standing = |key: &str, comparator: &str, value: &str| {
        json!({"contractAddress": erc20.to_string(), "functionName": "standing",
            "functionParams": [":userAddress"],
            "functionAbi": {"name": "standing", "type": "function", "stateMutability": "view",
                "inputs": [{"name": "account", "type": "address"}],
                "outputs": [{"name": "balance", "type": "uint256"}, {"name": "holder", "type": "bool"}]},
            "chain": "ethereum", "returnValueTest": {"key": key, "comparator": comparator, "value": value}})
    };
    let is_holder = json!({"evmContractConditions": [standing("holder", "=", "true")]});
    assert!(f.decrypts(&is_holder, &holder).await?);
    assert!(!f.decrypts(&is_holder, &stranger).await?);
    let five = json!({"evmContractConditions": [standing("balance", "=", "5")]});
    assert!(f.decrypts(&five, &holder).await?);

    // Unified: the stranger by address, or (a holder and at least 5 by the contract call).
    let mut by_address = json!({"contractAddress": "", "standardContractType": "", "chain": "ethereum",
        "method": "", "parameters": [":userAddress"],
        "returnValueTest": {"comparator": "=", "value": stranger.address().to_string()}});
    by_address["conditionType"] = "evmBasic".into();
    let mut holds = basic(
        erc20,
        "ERC20",
        "balanceOf",
        json!([":userAddress"]),
        ">",
        "0",
    );
    holds["conditionType"] = "evmBasic".into();
    let mut at_least_5 = standing("balance", ">=", "5");
    at_least_5["conditionType"] = "evmContract".into();
    let mixed = json!({"unifiedAccessControlConditions": [by_address, {"operator": "or"}, [holds, {"operator": "and"}, at_least_5]]});
    assert!(f.decrypts(&mixed, &holder).await?);
    assert!(f.decrypts(&mixed, &stranger).await?);
    assert!(!f.decrypts(&mixed, &PrivateKeySigner::random()).await?);

    // PKPPermissions: the address a PKP's minter permitted.
    let minted = evm::mint_pkp(
        &f.minter,
        f.devnet.network_context(),
        &[Permit::Address {
            address: holder.address(),
            scopes: vec![1],
        }],
    )
    .await?;
    let permissions = f.token("PKPPermissions");
    let permitted = json!({"accessControlConditions": [basic(permissions, "PKPPermissions", "isPermittedAddress",
        json!([minted.token_id.to_string(), ":userAddress"]), "=", "true")]});
    assert!(f.decrypts(&permitted, &holder).await?);
    assert!(!f.decrypts(&permitted, &stranger).await?);
    f.devnet.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chain_the_node_cannot_read_is_lits_error_and_the_node_keeps_serving() -> TestResult {
    let devnet = Devnet::start(DevnetConfig {
        // Nothing listens on port 9: every read of `sepolia` fails.
        chain_rpcs: [("sepolia".to_owned(), "http://127.0.0.1:9".to_owned())].into(),
        ..DevnetConfig::default()
    })
    .await?;
    let f = Fixture {
        client: {
            let client = LitNodeClient::new(LitNodeClientConfig::new(LitNetwork::Custom {
                rpc_url: devnet.rpc_url(),
                staking_address: devnet.staking_address(),
            }))?;
            client.connect().await?;
            client
        },
        minter: ProviderBuilder::new()
            .connect(&devnet.rpc_url())
            .await?
            .erased(),
        devnet,
    };
    let wallet = PrivateKeySigner::random();
    let sigs = f.session_sigs(&wallet).await?;
    for (chain, code) in [
        ("sepolia", "NodeRpcError"),
        ("notachain", "NodeBlockchainChainUnknown"),
    ] {
        let conditions = ConditionSet::from_request(
            &json!({"accessControlConditions": [{"contractAddress": "",
            "standardContractType": "", "chain": chain, "method": "eth_getBalance",
            "parameters": [":userAddress", "latest"], "returnValueTest": {"comparator": ">=", "value": "0"}}]}),
        )?;
        let request = DecryptRequest::new(
            conditions.clone(),
            f.client.encrypt_string(&conditions, "x")?,
        );
        let error = f
            .client
            .decrypt_to_string(&request, &sigs)
            .await
            .expect_err("refused");
        let text = format!("{error:?}");
        assert!(text.contains(code), "{chain}: {text}");
    }
    // The node still serves a condition it can read.
    let mine = ConditionSet::from_request(
        &json!({"accessControlConditions": [{"contractAddress": "",
        "standardContractType": "", "chain": "ethereum", "method": "", "parameters": [":userAddress"],
        "returnValueTest": {"comparator": "=", "value": wallet.address().to_string()}}]}),
    )?;
    let request = DecryptRequest::new(mine.clone(), f.client.encrypt_string(&mine, "still up")?);
    assert_eq!(
        f.client.decrypt_to_string(&request, &sigs).await?,
        "still up"
    );
    f.devnet.shutdown().await;
    Ok(())
}

/// Ask once with `conditions`: the Lit error code of the refusal, and how long it took.
async fn refusal(f: &Fixture, conditions: Value, wallet: &PrivateKeySigner) -> (String, Duration) {
    let set = ConditionSet::from_request(&conditions).expect("conditions parse");
    let request = DecryptRequest::new(
        set.clone(),
        f.client.encrypt_string(&set, "x").expect("encrypt"),
    );
    let sigs = f.session_sigs(wallet).await.expect("session sigs");
    let started = std::time::Instant::now();
    let error = f
        .client
        .decrypt_to_string(&request, &sigs)
        .await
        .expect_err("refused");
    let elapsed = started.elapsed();
    let text = format!("{error:?}");
    let code = [
        "NodeTokenEncodingDecodingError",
        "NodeBlockchainError",
        "NodeRpcError",
        "NodeMismatchParameters",
    ]
    .into_iter()
    .find(|code| text.contains(code))
    .unwrap_or_else(|| panic!("no expected code in {text}"));
    (code.to_owned(), elapsed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_conditions_are_lits_errors_within_the_nodes_bounds() -> TestResult {
    // An RPC that accepts connections and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0")?;
    let silent_url = format!("http://{}", silent.local_addr()?);
    let devnet = Devnet::start(DevnetConfig {
        chain_rpcs: [("sepolia".to_owned(), silent_url)].into(),
        condition_read_limits: sigil_node::ReadLimits {
            per_read: Duration::from_millis(300),
            per_request: Duration::from_secs(1),
            cache_entries: 4096,
        },
        ..DevnetConfig::default()
    })
    .await?;
    let client = LitNodeClient::new(LitNodeClientConfig::new(LitNetwork::Custom {
        rpc_url: devnet.rpc_url(),
        staking_address: devnet.staking_address(),
    }))?;
    client.connect().await?;
    let minter = ProviderBuilder::new()
        .wallet(devnet.dev_wallet())
        .connect(&devnet.rpc_url())
        .await?
        .erased();
    let f = Fixture {
        devnet,
        client,
        minter,
    };
    let wallet = PrivateKeySigner::random();
    let erc20 = f.token("DemoERC20");
    let erc1155 = f.token("DemoERC1155");

    // The ABI says balanceOf returns a string and a uint: the answer does not decode.
    let wrong_abi = json!({"evmContractConditions": [{"contractAddress": erc20.to_string(),
        "functionName": "balanceOf", "functionParams": [":userAddress"],
        "functionAbi": {"name": "balanceOf", "type": "function", "stateMutability": "view",
            "inputs": [{"name": "account", "type": "address"}],
            "outputs": [{"name": "label", "type": "string"}, {"name": "n", "type": "uint256"}]},
        "chain": "ethereum", "returnValueTest": {"key": "n", "comparator": ">", "value": "0"}}]});
    assert_eq!(
        refusal(&f, wrong_abi, &wallet).await.0,
        "NodeTokenEncodingDecodingError"
    );
    // A function that reverts (the zero address has no ERC-1155 balance).
    let reverts = json!({"evmContractConditions": [{"contractAddress": erc1155.to_string(),
        "functionName": "balanceOf", "functionParams": ["0x0000000000000000000000000000000000000000", "1"],
        "functionAbi": {"name": "balanceOf", "type": "function", "stateMutability": "view",
            "inputs": [{"name": "account", "type": "address"}, {"name": "id", "type": "uint256"}],
            "outputs": [{"name": "", "type": "uint256"}]},
        "chain": "ethereum", "returnValueTest": {"key": "", "comparator": ">", "value": "0"}}]});
    assert_eq!(refusal(&f, reverts, &wallet).await.0, "NodeBlockchainError");

    // 30 conditions on a chain whose RPC never answers: one error within the request's budget
    // (1 s here, 0.3 s a read), not 30 reads one after another.
    let slow: Vec<Value> = (0..30)
        .flat_map(|i| {
            let condition = json!({"contractAddress": "", "standardContractType": "", "chain": "sepolia",
                "method": "eth_getBalance", "parameters": [Address::with_last_byte(i).to_string(), "latest"],
                "returnValueTest": {"comparator": ">=", "value": "0"}});
            if i == 0 { vec![condition] } else { vec![json!({"operator": "or"}), condition] }
        })
        .collect();
    let (code, elapsed) = refusal(&f, json!({"accessControlConditions": slow}), &wallet).await;
    assert_eq!(code, "NodeRpcError");
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");

    // The node still serves.
    let mine = json!({"accessControlConditions": [{"contractAddress": "", "standardContractType": "",
        "chain": "ethereum", "method": "", "parameters": [":userAddress"],
        "returnValueTest": {"comparator": "=", "value": wallet.address().to_string()}}]});
    assert!(f.decrypts(&mine, &wallet).await?);
    drop(silent);
    f.devnet.shutdown().await;
    Ok(())
}

impl Fixture {
    /// Stores `code` on the devnet's IPFS gateway: its CID.
    async fn add_action(&self, code: &str) -> Result<String, Box<dyn std::error::Error>> {
        let gateway = self
            .devnet
            .ipfs_gateway()
            .ok_or("the devnet serves a gateway")?;
        let added: Value = reqwest::Client::new()
            .post(format!("{}/api/v0/add", gateway.api_url()))
            .body(code.to_owned())
            .send()
            .await?
            .json()
            .await?;
        Ok(added["Hash"].as_str().ok_or("a Hash")?.to_owned())
    }

    /// The Lit error code every node refused `wallet` with, for `conditions`.
    async fn refusal_code(
        &self,
        conditions: &Value,
        wallet: &PrivateKeySigner,
    ) -> Result<(String, String), Box<dyn std::error::Error>> {
        let set = ConditionSet::from_request(conditions)?;
        let request = DecryptRequest::new(set.clone(), self.client.encrypt_string(&set, "x")?);
        let sigs = self.session_sigs(wallet).await?;
        let error = self
            .client
            .decrypt_to_string(&request, &sigs)
            .await
            .expect_err("refused");
        let failure = error
            .most_common_node_failure()
            .ok_or_else(|| format!("no node failure in {error:?}"))?;
        Ok((
            failure
                .error_code
                .as_ref()
                .map(|c| c.as_str().to_owned())
                .unwrap_or_default(),
            format!("{error:?}"),
        ))
    }
}

fn lit_action_condition(cid: &str, method: &str, parameters: Value) -> Value {
    json!({"accessControlConditions": [{"contractAddress": format!("ipfs://{cid}"),
        "standardContractType": "LitAction", "chain": "ethereum", "method": method,
        "parameters": parameters, "returnValueTest": {"comparator": "=", "value": "true"}}]})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lit_action_condition_lets_in_whom_its_function_answers_true_for() -> TestResult {
    let f = fixture_with(DevnetConfig {
        actions: sigil_node::ActionsConfig {
            timeout_ms: 2_000,
            ..Default::default()
        },
        ..DevnetConfig::default()
    })
    .await?;
    let member = PrivateKeySigner::random();
    let stranger = PrivateKeySigner::random();
    let cid = f
        .add_action(
            r#"
            const isMember = async (user, members) => {
                const list = members.split(",").map((m) => m.toLowerCase());
                return list.includes(user.toLowerCase()) && Lit.Auth.authSigAddress === user;
            };
            const boom = async () => { throw new Error("no verdict"); };
            const spin = async () => { while (true) {} };
            const sign = async () => Lit.Actions.signEcdsa({
                toSign: new Uint8Array(32), publicKey: "04", sigName: "s" });
            "#,
        )
        .await?;
    let members = format!("{},{}", Address::ZERO, member.address());
    let gate = lit_action_condition(&cid, "isMember", json!([":userAddress", members]));
    assert!(f.decrypts(&gate, &member).await?);
    assert!(!f.decrypts(&gate, &stranger).await?);

    // Failures of the action are Lit's codes for actions, not a refusal.
    for (method, code, words) in [
        ("boom", "NodeJsExecutionError", "no verdict"),
        ("spin", "NodeJsTimeoutError", "maximum runtime"),
        ("sign", "NodeJsExecutionError", "not available"),
        ("notDefined", "NodeJsExecutionError", "notDefined"),
    ] {
        let (found, text) = f
            .refusal_code(&lit_action_condition(&cid, method, json!([])), &member)
            .await?;
        assert_eq!(found, code, "{method}: {text}");
        assert!(text.contains(words), "{method}: {text}");
    }
    // Code the gateway does not have.
    let missing = sigil_actions::ipfs_cid_v0(b"never added");
    let (found, text) = f
        .refusal_code(
            &lit_action_condition(&missing, "isMember", json!([])),
            &member,
        )
        .await?;
    assert_eq!(found, "NodeJsExecutionError", "{text}");
    assert!(text.contains("could not be fetched"), "{text}");

    // The nodes still serve.
    assert!(f.decrypts(&gate, &member).await?);
    f.devnet.shutdown().await;
    Ok(())
}

/// A stand-in for the POAP API's scan endpoint: `holder` has two POAPs, anyone else none, and
/// a request without the key gets the API's JSON error object.
async fn poap_api(
    holder: Address,
    key: &'static str,
) -> Result<std::net::SocketAddr, Box<dyn std::error::Error>> {
    use axum::extract::Path;
    use axum::http::{HeaderMap, StatusCode};
    let scan = move |Path(address): Path<String>, headers: HeaderMap| async move {
        if headers.get("x-api-key").and_then(|v| v.to_str().ok()) != Some(key) {
            return (
                StatusCode::UNAUTHORIZED,
                axum::Json(json!({"message": "Unauthorized"})),
            );
        }
        let poaps = if address.eq_ignore_ascii_case(&holder.to_string()) {
            json!([
                {"event": {"id": 14, "name": "ETHDenver 2024", "fancy_id": "ethdenver-2024"},
                 "tokenId": "101", "owner": address, "chain": "xdai", "created": "2024-02-29"},
                {"event": {"id": 37, "name": "Lit Hackathon", "fancy_id": "lit-hack"},
                 "tokenId": "102", "owner": address, "chain": "xdai", "created": "2024-03-01"},
            ])
        } else {
            json!([])
        };
        (StatusCode::OK, axum::Json(poaps))
    };
    let app = axum::Router::new().route("/actions/scan/{address}", axum::routing::get(scan));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(address)
}

/// A devnet whose nodes ask the POAP API at `api` with the key in `key_file`.
async fn poap_fixture(
    api: std::net::SocketAddr,
    key_file: &std::path::Path,
) -> Result<Fixture, Box<dyn std::error::Error>> {
    fixture_with(DevnetConfig {
        poap: sigil_node::PoapConfig {
            api_url: format!("http://{api}/actions/scan/"),
            api_key_file: Some(key_file.to_owned()),
        },
        ..DevnetConfig::default()
    })
    .await
}

fn poap_condition(method: &str, comparator: &str, value: &str) -> Value {
    json!({"accessControlConditions": [{"contractAddress": "0x22C1f6050E56d2876009903609a2cC3fEf83B415",
        "standardContractType": "POAP", "chain": "xdai", "method": method, "parameters": [],
        "returnValueTest": {"comparator": comparator, "value": value}}]})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poap_condition_asks_the_poap_api_which_poaps_the_user_holds() -> TestResult {
    let holder = PrivateKeySigner::random();
    let api = poap_api(holder.address(), "poap-test-key").await?;
    let keys = tempfile::tempdir()?;
    let key_file = keys.path().join("poap-key");
    std::fs::write(&key_file, "poap-test-key\n")?;
    let f = poap_fixture(api, &key_file).await?;
    let stranger = PrivateKeySigner::random();
    for (method, comparator, value) in [
        ("tokenURI", "=", "Lit Hackathon"),
        ("tokenURI", "contains", "Denver"),
        ("eventId", "=", "37"),
    ] {
        let gate = poap_condition(method, comparator, value);
        assert!(f.decrypts(&gate, &holder).await?, "{method} {value}");
        assert!(!f.decrypts(&gate, &stranger).await?, "{method} {value}");
    }
    assert!(
        !f.decrypts(&poap_condition("eventId", "=", "38"), &holder)
            .await?
    );
    f.devnet.shutdown().await;

    // A wrong key: the API's error object is not a list of POAPs. No key: said so.
    std::fs::write(&key_file, "another key")?;
    let f = poap_fixture(api, &key_file).await?;
    let (code, text) = f
        .refusal_code(&poap_condition("eventId", "=", "37"), &holder)
        .await?;
    assert_eq!(code, "NodePOAPJSONError", "{text}");
    assert!(!text.contains("another key"), "the key leaked: {text}");
    f.devnet.shutdown().await;
    std::fs::write(&key_file, "")?;
    let f = poap_fixture(api, &key_file).await?;
    let (_, text) = f
        .refusal_code(&poap_condition("eventId", "=", "37"), &holder)
        .await?;
    assert!(text.contains("POAP API key"), "{text}");
    f.devnet.shutdown().await;
    Ok(())
}
