// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.28;

/// A network root key as stored by PubkeyRouter (same layout as Datil's
/// `IPubkeyRouter.RootKey`): `keyType` 1 = BLS, 2 = ECDSA (secp256k1).
struct RootKey {
    bytes pubkey;
    uint256 keyType;
}

/// HD key deriver, same call shape as Lit's `IKeyDeriver.computeHDPubKey`:
/// given the derivation id and the network's root keys, return
/// `(true, derivedPubkey)` where derivedPubkey is the 65-byte uncompressed
/// secp256k1 key `0x04 || X || Y` = sum_i d^i * Root_i, with
/// d = hash_to_scalar(derivedKeyId, "LIT_HD_KEY_ID_K256_XMD:SHA-256_SSWU_RO_NUL_").
/// PubkeyRouter reaches it with a STATICCALL (it is a `view`).
interface IKeyDeriver {
    function computeHDPubKey(bytes32 derivedKeyId, RootKey[] memory rootHDKeys, uint256 keyType)
        external
        view
        returns (bool, bytes memory);
}
