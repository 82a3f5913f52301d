//! ReCap ([ERC-5573](https://eips.ethereum.org/EIPS/eip-5573)): capabilities carried in a SIWE
//! resource `urn:recap:<base64url(JCS JSON)>`, byte-compatible with the `siwe-recap` JS package the
//! Lit JS SDK v7 uses.
//!
//! ```
//! use sigil_auth::recap::Recap;
//! use sigil_auth::{LitAbility, LitResource, ResourceAbilityRequest, ResourcePrefix};
//!
//! let request = ResourceAbilityRequest::new(
//!     LitResource::wildcard(ResourcePrefix::AccessControlCondition),
//!     LitAbility::AccessControlConditionDecryption,
//! )?;
//! let recap = Recap::from_requests(&[request])?;
//! assert_eq!(
//!     recap.encode(),
//!     "urn:recap:eyJhdHQiOnsibGl0LWFjY2Vzc2NvbnRyb2xjb25kaXRpb246Ly8qIjp7IlRocmVzaG9sZC9EZWNyeXB0aW9uIjpbe31dfX0sInByZiI6W119"
//! );
//! assert_eq!(Recap::decode(&recap.encode())?, recap);
//! assert!(recap.covers(&LitResource::parse("lit-accesscontrolcondition://abc/def")?, LitAbility::AccessControlConditionDecryption));
//! # Ok::<_, sigil_auth::Error>(())
//! ```

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{AuthError, CapabilityRejection, RecapError};
use crate::resource::{LitAbility, LitResource, ResourceAbilityRequest};

/// The URN prefix of a ReCap SIWE resource.
pub const RECAP_URN_PREFIX: &str = "urn:recap:";

/// The fixed start of every ReCap statement (an empty ReCap's statement is exactly this).
pub const RECAP_STATEMENT_PREFIX: &str =
    "I further authorize the stated URI to perform the following actions on my behalf:";

/// Largest decoded ReCap payload accepted, far above any real one.
const MAX_RECAP_JSON_BYTES: usize = 256 * 1024;

/// One nota-bene object: restrictions attached to an ability (e.g. `{"uses":"3"}`).
///
/// Numbers are written as RFC 8785 (IEEE doubles, as in JS): integers beyond 2^53 lose
/// precision, so put large values in strings, as Lit does.
pub type NotaBene = Map<String, Value>;

/// A ReCap: attenuations (resource URI -> `namespace/name` -> nota-bene list) and proofs.
///
/// Invariant: every ability key is `namespace/name` of `[a-zA-Z0-9.*_+-]` and every nota-bene is an
/// object, so [`Recap::encode`] output always decodes again.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Recap {
    att: BTreeMap<String, BTreeMap<String, Vec<NotaBene>>>,
    prf: Vec<String>,
}

impl Recap {
    /// An empty ReCap (`{"att":{},"prf":[]}`), as the JS SDK hands to `authNeededCallback`.
    pub fn new() -> Self {
        Recap::default()
    }

    /// The merged ReCap the JS SDK's `createSiweMessage` builds for `requests`: one attenuation
    /// per request, merged in order (nota-bene `data`, or `{}` when absent).
    pub fn from_requests(requests: &[ResourceAbilityRequest]) -> Result<Self, AuthError> {
        let mut merged = Recap::new();
        for request in requests {
            let mut single = Recap::new();
            single.add_request(request)?;
            merged.merge(single);
        }
        Ok(merged)
    }

    /// Adds one attenuation for `request` (`siwe-recap`'s `addAttenuation`).
    pub fn add_request(&mut self, request: &ResourceAbilityRequest) -> Result<(), AuthError> {
        if !request.resource.accepts(request.ability) {
            return Err(AuthError::AbilityNotAccepted {
                prefix: request.resource.prefix().as_str(),
                ability: request.ability.as_str(),
            });
        }
        let nota_bene = match &request.data {
            None => NotaBene::new(),
            Some(Value::Object(map)) => map.clone(),
            Some(_) => {
                return Err(AuthError::InvalidInput {
                    what: "resource ability data",
                    reason: "must be a JSON object".into(),
                })
            }
        };
        let (namespace, name) = request.ability.recap_ability();
        self.add_attenuation(&request.resource.resource_key(), namespace, name, nota_bene)
    }

