// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.28;

import {Roles} from "./lib/Roles.sol";

/// A plain capped ERC-20 with a minter role (no votes, permit or pause).
contract LITToken is Roles {
    bytes32 public constant ADMIN_ROLE = keccak256("ADMIN");
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    string public constant name = "Lit Protocol";
    string public constant symbol = "LITKEY";
    uint8 public constant decimals = 18;
    uint256 public immutable cap;

    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    constructor(uint256 cap_) {
        cap = cap_;
        _grantRole(DEFAULT_ADMIN_ROLE, msg.sender);
        _grantRole(ADMIN_ROLE, msg.sender);
        _grantRole(MINTER_ROLE, msg.sender);
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        _transfer(msg.sender, to, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        _spend(from, msg.sender, amount);
        _transfer(from, to, amount);
        return true;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        _approve(msg.sender, spender, amount);
        return true;
    }

    function increaseAllowance(address spender, uint256 addedValue) external returns (bool) {
        _approve(msg.sender, spender, allowance[msg.sender][spender] + addedValue);
        return true;
    }

    function decreaseAllowance(address spender, uint256 subtractedValue) external returns (bool) {
        uint256 cur = allowance[msg.sender][spender];
        require(cur >= subtractedValue, "LITToken: decreased allowance below zero");
        _approve(msg.sender, spender, cur - subtractedValue);
        return true;
    }

    function mint(address _recipient, uint256 _amount) external onlyRole(MINTER_ROLE) {
        require(_recipient != address(0), "LITToken: mint to the zero address");
        require(totalSupply + _amount <= cap, "LITToken: cap exceeded");
        totalSupply += _amount;
        balanceOf[_recipient] += _amount;
        emit Transfer(address(0), _recipient, _amount);
    }

    function burn(uint256 amount) external {
        _burn(msg.sender, amount);
    }

    function burnFrom(address account, uint256 amount) external {
        _spend(account, msg.sender, amount);
        _burn(account, amount);
    }

    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == 0x01ffc9a7 || interfaceId == 0x7965db0b;
    }

    function _transfer(address from, address to, uint256 amount) private {
        require(to != address(0), "LITToken: transfer to the zero address");
        require(balanceOf[from] >= amount, "LITToken: transfer amount exceeds balance");
        balanceOf[from] -= amount;
        balanceOf[to] += amount;
        emit Transfer(from, to, amount);
    }

    function _burn(address from, uint256 amount) private {
        require(balanceOf[from] >= amount, "LITToken: burn amount exceeds balance");
        balanceOf[from] -= amount;
        totalSupply -= amount;
        emit Transfer(from, address(0), amount);
    }

    function _approve(address owner_, address spender, uint256 amount) private {
        allowance[owner_][spender] = amount;
        emit Approval(owner_, spender, amount);
    }

    function _spend(address owner_, address spender, uint256 amount) private {
        uint256 cur = allowance[owner_][spender];
        if (cur != type(uint256).max) {
            require(cur >= amount, "LITToken: insufficient allowance");
            _approve(owner_, spender, cur - amount);
        }
    }
}
