//! `sigil encrypt`: encrypt data to access control conditions under a network's public key
//! (read by connecting to the network); prints `{ciphertext, dataToEncryptHash,
//! accessControlConditions}`.
//!
//! Also home of the network flags and helpers the other network commands share.

use crate::Failure;
use alloy_primitives::Address;
use anyhow::{anyhow, Context as _};
use sigil_client::{ClientError, ConditionSet, LitNetwork, LitNodeClient, LitNodeClientConfig};
use sigil_crypto::conditions::MAX_DOCUMENT_BYTES;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::time::Duration;

/// Largest input encrypted from a file or stdin.
const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// How to reach a network: a chain RPC (a `sigil devnet` or any custom network) or one of
/// Lit's networks.
#[derive(clap::Args, Debug, Clone)]
pub struct NetworkArgs {
    /// Chain JSON-RPC URL of the network (`sigil devnet` serves http://127.0.0.1:8545).
    #[arg(long, value_name = "URL", required_unless_present = "network")]
    pub rpc_url: Option<String>,
    /// The Staking contract on that chain [default: where `sigil devnet` has it].
    #[arg(long, value_name = "ADDRESS", requires = "rpc_url")]
    pub staking_address: Option<Address>,
    /// One of Lit's networks instead of --rpc-url: datil-dev, datil-test or datil.
    #[arg(long, value_name = "NAME", conflicts_with = "rpc_url")]
    pub network: Option<String>,
    /// Seconds each node has to answer the handshake.
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_CONNECT_TIMEOUT_SECS)]
    pub connect_timeout: u64,
}

/// Seconds each node has to answer the handshake, unless `--connect-timeout` says otherwise.
pub const DEFAULT_CONNECT_TIMEOUT_SECS: u64 = 20;

impl NetworkArgs {
    /// The network these flags name.
    pub fn lit_network(&self) -> anyhow::Result<LitNetwork> {
        match (&self.rpc_url, &self.network) {
            (Some(rpc_url), _) => Ok(LitNetwork::Custom {
                rpc_url: rpc_url.clone(),
                staking_address: self
                    .staking_address
                    .unwrap_or(sigil_chain::DEFAULT_STAKING_ADDRESS),
            }),
            (None, Some(name)) => Ok(name.parse()?),
            (None, None) => Err(anyhow!("give --rpc-url (or --network)")),
        }
    }

    /// A connected client; unreachable nodes are reported on stderr.
    pub async fn connect(&self) -> anyhow::Result<LitNodeClient> {
        let network = self.lit_network()?;
        let client = LitNodeClient::new(
            LitNodeClientConfig::new(network.clone())
                .with_connect_timeout(Duration::from_secs(self.connect_timeout)),
        )?;
        let connection = client.connect().await.with_context(|| {
            format!(
                "cannot connect to the network at {}",
                network.rpc_url().unwrap_or("?")
            )
        })?;
        for failure in &connection.unreachable_nodes {
            eprintln!("warning: node {failure}; continuing with the others");
        }
        Ok(client)
    }
}

/// Exit 1 when the nodes refused (an authorization answer from enough of them), 2 otherwise.
pub fn failure_from(error: anyhow::Error) -> Failure {
    let refused = error.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<ClientError>(),
            Some(ClientError::NodeErrors { failures, .. })
                if !failures.is_empty() && failures.iter().all(|f| f.status.is_some_and(|s| (400..500).contains(&s)))
        )
    });
    Failure {
        code: if refused { 1 } else { 2 },
        error,
    }
}

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub network: NetworkArgs,
    /// The conditions: a JSON document ({"accessControlConditions": [...]}, or another kind, or
    /// a bare array).
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "allow_address",
        conflicts_with = "allow_address"
    )]
    pub conditions: Option<PathBuf>,
    /// Shortcut for conditions letting exactly this wallet address decrypt.
    #[arg(long, value_name = "ADDRESS")]
    pub allow_address: Option<Address>,
    /// Data to encrypt: a file, or - for stdin (the default).
    #[arg(long = "in", value_name = "FILE|-")]
    pub input: Option<String>,
    /// Write the JSON here instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Conditions that only `address` meets (the signature-only `:userAddress` check).
pub fn only_address(address: Address) -> anyhow::Result<ConditionSet> {
    let document = serde_json::json!([{
        "contractAddress": "",
        "standardContractType": "",
        "chain": "ethereum",
        "method": "",
        "parameters": [":userAddress"],
        "returnValueTest": {"comparator": "=", "value": address.to_checksum(None)},
    }]);
    Ok(ConditionSet::from_document(&document.to_string())?)
}

pub fn run(args: Args) -> Result<(), Failure> {
    let conditions = match (&args.conditions, args.allow_address) {
        (Some(path), _) => {
            let text = read_limited(
                Some(path.to_string_lossy().as_ref()),
                MAX_DOCUMENT_BYTES as u64 + 1,
            )?;
            let text = String::from_utf8(text).context("the conditions file is not UTF-8")?;
            ConditionSet::from_document(&text)
                .with_context(|| format!("invalid conditions in {}", path.display()))?
        }
        (None, Some(address)) => only_address(address)?,
        (None, None) => {
            return Err(anyhow!("give --conditions FILE or --allow-address ADDRESS").into())
        }
    };
    let data = read_limited(args.input.as_deref(), MAX_INPUT_BYTES)?;
    let json = super::client_runtime()?.block_on(async {
        let client = args.network.connect().await?;
        let encrypted = client.encrypt(&conditions, &data)?;
        sigil_client::DecryptRequest::new(conditions, encrypted)
            .to_json_string()
            .map_err(anyhow::Error::from)
    })?;
    write_output(args.out.as_ref(), format!("{json}\n").as_bytes())?;
    Ok(())
}

/// Reads a file, or stdin for `None`/`-`, refusing more than `limit` bytes.
pub fn read_limited(file: Option<&str>, limit: u64) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let read = match file {
        None | Some("-") => std::io::stdin()
            .lock()
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .context("reading stdin")?,
        Some(path) => std::fs::File::open(path)
            .with_context(|| format!("opening {path}"))?
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .with_context(|| format!("reading {path}"))?,
    };
    if read as u64 > limit {
        return Err(anyhow!("input larger than {limit} bytes"));
    }
    Ok(bytes)
}

/// Writes to a file, or stdout for `None`.
pub fn write_output(out: Option<&PathBuf>, bytes: &[u8]) -> anyhow::Result<()> {
    match out {
        Some(path) => {
            std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(bytes).context("writing stdout")?;
            stdout.flush().context("writing stdout")
        }
    }
}