    /// Adds `namespace/name` with `nota_bene` under `resource` (`siwe-recap`'s `addAttenuation`:
    /// appended when the ability is already there).
    pub fn add_attenuation(
        &mut self,
        resource: &str,
        namespace: &str,
        name: &str,
        nota_bene: NotaBene,
    ) -> Result<(), AuthError> {
        if !is_valid_ability_part(namespace) || !is_valid_ability_part(name) {
            return Err(RecapError::InvalidAbility(format!("{namespace}/{name}")).into());
        }
        self.att
            .entry(resource.to_owned())
            .or_default()
            .entry(format!("{namespace}/{name}"))
            .or_default()
            .push(nota_bene);
        Ok(())
    }

    /// Merges `other` into `self` as `siwe-recap`'s `merge` does: new proofs are appended; for an
    /// ability present in both, `other`'s nota-bene list replaces ours when ours holds only empty
    /// objects, and is appended otherwise.
    pub fn merge(&mut self, other: Recap) {
        for proof in other.prf {
            if !self.prf.contains(&proof) {
                self.prf.push(proof);
            }
        }
        for (resource, abilities) in other.att {
            let existing = self.att.entry(resource).or_default();
            for (ability, restrictions) in abilities {
                match existing.get_mut(&ability) {
                    Some(current) if !current.iter().all(Map::is_empty) => {
                        current.extend(restrictions)
                    }
                    _ => {
                        existing.insert(ability, restrictions);
                    }
                }
            }
        }
    }

    /// The attenuations: resource URI -> ability `namespace/name` -> nota-bene list.
    pub fn attenuations(&self) -> &BTreeMap<String, BTreeMap<String, Vec<NotaBene>>> {
        &self.att
    }

    /// The proofs (CID strings).
    pub fn proofs(&self) -> &[String] {
        &self.prf
    }

    /// Whether there are no attenuations.
    pub fn is_empty(&self) -> bool {
        self.att.is_empty()
    }

