//! `sigil credits mint`, `sigil pkp mint|show|permit` and `sigil tokens deploy|mint`: real
//! transactions to a network's contracts, found through its `network-context.json`, sent with a
//! key from an env var. Each prints one JSON object.

use super::session_sigs::wallet_from_env;
use crate::Failure;
use alloy_primitives::{Address, Bytes, U256};
use alloy_provider::{DynProvider, Provider, ProviderBuilder};
use anyhow::{anyhow, Context};
use serde::Serialize;
use sigil_chain::evm::{self, NetworkContext, Permit, SCOPE_SIGN_ANYTHING};
use sigil_chain::MintRequest;
use std::path::PathBuf;

/// Where the network's contracts are.
#[derive(clap::Args)]
pub struct NetworkArgs {
    /// The chain's JSON-RPC URL.
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8545")]
    rpc: String,
    /// The network's contracts: the network-context.json that `sigil devnet --evm-rpc URL
    /// --data-dir DIR` writes in DIR.
    #[arg(long, value_name = "FILE")]
    network_context: PathBuf,
}

/// Who sends the transaction.
#[derive(clap::Args)]
pub struct SenderArgs {
    /// Name of the environment variable holding the sender's private key (hex); the sender
    /// pays the mint and owns what is minted.
    #[arg(long, value_name = "VAR")]
    private_key_env: String,
}

#[derive(clap::Subcommand)]
pub enum CreditsCommand {
    /// Mint a capacity credit (a Rate Limit NFT) to the sender, paying what RateLimitNFT's
    /// `calculateCost` asks, as the JS SDK's `mintCapacityCreditsNFT` does.
    Mint {
        #[command(flatten)]
        network: NetworkArgs,
        #[command(flatten)]
        sender: SenderArgs,
        /// Requests per 1000 seconds.
        #[arg(long, value_name = "N", default_value_t = 1000)]
        requests_per_kilosecond: u64,
        /// Expire at UTC midnight this many days from today (at most 30).
        #[arg(long, value_name = "DAYS", default_value_t = 1)]
        days_until_utc_midnight_expiration: u64,
    },
}

#[derive(clap::Subcommand)]
pub enum PkpCommand {
    /// Mint a PKP to the sender (PKPNFT `mintNext`, or PKPHelper's
    /// `mintNextAndAddAuthMethods` when something is permitted in the same transaction).
    Mint {
        #[command(flatten)]
        network: NetworkArgs,
        #[command(flatten)]
        sender: SenderArgs,
        /// Permit this address to sign with the PKP (scope 1, sign anything); repeatable.
        #[arg(long = "permit-address", value_name = "ADDR")]
        permit_addresses: Vec<Address>,
        /// Permit an auth method, TYPE:ID:SCOPES (ID hex, SCOPES comma-separated, e.g.
        /// 1:0x70997970c51812dc3a010c7d01b50e0d17dc79c8:1); repeatable.
        #[arg(long = "auth-method", value_name = "TYPE:ID:SCOPES", value_parser = parse_auth_method)]
        auth_methods: Vec<Permit>,
    },
    /// Sign a hash (or an EIP-191 message) with a PKP, through the network's nodes, as its
    /// owner or an address it permits.
    Sign(super::pkp_sign::Args),
    /// Show a PKP: key, address, owner, and everything permitted to use it.
    Show {
        #[command(flatten)]
        network: NetworkArgs,
        /// The PKP's token id (decimal or 0x hex).
        token_id: U256,
    },
    /// Permit an address, auth method or Lit Action to use a PKP the sender owns.
    Permit {
        #[command(flatten)]
        network: NetworkArgs,
        #[command(flatten)]
        sender: SenderArgs,
        /// The PKP's token id (decimal or 0x hex).
        token_id: U256,
        /// An address (scope 1, sign anything).
        #[arg(long, value_name = "ADDR", group = "what")]
        address: Option<Address>,
        /// An auth method, TYPE:ID:SCOPES.
        #[arg(long = "auth-method", value_name = "TYPE:ID:SCOPES", value_parser = parse_auth_method, group = "what")]
        auth_method: Option<Permit>,
        /// A Lit Action by IPFS CID (scope 1, sign anything).
        #[arg(long, value_name = "CID", group = "what")]
        action: Option<String>,
    },
}

