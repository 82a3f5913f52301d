// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.28;

import {ContractResolver} from "./ContractResolver.sol";

interface IPkpOwnerOf {
    function ownerOf(uint256 tokenId) external view returns (address);
}

/// Optional per-PKP URL / profile image, and the JSON tokenURI used by PKPNFT.
/// Writers: the PKP's owner, or the PKPHelper registered in the resolver.
contract PKPNFTMetadata {
    ContractResolver public contractResolver;
    ContractResolver.Env public env;

    mapping(uint256 => string) private _urls;
    mapping(uint256 => string) private _profiles;

    constructor(address resolver, ContractResolver.Env env_) {
        contractResolver = ContractResolver(resolver);
        env = env_;
    }

    modifier onlyWriter(uint256 tokenId) {
        address helper = contractResolver.getContract(contractResolver.PKP_HELPER_CONTRACT(), env);
        address nft = contractResolver.getContract(contractResolver.PKP_NFT_CONTRACT(), env);
        require(
            msg.sender == helper || IPkpOwnerOf(nft).ownerOf(tokenId) == msg.sender,
            "PKPNFTMetadata: only the PKP owner or the PKPHelper"
        );
        _;
    }

    function setUrlForPKP(uint256 tokenId, string memory url) external onlyWriter(tokenId) {
        _urls[tokenId] = url;
    }

    function removeUrlForPKP(uint256 tokenId) external onlyWriter(tokenId) {
        delete _urls[tokenId];
    }

    function setProfileForPKP(uint256 tokenId, string memory imgUrl) external onlyWriter(tokenId) {
        _profiles[tokenId] = imgUrl;
    }

    function removeProfileForPkp(uint256 tokenId) external onlyWriter(tokenId) {
        delete _profiles[tokenId];
    }

    /// Lower-case hex with a 0x prefix.
    function bytesToHex(bytes memory buffer) public pure returns (string memory) {
        bytes memory alphabet = "0123456789abcdef";
        bytes memory out = new bytes(2 + buffer.length * 2);
        out[0] = "0";
        out[1] = "x";
        for (uint256 i = 0; i < buffer.length; i++) {
            out[2 + i * 2] = alphabet[uint8(buffer[i]) >> 4];
            out[3 + i * 2] = alphabet[uint8(buffer[i]) & 0x0f];
        }
        return string(out);
    }

    function tokenURI(uint256 tokenId, bytes memory pubKey, address ethAddress) external view returns (string memory) {
        string memory s = string.concat(
            "data:application/json;utf8,{\"name\":\"Lit PKP #",
            bytesToHex(abi.encodePacked(tokenId)),
            "\",\"description\":\"This NFT entitles the holder to use a Lit Protocol PKP\",\"public_key\":\"",
            bytesToHex(pubKey),
            "\",\"eth_address\":\"",
            bytesToHex(abi.encodePacked(ethAddress)),
            "\""
        );
        if (bytes(_urls[tokenId]).length != 0) s = string.concat(s, ",\"external_url\":\"", _urls[tokenId], "\"");
        if (bytes(_profiles[tokenId]).length != 0) s = string.concat(s, ",\"image\":\"", _profiles[tokenId], "\"");
        return string.concat(s, "}");
    }
}
