//! Sign-In with Ethereum ([EIP-4361](https://eips.ethereum.org/EIPS/eip-4361)) as the Lit JS SDK
//! v7 writes it (`createSiweMessage`, `siwe` 2.3.2 `prepareMessage`), parsing, and
//! [EIP-191](https://eips.ethereum.org/EIPS/eip-191) verification.
//!
//! ```
//! use alloy_primitives::address;
//! use sigil_auth::siwe::{create_siwe_message, SiweMessage, SiweMessageParams};
//! use time::macros::datetime;
//!
//! let params = SiweMessageParams::new(address!("70997970C51812dc3A010C7d01b50e0d17dc79C8"), "0x8e2e8d2a1d3f4c5b")
//!     .with_uri("lit:session:8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c");
//! let text = create_siwe_message(&params, datetime!(2025-01-01 00:00 UTC))?;
//! assert!(text.starts_with("localhost wants you to sign in with your Ethereum account:\n0x70997970C51812dc3A010C7d01b50e0d17dc79C8\n\n"));
//! assert!(text.ends_with("Issued At: 2025-01-01T00:00:00.000Z\nExpiration Time: 2025-01-08T00:00:00.000Z"));
//! let parsed: SiweMessage = text.parse()?;
//! assert_eq!(parsed.to_string(), text);
//! # Ok::<_, sigil_auth::Error>(())
//! ```

use std::fmt;
use std::str::FromStr;

use ::siwe as siwe_rs;
use alloy_primitives::{Address, Signature};
use time::{Duration, OffsetDateTime};

use crate::error::AuthError;
use crate::recap::{Recap, RECAP_URN_PREFIX};
use crate::resource::ResourceAbilityRequest;
use crate::timefmt::to_js_iso_string;

/// Default SIWE domain of the JS SDK.
pub const DEFAULT_DOMAIN: &str = "localhost";
/// Default SIWE statement of the JS SDK (note the two spaces).
pub const DEFAULT_STATEMENT: &str =
    "This is a test statement.  You can put anything you want here.";
/// Default SIWE URI of the JS SDK.
pub const DEFAULT_URI: &str = "https://localhost/login";
/// Default chain id of the JS SDK.
pub const DEFAULT_CHAIN_ID: u64 = 1;
/// Default validity of a SIWE message of the JS SDK (expiration = now + 7 days).
pub const DEFAULT_VALIDITY: Duration = Duration::days(7);

/// Largest SIWE text accepted for parsing; real ones are well under 4 KiB.
const MAX_SIWE_LEN: usize = 64 * 1024;

/// Inputs of [`create_siwe_message`]; unset fields take the JS SDK defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct SiweMessageParams {
    /// The signing wallet (written EIP-55 checksummed).
    pub wallet_address: Address,
    /// The nonce: at least 8 ASCII letters or digits (the JS SDK uses the latest blockhash).
    pub nonce: String,
    /// RFC 3986 authority; default `localhost`.
    pub domain: Option<String>,
    /// Human-readable statement; default [`DEFAULT_STATEMENT`]. The ReCap statement is appended.
    pub statement: Option<String>,
    /// The URI being authorised (for a session: `lit:session:<pubhex>`); default `https://localhost/login`.
    pub uri: Option<String>,
    /// EIP-155 chain id; default 1.
    pub chain_id: Option<u64>,
    /// Expiration; default `now` + 7 days.
    pub expiration: Option<OffsetDateTime>,
    /// Resource-ability requests written as one merged `urn:recap:` resource (none: no resources).
    pub resources: Vec<ResourceAbilityRequest>,
}

impl SiweMessageParams {
    /// Parameters with every default: only the wallet and the nonce are required.
    pub fn new(wallet_address: Address, nonce: impl Into<String>) -> Self {
        SiweMessageParams {
            wallet_address,
            nonce: nonce.into(),
            domain: None,
            statement: None,
            uri: None,
            chain_id: None,
            expiration: None,
            resources: Vec::new(),
        }
    }

