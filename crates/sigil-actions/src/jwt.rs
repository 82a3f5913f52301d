//! The `jwt` global Lit gives actions (npm `jsonwebtoken`): signing and verification in Rust
//! (`jsonwebtoken` on ring: HMAC, RSA, RSA-PSS, EC and EdDSA keys, PEM or a secret), with the
//! npm package's error names and messages; `decode` is JavaScript in the prelude.

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::Value;
use std::str::FromStr;

/// `jwt.sign`: the token of `args.payload` under `args.key` with `args.algorithm`.
pub(crate) fn sign(args: &Value) -> Result<Value, String> {
    let algorithm = algorithm(args["algorithm"].as_str().unwrap_or("HS256"))?;
    let key = args["key"].as_str().unwrap_or_default().as_bytes();
    let bad_key =
        |e: jsonwebtoken::errors::Error| format!("Error: secretOrPrivateKey is not valid: {e}");
    let key = match family(algorithm) {
        Family::Hmac => EncodingKey::from_secret(key),
        Family::Rsa => EncodingKey::from_rsa_pem(key).map_err(bad_key)?,
        Family::Ec => EncodingKey::from_ec_pem(key).map_err(bad_key)?,
        Family::Ed => EncodingKey::from_ed_pem(key).map_err(bad_key)?,
    };
    jsonwebtoken::encode(&Header::new(algorithm), &args["payload"], &key)
        .map(Value::String)
        .map_err(|e| format!("Error: {e}"))
}

/// `jwt.verify`: the payload of `args.token` once its signature checks under `args.key` with
/// one of `args.algorithms` (by default the token's own, of the key's kind), it has not
/// expired or is not yet valid (no leeway, as the npm package), and its audience and issuer are
/// the ones asked for, when asked.
pub(crate) fn verify(args: &Value) -> Result<Value, String> {
    let token = args["token"].as_str().unwrap_or_default();
    let header = jsonwebtoken::decode_header(token)
        .map_err(|_| "JsonWebTokenError: jwt malformed".to_owned())?;
    let allowed: Vec<Algorithm> = match args["algorithms"].as_array() {
        Some(names) => names
            .iter()
            .map(|name| algorithm(name.as_str().unwrap_or_default()))
            .collect::<Result<_, _>>()?,
        None => vec![header.alg],
    };
    if !allowed.contains(&header.alg) {
        return Err("JsonWebTokenError: invalid algorithm".into());
    }
    let key = args["key"].as_str().unwrap_or_default().as_bytes();
    let bad_key =
        |_| "JsonWebTokenError: secret or public key must be provided in the right form".to_owned();
    let key = match family(header.alg) {
        Family::Hmac => DecodingKey::from_secret(key),
        Family::Rsa => DecodingKey::from_rsa_pem(key).map_err(bad_key)?,
        Family::Ec => DecodingKey::from_ec_pem(key).map_err(bad_key)?,
        Family::Ed => DecodingKey::from_ed_pem(key).map_err(bad_key)?,
    };
    let mut validation = Validation::new(header.alg);
    validation.algorithms = allowed;
    validation.leeway = 0;
    validation.required_spec_claims.clear();
    validation.validate_nbf = true;
    validation.validate_aud = false;
    if let Some(audience) = audience(&args["audience"]) {
        validation.validate_aud = true;
        validation.set_audience(&audience);
    }
    if let Some(issuer) = audience(&args["issuer"]) {
        validation.set_issuer(&issuer);
    }
    jsonwebtoken::decode::<Value>(token, &key, &validation)
        .map(|data| data.claims)
        .map_err(|e| match e.kind() {
            ErrorKind::ExpiredSignature => "TokenExpiredError: jwt expired".to_owned(),
            ErrorKind::ImmatureSignature => "NotBeforeError: jwt not active".to_owned(),
            ErrorKind::InvalidSignature => "JsonWebTokenError: invalid signature".to_owned(),
            ErrorKind::InvalidAlgorithm => "JsonWebTokenError: invalid algorithm".to_owned(),
            ErrorKind::InvalidAudience => "JsonWebTokenError: jwt audience invalid".to_owned(),
            ErrorKind::InvalidIssuer => "JsonWebTokenError: jwt issuer invalid".to_owned(),
            _ => "JsonWebTokenError: jwt malformed".to_owned(),
        })
}

/// An audience or issuer option: a string or a list of them.
fn audience(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::String(one) => Some(vec![one.clone()]),
        Value::Array(many) => Some(
            many.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
        ),
        _ => None,
    }
}

fn algorithm(name: &str) -> Result<Algorithm, String> {
    Algorithm::from_str(name)
        .map_err(|_| format!("Error: \"algorithm\" must be a valid string enum value, got {name}"))
}

enum Family {
    Hmac,
    Rsa,
    Ec,
    Ed,
}

fn family(algorithm: Algorithm) -> Family {
    match algorithm {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => Family::Hmac,
        Algorithm::ES256 | Algorithm::ES384 => Family::Ec,
        Algorithm::EdDSA => Family::Ed,
        _ => Family::Rsa,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_token_verifies_under_its_key_only_and_not_once_expired() {
        let token =
            sign(&json!({"payload": {"sub": "lit", "exp": 4_102_444_800u64}, "key": "secret"}))
                .expect("signs");
        assert_eq!(
            verify(&json!({"token": token, "key": "secret"})).expect("verifies")["sub"],
            "lit"
        );
        assert_eq!(
            verify(&json!({"token": token, "key": "other"})),
            Err("JsonWebTokenError: invalid signature".into())
        );
        assert_eq!(
            verify(&json!({"token": token, "key": "secret", "algorithms": ["HS512"]})),
            Err("JsonWebTokenError: invalid algorithm".into())
        );
        let expired = sign(&json!({"payload": {"exp": 1}, "key": "secret"})).expect("signs");
        assert_eq!(
            verify(&json!({"token": expired, "key": "secret"})),
            Err("TokenExpiredError: jwt expired".into())
        );
        assert_eq!(
            verify(&json!({"token": "not.a.token", "key": "secret"})),
            Err("JsonWebTokenError: jwt malformed".into())
        );
        let with_audience = sign(&json!({"payload": {"aud": "app"}, "key": "k"})).expect("signs");
        assert!(verify(&json!({"token": with_audience, "key": "k"})).is_ok());
        assert!(verify(&json!({"token": with_audience, "key": "k", "audience": "other"})).is_err());
    }
}