#[derive(clap::Subcommand)]
pub enum TokensCommand {
    /// Deploy the demo ERC-20, ERC-721 and ERC-1155 (the sender mints them) and add them to
    /// the network context file (`sigil devnet` deploys them already).
    Deploy {
        #[command(flatten)]
        network: NetworkArgs,
        #[command(flatten)]
        sender: SenderArgs,
    },
    /// Mint a demo token to an address (the sender must be the tokens' deployer: on a devnet,
    /// the dev wallet).
    Mint {
        #[command(flatten)]
        network: NetworkArgs,
        #[command(flatten)]
        sender: SenderArgs,
        /// Which token.
        #[arg(value_enum)]
        kind: TokenKind,
        /// Who receives it.
        #[arg(long, value_name = "ADDR")]
        to: Address,
        /// How many (ERC-20: in the smallest unit; ERC-1155: of --id). Not for ERC-721.
        #[arg(long, value_name = "N", default_value = "1")]
        amount: U256,
        /// The ERC-1155 id.
        #[arg(long, value_name = "ID", default_value = "1")]
        id: U256,
    },
    /// Deploy a contract wallet (EIP-1271) whose signatures are its owner's key's, to try
    /// contract-wallet AuthSigs (`derivedVia` `EIP1271` or `EIP1271_SHA256`) with; prints its
    /// address.
    Wallet {
        #[command(flatten)]
        network: NetworkArgs,
        #[command(flatten)]
        sender: SenderArgs,
        /// The key whose signatures the wallet takes [default: the sender].
        #[arg(long, value_name = "ADDR")]
        owner: Option<Address>,
    },
}

/// A demo token.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum TokenKind {
    /// `DemoERC20`.
    Erc20,
    /// `DemoERC721` (the next id).
    Erc721,
    /// `DemoERC1155`.
    Erc1155,
}

pub fn run_tokens(command: TokensCommand) -> Result<(), Failure> {
    super::client_runtime()?.block_on(async {
        match command {
            TokensCommand::Deploy { network, sender } => {
                let (provider, mut context) = connect(&network, Some(&sender)).await?;
                evm::deploy_demo_tokens(&provider, &mut context)
                    .await
                    .context("deploying the demo tokens")?;
                context.save(&network.network_context)?;
                let deployed: std::collections::BTreeMap<_, _> = evm::DEMO_TOKENS
                    .iter()
                    .filter_map(|name| Some((*name, context.address(name)?.to_checksum(None))))
                    .collect();
                print_json(&deployed)
            }
            TokensCommand::Wallet {
                network,
                sender,
                owner,
            } => {
                let (provider, _) = connect(&network, Some(&sender)).await?;
                let owner = match owner {
                    Some(owner) => owner,
                    None => wallet_from_env(&sender.private_key_env)?.address(),
                };
                let wallet = evm::deploy_contract_wallet(&provider, owner)
                    .await
                    .context("deploying the contract wallet")?;
                print_json(&serde_json::json!({"wallet": wallet, "owner": owner}))
            }
            TokensCommand::Mint {
                network,
                sender,
                kind,
                to,
                amount,
                id,
            } => {
                let (provider, context) = connect(&network, Some(&sender)).await?;
                let token = |name: &'static str| {
                    context.require(name).with_context(|| {
                        format!("no {name} in the network context: run `sigil tokens deploy`")
                    })
                };
                let minted = match kind {
                    TokenKind::Erc20 => {
                        let token = token("DemoERC20")?;
                        evm::mint_erc20(&provider, token, to, amount).await?;
                        serde_json::json!({"token": token, "to": to, "amount": amount.to_string()})
                    }
                    TokenKind::Erc721 => {
                        let token = token("DemoERC721")?;
                        let token_id = evm::mint_erc721(&provider, token, to).await?;
                        serde_json::json!({"token": token, "to": to, "tokenId": token_id.to_string()})
                    }
                    TokenKind::Erc1155 => {
                        let token = token("DemoERC1155")?;
                        evm::mint_erc1155(&provider, token, to, id, amount).await?;
                        serde_json::json!({"token": token, "to": to, "id": id.to_string(), "amount": amount.to_string()})
                    }
                };
                print_json(&minted)
            }
        }
    })
}

pub fn run_credits(command: CreditsCommand) -> Result<(), Failure> {
    super::client_runtime()?.block_on(async {
        match command {
            CreditsCommand::Mint {
                network,
                sender,
                requests_per_kilosecond,
                days_until_utc_midnight_expiration,
            } => {
                let (provider, context) = connect(&network, Some(&sender)).await?;
                let now = provider
                    .get_block_by_number(Default::default())
                    .await
                    .context("reading the latest block")?
                    .map(|block| block.header.timestamp)
                    .ok_or_else(|| anyhow!("the chain has no latest block"))?;
                let request = MintRequest {
                    requests_per_kilosecond: Some(requests_per_kilosecond),
                    days_until_utc_midnight_expiration: Some(days_until_utc_midnight_expiration),
                    ..MintRequest::default()
                };
                let (rate, expires_at) = request.resolve(now)?;
                let credit = evm::mint_capacity_credit(&provider, &context, rate, expires_at)
                    .await
                    .context("minting the capacity credit")?;
                print_json(&credit)
            }
        }
    })
}

