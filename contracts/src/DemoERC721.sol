// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.28;

import {Owned} from "./lib/Owned.sol";
import {ERC721Enumerable} from "./lib/ERC721Enumerable.sol";

/// An ERC-721 for trying token-gated conditions on a devnet: its owner mints, ids count up
/// from 1.
contract DemoERC721 is Owned, ERC721Enumerable {
    uint256 public nextTokenId = 1;

    constructor(string memory name_, string memory symbol_) ERC721Enumerable(name_, symbol_) {}

    /// Mints the next id to `to`; returns it (also the Transfer log's topic 3).
    function mint(address to) external onlyOwner returns (uint256 tokenId) {
        tokenId = nextTokenId++;
        _mint(to, tokenId);
    }
}
