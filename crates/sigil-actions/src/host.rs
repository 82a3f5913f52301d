//! What an action asks outside its own JavaScript: the node's operations ([`Host`]) and the
//! pure ones the engine answers itself ([`local_op`]).

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::{alphabet, Engine};
use serde_json::{json, Value};
use std::time::Instant;

/// The node's side of the Lit.Actions API. `op` is the Lit.Actions function's name (plus the
/// `runOnce` steps `isLeader`, `broadcast` and `collectFromLeader`), `args` its arguments as
/// JSON (byte arrays as arrays of numbers). An `Err` is thrown in the action as an `Error` with
/// that message. A call must end by `deadline`, the run's own.
pub trait Host {
    fn call(&self, op: &str, args: Value, deadline: Instant) -> Result<Value, String>;
}

/// A host that offers nothing: every node operation throws.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoHost;

impl Host for NoHost {
    fn call(&self, op: &str, _: Value, _: Instant) -> Result<Value, String> {
        Err(format!("Lit.Actions.{op} is not available here"))
    }
}

/// Operations that count against [`crate::Limits::signatures`].
pub(crate) const SIGNING_OPS: [&str; 3] = [
    "signEcdsa",
    "ethPersonalSignMessageEcdsa",
    "signAndCombineEcdsa",
];

/// Operations that count against [`crate::Limits::broadcasts`].
pub(crate) const BROADCAST_OPS: [&str; 6] = [
    "broadcastAndCollect",
    "decryptToSingleNode",
    "signAndCombineEcdsa",
    "broadcast",
    "collectFromLeader",
    "decryptAndCombine",
];

/// Forgiving on padding, as `atob` and the multibase decoders are.
const BASE64_ANY_PADDING: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);
const BASE64URL_ANY_PADDING: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The answer to `op` when the engine computes it itself; `None` for the node's operations.
pub(crate) fn local_op(op: &str, args: &Value) -> Option<Result<Value, String>> {
    Some(match op {
        "utf8Encode" => args
            .as_str()
            .map(|text| json!(text.as_bytes()))
            .ok_or_else(|| "expected a string".to_owned()),
        "utf8Decode" => byte_array(args).map(|bytes| json!(String::from_utf8_lossy(&bytes))),
        "encodeBytes" => byte_array(&args["bytes"])
            .and_then(|bytes| encode(&bytes, args["encoding"].as_str().unwrap_or("utf8")))
            .map(Value::String),
        "decodeString" => args["string"]
            .as_str()
            .ok_or_else(|| "expected a string".to_owned())
            .and_then(|text| decode(text, args["encoding"].as_str().unwrap_or("utf8")))
            .map(|bytes| json!(bytes)),
        "pubkeyToTokenId" => pubkey_to_token_id(args["publicKey"].as_str().unwrap_or_default()),
        "randomBytes" => random_bytes(args),
        "digest" => digest(args),
        "secp256k1" => crate::ethers::secp256k1(args),
        "aesDecrypt" => aes_decrypt(args),
        "keccak256" => {
            byte_array(args).map(|bytes| json!(hex::encode(alloy_primitives::keccak256(bytes))))
        }
        "jwtSign" => crate::jwt::sign(args),
        "jwtVerify" => crate::jwt::verify(args),
        _ => return None,
    })
}

/// `Lit.Actions.aesDecrypt({symmetricKey, ciphertext})`: AES-256-CBC, the IV the first 16 bytes
/// of the ciphertext, PKCS#7 padding; the plaintext as hex, as Lit's node answers it.
fn aes_decrypt(args: &Value) -> Result<Value, String> {
    use aes::cipher::{block_padding::Pkcs7, BlockDecryptMut, KeyIvInit};
    let key: [u8; 32] = byte_array(&args["symmetricKey"])?
        .try_into()
        .map_err(|_| "Could not convert symmetric key to length 32".to_owned())?;
    let data = byte_array(&args["ciphertext"])?;
    if data.len() < 16 {
        return Err("Ciphertext is too short".into());
    }
    let (iv, ciphertext) = data.split_at(16);
    let iv: [u8; 16] = iv
        .try_into()
        .map_err(|_| "Ciphertext is too short".to_owned())?;
    let plaintext = cbc::Decryptor::<aes::Aes256>::new(&key.into(), &iv.into())
        .decrypt_padded_vec_mut::<Pkcs7>(ciphertext)
        .map_err(|_| "the ciphertext does not decrypt under this key".to_owned())?;
    Ok(json!(hex::encode(plaintext)))
}

/// `crypto.getRandomValues`: at most 65536 bytes at once, as Web Crypto allows.
fn random_bytes(args: &Value) -> Result<Value, String> {
    use rand::RngCore;
    let len = args
        .as_u64()
        .filter(|&len| len <= 65_536)
        .ok_or_else(|| "QuotaExceededError: at most 65536 bytes at once".to_owned())?;
    let mut bytes = vec![0u8; len as usize];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    Ok(json!(bytes))
}

