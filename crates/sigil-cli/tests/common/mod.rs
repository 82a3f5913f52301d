//! Long-running `sigil` processes (`sigil devnet`, `sigil node`) for the tests that start one,
//! read what it prints, and stop it: spawned with stdout read line by line (and stderr kept if
//! asked), waited on with deadlines, stopped with SIGINT, and killed on drop if a test fails
//! before stopping it. Commands that run to completion use `assert_cmd` directly instead.

// Each test file compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

/// The line that ends `sigil devnet`'s ready banner.
pub const DEVNET_READY_LINE: &str = "Press Ctrl-C to stop.";
/// How `sigil node` announces it serves: this, then its URL.
pub const NODE_READY_PREFIX: &str = "Sigil node ready at ";

/// The built `sigil` binary.
pub fn sigil_path() -> PathBuf {
    assert_cmd::cargo::cargo_bin("sigil")
}

/// Where the child's stderr goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stderr {
    /// The test's own stderr, so a failing test shows it.
    Inherit,
    /// Kept, for [`Running::stop`] to return.
    Keep,
}

/// No awaited line within the deadline: what was printed meanwhile.
pub struct NoLine {
    pub timeout: Duration,
    pub seen: Vec<String>,
}

impl fmt::Display for NoLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no matching line within {:?}; got {:#?}",
            self.timeout, self.seen
        )
    }
}

impl fmt::Debug for NoLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for NoLine {}

/// What a stopped process printed.
#[derive(Debug, Clone, Default)]
pub struct Printed {
    pub stdout: Vec<String>,
    pub stderr: String,
}

/// A `sigil` child process, killed on drop if a test fails before stopping it.
pub struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    /// Disconnected once every reader thread has reached EOF (each holds a sender).
    readers_done: mpsc::Receiver<()>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Running {
    /// `sigil <args>` with stderr inherited; panics if it cannot start.
    pub fn spawn<I, S>(args: I) -> Running
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = Command::new(sigil_path());
        command.args(args);
        Running::start(command, Stderr::Inherit).expect("sigil starts")
    }

    /// `command` (made with [`sigil_path`] and any arguments and environment) with stdin closed
    /// and stdout piped.
    pub fn start(mut command: Command, stderr: Stderr) -> std::io::Result<Running> {
        command.stdin(Stdio::null()).stdout(Stdio::piped());
        command.stderr(match stderr {
            Stderr::Inherit => Stdio::inherit(),
            Stderr::Keep => Stdio::piped(),
        });
        let mut child = command.spawn()?;
        let (done_sender, readers_done) = mpsc::channel();
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let (sender, lines) = mpsc::channel();
        let pipe = child.stdout.take().expect("piped stdout");
        let kept = Arc::clone(&stdout);
        let done = done_sender.clone();
        std::thread::spawn(move || {
            let _done = done;
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                kept.lock().expect("stdout buffer").push(line.clone());
                // The receiver may be gone once the test has what it waited for.
                let _ = sender.send(line);
            }
        });
        let stderr = Arc::new(Mutex::new(Vec::new()));
        if let Some(mut pipe) = child.stderr.take() {
            let kept = Arc::clone(&stderr);
            let done = done_sender.clone();
            std::thread::spawn(move || {
                let _done = done;
                let mut chunk = [0u8; 64 * 1024];
                while let Ok(read) = pipe.read(&mut chunk) {
                    if read == 0 {
                        break;
                    }
                    kept.lock()
                        .expect("stderr buffer")
                        .extend_from_slice(&chunk[..read]);
                }
            });
        }
        Ok(Running {
            child,
            lines,
            stdout,
            stderr,
            readers_done,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Stdout lines not read yet, up to and including the first one `until` accepts, within
    /// `timeout`.
    pub fn read_until(
        &self,
        timeout: Duration,
        until: impl Fn(&str) -> bool,
    ) -> Result<Vec<String>, NoLine> {
        let deadline = Instant::now() + timeout;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let done = until(&line);
                    seen.push(line);
                    if done {
                        return Ok(seen);
                    }
                }
                Err(_) => return Err(NoLine { timeout, seen }),
            }
        }
    }

    /// `sigil devnet`'s banner, up to and including its ready line.
    pub fn devnet_banner(&self, timeout: Duration) -> Result<Vec<String>, NoLine> {
        self.read_until(timeout, |line| line == DEVNET_READY_LINE)
    }

    /// The URL in `sigil node`'s ready line.
    pub fn node_url(&self, timeout: Duration) -> Result<String, NoLine> {
        let lines = self.read_until(timeout, |line| line.starts_with(NODE_READY_PREFIX))?;
        Ok(lines
            .last()
            .and_then(|line| line.strip_prefix(NODE_READY_PREFIX))
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_default()
            .to_owned())
    }

    /// Sends SIGINT (what Ctrl-C sends); panics if `kill` fails.
    pub fn interrupt(&self) {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -INT {}: {status}", self.child.id());
    }

    /// The exit status once the process has exited, or `None` if it is still running after
    /// `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGKILL, then the exit status: the result of sending it and the result of waiting.
    pub fn kill(&mut self) -> (std::io::Result<()>, std::io::Result<ExitStatus>) {
        let killed = self.child.kill();
        (killed, self.child.wait())
    }

    /// SIGINT, up to `timeout` for the process to exit (then SIGKILL), and everything it printed
    /// on stdout and (with [`Stderr::Keep`]) stderr.
    pub fn stop(mut self, timeout: Duration) -> Printed {
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        if self.wait_exit(timeout).is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        // The pipes reach EOF once the process is gone; the readers then have every byte.
        let drained = self.readers_done.recv_timeout(Duration::from_secs(10));
        assert!(
            matches!(drained, Err(mpsc::RecvTimeoutError::Disconnected)),
            "the output readers did not reach EOF"
        );
        Printed {
            stdout: self.stdout.lock().expect("stdout buffer").clone(),
            stderr: String::from_utf8_lossy(&self.stderr.lock().expect("stderr buffer"))
                .into_owned(),
        }
    }
}

