//! `LitNodeClient` in Rust: what the Lit JS SDK v7's `LitNodeClient` does, with the same names
//! and the same bytes on the wire, against `sigil devnet` or Lit's Datil networks.
//!
//! # The seed guide's flow
//!
//! 1. [`LitNodeClient::new`] with a [`LitNetwork`] ([`LitNetwork::custom`] for a devnet, or
//!    `datil-dev` / `datil-test` / `datil`), then [`LitNodeClient::connect`]: the node list from
//!    the Staking contract, a handshake with every node, consensus on their keys.
//! 2. [`LitNodeClient::get_session_sigs`] with an async `auth_needed_callback` that signs a
//!    SIWE message ([`LitNodeClient::create_siwe_message`], [`generate_auth_sig`]). The
//!    session key and wallet sig are kept in a directory like the JS SDK's `localStorage`
//!    ([`SessionStorage`]), and the wallet sig is reused until it no longer fits
//!    ([`check_need_to_resign_session_key`]).
//! 3. [`LitNodeClient::encrypt`] (local) and [`LitNodeClient::decrypt`] (one request per node,
//!    threshold combine).
//!
//! See `examples/using_an_auth_sig.rs` for the whole flow against `sigil devnet`.
//!
//! # Beyond the JS SDK
//!
//! - `connect()` succeeds while at least `min_node_count` nodes answer and reports the
//!   unreachable ones ([`Connection::unreachable_nodes`]); the JS SDK fails on any.
//! - A stale blockhash is refreshed from the network's own chain RPC, so it works offline.
//!
//! # Not done
//!
//! SEV-SNP attestation reports (which the JS SDK checks on `datil-test` and `datil`) are not
//! verified, and PKP (`LIT_BLS`) wallet sigs are not checked: one is replaced through the
//! callback.
#![deny(missing_docs)]

mod actions;
mod client;
mod encryption;
mod error;
mod network;
mod node_http;
mod pkp;
mod pkp_session;
mod session;
mod storage;

pub use actions::{ExecuteJsParams, ExecuteJsResult, KeyClaim, ResponseStrategy};
pub use client::{Connection, CreateSiweMessageParams, LitNodeClient, LitNodeClientConfig};
pub use encryption::DecryptRequest;
pub use error::{BoxError, ClientError, NodeFailure};
pub use network::{
    LitNetwork, CHRONICLE_YELLOWSTONE_RPC_URL, DATIL_DEV_STAKING_ADDRESS, DATIL_STAKING_ADDRESS,
    DATIL_TEST_STAKING_ADDRESS, LOCAL_RPC_URL,
};
pub use node_http::{SDK_TYPE, SDK_VERSION};
pub use pkp::{pkp_eth_address, PkpSignature, PkpSigner};
pub use pkp_session::{
    eth_wallet_auth_method, sign_session_key_request, PkpSessionSigsParams, PKP_SESSION_DOMAIN,
    PKP_SESSION_STATEMENT,
};
pub use session::{
    check_need_to_resign_session_key, AuthCallbackParams, ResignReason, SessionSigsParams,
    DEFAULT_SESSION_VALIDITY,
};
pub use sigil_wire::AuthMethod;
pub use storage::{SessionStorage, SESSION_KEY_FILE, WALLET_SIG_FILE};

// The names of the seed guide, so one `use sigil_client::*` covers it.
pub use sigil_auth::{
    generate_auth_sig, AuthSig, LitAbility, LitResource, ResourceAbilityRequest, ResourcePrefix,
    SessionKeyPair, SessionSigs,
};
pub use sigil_crypto::bls::EncryptResponse;
pub use sigil_crypto::conditions::ConditionSet;

#[cfg(test)]
mod tests {
    use super::*;

    fn send<T: Send>(_: &T) {}

    #[test]
    fn client_and_its_futures_can_cross_threads() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<LitNodeClient>();
        // Compile-time proof that the futures can be spawned on a multi-threaded runtime.
        let _check = |client: &LitNodeClient, request: &DecryptRequest, sigs: &SessionSigs| {
            send(&client.connect());
            send(&client.get_latest_blockhash());
            send(&client.decrypt(request, sigs));
            send(&client.get_session_sigs(
                SessionSigsParams::new(Vec::new()),
                async |_: AuthCallbackParams| {
                    Err::<AuthSig, ClientError>(ClientError::NotConnected)
                },
            ));
        };
    }
}
