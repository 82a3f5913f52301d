//! The reference vectors of `tests/vectors`, one accessor per file, compiled into the tests so
//! they run from any directory.

use serde_json::Value;

fn parse(text: &str, file: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|error| panic!("{file} is not JSON: {error}"))
}

/// tests/vectors/session-sigs.json: the JS SDK's session sigs for fixed inputs.
pub fn session_sigs() -> Value {
    parse(
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/vectors/session-sigs.json"
        )),
        "session-sigs.json",
    )
}

/// tests/vectors/capacity-delegation.json: the JS SDK's capacity delegation auth sigs.
pub fn capacity_delegation() -> Value {
    parse(
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/vectors/capacity-delegation.json"
        )),
        "capacity-delegation.json",
    )
}

/// tests/vectors/acc-hash.json: the JS SDK's hash of conditions for every condition kind.
pub fn acc_hash() -> Value {
    parse(
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/vectors/acc-hash.json"
        )),
        "acc-hash.json",
    )
}

/// tests/vectors/bls-encryption.json: ciphertexts, shares and signatures made by the JS SDK.
pub fn bls_encryption() -> Value {
    parse(
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/vectors/bls-encryption.json"
        )),
        "bls-encryption.json",
    )
}

/// tests/vectors/sdk-wire-conditions.json: the request bodies the JS SDK sends for every
/// condition kind.
pub fn sdk_wire_conditions() -> Value {
    parse(
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/vectors/sdk-wire-conditions.json"
        )),
        "sdk-wire-conditions.json",
    )
}

/// tests/vectors/hd-derive.json: PKP public keys the JS SDK derives from fixed root keys.
pub fn hd_derive() -> Value {
    parse(
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/vectors/hd-derive.json"
        )),
        "hd-derive.json",
    )
}

/// The ten root public keys of tests/vectors/hd-derive.json, SEC1 compressed bytes.
pub fn hd_root_public_keys() -> Vec<Vec<u8>> {
    hd_derive()["rootPublicKeys"]
        .as_array()
        .expect("rootPublicKeys")
        .iter()
        .map(|key| {
            let text = key.as_str().expect("a hex key");
            hex::decode(text.trim_start_matches("0x")).expect("hex")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_vector_file_is_a_json_object() {
        for vector in [
            super::session_sigs(),
            super::capacity_delegation(),
            super::acc_hash(),
            super::bls_encryption(),
            super::sdk_wire_conditions(),
            super::hd_derive(),
        ] {
            assert!(vector.is_object());
        }
    }
}