    /// Sets the domain.
    pub fn with_domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = Some(domain.into());
        self
    }

    /// Sets the statement.
    pub fn with_statement(mut self, statement: impl Into<String>) -> Self {
        self.statement = Some(statement.into());
        self
    }

    /// Sets the URI.
    pub fn with_uri(mut self, uri: impl Into<String>) -> Self {
        self.uri = Some(uri.into());
        self
    }

    /// Sets the chain id.
    pub fn with_chain_id(mut self, chain_id: u64) -> Self {
        self.chain_id = Some(chain_id);
        self
    }

    /// Sets the expiration.
    pub fn with_expiration(mut self, expiration: OffsetDateTime) -> Self {
        self.expiration = Some(expiration);
        self
    }

    /// Sets the resource-ability requests carried as a ReCap.
    pub fn with_resources(mut self, resources: Vec<ResourceAbilityRequest>) -> Self {
        self.resources = resources;
        self
    }
}

/// The SIWE text the JS SDK's `createSiweMessage` produces for `params` at time `now`
/// (`Issued At` = `now` with millisecond precision), byte for byte. No trailing newline.
pub fn create_siwe_message(
    params: &SiweMessageParams,
    now: OffsetDateTime,
) -> Result<String, AuthError> {
    let domain = params.domain.as_deref().unwrap_or(DEFAULT_DOMAIN);
    let uri = params.uri.as_deref().unwrap_or(DEFAULT_URI);
    let base_statement = params.statement.as_deref().unwrap_or(DEFAULT_STATEMENT);
    let chain_id = params.chain_id.unwrap_or(DEFAULT_CHAIN_ID);
    let expiration = match params.expiration {
        Some(expiration) => expiration,
        None => now
            .checked_add(DEFAULT_VALIDITY)
            .ok_or_else(|| AuthError::InvalidSiweParams {
                field: "expiration",
                reason: "now + 7 days is out of range".into(),
            })?,
    };

    if domain.is_empty() || domain.contains(['\n', '\r']) {
        return Err(invalid("domain", "must be a non-empty single line"));
    }
    if uri.is_empty() || uri.contains(char::is_whitespace) {
        return Err(invalid("uri", "must be a non-empty URI without whitespace"));
    }
    if base_statement.contains('\n') {
        return Err(invalid("statement", "must not contain a newline"));
    }
    if params.nonce.len() < 8 || !params.nonce.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(invalid(
            "nonce",
            "must be at least 8 ASCII letters or digits",
        ));
    }

    // The JS SDK appends the merged ReCap's statement after one space and writes one resource.
    let (statement, resources) = if params.resources.is_empty() {
        (base_statement.to_owned(), Vec::new())
    } else {
        let recap = Recap::from_requests(&params.resources)?;
        (
            format!("{base_statement} {}", recap.statement()),
            vec![recap.encode()],
        )
    };

    let mut text = format!(
        "{domain} wants you to sign in with your Ethereum account:\n{}\n\n",
        siwe_rs::eip55(&params.wallet_address.into_array())
    );
    if !statement.is_empty() {
        text.push_str(&statement);
        text.push('\n');
    }
    text.push_str(&format!(
        "\nURI: {uri}\nVersion: 1\nChain ID: {chain_id}\nNonce: {}\nIssued At: {}\nExpiration Time: {}",
        params.nonce,
        to_js_iso_string(now),
        to_js_iso_string(expiration)
    ));
    if !resources.is_empty() {
        text.push_str("\nResources:");
        for resource in &resources {
            text.push_str("\n- ");
            text.push_str(resource);
        }
    }

    // Parsing back validates the domain authority, the URI and the timestamps the way every
    // verifier will, and refuses any text that would not print back unchanged.
    text.parse::<SiweMessage>()
        .map_err(|error| invalid("message", &error.to_string()))?;
    Ok(text)
}

fn invalid(field: &'static str, reason: &str) -> AuthError {
    AuthError::InvalidSiweParams {
        field,
        reason: reason.to_owned(),
    }
}

/// A parsed EIP-4361 message. `to_string()` gives back the parsed text byte for byte.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiweMessage {
    inner: siwe_rs::Message,
}

impl SiweMessage {
    /// The signing address.
    pub fn address(&self) -> Address {
        Address::from(self.inner.address)
    }

    /// The RFC 3986 authority asking for the signature.
    pub fn domain(&self) -> String {
        self.inner.domain.to_string()
    }

