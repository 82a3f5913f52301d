//! Lit's HD key derivation as a precompile of the embedded chain, as Lit's own chain derives
//! PKP keys natively. It answers the `IKeyDeriver.computeHDPubKey` ABI at
//! [`HD_KEY_DERIVER_PRECOMPILE`], so PubkeyRouter calls it exactly as it calls the `KeyDeriver`
//! contract (the same derivation in EVM code, which any other chain runs): registering either
//! under the resolver's `HD_KEY_DERIVER` key gives the same keys, for a fraction of the gas here.

use super::contracts::KeyDeriver;
use alloy_primitives::{address, Address, Bytes, U256};
use alloy_sol_types::SolCall;
use revm::precompile::{
    Precompile, PrecompileHalt, PrecompileId, PrecompileOutput, PrecompileResult, Precompiles,
};
use std::sync::OnceLock;

/// Where the embedded chain answers `computeHDPubKey` natively (the address Lit's chain gives
/// its derivation precompile).
pub const HD_KEY_DERIVER_PRECOMPILE: Address = address!("00000000000000000000000000000000000000F5");

/// Root keys' type for ECDSA (secp256k1), as `RootKey.keyType` numbers it.
const ECDSA: u64 = 2;
/// Gas of a derivation: a base, plus one scalar multiplication per root key.
const BASE_GAS: u64 = 3_000;
const GAS_PER_ROOT: u64 = 6_000;

/// Prague's precompiles plus the derivation.
pub(crate) fn precompiles() -> &'static Precompiles {
    static PRECOMPILES: OnceLock<Precompiles> = OnceLock::new();
    PRECOMPILES.get_or_init(|| {
        let mut precompiles = Precompiles::prague().clone();
        precompiles.extend([Precompile::new(
            PrecompileId::Custom("lit-hd-key-derivation".into()),
            HD_KEY_DERIVER_PRECOMPILE,
            compute_hd_pub_key,
        )]);
        precompiles
    })
}

fn compute_hd_pub_key(input: &[u8], gas_limit: u64, reservoir: u64) -> PrecompileResult {
    let Ok(call) = KeyDeriver::computeHDPubKeyCall::abi_decode(input) else {
        return Ok(PrecompileOutput::halt(
            PrecompileHalt::Other("not a computeHDPubKey call".into()),
            reservoir,
        ));
    };
    let roots: Vec<&Bytes> = call
        .rootHDKeys
        .iter()
        .filter(|root| root.keyType == U256::from(ECDSA))
        .map(|root| &root.pubkey)
        .collect();
    let gas = BASE_GAS + GAS_PER_ROOT * roots.len() as u64;
    if gas > gas_limit {
        return Ok(PrecompileOutput::halt(PrecompileHalt::OutOfGas, reservoir));
    }
    let derived = (call.keyType == U256::from(ECDSA) && !roots.is_empty())
        .then(|| derive(call.derivedKeyId.as_slice(), &roots))
        .flatten();
    let (ok, key) = match derived {
        Some(key) => (true, Bytes::from(key)),
        None => (false, Bytes::new()),
    };
    let output = KeyDeriver::computeHDPubKeyCall::abi_encode_returns_tuple(&(ok, key));
    Ok(PrecompileOutput::new(gas, output.into(), reservoir))
}

/// The uncompressed derived key, or `None` when a root is not a curve point.
fn derive(key_id: &[u8], roots: &[&Bytes]) -> Option<Vec<u8>> {
    use k256::elliptic_curve::sec1::ToEncodedPoint;
    let roots = sigil_crypto::hd::parse_root_keys(roots).ok()?;
    let key = sigil_crypto::hd::derive_public_key(key_id, &roots).ok()?;
    Some(key.to_encoded_point(false).as_bytes().to_vec())
}
