//! `sigil session-sigs`: a wallet key signs a SIWE + ReCap for a session key, which then signs
//! one session sig per node URL; prints the JS SDK's session-sigs map.
//!
//! Offline mode: node URLs and the nonce come from the flags.
//! Network mode (`--rpc-url`): connects to the network (Staking contract, handshakes) and takes
//! the connected node URLs and the latest blockhash from it.
//! PKP mode (`--pkp-pubkey`, with `--rpc-url`): the session is the PKP's; its capability is the
//! network's signature, given once the nodes have checked the `--auth-method`s (or the
//! `--lit-action`) the PKP permits, as the JS SDK's `getPkpSessionSigs` and
//! `getLitActionSessionSigs` get it.

use std::path::PathBuf;

use alloy_signer_local::PrivateKeySigner;
use anyhow::{anyhow, bail, Context};
use sigil_auth::rand_core::OsRng;
use sigil_auth::siwe::{create_siwe_message, SiweMessageParams};
use sigil_auth::{
    generate_auth_sig, parse_rfc3339, sign_session_sigs, AuthSig, LitAbility, LitResource,
    ResourceAbilityRequest, SessionKeyPair, SessionSigningParams,
};
use time::{Duration, OffsetDateTime};

use crate::Failure;

/// Session validity when `--expiration` is not given (the JS SDK's default: 24 hours).
const DEFAULT_SESSION_VALIDITY: Duration = Duration::hours(24);

#[derive(clap::Args)]
pub struct Args {
    /// Name of the environment variable holding the wallet's private key (hex): the session's
    /// wallet, or in PKP mode the wallet of `--auth-method eth-wallet`.
    #[arg(long, value_name = "VAR", required_unless_present = "pkp_pubkey")]
    pub private_key_env: Option<String>,
    /// A resource the session may use, `PREFIX://ID` (e.g. `lit-accesscontrolcondition://*`);
    /// paired in order with --ability.
    #[arg(long = "resource", value_name = "PREFIX://ID", required = true)]
    pub resources: Vec<String>,
    /// The ability on the resource of the same position (e.g. `access-control-condition-decryption`).
    #[arg(long = "ability", value_name = "ABILITY", required = true)]
    pub abilities: Vec<String>,
    /// A node to sign for, exactly as the client connects to it (e.g. `http://127.0.0.1:7470`).
    #[arg(long = "node-url", value_name = "URL")]
    pub node_urls: Vec<String>,
    /// SIWE nonce (the JS SDK uses the latest blockhash, `0x` + 64 hex).
    #[arg(long, value_name = "HEX")]
    pub nonce: Option<String>,
    /// Session and SIWE expiration, RFC 3339 [default: now + 24 h].
    #[arg(long, value_name = "RFC3339")]
    pub expiration: Option<String>,
    /// Fixes the session key: its 32-byte ed25519 seed as 64 hex [default: a fresh random key].
    #[arg(long, value_name = "HEX64")]
    pub session_seed_hex: Option<String>,
    /// Fixes the clock (SIWE `Issued At`, template `issuedAt`), RFC 3339 [default: the system clock].
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
    /// SIWE domain [default: localhost].
    #[arg(long, value_name = "D")]
    pub domain: Option<String>,
    /// SIWE statement (the ReCap statement is appended) [default: the JS SDK's].
    #[arg(long, value_name = "S")]
    pub statement: Option<String>,
    /// A capacity-delegation AuthSig (JSON file, as `sigil capacity-delegation` prints) to put
    /// before the wallet's capability.
    #[arg(long, value_name = "FILE")]
    pub capacity_delegation_auth_sig: Option<PathBuf>,
    /// Network mode: the chain JSON-RPC of a network (e.g. `sigil devnet`'s); the node URLs and
    /// the nonce then come from connecting to it.
    #[arg(long, value_name = "URL", conflicts_with = "node_urls")]
    pub rpc_url: Option<String>,
    /// The Staking contract on the --rpc-url chain [default: where `sigil devnet` has it].
    #[arg(long, value_name = "ADDRESS", requires = "rpc_url")]
    pub staking_address: Option<alloy_primitives::Address>,
    /// PKP mode: a session for this PKP (its public key, uncompressed hex), which the network
    /// signs after checking the auth methods or the Lit Action; needs --rpc-url.
    #[arg(long, value_name = "HEX", requires = "rpc_url", conflicts_with_all = ["nonce", "statement", "now"])]
    pub pkp_pubkey: Option<String>,
    /// PKP mode: an auth method the PKP permits: `eth-wallet` (an AuthSig of the
    /// --private-key-env wallet, as the JS SDK's `EthWalletProvider` makes it) or a JSON file
    /// `{"authMethodType": N, "accessToken": "..."}`. Repeatable.
    #[arg(
        long = "auth-method",
        value_name = "eth-wallet|FILE",
        requires = "pkp_pubkey"
    )]
    pub auth_methods: Vec<String>,
    /// PKP mode: a Lit Action (its source file) that vouches for the session by answering true.
    #[arg(
        long,
        value_name = "FILE",
        requires = "pkp_pubkey",
        conflicts_with = "lit_action_ipfs_id"
    )]
    pub lit_action: Option<PathBuf>,
    /// PKP mode: the Lit Action stored under this IPFS CID instead.
    #[arg(long, value_name = "CID", requires = "pkp_pubkey")]
    pub lit_action_ipfs_id: Option<String>,
    /// PKP mode: the Lit Action's globals, a JSON object [default: {}].
    #[arg(long, value_name = "JSON", requires = "pkp_pubkey")]
    pub js_params: Option<String>,
}