pub fn run_pkp(command: PkpCommand) -> Result<(), Failure> {
    let command = match command {
        PkpCommand::Sign(args) => return super::pkp_sign::run(args),
        other => other,
    };
    super::client_runtime()?.block_on(async {
        match command {
            PkpCommand::Mint {
                network,
                sender,
                permit_addresses,
                auth_methods,
            } => {
                let (provider, context) = connect(&network, Some(&sender)).await?;
                let permits: Vec<Permit> = permit_addresses
                    .into_iter()
                    .map(|address| Permit::Address {
                        address,
                        scopes: vec![SCOPE_SIGN_ANYTHING],
                    })
                    .chain(auth_methods)
                    .collect();
                let pkp = evm::mint_pkp(&provider, &context, &permits)
                    .await
                    .context("minting the PKP")?;
                print_json(&pkp)
            }
            PkpCommand::Show { network, token_id } => {
                let (provider, context) = connect(&network, None).await?;
                let info = evm::pkp_info(&provider, &context, token_id)
                    .await
                    .with_context(|| format!("reading PKP {token_id}"))?;
                print_json(&info)
            }
            // Answered before the runtime starts (it runs a client runtime of its own).
            PkpCommand::Sign(_) => Err(anyhow!("pkp sign is not a chain command").into()),
            PkpCommand::Permit {
                network,
                sender,
                token_id,
                address,
                auth_method,
                action,
            } => {
                let permit = match (address, auth_method, action) {
                    (Some(address), None, None) => Permit::Address {
                        address,
                        scopes: vec![SCOPE_SIGN_ANYTHING],
                    },
                    (None, Some(permit), None) => permit,
                    (None, None, Some(cid)) => Permit::Action {
                        cid,
                        scopes: vec![SCOPE_SIGN_ANYTHING],
                    },
                    _ => {
                        return Err(
                            anyhow!("give one of --address, --auth-method or --action").into()
                        )
                    }
                };
                let (provider, context) = connect(&network, Some(&sender)).await?;
                evm::permit(&provider, &context, token_id, &permit)
                    .await
                    .with_context(|| format!("permitting on PKP {token_id}"))?;
                let info = evm::pkp_info(&provider, &context, token_id).await?;
                print_json(&info)
            }
        }
    })
}

async fn connect(
    network: &NetworkArgs,
    sender: Option<&SenderArgs>,
) -> anyhow::Result<(DynProvider, NetworkContext)> {
    let context = NetworkContext::load(&network.network_context)?;
    let builder = ProviderBuilder::new();
    let provider = match sender {
        Some(sender) => builder
            .wallet(wallet_from_env(&sender.private_key_env)?)
            .connect(&network.rpc)
            .await
            .with_context(|| format!("connecting to {}", network.rpc))?
            .erased(),
        None => builder
            .connect(&network.rpc)
            .await
            .with_context(|| format!("connecting to {}", network.rpc))?
            .erased(),
    };
    Ok((provider, context))
}

fn print_json(value: &impl Serialize) -> Result<(), Failure> {
    println!("{}", serde_json::to_string(value)?);
    Ok(())
}

/// `TYPE:ID:SCOPES`: a decimal type, hex id bytes, comma-separated decimal scope ids.
fn parse_auth_method(text: &str) -> Result<Permit, String> {
    let mut parts = text.splitn(3, ':');
    let (Some(kind), Some(id), Some(scopes)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(
            "expected TYPE:ID:SCOPES, e.g. 1:0x70997970c51812dc3a010c7d01b50e0d17dc79c8:1".into(),
        );
    };
    let method_type = kind
        .parse()
        .map_err(|_| format!("auth method type {kind:?} is not a number"))?;
    let id: Bytes = id
        .parse()
        .map_err(|_| format!("auth method id {id:?} is not hex"))?;
    let scopes = scopes
        .split(',')
        .filter(|scope| !scope.is_empty())
        .map(|scope| {
            scope
                .parse()
                .map_err(|_| format!("scope {scope:?} is not a number"))
        })
        .collect::<Result<Vec<u64>, String>>()?;
    Ok(Permit::AuthMethod {
        method_type,
        id,
        scopes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_methods_parse_from_type_id_and_scopes() {
        assert_eq!(
            parse_auth_method("1:0xabcd:1,2"),
            Ok(Permit::AuthMethod {
                method_type: 1,
                id: Bytes::from(vec![0xab, 0xcd]),
                scopes: vec![1, 2],
            })
        );
        assert_eq!(
            parse_auth_method("2:0x01:"),
            Ok(Permit::AuthMethod {
                method_type: 2,
                id: Bytes::from(vec![1]),
                scopes: vec![],
            })
        );
        assert!(parse_auth_method("1:0xab").is_err());
        assert!(parse_auth_method("x:0xab:1").is_err());
        assert!(parse_auth_method("1:zz:1").is_err());
        assert!(parse_auth_method("1:0xab:one").is_err());
    }
}
