//! The crate's one public error type.

use std::net::SocketAddr;

/// Boxed detail of a lower layer (redb, HTTP transport), kept out of the public contract so
/// those crates can change without breaking callers.
pub type BoxedSource = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong reading or serving the chain.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The Staking call's return data is not the ABI encoding of
    /// `getActiveUnkickedValidatorStructsAndCounts()`'s outputs.
    #[error("staking call returned data that does not decode: {0}")]
    StakingDecode(#[source] alloy_sol_types::Error),
    /// A validator's `port` (a `uint32` on chain) is not a TCP port.
    #[error("validator port {0} is not a tcp port")]
    PortOutOfRange(u32),
    /// A Staking value does not fit the range the JS SDK reads it into (`toNumber()`).
    #[error("staking field {field} is out of range")]
    StakingValueOutOfRange {
        /// The ABI name of the field.
        field: &'static str,
    },
    /// A capacity credit mint request is not acceptable (zero rate, expiry in the past...).
    #[error("capacity credit rejected: {0}")]
    InvalidCapacityCredit(&'static str),
    /// The embedded chain's journal failed to open, read or write.
    #[error("chain storage failed: {0}")]
    Storage(#[source] BoxedSource),
    /// The JSON-RPC server could not bind its address.
    #[error("could not bind {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why the bind failed.
        source: std::io::Error,
    },
    /// A filesystem operation (creating the data dir) failed.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    /// The chain RPC could not be reached or answered with a non-JSON body.
    #[error("chain rpc transport failed: {0}")]
    Transport(#[source] BoxedSource),
    /// The chain RPC answered with a JSON-RPC error object.
    #[error("chain rpc error {code}: {message}")]
    Rpc {
        /// The JSON-RPC error code (for example -32601, method not found).
        code: i64,
        /// The server's message.
        message: String,
    },
    /// The chain RPC answered, but not with what the method returns.
    #[error("chain rpc answer is malformed: {0}")]
    InvalidResponse(String),
}
