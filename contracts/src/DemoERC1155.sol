// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.28;

import {Owned} from "./lib/Owned.sol";

interface IERC1155Receiver {
    function onERC1155Received(address operator, address from, uint256 id, uint256 value, bytes calldata data)
        external
        returns (bytes4);
}

/// A minimal ERC-1155 (written from EIP-1155) for trying token-gated conditions on a devnet:
/// its owner mints any id.
contract DemoERC1155 is Owned {
    string private _uri;
    mapping(uint256 => mapping(address => uint256)) private _balances;
    mapping(address => mapping(address => bool)) private _operatorApprovals;

    event TransferSingle(
        address indexed operator, address indexed from, address indexed to, uint256 id, uint256 value
    );
    event ApprovalForAll(address indexed account, address indexed operator, bool approved);

    constructor(string memory uri_) {
        _uri = uri_;
    }

    function uri(uint256) external view returns (string memory) {
        return _uri;
    }

    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == 0x01ffc9a7 || interfaceId == 0xd9b67a26 || interfaceId == 0x0e89341c;
    }

    function balanceOf(address account, uint256 id) public view returns (uint256) {
        require(account != address(0), "DemoERC1155: address zero is not a valid owner");
        return _balances[id][account];
    }

    function balanceOfBatch(address[] calldata accounts, uint256[] calldata ids)
        external
        view
        returns (uint256[] memory balances)
    {
        require(accounts.length == ids.length, "DemoERC1155: accounts and ids length mismatch");
        balances = new uint256[](accounts.length);
        for (uint256 i = 0; i < accounts.length; i++) {
            balances[i] = balanceOf(accounts[i], ids[i]);
        }
    }

    function setApprovalForAll(address operator, bool approved) external {
        _operatorApprovals[msg.sender][operator] = approved;
        emit ApprovalForAll(msg.sender, operator, approved);
    }

    function isApprovedForAll(address account, address operator) public view returns (bool) {
        return _operatorApprovals[account][operator];
    }

    function mint(address to, uint256 id, uint256 amount) external onlyOwner {
        require(to != address(0), "DemoERC1155: mint to the zero address");
        _balances[id][to] += amount;
        emit TransferSingle(msg.sender, address(0), to, id, amount);
        _checkReceiver(address(0), to, id, amount);
    }

    function safeTransferFrom(address from, address to, uint256 id, uint256 amount, bytes calldata) external {
        require(from == msg.sender || isApprovedForAll(from, msg.sender), "DemoERC1155: caller is not owner nor approved");
        require(to != address(0), "DemoERC1155: transfer to the zero address");
        require(_balances[id][from] >= amount, "DemoERC1155: insufficient balance for transfer");
        _balances[id][from] -= amount;
        _balances[id][to] += amount;
        emit TransferSingle(msg.sender, from, to, id, amount);
        _checkReceiver(from, to, id, amount);
    }

    function _checkReceiver(address from, address to, uint256 id, uint256 amount) private {
        if (to.code.length == 0) return;
        require(
            IERC1155Receiver(to).onERC1155Received(msg.sender, from, id, amount, "")
                == IERC1155Receiver.onERC1155Received.selector,
            "DemoERC1155: transfer to non-receiver"
        );
    }
}
