//! What travels between a Lit client and a Lit node (the Datil network the JS SDK v7 talks to),
//! as types: one request and one response type per endpoint, the [`AuthSig`] every request
//! carries, and Lit's error codes ([`LitErrorCode`]) with the error body ([`LitErrorBody`]).
//!
//! Node and client both use these types, so the bytes one writes are the bytes the other reads.
//! Key order is the JS SDK's (struct field order); where the exact bytes of a part decide a
//! hash (the access control conditions), the part is kept as raw JSON text.
//!
//! Pure: serde only, no I/O.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod auth_sig;
mod chains;
mod encryption_sign;
mod error;
mod execute_js;
mod handshake;
mod peer;
mod pkp_sign;
mod sign_session_key;

pub use auth_sig::{AuthSig, AuthSigItem, MultipleAuthSigs};
pub use chains::LIT_EVM_CHAINS;
pub use encryption_sign::{EncryptionSignRequest, EncryptionSignResponse, SignatureShareJson};
pub use error::{LitErrorBody, LitErrorCode};
pub use execute_js::{
    ActionClaim, ActionSignatureShare, ExecuteJsFailure, ExecuteJsRequest, ExecuteJsResponse,
    EXECUTE_JS_PATH,
};
pub use handshake::{HandshakeRequest, HandshakeResponse};
pub use peer::{PeerMessage, PEER_MESSAGE_PATH};
pub use pkp_sign::{
    quoted_upper_hex, unquoted_hex, EcdsaSignatureShare, PkpSignRequest, PkpSignResponse,
    PKP_SIGN_PATH, SIG_TYPE_K256,
};
pub use serde_json::value::RawValue;
pub use sign_session_key::{
    AuthMethod, SignSessionKeyRequest, SignSessionKeyResponse, SIGN_SESSION_KEY_PATH,
};

/// `POST` path of the handshake, as the JS SDK v7 writes it (nodes also answer without the `/`).
pub const HANDSHAKE_PATH: &str = "/web/handshake/";
/// `POST` path of the decryption share request, as the JS SDK v7 writes it.
pub const ENCRYPTION_SIGN_PATH: &str = "/web/encryption/sign/";
