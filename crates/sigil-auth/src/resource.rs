//! Lit resources, abilities and the resource-ability requests a session sig carries.
//!
//! The wire forms follow the Lit JS SDK v7 (`@lit-protocol/auth-helpers`) exactly: a resource
//! key is `<prefix>://<id>`, a request serialises as
//! `{"resource":{"resource":"*","resourcePrefix":"lit-accesscontrolcondition"},"ability":"..."}`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::AuthError;

/// What a session may do with a resource (`LIT_ABILITY` in the JS SDK).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LitAbility {
    /// `access-control-condition-decryption`: ReCap `Threshold/Decryption`.
    AccessControlConditionDecryption,
    /// `access-control-condition-signing`: ReCap `Threshold/Signing`.
    AccessControlConditionSigning,
    /// `pkp-signing`: ReCap `Threshold/Signing`.
    PkpSigning,
    /// `rate-limit-increase-auth`: ReCap `Auth/Auth`.
    RateLimitIncreaseAuth,
    /// `lit-action-execution`: ReCap `Threshold/Execution`.
    LitActionExecution,
}

impl LitAbility {
    /// Every ability, in the JS SDK's declaration order.
    pub const ALL: [LitAbility; 5] = [
        LitAbility::AccessControlConditionDecryption,
        LitAbility::AccessControlConditionSigning,
        LitAbility::PkpSigning,
        LitAbility::RateLimitIncreaseAuth,
        LitAbility::LitActionExecution,
    ];

    /// The JS string form, e.g. `access-control-condition-decryption`.
    pub fn as_str(self) -> &'static str {
        match self {
            LitAbility::AccessControlConditionDecryption => "access-control-condition-decryption",
            LitAbility::AccessControlConditionSigning => "access-control-condition-signing",
            LitAbility::PkpSigning => "pkp-signing",
            LitAbility::RateLimitIncreaseAuth => "rate-limit-increase-auth",
            LitAbility::LitActionExecution => "lit-action-execution",
        }
    }

    /// The ReCap `(namespace, name)` this ability is granted by, e.g. `("Threshold", "Decryption")`.
    pub fn recap_ability(self) -> (&'static str, &'static str) {
        match self {
            LitAbility::AccessControlConditionDecryption => ("Threshold", "Decryption"),
            LitAbility::AccessControlConditionSigning | LitAbility::PkpSigning => {
                ("Threshold", "Signing")
            }
            LitAbility::RateLimitIncreaseAuth => ("Auth", "Auth"),
            LitAbility::LitActionExecution => ("Threshold", "Execution"),
        }
    }

    /// The ReCap ability key `namespace/name`, e.g. `Threshold/Decryption`.
    pub fn recap_ability_key(self) -> String {
        let (namespace, name) = self.recap_ability();
        format!("{namespace}/{name}")
    }
}

impl fmt::Display for LitAbility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LitAbility {
    type Err = AuthError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LitAbility::ALL
            .into_iter()
            .find(|ability| ability.as_str() == s)
            .ok_or_else(|| AuthError::UnknownAbility {
                ability: truncate_for_error(s),
            })
    }
}

impl Serialize for LitAbility {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for LitAbility {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The kind of a Lit resource (`LIT_RESOURCE_PREFIX` in the JS SDK).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResourcePrefix {
    /// `lit-accesscontrolcondition`: an encrypted item's key, `<hashOfConditions>/<dataToEncryptHash>`.
    AccessControlCondition,
    /// `lit-pkp`: a PKP, by token id.
    Pkp,
    /// `lit-ratelimitincrease`: a capacity credit (rate limit increase NFT), by token id.
    RateLimitIncrease,
    /// `lit-litaction`: a Lit Action, by IPFS id.
    LitAction,
}

impl ResourcePrefix {
    /// Every prefix.
    pub const ALL: [ResourcePrefix; 4] = [
        ResourcePrefix::AccessControlCondition,
        ResourcePrefix::Pkp,
        ResourcePrefix::RateLimitIncrease,
        ResourcePrefix::LitAction,
    ];

    /// The wire form, e.g. `lit-accesscontrolcondition`.
    pub fn as_str(self) -> &'static str {
        match self {
            ResourcePrefix::AccessControlCondition => "lit-accesscontrolcondition",
            ResourcePrefix::Pkp => "lit-pkp",
            ResourcePrefix::RateLimitIncrease => "lit-ratelimitincrease",
            ResourcePrefix::LitAction => "lit-litaction",
        }
    }

    /// Whether a resource of this kind may be asked for with `ability` (the JS SDK's
    /// `isValidLitAbility`: each kind has its own set).
    pub fn accepts(self, ability: LitAbility) -> bool {
        matches!(
            (self, ability),
            (
                ResourcePrefix::AccessControlCondition,
                LitAbility::AccessControlConditionDecryption
                    | LitAbility::AccessControlConditionSigning
            ) | (ResourcePrefix::Pkp, LitAbility::PkpSigning)
                | (
                    ResourcePrefix::RateLimitIncrease,
                    LitAbility::RateLimitIncreaseAuth
                )
                | (ResourcePrefix::LitAction, LitAbility::LitActionExecution)
        )
    }
}

impl fmt::Display for ResourcePrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ResourcePrefix {
    type Err = AuthError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ResourcePrefix::ALL
            .into_iter()
            .find(|prefix| prefix.as_str() == s)
            .ok_or_else(|| AuthError::InvalidResource {
                resource: truncate_for_error(s),
                reason: "unknown resource prefix",
            })
    }
}

