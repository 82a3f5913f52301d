// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.28;

import {Owned} from "./lib/Owned.sol";
import {ERC721Enumerable} from "./lib/ERC721Enumerable.sol";
import {ContractResolver} from "./ContractResolver.sol";
import {PubkeyRouter} from "./PubkeyRouter.sol";
import {PKPPermissions} from "./PKPPermissions.sol";
import {PKPNFTMetadata} from "./PKPNFTMetadata.sol";

/// Programmable Key Pair NFT. tokenId = uint256(keccak256(pubkey)).
/// mintNext log order: PubkeyRoutingDataSet (topic 1 = tokenId), Transfer, PKPMinted.
contract PKPNFT is Owned, ERC721Enumerable {
    ContractResolver public contractResolver;
    ContractResolver.Env public env;

    uint256 public mintCost;
    address public freeMintSigner;
    mapping(uint256 => bool) public redeemedFreeMintIds;

    event PKPMinted(uint256 indexed tokenId, bytes pubkey);
    event MintCostSet(uint256 newMintCost);
    event FreeMintSignerSet(address indexed newFreeMintSigner);
    event Withdrew(uint256 amount);
    event ContractResolverAddressSet(address newResolverAddress);

    constructor(address resolver, ContractResolver.Env env_, uint256 mintCost_)
        ERC721Enumerable("Programmable Keypair", "PKP")
    {
        contractResolver = ContractResolver(resolver);
        env = env_;
        mintCost = mintCost_;
    }

    // ---- minting ----

    function mintNext(uint256 keyType) external payable returns (uint256) {
        require(msg.value == mintCost, "PKPNFT: you must pay exactly mint cost");
        return _mintNext(keyType, msg.sender);
    }

    /// Mint a PKP, permit one Lit Action (scope 1 = SignAnything) and burn it,
    /// so the key is usable only by that action.
    function mintGrantAndBurnNext(uint256 keyType, bytes memory ipfsCID) external payable returns (uint256) {
        require(msg.value == mintCost, "PKPNFT: you must pay exactly mint cost");
        uint256 tokenId = _mintNext(keyType, address(this));
        uint256[] memory scopes = new uint256[](1);
        scopes[0] = 1;
        PKPPermissions(getPkpPermissionsAddress()).addPermittedAction(tokenId, ipfsCID, scopes);
        _burn(tokenId);
        return tokenId;
    }

    function getNextDerivedKeyId() public view returns (bytes32) {
        return keccak256(abi.encodePacked(totalSupply() + 1, blockhash(block.number - 1)));
    }

    function _mintNext(uint256 keyType, address to) private returns (uint256) {
        require(keyType == 2, "PKPNFT: only keyType 2 (ECDSA) is supported");
        address staking = getStakingAddress();
        PubkeyRouter router = PubkeyRouter(getRouterAddress());
        bytes32 derivedKeyId = getNextDerivedKeyId();
        bytes memory pubkey = router.getDerivedPubkey(staking, derivedKeyId);
        uint256 tokenId = uint256(keccak256(pubkey));
        router.setRoutingData(tokenId, pubkey, staking, keyType, derivedKeyId);
        _safeMint(to, tokenId);
        emit PKPMinted(tokenId, pubkey);
        return tokenId;
    }

    function burn(uint256 tokenId) external {
        require(_isApprovedOrOwner(msg.sender, tokenId), "PKPNFT: caller is not token owner or approved");
        _burn(tokenId);
    }

    // ---- views ----

    function exists(uint256 tokenId) external view returns (bool) {
        return _exists(tokenId);
    }

    function getPubkey(uint256 tokenId) public view returns (bytes memory) {
        return PubkeyRouter(getRouterAddress()).getPubkey(tokenId);
    }

    function getEthAddress(uint256 tokenId) public view returns (address) {
        return PubkeyRouter(getRouterAddress()).getEthAddress(tokenId);
    }

    function tokenURI(uint256 tokenId) external view returns (string memory) {
        ownerOf(tokenId);
        address meta = getPkpNftMetadataAddress();
        require(meta != address(0), "PKPNFT: no metadata contract");
        return PKPNFTMetadata(meta).tokenURI(tokenId, getPubkey(tokenId), getEthAddress(tokenId));
    }

    function prefixed(bytes32 hash) public pure returns (bytes32) {
        return keccak256(abi.encodePacked("\x19Ethereum Signed Message:\n32", hash));
    }

    function getStakingAddress() public view returns (address) {
        return contractResolver.getContract(contractResolver.STAKING_CONTRACT(), env);
    }

    function getRouterAddress() public view returns (address) {
        return contractResolver.getContract(contractResolver.PUB_KEY_ROUTER_CONTRACT(), env);
    }

    function getPkpPermissionsAddress() public view returns (address) {
        return contractResolver.getContract(contractResolver.PKP_PERMISSIONS_CONTRACT(), env);
    }

    function getPkpNftMetadataAddress() public view returns (address) {
        return contractResolver.getContract(contractResolver.PKP_NFT_METADATA_CONTRACT(), env);
    }

    // ---- admin ----

    function setMintCost(uint256 newMintCost) external onlyOwner {
        mintCost = newMintCost;
        emit MintCostSet(newMintCost);
    }

    function setFreeMintSigner(address newFreeMintSigner) external onlyOwner {
        freeMintSigner = newFreeMintSigner;
        emit FreeMintSignerSet(newFreeMintSigner);
    }

    function setContractResolver(address newResolverAddress) external onlyOwner {
        contractResolver = ContractResolver(newResolverAddress);
        emit ContractResolverAddressSet(newResolverAddress);
    }

    function withdraw() external onlyOwner {
        uint256 amount = address(this).balance;
        (bool ok,) = payable(msg.sender).call{value: amount}("");
        require(ok, "PKPNFT: withdraw failed");
        emit Withdrew(amount);
    }

    /// The PKPNFT holds a freshly minted PKP during mintGrantAndBurnNext.
    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        return this.onERC721Received.selector;
    }
}
