// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.28;

import {Owned} from "./lib/Owned.sol";

/// A smart-contract wallet with one owner, for trying contract-wallet AuthSigs (`derivedVia`
/// `EIP1271` or `EIP1271_SHA256`) on a devnet. It answers EIP-1271 as a one-owner Safe does: a
/// signature is valid when the owner's key made it over the hash asked about. Moving ownership
/// to another key invalidates every signature the old owner made.
contract ContractWallet is Owned {
    /// `isValidSignature.selector`, EIP-1271's answer for a valid signature.
    bytes4 internal constant MAGIC_VALUE = 0x1626ba7e;
    /// Any other answer means invalid.
    bytes4 internal constant INVALID = 0xffffffff;
    /// Half the secp256k1 group order: a larger `s` is the malleable twin of a valid signature.
    uint256 internal constant HALF_ORDER = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    constructor(address owner_) {
        require(owner_ != address(0), "ContractWallet: owner is the zero address");
        _setOwner(owner_);
    }

    /// EIP-1271: `MAGIC_VALUE` when `signature` (r, s, v; v 0/1 or 27/28) is the owner's over
    /// `hash`, else `0xffffffff`.
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        if (signature.length != 65) return INVALID;
        bytes32 r = bytes32(signature[0:32]);
        bytes32 s = bytes32(signature[32:64]);
        uint8 v = uint8(signature[64]);
        if (v < 27) v += 27;
        if (uint256(s) > HALF_ORDER) return INVALID;
        address signer = ecrecover(hash, v, r, s);
        return signer != address(0) && signer == owner() ? MAGIC_VALUE : INVALID;
    }
}
