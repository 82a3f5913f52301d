//! `sigil devnet --evm-rpc` on anvil, then `sigil credits mint` and `sigil pkp mint|show|permit`
//! as processes sending real transactions; a devnet restarted on its data dir still has them.

mod common;

use assert_cmd::Command;
use common::{devnet_on_evm, sigil_path, Running};
use sigil_test_support::anvil::{Anvil, DEV_KEY_0, DEV_KEY_1, DEV_KEY_2};
use std::path::Path;
use std::time::Duration;

const ALICE: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const BOB: &str = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

fn devnet(anvil: &Anvil, data_dir: &Path) -> (Running, serde_json::Value) {
    devnet_on_evm(&anvil.url(), DEV_KEY_0, data_dir)
}

/// Runs `sigil <args>` against the devnet's contracts with Alice's key; its stdout as JSON.
fn sigil(anvil: &Anvil, context: &str, args: &[&str]) -> serde_json::Value {
    let output = Command::new(sigil_path())
        .args(args)
        .args(["--rpc", &anvil.url(), "--network-context", context])
        .env("ALICE_KEY", DEV_KEY_1)
        .output()
        .expect("sigil runs");
    assert!(
        output.status.success(),
        "sigil {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON object")
}

fn lower(value: &serde_json::Value) -> String {
    value.as_str().expect("a string").to_lowercase()
}