/// `crypto.subtle.digest` with the SHA-2 algorithms.
fn digest(args: &Value) -> Result<Value, String> {
    use sha2::Digest;
    let bytes = byte_array(&args["bytes"])?;
    let digest = match args["algorithm"]
        .as_str()
        .unwrap_or_default()
        .to_ascii_uppercase()
        .as_str()
    {
        "SHA-256" => sha2::Sha256::digest(&bytes).to_vec(),
        "SHA-384" => sha2::Sha384::digest(&bytes).to_vec(),
        "SHA-512" => sha2::Sha512::digest(&bytes).to_vec(),
        other => {
            return Err(format!(
                "NotSupportedError: digest algorithm {other} is not supported"
            ))
        }
    };
    Ok(json!(digest))
}

/// `0x` + keccak256 of the key's bytes, as Lit's node computes a PKP's token id.
fn pubkey_to_token_id(public_key: &str) -> Result<Value, String> {
    let bytes = hex::decode(public_key.strip_prefix("0x").unwrap_or(public_key))
        .map_err(|_| format!("publicKey is not hex: {public_key}"))?;
    Ok(json!(format!(
        "0x{}",
        hex::encode(alloy_primitives::keccak256(bytes))
    )))
}

/// An array of numbers 0-255.
pub(crate) fn byte_array(value: &Value) -> Result<Vec<u8>, String> {
    value
        .as_array()
        .ok_or_else(|| "expected bytes".to_owned())?
        .iter()
        .map(|byte| {
            byte.as_u64()
                .and_then(|byte| u8::try_from(byte).ok())
                .ok_or_else(|| "expected bytes (numbers 0-255)".to_owned())
        })
        .collect()
}

/// `bytes` as text in one of the encodings Lit's `uint8arrays` names.
fn encode(bytes: &[u8], encoding: &str) -> Result<String, String> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    Ok(match encoding {
        "utf8" | "utf-8" => String::from_utf8_lossy(bytes).into_owned(),
        "ascii" | "latin1" | "binary" => bytes.iter().map(|&b| char::from(b)).collect(),
        "base16" | "hex" => hex::encode(bytes),
        "base64" => STANDARD_NO_PAD.encode(bytes),
        "base64pad" => STANDARD.encode(bytes),
        "base64url" => URL_SAFE_NO_PAD.encode(bytes),
        "base64urlpad" => URL_SAFE.encode(bytes),
        other => return Err(format!("Unsupported encoding \"{other}\"")),
    })
}

/// The bytes `text` encodes in `encoding`.
fn decode(text: &str, encoding: &str) -> Result<Vec<u8>, String> {
    let bad = |_| format!("Non-{encoding} character");
    Ok(match encoding {
        "utf8" | "utf-8" => text.as_bytes().to_vec(),
        "ascii" | "latin1" | "binary" => text
            .chars()
            .map(|c| u8::try_from(u32::from(c)).map_err(|_| format!("Non-{encoding} character")))
            .collect::<Result<_, _>>()?,
        "base16" | "hex" => hex::decode(text).map_err(|_| format!("Non-{encoding} character"))?,
        "base64" | "base64pad" => BASE64_ANY_PADDING.decode(text).map_err(bad)?,
        "base64url" | "base64urlpad" => BASE64URL_ANY_PADDING.decode(text).map_err(bad)?,
        other => return Err(format!("Unsupported encoding \"{other}\"")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_read_back() {
        let bytes = [0u8, 1, 250, 255, 62, 63];
        for encoding in [
            "base16",
            "base64",
            "base64pad",
            "base64url",
            "base64urlpad",
            "latin1",
        ] {
            let text = encode(&bytes, encoding).expect("encodes");
            assert_eq!(
                decode(&text, encoding).expect("decodes"),
                bytes,
                "{encoding}"
            );
        }
        assert_eq!(encode(&[0xfb, 0xff], "base64").expect("b64"), "+/8");
        assert_eq!(encode(&[0xfb, 0xff], "base64url").expect("b64url"), "-_8");
        assert!(decode("zz", "base16").is_err());
        assert!(encode(&bytes, "base2").is_err());
    }

    #[test]
    fn aes_decrypt_opens_cbc_with_the_iv_in_front() {
        use aes::cipher::{block_padding::Pkcs7, BlockEncryptMut, KeyIvInit};
        let key = [7u8; 32];
        let iv = [9u8; 16];
        let sealed = cbc::Encryptor::<aes::Aes256>::new(&key.into(), &iv.into())
            .encrypt_padded_vec_mut::<Pkcs7>(b"lit symmetric");
        let data: Vec<u8> = iv.iter().copied().chain(sealed).collect();
        assert_eq!(
            aes_decrypt(&json!({"symmetricKey": key, "ciphertext": data})),
            Ok(json!(hex::encode(b"lit symmetric")))
        );
        let short_key = [1u8; 16];
        assert!(aes_decrypt(&json!({"symmetricKey": short_key, "ciphertext": data})).is_err());
        assert!(aes_decrypt(&json!({"symmetricKey": key, "ciphertext": [1, 2]})).is_err());
    }

    #[test]
    fn a_token_id_is_the_keccak_of_the_key() {
        // keccak256 of no bytes.
        assert_eq!(
            pubkey_to_token_id("0x").expect("id"),
            json!("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
        );
        assert!(pubkey_to_token_id("0xzz").is_err());
    }
}
