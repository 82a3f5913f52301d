//! Secrets stay out of logs and error bodies: the devnet and the key-handling commands.
//!
//! Runs `sigil devnet` and the CLI commands that handle keys (`encrypt`, `decrypt` with a wallet
//! key and with stored session keys, `session-sigs`, `capacity-delegation`, a refused `decrypt`
//! whose error carries the nodes' error bodies, a malformed key, `pkp mint` and `pkp sign`), all
//! with `RUST_LOG=trace`, captures every byte they print on stdout and stderr, and looks for the
//! key material in it: the wallet keys passed in, every node's key share, its shares of the root
//! ECDSA keys (made by the nodes' key generation), the Beaver triple shares in its pool and its
//! peer identity (read from the devnet's data dir, in the encodings a careless log line could
//! use), and the session secret keys (the seed given to `session-sigs`, the key `decrypt`
//! stored). Key-share, root-share, triple-pool, identity and session-key files must be 0600 and
//! their directories 0700.
//!
//! One exclusion, on purpose: the devnet's ready banner prints the dev wallet key (the first of
//! anvil's default accounts, public knowledge) on exactly one line, `  Private key       0x…`.
//! That one line is removed before the scan; the dev key anywhere else fails the test.

mod common;

use alloy_signer_local::PrivateKeySigner;
use assert_cmd::Command;
use common::{banner_value, sigil_path, Running, Stderr};
use serde_json::Value;
use sigil_auth::rand_core::{OsRng, RngCore};
use sigil_devnet::DEV_WALLET_PRIVATE_KEY;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

const PLAINTEXT: &str = "scan me for secrets";
const WALLET_VAR: &str = "SIGIL_SCAN_WALLET_KEY";
const STRANGER_VAR: &str = "SIGIL_SCAN_STRANGER_KEY";
const MALFORMED_VAR: &str = "SIGIL_SCAN_MALFORMED_KEY";
const DEV_VAR: &str = "SIGIL_SCAN_DEV_KEY";

/// `sigil devnet` at trace level on `data_dir`, every byte it prints kept.
fn spawn_devnet(data_dir: &Path) -> Running {
    let mut command = std::process::Command::new(sigil_path());
    command
        .args([
            "devnet",
            "--port",
            "0",
            "--rpc-port",
            "0",
            "--ipfs-port",
            "0",
            "--block-time",
            "500ms",
        ])
        .arg("--data-dir")
        .arg(data_dir)
        .env("RUST_LOG", "trace");
    Running::start(command, Stderr::Keep).expect("sigil devnet starts")
}

/// One CLI run with `RUST_LOG=trace` and the test's key variables; its output is kept in `log`.
struct Cli {
    wallet_key: String,
    stranger_key: String,
    malformed_key: String,
    log: Vec<(String, Output)>,
}

impl Cli {
    fn run(&mut self, args: &[&str], stdin: &[u8]) -> Output {
        let output = Command::cargo_bin("sigil")
            .expect("sigil is built")
            .args(args)
            .env("RUST_LOG", "trace")
            .env(WALLET_VAR, &self.wallet_key)
            .env(STRANGER_VAR, &self.stranger_key)
            .env(MALFORMED_VAR, &self.malformed_key)
            .env(DEV_VAR, DEV_WALLET_PRIVATE_KEY)
            .write_stdin(stdin)
            .output()
            .expect("sigil runs");
        self.log.push((args.join(" "), output.clone()));
        output
    }
}

fn describe(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let tail: String = stderr.lines().rev().take(5).collect::<Vec<_>>().join("\n");
    format!(
        "exit {:?}\nstdout: {}\nstderr (last lines): {tail}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
    )
}

/// The forms a secret could leak in: hex (the scan is case-insensitive), and the start of a
/// `Debug` byte list.
fn leak_forms(bytes: &[u8]) -> Vec<String> {
    let head = bytes.get(..8).unwrap_or(bytes);
    let list = format!("{head:?}");
    vec![hex::encode(bytes), list.trim_end_matches(']').to_owned()]
}