impl Serialize for ResourcePrefix {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ResourcePrefix {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// One Lit resource: a kind and an id (`*` for all of that kind).
///
/// Invariant: a PKP id is normalised as the JS `LitPKPResource` does (no `0x`, hex ids left-padded
/// to 64 characters), so [`LitResource::resource_key`] is the key the JS SDK writes in a ReCap.
///
/// ```
/// use sigil_auth::{LitResource, ResourcePrefix};
/// let pkp = LitResource::parse("lit-pkp://0xabc")?;
/// assert_eq!(pkp.prefix(), ResourcePrefix::Pkp);
/// assert_eq!(pkp.id(), format!("{:0>64}", "abc"));
/// assert_eq!(LitResource::parse("lit-accesscontrolcondition://*")?.resource_key(), "lit-accesscontrolcondition://*");
/// # Ok::<_, sigil_auth::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LitResource {
    prefix: ResourcePrefix,
    id: String,
}

/// Longest resource id accepted; ACC ids are 129 characters, this leaves room without letting a
/// peer make us carry megabytes around.
const MAX_RESOURCE_ID_LEN: usize = 1024;

impl LitResource {
    /// A resource of kind `prefix` with id `id` (`*` for all). Empty, over-long or
    /// control-character ids are refused; PKP ids are normalised.
    pub fn new(prefix: ResourcePrefix, id: impl Into<String>) -> Result<Self, AuthError> {
        let id = id.into();
        if id.is_empty() {
            return Err(AuthError::InvalidResource {
                resource: prefix.to_string(),
                reason: "empty resource id",
            });
        }
        if id.len() > MAX_RESOURCE_ID_LEN {
            return Err(AuthError::InvalidResource {
                resource: truncate_for_error(&id),
                reason: "resource id too long",
            });
        }
        if id.chars().any(char::is_control) {
            return Err(AuthError::InvalidResource {
                resource: truncate_for_error(&id),
                reason: "control character in resource id",
            });
        }
        let id = match prefix {
            ResourcePrefix::Pkp => normalize_pkp_id(&id),
            _ => id,
        };
        Ok(LitResource { prefix, id })
    }

    /// All resources of one kind (`<prefix>://*`).
    pub fn wildcard(prefix: ResourcePrefix) -> Self {
        LitResource {
            prefix,
            id: "*".to_owned(),
        }
    }

    /// The PKP whose public key is `public_key` (SEC1 bytes), as Lit's node names it when it
    /// signs: `lit-pkp://` and its token id (`keccak256` of the key) as 64 lower-case hex digits.
    pub fn pkp(public_key: &[u8]) -> Self {
        LitResource {
            prefix: ResourcePrefix::Pkp,
            id: hex::encode(alloy_primitives::keccak256(public_key)),
        }
    }

    /// Parses a resource key `<prefix>://<id>`, e.g. `lit-pkp://*`.
    pub fn parse(key: &str) -> Result<Self, AuthError> {
        let (prefix, id) = key
            .split_once("://")
            .ok_or_else(|| AuthError::InvalidResource {
                resource: truncate_for_error(key),
                reason: "expected <prefix>://<id>",
            })?;
        LitResource::new(prefix.parse()?, id)
    }

    /// The kind of resource.
    pub fn prefix(&self) -> ResourcePrefix {
        self.prefix
    }

    /// The id (`*` for all of this kind).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Whether this is `<prefix>://*`.
    pub fn is_wildcard(&self) -> bool {
        self.id == "*"
    }

    /// `<prefix>://<id>`, the key the ReCap attenuation uses (JS `getResourceKey()`).
    pub fn resource_key(&self) -> String {
        format!("{}://{}", self.prefix.as_str(), self.id)
    }

    /// Whether `ability` may be asked for on this resource.
    pub fn accepts(&self, ability: LitAbility) -> bool {
        self.prefix.accepts(ability)
    }
}

impl fmt::Display for LitResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.prefix.as_str(), self.id)
    }
}

impl FromStr for LitResource {
    type Err = AuthError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LitResource::parse(s)
    }
}

/// The JSON shape of a resource inside a session sig: `{"resource":"*","resourcePrefix":"..."}`,
/// in that key order.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResourceWire {
    resource: String,
    resource_prefix: ResourcePrefix,
}

