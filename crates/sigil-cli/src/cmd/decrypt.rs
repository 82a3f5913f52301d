//! `sigil decrypt`: decrypt what `sigil encrypt` printed, through the network's decryption
//! shares, as the wallet whose key is in an environment variable, with session sigs made
//! elsewhere (the JS SDK's `getSessionSigs` output, or `sigil session-sigs`), or with a wallet's
//! own AuthSig.
//!
//! Exit codes: 0 decrypted, 1 the nodes refused (the wallet does not meet the conditions, the
//! session is not accepted, the rate limit is reached), 2 any other error.

use super::encrypt::{failure_from, read_limited, write_output, NetworkArgs};
use super::session_sigs::{read_auth_sig, read_session_sigs, wallet_from_env, Credentials};
use crate::Failure;
use anyhow::Context as _;
use sigil_client::{
    DecryptRequest, LitAbility, LitResource, ResourceAbilityRequest, ResourcePrefix,
    SessionSigsParams,
};
use std::path::PathBuf;
use time::{Duration, OffsetDateTime};

/// Largest encrypted-item JSON read.
const MAX_ITEM_BYTES: u64 = 100 * 1024 * 1024;

/// How long the session made for one decryption is valid.
const SESSION_VALIDITY: Duration = Duration::minutes(10);

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub network: NetworkArgs,
    /// Name of the environment variable holding the wallet's private key (hex).
    #[arg(long, value_name = "VAR", required_unless_present_any = ["session_sigs", "auth_sig"])]
    pub private_key_env: Option<String>,
    /// Decrypt with these session sigs (a JSON map node URL -> session sig, as the JS SDK's
    /// `getSessionSigs` returns it) instead of signing a new session with a wallet key.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["private_key_env", "capacity_delegation_auth_sig", "session_dir"])]
    pub session_sigs: Option<PathBuf>,
    /// Decrypt with a wallet's own AuthSig (a JSON file: the JS SDK's `authSig`, a wallet's
    /// EIP-191 signature of a SIWE message with an expiration), sent to every node as it is.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["private_key_env", "session_sigs", "capacity_delegation_auth_sig", "session_dir"])]
    pub auth_sig: Option<PathBuf>,
    /// The encrypted item (`sigil encrypt` output): a file, or - for stdin (the default).
    #[arg(long = "in", value_name = "FILE|-")]
    pub input: Option<String>,
    /// Write the plaintext here instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print `{"decryptedData": ..., "encoding": "utf8"|"hex"}` instead of the raw plaintext.
    #[arg(long)]
    pub json: bool,
    /// A capacity-delegation AuthSig (JSON file, as `sigil capacity-delegation` prints) to pay with.
    #[arg(long, value_name = "FILE")]
    pub capacity_delegation_auth_sig: Option<PathBuf>,
    /// Keep the session key and wallet sig here between runs (the JS SDK's `localStorage`
    /// items, mode 0600), so the wallet signs again only when needed.
    #[arg(long, value_name = "DIR")]
    pub session_dir: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let credentials = match (&args.auth_sig, &args.session_sigs, &args.private_key_env) {
        (Some(path), _, _) => Credentials::AuthSig(read_auth_sig(path)?),
        (None, Some(path), _) => Credentials::SessionSigs(read_session_sigs(path)?),
        (None, None, Some(var)) => Credentials::Wallet(wallet_from_env(var)?),
        (None, None, None) => {
            return Err(
                anyhow::anyhow!("give --private-key-env, --session-sigs or --auth-sig").into(),
            )
        }
    };
    let text = read_limited(args.input.as_deref(), MAX_ITEM_BYTES)?;
    let text = String::from_utf8(text).context("the encrypted item is not UTF-8 JSON")?;
    let request = DecryptRequest::from_json_str(&text)
        .context("not an encrypted item (sigil encrypt output)")?;
    let delegation = match &args.capacity_delegation_auth_sig {
        Some(path) => Some(read_auth_sig(path)?),
        None => None,
    };

    let plaintext = super::client_runtime()?
        .block_on(async {
            let mut config = sigil_client::LitNodeClientConfig::new(args.network.lit_network()?)
                .with_connect_timeout(std::time::Duration::from_secs(args.network.connect_timeout));
            config.storage_dir = args.session_dir.clone();
            let client = sigil_client::LitNodeClient::new(config)?;
            let connection = client
                .connect()
                .await
                .context("cannot connect to the network")?;
            for failure in &connection.unreachable_nodes {
                eprintln!("warning: node {failure}; continuing with the others");
            }
            let wallet = match credentials {
                Credentials::SessionSigs(session_sigs) => {
                    return anyhow::Ok(client.decrypt(&request, &session_sigs).await?)
                }
                Credentials::AuthSig(auth_sig) => {
                    return anyhow::Ok(client.decrypt_with_auth_sig(&request, &auth_sig).await?)
                }
                Credentials::Wallet(wallet) => wallet,
            };
            // The session may decrypt exactly this item.
            let item = LitResource::new(
                ResourcePrefix::AccessControlCondition,
                format!(
                    "{}/{}",
                    request.conditions.hash_hex(),
                    request.data_to_encrypt_hash
                ),
            )?;
            let mut params = SessionSigsParams::new(vec![ResourceAbilityRequest::new(
                item,
                LitAbility::AccessControlConditionDecryption,
            )?]);
            params.chain = request.chain.clone();
            params.expiration = Some(OffsetDateTime::now_utc() + SESSION_VALIDITY);
            params.capacity_delegation_auth_sig = delegation;
            let session_sigs = client.get_session_sigs_with_wallet(params, &wallet).await?;
            anyhow::Ok(client.decrypt(&request, &session_sigs).await?)
        })
        .map_err(failure_from)?;

    let output = if args.json {
        let (data, encoding) = match String::from_utf8(plaintext) {
            Ok(text) => (text, "utf8"),
            Err(bytes) => (hex::encode(bytes.into_bytes()), "hex"),
        };
        let json = serde_json::json!({"decryptedData": data, "encoding": encoding});
        format!("{json}\n").into_bytes()
    } else {
        plaintext
    };
    write_output(args.out.as_ref(), &output)?;
    Ok(())
}