/// A secret to look for, named for the report.
struct Secret {
    name: String,
    forms: Vec<String>,
}

fn secret(name: impl Into<String>, bytes: &[u8]) -> Secret {
    Secret {
        name: name.into(),
        forms: leak_forms(bytes),
    }
}

fn hex_bytes(text: &str) -> Vec<u8> {
    hex::decode(text.trim().trim_start_matches("0x")).expect("hex secret")
}

/// Every form of every node's key share: the file's hex (`id ‖ scalar LE`), the scalar alone in
/// both byte orders (a field element's `Debug` prints big-endian).
fn key_share_secrets(data_dir: &Path, nodes: usize) -> Vec<Secret> {
    let mut secrets = Vec::new();
    for index in 0..nodes {
        let path = data_dir.join(format!("node-{index}/key-share.json"));
        let file: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("key share file"))
                .expect("key share json");
        let share = hex_bytes(file["secretKeyShare"].as_str().expect("secretKeyShare"));
        assert_eq!(share.len(), 33, "id byte and 32-byte scalar");
        let scalar_le = share.get(1..).expect("scalar").to_vec();
        let scalar_be: Vec<u8> = scalar_le.iter().rev().copied().collect();
        secrets.push(secret(format!("node {index} key share"), &share));
        secrets.push(secret(
            format!("node {index} key share scalar (LE)"),
            &scalar_le,
        ));
        secrets.push(secret(
            format!("node {index} key share scalar (BE)"),
            &scalar_be,
        ));
    }
    secrets
}

/// A 32-byte scalar in both byte orders.
fn scalar_secrets(name: &str, big_endian: &[u8]) -> [Secret; 2] {
    let little_endian: Vec<u8> = big_endian.iter().rev().copied().collect();
    [
        secret(format!("{name} (BE)"), big_endian),
        secret(format!("{name} (LE)"), &little_endian),
    ]
}

