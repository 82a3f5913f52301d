// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.28;

import {RootKey, IKeyDeriver} from "./lib/IKeyDeriver.sol";

/// Lit's HD derivation of a PKP key from the network's root ECDSA keys, in plain EVM code, for
/// chains without a derivation precompile:
///
///   d  = hash_to_field(derivedKeyId) with expand_message_xmd(SHA-256), DST
///        "LIT_HD_KEY_ID_K256_XMD:SHA-256_SSWU_RO_NUL_", 48 bytes reduced mod n (RFC 9380);
///   pk = sum_i d^i * Root_i over the ECDSA roots in order (d * Root_0 for a single root, as
///        the JS SDK 7.4.0 derives it).
///
/// The sum is one multi-scalar multiplication (Shamir's trick: one shared chain of 256
/// doublings) in Jacobian coordinates on secp256k1. Roots may be SEC1 compressed (33 bytes) or
/// uncompressed (65 bytes); keys of another type are skipped, as Lit's deriver takes only the
/// roots of the requested type. Returns `(false, "")` when there is nothing to derive from or a
/// root is not a curve point.
contract KeyDeriver is IKeyDeriver {
    uint256 private constant P = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F;
    uint256 private constant N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;
    uint256 private constant ECDSA = 2;
    bytes private constant DST = "LIT_HD_KEY_ID_K256_XMD:SHA-256_SSWU_RO_NUL_";

    function computeHDPubKey(bytes32 derivedKeyId, RootKey[] memory rootHDKeys, uint256 keyType)
        external
        view
        returns (bool, bytes memory)
    {
        if (keyType != ECDSA) return (false, "");
        uint256 count;
        for (uint256 i; i < rootHDKeys.length; ++i) {
            if (rootHDKeys[i].keyType == ECDSA) ++count;
        }
        if (count == 0) return (false, "");

        uint256[] memory xs = new uint256[](count);
        uint256[] memory ys = new uint256[](count);
        uint256[] memory scalars = new uint256[](count);
        uint256 d = hashToScalar(abi.encodePacked(derivedKeyId));
        uint256 power = count == 1 ? d : 1;
        uint256 j;
        for (uint256 i; i < rootHDKeys.length; ++i) {
            if (rootHDKeys[i].keyType != ECDSA) continue;
            bool ok;
            (ok, xs[j], ys[j]) = decodePoint(rootHDKeys[i].pubkey);
            if (!ok) return (false, "");
            scalars[j] = power;
            power = mulmod(power, d, N);
            ++j;
        }

        (uint256 x, uint256 y, uint256 z) = multiScalarMul(xs, ys, scalars);
        if (z == 0) return (false, "");
        (x, y) = toAffine(x, y, z);
        return (true, abi.encodePacked(bytes1(0x04), x, y));
    }

    /// RFC 9380 hash_to_field for one secp256k1 scalar: 48 uniform bytes mod n.
    function hashToScalar(bytes memory message) internal pure returns (uint256) {
        bytes memory dstPrime = abi.encodePacked(DST, uint8(DST.length));
        bytes32 b0 = sha256(abi.encodePacked(new bytes(64), message, uint16(48), uint8(0), dstPrime));
        bytes32 b1 = sha256(abi.encodePacked(b0, uint8(1), dstPrime));
        bytes32 b2 = sha256(abi.encodePacked(b0 ^ b1, uint8(2), dstPrime));
        // The 48 bytes are b1 || first 16 bytes of b2.
        return addmod(mulmod(uint256(b1), 1 << 128, N), uint256(b2) >> 128, N);
    }

    /// A SEC1 point, compressed or uncompressed, checked to be on the curve.
    function decodePoint(bytes memory key) internal view returns (bool, uint256, uint256) {
        uint256 x;
        uint256 y;
        if (key.length == 65 && key[0] == 0x04) {
            assembly {
                x := mload(add(key, 33))
                y := mload(add(key, 65))
            }
            if (x >= P || y >= P) return (false, 0, 0);
            if (mulmod(y, y, P) != addmod(mulmod(mulmod(x, x, P), x, P), 7, P)) return (false, 0, 0);
            return (true, x, y);
        }
        if (key.length == 33 && (key[0] == 0x02 || key[0] == 0x03)) {
            assembly {
                x := mload(add(key, 33))
            }
            if (x >= P) return (false, 0, 0);
            uint256 rhs = addmod(mulmod(mulmod(x, x, P), x, P), 7, P);
            // p = 3 mod 4, so a square root is rhs^((p+1)/4).
            y = modExp(rhs, (P + 1) / 4, P);
            if (mulmod(y, y, P) != rhs) return (false, 0, 0);
            if ((y & 1) != (uint8(key[0]) & 1)) y = P - y;
            return (true, x, y);
        }
        return (false, 0, 0);
    }

    /// sum_i scalars[i] * (xs[i], ys[i]) with one shared doubling chain; Jacobian result,
    /// z = 0 for the point at infinity.
    function multiScalarMul(uint256[] memory xs, uint256[] memory ys, uint256[] memory scalars)
        internal
        pure
        returns (uint256 x, uint256 y, uint256 z)
    {
        for (uint256 bit = 256; bit > 0; --bit) {
            (x, y, z) = jacobianDouble(x, y, z);
            for (uint256 i; i < scalars.length; ++i) {
                if ((scalars[i] >> (bit - 1)) & 1 == 1) {
                    (x, y, z) = jacobianAddAffine(x, y, z, xs[i], ys[i]);
                }
            }
        }
    }

    /// Doubling on y^2 = x^3 + 7 (a = 0): dbl-2009-l. Locals are reused to stay within the
    /// EVM's reachable stack.
    function jacobianDouble(uint256 x, uint256 y, uint256 z)
        internal
        pure
        returns (uint256 x3, uint256 y3, uint256 z3)
    {
        if (z == 0 || y == 0) return (0, 0, 0);
        z3 = mulmod(2, mulmod(y, z, P), P);
        uint256 a = mulmod(x, x, P);
        uint256 b = mulmod(y, y, P);
        uint256 c = mulmod(b, b, P);
        b = addmod(x, b, P);
        uint256 d = mulmod(2, addmod(mulmod(b, b, P), P - addmod(a, c, P), P), P);
        a = mulmod(3, a, P);
        x3 = addmod(mulmod(a, a, P), P - mulmod(2, d, P), P);
        y3 = addmod(mulmod(a, addmod(d, P - x3, P), P), P - mulmod(8, c, P), P);
    }

    /// Jacobian plus affine: madd-2007-bl, with the equal and opposite cases handled.
    function jacobianAddAffine(uint256 x1, uint256 y1, uint256 z1, uint256 x2, uint256 y2)
        internal
        pure
        returns (uint256 x3, uint256 y3, uint256 z3)
    {
        if (z1 == 0) return (x2, y2, 1);
        uint256 z1z1 = mulmod(z1, z1, P);
        // h = x2 * z1^2 - x1, r = y2 * z1^3 - y1
        uint256 h = addmod(mulmod(x2, z1z1, P), P - x1, P);
        uint256 r = addmod(mulmod(y2, mulmod(z1, z1z1, P), P), P - y1, P);
        if (h == 0) {
            if (r == 0) return jacobianDouble(x1, y1, z1);
            return (0, 0, 0);
        }
        z3 = mulmod(z1, h, P);
        z1z1 = mulmod(h, h, P); // hh
        h = mulmod(h, z1z1, P); // hhh
        z1z1 = mulmod(x1, z1z1, P); // v
        x3 = addmod(addmod(mulmod(r, r, P), P - h, P), P - mulmod(2, z1z1, P), P);
        y3 = addmod(mulmod(r, addmod(z1z1, P - x3, P), P), P - mulmod(y1, h, P), P);
    }

    function toAffine(uint256 x, uint256 y, uint256 z) internal view returns (uint256, uint256) {
        uint256 zInv = modExp(z, P - 2, P);
        uint256 zInv2 = mulmod(zInv, zInv, P);
        return (mulmod(x, zInv2, P), mulmod(y, mulmod(zInv, zInv2, P), P));
    }

    /// base^exponent mod modulus through the modexp precompile (address 5).
    function modExp(uint256 base, uint256 exponent, uint256 modulus) internal view returns (uint256 result) {
        assembly {
            let input := mload(0x40)
            mstore(input, 32)
            mstore(add(input, 32), 32)
            mstore(add(input, 64), 32)
            mstore(add(input, 96), base)
            mstore(add(input, 128), exponent)
            mstore(add(input, 160), modulus)
            if iszero(staticcall(gas(), 5, input, 192, input, 32)) { revert(0, 0) }
            result := mload(input)
        }
    }
}
