//! Session keys and session sigs: the ed25519 key the wallet authorises, and the per-node
//! signatures over the JS SDK's JSON template.

use std::fmt;

use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use rand_core::CryptoRngCore;
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::auth_sig::{AuthSig, ALGO_ED25519, DERIVED_VIA_SESSION};
use crate::error::AuthError;
use crate::resource::ResourceAbilityRequest;
use crate::timefmt::to_js_iso_string;

/// Prefix of a session key URI (`LIT_SESSION_KEY_URI`).
pub const SESSION_KEY_URI_PREFIX: &str = "lit:session:";

/// An ed25519 session key in the JS SDK's forms: public key as 64 lowercase hex, secret key as
/// 128 hex (tweetnacl's 64-byte `seed‖public`).
///
/// The secret is zeroized on drop and never shown by `Debug`.
///
/// ```
/// use sigil_auth::SessionKeyPair;
/// let key = SessionKeyPair::from_seed([1u8; 32]);
/// assert_eq!(key.public_key_hex(), "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c");
/// assert_eq!(key.uri(), "lit:session:8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c");
/// let again = SessionKeyPair::from_secret_hex(&key.secret_key_hex())?;
/// assert_eq!(again.public_key_hex(), key.public_key_hex());
/// assert!(!format!("{key:?}").contains(&key.secret_key_hex()[..64]));
/// # Ok::<_, sigil_auth::Error>(())
/// ```
#[derive(Clone)]
pub struct SessionKeyPair {
    signing: SigningKey,
}

impl SessionKeyPair {
    /// A fresh random key.
    pub fn generate<R: CryptoRngCore + ?Sized>(rng: &mut R) -> Self {
        SessionKeyPair {
            signing: SigningKey::generate(rng),
        }
    }

    /// The key with this 32-byte seed (tweetnacl `keyPair.fromSeed`).
    pub fn from_seed(seed: [u8; 32]) -> Self {
        let seed = Zeroizing::new(seed);
        SessionKeyPair {
            signing: SigningKey::from_bytes(&seed),
        }
    }

    /// The key from its JS secret form: 128 hex characters, `seed‖public` (the public half must
    /// match the seed).
    pub fn from_secret_hex(secret_hex: &str) -> Result<Self, AuthError> {
        let mut bytes = Zeroizing::new([0u8; 64]);
        hex::decode_to_slice(secret_hex, bytes.as_mut_slice()).map_err(|_| {
            AuthError::InvalidSessionKey {
                reason: "expected 128 hex characters (seed and public key)",
            }
        })?;
        let mut seed = Zeroizing::new([0u8; 32]);
        seed.copy_from_slice(&bytes[..32]);
        let key = SessionKeyPair {
            signing: SigningKey::from_bytes(&seed),
        };
        if key.signing.verifying_key().as_bytes()[..] != bytes[32..] {
            return Err(AuthError::InvalidSessionKey {
                reason: "the public half does not belong to the seed",
            });
        }
        Ok(key)
    }

    /// The public key, 64 lowercase hex characters.
    pub fn public_key_hex(&self) -> String {
        hex::encode(self.signing.verifying_key().as_bytes())
    }

    /// The secret key in the JS form: 128 hex characters, `seed‖public`. Handle with care.
    pub fn secret_key_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.signing.to_keypair_bytes()))
    }

    /// The public key.
    pub fn verifying_key(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    /// `lit:session:<public key hex>`, the URI the wallet's SIWE must name.
    pub fn uri(&self) -> String {
        format!("{SESSION_KEY_URI_PREFIX}{}", self.public_key_hex())
    }

    /// ed25519 signature of `message` (tweetnacl `sign.detached`), as 128 lowercase hex.
    pub fn sign_hex(&self, message: &[u8]) -> String {
        hex::encode(self.signing.sign(message).to_bytes())
    }
}

/// Keys are equal when their secrets are (compared in constant time by `ed25519-dalek`).
impl PartialEq for SessionKeyPair {
    fn eq(&self, other: &Self) -> bool {
        self.signing == other.signing
    }
}

impl Eq for SessionKeyPair {}

impl fmt::Debug for SessionKeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The secret key stays out of logs.
        f.debug_struct("SessionKeyPair")
            .field("public_key", &self.public_key_hex())
            .field("secret_key", &"<redacted>")
            .finish()
    }
}

/// What a session sig authorises: the template fields other than the session key and node.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionSigningParams {
    /// The resources and abilities asked for, written as given.
    pub resource_ability_requests: Vec<ResourceAbilityRequest>,
    /// The capabilities: capacity delegations first, the user's wallet AuthSig last.
    pub capabilities: Vec<AuthSig>,
    /// `issuedAt` (the JS SDK uses the current time).
    pub issued_at: OffsetDateTime,
    /// `expiration` (the JS SDK default is now + 24 h).
    pub expiration: OffsetDateTime,
}

/// The signed JSON template of a session sig, field order exactly as the JS SDK writes it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TemplateHead<'a> {
    session_key: &'a str,
    resource_ability_requests: &'a [ResourceAbilityRequest],
    capabilities: &'a [AuthSig],
    issued_at: &'a str,
    expiration: &'a str,
}

