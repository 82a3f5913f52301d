//! `sigil-bench`: the records each subcommand prints, the report, and the load generator against
//! a network laid out as `scripts/bench-compare` lays it out (the chain served by `sigil-bench
//! chain` from a dealt devnet data dir, the nodes reading it over JSON-RPC). Only the
//! `sigil-bench` binary runs as a process; the network is dealt and its nodes run in this test
//! process, through the library. Budgets are tiny: these check behaviour, never speed.

use serde_json::Value;
use sigil_chain::evm::EvmChain;
use sigil_devnet::{Devnet, DevnetConfig};
use sigil_node::{Node, NodeConfig, RunningNode};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

fn bench(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sigil-bench"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("sigil-bench runs")
}

/// The JSON records of an output, by name.
fn records(output: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{line:?}: {e}")))
        .collect()
}

fn record<'a>(records: &'a [Value], name: &str) -> &'a Value {
    records
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no {name} record in {records:#?}"))
}

/// A child process stopped (SIGINT, then killed) on drop.
struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Running {
    fn spawn(args: &[&str]) -> Running {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sigil-bench"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("sigil-bench starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Running { child, lines }
    }

    /// The first stdout line starting with `prefix`, within 10 s.
    fn line_starting(&self, prefix: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.starts_with(prefix) => return line,
                Ok(_) => {}
                Err(_) => panic!("no line starting with {prefix:?} within 10 s"),
            }
        }
    }

    fn stop(&mut self) {
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop();
    }
}

