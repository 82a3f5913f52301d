//! `sigil conditions hash`: prints the JS SDK's hashOfConditions for every vector case.

use assert_cmd::assert::Assert;
use assert_cmd::Command;
use predicates::prelude::*;

const ACC_HASH: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/vectors/acc-hash.json"
));

/// `sigil <args>` run to completion with `stdin` on its stdin.
fn sigil(args: &[&str], stdin: &str) -> Assert {
    Command::cargo_bin("sigil")
        .expect("sigil is built")
        .args(args)
        .write_stdin(stdin)
        .assert()
}

fn cases() -> Vec<serde_json::Value> {
    let vector: serde_json::Value = serde_json::from_str(ACC_HASH).expect("vector json");
    vector["cases"].as_array().expect("cases").clone()
}

#[test]
fn hash_of_every_vector_document_read_from_a_file_matches_the_js_sdk() {
    let dir = tempfile::tempdir().expect("tempdir");
    for case in cases() {
        let name = case["name"].as_str().expect("name");
        let kind = case["conditionType"].as_str().expect("kind");
        let path = dir.path().join(format!("{name}.json"));
        std::fs::write(
            &path,
            serde_json::json!({ kind: case["input"] }).to_string(),
        )
        .expect("write");
        let out = sigil(
            &["conditions", "hash", path.to_str().expect("utf8 path")],
            "",
        )
        .append_context("case", name.to_owned())
        .success();
        assert_eq!(
            String::from_utf8_lossy(&out.get_output().stdout).trim_end(),
            case["hashOfConditions"].as_str().expect("hash"),
            "case {name}"
        );
    }
}

#[test]
fn a_bare_array_on_stdin_is_access_control_conditions() {
    let case = cases()
        .into_iter()
        .find(|c| c["name"] == "acc-nested-groups")
        .expect("case");
    for args in [
        &["conditions", "hash", "-"][..],
        &["conditions", "hash"][..],
    ] {
        sigil(args, &case["input"].to_string())
            .append_context("args", format!("{args:?}"))
            .success()
            .stdout(format!(
                "{}\n",
                case["hashOfConditions"].as_str().expect("hash")
            ));
    }
}

#[test]
fn an_invalid_document_exits_2_with_the_reason() {
    let too_many = vec![cases()[0]["input"][0].clone(); 31];
    sigil(
        &["conditions", "hash", "-"],
        &serde_json::Value::Array(too_many).to_string(),
    )
    .code(2)
    .stderr(predicate::str::contains("too many conditions"))
    .stdout(predicate::str::is_empty());

    sigil(
        &["conditions", "hash", "-"],
        "{\"accessControlConditions\": [1]}",
    )
    .code(2)
    .stderr(predicate::str::contains("accessControlConditions[0]"));

    sigil(&["conditions", "hash", "/nonexistent/conditions.json"], "").code(2);
}