/// `--auth-method` that names the --private-key-env wallet.
const ETH_WALLET_AUTH_METHOD: &str = "eth-wallet";

pub fn run(args: Args) -> Result<(), Failure> {
    if args.pkp_pubkey.is_some() {
        return pkp_session_sigs(args);
    }
    let var = args
        .private_key_env
        .as_deref()
        .ok_or_else(|| anyhow!("give --private-key-env (or --pkp-pubkey)"))?;
    let wallet = wallet_from_env(var)?;
    let now = clock(args.now.as_deref())?;
    let expiration = match &args.expiration {
        Some(text) => parse_rfc3339(text).context("--expiration")?,
        None => now + DEFAULT_SESSION_VALIDITY,
    };
    let requests = resource_ability_requests(&args.resources, &args.abilities)?;
    let (node_urls, network_nonce) = match &args.rpc_url {
        Some(rpc_url) => from_network(rpc_url, args.staking_address)?,
        None => (args.node_urls.clone(), None),
    };
    if node_urls.is_empty() {
        return Err(anyhow!("at least one --node-url (or --rpc-url) is needed").into());
    }
    let nonce = args.nonce.clone().or(network_nonce).ok_or_else(|| {
        anyhow!("--nonce is needed (the network's latest blockhash), or --rpc-url")
    })?;
    let key = match &args.session_seed_hex {
        Some(seed_hex) => SessionKeyPair::from_seed(seed(seed_hex)?),
        None => SessionKeyPair::generate(&mut OsRng),
    };

    let mut siwe = SiweMessageParams::new(wallet.address(), nonce)
        .with_uri(key.uri())
        .with_expiration(expiration)
        .with_resources(requests.clone());
    siwe.domain = args.domain.clone();
    siwe.statement = args.statement.clone();
    let wallet_capability = generate_auth_sig(&wallet, &create_siwe_message(&siwe, now)?)?;

    let mut capabilities = Vec::new();
    if let Some(path) = &args.capacity_delegation_auth_sig {
        capabilities.push(read_auth_sig(path)?);
    }
    capabilities.push(wallet_capability);

    let params = SessionSigningParams {
        resource_ability_requests: requests,
        capabilities,
        issued_at: now,
        expiration,
    };
    let sigs = sign_session_sigs(&key, &params, &node_urls)?;
    println!("{}", sigs.to_json());
    Ok(())
}

/// PKP mode: connects, proves the auth methods (or the action) to the nodes and prints the
/// PKP's session sigs.
fn pkp_session_sigs(args: Args) -> Result<(), Failure> {
    let pkp_public_key = args.pkp_pubkey.clone().unwrap_or_default();
    let requests = resource_ability_requests(&args.resources, &args.abilities)?;
    let expiration = match &args.expiration {
        Some(text) => Some(parse_rfc3339(text).context("--expiration")?),
        None => None,
    };
    let wallet = match &args.private_key_env {
        Some(var) => Some(wallet_from_env(var)?),
        None => None,
    };
    let lit_action_code = match &args.lit_action {
        Some(path) => Some(
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?,
        ),
        None => None,
    };
    let action_given = lit_action_code.is_some() || args.lit_action_ipfs_id.is_some();
    if args.auth_methods.is_empty() && !action_given {
        return Err(anyhow!("give --auth-method or --lit-action (or --lit-action-ipfs-id)").into());
    }
    let js_params = match &args.js_params {
        Some(text) => match serde_json::from_str(text).context("--js-params is not JSON")? {
            serde_json::Value::Object(map) => Some(map),
            _ => return Err(anyhow!("--js-params must be a JSON object").into()),
        },
        None => action_given.then(serde_json::Map::new),
    };
    let capacity_delegation = match &args.capacity_delegation_auth_sig {
        Some(path) => Some(read_auth_sig(path)?),
        None => None,
    };
    let network = network_args(
        args.rpc_url.clone().unwrap_or_default(),
        args.staking_address,
    );
    let session_sigs = super::client_runtime()?
        .block_on(async {
            let client = network.connect().await?;
            let mut auth_methods = Vec::new();
            for method in &args.auth_methods {
                auth_methods.push(if method == ETH_WALLET_AUTH_METHOD {
                    let wallet = wallet.as_ref().ok_or_else(|| {
                        anyhow!("--auth-method eth-wallet needs --private-key-env")
                    })?;
                    client.authenticate_eth_wallet(wallet, None).await?
                } else {
                    read_auth_method(method)?
                });
            }
            let mut params =
                sigil_client::PkpSessionSigsParams::new(pkp_public_key, auth_methods, requests);
            params.expiration = expiration;
            params.domain = args.domain.clone();
            params.lit_action_code = lit_action_code;
            params.lit_action_ipfs_id = args.lit_action_ipfs_id.clone();
            params.js_params = js_params;
            params.capacity_delegation_auth_sig = capacity_delegation;
            params.session_key = match &args.session_seed_hex {
                Some(seed_hex) => Some(SessionKeyPair::from_seed(seed(seed_hex)?)),
                None => Some(SessionKeyPair::generate(&mut OsRng)),
            };
            anyhow::Ok(if action_given {
                client.get_lit_action_session_sigs(params).await?
            } else {
                client.get_pkp_session_sigs(params).await?
            })
        })
        .map_err(super::encrypt::failure_from)?;
    println!("{}", session_sigs.to_json());
    Ok(())
}

