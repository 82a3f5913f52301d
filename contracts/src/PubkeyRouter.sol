// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.28;

import {Owned} from "./lib/Owned.sol";
import {RootKey, IKeyDeriver} from "./lib/IKeyDeriver.sol";
import {ContractResolver} from "./ContractResolver.sol";
import {Staking} from "./Staking.sol";

/// Maps PKP token ids to their public keys, holds the network root keys per
/// staking contract, and derives PKP keys through the HD key deriver
/// registered in the ContractResolver under HD_KEY_DERIVER.
contract PubkeyRouter is Owned {
    struct PubkeyRoutingData {
        bytes pubkey;
        uint256 keyType;
        bytes32 derivedKeyId;
    }

    struct Signature {
        bytes32 r;
        bytes32 s;
        uint8 v;
    }

    ContractResolver public contractResolver;
    ContractResolver.Env public env;

    mapping(uint256 => PubkeyRoutingData) private _pubkeys;
    mapping(address => uint256) public ethAddressToPkpId;
    mapping(address => RootKey[]) private _rootKeys;
    // staking => proposal hash => voter (node address) => voted
    mapping(address => mapping(bytes32 => mapping(address => bool))) private _rootKeyVoted;
    mapping(address => mapping(bytes32 => uint256)) private _rootKeyVotes;

    event PubkeyRoutingDataSet(
        uint256 indexed tokenId, bytes pubkey, address stakingContract, uint256 keyType, bytes32 derivedKeyId
    );
    event RootKeySet(address stakingContract, RootKey rootKey);
    event ContractResolverAddressSet(address newResolverAddress);

    constructor(address resolver, ContractResolver.Env env_) {
        contractResolver = ContractResolver(resolver);
        env = env_;
    }

    modifier onlyPkpNft() {
        require(msg.sender == getPkpNftAddress(), "PubkeyRouter: only the PKPNFT contract");
        _;
    }

    // ---- routing data ----

    function setRoutingData(
        uint256 tokenId,
        bytes memory pubkey,
        address stakingContractAddress,
        uint256 keyType,
        bytes32 derivedKeyId
    ) public onlyPkpNft {
        _setRoutingData(tokenId, pubkey, stakingContractAddress, keyType, derivedKeyId);
    }

    function setRoutingDataAsAdmin(
        uint256 tokenId,
        bytes memory pubkey,
        address stakingContract,
        uint256 keyType,
        bytes32 derivedKeyId
    ) public onlyOwner {
        _setRoutingData(tokenId, pubkey, stakingContract, keyType, derivedKeyId);
    }

    function _setRoutingData(
        uint256 tokenId,
        bytes memory pubkey,
        address stakingContract,
        uint256 keyType,
        bytes32 derivedKeyId
    ) private {
        require(pubkey.length == 65 || pubkey.length == 33 || pubkey.length == 48, "PubkeyRouter: bad pubkey length");
        _pubkeys[tokenId] = PubkeyRoutingData(pubkey, keyType, derivedKeyId);
        if (pubkey.length == 65) {
            ethAddressToPkpId[deriveEthAddressFromPubkey(pubkey)] = tokenId;
        }
        emit PubkeyRoutingDataSet(tokenId, pubkey, stakingContract, keyType, derivedKeyId);
    }

    function pubkeys(uint256 tokenId) external view returns (PubkeyRoutingData memory) {
        return _pubkeys[tokenId];
    }

    function getRoutingData(uint256 tokenId) external view returns (PubkeyRoutingData memory) {
        return _pubkeys[tokenId];
    }

    function isRouted(uint256 tokenId) external view returns (bool) {
        PubkeyRoutingData storage d = _pubkeys[tokenId];
        return d.pubkey.length != 0 && d.keyType != 0;
    }

    function getPubkey(uint256 tokenId) public view returns (bytes memory) {
        return _pubkeys[tokenId].pubkey;
    }

    function getEthAddress(uint256 tokenId) external view returns (address) {
        bytes memory pk = _pubkeys[tokenId].pubkey;
        if (pk.length != 65) return address(0);
        return deriveEthAddressFromPubkey(pk);
    }

    /// address = last 20 bytes of keccak256(X || Y) for a 65-byte 0x04||X||Y key.
    function deriveEthAddressFromPubkey(bytes memory pubkey) public pure returns (address) {
        require(pubkey.length == 65, "PubkeyRouter: pubkey must be 65 bytes");
        bytes32 h;
        assembly {
            h := keccak256(add(pubkey, 33), 64)
        }
        return address(uint160(uint256(h)));
    }

    // ---- root keys and derivation ----

    function getRootKeys(address stakingContract) public view returns (RootKey[] memory) {
        return _rootKeys[stakingContract];
    }

    /// Each current validator (by node address) votes for the same root key
    /// set; it is stored once every current validator has voted for it.
    function voteForRootKeys(address stakingContractAddress, RootKey[] memory newRootKeys) external {
        Staking staking = Staking(stakingContractAddress);
        require(staking.isActiveValidatorByNodeAddress(msg.sender), "PubkeyRouter: caller is not an active validator");
        require(_rootKeys[stakingContractAddress].length == 0, "PubkeyRouter: root keys already set");
        bytes32 h = keccak256(abi.encode(newRootKeys));
        require(!_rootKeyVoted[stakingContractAddress][h][msg.sender], "PubkeyRouter: already voted");
        _rootKeyVoted[stakingContractAddress][h][msg.sender] = true;
        uint256 votes = ++_rootKeyVotes[stakingContractAddress][h];
        if (votes >= staking.getValidatorsInCurrentEpochLength()) {
            _storeRootKeys(stakingContractAddress, newRootKeys);
        }
    }

    /// Owner-only (not in Datil's ABI): set the root keys directly.
    function adminSetRootKeys(address stakingContract, RootKey[] memory newRootKeys) external onlyOwner {
        delete _rootKeys[stakingContract];
        _storeRootKeys(stakingContract, newRootKeys);
    }

    function adminResetRootKeys(address stakingContract) external onlyOwner {
        delete _rootKeys[stakingContract];
    }

    function _storeRootKeys(address stakingContract, RootKey[] memory keys) private {
        for (uint256 i = 0; i < keys.length; i++) {
            _rootKeys[stakingContract].push(keys[i]);
            emit RootKeySet(stakingContract, keys[i]);
        }
    }

    /// Derive the ECDSA (keyType 2) PKP public key for `derivedKeyId` from the
    /// root keys of `stakingContract`, via the registered HD key deriver.
    function getDerivedPubkey(address stakingContract, bytes32 derivedKeyId) public view returns (bytes memory) {
        address deriver = contractResolver.getContract(contractResolver.HD_KEY_DERIVER_CONTRACT(), env);
        require(deriver != address(0), "PubkeyRouter: no HD key deriver registered");
        RootKey[] memory all = _rootKeys[stakingContract];
        uint256 n = 0;
        for (uint256 i = 0; i < all.length; i++) {
            if (all[i].keyType == 2) n++;
        }
        require(n > 0, "PubkeyRouter: no ECDSA root keys");
        RootKey[] memory ecdsa = new RootKey[](n);
        uint256 j = 0;
        for (uint256 i = 0; i < all.length; i++) {
            if (all[i].keyType == 2) ecdsa[j++] = all[i];
        }
        (bool ok, bytes memory pubkey) = IKeyDeriver(deriver).computeHDPubKey(derivedKeyId, ecdsa, 2);
        require(ok, "PubkeyRouter: HD key derivation failed");
        require(pubkey.length == 65 && pubkey[0] == 0x04, "PubkeyRouter: deriver returned a malformed key");
        return pubkey;
    }

    /// True when at least currentValidatorCountForConsensus() distinct active
    /// validators (by node address) signed keccak256(signedMessage).
    function checkNodeSignatures(Signature[] memory signatures, bytes memory signedMessage, address stakingContractAddress)
        public
        view
        returns (bool)
    {
        Staking staking = Staking(stakingContractAddress);
        bytes32 digest = keccak256(signedMessage);
        address[] memory seen = new address[](signatures.length);
        uint256 valid = 0;
        for (uint256 i = 0; i < signatures.length; i++) {
            address signer = ecrecover(digest, signatures[i].v, signatures[i].r, signatures[i].s);
            if (signer == address(0) || !staking.isActiveValidatorByNodeAddress(signer)) continue;
            bool dup = false;
            for (uint256 k = 0; k < valid; k++) {
                if (seen[k] == signer) dup = true;
            }
            if (dup) continue;
            seen[valid++] = signer;
        }
        return valid > 0 && valid >= staking.currentValidatorCountForConsensus();
    }

    function getPkpNftAddress() public view returns (address) {
        return contractResolver.getContract(contractResolver.PKP_NFT_CONTRACT(), env);
    }

    function setContractResolver(address newResolverAddress) external onlyOwner {
        contractResolver = ContractResolver(newResolverAddress);
        emit ContractResolverAddressSet(newResolverAddress);
    }
}
