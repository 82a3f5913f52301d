//! An in-process devnet on free ports, driven over HTTP the way the JS SDK v7 drives Lit's
//! nodes: session sigs made from a wallet auth sig (the seed guide's flow), decryption shares
//! from every node, capacity credits, and the error shapes.

use alloy_signer_local::PrivateKeySigner;
use base64::Engine as _;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use sigil_auth::{
    create_capacity_delegation_auth_sig, generate_auth_sig, sign_session_sigs, siwe, AuthSig,
    CapacityDelegationParams, LitAbility, LitResource, ResourceAbilityRequest, ResourcePrefix,
    SessionKeyPair, SessionSigningParams, SessionSigs,
};
use sigil_crypto::bls::{self, NetworkPublicKey, SignatureShare};
use sigil_crypto::conditions::{self, ConditionSet};
use sigil_devnet::{Devnet, DevnetConfig};
use time::{Duration, OffsetDateTime};

const PLAINTEXT: &[u8] = b"this is a secret message";

async fn devnet(config: DevnetConfig) -> Devnet {
    Devnet::start(config).await.expect("devnet starts")
}

/// Conditions only `user` meets, as the seed guide writes them.
fn conditions_for(user: &PrivateKeySigner) -> Value {
    json!([{
        "contractAddress": "",
        "standardContractType": "",
        "chain": "ethereum",
        "method": "",
        "parameters": [":userAddress"],
        "returnValueTest": {"comparator": "=", "value": user.address().to_string()}
    }])
}

struct Encrypted {
    conditions: Value,
    ciphertext: Vec<u8>,
    data_to_encrypt_hash: String,
}

fn encrypt_for(devnet: &Devnet, user: &PrivateKeySigner) -> Encrypted {
    let conditions = conditions_for(user);
    let set = ConditionSet::from_document(&conditions.to_string()).expect("conditions parse");
    let data_to_encrypt_hash = conditions::data_to_encrypt_hash(PLAINTEXT);
    let identity = set.identity(&data_to_encrypt_hash);
    let key = NetworkPublicKey::from_hex(devnet.network_public_key()).expect("network key");
    let ciphertext = bls::encrypt(&key, PLAINTEXT, identity.as_bytes()).expect("encrypt");
    Encrypted {
        conditions,
        ciphertext,
        data_to_encrypt_hash,
    }
}

/// The seed guide's session: a wallet SIWE with the decryption ReCap for a fresh session key,
/// then one session sig per node. `extra_capabilities` (capacity delegations) go first.
fn session_sigs(
    devnet: &Devnet,
    wallet: &PrivateKeySigner,
    extra_capabilities: Vec<AuthSig>,
    issued_at: OffsetDateTime,
    expiration: OffsetDateTime,
) -> SessionSigs {
    let session_key = SessionKeyPair::generate(&mut rand::rngs::OsRng);
    let request = ResourceAbilityRequest::new(
        LitResource::wildcard(ResourcePrefix::AccessControlCondition),
        LitAbility::AccessControlConditionDecryption,
    )
    .expect("request");
    let nonce = devnet.latest_block().hash.to_string();
    let siwe_params = siwe::SiweMessageParams::new(wallet.address(), nonce)
        .with_uri(session_key.uri())
        .with_expiration(expiration)
        .with_resources(vec![request.clone()]);
    let message = siwe::create_siwe_message(&siwe_params, issued_at).expect("siwe");
    let auth_sig = generate_auth_sig(wallet, &message).expect("auth sig");
    let mut capabilities = extra_capabilities;
    capabilities.push(auth_sig);
    let params = SessionSigningParams {
        resource_ability_requests: vec![request],
        capabilities,
        issued_at,
        expiration,
    };
    sign_session_sigs(&session_key, &params, &devnet.node_urls()).expect("session sigs")
}

fn fresh_session(devnet: &Devnet, wallet: &PrivateKeySigner, extra: Vec<AuthSig>) -> SessionSigs {
    let now = OffsetDateTime::now_utc();
    session_sigs(devnet, wallet, extra, now, now + Duration::hours(1))
}

fn sign_request(encrypted: &Encrypted, auth_sig: &AuthSig) -> Value {
    json!({
        "accessControlConditions": encrypted.conditions,
        "dataToEncryptHash": encrypted.data_to_encrypt_hash,
        "chain": "ethereum",
        "authSig": auth_sig,
        "epoch": 3,
    })
}

