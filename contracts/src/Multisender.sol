// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.28;

import {OwnedRenounceable} from "./lib/Owned.sol";

interface IERC20Min {
    function balanceOf(address account) external view returns (uint256);
    function transfer(address to, uint256 amount) external returns (bool);
}

/// Split ETH or a token balance evenly between recipients (dev funding helper).
contract Multisender is OwnedRenounceable {
    function sendEth(address[] calldata _recipients) external payable {
        require(_recipients.length > 0, "Multisender: no recipients");
        uint256 each = msg.value / _recipients.length;
        for (uint256 i = 0; i < _recipients.length; i++) {
            (bool ok,) = payable(_recipients[i]).call{value: each}("");
            require(ok, "Multisender: ETH transfer failed");
        }
    }

    function sendTokens(address[] calldata _recipients, address tokenContract) external {
        require(_recipients.length > 0, "Multisender: no recipients");
        IERC20Min token = IERC20Min(tokenContract);
        uint256 each = token.balanceOf(address(this)) / _recipients.length;
        for (uint256 i = 0; i < _recipients.length; i++) {
            require(token.transfer(_recipients[i], each), "Multisender: token transfer failed");
        }
    }

    function withdraw() external onlyOwner {
        (bool ok,) = payable(msg.sender).call{value: address(this).balance}("");
        require(ok, "Multisender: withdraw failed");
    }

    function withdrawTokens(address tokenContract) external onlyOwner {
        IERC20Min token = IERC20Min(tokenContract);
        require(token.transfer(msg.sender, token.balanceOf(address(this))), "Multisender: token transfer failed");
    }
}
