//! A whole local Lit network in one process: an EVM chain running Sigil's contracts (embedded
//! in the process and served as Ethereum JSON-RPC, or any external one) and N
//! `sigil-node` nodes holding shares of one BLS network key and of the 10 root ECDSA keys PKP
//! keys derive from (listed in every handshake as `hdRootPubkeys`), all dealt here. Each node's
//! directory in the data dir holds `key-share.json`, `ecdsa-root-shares.json` (both 0600) and
//! `config.json`.
//!
//! - [`Devnet::start`] runs the network; `sigil devnet` and `sigil demo` are thin wrappers
//!   around it. [`Devnet::info`] is what `sigil devnet --json` prints (and writes as
//!   `ready.json` in the data dir).
//! - [`serve_chain_of`] serves only the embedded chain of an existing devnet data dir, for nodes
//!   running as separate `sigil node --config` processes.
//! - [`dev_wallet`]: anvil's account #0, the devnet's funded-by-convention wallet.
#![deny(missing_docs)]

mod chain;
mod dealer;
mod devnet;
mod error;
mod wallet;

pub use chain::{serve_chain_of, RunningChain};
pub use devnet::{
    DevWalletInfo, Devnet, DevnetConfig, DevnetInfo, ExternalChain, NETWORK_CONTEXT_FILE,
    READY_FILE,
};
pub use error::DevnetError;
pub use wallet::{dev_wallet, DEV_WALLET_ADDRESS, DEV_WALLET_PRIVATE_KEY};
