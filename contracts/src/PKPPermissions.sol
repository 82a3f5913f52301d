// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.28;

import {Owned} from "./lib/Owned.sol";
import {ContractResolver} from "./ContractResolver.sol";
import {PubkeyRouter} from "./PubkeyRouter.sol";

interface IOwnerOf {
    function ownerOf(uint256 tokenId) external view returns (address);
}

/// Who may use a PKP: auth methods (type + id) with scopes.
/// Type 1 = address (id = 20 raw address bytes), type 2 = Lit Action (id = IPFS CID bytes).
/// Scopes: 1 = SignAnything, 2 = PersonalSign.
contract PKPPermissions is Owned {
    struct AuthMethod {
        uint256 authMethodType;
        bytes id;
        bytes userPubkey;
    }

    ContractResolver public contractResolver;
    ContractResolver.Env public env;

    // authMethodId = keccak256(abi.encode(type, id))
    mapping(uint256 => AuthMethod) private _authMethods;
    mapping(uint256 => uint256[]) private _tokenAuthMethods; // tokenId => authMethodIds
    mapping(uint256 => mapping(uint256 => uint256)) private _tokenAuthMethodPos; // 1-based
    mapping(uint256 => uint256[]) private _authMethodTokens; // authMethodId => tokenIds
    mapping(uint256 => mapping(uint256 => uint256)) private _authMethodTokenPos; // 1-based
    mapping(uint256 => mapping(uint256 => uint256[])) private _scopeList; // tokenId => authMethodId => scopes
    mapping(uint256 => mapping(uint256 => mapping(uint256 => bool))) private _scopes;
    mapping(uint256 => mapping(uint256 => bytes32)) private _rootHashes;

    event PermittedAuthMethodAdded(uint256 indexed tokenId, uint256 authMethodType, bytes id, bytes userPubkey);
    event PermittedAuthMethodRemoved(uint256 indexed tokenId, uint256 authMethodType, bytes id);
    event PermittedAuthMethodScopeAdded(uint256 indexed tokenId, uint256 authMethodType, bytes id, uint256 scopeId);
    event PermittedAuthMethodScopeRemoved(uint256 indexed tokenId, uint256 authMethodType, bytes id, uint256 scopeId);
    event RootHashUpdated(uint256 indexed tokenId, uint256 indexed group, bytes32 root);
    event ContractResolverAddressSet(address newResolverAddress);

    constructor(address resolver, ContractResolver.Env env_) {
        contractResolver = ContractResolver(resolver);
        env = env_;
    }

    modifier onlyPKPOwner(uint256 tokenId) {
        require(IOwnerOf(getPkpNftAddress()).ownerOf(tokenId) == msg.sender, "PKPPermissions: only the PKP owner");
        _;
    }

    // ---- writes ----

    function addPermittedAuthMethod(uint256 tokenId, AuthMethod memory authMethod, uint256[] memory scopes)
        public
        onlyPKPOwner(tokenId)
    {
        _addAuthMethod(tokenId, authMethod, scopes);
    }

    function addPermittedAction(uint256 tokenId, bytes memory ipfsCID, uint256[] memory scopes)
        public
        onlyPKPOwner(tokenId)
    {
        _addAuthMethod(tokenId, AuthMethod(2, ipfsCID, ""), scopes);
    }

    function addPermittedAddress(uint256 tokenId, address user, uint256[] memory scopes)
        public
        onlyPKPOwner(tokenId)
    {
        _addAuthMethod(tokenId, AuthMethod(1, abi.encodePacked(user), ""), scopes);
    }

    function removePermittedAuthMethod(uint256 tokenId, uint256 authMethodType, bytes memory id)
        public
        onlyPKPOwner(tokenId)
    {
        _removeAuthMethod(tokenId, authMethodType, id);
    }

    function removePermittedAction(uint256 tokenId, bytes memory ipfsCID) public onlyPKPOwner(tokenId) {
        _removeAuthMethod(tokenId, 2, ipfsCID);
    }

    function removePermittedAddress(uint256 tokenId, address user) public onlyPKPOwner(tokenId) {
        _removeAuthMethod(tokenId, 1, abi.encodePacked(user));
    }

    function addPermittedAuthMethodScope(uint256 tokenId, uint256 authMethodType, bytes memory id, uint256 scopeId)
        public
        onlyPKPOwner(tokenId)
    {
        uint256 amId = getAuthMethodId(authMethodType, id);
        require(_tokenAuthMethodPos[tokenId][amId] != 0, "PKPPermissions: auth method not permitted");
        _addScope(tokenId, amId, authMethodType, id, scopeId);
    }

    function removePermittedAuthMethodScope(uint256 tokenId, uint256 authMethodType, bytes memory id, uint256 scopeId)
        public
        onlyPKPOwner(tokenId)
    {
        uint256 amId = getAuthMethodId(authMethodType, id);
        if (!_scopes[tokenId][amId][scopeId]) return;
        _scopes[tokenId][amId][scopeId] = false;
        uint256[] storage list = _scopeList[tokenId][amId];
        for (uint256 i = 0; i < list.length; i++) {
            if (list[i] == scopeId) {
                list[i] = list[list.length - 1];
                list.pop();
                break;
            }
        }
        emit PermittedAuthMethodScopeRemoved(tokenId, authMethodType, id, scopeId);
    }

    function batchAddRemoveAuthMethods(
        uint256 tokenId,
        uint256[] memory permittedAuthMethodTypesToAdd,
        bytes[] memory permittedAuthMethodIdsToAdd,
        bytes[] memory permittedAuthMethodPubkeysToAdd,
        uint256[][] memory permittedAuthMethodScopesToAdd,
        uint256[] memory permittedAuthMethodTypesToRemove,
        bytes[] memory permittedAuthMethodIdsToRemove
    ) public onlyPKPOwner(tokenId) {
        uint256 n = permittedAuthMethodTypesToAdd.length;
        require(
            n == permittedAuthMethodIdsToAdd.length && n == permittedAuthMethodPubkeysToAdd.length
                && n == permittedAuthMethodScopesToAdd.length,
            "PKPPermissions: add arrays length mismatch"
        );
        require(
            permittedAuthMethodTypesToRemove.length == permittedAuthMethodIdsToRemove.length,
            "PKPPermissions: remove arrays length mismatch"
        );
        for (uint256 i = 0; i < n; i++) {
            _addAuthMethod(
                tokenId,
                AuthMethod(permittedAuthMethodTypesToAdd[i], permittedAuthMethodIdsToAdd[i], permittedAuthMethodPubkeysToAdd[i]),
                permittedAuthMethodScopesToAdd[i]
            );
        }
        for (uint256 i = 0; i < permittedAuthMethodTypesToRemove.length; i++) {
            _removeAuthMethod(tokenId, permittedAuthMethodTypesToRemove[i], permittedAuthMethodIdsToRemove[i]);
        }
    }

    function setRootHash(uint256 tokenId, uint256 group, bytes32 root) public onlyPKPOwner(tokenId) {
        _rootHashes[tokenId][group] = root;
        emit RootHashUpdated(tokenId, group, root);
    }

    function setContractResolver(address newResolverAddress) external onlyOwner {
        contractResolver = ContractResolver(newResolverAddress);
        emit ContractResolverAddressSet(newResolverAddress);
    }

    // ---- views ----

    function getAuthMethodId(uint256 authMethodType, bytes memory id) public pure returns (uint256) {
        return uint256(keccak256(abi.encode(authMethodType, id)));
    }

    function isPermittedAuthMethod(uint256 tokenId, uint256 authMethodType, bytes memory id)
        public
        view
        returns (bool)
    {
        return _tokenAuthMethodPos[tokenId][getAuthMethodId(authMethodType, id)] != 0;
    }

    function isPermittedAction(uint256 tokenId, bytes memory ipfsCID) public view returns (bool) {
        return isPermittedAuthMethod(tokenId, 2, ipfsCID);
    }

    /// Permitted as a type-1 auth method, or the PKP's owner.
    function isPermittedAddress(uint256 tokenId, address user) public view returns (bool) {
        if (isPermittedAuthMethod(tokenId, 1, abi.encodePacked(user))) return true;
        (bool ok, bytes memory ret) =
            getPkpNftAddress().staticcall(abi.encodeWithSelector(IOwnerOf.ownerOf.selector, tokenId));
        return ok && ret.length == 32 && abi.decode(ret, (address)) == user;
    }

    function isPermittedAuthMethodScopePresent(uint256 tokenId, uint256 authMethodType, bytes memory id, uint256 scopeId)
        public
        view
        returns (bool)
    {
        return _scopes[tokenId][getAuthMethodId(authMethodType, id)][scopeId];
    }

    function getPermittedAuthMethodScopes(uint256 tokenId, uint256 authMethodType, bytes memory id, uint256 maxScopeId)
        public
        view
        returns (bool[] memory out)
    {
        uint256 amId = getAuthMethodId(authMethodType, id);
        out = new bool[](maxScopeId);
        for (uint256 i = 0; i < maxScopeId; i++) {
            out[i] = _scopes[tokenId][amId][i];
        }
    }

    function getPermittedAuthMethods(uint256 tokenId) public view returns (AuthMethod[] memory out) {
        uint256[] storage ids = _tokenAuthMethods[tokenId];
        out = new AuthMethod[](ids.length);
        for (uint256 i = 0; i < ids.length; i++) {
            out[i] = _authMethods[ids[i]];
        }
    }

    function getPermittedActions(uint256 tokenId) public view returns (bytes[] memory out) {
        uint256[] storage ids = _tokenAuthMethods[tokenId];
        uint256 n = 0;
        for (uint256 i = 0; i < ids.length; i++) {
            if (_authMethods[ids[i]].authMethodType == 2) n++;
        }
        out = new bytes[](n);
        uint256 j = 0;
        for (uint256 i = 0; i < ids.length; i++) {
            if (_authMethods[ids[i]].authMethodType == 2) out[j++] = _authMethods[ids[i]].id;
        }
    }

    /// Type-1 auth methods with a 20-byte id, then the owner (if the token exists).
    function getPermittedAddresses(uint256 tokenId) public view returns (address[] memory out) {
        uint256[] storage ids = _tokenAuthMethods[tokenId];
        (bool ok, bytes memory ret) =
            getPkpNftAddress().staticcall(abi.encodeWithSelector(IOwnerOf.ownerOf.selector, tokenId));
        bool hasOwner = ok && ret.length == 32;
        uint256 n = hasOwner ? 1 : 0;
        for (uint256 i = 0; i < ids.length; i++) {
            AuthMethod storage m = _authMethods[ids[i]];
            if (m.authMethodType == 1 && m.id.length == 20) n++;
        }
        out = new address[](n);
        uint256 j = 0;
        for (uint256 i = 0; i < ids.length; i++) {
            AuthMethod storage m = _authMethods[ids[i]];
            if (m.authMethodType == 1 && m.id.length == 20) out[j++] = address(bytes20(m.id));
        }
        if (hasOwner) out[j] = abi.decode(ret, (address));
    }

    function getTokenIdsForAuthMethod(uint256 authMethodType, bytes memory id) public view returns (uint256[] memory) {
        return _authMethodTokens[getAuthMethodId(authMethodType, id)];
    }

    function getUserPubkeyForAuthMethod(uint256 authMethodType, bytes memory id) public view returns (bytes memory) {
        return _authMethods[getAuthMethodId(authMethodType, id)].userPubkey;
    }

    function getPubkey(uint256 tokenId) public view returns (bytes memory) {
        return PubkeyRouter(getRouterAddress()).getPubkey(tokenId);
    }

    function getEthAddress(uint256 tokenId) public view returns (address) {
        return PubkeyRouter(getRouterAddress()).getEthAddress(tokenId);
    }

    function getPkpNftAddress() public view returns (address) {
        return contractResolver.getContract(contractResolver.PKP_NFT_CONTRACT(), env);
    }

    function getRouterAddress() public view returns (address) {
        return contractResolver.getContract(contractResolver.PUB_KEY_ROUTER_CONTRACT(), env);
    }

    /// Merkle proof against the root set with setRootHash; pairs are hashed
    /// in sorted order: parent = keccak256(min(a,b) || max(a,b)).
    function verifyState(uint256 tokenId, uint256 group, bytes32[] memory proof, bytes32 leaf)
        public
        view
        returns (bool)
    {
        bytes32 h = leaf;
        for (uint256 i = 0; i < proof.length; i++) {
            h = _hashPair(h, proof[i]);
        }
        return h == _rootHashes[tokenId][group];
    }

    /// Merkle multi-proof (the usual proof + proofFlags encoding, sorted pairs).
    function verifyStates(
        uint256 tokenId,
        uint256 group,
        bytes32[] memory proof,
        bool[] memory proofFlags,
        bytes32[] memory leaves
    ) public view returns (bool) {
        uint256 leavesLen = leaves.length;
        uint256 total = proofFlags.length;
        if (leavesLen + proof.length != total + 1) return false;
        bytes32[] memory hashes = new bytes32[](total);
        uint256 leafPos = 0;
        uint256 hashPos = 0;
        uint256 proofPos = 0;
        for (uint256 i = 0; i < total; i++) {
            bytes32 a = leafPos < leavesLen ? leaves[leafPos++] : hashes[hashPos++];
            bytes32 b;
            if (proofFlags[i]) {
                b = leafPos < leavesLen ? leaves[leafPos++] : hashes[hashPos++];
            } else {
                if (proofPos >= proof.length) return false;
                b = proof[proofPos++];
            }
            hashes[i] = _hashPair(a, b);
        }
        bytes32 root;
        if (total > 0) {
            if (proofPos != proof.length) return false;
            root = hashes[total - 1];
        } else if (leavesLen > 0) {
            root = leaves[0];
        } else {
            root = proof[0];
        }
        return root == _rootHashes[tokenId][group];
    }

    // ---- internals ----

    function _hashPair(bytes32 a, bytes32 b) private pure returns (bytes32) {
        return a < b ? keccak256(abi.encodePacked(a, b)) : keccak256(abi.encodePacked(b, a));
    }

    function _addAuthMethod(uint256 tokenId, AuthMethod memory m, uint256[] memory scopes) private {
        uint256 amId = getAuthMethodId(m.authMethodType, m.id);
        AuthMethod storage stored = _authMethods[amId];
        if (stored.userPubkey.length != 0 && m.userPubkey.length != 0) {
            require(
                keccak256(stored.userPubkey) == keccak256(m.userPubkey),
                "PKPPermissions: a different pubkey is already set for this auth method"
            );
        }
        if (stored.id.length == 0 && stored.authMethodType == 0) {
            _authMethods[amId] = m;
        } else if (stored.userPubkey.length == 0 && m.userPubkey.length != 0) {
            stored.userPubkey = m.userPubkey;
        }
        if (_tokenAuthMethodPos[tokenId][amId] == 0) {
            _tokenAuthMethods[tokenId].push(amId);
            _tokenAuthMethodPos[tokenId][amId] = _tokenAuthMethods[tokenId].length;
        }
        if (_authMethodTokenPos[amId][tokenId] == 0) {
            _authMethodTokens[amId].push(tokenId);
            _authMethodTokenPos[amId][tokenId] = _authMethodTokens[amId].length;
        }
        emit PermittedAuthMethodAdded(tokenId, m.authMethodType, m.id, _authMethods[amId].userPubkey);
        for (uint256 i = 0; i < scopes.length; i++) {
            _addScope(tokenId, amId, m.authMethodType, m.id, scopes[i]);
        }
    }

    function _addScope(uint256 tokenId, uint256 amId, uint256 authMethodType, bytes memory id, uint256 scopeId)
        private
    {
        if (!_scopes[tokenId][amId][scopeId]) {
            _scopes[tokenId][amId][scopeId] = true;
            _scopeList[tokenId][amId].push(scopeId);
        }
        emit PermittedAuthMethodScopeAdded(tokenId, authMethodType, id, scopeId);
    }

    function _removeAuthMethod(uint256 tokenId, uint256 authMethodType, bytes memory id) private {
        uint256 amId = getAuthMethodId(authMethodType, id);
        uint256 pos = _tokenAuthMethodPos[tokenId][amId];
        require(pos != 0, "PKPPermissions: auth method not permitted");
        _removeAt(_tokenAuthMethods[tokenId], _tokenAuthMethodPos[tokenId], pos);
        delete _tokenAuthMethodPos[tokenId][amId];
        uint256 tpos = _authMethodTokenPos[amId][tokenId];
        if (tpos != 0) {
            _removeAt(_authMethodTokens[amId], _authMethodTokenPos[amId], tpos);
            delete _authMethodTokenPos[amId][tokenId];
        }
        uint256[] storage list = _scopeList[tokenId][amId];
        for (uint256 i = 0; i < list.length; i++) {
            _scopes[tokenId][amId][list[i]] = false;
        }
        delete _scopeList[tokenId][amId];
        if (_authMethodTokens[amId].length == 0) {
            delete _authMethods[amId];
        }
        emit PermittedAuthMethodRemoved(tokenId, authMethodType, id);
    }

    /// Swap-and-pop removal from `arr` at 1-based `pos`, keeping `posOf` in sync.
    function _removeAt(uint256[] storage arr, mapping(uint256 => uint256) storage posOf, uint256 pos) private {
        uint256 last = arr[arr.length - 1];
        arr[pos - 1] = last;
        posOf[last] = pos;
        arr.pop();
    }
}
