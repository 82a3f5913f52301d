//! An unsigned transaction as ethers v5's `serializeTransaction` writes it, read back into the
//! call it describes (what a Lit Action's `callContract` sends): legacy
//! `rlp([nonce, gasPrice, gasLimit, to, value, data])`, with EIP-155's `[chainId, 0, 0]` after,
//! or EIP-1559's `0x02 || rlp([chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit,
//! to, value, data, accessList])`.

use alloy_primitives::{Address, Bytes, U256};
use alloy_rlp::{Decodable, Header};
use alloy_rpc_types_eth::TransactionRequest;

/// Gas for a call that names none, as Lit's node sets it.
const DEFAULT_CALL_GAS: u64 = 10_000_000;

/// The call `bytes` describes.
pub(crate) fn decode(bytes: &[u8]) -> Result<TransactionRequest, String> {
    let bad = |what: &str| format!("txn is not an unsigned transaction: {what}");
    let (typed, mut rest) = match bytes.first() {
        Some(2) => (true, &bytes[1..]),
        Some(first) if *first >= 0xc0 => (false, bytes),
        _ => return Err(bad("unknown type")),
    };
    let header = Header::decode(&mut rest).map_err(|_| bad("not RLP"))?;
    if !header.list || header.payload_length != rest.len() {
        return Err(bad("not one RLP list"));
    }
    let field = |rest: &mut &[u8]| U256::decode(rest).map_err(|_| bad("a number field"));
    if typed {
        field(&mut rest)?; // chain id
        field(&mut rest)?; // nonce
        field(&mut rest)?; // max priority fee
        field(&mut rest)?; // max fee
    } else {
        field(&mut rest)?; // nonce
        field(&mut rest)?; // gas price
    }
    let gas = field(&mut rest)?;
    let to = Bytes::decode(&mut rest).map_err(|_| bad("the to field"))?;
    let value = field(&mut rest)?;
    let data = Bytes::decode(&mut rest).map_err(|_| bad("the data field"))?;
    let to = match to.len() {
        20 => Address::from_slice(&to),
        _ => return Err(bad("a call needs a to address")),
    };
    let gas = u64::try_from(gas)
        .ok()
        .filter(|gas| *gas > 0)
        .unwrap_or(DEFAULT_CALL_GAS);
    Ok(TransactionRequest::default()
        .to(to)
        .value(value)
        .input(data.into())
        .gas_limit(gas))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_rlp::Encodable;

    fn list(fields: &[&dyn Encodable]) -> Vec<u8> {
        let mut payload = Vec::new();
        for field in fields {
            field.encode(&mut payload);
        }
        let mut out = Vec::new();
        Header {
            list: true,
            payload_length: payload.len(),
        }
        .encode(&mut out);
        out.extend(payload);
        out
    }

    #[test]
    fn legacy_and_eip1559_calls_read_back() {
        let to = Address::repeat_byte(7);
        let data = Bytes::from(vec![0x70, 0xa0, 0x82, 0x31]);
        let zero = U256::ZERO;
        let legacy = list(&[
            &zero,
            &U256::from(1),
            &U256::from(50_000),
            &to,
            &U256::from(3),
            &data,
        ]);
        let call = decode(&legacy).expect("legacy");
        assert_eq!(call.to, Some(to.into()));
        assert_eq!(call.gas, Some(50_000));
        assert_eq!(call.value, Some(U256::from(3)));
        assert_eq!(call.input.input().cloned(), Some(data.clone()));
        let eip155 = list(&[
            &zero,
            &zero,
            &zero,
            &to,
            &zero,
            &data,
            &U256::from(1),
            &zero,
            &zero,
        ]);
        assert_eq!(decode(&eip155).expect("eip155").gas, Some(DEFAULT_CALL_GAS));
        let access_list: Vec<Bytes> = Vec::new();
        let mut typed = vec![2u8];
        typed.extend(list(&[
            &U256::from(1),
            &zero,
            &zero,
            &zero,
            &U256::from(90_000),
            &to,
            &zero,
            &data,
            &access_list,
        ]));
        assert_eq!(decode(&typed).expect("eip1559").gas, Some(90_000));
        assert!(decode(&[0x01, 0xc0]).is_err());
        assert!(decode(&list(&[&zero])).is_err());
        let no_to = list(&[&zero, &zero, &zero, &Bytes::new(), &zero, &data]);
        assert!(decode(&no_to).is_err());
    }
}