#[test]
fn credits_and_pkps_are_minted_permitted_and_kept_through_a_devnet_restart() {
    let anvil = Anvil::start();
    let data_dir = tempfile::tempdir().expect("temp dir");
    let (mut running, info) = devnet(&anvil, data_dir.path());
    let context_path = info["networkContext"]
        .as_str()
        .expect("networkContext")
        .to_owned();
    assert_eq!(
        Path::new(&context_path),
        data_dir.path().join("network-context.json")
    );
    assert_eq!(info["chainRpcUrl"], anvil.url().as_str());
    let context: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&context_path).expect("context"))
            .expect("json");
    for name in [
        "Staking",
        "PKPNFT",
        "PKPHelper",
        "PKPPermissions",
        "PubkeyRouter",
        "RateLimitNFT",
        "ContractResolver",
        "Allowlist",
        "LITToken",
        "Multisender",
        "PKPNFTMetadata",
        "StakingBalances",
    ] {
        assert_eq!(context[name]["name"], name);
        assert!(
            context[name]["abi"]
                .as_array()
                .is_some_and(|abi| !abi.is_empty()),
            "{name}"
        );
    }
    assert_eq!(context["Staking"]["address"], info["stakingAddress"]);

    let credit = sigil(
        &anvil,
        &context_path,
        &[
            "credits",
            "mint",
            "--private-key-env",
            "ALICE_KEY",
            "--requests-per-kilosecond",
            "500",
            "--days-until-utc-midnight-expiration",
            "2",
        ],
    );
    assert_eq!(lower(&credit["owner"]), ALICE.to_lowercase());
    assert!(credit["requestsPerKilosecond"]
        .as_u64()
        .is_some_and(|rate| rate >= 500));
    assert_eq!(credit["expiresAt"].as_u64().map(|at| at % 86_400), Some(0));

    let pkp = sigil(
        &anvil,
        &context_path,
        &[
            "pkp",
            "mint",
            "--private-key-env",
            "ALICE_KEY",
            "--permit-address",
            BOB,
            "--auth-method",
            "6:0xc0ffee:1,2",
        ],
    );
    let token_id = pkp["tokenId"].as_str().expect("tokenId").to_owned();
    let public_key = pkp["publicKey"].as_str().expect("publicKey");
    assert_eq!(public_key.len(), 2 + 130);
    assert!(public_key.starts_with("0x04"));

    // The network signs with it for its owner (a message, EIP-191) and for the address it
    // permits (a hash); a stranger is refused with exit 1 and Lit's code.
    let pkp_sign = |key: &str, what: &[&str]| {
        Command::new(sigil_path())
            .args([
                "pkp",
                "sign",
                "--pubkey",
                public_key,
                "--private-key-env",
                "SIGNER_KEY",
            ])
            .args(what)
            .args(["--rpc-url", &anvil.url()])
            .args([
                "--staking-address",
                info["stakingAddress"].as_str().expect("staking"),
            ])
            .env("SIGNER_KEY", key)
            .output()
            .expect("sigil runs")
    };
    for (key, what) in [
        (DEV_KEY_1, ["--message", "hello from the CLI"]),
        (DEV_KEY_2, ["--hash", &format!("0x{}", "ab".repeat(32))]),
    ] {
        let output = pkp_sign(key, &what);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let signed: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
        assert_eq!(lower(&signed["address"]), lower(&pkp["ethAddress"]));
        assert_eq!(signed["signature"].as_str().map(str::len), Some(132));
    }
    // Any key that is neither owner nor permitted.
    let stranger = "0x".to_owned() + &"11".repeat(32);
    let refused = pkp_sign(&stranger, &["--message", "not mine"]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("NodePKPNotAuthorized"), "{stderr}");

    // PKP session sigs: the owner's wallet auth method gets a session the network signs for
    // the PKP, and `pkp sign --session-sigs` signs with it (no wallet key given); a stranger's
    // wallet gets Lit's refusal.
    let staking = info["stakingAddress"].as_str().expect("staking");
    let pkp_session_sigs = |key: &str, proof: &[&str]| {
        Command::new(sigil_path())
            .args(["session-sigs", "--pkp-pubkey", public_key])
            .args(proof)
            .args(["--resource", "lit-pkp://*", "--ability", "pkp-signing"])
            .args(["--rpc-url", &anvil.url(), "--staking-address", staking])
            .args(["--private-key-env", "SIGNER_KEY"])
            .env("SIGNER_KEY", key)
            .output()
            .expect("sigil runs")
    };
    let sign_with_session = |session_sigs: &[u8]| {
        let file = tempfile::NamedTempFile::new().expect("temp file");
        std::fs::write(file.path(), session_sigs).expect("written");
        let output = Command::new(sigil_path())
            .args([
                "pkp",
                "sign",
                "--pubkey",
                public_key,
                "--message",
                "in a PKP session",
            ])
            .arg("--session-sigs")
            .arg(file.path())
            .args(["--rpc-url", &anvil.url(), "--staking-address", staking])
            .output()
            .expect("sigil runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let signed: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
        assert_eq!(lower(&signed["address"]), lower(&pkp["ethAddress"]));
    };
    let owned = pkp_session_sigs(DEV_KEY_1, &["--auth-method", "eth-wallet"]);
    assert!(
        owned.status.success(),
        "{}",
        String::from_utf8_lossy(&owned.stderr)
    );
    let session_sigs: serde_json::Value = serde_json::from_slice(&owned.stdout).expect("json");
    let session_sig = session_sigs
        .as_object()
        .and_then(|sigs| sigs.values().next())
        .expect("a session sig");
    let signed_message: serde_json::Value =
        serde_json::from_str(session_sig["signedMessage"].as_str().expect("text")).expect("json");
    let capability = signed_message["capabilities"]
        .as_array()
        .and_then(|capabilities| capabilities.last())
        .expect("a capability");
    assert_eq!(capability["derivedVia"], "lit.bls");
    assert_eq!(lower(&capability["address"]), lower(&pkp["ethAddress"]));
    sign_with_session(&owned.stdout);
    let refused = pkp_session_sigs(&stranger, &["--auth-method", "eth-wallet"]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("NodePKPNotAuthorized"), "{stderr}");

    let shown = sigil(&anvil, &context_path, &["pkp", "show", &token_id]);
    assert_eq!(shown["publicKey"], public_key);
    assert_eq!(shown["ethAddress"], pkp["ethAddress"]);
    assert_eq!(lower(&shown["owner"]), ALICE.to_lowercase());
    let addresses: Vec<String> = shown["permittedAddresses"]
        .as_array()
        .expect("addresses")
        .iter()
        .map(lower)
        .collect();
    assert!(addresses.contains(&BOB.to_lowercase()), "{shown}");
    let methods = shown["permittedAuthMethods"].as_array().expect("methods");
    assert!(
        methods.iter().any(|m| m["authMethodType"] == 6
            && m["id"] == "0xc0ffee"
            && m["scopes"] == serde_json::json!([1, 2])),
        "{shown}"
    );

    // A Lit Action vouches for a session once the PKP permits it (no auth method at all).
    let action = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(
        action.path(),
        r#"Lit.Actions.setResponse({ response: "true" });"#,
    )
    .expect("written");
    let action_path = action.path().to_str().expect("UTF-8 path");
    let added = Command::new(sigil_path())
        .args(["actions", "add", action_path, "--ipfs-api"])
        .arg(info["ipfsApiUrl"].as_str().expect("ipfsApiUrl"))
        .output()
        .expect("sigil runs");
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let cid = String::from_utf8(added.stdout).expect("UTF-8");
    let cid = cid.trim();
    let by_action = ["--lit-action", action_path];
    let unpermitted = pkp_session_sigs(DEV_KEY_2, &by_action);
    assert_eq!(unpermitted.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&unpermitted.stderr);
    assert!(stderr.contains("NodePKPNotAuthorized"), "{stderr}");

    let permitted = sigil(
        &anvil,
        &context_path,
        &[
            "pkp",
            "permit",
            &token_id,
            "--private-key-env",
            "ALICE_KEY",
            "--action",
            cid,
        ],
    );
    assert_eq!(permitted["permittedActions"], serde_json::json!([cid]));
    for proof in [&by_action[..], &["--lit-action-ipfs-id", cid]] {
        let vouched = pkp_session_sigs(DEV_KEY_2, proof);
        assert!(
            vouched.status.success(),
            "{proof:?}: {}",
            String::from_utf8_lossy(&vouched.stderr)
        );
        sign_with_session(&vouched.stdout);
    }

    // Bob does not own the PKP: his permit is refused, with a non-zero exit.
    let refused = Command::new(sigil_path())
        .args([
            "pkp",
            "permit",
            &token_id,
            "--private-key-env",
            "BOB_KEY",
            "--address",
            BOB,
        ])
        .args(["--rpc", &anvil.url(), "--network-context", &context_path])
        .env("BOB_KEY", DEV_KEY_2)
        .output()
        .expect("sigil runs");
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("revert"), "{stderr}");

    running.interrupt();
    assert_eq!(
        running
            .wait_exit(Duration::from_secs(10))
            .and_then(|s| s.code()),
        Some(0)
    );

    // Restarted on its data dir: the same contracts, the PKP and its permissions still there.
    let (mut running, again) = devnet(&anvil, data_dir.path());
    assert_eq!(again["stakingAddress"], info["stakingAddress"]);
    let shown_again = sigil(&anvil, &context_path, &["pkp", "show", &token_id]);
    assert_eq!(shown_again, permitted);
    running.interrupt();
    running.wait_exit(Duration::from_secs(10));
}