/// The value after `label` on a banner line, trimmed.
pub fn banner_value<'a>(banner: &'a [String], label: &str) -> &'a str {
    banner
        .iter()
        .find_map(|line| line.trim_start().strip_prefix(label))
        .map(str::trim)
        .unwrap_or_else(|| panic!("banner has no {label:?}: {banner:#?}"))
}

/// `sigil devnet --json` on the EVM chain at `rpc_url`, deploying with `deployer_key` (through
/// an env var, as a user would), keeping its data in `data_dir`; the running devnet and its
/// ready JSON.
pub fn devnet_on_evm(
    rpc_url: &str,
    deployer_key: &str,
    data_dir: &std::path::Path,
) -> (Running, serde_json::Value) {
    let mut command = Command::new(sigil_path());
    command
        .args([
            "devnet",
            "--port",
            "0",
            "--rpc-port",
            "0",
            "--ipfs-port",
            "0",
            "--json",
        ])
        .args(["--evm-rpc", rpc_url, "--deployer-key-env", "DEPLOYER_KEY"])
        .arg("--data-dir")
        .arg(data_dir)
        .env("DEPLOYER_KEY", deployer_key);
    let running = Running::start(command, Stderr::Inherit).expect("sigil devnet starts");
    let printed = running
        .read_until(Duration::from_secs(30), |line| line.starts_with('{'))
        .expect("the ready JSON");
    let info = serde_json::from_str(printed.last().expect("a line")).expect("JSON");
    (running, info)
}

/// Node `index`'s config from a devnet data dir's, listening on its own host (`host.json`
/// beside it): how the multi-host tests put each node on a loopback address of its own.
pub fn host_config(
    data_dir: &std::path::Path,
    index: usize,
    host: std::net::Ipv4Addr,
    port: u16,
) -> PathBuf {
    let node_dir = data_dir.join(format!("node-{index}"));
    let text = std::fs::read_to_string(node_dir.join("config.json")).expect("config");
    let mut config: serde_json::Value = serde_json::from_str(&text).expect("json");
    config["listen"] = format!("{host}:{port}").into();
    config["externalAddress"] = format!("{host}:{port}").into();
    let path = node_dir.join("host.json");
    std::fs::write(&path, config.to_string()).expect("write");
    path
}

/// `sigil node --config <config>`, once it serves.
pub fn start_node(config: &std::path::Path) -> Running {
    let node = Running::spawn(["node", "--config", config.to_str().expect("utf-8")]);
    node.node_url(Duration::from_secs(20)).expect("node ready");
    node
}