/// Signs the session template once per node URL (the JS SDK's `getSessionSigs` loop): the
/// result maps each distinct URL, in order, to `{sig, derivedVia: "litSessionSignViaNacl",
/// signedMessage, address: <pubhex>, algo: "ed25519"}`.
pub fn sign_session_sigs<U: AsRef<str>>(
    key: &SessionKeyPair,
    params: &SessionSigningParams,
    node_urls: &[U],
) -> Result<SessionSigs, AuthError> {
    if node_urls.is_empty() {
        return Err(AuthError::InvalidInput {
            what: "node urls",
            reason: "at least one node URL is needed".into(),
        });
    }
    let public_key = key.public_key_hex();
    let issued_at = to_js_iso_string(params.issued_at);
    let expiration = to_js_iso_string(params.expiration);
    let head = serde_json::to_string(&TemplateHead {
        session_key: &public_key,
        resource_ability_requests: &params.resource_ability_requests,
        capabilities: &params.capabilities,
        issued_at: &issued_at,
        expiration: &expiration,
    })
    .map_err(|error| AuthError::InvalidInput {
        what: "session template",
        reason: error.to_string(),
    })?;
    // serde_json escapes strings exactly as JSON.stringify does (quote, backslash, control
    // characters; `/` and non-ASCII left alone), so these bytes are the JS SDK's.
    // Only nodeAddress differs per node: write the rest once. `head` ends with its closing brace.
    let head = head.strip_suffix('}').unwrap_or(&head);

    let mut sigs = SessionSigs::default();
    for url in node_urls {
        let url = url.as_ref();
        if sigs.get(url).is_some() {
            continue;
        }
        let url_json = serde_json::to_string(url).map_err(|error| AuthError::InvalidInput {
            what: "node url",
            reason: error.to_string(),
        })?;
        let signed_message = format!("{head},\"nodeAddress\":{url_json}}}");
        let sig = AuthSig {
            sig: key.sign_hex(signed_message.as_bytes()),
            derived_via: DERIVED_VIA_SESSION.to_owned(),
            signed_message,
            address: public_key.clone(),
            algo: Some(ALGO_ED25519.to_owned()),
        };
        sigs.entries.push((url.to_owned(), sig));
    }
    Ok(sigs)
}

/// Session sigs keyed by node URL, in insertion order; serialises as the JS SDK's JSON object
/// `{"<url>": {sig, derivedVia, signedMessage, address, algo}, ...}`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SessionSigs {
    entries: Vec<(String, AuthSig)>,
}

impl SessionSigs {
    /// The session sig for exactly this node URL.
    pub fn get(&self, node_url: &str) -> Option<&AuthSig> {
        self.entries
            .iter()
            .find(|(url, _)| url == node_url)
            .map(|(_, sig)| sig)
    }

    /// Adds or replaces the sig for `node_url` (a new URL goes last).
    pub fn insert(&mut self, node_url: impl Into<String>, sig: AuthSig) {
        let node_url = node_url.into();
        match self.entries.iter_mut().find(|(url, _)| *url == node_url) {
            Some((_, existing)) => *existing = sig,
            None => self.entries.push((node_url, sig)),
        }
    }

    /// `(node URL, session sig)` pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &AuthSig)> {
        self.entries.iter().map(|(url, sig)| (url.as_str(), sig))
    }

    /// The node URLs in order.
    pub fn urls(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(url, _)| url.as_str())
    }

    /// How many nodes.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Parses the JSON map (a repeated URL is refused).
    pub fn from_json(json: &str) -> Result<Self, AuthError> {
        serde_json::from_str(json).map_err(|error| AuthError::InvalidInput {
            what: "session sigs JSON",
            reason: error.to_string(),
        })
    }

    /// The JSON map, in order.
    pub fn to_json(&self) -> String {
        // Strings and maps only: serialisation cannot fail.
        serde_json::to_string(self).expect("serialising strings to JSON cannot fail")
    }
}

impl<'a> IntoIterator for &'a SessionSigs {
    type Item = (&'a str, &'a AuthSig);
    type IntoIter = Box<dyn Iterator<Item = (&'a str, &'a AuthSig)> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

impl Serialize for SessionSigs {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (url, sig) in &self.entries {
            map.serialize_entry(url, sig)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for SessionSigs {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SigsVisitor;
        impl<'de> Visitor<'de> for SigsVisitor {
            type Value = SessionSigs;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of node URL to session sig")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SessionSigs, A::Error> {
                let mut sigs = SessionSigs::default();
                while let Some((url, sig)) = map.next_entry::<String, AuthSig>()? {
                    if sigs.get(&url).is_some() {
                        return Err(serde::de::Error::custom(format!(
                            "node URL {url:?} appears twice"
                        )));
                    }
                    sigs.entries.push((url, sig));
                }
                Ok(sigs)
            }
        }
        deserializer.deserialize_map(SigsVisitor)
    }
}

/// The session template as a node reads it (Datil `SessionKeySignedMessage`): strings kept as
/// sent, unknown fields (such as a request's `data`) ignored.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionKeySignedMessage {
    /// The session public key as written (never compared by a Lit node: the outer `address` is used).
    pub session_key: String,
    /// The requests as written.
    pub resource_ability_requests: Vec<RequestedResource>,
    /// The capabilities.
    pub capabilities: Vec<AuthSig>,
    /// `issuedAt` as written.
    pub issued_at: String,
    /// `expiration` as written.
    pub expiration: String,
    /// `nodeAddress` as written.
    pub node_address: String,
}

/// One `resourceAbilityRequests` entry as a node reads it: plain strings.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct RequestedResource {
    /// `{resource, resourcePrefix}`.
    pub resource: RequestedResourceId,
    /// The ability string (not checked by a Lit node).
    pub ability: String,
}

/// The resource of a [`RequestedResource`].
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestedResourceId {
    /// The id, or `*`.
    pub resource: String,
    /// The prefix, e.g. `lit-accesscontrolcondition`.
    pub resource_prefix: String,
}

impl SessionKeySignedMessage {
    /// Parses a session sig's `signedMessage`.
    pub fn parse(signed_message: &str) -> Result<Self, AuthError> {
        serde_json::from_str(signed_message).map_err(|error| AuthError::SignedMessageMalformed {
            reason: error.to_string(),
        })
    }
}