    /// `urn:recap:` + base64url (no padding) of the RFC 8785 canonical JSON `{"att":..,"prf":..}`.
    pub fn encode(&self) -> String {
        #[derive(Serialize)]
        struct Wire<'a> {
            att: &'a BTreeMap<String, BTreeMap<String, Vec<NotaBene>>>,
            prf: &'a [String],
        }
        // Only strings, objects, arrays and numbers that came out of serde_json: JCS cannot fail.
        let json = serde_json_canonicalizer::to_vec(&Wire {
            att: &self.att,
            prf: &self.prf,
        })
        .expect("serialising JSON values to canonical JSON cannot fail");
        format!("{RECAP_URN_PREFIX}{}", URL_SAFE_NO_PAD.encode(json))
    }

    /// Decodes a `urn:recap:` resource, refusing (like `siwe-recap`) padding, non-JSON, ability
    /// keys that are not `namespace/name`, nota-bene entries that are not objects, and attenuation
    /// objects whose keys are not sorted.
    pub fn decode(urn: &str) -> Result<Self, AuthError> {
        Ok(decode_inner(urn)?)
    }

    /// The statement `siwe-recap` generates for this ReCap, which a SIWE statement must end with:
    /// `I further authorize ... on my behalf: (1) 'Threshold': 'Decryption' for 'lit-accesscontrolcondition://*'.`
    /// Resources sorted; within one, abilities sorted and grouped by namespace; numbered from 1.
    pub fn statement(&self) -> String {
        let mut statement = format!("{RECAP_STATEMENT_PREFIX} ");
        let mut section = 1usize;
        let mut resources: Vec<&String> = self.att.keys().collect();
        resources.sort_by(|a, b| js_cmp(a, b));
        for resource in resources {
            let Some(abilities) = self.att.get(resource) else {
                continue;
            };
            let mut keys: Vec<&String> = abilities.keys().collect();
            keys.sort_by(|a, b| js_cmp(a, b));
            let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
            for key in keys {
                let mut parts = key.split('/');
                let namespace = parts.next().unwrap_or_default();
                let name = parts.next().unwrap_or_default();
                match groups.iter_mut().find(|(ns, _)| *ns == namespace) {
                    Some((_, names)) => names.push(name),
                    None => groups.push((namespace, vec![name])),
                }
            }
            // JS objects list array-index keys first, ascending; the grouping is such an object.
            groups.sort_by(|(a, _), (b, _)| match (array_index(a), array_index(b)) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            });
            for (namespace, names) in groups {
                let names: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
                statement.push_str(&format!(
                    "({section}) '{namespace}': {} for '{resource}'. ",
                    names.join(", ")
                ));
                section += 1;
            }
        }
        statement.pop();
        statement
    }

    /// Whether this ReCap grants `ability` on `resource`, by the rule both the JS SDK and Lit
    /// nodes use: take the attenuation for `<prefix>://*` if present, else the exact resource key;
    /// it must hold `*/*` or exactly the ability's `namespace/name`.
    pub fn covers(&self, resource: &LitResource, ability: LitAbility) -> bool {
        self.check_covers(resource, ability).is_ok()
    }

    pub(crate) fn check_covers(
        &self,
        resource: &LitResource,
        ability: LitAbility,
    ) -> Result<(), CapabilityRejection> {
        let wildcard = format!("{}://*", resource.prefix().as_str());
        let exact = resource.resource_key();
        let abilities = self
            .att
            .get(&wildcard)
            .or_else(|| self.att.get(&exact))
            .ok_or_else(|| CapabilityRejection::RecapMissingResource {
                resource: crate::resource::truncate_for_error(&exact),
            })?;
        let needed = ability.recap_ability_key();
        if abilities.contains_key("*/*") || abilities.contains_key(&needed) {
            Ok(())
        } else {
            Err(CapabilityRejection::RecapMissingAbility {
                resource: crate::resource::truncate_for_error(&exact),
                ability: needed,
            })
        }
    }
}

impl fmt::Display for Recap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode())
    }
}

fn decode_inner(urn: &str) -> Result<Recap, RecapError> {
    let payload = urn
        .strip_prefix(RECAP_URN_PREFIX)
        .ok_or(RecapError::MissingPrefix)?;
    // base64 grows data by 4/3: check before decoding anything.
    if payload.len() / 4 * 3 > MAX_RECAP_JSON_BYTES {
        return Err(RecapError::TooLarge(MAX_RECAP_JSON_BYTES));
    }
    let json = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| RecapError::Base64)?;

    #[derive(serde::Deserialize)]
    struct Wire {
        att: SortedValue,
        prf: Vec<String>,
    }
    let wire: Wire = serde_json::from_slice(&json).map_err(|error| {
        if error.to_string().starts_with(UNSORTED_MARKER) {
            RecapError::Unsorted
        } else {
            RecapError::Json(error.to_string())
        }
    })?;
    let Value::Object(att_json) = wire.att.0 else {
        return Err(RecapError::Json("att is not an object".into()));
    };
    let mut att = BTreeMap::new();
    for (resource, abilities_json) in att_json {
        let Value::Object(abilities_json) = abilities_json else {
            return Err(RecapError::Json(format!(
                "attenuation for {resource:?} is not an object"
            )));
        };
        let mut abilities = BTreeMap::new();
        for (ability, nota_benes) in abilities_json {
            let valid = ability.split_once('/').is_some_and(|(namespace, name)| {
                is_valid_ability_part(namespace) && is_valid_ability_part(name)
            });
            if !valid {
                return Err(RecapError::InvalidAbility(
                    crate::resource::truncate_for_error(&ability),
                ));
            }
            let Value::Array(entries) = nota_benes else {
                return Err(RecapError::InvalidNotaBene(ability));
            };
            let mut list = Vec::with_capacity(entries.len());
            for entry in entries {
                match entry {
                    Value::Object(map) => list.push(map),
                    _ => return Err(RecapError::InvalidNotaBene(ability)),
                }
            }
            abilities.insert(ability, list);
        }
        att.insert(resource, abilities);
    }
    Ok(Recap { att, prf: wire.prf })
}

