//! `sigil verify-session-sig`: verifies one session sig (JSON on stdin) as the node at
//! `--node-url` would. Exit 0 and `{"userAddress":..}` on success; exit 1 and the Lit error JSON
//! on stdout when the node would refuse it; exit 2 on unusable input.

use std::io::Read;

use anyhow::{anyhow, Context};
use serde::Serialize;
use sigil_auth::{
    verify_session_sig, AuthSig, LitAbility, LitResource, SessionSigs, VerificationRequest,
};

use crate::cmd::session_sigs::clock;
use crate::Failure;
use sigil_wire::LitErrorBody;

/// Largest stdin accepted: far above any session sig, small enough to never exhaust memory.
const MAX_INPUT_BYTES: u64 = 4 * 1024 * 1024;

#[derive(clap::Args)]
pub struct Args {
    /// The verifying node, as clients address it (e.g. `http://127.0.0.1:7470`).
    #[arg(long, value_name = "URL")]
    pub node_url: String,
    /// The resource the request is for, `PREFIX://ID`.
    #[arg(long, value_name = "PREFIX://ID")]
    pub resource: String,
    /// The ability the request needs.
    #[arg(long, value_name = "ABILITY")]
    pub ability: String,
    /// Fixes the clock, RFC 3339 [default: the system clock].
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
}

/// Lit's error body (`PublicError`), without `correlationId`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Verified {
    user_address: String,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let resource = LitResource::parse(&args.resource)
        .with_context(|| format!("--resource {}", args.resource))?;
    let ability: LitAbility = args
        .ability
        .parse()
        .with_context(|| format!("--ability {}", args.ability))?;
    let now = clock(args.now.as_deref())?;
    let session_sig = read_session_sig(&args.node_url)?;

    let request = VerificationRequest {
        resource: &resource,
        ability,
        node_address: &args.node_url,
        now,
        network_public_key: None,
    };
    match verify_session_sig(&session_sig, &request, None) {
        Ok(context) => {
            let out = Verified {
                user_address: context.user_address.to_checksum(None),
            };
            println!("{}", serde_json::to_string(&out)?);
            Ok(())
        }
        Err(error) => {
            // The body a node answers with, without a correlation id (there is no request).
            let body = LitErrorBody::new(error.code(), error.details());
            println!("{}", serde_json::to_string(&body)?);
            Err(Failure {
                code: 1,
                error: anyhow!(""),
            })
        }
    }
}

/// One session sig from stdin: either the AuthSig object itself, or a whole session-sigs map,
/// from which the entry for `node_url` is taken.
fn read_session_sig(node_url: &str) -> anyhow::Result<AuthSig> {
    let mut text = String::new();
    std::io::stdin()
        .take(MAX_INPUT_BYTES + 1)
        .read_to_string(&mut text)
        .context("reading the session sig from stdin")?;
    if text.len() as u64 > MAX_INPUT_BYTES {
        anyhow::bail!("stdin is larger than {MAX_INPUT_BYTES} bytes");
    }
    let value: serde_json::Value = serde_json::from_str(&text).context("stdin is not JSON")?;
    if value.get("sig").is_some() {
        return serde_json::from_value(value)
            .context("stdin is not a session sig (sig, derivedVia, signedMessage, address, algo)");
    }
    let sigs = SessionSigs::from_json(&text)
        .context("stdin is neither a session sig nor a session-sigs map")?;
    sigs.get(node_url)
        .cloned()
        .ok_or_else(|| anyhow!("the session-sigs map on stdin has no entry for {node_url}"))
}
