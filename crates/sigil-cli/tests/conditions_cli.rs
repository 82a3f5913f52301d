//! `sigil conditions hash`: prints the JS SDK's hashOfConditions for every vector case.

use std::io::Write;
use std::process::{Command, Output, Stdio};

const ACC_HASH: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/acc-hash.json"));

fn sigil(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sigil"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sigil starts");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("sigil runs")
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
        std::fs::write(&path, serde_json::json!({ kind: case["input"] }).to_string()).expect("write");
        let out = sigil(&["conditions", "hash", path.to_str().expect("utf8 path")], "");
        assert!(out.status.success(), "case {name}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim_end(),
            case["hashOfConditions"].as_str().expect("hash"),
            "case {name}"
        );
    }
}

#[test]
fn a_bare_array_on_stdin_is_access_control_conditions() {
    let case = cases().into_iter().find(|c| c["name"] == "acc-nested-groups").expect("case");
    for args in [&["conditions", "hash", "-"][..], &["conditions", "hash"][..]] {
        let out = sigil(args, &case["input"].to_string());
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{}\n", case["hashOfConditions"].as_str().expect("hash")));
    }
}

#[test]
fn an_invalid_document_exits_2_with_the_reason() {
    let too_many = vec![cases()[0]["input"][0].clone(); 31];
    let out = sigil(&["conditions", "hash", "-"], &serde_json::Value::Array(too_many).to_string());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("too many conditions"), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty());

    let out = sigil(&["conditions", "hash", "-"], "{\"accessControlConditions\": [1]}");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("accessControlConditions[0]"));

    let out = sigil(&["conditions", "hash", "/nonexistent/conditions.json"], "");
    assert_eq!(out.status.code(), Some(2));
}