/// Runs `sigil tokens <args>` with the key in `key`; exit status and stdout.
fn tokens(anvil: &Anvil, context: &str, key: &str, args: &[&str]) -> (bool, String, String) {
    let output = Command::new(sigil_path())
        .arg("tokens")
        .args(args)
        .args(["--rpc", &anvil.url(), "--network-context", context])
        .args(["--private-key-env", "SENDER_KEY"])
        .env("SENDER_KEY", key)
        .output()
        .expect("sigil runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_tokens_are_minted_by_their_deployer_only_and_deployable_anew() {
    use alloy_primitives::{Address, U256};
    use sigil_chain::evm::contracts::{DemoERC20, DemoERC721};
    let anvil = Anvil::start();
    let data_dir = tempfile::tempdir().expect("temp dir");
    let (running, info) = devnet(&anvil, data_dir.path());
    let context_path = info["networkContext"]
        .as_str()
        .expect("networkContext")
        .to_owned();
    let context =
        sigil_chain::evm::NetworkContext::load(Path::new(&context_path)).expect("context");
    let provider = alloy_provider::ProviderBuilder::new()
        .connect(&anvil.url())
        .await
        .expect("provider");
    let alice: Address = ALICE.parse().expect("address");

    // The devnet's deployer mints; the chain says Alice holds them.
    let (ok, out, err) = tokens(
        &anvil,
        &context_path,
        DEV_KEY_0,
        &["mint", "erc721", "--to", ALICE],
    );
    assert!(ok, "{err}");
    let minted: serde_json::Value = serde_json::from_str(&out).expect("json");
    let token_id: U256 = minted["tokenId"]
        .as_str()
        .expect("tokenId")
        .parse()
        .expect("id");
    let nft = DemoERC721::new(context.require("DemoERC721").expect("deployed"), &provider);
    assert_eq!(nft.ownerOf(token_id).call().await.expect("ownerOf"), alice);
    let (ok, _, err) = tokens(
        &anvil,
        &context_path,
        DEV_KEY_0,
        &["mint", "erc20", "--to", ALICE, "--amount", "500"],
    );
    assert!(ok, "{err}");
    let erc20 = DemoERC20::new(context.require("DemoERC20").expect("deployed"), &provider);
    assert_eq!(
        erc20.balanceOf(alice).call().await.expect("balanceOf"),
        U256::from(500)
    );

    // Anyone else is refused by the token, with its reason.
    let (ok, _, err) = tokens(
        &anvil,
        &context_path,
        DEV_KEY_1,
        &["mint", "erc20", "--to", ALICE],
    );
    assert!(!ok);
    assert!(err.contains("caller is not the owner"), "{err}");

    // Alice deploys her own set into a copy of the context, and mints from it.
    let copy = data_dir.path().join("alice-context.json");
    std::fs::copy(&context_path, &copy).expect("copy");
    let copy = copy.to_str().expect("utf-8").to_owned();
    let (ok, out, err) = tokens(&anvil, &copy, DEV_KEY_1, &["deploy"]);
    assert!(ok, "{err}");
    let deployed: serde_json::Value = serde_json::from_str(&out).expect("json");
    let own = deployed["DemoERC20"]
        .as_str()
        .expect("DemoERC20")
        .to_owned();
    assert_ne!(own.parse::<Address>().ok(), context.address("DemoERC20"));
    let (ok, _, err) = tokens(
        &anvil,
        &copy,
        DEV_KEY_1,
        &["mint", "erc1155", "--to", BOB, "--id", "7", "--amount", "3"],
    );
    assert!(ok, "{err}");

    // A contract wallet for Bob's key, deployed by Alice: it vouches for Bob's signatures only.
    let (ok, out, err) = tokens(&anvil, &copy, DEV_KEY_1, &["wallet", "--owner", BOB]);
    assert!(ok, "{err}");
    let deployed: serde_json::Value = serde_json::from_str(&out).expect("json");
    let wallet: Address = deployed["wallet"]
        .as_str()
        .and_then(|text| text.parse().ok())
        .expect("wallet");
    let contract = sigil_chain::evm::contracts::ContractWallet::new(wallet, &provider);
    assert_eq!(
        contract.owner().call().await.expect("owner"),
        BOB.parse::<Address>().expect("address")
    );
    let hash = alloy_primitives::keccak256("a contract wallet signs");
    let signed_by = |key: &str| {
        let signer: alloy_signer_local::PrivateKeySigner = key.parse().expect("key");
        alloy_signer::SignerSync::sign_hash_sync(&signer, &hash)
            .expect("signs")
            .as_bytes()
            .to_vec()
    };
    let answer = |signature: Vec<u8>| {
        let contract = contract.clone();
        async move {
            contract
                .isValidSignature(hash, signature.into())
                .call()
                .await
                .expect("isValidSignature")
        }
    };
    assert_eq!(
        answer(signed_by(DEV_KEY_2)).await.0,
        [0x16, 0x26, 0xba, 0x7e]
    );
    assert_eq!(answer(signed_by(DEV_KEY_1)).await.0, [0xff; 4]);
    running.stop(Duration::from_secs(10));
}
