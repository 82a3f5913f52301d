//! `sigil actions add FILE`: stores a Lit Action's code on an IPFS add API (the devnet's by
//! default) and prints its CID. `sigil actions run (FILE | --ipfs-id CID)`: runs an action on a
//! network's nodes for the wallet whose key is in an environment variable, and prints the
//! merged result (`response`, `logs`, `signatures`, as the JS SDK's `executeJs` returns them).
//!
//! Exit codes: 0 ran, 1 the action threw or the nodes refused, 2 any other error.

use super::encrypt::{failure_from, NetworkArgs};
use super::session_sigs::wallet_from_env;
use crate::Failure;
use anyhow::{anyhow, Context as _};
use sigil_client::{
    ClientError, ExecuteJsParams, LitAbility, LitResource, ResourceAbilityRequest, ResourcePrefix,
    SessionSigsParams,
};
use std::path::PathBuf;
use time::{Duration, OffsetDateTime};

/// How long the session made for one run is valid.
const SESSION_VALIDITY: Duration = Duration::minutes(10);

#[derive(clap::Subcommand)]
pub enum Command {
    /// Store an action's code on an IPFS add API and print its CID (as `ipfs add` computes it).
    Add(AddArgs),
    /// Run an action on every node and print the merged result.
    Run(RunArgs),
}

#[derive(clap::Args)]
pub struct AddArgs {
    /// The action's source file.
    pub file: PathBuf,
    /// The IPFS HTTP API (`POST <URL>/api/v0/add`); `sigil devnet` serves one on port 5001.
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:5001")]
    pub ipfs_api: String,
}

#[derive(clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub network: NetworkArgs,
    /// Name of the environment variable holding the wallet's private key (hex).
    #[arg(long, value_name = "VAR")]
    pub private_key_env: String,
    /// The action's source file.
    #[arg(required_unless_present = "ipfs_id", conflicts_with = "ipfs_id")]
    pub file: Option<PathBuf>,
    /// Run the action stored under this IPFS CID instead (the nodes fetch it).
    #[arg(long, value_name = "CID")]
    pub ipfs_id: Option<String>,
    /// Globals for the action: a JSON object.
    #[arg(long, value_name = "JSON")]
    pub js_params: Option<String>,
}

pub fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::Add(args) => add(args),
        Command::Run(args) => run_action(args),
    }
}

fn add(args: AddArgs) -> Result<(), Failure> {
    let code =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let added: serde_json::Value = super::client_runtime()?.block_on(async {
        let response = reqwest::Client::new()
            .post(format!(
                "{}/api/v0/add",
                args.ipfs_api.trim_end_matches('/')
            ))
            .body(code)
            .send()
            .await
            .with_context(|| format!("cannot reach the IPFS API at {}", args.ipfs_api))?
            .error_for_status()?;
        anyhow::Ok(response.json().await?)
    })?;
    let cid = added["Hash"]
        .as_str()
        .ok_or_else(|| anyhow!("the IPFS API answered no Hash: {added}"))?;
    println!("{cid}");
    Ok(())
}

fn run_action(args: RunArgs) -> Result<(), Failure> {
    let wallet = wallet_from_env(&args.private_key_env)?;
    let mut params = match (&args.file, &args.ipfs_id) {
        (Some(file), _) => ExecuteJsParams::code(
            std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?,
        ),
        (None, Some(cid)) => ExecuteJsParams::ipfs_id(cid.as_str()),
        (None, None) => return Err(anyhow!("give FILE or --ipfs-id").into()),
    };
    if let Some(text) = &args.js_params {
        let value: serde_json::Value =
            serde_json::from_str(text).context("--js-params is not JSON")?;
        let serde_json::Value::Object(map) = value else {
            return Err(anyhow!("--js-params must be a JSON object").into());
        };
        params = params.with_js_params(map);
    }
    let result = super::client_runtime()?.block_on(async {
        let client = args.network.connect().await?;
        let mut session = SessionSigsParams::new(vec![ResourceAbilityRequest::new(
            LitResource::wildcard(ResourcePrefix::LitAction),
            LitAbility::LitActionExecution,
        )?]);
        session.expiration = Some(OffsetDateTime::now_utc() + SESSION_VALIDITY);
        let session_sigs = client
            .get_session_sigs_with_wallet(session, &wallet)
            .await?;
        anyhow::Ok(client.execute_js(&params, &session_sigs).await?)
    });
    let result = match result {
        Ok(result) => result,
        Err(error) => {
            if let Some(ClientError::ActionThrew {
                error: thrown,
                logs,
            }) = error.downcast_ref::<ClientError>()
            {
                eprint!("{logs}");
                return Err(Failure {
                    code: 1,
                    error: anyhow!("the action threw: {thrown}"),
                });
            }
            return Err(failure_from(error));
        }
    };
    let signatures: serde_json::Map<String, serde_json::Value> = result
        .signatures
        .iter()
        .map(|(name, signature)| {
            (
                name.clone(),
                serde_json::json!({
                    "r": signature.r,
                    "s": signature.s,
                    "recid": signature.recid,
                    "signature": signature.signature,
                    "publicKey": signature.public_key,
                    "dataSigned": signature.data_signed,
                }),
            )
        })
        .collect();
    println!(
        "{}",
        serde_json::json!({
            "response": result.response_json(),
            "logs": result.logs,
            "signatures": signatures,
        })
    );
    Ok(())
}