    /// The statement, if any.
    pub fn statement(&self) -> Option<&str> {
        self.inner.statement.as_deref()
    }

    /// The URI (for a session capability: `lit:session:<pubhex>`).
    pub fn uri(&self) -> &str {
        self.inner.uri.as_str()
    }

    /// The EIP-155 chain id.
    pub fn chain_id(&self) -> u64 {
        self.inner.chain_id
    }

    /// The nonce.
    pub fn nonce(&self) -> &str {
        &self.inner.nonce
    }

    /// `Issued At`.
    pub fn issued_at(&self) -> OffsetDateTime {
        *self.inner.issued_at.as_ref()
    }

    /// `Expiration Time`, if any.
    pub fn expiration_time(&self) -> Option<OffsetDateTime> {
        self.inner.expiration_time.as_ref().map(|t| *t.as_ref())
    }

    /// `Not Before`, if any.
    pub fn not_before(&self) -> Option<OffsetDateTime> {
        self.inner.not_before.as_ref().map(|t| *t.as_ref())
    }

    /// The resources, in order.
    pub fn resources(&self) -> impl Iterator<Item = &str> {
        self.inner.resources.iter().map(|r| r.as_str())
    }

    /// Every `urn:recap:` resource that decodes, in order (undecodable ones skipped, as Lit
    /// nodes skip them).
    pub fn recaps(&self) -> Vec<Recap> {
        self.resources()
            .filter(|r| r.starts_with(RECAP_URN_PREFIX))
            .filter_map(|r| Recap::decode(r).ok())
            .collect()
    }

    /// Whether `now` lies in the message's window: `Not Before` < now <= `Expiration Time`
    /// (either bound optional), as the `siwe` crate's `valid_at` decides.
    pub fn valid_at(&self, now: OffsetDateTime) -> bool {
        self.inner.valid_at(&now)
    }

    /// Checks an EIP-191 (`personal_sign`) signature of this message against its address.
    /// High-`s` signatures are refused.
    pub fn verify_signature(&self, signature: &[u8; 65]) -> Result<(), AuthError> {
        // Not the `siwe` crate's own check: that recovers with k256, several times slower.
        verify_eip191_bytes(self.to_string().as_bytes(), signature, self.address())
    }

    /// The underlying `siwe` crate message.
    pub fn as_siwe(&self) -> &siwe_rs::Message {
        &self.inner
    }
}

impl FromStr for SiweMessage {
    type Err = AuthError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.len() > MAX_SIWE_LEN {
            return Err(AuthError::SiweParse {
                reason: format!("message longer than {MAX_SIWE_LEN} bytes"),
            });
        }
        let inner = text
            .parse::<siwe_rs::Message>()
            .map_err(|error| AuthError::SiweParse {
                reason: error.to_string(),
            })?;
        // The `siwe` crate ignores the blank separator lines, drops an empty `Resources:` and
        // reads `Chain ID: 01` as 1. A signature is checked over the printed message, so only
        // the canonical text may stand for it: anything else is a text the wallet did not sign.
        if inner.to_string() != text {
            return Err(AuthError::SiweParse {
                reason: "not in canonical EIP-4361 form".to_owned(),
            });
        }
        Ok(SiweMessage { inner })
    }
}

impl fmt::Display for SiweMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

/// A fresh nonce shaped like the JS SDK's (a blockhash): `0x` + 64 hex characters from `rng`.
pub fn random_nonce<R: rand_core::CryptoRngCore + ?Sized>(rng: &mut R) -> String {
    let mut bytes = [0u8; 32];
    rng.fill_bytes(&mut bytes);
    format!("0x{}", hex::encode(bytes))
}

/// Decodes an EIP-191 signature written as hex (`0x` optional): exactly 65 bytes r‖s‖v.
pub fn parse_signature_hex(signature: &str) -> Result<[u8; 65], AuthError> {
    let bare = signature.strip_prefix("0x").unwrap_or(signature);
    let mut bytes = [0u8; 65];
    hex::decode_to_slice(bare, &mut bytes).map_err(|error| AuthError::SignatureEncoding {
        reason: format!("expected 130 hex characters: {error}"),
    })?;
    Ok(bytes)
}

