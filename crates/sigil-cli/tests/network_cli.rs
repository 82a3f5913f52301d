//! The network commands (`encrypt`, `decrypt`, `session-sigs --rpc-url`, `demo`) run as the
//! built `sigil` binary against a devnet started in the test process.

use assert_cmd::assert::Assert;
use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use sigil_devnet::{Devnet, DevnetConfig};

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// anvil's account #0 (the devnet's dev wallet) and #1: public test keys.
const OWNER_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const OWNER_ADDRESS: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const STRANGER_KEY: &str = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

/// Runs `sigil` to completion off the async runtime (the devnet keeps serving meanwhile).
async fn sigil(
    args: Vec<String>,
    stdin: Vec<u8>,
) -> Result<Assert, Box<dyn std::error::Error + Send + Sync>> {
    let assert =
        tokio::task::spawn_blocking(move || -> Result<Assert, assert_cmd::cargo::CargoError> {
            Ok(Command::cargo_bin("sigil")?
                .args(&args)
                .env("SIGIL_TEST_OWNER_KEY", OWNER_KEY)
                .env("SIGIL_TEST_STRANGER_KEY", STRANGER_KEY)
                .write_stdin(stdin)
                .assert())
        })
        .await??;
    Ok(assert)
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn encrypt_then_decrypt_by_the_allowed_wallet_and_refuse_another() -> TestResult {
    let devnet = Devnet::start(DevnetConfig::default()).await?;
    let rpc = devnet.rpc_url();

    let encrypted = sigil(
        args(&[
            "encrypt",
            "--rpc-url",
            &rpc,
            "--allow-address",
            OWNER_ADDRESS,
        ]),
        b"attack at dawn".to_vec(),
    )
    .await?
    .success();
    let encrypted = encrypted.get_output().stdout.clone();
    let item: Value = serde_json::from_slice(&encrypted)?;
    assert!(item["ciphertext"].is_string());
    assert_eq!(item["dataToEncryptHash"].as_str().map(str::len), Some(64));
    assert_eq!(
        item["accessControlConditions"][0]["returnValueTest"]["value"],
        OWNER_ADDRESS
    );

    let decrypted = sigil(
        args(&[
            "decrypt",
            "--rpc-url",
            &rpc,
            "--private-key-env",
            "SIGIL_TEST_OWNER_KEY",
        ]),
        encrypted.clone(),
    )
    .await?;
    decrypted.success().stdout(&b"attack at dawn"[..]);

    let as_json = sigil(
        args(&[
            "decrypt",
            "--rpc-url",
            &rpc,
            "--private-key-env",
            "SIGIL_TEST_OWNER_KEY",
            "--json",
        ]),
        encrypted.clone(),
    )
    .await?;
    let json: Value = serde_json::from_slice(&as_json.get_output().stdout)?;
    assert_eq!(json["decryptedData"], "attack at dawn", "{as_json}");

    let refused = sigil(
        args(&[
            "decrypt",
            "--rpc-url",
            &rpc,
            "--private-key-env",
            "SIGIL_TEST_STRANGER_KEY",
        ]),
        encrypted.clone(),
    )
    .await?;
    let refused =
        refused
            .code(1)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains(
                "NodeAccessControlConditionsReturnedNotAuthorized",
            ));
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr);
    assert!(
        !stderr.contains(STRANGER_KEY.trim_start_matches("0x")),
        "the key never shows"
    );

    devnet.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn session_sigs_with_rpc_url_signs_for_every_node_with_the_chain_nonce() -> TestResult {
    let devnet = Devnet::start(DevnetConfig::default()).await?;
    let output = sigil(
        args(&[
            "session-sigs",
            "--rpc-url",
            &devnet.rpc_url(),
            "--private-key-env",
            "SIGIL_TEST_OWNER_KEY",
            "--resource",
            "lit-accesscontrolcondition://*",
            "--ability",
            "access-control-condition-decryption",
        ]),
        Vec::new(),
    )
    .await?
    .success();
    let map: Value = serde_json::from_slice(&output.get_output().stdout)?;
    let urls: Vec<String> = map
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let mut expected = devnet.node_urls();
    expected.sort();
    assert_eq!(urls, expected);
    let first = &map[&expected[0]];
    let signed: Value = serde_json::from_str(first["signedMessage"].as_str().unwrap_or_default())?;
    let siwe = signed["capabilities"][0]["signedMessage"]
        .as_str()
        .unwrap_or_default();
    let nonce = siwe
        .lines()
        .find_map(|l| l.strip_prefix("Nonce: "))
        .unwrap_or_default();
    assert!(
        nonce.starts_with("0x") && nonce.len() == 66,
        "nonce {nonce:?} is a blockhash"
    );
    devnet.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_walks_the_flow_and_exits_zero() -> TestResult {
    let output = sigil(
        args(&["demo", "--message", "the demo's secret"]),
        Vec::new(),
    )
    .await?;
    let output = output
        .success()
        .stdout(predicate::str::contains("decrypted: the demo's secret"))
        .stdout(predicate::str::contains(
            "refused, as it should be: HTTP 401 NodeAccessControlConditionsReturnedNotAuthorized",
        ))
        .stdout(predicate::str::contains("the PKP signed"));
    // The signature printed recovers to the PKP address printed (the demo checks it too).
    let text = String::from_utf8(output.get_output().stdout.clone())?;
    let field = |label: &str| {
        text.lines()
            .find_map(|line| line.trim().strip_prefix(label).map(|v| v.trim().to_owned()))
            .unwrap_or_default()
    };
    assert_eq!(field("recovers to"), field("PKP address"));
    assert!(field("PKP address").starts_with("0x"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn network_commands_fail_clearly_without_a_network() -> TestResult {
    let no_network = sigil(
        args(&["encrypt", "--allow-address", OWNER_ADDRESS]),
        Vec::new(),
    )
    .await?;
    no_network.code(2);
    // Nothing listens on port 9.
    let unreachable = sigil(
        args(&[
            "encrypt",
            "--rpc-url",
            "http://127.0.0.1:9",
            "--allow-address",
            OWNER_ADDRESS,
        ]),
        b"x".to_vec(),
    )
    .await?;
    unreachable.code(2).stderr(predicate::str::contains(
        "cannot connect to the network at http://127.0.0.1:9",
    ));
    let not_an_item = sigil(
        args(&[
            "decrypt",
            "--rpc-url",
            "http://127.0.0.1:9",
            "--private-key-env",
            "SIGIL_TEST_OWNER_KEY",
        ]),
        b"{}".to_vec(),
    )
    .await?;
    not_an_item
        .code(2)
        .stderr(predicate::str::contains("not an encrypted item"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn actions_add_stores_code_on_the_devnet_gateway_and_run_runs_it_by_file_and_by_cid(
) -> TestResult {
    let devnet = Devnet::start(DevnetConfig::default()).await?;
    let rpc = devnet.rpc_url();
    let api = devnet
        .ipfs_gateway()
        .map(|ipfs| ipfs.api_url())
        .ok_or("a gateway")?;
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("hello.js");
    let code = "console.log('hi', who); Lit.Actions.setResponse({response: JSON.stringify({hello: who})});";
    std::fs::write(&file, code)?;
    let file = file.display().to_string();

    let added = sigil(args(&["actions", "add", &file, "--ipfs-api", &api]), vec![])
        .await?
        .success();
    let cid = String::from_utf8(added.get_output().stdout.clone())?
        .trim()
        .to_owned();
    assert!(cid.starts_with("Qm") && cid.len() == 46, "{cid}");

    let common = [
        "--rpc-url",
        &rpc,
        "--private-key-env",
        "SIGIL_TEST_OWNER_KEY",
        "--js-params",
        r#"{"who": "sigil"}"#,
    ];
    for target in [vec![file.as_str()], vec!["--ipfs-id", cid.as_str()]] {
        let mut run = vec!["actions", "run"];
        run.extend(target);
        run.extend(common);
        let ran = sigil(args(&run), vec![]).await?.success();
        let printed: Value = serde_json::from_slice(&ran.get_output().stdout)?;
        assert_eq!(printed["response"], serde_json::json!({"hello": "sigil"}));
        assert_eq!(printed["logs"], "hi sigil\n");
    }

    // An action that throws: exit code 1, its logs on stderr.
    let throws = dir.path().join("throws.js");
    std::fs::write(&throws, "console.log('about to'); throw new Error('nope');")?;
    sigil(
        args(&[
            "actions",
            "run",
            &throws.display().to_string(),
            "--rpc-url",
            &rpc,
            "--private-key-env",
            "SIGIL_TEST_OWNER_KEY",
        ]),
        vec![],
    )
    .await?
    .code(1)
    .stderr(
        predicate::str::contains("about to")
            .and(predicate::str::contains("the action threw: Error: nope")),
    );
    devnet.shutdown().await;
    Ok(())
}
