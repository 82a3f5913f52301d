//! The chain view Sigil nodes and clients read, Sigil's contracts, and an embedded EVM chain.
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
//! [`EthRpcClient`], a small Ethereum JSON-RPC client (chain id, latest block, the Staking
//! call): what a client needs to find a network's nodes.
//!
//! ## Feature `evm` (default, implies `remote`)
//!
//! [`evm`]: Sigil's contracts (bindings generated from the committed artifacts), their
//! deployment, the mints a user makes, [`evm::EvmChain`] (the [`ChainView`] a node keeps of any
//! EVM chain through an alloy provider) and [`evm::EmbeddedChain`] (an EVM chain in process,
//! served as Ethereum JSON-RPC, its state journaled in `redb`).
//!
//! ```
//! use sigil_chain::{staking, ValidatorInfo};
//! use std::net::Ipv4Addr;
//!
//! let validator = ValidatorInfo {
//!     ip: Ipv4Addr::LOCALHOST,
//!     port: 7470,
//!     node_address: Default::default(),
//!     communication_key: Default::default(),
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

#[cfg(feature = "evm")]
pub mod evm;
#[cfg(feature = "evm")]
mod periodic;
#[cfg(feature = "evm")]
pub mod rpc;

pub use error::Error;
pub use types::{
    Block, BlockLookup, CapacityCredit, ChainRead, ChainView, MintRequest, PermittedAuthMethod,
    PkpRegistry, PkpSigningRecord, ValidatorInfo,
};

#[cfg(feature = "remote")]
pub use eth_rpc_client::EthRpcClient;
#[cfg(feature = "evm")]
pub use rpc::RpcServer;

/// Anvil's and Hardhat's chain id, so wallets and tools already treat a devnet's chain as local.
pub const DEFAULT_DEVCHAIN_CHAIN_ID: u64 = 31337;

/// The first contract address anvil's default account deploys to: where a devnet's deployment
/// puts Staking, and where local clients look for it by default.
pub const DEFAULT_STAKING_ADDRESS: alloy_primitives::Address =
    alloy_primitives::address!("5FbDB2315678afecb367f032d93F642f64180aa3");