/// Checks that `signature` (hex, `0x` optional) is `address`'s EIP-191 `personal_sign` signature
/// of the UTF-8 bytes of `message`. `v` may be 27/28 or 0/1; high-`s` signatures are refused.
///
/// ```
/// use alloy_signer::SignerSync;
/// use alloy_signer_local::PrivateKeySigner;
/// let signer = PrivateKeySigner::random();
/// let signature = signer.sign_message_sync(b"hello").unwrap();
/// sigil_auth::verify_eip191("hello", &format!("0x{}", hex::encode(signature.as_bytes())), signer.address())?;
/// assert!(sigil_auth::verify_eip191("hullo", &hex::encode(signature.as_bytes()), signer.address()).is_err());
/// # Ok::<_, sigil_auth::Error>(())
/// ```
pub fn verify_eip191(message: &str, signature: &str, address: Address) -> Result<(), AuthError> {
    verify_eip191_bytes(
        message.as_bytes(),
        &parse_signature_hex(signature)?,
        address,
    )
}

/// [`verify_eip191`] over raw bytes: the one place a wallet signature is recovered (libsecp256k1
/// through alloy's `secp256k1` feature).
pub fn verify_eip191_bytes(
    message: &[u8],
    signature: &[u8; 65],
    address: Address,
) -> Result<(), AuthError> {
    let signature =
        Signature::from_raw_array(signature).map_err(|error| AuthError::SignatureEncoding {
            reason: error.to_string(),
        })?;
    if signature.normalize_s().is_some() {
        return Err(AuthError::SignatureEncoding {
            reason: "high-s signature".into(),
        });
    }
    let recovered = signature
        .recover_address_from_msg(message)
        .map_err(|error| AuthError::SignerMismatch {
            expected: address.to_checksum(None),
            recovered: format!("none ({error})"),
        })?;
    if recovered != address {
        return Err(AuthError::SignerMismatch {
            expected: address.to_checksum(None),
            recovered: recovered.to_checksum(None),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::address;
    use time::macros::datetime;

    const WALLET: Address = address!("70997970C51812dc3A010C7d01b50e0d17dc79C8");

    #[test]
    fn bad_nonces_are_refused() {
        for nonce in ["short", "0x8e2e-8d2a1d3f", "has space in it"] {
            let error = create_siwe_message(
                &SiweMessageParams::new(WALLET, nonce),
                datetime!(2025-01-01 00:00 UTC),
            )
            .unwrap_err();
            assert!(
                matches!(error, AuthError::InvalidSiweParams { field: "nonce", .. }),
                "{nonce}"
            );
        }
    }

    #[test]
    fn newlines_in_statement_or_domain_are_refused() {
        let now = datetime!(2025-01-01 00:00 UTC);
        let statement = SiweMessageParams::new(WALLET, "abcdefgh1").with_statement("a\nb");
        assert!(matches!(
            create_siwe_message(&statement, now),
            Err(AuthError::InvalidSiweParams {
                field: "statement",
                ..
            })
        ));
        let domain = SiweMessageParams::new(WALLET, "abcdefgh1").with_domain("a\nb");
        assert!(matches!(
            create_siwe_message(&domain, now),
            Err(AuthError::InvalidSiweParams {
                field: "domain",
                ..
            })
        ));
    }

    #[test]
    fn empty_statement_without_recap_is_left_out_like_the_js_sdk() {
        let params = SiweMessageParams::new(WALLET, "abcdefgh1").with_statement("");
        let text = create_siwe_message(&params, datetime!(2025-01-01 00:00 UTC)).unwrap();
        assert!(text.contains(
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8\n\n\nURI: https://localhost/login\n"
        ));
    }

    #[test]
    fn oversized_messages_are_not_parsed() {
        let huge = "a".repeat(MAX_SIWE_LEN + 1);
        assert!(matches!(
            huge.parse::<SiweMessage>(),
            Err(AuthError::SiweParse { .. })
        ));
    }

    #[test]
    fn signature_hex_must_be_65_bytes() {
        assert!(parse_signature_hex("0x1234").is_err());
        assert!(parse_signature_hex(&"zz".repeat(65)).is_err());
        assert_eq!(parse_signature_hex(&"01".repeat(65)).unwrap(), [1u8; 65]);
    }
}
