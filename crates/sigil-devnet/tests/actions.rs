//! Lit Actions on a devnet, through the Rust client: every node runs the action and answers the
//! same response; jsParams, logs and `Lit.Auth` reach it; `signEcdsa` and
//! `ethPersonalSignMessageEcdsa` give shares that combine into the PKP's signature, for the
//! PKP's owner and for anyone when the PKP permits the action itself, and no one else; a thrown
//! exception and the limits come back as Lit's node answers them; the session must grant this
//! action (or every action).

use alloy_primitives::{eip191_hash_message, keccak256, B256};
use alloy_signer_local::PrivateKeySigner;
use serde_json::{json, Map, Value};
use sigil_chain::evm::{self, MintedPkp, Permit};
use sigil_client::{
    ClientError, ExecuteJsParams, LitAbility, LitNodeClient, LitResource, ResourceAbilityRequest,
    ResourcePrefix, SessionSigs, SessionSigsParams,
};
use sigil_devnet::{Devnet, DevnetConfig};
use sigil_node::ActionsConfig;
use std::time::Duration;

mod common;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Session sigs of `wallet` for `resource` with `lit-action-execution`.
async fn action_sigs(
    client: &LitNodeClient,
    wallet: &PrivateKeySigner,
    resource: LitResource,
) -> Result<SessionSigs, ClientError> {
    let request = ResourceAbilityRequest::new(resource, LitAbility::LitActionExecution)?;
    client
        .get_session_sigs_with_wallet(SessionSigsParams::new(vec![request]), wallet)
        .await
}

async fn any_action_sigs(
    client: &LitNodeClient,
    wallet: &PrivateKeySigner,
) -> Result<SessionSigs, ClientError> {
    action_sigs(
        client,
        wallet,
        LitResource::wildcard(ResourcePrefix::LitAction),
    )
    .await
}

async fn mint(
    devnet: &Devnet,
    permits: &[Permit],
) -> Result<MintedPkp, Box<dyn std::error::Error>> {
    let minter = common::dev_wallet_chain(devnet).await?;
    Ok(evm::mint_pkp(&minter, devnet.network_context(), permits).await?)
}