impl Serialize for LitResource {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        ResourceWire {
            resource: self.id.clone(),
            resource_prefix: self.prefix,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for LitResource {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = ResourceWire::deserialize(deserializer)?;
        LitResource::new(wire.resource_prefix, wire.resource).map_err(serde::de::Error::custom)
    }
}

/// One entry of `resourceAbilityRequests`: a resource, the ability asked for, and optional
/// nota-bene `data` that goes into the ReCap.
///
/// Serialises as the JS SDK does: `{"resource":{..},"ability":"..."}`, plus `"data"` only when
/// set. `data` objects are written with serde_json's key order (sorted), where the JS SDK keeps
/// insertion order; the two agree whenever the caller's keys are sorted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResourceAbilityRequest {
    /// The resource.
    pub resource: LitResource,
    /// The ability asked for on it.
    pub ability: LitAbility,
    /// Nota-bene restrictions for the ReCap (e.g. a capacity delegation's `{nft_id, delegate_to, uses}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
}

impl ResourceAbilityRequest {
    /// A request for `ability` on `resource`, refused when the resource kind does not accept
    /// that ability (as the JS SDK's `addCapabilityForResource` refuses it).
    pub fn new(resource: LitResource, ability: LitAbility) -> Result<Self, AuthError> {
        if !resource.accepts(ability) {
            return Err(AuthError::AbilityNotAccepted {
                prefix: resource.prefix().as_str(),
                ability: ability.as_str(),
            });
        }
        Ok(ResourceAbilityRequest {
            resource,
            ability,
            data: None,
        })
    }

    /// The same request carrying nota-bene `data`; it must be a JSON object.
    pub fn with_data(mut self, data: serde_json::Value) -> Result<Self, AuthError> {
        if !data.is_object() {
            return Err(AuthError::InvalidInput {
                what: "resource ability data",
                reason: "must be a JSON object".into(),
            });
        }
        self.data = Some(data);
        Ok(self)
    }
}

/// Strips `0x` and left-pads hex ids to 64 characters, leaving `*` and non-hex ids alone
/// (the JS `LitPKPResource` constructor).
fn normalize_pkp_id(id: &str) -> String {
    let bare = id.strip_prefix("0x").unwrap_or(id);
    if !bare.is_empty() && bare.bytes().all(|b| b.is_ascii_hexdigit()) {
        format!("{bare:0>64}")
    } else {
        bare.to_owned()
    }
}

/// Inputs echoed in errors are cut short, so a hostile input cannot blow up logs or responses.
pub fn truncate_for_error(s: &str) -> String {
    const MAX: usize = 80;
    if s.len() <= MAX {
        return s.to_owned();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_serialises_in_js_key_order() {
        let request = ResourceAbilityRequest::new(
            LitResource::wildcard(ResourcePrefix::AccessControlCondition),
            LitAbility::AccessControlConditionDecryption,
        )
        .unwrap();
        assert_eq!(
            serde_json::to_string(&request).unwrap(),
            r#"{"resource":{"resource":"*","resourcePrefix":"lit-accesscontrolcondition"},"ability":"access-control-condition-decryption"}"#
        );
    }

    #[test]
    fn pkp_ids_are_normalised_like_the_js_sdk() {
        assert_eq!(
            LitResource::new(ResourcePrefix::Pkp, "0x1f").unwrap().id(),
            format!("{:0>64}", "1f")
        );
        assert_eq!(
            LitResource::new(ResourcePrefix::Pkp, "*").unwrap().id(),
            "*"
        );
        assert_eq!(
            LitResource::new(ResourcePrefix::Pkp, "not-hex")
                .unwrap()
                .id(),
            "not-hex"
        );
        assert_eq!(
            LitResource::new(ResourcePrefix::LitAction, "0x1f")
                .unwrap()
                .id(),
            "0x1f"
        );
    }

    #[test]
    fn each_prefix_accepts_only_its_abilities() {
        let accepted: Vec<(ResourcePrefix, LitAbility)> = ResourcePrefix::ALL
            .into_iter()
            .flat_map(|p| LitAbility::ALL.into_iter().map(move |a| (p, a)))
            .filter(|(p, a)| p.accepts(*a))
            .collect();
        assert_eq!(
            accepted,
            vec![
                (
                    ResourcePrefix::AccessControlCondition,
                    LitAbility::AccessControlConditionDecryption
                ),
                (
                    ResourcePrefix::AccessControlCondition,
                    LitAbility::AccessControlConditionSigning
                ),
                (ResourcePrefix::Pkp, LitAbility::PkpSigning),
                (
                    ResourcePrefix::RateLimitIncrease,
                    LitAbility::RateLimitIncreaseAuth
                ),
                (ResourcePrefix::LitAction, LitAbility::LitActionExecution),
            ]
        );
    }

    #[test]
    fn malformed_resource_keys_are_rejected() {
        for bad in ["", "lit-pkp:/x", "nope://x", "lit-pkp://", "lit-pkp://a\nb"] {
            assert!(LitResource::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn abilities_round_trip_through_their_js_strings() {
        for ability in LitAbility::ALL {
            assert_eq!(ability.as_str().parse::<LitAbility>().unwrap(), ability);
        }
        assert!("pkp-sign".parse::<LitAbility>().is_err());
    }
}
