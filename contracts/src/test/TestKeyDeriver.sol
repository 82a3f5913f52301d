// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.28;

import {RootKey, IKeyDeriver} from "../lib/IKeyDeriver.sol";

/// TEST ONLY. Not an elliptic-curve derivation: returns a deterministic
/// 65-byte "uncompressed key" 0x04 || h || keccak256(h), with
/// h = keccak256(abi.encode(derivedKeyId, rootHDKeys, keyType)).
/// The result is NOT a point on secp256k1. The real HD derivation
/// (sum_i d^i * Root_i) comes in a later step.
contract TestKeyDeriver is IKeyDeriver {
    function computeHDPubKey(bytes32 derivedKeyId, RootKey[] memory rootHDKeys, uint256 keyType)
        external
        pure
        returns (bool, bytes memory)
    {
        if (rootHDKeys.length == 0) return (false, "");
        bytes32 h = keccak256(abi.encode(derivedKeyId, rootHDKeys, keyType));
        return (true, abi.encodePacked(bytes1(0x04), h, keccak256(abi.encodePacked(h))));
    }
}
