//! The offline commands, run as the built `sigil` binary against the JS SDK reference vectors.

use std::process::Output;

use assert_cmd::assert::Assert;
use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

const SESSION_SIGS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/vectors/session-sigs.json"
));
const CAPACITY_DELEGATION: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/vectors/capacity-delegation.json"
));
const KEY_VAR: &str = "SIGIL_TEST_WALLET_KEY";

/// `sigil <args>` run to completion, the key variable set only as `env` says, `stdin` (or
/// nothing) on its stdin.
fn sigil(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Assert {
    Command::cargo_bin("sigil")
        .expect("sigil is built")
        .args(args)
        .env_remove(KEY_VAR)
        .envs(env.iter().copied())
        .write_stdin(stdin.unwrap_or(""))
        .assert()
}

/// `sigil <args>` for the vector case `name`, with `key` in the key variable; it must succeed.
fn sigil_for_case(name: &str, args: &[String], key: &str) -> Assert {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    sigil(&args, &[(KEY_VAR, key)], None)
        .append_context("case", name.to_owned())
        .success()
}

fn stdout_json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "stdout is not JSON ({error}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is a string"))
}

/// `sigil session-sigs` arguments reproducing one vector case.
fn session_sigs_args(case: &Value) -> Vec<String> {
    let inputs = &case["inputs"];
    let mut args: Vec<String> = vec![
        "session-sigs".into(),
        "--private-key-env".into(),
        KEY_VAR.into(),
    ];
    for request in inputs["resourceAbilityRequests"].as_array().unwrap() {
        let resource = &request["resource"];
        args.push("--resource".into());
        args.push(format!(
            "{}://{}",
            text(resource, "resourcePrefix"),
            text(resource, "resource")
        ));
        args.push("--ability".into());
        args.push(text(request, "ability").into());
    }
    for url in inputs["nodeUrls"].as_array().unwrap() {
        args.push("--node-url".into());
        args.push(url.as_str().unwrap().into());
    }
    for (flag, key) in [
        ("--nonce", "nonce"),
        ("--expiration", "expiration"),
        ("--session-seed-hex", "sessionKeySeedHex"),
        ("--now", "clockNow"),
    ] {
        args.push(flag.into());
        args.push(text(inputs, key).into());
    }
    args
}

#[test]
fn session_sigs_reproduces_every_session_sigs_vector() {
    let vectors: Value = serde_json::from_str(SESSION_SIGS).unwrap();
    for case in vectors["cases"].as_array().unwrap() {
        let name = text(case, "name");
        let assert = sigil_for_case(
            name,
            &session_sigs_args(case),
            text(&case["inputs"], "walletPrivateKey"),
        );
        let output = assert.get_output();
        assert_eq!(
            stdout_json(output),
            case["sessionSigs"],
            "{name}: session sigs"
        );
        // Key order of the map and of each sig, as the JS SDK writes them.
        let expected: serde_json::Map<String, Value> =
            serde_json::from_value(case["sessionSigs"].clone()).unwrap();
        let printed = String::from_utf8(output.stdout.clone()).unwrap();
        let url = expected.keys().next().unwrap();
        assert!(
            printed.starts_with(&format!("{{\"{url}\":{{\"sig\":")),
            "{name}: JSON shape: {printed}"
        );
        assert!(
            printed.trim_end().ends_with(",\"algo\":\"ed25519\"}}"),
            "{name}: JSON shape: {printed}"
        );
    }
}

#[test]
fn capacity_delegation_and_session_sigs_reproduce_the_delegation_vectors() {
    let vectors: Value = serde_json::from_str(CAPACITY_DELEGATION).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for case in vectors["cases"].as_array().unwrap() {
        let name = text(case, "name");
        let inputs = &case["inputs"];
        let js = &inputs["createCapacityDelegationAuthSigParams"];
        let mut args: Vec<String> = vec![
            "capacity-delegation".into(),
            "--private-key-env".into(),
            KEY_VAR.into(),
        ];
        for delegatee in js["delegateeAddresses"].as_array().unwrap() {
            args.push("--delegatee".into());
            args.push(delegatee.as_str().unwrap().into());
        }
        if let Some(uses) = js.get("uses") {
            args.extend(["--uses".into(), uses.as_str().unwrap().into()]);
        }
        if let Some(token) = js.get("capacityTokenId") {
            args.extend(["--nft-id".into(), token.as_str().unwrap().into()]);
        }
        args.extend([
            "--expiration".into(),
            text(js, "expiration").into(),
            "--nonce".into(),
            text(inputs, "nonce").into(),
            "--now".into(),
            text(inputs, "clockNow").into(),
        ]);
        let assert = sigil_for_case(name, &args, text(inputs, "dAppOwnerPrivateKey"));
        let output = assert.get_output();
        assert_eq!(
            stdout_json(output),
            case["capacityDelegationAuthSig"],
            "{name}: capacity delegation AuthSig"
        );

        let file = dir.path().join(format!("{name}.json"));
        std::fs::write(&file, &output.stdout).unwrap();
        let mut args = session_sigs_args(case);
        args.extend([
            "--capacity-delegation-auth-sig".into(),
            file.display().to_string(),
        ]);
        let assert = sigil_for_case(name, &args, text(inputs, "walletPrivateKey"));
        assert_eq!(
            stdout_json(assert.get_output()),
            case["sessionSigs"],
            "{name}: session sigs with the delegation"
        );
    }
}

