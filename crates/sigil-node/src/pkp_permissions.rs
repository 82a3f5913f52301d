//! The PKPPermissions reads a Lit Action makes (`Lit.Actions.isPermitted*`, `getPermitted*`),
//! answered from a PKP's signing record with the contract's own rules and in the JSON shapes
//! Lit's node gives them.

use alloy_primitives::{Address, U256};
use serde_json::{json, Value};
use sigil_chain::PkpSigningRecord;

/// Auth method types of an Ethereum address and of a Lit Action.
const ADDRESS_METHOD: u64 = 1;
const ACTION_METHOD: u64 = 2;

/// The token id an action names: decimal or `0x` hex, as Lit's node reads it.
pub(crate) fn parse_token_id(args: &Value) -> Result<U256, String> {
    let text = match &args["tokenId"] {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        _ => return Err("tokenId must be a string".into()),
    };
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => U256::from_str_radix(hex, 16),
        None => U256::from_str_radix(&text, 10),
    };
    parsed.map_err(|_| "Could not convert token id to u256".to_owned())
}

/// Answers `op` for the PKP whose record is `record` (`None`: no such PKP, whose permissions
/// the contract answers as empty).
pub(crate) fn answer(
    op: &str,
    record: Option<&PkpSigningRecord>,
    args: &Value,
) -> Result<Value, String> {
    let methods = record.map(|r| r.auth_methods.as_slice()).unwrap_or(&[]);
    let has = |method_type: u64, id: &[u8]| {
        methods
            .iter()
            .any(|m| m.method_type == method_type && m.id == id)
    };
    Ok(match op {
        "isPermittedAction" => {
            let cid = args["ipfsId"].as_str().ok_or("ipfs_id is not a string")?;
            let id = sigil_chain::evm::ipfs_cid_bytes(cid)
                .map_err(|_| "Could not convert ipfs id to bytes".to_owned())?;
            json!(has(ACTION_METHOD, &id))
        }
        "isPermittedAddress" => {
            let address: Address = args["address"]
                .as_str()
                .and_then(|text| text.parse().ok())
                .ok_or("Could not convert address")?;
            // The contract counts the owner as permitted.
            json!(
                has(ADDRESS_METHOD, address.as_slice())
                    || record.is_some_and(|r| r.owner == address)
            )
        }
        "isPermittedAuthMethod" => {
            let method_type = method_type(args)?;
            let id: Vec<u8> = serde_json::from_value(args["userId"].clone())
                .map_err(|_| "user_id is not an array of u8 bytes".to_owned())?;
            json!(has(method_type, &id))
        }
        "getPermittedActions" => json!(methods
            .iter()
            .filter(|m| m.method_type == ACTION_METHOD)
            .map(|m| sigil_chain::evm::ipfs_cid_text(&m.id))
            .collect::<Vec<_>>()),
        "getPermittedAddresses" => {
            // Permitted addresses, then the owner, as the contract lists them.
            let mut addresses: Vec<String> = methods
                .iter()
                .filter(|m| m.method_type == ADDRESS_METHOD && m.id.len() == 20)
                .map(|m| format!("0x{}", hex::encode(&m.id)))
                .collect();
            if let Some(record) = record {
                addresses.push(format!("0x{}", hex::encode(record.owner)));
            }
            json!(addresses)
        }
        "getPermittedAuthMethods" => json!(methods
            .iter()
            .map(|m| json!({
                "auth_method_type": format!("{:#x}", m.method_type),
                "id": format!("0x{}", hex::encode(&m.id)),
                "user_pubkey": "0x",
            }))
            .collect::<Vec<_>>()),
        "getPermittedAuthMethodScopes" => {
            let method_type = method_type(args)?;
            let id: Vec<u8> = serde_json::from_value(args["userId"].clone())
                .map_err(|_| "userId must be bytes".to_owned())?;
            let max_scope_id = args["maxScopeId"].as_u64().unwrap_or(100).min(256);
            let held = methods
                .iter()
                .find(|m| m.method_type == method_type && m.id == id)
                .map(|m| m.scopes.as_slice())
                .unwrap_or(&[]);
            json!((0..max_scope_id)
                .map(|scope| held.contains(&scope))
                .collect::<Vec<_>>())
        }
        other => return Err(format!("Method not found: {other}")),
    })
}

