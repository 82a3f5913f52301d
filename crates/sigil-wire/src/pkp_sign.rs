//! `POST /web/pkp/sign/v1`: a node's share of an ECDSA signature by a PKP, in the JS SDK v7's
//! shape.

use crate::AuthSig;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Where the JS SDK v7 asks for PKP signature shares.
pub const PKP_SIGN_PATH: &str = "/web/pkp/sign/v1";

/// `sigType` of a share of a secp256k1 ECDSA signature.
pub const SIG_TYPE_K256: &str = "K256";

/// The request body, as `pkpSign` sends it (one per node, each with that node's session sig).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PkpSignRequest {
    /// The 32-byte hash to sign, as a JSON array of bytes (exactly 32, checked by the node).
    pub to_sign: Vec<u8>,
    /// The PKP's public key, uncompressed SEC1 hex (`0x04…`, 65 bytes).
    pub pubkey: String,
    /// The session sig for this node.
    pub auth_sig: AuthSig,
    /// Auth methods the SDK passes along; the node acts on the session's own (as Lit's v1 does).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_methods: Option<Value>,
    /// The epoch the client is connected at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch: Option<u64>,
    /// Sigil's extension: the nodes (`ip:port`, as Staking lists them) that sign, chosen by the
    /// client, e.g. to route around a node that is down. Absent (the JS SDK), every node
    /// chooses the same set from the request id and the hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_set: Option<Vec<String>>,
}

/// A node's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PkpSignResponse {
    /// `true` whenever the request was valid, in the signing set or not.
    pub success: bool,
    /// The hash signed, as bytes.
    pub signed_data: Vec<u8>,
    /// This node's share, or a `fail` share when it is outside the signing set.
    pub signature_share: EcdsaSignatureShare,
}

/// One node's share of an ECDSA signature, field for field as Lit's Datil node writes it
/// (snake_case keys; values are JSON strings of the quoted upper-case hex of k256 types).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EcdsaSignatureShare {
    /// The hash signed, `"\"<64 HEX>\""`.
    pub digest: String,
    /// `success`, or `fail` for a node outside the signing set.
    pub result: String,
    /// The node's place in the signing set.
    pub share_index: u32,
    /// The node's additive share of `s`, `"\"<64 HEX>\""`.
    pub signature_share: String,
    /// The nonce point `R`, compressed, `"\"<66 HEX>\""`.
    pub big_r: String,
    /// The PKP's public key, uncompressed, `"\"<130 HEX>\""`.
    pub public_key: String,
    /// [`SIG_TYPE_K256`].
    pub sig_type: String,
}

impl EcdsaSignatureShare {
    /// The answer of a node outside the signing set: `fail`, every value empty.
    pub fn not_in_signing_set() -> Self {
        EcdsaSignatureShare {
            result: "fail".into(),
            ..EcdsaSignatureShare::default()
        }
    }
}

/// `"\"<HEX>\""`: how Lit's node writes a k256 value (`serde_json::to_string` of its upper-case
/// hex serialization).
pub fn quoted_upper_hex(bytes: &[u8]) -> String {
    format!("\"{}\"", hex::encode_upper(bytes))
}

/// The bytes of a [`quoted_upper_hex`] value (quotes optional, any case); `None` if not hex.
pub fn unquoted_hex(value: &str) -> Option<Vec<u8>> {
    hex::decode(value.trim_matches('"')).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_is_written_with_lit_s_snake_case_keys_and_quoted_hex() {
        let share = EcdsaSignatureShare {
            digest: quoted_upper_hex(&[0xab; 32]),
            result: "success".into(),
            share_index: 1,
            signature_share: quoted_upper_hex(&[1; 32]),
            big_r: quoted_upper_hex(&[2; 33]),
            public_key: quoted_upper_hex(&[4; 65]),
            sig_type: SIG_TYPE_K256.into(),
        };
        let json = serde_json::to_value(&share).expect("json");
        assert_eq!(json["share_index"], 1);
        assert_eq!(json["sig_type"], "K256");
        assert_eq!(json["digest"], format!("\"{}\"", "AB".repeat(32)));
        assert_eq!(
            unquoted_hex(json["big_r"].as_str().expect("str")),
            Some(vec![2; 33])
        );
        let fail = serde_json::to_value(EcdsaSignatureShare::not_in_signing_set()).expect("json");
        assert_eq!(fail["result"], "fail");
        assert_eq!(fail["signature_share"], "");
    }

    #[test]
    fn a_request_with_an_out_of_range_byte_does_not_parse() {
        let body = r#"{"toSign":[1,256],"pubkey":"0x04","authSig":{"sig":"","derivedVia":"","signedMessage":"","address":""}}"#;
        assert!(serde_json::from_str::<PkpSignRequest>(body).is_err());
    }
}
