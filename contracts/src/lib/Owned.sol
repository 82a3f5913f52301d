// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.28;

/// Minimal single-owner access control.
abstract contract Owned {
    address private _owner;

    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    constructor() {
        _setOwner(msg.sender);
    }

    modifier onlyOwner() {
        require(msg.sender == _owner, "Owned: caller is not the owner");
        _;
    }

    function owner() public view returns (address) {
        return _owner;
    }

    function transferOwnership(address newOwner) public onlyOwner {
        require(newOwner != address(0), "Owned: new owner is the zero address");
        _setOwner(newOwner);
    }

    function _setOwner(address newOwner) internal {
        address old = _owner;
        _owner = newOwner;
        emit OwnershipTransferred(old, newOwner);
    }
}

/// Owned plus renounceOwnership (for the contracts whose Datil ABI has it).
abstract contract OwnedRenounceable is Owned {
    function renounceOwnership() public onlyOwner {
        _setOwner(address(0));
    }
}
