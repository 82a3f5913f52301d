//! `sigil capacity-delegation`: the credit owner's wallet delegates capacity credits to other
//! addresses; prints the AuthSig exactly as the JS SDK's `createCapacityDelegationAuthSig` makes it.

use anyhow::Context;
use sigil_auth::rand_core::OsRng;
use sigil_auth::siwe::random_nonce;
use sigil_auth::{create_capacity_delegation_auth_sig, parse_rfc3339, CapacityDelegationParams};

use crate::cmd::session_sigs::{clock, wallet_from_env};
use crate::Failure;

#[derive(clap::Args)]
pub struct Args {
    /// Name of the environment variable holding the credit owner's private key (hex).
    #[arg(long, value_name = "VAR")]
    pub private_key_env: String,
    /// An address that may use the credits, with or without `0x`; repeat for several.
    #[arg(long = "delegatee", value_name = "ADDR", required = true)]
    pub delegatees: Vec<String>,
    /// How many uses the delegation allows [default: unlimited].
    #[arg(long, value_name = "N")]
    pub uses: Option<u64>,
    /// A capacity credit token id; repeat for several [default: all the owner's credits].
    #[arg(long = "nft-id", value_name = "ID")]
    pub nft_ids: Vec<String>,
    /// SIWE expiration, RFC 3339 [default: now + 7 days].
    #[arg(long, value_name = "RFC3339")]
    pub expiration: Option<String>,
    /// SIWE nonce [default: a random `0x` + 64 hex, shaped like a blockhash].
    #[arg(long, value_name = "HEX")]
    pub nonce: Option<String>,
    /// Fixes the clock (SIWE `Issued At`), RFC 3339 [default: the system clock].
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let owner = wallet_from_env(&args.private_key_env)?;
    let now = clock(args.now.as_deref())?;
    let nonce = args
        .nonce
        .clone()
        .unwrap_or_else(|| random_nonce(&mut OsRng));
    let mut params = CapacityDelegationParams::new(args.delegatees.clone(), nonce);
    params.uses = args.uses;
    params.capacity_token_ids = args.nft_ids.clone();
    params.expiration = match &args.expiration {
        Some(text) => Some(parse_rfc3339(text).context("--expiration")?),
        None => None,
    };
    let auth_sig = create_capacity_delegation_auth_sig(&owner, &params, now)?;
    println!("{}", serde_json::to_string(&auth_sig)?);
    Ok(())
}