fn first_vector_sig() -> (Value, String) {
    let vectors: Value = serde_json::from_str(SESSION_SIGS).unwrap();
    let case = vectors["cases"][0].clone();
    let sig = case["sessionSigs"]["http://127.0.0.1:7470"].to_string();
    (case, sig)
}

const VERIFY_ARGS: [&str; 9] = [
    "verify-session-sig",
    "--node-url",
    "http://127.0.0.1:7470",
    "--resource",
    "lit-accesscontrolcondition://*",
    "--ability",
    "access-control-condition-decryption",
    "--now",
    "2025-01-01T00:05:00.000Z",
];

#[test]
fn verify_session_sig_accepts_a_vector_sig_and_names_the_user() {
    let (_, sig) = first_vector_sig();
    let assert = sigil(&VERIFY_ARGS, &[], Some(&sig)).success();
    assert_eq!(
        stdout_json(assert.get_output()),
        serde_json::json!({"userAddress": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"})
    );
}

#[test]
fn verify_session_sig_refusals_print_the_lit_error_and_exit_1() {
    let (_, sig) = first_vector_sig();
    let mut wrong_node = VERIFY_ARGS;
    wrong_node[2] = "http://127.0.0.1:7471";
    let assert = sigil(&wrong_node, &[], Some(&sig)).code(1);
    let output = assert.get_output();
    let body = stdout_json(output);
    assert_eq!(
        (text(&body, "errorCode"), body["status"].as_u64()),
        ("NodeNotAuthorized", Some(403))
    );
    assert_eq!(text(&body, "errorKind"), "Validation");
    assert!(
        output.stderr.is_empty(),
        "nothing on stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );

    let mut expired = VERIFY_ARGS;
    expired[8] = "2025-01-01T00:11:01.000Z";
    let body = stdout_json(sigil(&expired, &[], Some(&sig)).get_output());
    assert_eq!(text(&body, "errorCode"), "NodeExpWrongOrTooLarge");

    let mut tampered: Value = serde_json::from_str(&sig).unwrap();
    tampered["signedMessage"] =
        Value::String(text(&tampered, "signedMessage").replace("7470", "7471"));
    let assert = sigil(&VERIFY_ARGS, &[], Some(&tampered.to_string())).code(1);
    assert_eq!(
        text(&stdout_json(assert.get_output()), "errorCode"),
        "NodeInvalidAuthSigSessionKeySignature"
    );
}

#[test]
fn verify_session_sig_takes_a_whole_map_and_picks_the_node() {
    let vectors: Value = serde_json::from_str(SESSION_SIGS).unwrap();
    let map = vectors["cases"][0]["sessionSigs"].to_string();
    sigil(&VERIFY_ARGS, &[], Some(&map)).success();
}

#[test]
fn bad_input_exits_2_with_a_message_and_no_panic() {
    let (case, _) = first_vector_sig();
    let key = text(&case["inputs"], "walletPrivateKey").to_owned();
    let good = session_sigs_args(&case);
    let with = |replace: &[(usize, &str)]| -> Vec<String> {
        let mut args = good.clone();
        for (index, value) in replace {
            args[*index] = (*value).to_owned();
        }
        args
    };
    let key_env = [(KEY_VAR, key.as_str())];
    type Env<'a> = &'a [(&'a str, &'a str)];
    let cases: [(&str, Vec<String>, Env); 7] = [
        ("missing key variable", good.clone(), &[]),
        (
            "malformed key",
            good.clone(),
            &[(KEY_VAR, "0xnot-a-key-deadbeef")],
        ),
        ("bad resource", with(&[(4, "lit-nothing://*")]), &key_env),
        (
            "ability the resource refuses",
            with(&[(6, "pkp-signing")]),
            &key_env,
        ),
        ("bad seed", with(&[(14, "00")]), &key_env),
        ("bad nonce", with(&[(10, "short")]), &key_env),
        ("bad clock", with(&[(16, "yesterday")]), &key_env),
    ];
    for (name, args, env) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        sigil(&args, env, None)
            .append_context("case", name)
            .code(2)
            .stderr(predicate::str::starts_with("error: "))
            .stderr(predicate::str::contains("panicked").not())
            // The key is not echoed.
            .stderr(predicate::str::contains("not-a-key").not());
    }

    let unpaired = sigil(
        &[
            "session-sigs",
            "--private-key-env",
            KEY_VAR,
            "--resource",
            "lit-pkp://*",
            "--resource",
            "lit-pkp://*",
            "--ability",
            "pkp-signing",
            "--node-url",
            "http://a:1",
            "--nonce",
            "abcdefgh12",
        ],
        &[(KEY_VAR, key.as_str())],
        None,
    );
    unpaired.code(2).stderr(predicate::str::contains("pairs"));

    for stdin in ["", "not json", "{\"sig\": 1}", "[]"] {
        sigil(&VERIFY_ARGS, &[], Some(stdin))
            .append_context("stdin", format!("{stdin:?}"))
            .code(2)
            .stderr(predicate::str::contains("panicked").not());
    }
}