fn params(value: Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_action_runs_on_every_node_with_its_params_logs_and_auth() -> TestResult {
    let devnet = Devnet::start(DevnetConfig::default()).await?;
    let client = common::connected(&devnet).await?;
    let wallet = devnet.dev_wallet();
    let sigs = any_action_sigs(&client, &wallet).await?;
    let code = r#"
        console.log("adding", a, "and", b);
        Lit.Actions.setResponse({response: JSON.stringify({
            sum: a + b, user: Lit.Auth.authSigAddress, ids: Lit.Auth.actionIpfsIds,
        })});
    "#;
    let result = client
        .execute_js(
            &ExecuteJsParams::code(code).with_js_params(params(json!({"a": 2, "b": 40}))),
            &sigs,
        )
        .await?;
    let cid = sigil_actions::ipfs_cid_v0(code.as_bytes());
    assert_eq!(
        result.response_json(),
        json!({"sum": 42, "user": wallet.address().to_checksum(None), "ids": [cid]})
    );
    assert_eq!(result.logs, "adding 2 and 40\n");
    assert!(result.signatures.is_empty());

    // A session for exactly this action runs it; one for another action does not.
    let this_action = action_sigs(
        &client,
        &wallet,
        LitResource::new(ResourcePrefix::LitAction, cid.as_str())?,
    )
    .await?;
    client
        .execute_js(
            &ExecuteJsParams::code(code).with_js_params(params(json!({"a": 1, "b": 1}))),
            &this_action,
        )
        .await?;
    let refused = client
        .execute_js(
            &ExecuteJsParams::code("Lit.Actions.setResponse({response: 'other'})"),
            &this_action,
        )
        .await
        .expect_err("another action's session");
    let failure = refused.most_common_node_failure().expect("node failures");
    assert_eq!(
        (
            failure.status,
            failure.error_code.as_ref().map(|c| c.as_str())
        ),
        (Some(404), Some("NodeResourceIdNotFound")),
        "{refused}"
    );

    // callContract: an unsigned transaction ethers serialises, run as eth_call by the nodes.
    let token = devnet.network_context().require("DemoERC20")?;
    let code = r#"
        (async () => {
            const iface = new ethers.utils.Interface(['function decimals() view returns (uint8)', 'function symbol() view returns (string)']);
            const call = async (name) => iface.decodeFunctionResult(name, await Lit.Actions.callContract({
                chain: 'ethereum', txn: ethers.utils.serializeTransaction({to: token, data: iface.encodeFunctionData(name)}),
            }))[0];
            Lit.Actions.setResponse({response: JSON.stringify({decimals: await call('decimals'), symbol: await call('symbol')})});
        })();
    "#;
    let result = client
        .execute_js(
            &ExecuteJsParams::code(code)
                .with_js_params(params(json!({"token": format!("{token:#x}")}))),
            &sigs,
        )
        .await?;
    assert_eq!(
        result.response_json()["decimals"],
        18,
        "{}",
        result.response
    );
    assert!(result.response_json()["symbol"].is_string());

    // fetch, to the chain's JSON-RPC the node names for `ethereum`; Lit.Headers.
    let code = r#"
        (async () => {
            const url = await Lit.Actions.getRpcUrl({chain: 'ethereum'});
            const answer = await fetch(url, {method: 'POST', headers: {'content-type': 'application/json'},
                body: JSON.stringify({jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: []})});
            const json = await answer.json();
            Lit.Actions.setResponse({response: JSON.stringify({
                status: answer.status, chainId: parseInt(json.result, 16),
                sdk: Lit.Headers['x-lit-sdk-type'], unknown: await Lit.Actions.getRpcUrl({chain: 'nowhere'}),
            })});
        })();
    "#;
    let result = client
        .execute_js(&ExecuteJsParams::code(code), &sigs)
        .await?;
    assert_eq!(
        result.response_json(),
        json!({
            "status": 200, "chainId": sigil_chain::DEFAULT_DEVCHAIN_CHAIN_ID, "sdk": sigil_client::SDK_TYPE,
            "unknown": "Error getting RPC URL: no RPC URL is configured for chain nowhere",
        })
    );

    // An action that throws: its error and the logs written before.
    let threw = client
        .execute_js(
            &ExecuteJsParams::code(r#"console.log("step 1"); throw new Error("boom");"#),
            &sigs,
        )
        .await
        .expect_err("throws");
    match threw {
        ClientError::ActionThrew { error, logs } => {
            assert_eq!((error.as_str(), logs.as_str()), ("Error: boom", "step 1\n"));
        }
        other => panic!("expected ActionThrew, got {other}"),
    }
    devnet.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_action_signs_for_the_pkp_owner_and_for_anyone_once_the_pkp_permits_it() -> TestResult {
    let devnet = Devnet::start(DevnetConfig::default()).await?;
    let client = common::connected(&devnet).await?;
    let owner = devnet.dev_wallet();
    let pkp = mint(&devnet, &[]).await?;
    let public_key = format!("0x{}", hex::encode(&pkp.public_key));
    let code = r#"
        (async () => {
            await Lit.Actions.signEcdsa({toSign: hash, publicKey, sigName: "raw"});
            await Lit.Actions.ethPersonalSignMessageEcdsa({message: "hello", publicKey, sigName: "personal"});
            Lit.Actions.setResponse({response: "signed"});
        })();
    "#;
    let digest = keccak256("an action's hash");
    let run = ExecuteJsParams::code(code).with_js_params(params(json!({
        "hash": digest.to_vec(), "publicKey": public_key,
    })));

    let sigs = any_action_sigs(&client, &owner).await?;
    let result = client.execute_js(&run, &sigs).await?;
    assert_eq!(result.response, "signed");
    let raw = result.signatures["raw"].to_alloy()?;
    assert_eq!(raw.recover_address_from_prehash(&digest)?, pkp.eth_address);
    assert_eq!(result.signatures["raw"].data_signed, hex::encode(digest));
    let personal = result.signatures["personal"].to_alloy()?;
    assert_eq!(personal.recover_address_from_msg("hello")?, pkp.eth_address);
    assert_eq!(
        result.signatures["personal"].data_signed,
        hex::encode(eip191_hash_message("hello"))
    );

    // signAndCombineEcdsa: every node returns the whole signature, the same on every node.
    let combine = ExecuteJsParams::code(r#"
        (async () => {
            const rsv = await Lit.Actions.signAndCombineEcdsa({toSign: hash, publicKey, sigName: "whole"});
            Lit.Actions.setResponse({response: rsv});
        })();
    "#)
    .with_js_params(params(json!({"hash": digest.to_vec(), "publicKey": public_key})));
    let combined = client.execute_js(&combine, &sigs).await?;
    assert!(combined.signatures.is_empty());
    let rsv = combined.response_json();
    let big_r = hex::decode(rsv["r"].as_str().ok_or("r")?)?;
    let s_bytes = hex::decode(rsv["s"].as_str().ok_or("s")?)?;
    let signature = alloy_primitives::Signature::new(
        alloy_primitives::U256::from_be_slice(&big_r[1..]),
        alloy_primitives::U256::from_be_slice(&s_bytes),
        rsv["v"] == 1,
    );
    assert_eq!(
        signature.recover_address_from_prehash(&digest)?,
        pkp.eth_address
    );

    // A stranger's session: refused, with Lit's message, until the PKP permits this action.
    let stranger = PrivateKeySigner::random();
    let stranger_sigs = any_action_sigs(&client, &stranger).await?;
    match client.execute_js(&run, &stranger_sigs).await {
        Err(ClientError::ActionThrew { error, .. }) => assert!(
            error.contains("Neither you nor this Lit Action are authorized to sign using this PKP"),
            "{error}"
        ),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let cid = sigil_actions::ipfs_cid_v0(code.as_bytes());
    let permitted = mint(
        &devnet,
        &[Permit::Action {
            cid,
            scopes: vec![evm::SCOPE_SIGN_ANYTHING],
        }],
    )
    .await?;
    let permitted_key = format!("0x{}", hex::encode(&permitted.public_key));
    let run = ExecuteJsParams::code(code).with_js_params(params(json!({
        "hash": digest.to_vec(), "publicKey": permitted_key,
    })));
    let result = client.execute_js(&run, &stranger_sigs).await?;
    let raw = result.signatures["raw"].to_alloy()?;
    assert_eq!(
        raw.recover_address_from_prehash(&B256::from(digest))?,
        permitted.eth_address
    );
    devnet.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_and_bad_requests_get_lit_s_codes_and_the_nodes_keep_serving() -> TestResult {
    let devnet = Devnet::start(DevnetConfig {
        actions: ActionsConfig {
            // Long enough that the memory bomb meets its limit first, even on a loaded machine.
            timeout_ms: 3_000,
            memory_limit_mb: 32,
            ..ActionsConfig::default()
        },
        ..DevnetConfig::default()
    })
    .await?;
    let client = common::connected(&devnet).await?;
    let sigs = any_action_sigs(&client, &devnet.dev_wallet()).await?;
    let code_of = |error: &ClientError| {
        error.most_common_node_failure().and_then(|failure| {
            Some((
                failure.status?,
                failure.error_code.clone()?.as_str().to_owned(),
                failure.logs.as_deref().map(str::to_owned),
            ))
        })
    };

    let busy = client
        .execute_js(
            &ExecuteJsParams::code(r#"console.log("spinning"); while (true) {}"#),
            &sigs,
        )
        .await
        .expect_err("stopped");
    assert_eq!(
        code_of(&busy),
        Some((502, "NodeJsTimeoutError".into(), Some("spinning\n".into())))
    );
    let bomb = client
        .execute_js(
            &ExecuteJsParams::code(
                "const a = []; while (true) { a.push(new Array(1e6).fill(1)); }",
            ),
            &sigs,
        )
        .await
        .expect_err("stopped");
    assert_eq!(
        code_of(&bomb),
        Some((502, "NodeJsMemoryLimitError".into(), Some(String::new())))
    );
    match client
        .execute_js(&ExecuteJsParams::code("eval('1')"), &sigs)
        .await
    {
        Err(ClientError::ActionThrew { error, .. }) => assert!(error.contains("eval"), "{error}"),
        other => panic!("expected eval refused, got {other:?}"),
    }

    // Raw bodies: auth methods alongside the session, code that is not base64, nothing to run.
    let http = reqwest::Client::new();
    let (url, sig) = sigs.iter().next().expect("a node");
    for (body, status, code) in [
        (
            json!({"code": "MQ==", "authMethods": [], "authSig": sig}),
            400,
            "NodeCannotProvideAuthMethodForEndpoint",
        ),
        (
            json!({"code": "not base64!", "authSig": sig}),
            422,
            "NodeBadInput",
        ),
        (json!({"authSig": sig}), 400, "NodeInvalidIPFSID"),
    ] {
        let answer = http
            .post(format!("{url}/web/execute/v1"))
            .header("X-Request-Id", "lit_raw")
            .json(&body)
            .send()
            .await?;
        assert_eq!(answer.status().as_u16(), status);
        let answer: Value = answer.json().await?;
        assert_eq!(answer["errorCode"], code, "{answer}");
    }

    let result = client
        .execute_js(
            &ExecuteJsParams::code("Lit.Actions.setResponse({response: 'alive'})"),
            &sigs,
        )
        .await?;
    assert_eq!(result.response, "alive");
    devnet.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_action_runs_by_ipfs_id_from_the_devnet_gateway_and_substituted_code_is_refused(
) -> TestResult {
    let devnet = Devnet::start(DevnetConfig::default()).await?;
    let client = common::connected(&devnet).await?;
    let sigs = any_action_sigs(&client, &devnet.dev_wallet()).await?;
    let gateway = devnet.ipfs_gateway().ok_or("the devnet serves a gateway")?;
    let code = "Lit.Actions.setResponse({response: 'by ipfs id: ' + Lit.Auth.actionIpfsIds[0]});";
    let added: Value = reqwest::Client::new()
        .post(format!("{}/api/v0/add", gateway.api_url()))
        .body(code)
        .send()
        .await?
        .json()
        .await?;
    let cid = added["Hash"].as_str().ok_or("a Hash")?.to_owned();
    assert_eq!(cid, sigil_actions::ipfs_cid_v0(code.as_bytes()));
    let result = client
        .execute_js(&ExecuteJsParams::ipfs_id(cid.as_str()), &sigs)
        .await?;
    assert_eq!(result.response, format!("by ipfs id: {cid}"));

    // A CID the gateway does not have, and a gateway that answers other code for a CID.
    let missing = sigil_actions::ipfs_cid_v0(b"never added");
    let other = "Lit.Actions.setResponse({response: 'substituted'});";
    let substituted = sigil_actions::ipfs_cid_v0(b"the real code");
    std::fs::write(devnet.data_dir().join("ipfs").join(&substituted), other)?;
    for cid in [missing.as_str(), substituted.as_str(), "QmNotACid"] {
        let error = client
            .execute_js(&ExecuteJsParams::ipfs_id(cid), &sigs)
            .await
            .expect_err("refused");
        let failure = error.most_common_node_failure().ok_or("node failures")?;
        assert_eq!(
            (
                failure.status,
                failure.error_code.as_ref().map(|c| c.as_str())
            ),
            (Some(400), Some("NodeInvalidIPFSID")),
            "{error}"
        );
    }
    devnet.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_action_checks_conditions_and_reads_a_pkp_s_permissions() -> TestResult {
    let devnet = Devnet::start(DevnetConfig::default()).await?;
    let client = common::connected(&devnet).await?;
    let owner = devnet.dev_wallet();
    let sigs = any_action_sigs(&client, &owner).await?;
    let permitted_cid = sigil_actions::ipfs_cid_v0(b"some other action");
    let friend = alloy_primitives::Address::repeat_byte(0x42);
    let pkp = mint(
        &devnet,
        &[
            Permit::Action {
                cid: permitted_cid.clone(),
                scopes: vec![evm::SCOPE_SIGN_ANYTHING],
            },
            Permit::Address {
                address: friend,
                scopes: vec![evm::SCOPE_SIGN_ANYTHING],
            },
        ],
    )
    .await?;
    let code = r#"
        (async () => {
            const only = (address) => [{contractAddress: '', standardContractType: '', chain: 'ethereum',
                method: '', parameters: [':userAddress'], returnValueTest: {comparator: '=', value: address}}];
            const balance = [{contractAddress: '', standardContractType: '', chain: 'ethereum',
                method: 'eth_getBalance', parameters: [':userAddress', 'latest'],
                returnValueTest: {comparator: '>', value: '0'}}];
            const thisAction = [{contractAddress: '', standardContractType: '', chain: 'ethereum',
                method: '', parameters: [':currentActionIpfsId'], returnValueTest: {comparator: '=', value: Lit.Auth.actionIpfsIds[0]}}];
            const tokenId = await Lit.Actions.pubkeyToTokenId({publicKey});
            Lit.Actions.setResponse({response: JSON.stringify({
                me: await Lit.Actions.checkConditions({conditions: only(Lit.Auth.authSigAddress), chain: 'ethereum'}),
                other: await Lit.Actions.checkConditions({conditions: only(friend), chain: 'ethereum'}),
                funded: await Lit.Actions.checkConditions({conditions: balance, chain: 'ethereum'}),
                action: await Lit.Actions.checkConditions({conditions: thisAction, chain: 'ethereum'}),
                permittedAction: await Lit.Actions.isPermittedAction({tokenId, ipfsId: permitted}),
                thisActionPermitted: await Lit.Actions.isPermittedAction({tokenId, ipfsId: Lit.Auth.actionIpfsIds[0]}),
                friend: await Lit.Actions.isPermittedAddress({tokenId, address: friend}),
                actions: await Lit.Actions.getPermittedActions({tokenId}),
                addresses: await Lit.Actions.getPermittedAddresses({tokenId}),
            })});
        })();
    "#;
    let result = client
        .execute_js(
            &ExecuteJsParams::code(code).with_js_params(params(json!({
                "publicKey": format!("0x{}", hex::encode(&pkp.public_key)),
                "friend": format!("{friend:#x}"),
                "permitted": permitted_cid,
            }))),
            &sigs,
        )
        .await?;
    assert_eq!(
        result.response_json(),
        json!({
            "me": true, "other": false, "funded": true, "action": true,
            "permittedAction": true, "thisActionPermitted": false, "friend": true,
            "actions": [permitted_cid],
            "addresses": [format!("{friend:#x}"), format!("{:#x}", owner.address())],
        })
    );
    devnet.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_once_runs_on_one_node_and_broadcast_and_collect_gathers_every_node_s_value(
) -> TestResult {
    let devnet = Devnet::start(DevnetConfig::default()).await?;
    let client = common::connected(&devnet).await?;
    let sigs = any_action_sigs(&client, &devnet.dev_wallet()).await?;
    let code = r#"
        (async () => {
            let ran = 0;
            const once = await Lit.Actions.runOnce({waitForResponse: true, name: 'pick'}, async () => {
                ran += 1;
                return 'chosen-' + Math.floor(Math.random() * 1e9);
            });
            const values = await Lit.Actions.broadcastAndCollect({name: 'ran', value: String(ran)});
            // The same on every node: the leader's value, and how many nodes ran the function.
            Lit.Actions.setResponse({response: JSON.stringify({
                once, count: values.length, ranOnce: values.filter((v) => v === '1').length,
            })});
        })();
    "#;
    let result = client
        .execute_js(&ExecuteJsParams::code(code), &sigs)
        .await?;
    let response = result.response_json();
    assert!(
        response["once"]
            .as_str()
            .is_some_and(|v| v.starts_with("chosen-")),
        "{response}"
    );
    assert_eq!(response["count"], 3);
    assert_eq!(response["ranOnce"], 1);
    devnet.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decrypt_and_combine_opens_data_for_a_user_the_conditions_allow_and_no_one_else(
) -> TestResult {
    let devnet = Devnet::start(DevnetConfig::default()).await?;
    let client = common::connected(&devnet).await?;
    let owner = devnet.dev_wallet();
    let conditions = json!([{
        "contractAddress": "", "standardContractType": "", "chain": "ethereum", "method": "",
        "parameters": [":userAddress"],
        "returnValueTest": {"comparator": "=", "value": owner.address().to_checksum(None)},
    }]);
    let set =
        sigil_client::ConditionSet::from_request(&json!({"accessControlConditions": conditions}))?;
    let encrypted = client.encrypt_string(&set, "a secret for the action")?;
    let code = r#"
        (async () => {
            const plaintext = await Lit.Actions.decryptAndCombine({
                accessControlConditions, ciphertext, dataToEncryptHash, authSig: null, chain: 'ethereum',
            });
            Lit.Actions.setResponse({response: plaintext});
        })();
    "#;
    let run = ExecuteJsParams::code(code).with_js_params(params(json!({
        "accessControlConditions": conditions,
        "ciphertext": encrypted.ciphertext,
        "dataToEncryptHash": encrypted.data_to_encrypt_hash,
    })));
    let sigs = any_action_sigs(&client, &owner).await?;
    let result = client.execute_js(&run, &sigs).await?;
    assert_eq!(result.response, "a secret for the action");

    // To a single node: the runOnce leader has the plaintext, the others an empty string.
    let single = ExecuteJsParams::code(r#"
        (async () => {
            const plaintext = await Lit.Actions.decryptToSingleNode({
                accessControlConditions, ciphertext, dataToEncryptHash, authSig: null, chain: 'ethereum',
            });
            const opened = await Lit.Actions.broadcastAndCollect({name: 'opened', value: plaintext});
            Lit.Actions.setResponse({response: JSON.stringify(opened.filter((v) => v !== '').sort())});
        })();
    "#)
    .with_js_params(params(json!({
        "accessControlConditions": conditions,
        "ciphertext": encrypted.ciphertext,
        "dataToEncryptHash": encrypted.data_to_encrypt_hash,
    })));
    let single = client.execute_js(&single, &sigs).await?;
    assert_eq!(single.response_json(), json!(["a secret for the action"]));

    let stranger_sigs = any_action_sigs(&client, &PrivateKeySigner::random()).await?;
    match client.execute_js(&run, &stranger_sigs).await {
        Err(ClientError::ActionThrew { error, .. }) => {
            assert!(
                error.contains("Access control conditions check failed"),
                "{error}"
            )
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    devnet.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_action_calls_child_actions_by_ipfs_id_down_to_the_depth_limit() -> TestResult {
    let devnet = Devnet::start(DevnetConfig::default()).await?;
    let client = common::connected(&devnet).await?;
    let sigs = any_action_sigs(&client, &devnet.dev_wallet()).await?;
    let api = devnet.ipfs_gateway().ok_or("a gateway")?.api_url();
    let add = |code: &'static str| {
        let api = api.clone();
        async move {
            let added: Value = reqwest::Client::new()
                .post(format!("{api}/api/v0/add"))
                .body(code)
                .send()
                .await?
                .json()
                .await?;
            Ok::<String, Box<dyn std::error::Error>>(
                added["Hash"].as_str().unwrap_or_default().to_owned(),
            )
        }
    };
    let child = add("Lit.Actions.setResponse({response: JSON.stringify({doubled: x * 2, stack: Lit.Auth.actionIpfsIdStack.length, me: Lit.Auth.actionIpfsIds[0]})});").await?;
    // Calls itself (its CID comes as a parameter) until a call fails, and reports how deep it got.
    let recursive = add(r#"
        (async () => {
            try {
                const inner = await Lit.Actions.call({ipfsId: self, params: {self, depth: depth + 1}});
                Lit.Actions.setResponse({response: inner});
            } catch (e) {
                Lit.Actions.setResponse({response: JSON.stringify({deepest: depth, error: String(e)})});
            }
        })();
    "#).await?;
    let code = r#"
        (async () => {
            const child = JSON.parse(await Lit.Actions.call({ipfsId: childId, params: {x: 21}}));
            const deep = JSON.parse(await Lit.Actions.call({ipfsId: recursive, params: {self: recursive, depth: 1}}));
            Lit.Actions.setResponse({response: JSON.stringify({child, deep, stackAfter: Lit.Auth.actionIpfsIdStack.length})});
        })();
    "#;
    let result = client
        .execute_js(
            &ExecuteJsParams::code(code).with_js_params(params(json!({
                "childId": child, "recursive": recursive,
            }))),
            &sigs,
        )
        .await?;
    let response = result.response_json();
    assert_eq!(
        response["child"],
        json!({"doubled": 42, "stack": 2, "me": child})
    );
    assert_eq!(response["stackAfter"], 1);

    // claimKey: every node signs the derived key id, keccak256("<cid>_<keyId>").
    let claim = "(async () => { await Lit.Actions.claimKey({keyId: 'my-key'}); })();";
    let claimed = client
        .execute_js(&ExecuteJsParams::code(claim), &sigs)
        .await?;
    let derived = keccak256(format!(
        "{}_my-key",
        sigil_actions::ipfs_cid_v0(claim.as_bytes())
    ));
    let key_claim = &claimed.claims["my-key"];
    assert_eq!(key_claim.derived_key_id, hex::encode(derived));
    let signers: std::collections::HashSet<_> = key_claim
        .signatures
        .iter()
        .map(|signature| signature.recover_address_from_msg(derived.as_slice()))
        .collect::<Result<_, _>>()?;
    assert_eq!(signers.len(), 3, "three nodes, three keys");
    // The top action and five levels of children.
    assert_eq!(response["deep"]["deepest"], 5, "{response}");
    assert!(
        response["deep"]["error"]
            .as_str()
            .is_some_and(|e| e.contains("The recursion limit of a child action is 5")),
        "{response}"
    );
    devnet.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_busy_with_runaway_actions_keep_answering_handshakes_and_then_run_actions(
) -> TestResult {
    let devnet = Devnet::start(DevnetConfig {
        actions: ActionsConfig {
            timeout_ms: 1_500,
            ..ActionsConfig::default()
        },
        ..DevnetConfig::default()
    })
    .await?;
    let client = std::sync::Arc::new(common::connected(&devnet).await?);
    let sigs = any_action_sigs(&client, &devnet.dev_wallet()).await?;
    // More busy loops than the nodes have workers.
    let runaways: Vec<_> = (0..6)
        .map(|i| {
            let client = std::sync::Arc::clone(&client);
            let sigs = sigs.clone();
            tokio::spawn(async move {
                let code = format!("let i = {i}; while (true) {{ i++; }}");
                client.execute_js(&ExecuteJsParams::code(code), &sigs).await
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let http = reqwest::Client::new();
    let mut answered = 0;
    for url in devnet.node_urls() {
        for _ in 0..5 {
            let answer = http
                .post(format!("{url}/web/handshake/"))
                .header("X-Request-Id", "lit_busy")
                .json(&json!({"clientPublicKey": "test", "challenge": "ab".repeat(32)}))
                .timeout(Duration::from_secs(5))
                .send()
                .await?;
            assert_eq!(answer.status().as_u16(), 200);
            answered += 1;
        }
    }
    assert_eq!(answered, 15);
    for runaway in runaways {
        let error = runaway.await?.expect_err("stopped");
        let code = error
            .most_common_node_failure()
            .and_then(|failure| failure.error_code.clone())
            .map(|code| code.as_str().to_owned());
        // Each stopped at its timeout (or, queued behind the others past its own, refused).
        assert!(
            matches!(
                code.as_deref(),
                Some("NodeJsTimeoutError" | "NodeConcurrencyOverload")
            ),
            "{error}"
        );
    }
    let result = client
        .execute_js(
            &ExecuteJsParams::code("Lit.Actions.setResponse({response: 'free again'})"),
            &sigs,
        )
        .await?;
    assert_eq!(result.response, "free again");
    devnet.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_actions_beyond_the_workers_do_not_hold_each_other_up_across_nodes() -> TestResult {
    // One worker per node: an action waiting for a signing round with its peers gives the
    // worker back, else two nodes each running the action the other waits for would deadlock.
    let devnet = Devnet::start(DevnetConfig {
        actions: ActionsConfig {
            workers: 1,
            timeout_ms: 60_000,
            ..ActionsConfig::default()
        },
        ..DevnetConfig::default()
    })
    .await?;
    let client = std::sync::Arc::new(common::connected(&devnet).await?);
    let owner = devnet.dev_wallet();
    let pkp = mint(&devnet, &[]).await?;
    let sigs = any_action_sigs(&client, &owner).await?;
    let public_key = format!("0x{}", hex::encode(&pkp.public_key));
    let runs: Vec<_> = (0..6)
        .map(|i| {
            let client = std::sync::Arc::clone(&client);
            let sigs = sigs.clone();
            let run = ExecuteJsParams::code(
                "(async () => { await Lit.Actions.signEcdsa({toSign: hash, publicKey, sigName: 'sig'}); })();",
            )
            .with_js_params(params(json!({
                "hash": keccak256(format!("concurrent {i}")).to_vec(), "publicKey": public_key,
            })));
            tokio::spawn(async move { client.execute_js(&run, &sigs).await })
        })
        .collect();
    for (i, run) in runs.into_iter().enumerate() {
        let result = run.await??;
        let signature = result.signatures["sig"].to_alloy()?;
        assert_eq!(
            signature.recover_address_from_prehash(&keccak256(format!("concurrent {i}")))?,
            pkp.eth_address
        );
    }
    devnet.shutdown().await;
    Ok(())
}