async fn post(url: &str, path: &str, body: &Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{url}{path}"))
        .header("X-Request-Id", "lit_0123456789abcdef")
        .header("X-Lit-SDK-Version", "7.4.0")
        .json(body)
        .send()
        .await
        .expect("node answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Asks node `node_index` for its share, with the session sig made for `signed_for_index`.
async fn ask_share(
    devnet: &Devnet,
    node_index: usize,
    signed_for_index: usize,
    sigs: &SessionSigs,
    encrypted: &Encrypted,
) -> (u16, Value) {
    let urls = devnet.node_urls();
    let auth_sig = sigs.get(&urls[signed_for_index]).expect("a sig per node");
    post(
        &urls[node_index],
        "/web/encryption/sign/",
        &sign_request(encrypted, auth_sig),
    )
    .await
}

fn assert_lit_error(answer: &(u16, Value), status: u16, code: &str) {
    assert_eq!(answer.0, status, "status of {}", answer.1);
    assert_eq!(answer.1["errorCode"], code, "errorCode of {}", answer.1);
    assert_eq!(answer.1["status"], status, "status field of {}", answer.1);
    assert_eq!(answer.1["correlationId"], "lit_0123456789abcdef");
    assert!(
        answer.1["errorKind"].is_string() && answer.1["message"].is_string(),
        "{}",
        answer.1
    );
}

#[tokio::test]
async fn seed_flow_decrypts_with_a_share_from_every_node() {
    let devnet = devnet(DevnetConfig::default()).await;
    let urls = devnet.node_urls();
    assert_eq!(urls.len(), 3);

    for url in &urls {
        let (status, handshake) = post(
            url,
            "/web/handshake/",
            &json!({"clientPublicKey": "test", "challenge": "ab".repeat(32), "epoch": 3}),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(handshake["subnetPublicKey"], devnet.network_public_key());
        assert_eq!(handshake["clientSdkVersion"], "7.4.0");
    }

    let wallet = PrivateKeySigner::random();
    let encrypted = encrypt_for(&devnet, &wallet);
    let sigs = fresh_session(&devnet, &wallet, vec![]);
    let mut shares = Vec::new();
    let mut share_indexes = Vec::new();
    for index in 0..urls.len() {
        let (status, body) = ask_share(&devnet, index, index, &sigs, &encrypted).await;
        assert_eq!(status, 200, "node {index}: {body}");
        assert_eq!(body["result"], "success");
        share_indexes.push(body["shareIndex"].as_u64().expect("a share index"));
        // The exact path the JS SDK v7 reads.
        assert_eq!(
            body["signatureShare"]["ProofOfPossession"]
                .as_str()
                .map(str::len),
            Some(194)
        );
        shares
            .push(SignatureShare::from_json_value(&body["signatureShare"]).expect("share parses"));
    }
    // The nodes number their shares 0..n between them (by the order of their peer identities,
    // in which they generated the network key).
    share_indexes.sort_unstable();
    assert_eq!(share_indexes, [0, 1, 2]);
    let signature = bls::combine(&shares).expect("combine");
    assert_eq!(
        bls::decrypt(&encrypted.ciphertext, &signature).expect("decrypt"),
        PLAINTEXT
    );
    // Any threshold subset is enough.
    let two = bls::combine(&shares[1..]).expect("combine two");
    assert_eq!(
        bls::decrypt(&encrypted.ciphertext, &two).expect("decrypt with two"),
        PLAINTEXT
    );
    devnet.shutdown().await;
}

#[tokio::test]
async fn authorization_failures_get_lit_codes() {
    let devnet = devnet(DevnetConfig::default()).await;
    let owner = PrivateKeySigner::random();
    let encrypted = encrypt_for(&devnet, &owner);

    // A second wallet, not named in the conditions.
    let stranger = PrivateKeySigner::random();
    let stranger_sigs = fresh_session(&devnet, &stranger, vec![]);
    let answer = ask_share(&devnet, 0, 0, &stranger_sigs, &encrypted).await;
    assert_lit_error(
        &answer,
        401,
        "NodeAccessControlConditionsReturnedNotAuthorized",
    );

    // A session sig addressed to node A, sent to node B.
    let owner_sigs = fresh_session(&devnet, &owner, vec![]);
    let answer = ask_share(&devnet, 1, 0, &owner_sigs, &encrypted).await;
    assert_lit_error(&answer, 403, "NodeNotAuthorized");

    // An expired session.
    let now = OffsetDateTime::now_utc();
    let expired = session_sigs(
        &devnet,
        &owner,
        vec![],
        now - Duration::hours(3),
        now - Duration::hours(2),
    );
    let answer = ask_share(&devnet, 2, 2, &expired, &encrypted).await;
    assert_lit_error(&answer, 403, "NodeExpWrongOrTooLarge");

    // The owner's own session still works on the same node.
    let (status, body) = ask_share(&devnet, 2, 2, &owner_sigs, &encrypted).await;
    assert_eq!(status, 200, "{body}");
    devnet.shutdown().await;
}

/// `wallet`'s own AuthSig (no session key): its EIP-191 signature of a SIWE message of its own,
/// issued at `issued_at` and valid for an hour.
fn bare_auth_sig(devnet: &Devnet, wallet: &PrivateKeySigner, issued_at: OffsetDateTime) -> AuthSig {
    let nonce = devnet.latest_block().hash.to_string();
    let params = siwe::SiweMessageParams::new(wallet.address(), nonce)
        .with_uri("https://app.example")
        .with_expiration(issued_at + Duration::hours(1));
    let message = siwe::create_siwe_message(&params, issued_at).expect("siwe");
    generate_auth_sig(wallet, &message).expect("auth sig")
}

#[tokio::test]
async fn a_wallets_own_auth_sig_decrypts_where_lit_takes_one_and_is_refused_where_it_does_not() {
    let devnet = devnet(DevnetConfig::default()).await;
    let urls = devnet.node_urls();
    let owner = PrivateKeySigner::random();
    let encrypted = encrypt_for(&devnet, &owner);
    let now = OffsetDateTime::now_utc();
    let auth_sig = bare_auth_sig(&devnet, &owner, now);

    // Every node shares for the owner's bare AuthSig, on both paths of the endpoint.
    let mut shares = Vec::new();
    for (index, url) in urls.iter().enumerate() {
        let path = ["/web/encryption/sign/", "/web/encryption/sign/v1"][index % 2];
        let (status, body) = post(url, path, &sign_request(&encrypted, &auth_sig)).await;
        assert_eq!(status, 200, "node {index}: {body}");
        shares
            .push(SignatureShare::from_json_value(&body["signatureShare"]).expect("share parses"));
    }
    let signature = bls::combine(&shares[..2]).expect("combine");
    assert_eq!(
        bls::decrypt(&encrypted.ciphertext, &signature).expect("decrypt"),
        PLAINTEXT
    );

    // Another wallet's valid AuthSig, a changed one, an expired one, one for a session key, and
    // the network's PKP capability on its own: each Lit's code.
    let stranger = bare_auth_sig(&devnet, &PrivateKeySigner::random(), now);
    let mut changed = auth_sig.clone();
    changed.signed_message = changed.signed_message.replace("app.example", "app.exampla");
    let expired = bare_auth_sig(&devnet, &owner, now - Duration::hours(3));
    let mut network = auth_sig.clone();
    network.derived_via = "lit.bls".to_owned();
    network.algo = Some("LIT_BLS".to_owned());
    for (auth_sig, status, code) in [
        (
            &stranger,
            401,
            "NodeAccessControlConditionsReturnedNotAuthorized",
        ),
        (&changed, 401, "NodeInvalidAuthSig"),
        (&expired, 400, "NodeSIWEMessageError"),
        (&network, 401, "NodeInvalidAuthSig"),
    ] {
        let answer = post(
            &urls[0],
            "/web/encryption/sign/",
            &sign_request(&encrypted, auth_sig),
        )
        .await;
        assert_lit_error(&answer, status, code);
    }

    // The versioned PKP signing and Lit Action endpoints take session sigs only.
    let hash = vec![7u8; 32];
    for (path, body) in [
        (
            "/web/pkp/sign/v1",
            json!({"toSign": hash, "pubkey": format!("0x04{}", "11".repeat(64)), "authSig": auth_sig, "authMethods": []}),
        ),
        (
            "/web/execute/v1",
            json!({"code": "MQ==", "authSig": auth_sig}),
        ),
    ] {
        let answer = post(&urls[1], path, &body).await;
        assert_lit_error(&answer, 400, "NodeCannotProvideAuthSigForEndpoint");
    }
    // The unversioned Lit Action endpoint runs an action for the wallet.
    let code = base64::engine::general_purpose::STANDARD
        .encode("Lit.Actions.setResponse({response: 'ran for a bare AuthSig'})");
    let (status, body) = post(
        &urls[1],
        "/web/execute",
        &json!({"code": code, "authSig": auth_sig}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["response"], "ran for a bare AuthSig");
    devnet.shutdown().await;
}

/// The Solana wallet of the AuthSig vectors, its USDC account (as solders, the Solana SDK's
/// Python binding, derives it) and a PDA of the token program with seeds `vault` and the wallet
/// (likewise), whose account holds the wallet's key at offset 8.
const SOLANA_WALLET: &str = "GmaDrppBC7P5ARKV8g3djiwP89vz1jLK23V2GBjuAEGB";
const USDC_MINT: &str = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";
const WALLET_USDC_ACCOUNT: &str = "7woc3ajaGMMXczFYjxon4aQoHH3j126fMUR9c58eHRsK";
const VAULT_PDA: &str = "8bwbH1g4i4X9GW4z2RYBKgatK2JtTVvewxddU85YGmuM";
const VAULT_DATA: &str = "AAAAAAAAAADqSmxj4pxSCr71UHsTLsX5lUd2rr6+e5JCHuppFEbSLA==";
const COSMOS_WALLET: &str = "cosmos1znd5zwx4dghvlvggsx5muw2dnuepnpdjzqghmw";

/// A stand-in for a Solana JSON-RPC server (`POST /solana`) and a Cosmos REST endpoint
/// (`/lcd/...`): the vectors' wallets hold 5000 lamports, 42 USDC and 7 uatom; their one
/// transaction was an hour before the latest block.
async fn other_chains_api() -> std::net::SocketAddr {
    use axum::extract::Path;
    let solana = |axum::Json(call): axum::Json<Value>| async move {
        let param = call["params"][0].as_str().unwrap_or_default().to_owned();
        let answer = match call["method"].as_str().unwrap_or_default() {
            "getBalance" => {
                let lamports = if param == SOLANA_WALLET { 5000 } else { 0 };
                json!({"result": {"context": {"slot": 9}, "value": lamports}})
            }
            "getTokenAccountBalance" if param == WALLET_USDC_ACCOUNT => json!({"result": {
                "context": {"slot": 9},
                "value": {"amount": "42", "decimals": 0, "uiAmount": 42.0, "uiAmountString": "42"}}}),
            "getTokenAccountBalance" => json!({"error": {"code": -32602,
                "message": "Invalid param: could not find account"}}),
            "getAccountInfo" if param == VAULT_PDA => json!({"result": {"context": {"slot": 9},
                "value": {"data": [VAULT_DATA, "base64"], "executable": false, "lamports": 1,
                          "owner": "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"}}}),
            "getAccountInfo" => json!({"result": {"context": {"slot": 9}, "value": null}}),
            _ => json!({"error": {"code": -32601, "message": "Method not found"}}),
        };
        let mut answer = answer;
        answer["jsonrpc"] = json!("2.0");
        answer["id"] = call["id"].clone();
        axum::Json(answer)
    };
    let balances = |Path(address): Path<String>| async move {
        let balances = if address == COSMOS_WALLET {
            json!([{"denom": "uatom", "amount": "7"}])
        } else {
            json!([])
        };
        axum::Json(json!({"balances": balances, "pagination": {"total": "1"}}))
    };
    let latest = || async {
        let now = OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .expect("formats");
        axum::Json(json!({"block": {"header": {"height": "100", "time": now}}}))
    };
    let txs = || async {
        let hour_ago = (OffsetDateTime::now_utc() - Duration::hours(1))
            .format(&time::format_description::well_known::Rfc3339)
            .expect("formats");
        axum::Json(json!({"tx_responses": [{"txhash": "AB", "timestamp": hour_ago}]}))
    };
    let app = axum::Router::new()
        .route("/solana", axum::routing::post(solana))
        .route(
            "/lcd/cosmos/bank/v1beta1/balances/{address}",
            axum::routing::get(balances),
        )
        .route(
            "/lcd/cosmos/base/tendermint/v1beta1/blocks/latest",
            axum::routing::get(latest),
        )
        .route("/lcd/cosmos/tx/v1beta1/txs", axum::routing::get(txs))
        .route("/lcd/not-json", axum::routing::get(|| async { "<html>" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let address = listener.local_addr().expect("bound");
    tokio::spawn(async move { axum::serve(listener, app).await });
    address
}

#[tokio::test]
async fn solana_and_cosmos_wallets_auth_sigs_are_checked_and_their_conditions_read_where_an_rpc_is_configured(
) {
    let api = other_chains_api().await;
    // A Solana RPC that accepts connections and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
    let silent_url = format!("http://{}", silent.local_addr().expect("bound"));
    let devnet = devnet(DevnetConfig {
        chain_rpcs: [
            ("solana".to_owned(), format!("http://{api}/solana")),
            ("cosmos".to_owned(), format!("http://{api}/lcd")),
            ("solanaTestnet".to_owned(), silent_url),
        ]
        .into(),
        condition_read_limits: sigil_node::ReadLimits {
            per_read: std::time::Duration::from_millis(500),
            per_request: std::time::Duration::from_secs(2),
            cache_entries: 4096,
        },
        ..DevnetConfig::default()
    })
    .await;
    let url = &devnet.node_urls()[0];
    // AuthSigs in the shapes the JS SDK's auth-browser makes.
    let vectors: Value = serde_json::from_str(include_str!(
        "../../sigil-auth/tests/vectors/chain-auth-sigs.json"
    ))
    .expect("vectors");
    assert_eq!(vectors["solana"]["address"], SOLANA_WALLET);
    assert_eq!(vectors["cosmos"]["address"], COSMOS_WALLET);
    let ask = |conditions: (&str, Value), chain: &str, auth_sig: &Value| {
        let mut body = json!({
            "dataToEncryptHash": "ab".repeat(32),
            "chain": chain,
            "authSig": auth_sig,
        });
        body[conditions.0] = conditions.1;
        async move { post(url, "/web/encryption/sign/", &body).await }
    };
    let solana = |method: &str, params: Value, comparator: &str, value: &str, key: &str| {
        json!({"method": method, "params": params, "pdaParams": [],
               "pdaInterface": {"offset": 0, "fields": {}}, "pdaKey": "", "chain": "solana",
               "returnValueTest": {"key": key, "comparator": comparator, "value": value}})
    };
    let balance_at_least =
        |value: &str| solana("getBalance", json!([":userAddress"]), ">=", value, "");
    let cosmos = |path: &str, key: &str, comparator: &str, value: &str| {
        json!({"conditionType": "cosmos", "path": path, "chain": "cosmos",
               "returnValueTest": {"key": key, "comparator": comparator, "value": value}})
    };
    let atoms_at_least = |value: &str| {
        cosmos(
            "/cosmos/bank/v1beta1/balances/:userAddress",
            "$.balances[0].amount",
            ">=",
            value,
        )
    };
    let sol = |condition: Value| ("solRpcConditions", json!([condition]));
    let unified = |conditions: Value| ("unifiedAccessControlConditions", conditions);

    // Each kind of Solana condition: met, and not met (Lit's code for a refusal).
    let mut vault = solana("getBalance(getPDA)", json!([]), ">=", "5000", "");
    vault["pdaParams"] = json!([
        "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA",
        "vault",
        format!("pubkey:{SOLANA_WALLET}")
    ]);
    vault["pdaInterface"] = json!({"offset": 8, "fields": {"owner": 32}});
    vault["pdaKey"] = json!("owner");
    let mut vault_address = vault.clone();
    vault_address["method"] = json!("getPDA");
    vault_address["returnValueTest"] = json!({"key": "", "comparator": "=", "value": VAULT_PDA});
    for (condition, met) in [
        (balance_at_least("5000"), true),
        (balance_at_least("5001"), false),
        (
            solana("", json!([":userAddress"]), "=", SOLANA_WALLET, ""),
            true,
        ),
        (
            solana("balanceOfToken", json!([USDC_MINT]), ">=", "42", "$.amount"),
            true,
        ),
        (
            solana("balanceOfToken", json!([USDC_MINT]), ">", "42", "$.amount"),
            false,
        ),
        // No token account for this mint: false, as on Lit.
        (
            solana(
                "balanceOfToken",
                json!([SOLANA_WALLET]),
                ">=",
                "0",
                "$.amount",
            ),
            false,
        ),
        (vault.clone(), true),
        (vault_address, true),
    ] {
        let answer = ask(sol(condition.clone()), "solana", &vectors["solana"]).await;
        if met {
            assert_eq!(answer.0, 200, "{condition} answered {}", answer.1);
        } else {
            assert_lit_error(
                &answer,
                401,
                "NodeAccessControlConditionsReturnedNotAuthorized",
            );
        }
    }
    let answer = ask(
        sol(solana("getProgramAccounts", json!([]), ">=", "0", "")),
        "solana",
        &vectors["solana"],
    )
    .await;
    assert_lit_error(&answer, 400, "NodeInvalidSolanaRpcMethod");

    // Cosmos: a balance by JSON path, the wallet's address, a timelock.
    let timelock = |comparator: &str, seconds: &str| {
        let mut condition = cosmos(
            "/cosmos/tx/v1beta1/txs?events=transfer.recipient=':userAddress'",
            "$.tx_responses.*.timestamp",
            comparator,
            seconds,
        );
        condition["method"] = json!("timelock");
        condition["parameters"] = json!(["latest"]);
        condition
    };
    for (condition, met) in [
        (atoms_at_least("7"), true),
        (atoms_at_least("8"), false),
        (cosmos(":userAddress", "", "=", COSMOS_WALLET), true),
        (timelock("<=", "7200"), true),
        (timelock("<", "60"), false),
    ] {
        let answer = ask(unified(json!([condition])), "cosmos", &vectors["cosmos"]).await;
        if met {
            assert_eq!(answer.0, 200, "{condition} answered {}", answer.1);
        } else {
            assert_lit_error(
                &answer,
                401,
                "NodeAccessControlConditionsReturnedNotAuthorized",
            );
        }
    }
    let answer = ask(
        unified(json!([cosmos("/not-json", "$.a", "=", "b")])),
        "cosmos",
        &vectors["cosmos"],
    )
    .await;
    assert_lit_error(&answer, 502, "NodeCosmosJSONError");

    // An RPC that does not answer: Lit's RPC error within the node's bound, and the node goes
    // on serving (the requests below).
    let mut testnet_balance = balance_at_least("1");
    testnet_balance["chain"] = json!("solanaTestnet");
    let started = std::time::Instant::now();
    let answer = ask(sol(testnet_balance), "solana", &vectors["solana"]).await;
    assert_lit_error(&answer, 502, "NodeRpcError");
    // (Without the node's bound it would wait for ever; the margin is for a loaded machine.)
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );

    // A chain of a kind the node has no RPC for: the error names the kind.
    let mut devnet_balance = balance_at_least("1");
    devnet_balance["chain"] = json!("solanaDevnet");
    let answer = ask(sol(devnet_balance), "solana", &vectors["solana"]).await;
    assert_lit_error(&answer, 502, "NodeBlockchainChainUnknown");
    assert!(
        answer.1["details"][0]
            .as_str()
            .is_some_and(|detail| detail.contains("Solana") && detail.contains("solanaDevnet")),
        "{}",
        answer.1
    );
    let mut juno_balance = atoms_at_least("1");
    juno_balance["chain"] = json!("juno");
    let answer = ask(unified(json!([juno_balance])), "juno", &vectors["juno"]).await;
    assert_lit_error(&answer, 502, "NodeBlockchainChainUnknown");
    assert!(
        answer.1["details"][0]
            .as_str()
            .is_some_and(|d| d.contains("Cosmos")),
        "{}",
        answer.1
    );

    // EVM conditions need an Ethereum wallet's AuthSig; Cosmos ones the chain's wallet.
    let evm_conditions = (
        "accessControlConditions",
        conditions_for(&PrivateKeySigner::random()),
    );
    let answer = ask(evm_conditions, "solana", &vectors["solana"]).await;
    assert_lit_error(&answer, 400, "NodeInvalidEthereumAuthSig");
    let answer = ask(
        unified(json!([atoms_at_least("1")])),
        "solana",
        &vectors["solana"],
    )
    .await;
    assert_lit_error(&answer, 400, "NodeInvalidCosmosAuthSig");

    // Tampered, or on a chain whose addresses are not the AuthSig's: Lit's codes.
    let mut changed = vectors["solana"].clone();
    changed["signedMessage"] = json!("I am creating an account to use Lit Protocol at noon");
    let answer = ask(sol(balance_at_least("1")), "solanaDevnet", &changed).await;
    assert_lit_error(&answer, 401, "NodeInvalidAuthSig");
    let answer = ask(
        unified(json!([atoms_at_least("1")])),
        "juno",
        &vectors["cosmos"],
    )
    .await;
    assert_lit_error(&answer, 401, "NodeInvalidAuthSig");
    let mut hex_sig = vectors["cosmos"].clone();
    hex_sig["sig"] = json!("AAEC");
    let answer = ask(unified(json!([atoms_at_least("1")])), "cosmos", &hex_sig).await;
    assert_lit_error(&answer, 400, "NodeAuthSigSignatureConversionError");

    // One AuthSig per chain: each is checked, each condition evaluated for its chain's wallet.
    let owner = PrivateKeySigner::random();
    let encrypted = encrypt_for(&devnet, &owner);
    let owner_sig = bare_auth_sig(&devnet, &owner, OffsetDateTime::now_utc());
    let owners = serde_json::to_value(&owner_sig).expect("json");
    let per_chain = json!({"ethereum": owners, "solana": vectors["solana"],
                           "cosmos": vectors["cosmos"], "juno": vectors["juno"]});
    let mut body = sign_request(&encrypted, &owner_sig);
    body["authSig"] = per_chain.clone();
    let (status, answer) = post(url, "/web/encryption/sign/", &body).await;
    assert_eq!(status, 200, "{answer}");
    for (auth_sigs, status, code) in [
        (
            json!({"ethereum": owners, "solana": changed}),
            401,
            "NodeInvalidAuthSig",
        ),
        (
            json!({"solana": vectors["solana"]}),
            400,
            "NodeInvalidEthereumAuthSig",
        ),
        (json!({}), 400, "NodeInvalidMultipleAuthSigs"),
    ] {
        body["authSig"] = auth_sigs;
        assert_lit_error(
            &post(url, "/web/encryption/sign/", &body).await,
            status,
            code,
        );
    }
    let mut evm_basic = conditions_for(&owner)[0].clone();
    evm_basic["conditionType"] = json!("evmBasic");
    let mut sol_unified = balance_at_least("5000");
    sol_unified["conditionType"] = json!("solRpc");
    let mixed = json!([evm_basic, {"operator": "and"}, [sol_unified, {"operator": "and"}, atoms_at_least("7")]]);
    let answer = ask(unified(mixed.clone()), "ethereum", &per_chain).await;
    assert_eq!(answer.0, 200, "{}", answer.1);
    let without_cosmos = json!({"ethereum": owners, "solana": vectors["solana"]});
    let answer = ask(unified(mixed), "ethereum", &without_cosmos).await;
    assert_lit_error(&answer, 400, "NodeInvalidCosmosAuthSig");
    devnet.shutdown().await;
}

fn no_free_allowance() -> DevnetConfig {
    DevnetConfig {
        free_allowance: 0,
        ..DevnetConfig::default()
    }
}

#[tokio::test]
async fn credit_owner_is_served_without_delegation_and_others_are_limited() {
    let devnet = devnet(no_free_allowance()).await;
    let owner = PrivateKeySigner::random();
    devnet
        .mint_capacity_credit(&owner, 1000, 30)
        .await
        .expect("mint");

    let encrypted = encrypt_for(&devnet, &owner);
    let sigs = fresh_session(&devnet, &owner, vec![]);
    let (status, body) = ask_share(&devnet, 0, 0, &sigs, &encrypted).await;
    assert_eq!(status, 200, "{body}");

    let without_credits = PrivateKeySigner::random();
    let encrypted = encrypt_for(&devnet, &without_credits);
    let sigs = fresh_session(&devnet, &without_credits, vec![]);
    let answer = ask_share(&devnet, 0, 0, &sigs, &encrypted).await;
    assert_lit_error(&answer, 402, "rate_limit_exceeded");
    assert!(answer.1["message"]
        .as_str()
        .is_some_and(|m| m.starts_with("Rate limit exceeded. Try again at ")));
    devnet.shutdown().await;
}

#[tokio::test]
async fn delegatee_is_served_up_to_uses_then_refused_even_after_a_restart() {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let mut devnet = devnet(DevnetConfig {
        data_dir: Some(data_dir.path().to_owned()),
        ..no_free_allowance()
    })
    .await;
    let owner = PrivateKeySigner::random();
    let credit = devnet
        .mint_capacity_credit(&owner, 1000, 30)
        .await
        .expect("mint");

    let delegatee = PrivateKeySigner::random();
    let mut params = CapacityDelegationParams::new(
        vec![delegatee.address().to_string()],
        devnet.latest_block().hash.to_string(),
    );
    params.uses = Some(2);
    params.capacity_token_ids = vec![credit.token_id.to_string()];
    let delegation =
        create_capacity_delegation_auth_sig(&owner, &params, OffsetDateTime::now_utc())
            .expect("delegation");
    let delegation_key: [u8; 32] = Sha256::digest(delegation.sig.as_bytes()).into();

    let encrypted = encrypt_for(&devnet, &delegatee);
    let sigs = fresh_session(&devnet, &delegatee, vec![delegation]);
    for attempt in 0..2 {
        let (status, body) = ask_share(&devnet, 0, 0, &sigs, &encrypted).await;
        assert_eq!(status, 200, "use {attempt}: {body}");
    }
    assert_lit_error(
        &ask_share(&devnet, 0, 0, &sigs, &encrypted).await,
        402,
        "rate_limit_exceeded",
    );
    // Uses are counted per node: node 1 has not served this delegation yet.
    let (status, body) = ask_share(&devnet, 1, 1, &sigs, &encrypted).await;
    assert_eq!(status, 200, "{body}");

    devnet.restart_node(0).await.expect("restart");
    let node = devnet.node(0).expect("node 0 runs again");
    assert_eq!(
        node.state()
            .delegation_uses(delegation_key)
            .await
            .expect("uses"),
        2
    );
    assert_lit_error(
        &ask_share(&devnet, 0, 0, &sigs, &encrypted).await,
        402,
        "rate_limit_exceeded",
    );
    devnet.shutdown().await;

    // The whole devnet restarted on the same data dir: same network key, same counters.
    let network_key = {
        let devnet = Devnet::start(DevnetConfig {
            data_dir: Some(data_dir.path().to_owned()),
            ..no_free_allowance()
        })
        .await
        .expect("devnet restarts");
        let key = devnet.network_public_key().to_owned();
        assert_eq!(
            devnet
                .node(1)
                .expect("node 1")
                .state()
                .delegation_uses(delegation_key)
                .await
                .expect("uses"),
            1
        );
        devnet.shutdown().await;
        key
    };
    let key_share =
        std::fs::read_to_string(data_dir.path().join("node-0/key-share.json")).expect("key share");
    assert!(key_share.contains(&network_key));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(data_dir.path().join("node-0/key-share.json"))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[tokio::test]
async fn error_shapes_over_http() {
    let devnet = devnet(DevnetConfig {
        nodes: 2,
        ..DevnetConfig::default()
    })
    .await;
    let url = devnet.node_urls()[0].clone();
    let client = reqwest::Client::new();

    let malformed = client
        .post(format!("{url}/web/encryption/sign/"))
        .header("X-Request-Id", "lit_0123456789abcdef")
        .header("Content-Type", "application/json")
        .body(r#"{"accessControlConditions": [{"#)
        .send()
        .await
        .expect("answer");
    let answer = (
        malformed.status().as_u16(),
        malformed.json::<Value>().await.unwrap_or(Value::Null),
    );
    assert_lit_error(&answer, 400, "NodeParserError");

    let huge = client
        .post(format!("{url}/web/encryption/sign/"))
        .header("X-Request-Id", "lit_0123456789abcdef")
        .header("Content-Type", "application/json")
        .body(vec![b' '; 10 * 1024 * 1024])
        .send()
        .await
        .expect("a 413, not a reset connection");
    let answer = (
        huge.status().as_u16(),
        huge.json::<Value>().await.unwrap_or(Value::Null),
    );
    assert_lit_error(&answer, 413, "NodePayloadTooLarge");

    let unknown = post(&url, "/web/no/such/route", &json!({})).await;
    assert_lit_error(&unknown, 404, "NodeRouteNotFound");

    // Without a request id, errors carry a generated correlation id.
    let anonymous = client
        .post(format!("{url}/web/nope"))
        .send()
        .await
        .expect("answer");
    let body = anonymous.json::<Value>().await.unwrap_or(Value::Null);
    assert!(
        body["correlationId"]
            .as_str()
            .is_some_and(|id| id.starts_with("LD-")),
        "{body}"
    );

    // The node still serves after all that.
    let (status, _) = post(
        &url,
        "/web/handshake",
        &json!({"clientPublicKey": "test", "challenge": "00"}),
    )
    .await;
    assert_eq!(status, 200);
    devnet.shutdown().await;
}

/// A request for `conditions` (any shape) and some data hash, with `sigs`' sig for node 0.
async fn ask_with_conditions(
    devnet: &Devnet,
    sigs: &SessionSigs,
    conditions: Value,
) -> (u16, Value) {
    let url = &devnet.node_urls()[0];
    let body = json!({
        "accessControlConditions": conditions,
        "dataToEncryptHash": conditions::data_to_encrypt_hash(b"any"),
        "chain": "ethereum",
        "authSig": sigs.get(url).expect("sig"),
    });
    post(url, "/web/encryption/sign", &body).await
}

fn timestamp_at_least(seconds: u64) -> Value {
    json!({
        "contractAddress": "", "standardContractType": "timestamp", "chain": "ethereum",
        "method": "eth_getBlockByNumber", "parameters": ["latest"],
        "returnValueTest": {"comparator": ">=", "value": seconds.to_string()}
    })
}

#[tokio::test]
async fn conditions_are_evaluated_with_the_user_and_the_chain_time() {
    let devnet = devnet(DevnetConfig::default()).await;
    let wallet = PrivateKeySigner::random();
    let sigs = fresh_session(&devnet, &wallet, vec![]);
    let block_time = devnet.latest_block().timestamp;

    let (status, body) =
        ask_with_conditions(&devnet, &sigs, json!([timestamp_at_least(block_time)])).await;
    assert_eq!(status, 200, "{body}");
    let future = timestamp_at_least(block_time + 3600);
    assert_lit_error(
        &ask_with_conditions(&devnet, &sigs, json!([future])).await,
        401,
        "NodeAccessControlConditionsReturnedNotAuthorized",
    );

    // (not this user OR block time reached): a nested group with an operator.
    let stranger = conditions_for(&PrivateKeySigner::random())[0].clone();
    let either = json!([[stranger, {"operator": "or"}, timestamp_at_least(block_time)]]);
    let (status, body) = ask_with_conditions(&devnet, &sigs, either).await;
    assert_eq!(status, 200, "{body}");

    // A balance asked of an address with no contract on the chain: Lit's RPC error naming the
    // chain, never read as false.
    let erc20 = json!([{
        "contractAddress": "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", "standardContractType": "ERC20",
        "chain": "ethereum", "method": "balanceOf", "parameters": [":userAddress"],
        "returnValueTest": {"comparator": ">", "value": "0"}
    }]);
    let answer = ask_with_conditions(&devnet, &sigs, erc20).await;
    assert_lit_error(&answer, 502, "NodeRpcError");
    assert!(
        answer.1["details"].to_string().contains("ethereum"),
        "{}",
        answer.1
    );

    let too_many = Value::Array(vec![timestamp_at_least(0); 31]);
    assert_lit_error(
        &ask_with_conditions(&devnet, &sigs, too_many).await,
        400,
        "NodeTooManyConditions",
    );
    devnet.shutdown().await;
}
