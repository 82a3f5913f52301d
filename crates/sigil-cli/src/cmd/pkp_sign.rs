//! `sigil pkp sign`: a PKP's signature of a 32-byte hash, or of a message as EIP-191 signs it,
//! by the network's nodes, for the wallet whose key is in an environment variable (the PKP's
//! owner or an address it permits), or with session sigs made elsewhere (the JS SDK's
//! `getSessionSigs` or `getPkpSessionSigs` output, or `sigil session-sigs`). Prints the JS SDK's `pkpSign` result and the address the
//! signature recovers to.
//!
//! Exit codes: 0 signed, 1 the nodes refused (not permitted, rate limit), 2 any other error.

use super::encrypt::{failure_from, NetworkArgs};
use super::session_sigs::{read_session_sigs, wallet_from_env, Credentials};
use crate::Failure;
use alloy_primitives::{eip191_hash_message, B256};
use anyhow::{anyhow, Context as _};
use sigil_client::{LitAbility, LitResource, ResourceAbilityRequest, SessionSigsParams};
use time::{Duration, OffsetDateTime};

/// How long the session made for one signature is valid.
const SESSION_VALIDITY: Duration = Duration::minutes(10);

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub network: NetworkArgs,
    /// Name of the environment variable holding the wallet's private key (hex).
    #[arg(long, value_name = "VAR", required_unless_present = "session_sigs")]
    pub private_key_env: Option<String>,
    /// Sign with these session sigs (a JSON map node URL -> session sig, as the JS SDK returns
    /// it) instead of signing a new session with a wallet key.
    #[arg(long, value_name = "FILE", conflicts_with = "private_key_env")]
    pub session_sigs: Option<std::path::PathBuf>,
    /// The PKP's public key, uncompressed hex (0x04…).
    #[arg(long, value_name = "HEX")]
    pub pubkey: String,
    /// Sign this 32-byte hash (hex).
    #[arg(
        long,
        value_name = "HEX",
        required_unless_present = "message",
        conflicts_with = "message"
    )]
    pub hash: Option<B256>,
    /// Sign this message as EIP-191 (`personal_sign`) does: the hash of its prefixed bytes.
    #[arg(long, value_name = "TEXT")]
    pub message: Option<String>,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let credentials = match (&args.session_sigs, &args.private_key_env) {
        (Some(path), _) => Credentials::SessionSigs(read_session_sigs(path)?),
        (None, Some(var)) => Credentials::Wallet(wallet_from_env(var)?),
        (None, None) => return Err(anyhow!("give --private-key-env or --session-sigs").into()),
    };
    let digest = match (&args.hash, &args.message) {
        (Some(hash), _) => *hash,
        (None, Some(message)) => eip191_hash_message(message.as_bytes()),
        (None, None) => return Err(anyhow!("give --hash or --message").into()),
    };
    let signed = super::client_runtime()?
        .block_on(async {
            let client = args.network.connect().await?;
            let session_sigs = match credentials {
                Credentials::SessionSigs(session_sigs) => session_sigs,
                // Not offered: the JS SDK signs with PKPs in sessions only.
                Credentials::AuthSig(_) => anyhow::bail!("pkp sign takes session sigs"),
                Credentials::Wallet(wallet) => {
                    let public_key = hex::decode(args.pubkey.trim_start_matches("0x"))
                        .context("--pubkey is not hex")?;
                    // The session may sign with exactly this PKP.
                    let mut params = SessionSigsParams::new(vec![ResourceAbilityRequest::new(
                        LitResource::pkp(&public_key),
                        LitAbility::PkpSigning,
                    )?]);
                    params.expiration = Some(OffsetDateTime::now_utc() + SESSION_VALIDITY);
                    client.get_session_sigs_with_wallet(params, &wallet).await?
                }
            };
            anyhow::Ok(
                client
                    .pkp_sign(&digest.0, &args.pubkey, &session_sigs)
                    .await?,
            )
        })
        .map_err(failure_from)?;
    let address = signed
        .to_alloy()?
        .recover_address_from_prehash(&digest)
        .context("the signature does not recover")?;
    println!(
        "{}",
        serde_json::json!({
            "r": signed.r,
            "s": signed.s,
            "recid": signed.recid,
            "signature": signed.signature,
            "publicKey": signed.public_key,
            "dataSigned": signed.data_signed,
            "address": address.to_checksum(None),
        })
    );
    Ok(())
}