/// `[a-zA-Z0-9.*_+-]+`, one side of an ability string (`siwe-recap`'s `validString`).
fn is_valid_ability_part(part: &str) -> bool {
    !part.is_empty()
        && part
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'*' | b'_' | b'+' | b'-'))
}

/// JavaScript's default string order (`Array.prototype.sort`): by UTF-16 code units.
pub(crate) fn js_cmp(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// The value of `key` as a JS array index (canonical decimal below 2^32 - 1), if it is one.
fn array_index(key: &str) -> Option<u32> {
    if key.is_empty()
        || (key.len() > 1 && key.starts_with('0'))
        || !key.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    key.parse::<u32>().ok().filter(|index| *index != u32::MAX)
}

const UNSORTED_MARKER: &str = "sigil-recap-unsorted";

/// A JSON value whose every object lists its keys in strictly increasing JS order, as
/// `siwe-recap`'s `isSorted` demands of the attenuations.
struct SortedValue(Value);

impl<'de> Deserialize<'de> for SortedValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(SortedVisitor).map(SortedValue)
    }
}

struct SortedVisitor;

impl<'de> Visitor<'de> for SortedVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("non-finite number"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(SortedValue(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        let mut previous: Option<String> = None;
        while let Some(key) = map.next_key::<String>()? {
            if previous
                .as_deref()
                .is_some_and(|p| js_cmp(p, &key) != Ordering::Less)
            {
                return Err(de::Error::custom(UNSORTED_MARKER));
            }
            let SortedValue(value) = map.next_value()?;
            object.insert(key.clone(), value);
            previous = Some(key);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::ResourcePrefix;

    fn urn_of(json: &str) -> String {
        format!("{RECAP_URN_PREFIX}{}", URL_SAFE_NO_PAD.encode(json))
    }

    #[test]
    fn empty_recap_encodes_and_states_like_the_js_sdk() {
        assert_eq!(
            Recap::new().encode(),
            "urn:recap:eyJhdHQiOnt9LCJwcmYiOltdfQ"
        );
        assert_eq!(Recap::new().statement(), RECAP_STATEMENT_PREFIX);
    }

    #[test]
    fn unsorted_attenuations_are_rejected() {
        let urn = urn_of(
            r#"{"att":{"lit-pkp://*":{"Threshold/Signing":[{}]},"lit-accesscontrolcondition://*":{"Threshold/Decryption":[{}]}},"prf":[]}"#,
        );
        assert_eq!(
            Recap::decode(&urn),
            Err(AuthError::Recap(RecapError::Unsorted))
        );
        let nested =
            urn_of(r#"{"att":{"lit-pkp://*":{"Threshold/Signing":[{"b":1,"a":2}]}},"prf":[]}"#);
        assert_eq!(
            Recap::decode(&nested),
            Err(AuthError::Recap(RecapError::Unsorted))
        );
    }

    #[test]
    fn malformed_recaps_are_rejected_with_their_reason() {
        assert_eq!(
            Recap::decode("urn:recop:e30"),
            Err(AuthError::Recap(RecapError::MissingPrefix))
        );
        assert_eq!(
            Recap::decode("urn:recap:e30="),
            Err(AuthError::Recap(RecapError::Base64))
        );
        assert!(matches!(
            Recap::decode(&urn_of("[]")),
            Err(AuthError::Recap(RecapError::Json(_)))
        ));
        assert!(matches!(
            Recap::decode(&urn_of(r#"{"att":{"x://*":{"Threshold":[{}]}},"prf":[]}"#)),
            Err(AuthError::Recap(RecapError::InvalidAbility(_)))
        ));
        assert!(matches!(
            Recap::decode(&urn_of(r#"{"att":{"x://*":{"a/b":[1]}},"prf":[]}"#)),
            Err(AuthError::Recap(RecapError::InvalidNotaBene(_)))
        ));
    }

    #[test]
    fn statement_groups_abilities_by_namespace_and_numbers_across_resources() {
        let mut recap = Recap::new();
        recap
            .add_attenuation("b://1", "Threshold", "Signing", NotaBene::new())
            .unwrap();
        recap
            .add_attenuation("b://1", "Threshold", "Decryption", NotaBene::new())
            .unwrap();
        recap
            .add_attenuation("b://1", "Auth", "Auth", NotaBene::new())
            .unwrap();
        recap
            .add_attenuation("a://1", "Threshold", "Execution", NotaBene::new())
            .unwrap();
        assert_eq!(
            recap.statement(),
            format!(
                "{RECAP_STATEMENT_PREFIX} (1) 'Threshold': 'Execution' for 'a://1'. (2) 'Auth': 'Auth' for 'b://1'. (3) 'Threshold': 'Decryption', 'Signing' for 'b://1'."
            )
        );
    }

    #[test]
    fn merge_replaces_empty_nota_bene_and_appends_real_ones() {
        let mut nb = NotaBene::new();
        nb.insert("uses".into(), Value::String("3".into()));
        let mut empty_first = Recap::new();
        empty_first
            .add_attenuation("r://*", "Auth", "Auth", NotaBene::new())
            .unwrap();
        let mut with_data = Recap::new();
        with_data
            .add_attenuation("r://*", "Auth", "Auth", nb.clone())
            .unwrap();
        let mut merged = empty_first.clone();
        merged.merge(with_data.clone());
        assert_eq!(
            merged.attenuations()["r://*"]["Auth/Auth"],
            vec![nb.clone()]
        );
        let mut merged = with_data;
        merged.merge(empty_first);
        assert_eq!(
            merged.attenuations()["r://*"]["Auth/Auth"],
            vec![nb, NotaBene::new()]
        );
    }

    #[test]
    fn coverage_prefers_the_wildcard_key_and_accepts_star_star() {
        let resource = LitResource::new(ResourcePrefix::Pkp, "ab").unwrap();
        let mut exact_only = Recap::new();
        exact_only
            .add_attenuation(
                &resource.resource_key(),
                "Threshold",
                "Signing",
                NotaBene::new(),
            )
            .unwrap();
        assert!(exact_only.covers(&resource, LitAbility::PkpSigning));

        let mut shadowed = exact_only.clone();
        shadowed
            .add_attenuation("lit-pkp://*", "Threshold", "Execution", NotaBene::new())
            .unwrap();
        assert_eq!(
            shadowed.check_covers(&resource, LitAbility::PkpSigning),
            Err(CapabilityRejection::RecapMissingAbility {
                resource: resource.resource_key(),
                ability: "Threshold/Signing".into()
            })
        );

        let mut star = Recap::new();
        star.add_attenuation("lit-pkp://*", "*", "*", NotaBene::new())
            .unwrap();
        assert!(star.covers(&resource, LitAbility::PkpSigning));
        assert!(matches!(
            star.check_covers(
                &LitResource::wildcard(ResourcePrefix::LitAction),
                LitAbility::LitActionExecution
            ),
            Err(CapabilityRejection::RecapMissingResource { .. })
        ));
    }

    #[test]
    fn js_order_sorts_by_utf16_code_units() {
        // U+1F600 sorts after U+FF61 in UTF-8 byte order but before it in UTF-16.
        assert_eq!(js_cmp("\u{1F600}", "\u{FF61}"), Ordering::Less);
        assert_eq!(array_index("10"), Some(10));
        assert_eq!(array_index("01"), None);
    }
}
