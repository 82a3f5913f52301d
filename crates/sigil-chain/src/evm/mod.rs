//! Lit's contracts on an EVM chain: bindings generated from the committed artifacts, their
//! deployment, `network-context.json`, and the view a node reads through an alloy provider.

mod chain;
pub mod contracts;
mod deploy;
mod derive_precompile;
mod embedded;
mod embedded_rpc;
mod journal;
mod mint;
mod network_context;
mod tokens;

pub use chain::{resolve_addresses, EvmChain, EvmChainConfig, NetworkAddresses};
pub use deploy::{
    deploy, root_keys, set_root_keys, set_validators, DeployOptions, ENV_DEV, KEY_TYPE_ECDSA,
    RESOLVER_KEYS,
};
pub use derive_precompile::HD_KEY_DERIVER_PRECOMPILE;
pub use embedded::{
    dev_signers, CallRequest, EmbeddedBlock, EmbeddedError, EmbeddedEvm, MinedTransaction,
    BASE_FEE, BLOCK_GAS_LIMIT, DEV_ACCOUNT_BALANCE, DEV_ACCOUNT_KEYS,
};
pub use embedded_rpc::EmbeddedChain;
pub use mint::{
    ipfs_cid_bytes, ipfs_cid_text, mint_capacity_credit, mint_pkp, permit, pkp_info, pkp_token_id,
    top_up, MintedPkp, Permit, PermittedAuthMethod, PkpInfo, AUTH_METHOD_ACTION,
    AUTH_METHOD_ADDRESS, SCOPE_SIGN_ANYTHING,
};
pub use network_context::{contract_abi, NetworkContext};
pub use tokens::{
    deploy_contract_wallet, deploy_demo_tokens, mint_erc1155, mint_erc20, mint_erc721, DEMO_TOKENS,
};

/// What can go wrong talking to the contracts.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EvmError {
    /// A contract call or transaction failed (transport, revert, decoding).
    #[error("contract call failed: {0}")]
    Contract(#[from] alloy_contract::Error),
    /// A transaction was sent but its receipt could not be had.
    #[error("transaction failed: {0}")]
    Transaction(#[from] alloy_provider::PendingTransactionError),
    /// A plain RPC call failed.
    #[error("chain rpc failed: {0}")]
    Rpc(#[from] alloy_provider::transport::TransportError),
    /// The network context lacks a contract this needs.
    #[error("the network context has no {0} contract")]
    MissingContract(&'static str),
    /// `network-context.json` could not be read or written.
    #[error("network context: {0}")]
    NetworkContext(String),
    /// The chain answered something the contracts never return.
    #[error("unexpected chain data: {0}")]
    Unexpected(String),
    /// An argument is not what the call takes (e.g. a CID that is not base58).
    #[error("{0}")]
    InvalidInput(String),
}
