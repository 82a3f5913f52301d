//! A throwaway anvil (the npm package `@foundry-rs/anvil-linux-amd64`, which `contracts/test.sh`
//! installs) on a free local port, killed on drop.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The dev accounts' mnemonic anvil funds (accounts 0-9).
pub const DEV_MNEMONIC: &str = "test test test test test test test test test test test junk";

/// Private key of anvil's account 0 (the default deployer).
pub const DEV_KEY_0: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
/// Private key of anvil's account 1.
pub const DEV_KEY_1: &str = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
/// Private key of anvil's account 2.
pub const DEV_KEY_2: &str = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";

/// A running anvil.
#[derive(Debug)]
pub struct Anvil {
    child: Child,
    port: u16,
    host: String,
}

/// Where the anvil binary is: `$SIGIL_ANVIL`, else the contracts' npm install.
pub fn anvil_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("SIGIL_ANVIL") {
        return PathBuf::from(path);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../contracts/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil")
}

impl Anvil {
    /// Starts anvil on 127.0.0.1 with chain id 31337 and waits until it answers.
    ///
    /// # Panics
    /// When the binary is missing (run `bash contracts/test.sh` or `npm ci --prefix contracts`
    /// first: `scripts/test` does) or anvil does not answer within 20 s.
    pub fn start() -> Anvil {
        Self::start_on("127.0.0.1")
    }

    /// Starts anvil listening on `host`.
    pub fn start_on(host: &str) -> Anvil {
        let binary = anvil_binary();
        assert!(
            binary.exists(),
            "anvil not found at {}: run `npm ci --prefix contracts` (scripts/test does) or set SIGIL_ANVIL",
            binary.display()
        );
        let port = TcpListener::bind((host, 0))
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(&binary)
            .args([
                "--host",
                host,
                "--port",
                &port.to_string(),
                "--chain-id",
                "31337",
                "--silent",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("anvil starts");
        let anvil = Anvil {
            child,
            port,
            host: host.to_owned(),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect((host, port)).is_err() {
            assert!(Instant::now() < deadline, "anvil did not start listening");
            std::thread::sleep(Duration::from_millis(50));
        }
        anvil
    }

    /// The JSON-RPC URL.
    pub fn url(&self) -> String {
        format!("http://{}:{}", self.host, self.port)
    }
}

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