/// Every node's ECDSA secrets: its root key shares, the triple shares in its pool (read once
/// the devnet has stopped) and its peer identity seed.
fn ecdsa_secrets(data_dir: &Path, nodes: usize) -> Vec<Secret> {
    use redb::{ReadableDatabase, ReadableTable};
    const PAIRS: redb::TableDefinition<([u8; 32], u64), &[u8]> =
        redb::TableDefinition::new("triple_pairs");
    let mut secrets = Vec::new();
    for index in 0..nodes {
        let node_dir = data_dir.join(format!("node-{index}"));
        let roots: Value = serde_json::from_str(
            &std::fs::read_to_string(node_dir.join("ecdsa-root-shares.json")).expect("roots"),
        )
        .expect("root shares json");
        for (root, share) in roots["rootKeyShares"]
            .as_array()
            .expect("shares")
            .iter()
            .enumerate()
        {
            let bytes = hex_bytes(share.as_str().expect("hex"));
            secrets.extend(scalar_secrets(
                &format!("node {index} root key share {root}"),
                &bytes,
            ));
        }
        let identity = hex_bytes(
            &std::fs::read_to_string(node_dir.join("peer-identity.key")).expect("identity"),
        );
        secrets.push(secret(
            format!("node {index} peer identity seed"),
            &identity,
        ));
        let pool = redb::Database::open(node_dir.join("triples.redb")).expect("triple pool");
        let read = pool.begin_read().expect("read");
        let table = read.open_table(PAIRS).expect("pairs table");
        for entry in table.iter().expect("iterate") {
            let (_, value) = entry.expect("entry");
            let pair: Value = serde_json::from_slice(value.value()).expect("pair json");
            for triple in pair["triples"].as_array().expect("triples") {
                for share in triple["shares"].as_array().expect("shares") {
                    let bytes = hex_bytes(share.as_str().expect("hex"));
                    secrets.extend(scalar_secrets(
                        &format!("node {index} triple share"),
                        &bytes,
                    ));
                }
            }
        }
    }
    secrets
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .map(|m| m.permissions().mode() & 0o777)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)
            .expect("read dir")
            .map_while(Result::ok)
        {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

#[test]
fn devnet_and_cli_at_trace_level_never_print_keys_and_keep_key_files_private() {
    let data_root = tempfile::tempdir().expect("temp dir");
    let data_dir = data_root.path().join("devnet");
    let session_dir = data_root.path().join("sessions");
    let files = data_root.path().join("files");
    std::fs::create_dir(&files).expect("files dir");

    let wallet = PrivateKeySigner::random();
    let stranger = PrivateKeySigner::random();
    let wallet_key = format!("0x{}", hex::encode(wallet.to_bytes()));
    let stranger_key = format!("0x{}", hex::encode(stranger.to_bytes()));
    // A key one digit short of valid: the error about it must not echo it.
    let malformed_key = format!("{}g", &wallet_key[..wallet_key.len() - 1]);
    let session_seed = {
        let mut seed = [0u8; 32];
        OsRng.fill_bytes(&mut seed);
        hex::encode(seed)
    };
    let mut cli = Cli {
        wallet_key: wallet_key.clone(),
        stranger_key: stranger_key.clone(),
        malformed_key: malformed_key.clone(),
        log: Vec::new(),
    };

    let devnet = spawn_devnet(&data_dir);
    let banner = devnet
        .devnet_banner(Duration::from_secs(30))
        .expect("devnet ready");
    let rpc = banner_value(&banner, "Chain RPC").to_owned();
    let address = wallet.address().to_string();

    // encrypt, then decrypt as the wallet with a session dir (stores the session key), twice
    // (the second run loads the stored key instead of making one).
    let item = cli.run(
        &["encrypt", "--rpc-url", &rpc, "--allow-address", &address],
        PLAINTEXT.as_bytes(),
    );
    assert_eq!(item.status.code(), Some(0), "{}", describe(&item));
    let session_dir_arg = session_dir.to_str().expect("utf-8 path");
    for attempt in 0..2 {
        let decrypted = cli.run(
            &[
                "decrypt",
                "--rpc-url",
                &rpc,
                "--private-key-env",
                WALLET_VAR,
                "--session-dir",
                session_dir_arg,
            ],
            &item.stdout,
        );
        assert_eq!(
            decrypted.status.code(),
            Some(0),
            "{attempt}: {}",
            describe(&decrypted)
        );
        assert_eq!(decrypted.stdout, PLAINTEXT.as_bytes());
    }

    // session-sigs with a known session seed, used by decrypt --session-sigs.
    let sigs = cli.run(
        &[
            "session-sigs",
            "--rpc-url",
            &rpc,
            "--private-key-env",
            WALLET_VAR,
            "--resource",
            "lit-accesscontrolcondition://*",
            "--ability",
            "access-control-condition-decryption",
            "--session-seed-hex",
            &session_seed,
        ],
        b"",
    );
    assert_eq!(sigs.status.code(), Some(0), "{}", describe(&sigs));
    let sigs_file = files.join("session-sigs.json");
    std::fs::write(&sigs_file, &sigs.stdout).expect("write sigs");
    let with_sigs = cli.run(
        &[
            "decrypt",
            "--rpc-url",
            &rpc,
            "--session-sigs",
            sigs_file.to_str().expect("utf-8 path"),
        ],
        &item.stdout,
    );
    assert_eq!(with_sigs.status.code(), Some(0), "{}", describe(&with_sigs));
    assert_eq!(with_sigs.stdout, PLAINTEXT.as_bytes());

    // A capacity delegation to the stranger, who then is refused by the conditions: the nodes'
    // error bodies end up in the CLI's error.
    let delegation = cli.run(
        &[
            "capacity-delegation",
            "--private-key-env",
            WALLET_VAR,
            "--delegatee",
            &stranger.address().to_string(),
            "--uses",
            "3",
        ],
        b"",
    );
    assert_eq!(
        delegation.status.code(),
        Some(0),
        "{}",
        describe(&delegation)
    );
    let delegation_file = files.join("delegation.json");
    std::fs::write(&delegation_file, &delegation.stdout).expect("write delegation");
    let refused = cli.run(
        &[
            "decrypt",
            "--rpc-url",
            &rpc,
            "--private-key-env",
            STRANGER_VAR,
            "--capacity-delegation-auth-sig",
            delegation_file.to_str().expect("utf-8 path"),
        ],
        &item.stdout,
    );
    assert_eq!(refused.status.code(), Some(1), "{}", describe(&refused));
    assert!(
        String::from_utf8_lossy(&refused.stderr)
            .contains("NodeAccessControlConditionsReturnedNotAuthorized"),
        "{}",
        describe(&refused)
    );

    // A malformed key is refused without being repeated.
    let malformed = cli.run(
        &[
            "capacity-delegation",
            "--private-key-env",
            MALFORMED_VAR,
            "--delegatee",
            &address,
        ],
        b"",
    );
    assert_eq!(malformed.status.code(), Some(2), "{}", describe(&malformed));

    // A PKP the dev wallet mints, permitting the wallet, which has the network sign with it:
    // the nodes' root key shares, triple pairs and presignatures at work.
    let context = data_dir.join("network-context.json");
    let minted = cli.run(
        &[
            "pkp",
            "mint",
            "--rpc",
            &rpc,
            "--network-context",
            context.to_str().expect("utf-8 path"),
            "--private-key-env",
            DEV_VAR,
            "--permit-address",
            &address,
        ],
        b"",
    );
    assert_eq!(minted.status.code(), Some(0), "{}", describe(&minted));
    let pkp: Value = serde_json::from_slice(&minted.stdout).expect("pkp json");
    for message in ["scan the signing path", "and once more"] {
        let signed = cli.run(
            &[
                "pkp",
                "sign",
                "--rpc-url",
                &rpc,
                "--private-key-env",
                WALLET_VAR,
                "--pubkey",
                pkp["publicKey"].as_str().expect("publicKey"),
                "--message",
                message,
            ],
            b"",
        );
        assert_eq!(signed.status.code(), Some(0), "{}", describe(&signed));
    }

    // The files: collected before the devnet stops (its data dir is the test's, kept).
    let nodes = banner
        .iter()
        .filter(|line| line.trim().starts_with("http://127.0.0.1:"))
        .count();
    assert_eq!(nodes, 3, "{banner:#?}");
    let stored: Value = serde_json::from_str(
        &std::fs::read_to_string(session_dir.join("lit-session-key")).expect("stored session key"),
    )
    .expect("session key json");
    let stored_secret = hex_bytes(stored["secretKey"].as_str().expect("secretKey"));
    assert_eq!(stored_secret.len(), 64, "seed and public key");

    let printed = devnet.stop(Duration::from_secs(20));
    let (devnet_stdout, devnet_stderr) = (printed.stdout, printed.stderr);

    // ---- the scan ----
    let mut secrets = vec![
        secret("wallet key", &hex_bytes(&wallet_key)),
        secret("stranger key", &hex_bytes(&stranger_key)),
        secret("dev wallet key", &hex_bytes(DEV_WALLET_PRIVATE_KEY)),
        secret(
            "session seed given to session-sigs",
            &hex_bytes(&session_seed),
        ),
        secret(
            "stored session key seed",
            stored_secret.get(..32).expect("seed half"),
        ),
    ];
    secrets.push(Secret {
        name: "malformed wallet key".into(),
        forms: vec![malformed_key.trim_start_matches("0x").to_owned()],
    });
    secrets.extend(key_share_secrets(&data_dir, nodes));
    let ecdsa = ecdsa_secrets(&data_dir, nodes);
    assert!(
        ecdsa.iter().any(|s| s.name.contains("triple share")),
        "the pools hold triple pairs to scan for"
    );
    secrets.extend(ecdsa);

    // The banner's dev key line is the only place a key may be printed.
    let dev_key_lines: Vec<&String> = devnet_stdout
        .iter()
        .filter(|line| line.contains(DEV_WALLET_PRIVATE_KEY))
        .collect();
    assert_eq!(dev_key_lines.len(), 1, "{dev_key_lines:?}");
    assert_eq!(
        dev_key_lines[0].as_str(),
        format!("  Private key       {DEV_WALLET_PRIVATE_KEY}")
    );
    let mut outputs: Vec<(String, String)> = vec![
        (
            "sigil devnet stdout (banner key line excluded)".into(),
            devnet_stdout
                .iter()
                .filter(|line| !line.contains(DEV_WALLET_PRIVATE_KEY))
                .cloned()
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        ("sigil devnet stderr".into(), devnet_stderr),
    ];
    for (command, output) in &cli.log {
        outputs.push((
            format!("sigil {command} stdout"),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        ));
        outputs.push((
            format!("sigil {command} stderr"),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        ));
    }
    // The trace logs really are there: the scan looks at what a debugging operator would see.
    let total_bytes: usize = outputs.iter().map(|(_, text)| text.len()).sum();
    assert!(
        outputs[1].1.contains("TRACE") || outputs[1].1.contains("DEBUG"),
        "the devnet logged at trace level"
    );

    let mut leaks = Vec::new();
    for (source, text) in &outputs {
        let text = text.to_lowercase();
        for secret in &secrets {
            for form in &secret.forms {
                if text.contains(&form.to_lowercase()) {
                    leaks.push(format!(
                        "{} appears in {source} (as {form:.16}…)",
                        secret.name
                    ));
                }
            }
        }
    }
    println!(
        "secrets scan: {} secrets in {} forms, {} outputs, {} bytes of RUST_LOG=trace output scanned",
        secrets.len(),
        secrets.iter().map(|s| s.forms.len()).sum::<usize>(),
        outputs.len(),
        total_bytes
    );
    assert!(leaks.is_empty(), "{}", leaks.join("\n"));

    // No file in the data dir other than a node's own key-share file holds a key share.
    for path in files_under(&data_dir) {
        // Each node's own share files hold its shares, by design.
        if path
            .file_name()
            .is_some_and(|name| name == "key-share.json" || name == "ecdsa-root-shares.json")
        {
            continue;
        }
        let bytes = std::fs::read(&path).expect("read data file");
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        for secret in secrets.iter().filter(|s| s.name.contains("key share")) {
            let raw = hex::decode(&secret.forms[0]).expect("hex form");
            assert!(
                !text.contains(&secret.forms[0]) && !bytes.windows(raw.len()).any(|w| w == raw),
                "{} is in {}",
                secret.name,
                path.display()
            );
        }
    }

    #[cfg(unix)]
    {
        assert_eq!(mode(&data_dir), 0o700, "devnet data dir");
        for index in 0..nodes {
            let node_dir = data_dir.join(format!("node-{index}"));
            assert_eq!(mode(&node_dir), 0o700, "{}", node_dir.display());
            for file in [
                "key-share.json",
                "ecdsa-root-shares.json",
                "triples.redb",
                "peer-identity.key",
            ] {
                let path = node_dir.join(file);
                assert_eq!(mode(&path), 0o600, "{}", path.display());
            }
        }
        assert_eq!(mode(&session_dir), 0o700, "session dir");
        assert_eq!(
            mode(&session_dir.join("lit-session-key")),
            0o600,
            "session key"
        );
        assert_eq!(
            mode(&session_dir.join("lit-wallet-sig")),
            0o600,
            "wallet sig"
        );
    }
}
