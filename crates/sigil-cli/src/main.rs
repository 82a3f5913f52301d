//! `sigil`: Lit Protocol session signatures, threshold decryption and a local Lit network.
//!
//! Exit codes: 0 success, 1 a verification or decryption was refused, 2 any other error
//! (bad flags, bad input, network failure).

mod cmd;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "sigil",
    version,
    about = "Lit Protocol session signatures, threshold decryption and a local Lit network"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Make session sigs (one per node URL) from a wallet key, printed as the JS SDK's JSON map.
    SessionSigs(cmd::session_sigs::Args),
    /// Verify one session sig (JSON on stdin) as a node would.
    VerifySessionSig(cmd::verify_session_sig::Args),
    /// Make a capacity-delegation AuthSig, as the JS SDK's createCapacityDelegationAuthSig does.
    CapacityDelegation(cmd::capacity_delegation::Args),
    /// Access control conditions.
    #[command(subcommand)]
    Conditions(cmd::conditions::Command),
    /// Encrypt data to access control conditions under a network's public key.
    Encrypt(cmd::encrypt::Args),
    /// Decrypt through a network's decryption shares.
    Decrypt(cmd::decrypt::Args),
    /// Capacity credits on a network's chain.
    #[command(subcommand)]
    Credits(cmd::contracts::CreditsCommand),
    /// PKPs on a network's chain.
    #[command(subcommand)]
    Pkp(cmd::contracts::PkpCommand),
    /// Lit Actions: store their code on IPFS, run them on a network's nodes.
    #[command(subcommand)]
    Actions(cmd::actions::Command),
    /// Demo contracts: tokens to try token-gated conditions with, a contract wallet to try
    /// EIP-1271 AuthSigs with.
    #[command(subcommand)]
    Tokens(cmd::contracts::TokensCommand),
    /// Start a whole local Lit network (chain + N nodes) in one command.
    Devnet(cmd::devnet::Args),
    /// Run one node as its own process.
    Node(cmd::node::Args),
    /// Walk the seed guide's flow end to end against an embedded devnet.
    Demo(cmd::demo::Args),
}

/// An error that carries the exit code it must end the process with.
pub struct Failure {
    pub code: u8,
    pub error: anyhow::Error,
}

impl<E: Into<anyhow::Error>> From<E> for Failure {
    fn from(error: E) -> Self {
        Failure {
            code: 2,
            error: error.into(),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    cmd::init_tracing();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure { code, error }) => {
            if !error.to_string().is_empty() {
                eprintln!("error: {error:#}");
            }
            ExitCode::from(code)
        }
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::SessionSigs(args) => cmd::session_sigs::run(args),
        Command::VerifySessionSig(args) => cmd::verify_session_sig::run(args),
        Command::CapacityDelegation(args) => cmd::capacity_delegation::run(args),
        Command::Conditions(command) => cmd::conditions::run(command),
        Command::Encrypt(args) => cmd::encrypt::run(args),
        Command::Decrypt(args) => cmd::decrypt::run(args),
        Command::Credits(command) => cmd::contracts::run_credits(command),
        Command::Pkp(command) => cmd::contracts::run_pkp(command),
        Command::Tokens(command) => cmd::contracts::run_tokens(command),
        Command::Actions(command) => cmd::actions::run(command),
        Command::Devnet(args) => cmd::devnet::run(args),
        Command::Node(args) => cmd::node::run(args),
        Command::Demo(args) => cmd::demo::run(args),
    }
}