/// An auth method from a JSON file: `{"authMethodType": N, "accessToken": "..."}`.
fn read_auth_method(path: &str) -> anyhow::Result<sigil_client::AuthMethod> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!("--auth-method {path}: neither `{ETH_WALLET_AUTH_METHOD}` nor a readable file")
    })?;
    serde_json::from_str(&text).with_context(|| {
        format!("{path} is not an auth method (`{{\"authMethodType\", \"accessToken\"}}`)")
    })
}

/// Network mode: the connected node URLs and the latest blockhash of the network at `rpc_url`.
fn from_network(
    rpc_url: &str,
    staking_address: Option<alloy_primitives::Address>,
) -> anyhow::Result<(Vec<String>, Option<String>)> {
    let network = network_args(rpc_url.to_owned(), staking_address);
    super::client_runtime()?.block_on(async {
        let client = network.connect().await?;
        let nonce = client.get_latest_blockhash().await?;
        Ok((client.connected_nodes(), Some(nonce)))
    })
}

/// The network at `rpc_url`, as the commands that take `--rpc-url` reach it.
fn network_args(
    rpc_url: String,
    staking_address: Option<alloy_primitives::Address>,
) -> super::encrypt::NetworkArgs {
    super::encrypt::NetworkArgs {
        rpc_url: Some(rpc_url),
        staking_address,
        network: None,
        connect_timeout: super::encrypt::DEFAULT_CONNECT_TIMEOUT_SECS,
    }
}

/// The wallet whose private key is in the environment variable `name`. Errors never show the key.
pub(crate) fn wallet_from_env(name: &str) -> anyhow::Result<PrivateKeySigner> {
    let value = std::env::var(name)
        .map_err(|_| anyhow!("environment variable {name} is not set (or not UTF-8)"))?;
    value
        .trim()
        .parse::<PrivateKeySigner>()
        .map_err(|_| anyhow!("environment variable {name} does not hold a 32-byte hex private key"))
}

/// `--now`, or the system clock.
pub(crate) fn clock(now: Option<&str>) -> anyhow::Result<OffsetDateTime> {
    match now {
        Some(text) => Ok(parse_rfc3339(text).context("--now")?),
        None => Ok(OffsetDateTime::now_utc()),
    }
}

/// Pairs `--resource` and `--ability` in the order given.
pub(crate) fn resource_ability_requests(
    resources: &[String],
    abilities: &[String],
) -> anyhow::Result<Vec<ResourceAbilityRequest>> {
    if resources.len() != abilities.len() {
        bail!(
            "{} --resource but {} --ability: give them in pairs",
            resources.len(),
            abilities.len()
        );
    }
    resources
        .iter()
        .zip(abilities)
        .map(|(resource, ability)| {
            let resource =
                LitResource::parse(resource).with_context(|| format!("--resource {resource}"))?;
            let ability: LitAbility = ability
                .parse()
                .with_context(|| format!("--ability {ability}"))?;
            Ok(ResourceAbilityRequest::new(resource, ability)?)
        })
        .collect()
}

fn seed(seed_hex: &str) -> anyhow::Result<[u8; 32]> {
    let mut seed = [0u8; 32];
    hex::decode_to_slice(seed_hex.strip_prefix("0x").unwrap_or(seed_hex), &mut seed)
        .map_err(|_| anyhow!("--session-seed-hex must be 64 hex characters"))?;
    Ok(seed)
}

/// An AuthSig from a JSON file.
pub(crate) fn read_auth_sig(path: &PathBuf) -> anyhow::Result<AuthSig> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text)
        .with_context(|| format!("{} is not an AuthSig JSON object", path.display()))
}

/// A session-sigs map (node URL -> session sig, as the JS SDK returns it) from a JSON file.
pub(crate) fn read_session_sigs(path: &PathBuf) -> anyhow::Result<sigil_client::SessionSigs> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    sigil_client::SessionSigs::from_json(&text)
        .with_context(|| format!("{} is not a session-sigs JSON map", path.display()))
}

/// Who asks the nodes: a wallet that signs a new session, session sigs made elsewhere, or a
/// wallet's own AuthSig made elsewhere (which only decryption takes).
pub(crate) enum Credentials {
    Wallet(PrivateKeySigner),
    SessionSigs(sigil_client::SessionSigs),
    AuthSig(AuthSig),
}
