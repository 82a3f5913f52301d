//! `sigil devnet` and `sigil node` as processes: the ready banner, the `--json` ready object
//! (and `ready.json`), handshakes from every node, and a clean exit on SIGINT.

mod common;

use common::{banner_value, Running};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// A bare HTTP/1.1 handshake (no HTTP client in this crate's dependencies): status and body.
fn handshake(url: &str) -> (u16, serde_json::Value) {
    let authority = url.strip_prefix("http://").expect("http url");
    let body = r#"{"clientPublicKey":"test","challenge":"0123456789abcdef","epoch":3}"#;
    let mut stream = TcpStream::connect(authority).expect("node accepts connections");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    write!(
        stream,
        "POST /web/handshake/ HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/json\r\n\
         X-Request-Id: lit_cli_test\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let json = response
        .split("\r\n\r\n")
        .nth(1)
        .and_then(|b| serde_json::from_str(b).ok())
        .unwrap_or_default();
    (status, json)
}

#[test]
fn devnet_prints_its_banner_serves_handshakes_and_exits_0_on_sigint() {
    let mut devnet = Running::spawn([
        "devnet",
        "--nodes",
        "3",
        "--threshold",
        "2",
        "--port",
        "0",
        "--rpc-port",
        "0",
        "--ipfs-port",
        "0",
    ]);
    // Generous: how fast a devnet starts is the benchmarks' to measure, not a test's (a
    // loaded machine takes longer).
    let banner = devnet
        .devnet_banner(Duration::from_secs(60))
        .expect("devnet ready");

    let urls: Vec<&str> = banner
        .iter()
        .map(|line| line.trim())
        .filter(|line| line.starts_with("http://127.0.0.1:"))
        .collect();
    assert_eq!(urls.len(), 3, "{banner:#?}");
    let network_key = banner_value(&banner, "Network public key");
    assert_eq!(network_key.len(), 96);
    assert!(banner_value(&banner, "Chain RPC").starts_with("http://127.0.0.1:"));
    assert!(banner_value(&banner, "Staking contract").starts_with("0x"));
    assert_eq!(
        banner_value(&banner, "Address"),
        "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
    );
    assert_eq!(banner_value(&banner, "Private key").len(), 66);

    for url in &urls {
        let (status, body) = handshake(url);
        assert_eq!(status, 200, "{url}: {body}");
        assert_eq!(body["subnetPublicKey"], network_key);
        assert!(body["latestBlockhash"]
            .as_str()
            .is_some_and(|hash| hash.starts_with("0x")));
    }

    devnet.interrupt();
    let status = devnet
        .wait_exit(Duration::from_secs(10))
        .expect("sigil devnet exits within 10 s");
    assert_eq!(status.code(), Some(0), "{status}");
}

#[test]
fn devnet_json_is_printed_and_written_to_ready_json_and_a_node_runs_from_its_config() {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let data_arg = data_dir.path().to_str().expect("utf-8 path");
    let mut devnet = Running::spawn([
        "devnet",
        "--port",
        "0",
        "--rpc-port",
        "0",
        "--ipfs-port",
        "0",
        "--data-dir",
        data_arg,
        "--json",
    ]);
    let printed = devnet
        .read_until(Duration::from_secs(60), |line| line.starts_with('{'))
        .expect("the ready JSON");
    let ready_line = printed.last().expect("a JSON line");
    let info: serde_json::Value = serde_json::from_str(ready_line).expect("one JSON object");
    assert_eq!(printed.len(), 1, "only the JSON on stdout: {printed:#?}");
    let node_urls = info["nodeUrls"].as_array().expect("nodeUrls");
    assert_eq!(node_urls.len(), 3, "{info}");
    assert!(info["chainRpcUrl"]
        .as_str()
        .is_some_and(|url| url.starts_with("http://127.0.0.1:")));
    assert!(info["stakingAddress"]
        .as_str()
        .is_some_and(|address| address.starts_with("0x") && address.len() == 42));
    assert_eq!(info["chainId"], 31337);
    assert_eq!(info["threshold"], 2);
    assert_eq!(info["dataDir"], data_arg);
    assert_eq!(
        info["devWallet"]["address"],
        "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
    );
    assert_eq!(
        info["devWallet"]["privateKey"].as_str().map(str::len),
        Some(66)
    );
    let network_key = info["networkPublicKey"]
        .as_str()
        .expect("networkPublicKey")
        .to_owned();
    assert_eq!(network_key.len(), 96);
    for url in node_urls {
        let (status, body) = handshake(url.as_str().expect("a URL"));
        assert_eq!(status, 200, "{url}: {body}");
        assert_eq!(body["subnetPublicKey"], network_key.as_str());
    }

    // The same object in ready.json, readable by anyone (it holds nothing secret).
    let ready_path = data_dir.path().join("ready.json");
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&ready_path).expect("ready.json"))
            .expect("ready.json is JSON");
    assert_eq!(written, info);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&ready_path)
            .expect("stat")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o644);
    }

    // A second process serving node 0's share on another port and its own state dir, reading
    // the devnet's chain over JSON-RPC.
    let node_dir = tempfile::tempdir().expect("temp dir");
    let devnet_config: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(data_dir.path().join("node-0/config.json"))
            .expect("devnet wrote a node config"),
    )
    .expect("json");
    assert!(devnet_config["chainRpcUrl"]
        .as_str()
        .is_some_and(|url| url.starts_with("http://127.0.0.1:")));
    let mut config = devnet_config.clone();
    let fields = config.as_object_mut().expect("an object");
    fields.insert("listen".into(), "127.0.0.1:0".into());
    fields.remove("externalAddress");
    let key_share = data_dir.path().join("node-0/key-share.json");
    fields.insert(
        "keyShareFile".into(),
        key_share.to_str().expect("utf-8").into(),
    );
    let root_shares = data_dir.path().join("node-0/ecdsa-root-shares.json");
    fields.insert(
        "rootKeySharesFile".into(),
        root_shares.to_str().expect("utf-8").into(),
    );
    let config_path = node_dir.path().join("node.json");
    std::fs::write(&config_path, config.to_string()).expect("write config");
    // Node 0 moved: its peer identity goes with its root key shares (their roster names it).
    std::fs::copy(
        data_dir.path().join("node-0/peer-identity.key"),
        node_dir.path().join("peer-identity.key"),
    )
    .expect("copy the identity");

    let mut node = Running::spawn(["node", "--config", config_path.to_str().expect("utf-8")]);
    let url = node.node_url(Duration::from_secs(60)).expect("node ready");
    assert!(!url.is_empty(), "node url");
    let (status, body) = handshake(&url);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["subnetPublicKey"], network_key.as_str());
    assert_eq!(body["hdRootPubkeys"].as_array().map(Vec::len), Some(10));

    node.interrupt();
    let status = node.wait_exit(Duration::from_secs(10)).expect("node exits");
    assert_eq!(status.code(), Some(0));
    devnet.interrupt();
    let status = devnet
        .wait_exit(Duration::from_secs(10))
        .expect("devnet exits");
    assert_eq!(status.code(), Some(0));
    // A stopped devnet is not ready: scripts polling ready.json must not find a stale one.
    assert!(!ready_path.exists());
}
