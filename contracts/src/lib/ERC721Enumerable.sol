// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.28;

interface IERC721Receiver {
    function onERC721Received(address operator, address from, uint256 tokenId, bytes calldata data)
        external
        returns (bytes4);
}

/// Minimal ERC-721 with the Enumerable and Metadata extensions.
/// Written from the EIP-721 specification.
abstract contract ERC721Enumerable {
    string private _name;
    string private _symbol;

    mapping(uint256 => address) private _owners;
    mapping(address => uint256) private _balances;
    mapping(uint256 => address) private _tokenApprovals;
    mapping(address => mapping(address => bool)) private _operatorApprovals;

    uint256[] private _allTokens;
    mapping(uint256 => uint256) private _allTokensIndex;
    mapping(address => mapping(uint256 => uint256)) private _ownedTokens;
    mapping(uint256 => uint256) private _ownedTokensIndex;

    event Transfer(address indexed from, address indexed to, uint256 indexed tokenId);
    event Approval(address indexed owner, address indexed approved, uint256 indexed tokenId);
    event ApprovalForAll(address indexed owner, address indexed operator, bool approved);

    constructor(string memory name_, string memory symbol_) {
        _name = name_;
        _symbol = symbol_;
    }

    // ---- metadata ----
    function name() public view returns (string memory) {
        return _name;
    }

    function symbol() public view returns (string memory) {
        return _symbol;
    }

    function supportsInterface(bytes4 interfaceId) public view virtual returns (bool) {
        return interfaceId == 0x01ffc9a7 // ERC-165
            || interfaceId == 0x80ac58cd // ERC-721
            || interfaceId == 0x5b5e139f // ERC-721 Metadata
            || interfaceId == 0x780e9d63; // ERC-721 Enumerable
    }

    // ---- core ----
    function balanceOf(address owner_) public view returns (uint256) {
        require(owner_ != address(0), "ERC721: address zero is not a valid owner");
        return _balances[owner_];
    }

    function ownerOf(uint256 tokenId) public view returns (address) {
        address o = _owners[tokenId];
        require(o != address(0), "ERC721: invalid token ID");
        return o;
    }

    function _exists(uint256 tokenId) internal view returns (bool) {
        return _owners[tokenId] != address(0);
    }

    function approve(address to, uint256 tokenId) public {
        address o = ownerOf(tokenId);
        require(to != o, "ERC721: approval to current owner");
        require(msg.sender == o || _operatorApprovals[o][msg.sender], "ERC721: caller is not token owner or approved for all");
        _tokenApprovals[tokenId] = to;
        emit Approval(o, to, tokenId);
    }

    function getApproved(uint256 tokenId) public view returns (address) {
        ownerOf(tokenId);
        return _tokenApprovals[tokenId];
    }

    function setApprovalForAll(address operator, bool approved) public {
        require(operator != msg.sender, "ERC721: approve to caller");
        _operatorApprovals[msg.sender][operator] = approved;
        emit ApprovalForAll(msg.sender, operator, approved);
    }

    function isApprovedForAll(address owner_, address operator) public view returns (bool) {
        return _operatorApprovals[owner_][operator];
    }

    function _isApprovedOrOwner(address spender, uint256 tokenId) internal view returns (bool) {
        address o = ownerOf(tokenId);
        return spender == o || _operatorApprovals[o][spender] || _tokenApprovals[tokenId] == spender;
    }

    function transferFrom(address from, address to, uint256 tokenId) public {
        require(_isApprovedOrOwner(msg.sender, tokenId), "ERC721: caller is not token owner or approved");
        _transfer(from, to, tokenId);
    }

    function safeTransferFrom(address from, address to, uint256 tokenId) public {
        safeTransferFrom(from, to, tokenId, "");
    }

    function safeTransferFrom(address from, address to, uint256 tokenId, bytes memory data) public {
        require(_isApprovedOrOwner(msg.sender, tokenId), "ERC721: caller is not token owner or approved");
        _transfer(from, to, tokenId);
        require(_checkReceiver(from, to, tokenId, data), "ERC721: transfer to non ERC721Receiver implementer");
    }

    // ---- enumerable ----
    function totalSupply() public view returns (uint256) {
        return _allTokens.length;
    }

    function tokenByIndex(uint256 index) public view returns (uint256) {
        require(index < _allTokens.length, "ERC721Enumerable: global index out of bounds");
        return _allTokens[index];
    }

    function tokenOfOwnerByIndex(address owner_, uint256 index) public view returns (uint256) {
        require(index < balanceOf(owner_), "ERC721Enumerable: owner index out of bounds");
        return _ownedTokens[owner_][index];
    }

    // ---- internals ----
    function _safeMint(address to, uint256 tokenId) internal {
        _mint(to, tokenId);
        require(_checkReceiver(address(0), to, tokenId, ""), "ERC721: transfer to non ERC721Receiver implementer");
    }

    function _mint(address to, uint256 tokenId) internal {
        require(to != address(0), "ERC721: mint to the zero address");
        require(!_exists(tokenId), "ERC721: token already minted");
        _allTokensIndex[tokenId] = _allTokens.length;
        _allTokens.push(tokenId);
        _addToOwner(to, tokenId);
        _owners[tokenId] = to;
        emit Transfer(address(0), to, tokenId);
    }

    function _burn(uint256 tokenId) internal {
        address o = ownerOf(tokenId);
        delete _tokenApprovals[tokenId];
        _removeFromOwner(o, tokenId);
        uint256 last = _allTokens[_allTokens.length - 1];
        uint256 idx = _allTokensIndex[tokenId];
        _allTokens[idx] = last;
        _allTokensIndex[last] = idx;
        _allTokens.pop();
        delete _allTokensIndex[tokenId];
        delete _owners[tokenId];
        emit Transfer(o, address(0), tokenId);
    }

    function _transfer(address from, address to, uint256 tokenId) internal {
        require(ownerOf(tokenId) == from, "ERC721: transfer from incorrect owner");
        require(to != address(0), "ERC721: transfer to the zero address");
        delete _tokenApprovals[tokenId];
        _removeFromOwner(from, tokenId);
        _addToOwner(to, tokenId);
        _owners[tokenId] = to;
        emit Transfer(from, to, tokenId);
    }

    function _addToOwner(address to, uint256 tokenId) private {
        uint256 len = _balances[to];
        _ownedTokens[to][len] = tokenId;
        _ownedTokensIndex[tokenId] = len;
        _balances[to] = len + 1;
    }

    function _removeFromOwner(address from, uint256 tokenId) private {
        uint256 lastIndex = _balances[from] - 1;
        uint256 idx = _ownedTokensIndex[tokenId];
        if (idx != lastIndex) {
            uint256 lastToken = _ownedTokens[from][lastIndex];
            _ownedTokens[from][idx] = lastToken;
            _ownedTokensIndex[lastToken] = idx;
        }
        delete _ownedTokensIndex[tokenId];
        delete _ownedTokens[from][lastIndex];
        _balances[from] = lastIndex;
    }

    function _checkReceiver(address from, address to, uint256 tokenId, bytes memory data) private returns (bool) {
        if (to.code.length == 0) {
            return true;
        }
        try IERC721Receiver(to).onERC721Received(msg.sender, from, tokenId, data) returns (bytes4 ret) {
            return ret == IERC721Receiver.onERC721Received.selector;
        } catch {
            return false;
        }
    }
}