fn method_type(args: &Value) -> Result<u64, String> {
    match &args["authMethodType"] {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => text.parse().ok(),
        _ => None,
    }
    .ok_or_else(|| "Could not convert auth_method_type to u256".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sigil_chain::PermittedAuthMethod;

    fn record() -> PkpSigningRecord {
        let cid =
            sigil_chain::evm::ipfs_cid_bytes("QmYLgjhNR7E6Ds9WVqYbjDdVR4hYyPcVgJSbPz4y2R9wxe")
                .expect("cid")
                .to_vec();
        PkpSigningRecord {
            public_key: vec![4; 65],
            derived_key_id: Default::default(),
            owner: Address::repeat_byte(0xaa),
            auth_methods: vec![
                PermittedAuthMethod {
                    method_type: 1,
                    id: vec![0xbb; 20],
                    scopes: vec![1],
                },
                PermittedAuthMethod {
                    method_type: 2,
                    id: cid,
                    scopes: vec![1, 2],
                },
            ],
        }
    }

    #[test]
    fn permissions_read_as_the_contract_answers_them() {
        let record = record();
        let ask = |op: &str, args: Value| answer(op, Some(&record), &args).expect(op);
        let action = "QmYLgjhNR7E6Ds9WVqYbjDdVR4hYyPcVgJSbPz4y2R9wxe";
        assert_eq!(
            ask("isPermittedAction", json!({"ipfsId": action})),
            json!(true)
        );
        assert_eq!(
            ask(
                "isPermittedAction",
                json!({"ipfsId": "QmNLei78zWmzUdbeRB3CiUfAizWUrbeeZh5K1rhAQKCh51"})
            ),
            json!(false)
        );
        let owner = format!("{:#x}", Address::repeat_byte(0xaa));
        let permitted = format!("0x{}", "bb".repeat(20));
        assert_eq!(
            ask("isPermittedAddress", json!({"address": owner})),
            json!(true)
        );
        assert_eq!(
            ask("isPermittedAddress", json!({"address": permitted})),
            json!(true)
        );
        assert_eq!(
            ask(
                "isPermittedAddress",
                json!({"address": format!("0x{}", "cc".repeat(20))})
            ),
            json!(false)
        );
        assert_eq!(ask("getPermittedActions", json!({})), json!([action]));
        assert_eq!(
            ask("getPermittedAddresses", json!({})),
            json!([permitted, owner])
        );
        assert_eq!(
            ask(
                "getPermittedAuthMethodScopes",
                json!({"authMethodType": "1", "userId": vec![0xbb; 20], "maxScopeId": 3})
            ),
            json!([false, true, false])
        );
        assert_eq!(
            ask(
                "isPermittedAuthMethod",
                json!({"authMethodType": 2, "userId": [1, 2]})
            ),
            json!(false)
        );
        assert_eq!(
            ask("getPermittedAuthMethods", json!({}))[0]["auth_method_type"],
            "0x1"
        );
        // A PKP that does not exist permits nothing.
        assert_eq!(
            answer("getPermittedAddresses", None, &json!({})),
            Ok(json!([]))
        );
        assert_eq!(
            parse_token_id(&json!({"tokenId": "0x10"})),
            Ok(U256::from(16))
        );
        assert_eq!(
            parse_token_id(&json!({"tokenId": "16"})),
            Ok(U256::from(16))
        );
        assert!(parse_token_id(&json!({"tokenId": "x"})).is_err());
    }
}
