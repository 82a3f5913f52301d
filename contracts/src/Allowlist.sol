// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.28;

import {OwnedRenounceable} from "./lib/Owned.sol";

/// Key allowlist with admins.
contract Allowlist is OwnedRenounceable {
    mapping(bytes32 => bool) public allowedItems;
    mapping(address => bool) private _admins;
    bool public allowAll;

    event ItemAllowed(bytes32 indexed key);
    event ItemNotAllowed(bytes32 indexed key);
    event AdminAdded(address indexed newAdmin);
    event AdminRemoved(address indexed newAdmin);

    constructor() {
        _admins[msg.sender] = true;
    }

    modifier onlyAdmin() {
        require(_admins[msg.sender] || msg.sender == owner(), "Allowlist: not an admin");
        _;
    }

    function isAllowed(bytes32 key) external view returns (bool) {
        return allowAll || allowedItems[key];
    }

    function setAllowed(bytes32 key) external onlyAdmin {
        allowedItems[key] = true;
        emit ItemAllowed(key);
    }

    function setNotAllowed(bytes32 key) external onlyAdmin {
        allowedItems[key] = false;
        emit ItemNotAllowed(key);
    }

    function setAllowAll(bool _allowAll) external onlyAdmin {
        allowAll = _allowAll;
    }

    function addAdmin(address newAdmin) external onlyOwner {
        _admins[newAdmin] = true;
        emit AdminAdded(newAdmin);
    }

    function removeAdmin(address newAdmin) external onlyOwner {
        _admins[newAdmin] = false;
        emit AdminRemoved(newAdmin);
    }
}