#[test]
fn bench_local_times_every_operation_with_every_check_passing() {
    let output = bench(&["local", "--budget-ms", "5", "--nodes", "3"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let records = records(&output);
    let names: Vec<&str> = records.iter().filter_map(|r| r["name"].as_str()).collect();
    assert_eq!(
        names,
        [
            "session_sigs_3",
            "session_sigs_auth_3",
            "floor_session_sigs_3",
            "verify_cold",
            "verify_warm",
            "floor_verify",
            "floor_ed25519_verify_strict",
            "ed25519_key_decode",
            "floor_secp256k1_recover",
            "floor_template_json_parse",
            "floor_siwe_parse",
            "bls_share_sign",
        ]
    );
    for record in &records {
        assert!(
            record["meanNs"].as_f64().is_some_and(|ns| ns > 0.0),
            "{record}"
        );
        assert!(
            record["iterations"].as_u64().is_some_and(|n| n >= 5),
            "{record}"
        );
    }
}

#[test]
fn bench_rss_reads_the_peak_and_current_memory_of_a_process() {
    let pid = std::process::id().to_string();
    let output = bench(&["rss", "--pid", &pid, "--name", "rss_test"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let records = records(&output);
    let rss = record(&records, "rss_test");
    let hwm = rss["hwmKib"].as_u64().unwrap_or(0);
    let current = rss["rssKib"].as_u64().unwrap_or(0);
    assert!(current > 0 && hwm >= current, "{rss}");

    let missing = bench(&["rss", "--pid", "0", "--name", "x"]);
    assert_eq!(missing.status.code(), Some(2));
}

fn write(dir: &Path, name: &str, lines: &[Value]) -> String {
    let path = dir.join(name);
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&path, text).expect("write records");
    path.to_str().expect("utf-8 path").to_owned()
}

#[test]
fn bench_report_writes_the_table_and_ends_with_the_ratio_lines() {
    let dir = tempfile::tempdir().expect("temp dir");
    let timing =
        |name: &str, ns: f64| serde_json::json!({"name": name, "meanNs": ns, "iterations": 10});
    let sigil_records = write(
        dir.path(),
        "sigil.jsonl",
        &[
            timing("session_sigs_100", 4e6),
            timing("verify_cold", 130e3),
            timing("floor_verify", 100e3),
            timing("verify_warm", 52e3),
            timing("floor_ed25519_verify_strict", 40e3),
            timing("bls_share_sign", 1e6),
            serde_json::json!({"name": "encryption_sign", "perSecond": 1000.0, "clients": 16, "coresUsed": 1.5}),
            serde_json::json!({"name": "decrypt_c1", "perSecond": 60.0, "clients": 1}),
            serde_json::json!({"name": "decrypt_c8", "perSecond": 280.0, "clients": 8}),
            serde_json::json!({"name": "decrypt_c32", "perSecond": 300.0, "p50Ns": 1e8, "p99Ns": 2e8, "clients": 32}),
            serde_json::json!({"name": "rss_node_idle", "hwmKib": 16384, "rssKib": 16000}),
            serde_json::json!({"name": "rss_node_c32", "hwmKib": 40960, "rssKib": 30000}),
        ],
    );
    let js_records = write(
        dir.path(),
        "js.jsonl",
        &[
            timing("session_sigs_100", 1.6e9),
            serde_json::json!({"name": "decrypt_c1", "perSecond": 15.0, "clients": 1}),
            serde_json::json!({"name": "decrypt_c8", "perSecond": 20.0, "clients": 8}),
            serde_json::json!({"name": "decrypt_c32", "perSecond": 20.0, "clients": 32}),
        ],
    );
    let out = dir.path().join("BENCHMARKS.md");
    let output = bench(&[
        "report",
        "--sigil",
        &sigil_records,
        "--js",
        &js_records,
        "--out",
        out.to_str().expect("utf-8 path"),
        "--mode",
        "quick",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "RATIO session_sigs_100_js_over_sigil 400",
            "RATIO verify_cold_sigil_over_floor 1.300",
            "RATIO verify_warm_sigil_over_ed25519 1.300",
            // 1.5 cores / (1 ms share sign + 40 us ed25519) = 1442/s floor; 1000/s served.
            "RATIO encryption_sign_sigil_over_floor 0.693",
            "RATIO decrypt_js_over_sigil_1 4.000",
            "RATIO decrypt_js_over_sigil_8 14.0",
            "RATIO decrypt_js_over_sigil_32 15.0",
        ]
    );
    let markdown = std::fs::read_to_string(&out).expect("BENCHMARKS.md written");
    assert!(markdown.contains("| Operation | Sigil | JS SDK | JS/Sigil | Floor | Sigil/floor |"));
    assert!(markdown.contains("logical cores)"));
    assert!(markdown.contains("| Node RSS at 32 clients (VmHWM) | 40.0 MiB | < 96 MiB | yes |"));
    assert!(
        markdown.contains("| 1.300 | <= 1.25 | **no** |"),
        "{markdown}"
    );
    assert!(
        markdown.contains("| 0.693 | >= 0.7 | **no** |"),
        "{markdown}"
    );
    assert!(markdown.contains("| 15.0 | >= 15 | yes |"), "{markdown}");
}

#[test]
fn bench_report_prints_n_a_and_fails_when_figures_are_missing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let empty = write(dir.path(), "empty.jsonl", &[]);
    let out = dir.path().join("B.md");
    let output = bench(&[
        "report",
        "--sigil",
        &empty,
        "--js",
        &empty,
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.lines().count(), 7);
    assert!(
        stdout
            .lines()
            .all(|l| l.starts_with("RATIO ") && l.ends_with(" n/a")),
        "{stdout}"
    );
}

/// Deals a 3-node network into `data_dir` as `sigil devnet --data-dir` does, then stops it: the
/// data dir keeps the key shares and one config per node.
async fn deal(data_dir: &Path) {
    let devnet = Devnet::start(DevnetConfig {
        data_dir: Some(data_dir.to_owned()),
        free_allowance: 1_000_000,
        ..DevnetConfig::default()
    })
    .await
    .expect("devnet deals");
    devnet.shutdown().await;
}

/// Starts the dealt node `index` as `sigil node --config` does: its config, the chain over
/// JSON-RPC.
async fn start_node(data_dir: &Path, index: usize) -> RunningNode {
    let config =
        NodeConfig::load(&data_dir.join(format!("node-{index}/config.json"))).expect("node config");
    let chain_config = config
        .evm_chain_config()
        .expect("the config names the chain");
    let chain = EvmChain::connect(chain_config)
        .await
        .expect("the bench chain answers");
    Node::start(config, Arc::new(chain))
        .await
        .expect("node starts")
}

#[test]
fn the_load_generator_gets_shares_and_plaintexts_from_a_network_on_the_bench_chain() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let data_dir = tempfile::tempdir().expect("temp dir");
    let data = data_dir.path().to_str().expect("utf-8 path");
    runtime.block_on(deal(data_dir.path()));
    let chain = Running::spawn(&["chain", "--data-dir", data, "--block-time-ms", "500"]);
    let ready = chain.line_starting("Sigil bench chain ready at ");
    let rpc_url = ready
        .strip_prefix("Sigil bench chain ready at ")
        .and_then(|rest| rest.split(' ').next())
        .expect("rpc url")
        .to_owned();
    assert!(ready.ends_with("(3 validators)"), "{ready}");

    // The nodes serve from this runtime's worker threads while the load runs as a process.
    let nodes: Vec<RunningNode> = runtime.block_on(async {
        let mut nodes = Vec::new();
        for index in 0..3 {
            nodes.push(start_node(data_dir.path(), index).await);
        }
        nodes
    });
    let urls: Vec<String> = nodes.iter().map(|node| node.url().to_owned()).collect();
    // The nodes' process: this one.
    let pid = std::process::id().to_string();

    let signed = bench(&[
        "encryption-sign",
        "--node-url",
        &urls[0],
        "--rpc-url",
        &rpc_url,
        "--node-pid",
        &pid,
        "--concurrency",
        "2",
        "--seconds",
        "0.5",
    ]);
    assert!(
        signed.status.success(),
        "{}",
        String::from_utf8_lossy(&signed.stderr)
    );
    let signed = records(&signed);
    let load = record(&signed, "encryption_sign");
    assert!(
        load["perSecond"].as_f64().is_some_and(|r| r > 0.0),
        "{load}"
    );
    assert!(
        load["coresUsed"].as_f64().is_some_and(|c| c >= 0.0),
        "{load}"
    );
    assert!(load["p99Ns"].as_f64() >= load["p50Ns"].as_f64(), "{load}");

    let decrypted = bench(&[
        "decrypt",
        "--rpc-url",
        &rpc_url,
        "--clients",
        "1,2",
        "--seconds",
        "0.5",
        "--node-pid",
        &pid,
    ]);
    assert!(
        decrypted.status.success(),
        "{}",
        String::from_utf8_lossy(&decrypted.stderr)
    );
    let decrypted = records(&decrypted);
    for (name, clients) in [("decrypt_c1", 1), ("decrypt_c2", 2)] {
        let run = record(&decrypted, name);
        assert_eq!(run["clients"], clients);
        assert!(run["iterations"].as_u64().is_some_and(|n| n >= 1), "{run}");
    }
    let memory = record(&decrypted, "rss_node_c2");
    assert!(
        memory["hwmKib"].as_u64().is_some_and(|kib| kib > 1024),
        "{memory}"
    );

    runtime.block_on(async {
        for node in nodes {
            node.shutdown().await;
        }
    });
}

#[test]
fn bench_token_gated_counts_the_chain_reads_a_decrypt_costs_with_and_without_the_cache() {
    let output = bench(&["token-gated", "--clients", "1", "--seconds", "0.3"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let records = records(&output);
    let calls = |name: &str| {
        let found = record(&records, name);
        assert!(found["iterations"].as_u64().unwrap_or(0) > 0, "{found}");
        found["chainCalls"].as_f64().unwrap_or(f64::NAN)
    };
    // Without the cache every node the client asks reads once per decrypt (two or three of
    // three, as the client stops at the threshold); with it, only a new block costs a read.
    // At least the threshold's two read; a third node's request may be dropped before its read
    // once the client has its shares (more often when other work shares the cores).
    let off = calls("token_gated_decrypt_c1_cache_off");
    assert!(
        (2.0..=3.0).contains(&off),
        "cache off: {off} reads per decrypt"
    );
    let on = calls("token_gated_decrypt_c1_cache_on");
    assert!(on < 1.0, "cache on: {on} reads per decrypt");
}

#[test]
fn bench_pkp_sign_measures_the_network_beside_its_floors() {
    let output = bench(&[
        "pkp-sign",
        "--clients",
        "1",
        "--seconds",
        "0.5",
        "--pool",
        "1",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let records = records(&output);
    for name in [
        "pkp_dkg_floor",
        "network_key_dkg_floor",
        "pkp_triple_pair_floor",
        "pkp_presign_sign_floor",
        "pkp_devnet_start",
    ] {
        let found = record(&records, name);
        assert!(found["meanNs"].as_f64().unwrap_or(0.0) > 0.0, "{found}");
    }
    // Three nodes filled a pool of one pair each: three pairs, every node holding all three.
    let generated = record(&records, "pkp_triple_pairs_network");
    assert!(
        generated["iterations"].as_u64().unwrap_or(0) >= 3,
        "{generated}"
    );
    assert!(
        generated["perSecond"].as_f64().unwrap_or(0.0) > 0.0,
        "{generated}"
    );
    let signed = record(&records, "pkp_sign_c1");
    assert!(signed["iterations"].as_u64().unwrap_or(0) > 0, "{signed}");
    // A signature costs at least its floor: the pair and the presign math.
    let floor = record(&records, "pkp_presign_sign_floor")["meanNs"]
        .as_f64()
        .unwrap_or(f64::INFINITY);
    assert!(signed["p50Ns"].as_f64().unwrap_or(0.0) > floor, "{signed}");
}
