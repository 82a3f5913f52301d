// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.28;

import {OwnedRenounceable} from "./lib/Owned.sol";
import {Roles} from "./lib/Roles.sol";
import {ContractResolver} from "./ContractResolver.sol";
import {PKPNFT} from "./PKPNFT.sol";
import {PKPPermissions} from "./PKPPermissions.sol";
import {PKPNFTMetadata} from "./PKPNFTMetadata.sol";

/// Mint a PKP and set its permissions in one transaction. The helper mints
/// to itself (it is the owner while it adds permissions), then hands the
/// NFT to the caller or to the PKP's own address.
contract PKPHelper is OwnedRenounceable, Roles {
    ContractResolver public contractResolver;
    ContractResolver.Env public env;

    event ContractResolverAddressSet(address newResolverAddress);

    constructor(address resolver, ContractResolver.Env env_) {
        contractResolver = ContractResolver(resolver);
        env = env_;
        _grantRole(DEFAULT_ADMIN_ROLE, msg.sender);
    }

    function mintNextAndAddAuthMethods(
        uint256 keyType,
        uint256[] memory permittedAuthMethodTypes,
        bytes[] memory permittedAuthMethodIds,
        bytes[] memory permittedAuthMethodPubkeys,
        uint256[][] memory permittedAuthMethodScopes,
        bool addPkpEthAddressAsPermittedAddress,
        bool sendPkpToItself
    ) public payable returns (uint256) {
        return mintNextAndAddAuthMethodsWithTypes(
            keyType,
            new bytes[](0),
            new uint256[][](0),
            new address[](0),
            new uint256[][](0),
            permittedAuthMethodTypes,
            permittedAuthMethodIds,
            permittedAuthMethodPubkeys,
            permittedAuthMethodScopes,
            addPkpEthAddressAsPermittedAddress,
            sendPkpToItself
        );
    }

    function mintNextAndAddAuthMethodsWithTypes(
        uint256 keyType,
        bytes[] memory permittedIpfsCIDs,
        uint256[][] memory permittedIpfsCIDScopes,
        address[] memory permittedAddresses,
        uint256[][] memory permittedAddressScopes,
        uint256[] memory permittedAuthMethodTypes,
        bytes[] memory permittedAuthMethodIds,
        bytes[] memory permittedAuthMethodPubkeys,
        uint256[][] memory permittedAuthMethodScopes,
        bool addPkpEthAddressAsPermittedAddress,
        bool sendPkpToItself
    ) public payable returns (uint256) {
        require(permittedIpfsCIDs.length == permittedIpfsCIDScopes.length, "PKPHelper: ipfsCID and scope array lengths must match");
        require(permittedAddresses.length == permittedAddressScopes.length, "PKPHelper: address and scope array lengths must match");
        uint256 tokenId = _mintToSelf(keyType);
        _addActions(tokenId, permittedIpfsCIDs, permittedIpfsCIDScopes);
        _addAddresses(tokenId, permittedAddresses, permittedAddressScopes);
        _addAuthMethods(tokenId, permittedAuthMethodTypes, permittedAuthMethodIds, permittedAuthMethodPubkeys, permittedAuthMethodScopes);
        _finish(tokenId, addPkpEthAddressAsPermittedAddress, sendPkpToItself);
        return tokenId;
    }

    function _mintToSelf(uint256 keyType) private returns (uint256) {
        return PKPNFT(getPkpNftAddress()).mintNext{value: msg.value}(keyType);
    }

    function _addActions(uint256 tokenId, bytes[] memory cids, uint256[][] memory scopes) private {
        PKPPermissions perms = PKPPermissions(getPkpPermissionsAddress());
        for (uint256 i = 0; i < cids.length; i++) {
            perms.addPermittedAction(tokenId, cids[i], scopes[i]);
        }
    }

    function _addAddresses(uint256 tokenId, address[] memory addrs, uint256[][] memory scopes) private {
        PKPPermissions perms = PKPPermissions(getPkpPermissionsAddress());
        for (uint256 i = 0; i < addrs.length; i++) {
            perms.addPermittedAddress(tokenId, addrs[i], scopes[i]);
        }
    }

    function _addAuthMethods(
        uint256 tokenId,
        uint256[] memory types,
        bytes[] memory ids,
        bytes[] memory pubkeys,
        uint256[][] memory scopes
    ) private {
        require(
            types.length == ids.length && types.length == pubkeys.length && types.length == scopes.length,
            "PKPHelper: auth method array lengths must match"
        );
        PKPPermissions perms = PKPPermissions(getPkpPermissionsAddress());
        for (uint256 i = 0; i < types.length; i++) {
            perms.addPermittedAuthMethod(tokenId, PKPPermissions.AuthMethod(types[i], ids[i], pubkeys[i]), scopes[i]);
        }
    }

    function _finish(uint256 tokenId, bool addPkpEthAddressAsPermittedAddress, bool sendPkpToItself) private {
        PKPNFT nft = PKPNFT(getPkpNftAddress());
        address pkpEthAddress = nft.getEthAddress(tokenId);
        if (addPkpEthAddressAsPermittedAddress) {
            PKPPermissions(getPkpPermissionsAddress()).addPermittedAddress(tokenId, pkpEthAddress, new uint256[](0));
        }
        nft.safeTransferFrom(address(this), sendPkpToItself ? pkpEthAddress : msg.sender, tokenId);
    }

    /// nftMetadata[0] = URL, nftMetadata[1] = profile image URL (optional).
    function setPkpMetadata(uint256 tokenId, string[] memory nftMetadata) public {
        require(PKPNFT(getPkpNftAddress()).ownerOf(tokenId) == msg.sender, "PKPHelper: only the PKP owner");
        PKPNFTMetadata meta = PKPNFTMetadata(getPKPNftMetdataAddress());
        if (nftMetadata.length > 0) meta.setUrlForPKP(tokenId, nftMetadata[0]);
        if (nftMetadata.length > 1) meta.setProfileForPKP(tokenId, nftMetadata[1]);
    }

    function removePkpMetadata(uint256 tokenId) public {
        require(PKPNFT(getPkpNftAddress()).ownerOf(tokenId) == msg.sender, "PKPHelper: only the PKP owner");
        PKPNFTMetadata meta = PKPNFTMetadata(getPKPNftMetdataAddress());
        meta.removeUrlForPKP(tokenId);
        meta.removeProfileForPkp(tokenId);
    }

    function getPkpNftAddress() public view returns (address) {
        return contractResolver.getContract(contractResolver.PKP_NFT_CONTRACT(), env);
    }

    function getPkpPermissionsAddress() public view returns (address) {
        return contractResolver.getContract(contractResolver.PKP_PERMISSIONS_CONTRACT(), env);
    }

    /// (sic: the Datil ABI spells it "Metdata")
    function getPKPNftMetdataAddress() public view returns (address) {
        return contractResolver.getContract(contractResolver.PKP_NFT_METADATA_CONTRACT(), env);
    }

    function getDomainWalletRegistry() public view returns (address) {
        return contractResolver.getContract(contractResolver.DOMAIN_WALLET_REGISTRY(), env);
    }

    function setContractResolver(address newResolverAddress) public onlyOwner {
        contractResolver = ContractResolver(newResolverAddress);
        emit ContractResolverAddressSet(newResolverAddress);
    }

    function onERC721Received(address, address, uint256, bytes calldata) external view returns (bytes4) {
        require(msg.sender == getPkpNftAddress(), "PKPHelper: only accepts PKPs");
        return this.onERC721Received.selector;
    }

    function supportsInterface(bytes4 interfaceId) public pure returns (bool) {
        return interfaceId == 0x01ffc9a7 || interfaceId == 0x7965db0b || interfaceId == 0x150b7a02;
    }
}
