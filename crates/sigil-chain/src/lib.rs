//! The chain view Sigil nodes and clients read, and an embedded devchain.
//!
//! Lit's nodes read three things from a chain: the latest block (its hash is the SIWE nonce a
//! client signs, its timestamp drives `timestamp` access-control conditions), the validator set
//! (the Staking contract's `getActiveUnkickedValidatorStructsAndCounts()`, which the JS SDK v7
//! calls in `connect()`), and capacity credits (Rate Limit NFTs, which pay for requests).
//!
//! ## Without default features
//!
//! The crate is the shared types ([`Block`], [`CapacityCredit`], [`ValidatorInfo`]), the
//! [`ChainView`] trait and the [`staking`] module: the Staking ABI (as `@lit-protocol/constants`
//! 7.4.0 ships it for datil-dev), its encoder and decoder, and the node-URL rule of the JS SDK.
//!
//! ## Feature `remote`
//!
//! [`EthRpcClient`], a small Ethereum JSON-RPC client (chain id, latest block, the Staking call,
//! Sigil's admin methods), and [`RemoteChain`], a [`ChainView`] that polls an RPC URL in the
//! background so a node in its own process answers every request from memory.
//!
//! ## Feature `devchain` (default, implies `remote`)
//!
//! [`DevChain`]: an in-memory chain that produces a new block every `block_time`, keeps
//! minted capacity credits in `redb`, and serves the JSON-RPC subset the JS SDK v7 calls
//! ([`DevChain::serve_rpc`]), plus admin methods in anvil's style. See [`rpc`] for the method
//! list.
//!
//! ```
//! use sigil_chain::{staking, ValidatorInfo};
//! use std::net::Ipv4Addr;
//!
//! let validator = ValidatorInfo {
//!     ip: Ipv4Addr::LOCALHOST,
//!     port: 7470,
//!     node_address: Default::default(),
//! };
//! let set = staking::ValidatorSet {
//!     epoch: staking::EpochInfo { epoch_length: 3600, number: 3, end_time: 4_000_000_000, retries: 0, timeout: 60 },
//!     min_node_count: 1,
//!     validators: vec![validator],
//! };
//! let returned = staking::encode_validator_set(&set);
//! let decoded = staking::decode_validator_set(&returned)?;
//! assert_eq!(decoded, set);
//! assert_eq!(
//!     decoded.node_urls(staking::NodeProtocol::Http),
//!     vec!["http://127.0.0.1:7470".to_string()]
//! );
//! # Ok::<_, sigil_chain::Error>(())
//! ```
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod error;
mod types;

pub mod staking;

#[cfg(feature = "remote")]
mod eth_rpc_client;
#[cfg(feature = "remote")]
mod periodic;
#[cfg(feature = "remote")]
mod remote;

#[cfg(feature = "evm")]
pub mod evm;

#[cfg(feature = "devchain")]
mod devchain;
#[cfg(feature = "devchain")]
pub mod rpc;
#[cfg(feature = "devchain")]
mod store;

pub use error::Error;
pub use types::{Block, CapacityCredit, ChainView, MintRequest, ValidatorInfo};

#[cfg(feature = "remote")]
pub use eth_rpc_client::EthRpcClient;
#[cfg(feature = "remote")]
pub use remote::{RemoteChain, RemoteChainConfig};

#[cfg(feature = "devchain")]
pub use devchain::{DevChain, DevChainConfig};
#[cfg(feature = "devchain")]
pub use rpc::RpcServer;

/// Anvil's and Hardhat's chain id, so wallets and tools already treat the devchain as local.
pub const DEFAULT_DEVCHAIN_CHAIN_ID: u64 = 31337;

/// The first contract address anvil's default account deploys to; the devchain answers Staking
/// calls there by default (the same address `jsref/mock-e2e.js` uses).
pub const DEFAULT_STAKING_ADDRESS: alloy_primitives::Address =
    alloy_primitives::address!("5FbDB2315678afecb367f032d93F642f64180aa3");
