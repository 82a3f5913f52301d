// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.28;

import {Owned} from "./lib/Owned.sol";
import {ERC721Enumerable} from "./lib/ERC721Enumerable.sol";

/// Capacity credits: an ERC-721 enumerable whose tokens carry
/// (requestsPerKilosecond, expiresAt). Price model (ours, not Lit's):
///   cost = additionalRequestsPerKilosecondCost * requestsPerKilosecond * (expiresAt - now)
/// i.e. additionalRequestsPerKilosecondCost is wei per (request/ks) per second.
/// The first log of a mint is the ERC-721 Transfer(0, to, id).
contract RateLimitNFT is Owned, ERC721Enumerable {
    struct RateLimit {
        uint256 requestsPerKilosecond;
        uint256 expiresAt;
    }

    uint256 public additionalRequestsPerKilosecondCost;
    uint256 public tokenIdCounter;
    address public freeMintSigner;
    uint256 public defaultRateLimitWindowSeconds;
    uint256 public RLIHolderRateLimitWindowSeconds;
    uint256 public freeRequestsPerRateLimitWindow;
    uint256 public maxRequestsPerKilosecond;
    uint256 public maxExpirationSeconds;

    mapping(uint256 => RateLimit) private _capacity;
    mapping(bytes32 => bool) public redeemedFreeMints;
    mapping(uint256 => uint256) public totalSoldRequestsPerKilosecondByExpirationTime;

    event AdditionalRequestsPerKilosecondCostSet(uint256 newAdditionalRequestsPerKilosecondCost);
    event FreeMintSignerSet(address indexed newFreeMintSigner);
    event FreeRequestsPerRateLimitWindowSet(uint256 newFreeRequestsPerRateLimitWindow);
    event RLIHolderRateLimitWindowSecondsSet(uint256 newRLIHolderRateLimitWindowSeconds);
    event RateLimitWindowSecondsSet(uint256 newRateLimitWindowSeconds);
    event Withdrew(uint256 amount);

    constructor() ERC721Enumerable("Rate Limit Increases on Lit Protocol", "RLI") {
        additionalRequestsPerKilosecondCost = 1_000_000; // wei per (request/ks) per second
        defaultRateLimitWindowSeconds = 3;
        RLIHolderRateLimitWindowSeconds = 300;
        freeRequestsPerRateLimitWindow = 10;
        maxRequestsPerKilosecond = 1_000_000_000;
        maxExpirationSeconds = 30 days;
    }

    // ---- minting ----

    /// Payable mint: requestsPerKilosecond is derived from msg.value.
    /// expiresAt must be a UTC midnight in the future, within maxExpirationSeconds.
    function mint(uint256 expiresAt) external payable returns (uint256) {
        require(expiresAt % 1 days == 0, "RateLimitNFT: expiresAt must be midnight UTC");
        uint256 rpk = calculateRequestsPerKilosecond(msg.value, expiresAt);
        require(rpk > 0, "RateLimitNFT: payment too small for any requests");
        return _mintCapacity(msg.sender, rpk, expiresAt);
    }

    /// Free mint authorised by freeMintSigner. Ours: msgHash must be
    /// keccak256(abi.encodePacked(address(this), msg.sender, expiresAt, requestsPerKilosecond))
    /// and (v, r, sVal) an eth_sign (EIP-191) signature of it by freeMintSigner.
    function freeMint(
        uint256 expiresAt,
        uint256 requestsPerKilosecond,
        bytes32 msgHash,
        uint8 v,
        bytes32 r,
        bytes32 sVal
    ) external returns (uint256) {
        freeMintSigTest(expiresAt, requestsPerKilosecond, msgHash, v, r, sVal);
        redeemedFreeMints[msgHash] = true;
        return _mintCapacity(msg.sender, requestsPerKilosecond, expiresAt);
    }

    function freeMintSigTest(
        uint256 expiresAt,
        uint256 requestsPerKilosecond,
        bytes32 msgHash,
        uint8 v,
        bytes32 r,
        bytes32 sVal
    ) public view {
        require(!redeemedFreeMints[msgHash], "RateLimitNFT: free mint already redeemed");
        require(
            msgHash == keccak256(abi.encodePacked(address(this), msg.sender, expiresAt, requestsPerKilosecond)),
            "RateLimitNFT: msgHash mismatch"
        );
        address signer = ecrecover(prefixed(msgHash), v, r, sVal);
        require(signer != address(0) && signer == freeMintSigner, "RateLimitNFT: bad free mint signature");
    }

    function _mintCapacity(address to, uint256 rpk, uint256 expiresAt) private returns (uint256) {
        require(expiresAt % 1 days == 0, "RateLimitNFT: expiresAt must be midnight UTC");
        require(expiresAt > block.timestamp, "RateLimitNFT: expiresAt must be in the future");
        require(expiresAt <= block.timestamp + maxExpirationSeconds, "RateLimitNFT: expiresAt too far in the future");
        require(checkBelowMaxRequestsPerKilosecond(rpk), "RateLimitNFT: over max requests per kilosecond");
        uint256 tokenId = ++tokenIdCounter;
        _capacity[tokenId] = RateLimit(rpk, expiresAt);
        totalSoldRequestsPerKilosecondByExpirationTime[expiresAt] += rpk;
        _safeMint(to, tokenId);
        return tokenId;
    }

    function burn(uint256 tokenId) external {
        require(_isApprovedOrOwner(msg.sender, tokenId), "RateLimitNFT: caller is not token owner or approved");
        _burnCapacity(tokenId);
    }

    /// Burn every expired token held by `holder` (callable by anyone).
    function pruneExpired(address holder) external {
        uint256 i = balanceOf(holder);
        while (i > 0) {
            i--;
            uint256 id = tokenOfOwnerByIndex(holder, i);
            if (isExpired(id)) _burnCapacity(id);
        }
    }

    function _burnCapacity(uint256 tokenId) private {
        RateLimit memory c = _capacity[tokenId];
        if (c.expiresAt > block.timestamp) {
            totalSoldRequestsPerKilosecondByExpirationTime[c.expiresAt] -= c.requestsPerKilosecond;
        }
        delete _capacity[tokenId];
        _burn(tokenId);
    }

    // ---- views ----

    function calculateCost(uint256 requestsPerKilosecond, uint256 expiresAt) public view returns (uint256) {
        require(expiresAt > block.timestamp, "RateLimitNFT: expiresAt must be in the future");
        return additionalRequestsPerKilosecondCost * requestsPerKilosecond * (expiresAt - block.timestamp);
    }

    function calculateRequestsPerKilosecond(uint256 payingAmount, uint256 expiresAt) public view returns (uint256) {
        require(expiresAt > block.timestamp, "RateLimitNFT: expiresAt must be in the future");
        uint256 unit = additionalRequestsPerKilosecondCost * (expiresAt - block.timestamp);
        require(unit > 0, "RateLimitNFT: cost is zero");
        return payingAmount / unit;
    }

    function capacity(uint256 tokenId) external view returns (RateLimit memory) {
        return _capacity[tokenId];
    }

    function isExpired(uint256 tokenId) public view returns (bool) {
        return _capacity[tokenId].expiresAt <= block.timestamp;
    }

    /// Requests/ks sold on tokens that have not expired yet.
    function currentSoldRequestsPerKilosecond() public view returns (uint256 total) {
        uint256 day = block.timestamp - (block.timestamp % 1 days) + 1 days;
        uint256 end = block.timestamp + maxExpirationSeconds;
        for (; day <= end; day += 1 days) {
            total += totalSoldRequestsPerKilosecondByExpirationTime[day];
        }
    }

    function checkBelowMaxRequestsPerKilosecond(uint256 requestedRequestsPerKilosecond) public view returns (bool) {
        return currentSoldRequestsPerKilosecond() + requestedRequestsPerKilosecond <= maxRequestsPerKilosecond;
    }

    function prefixed(bytes32 hash) public pure returns (bytes32) {
        return keccak256(abi.encodePacked("\x19Ethereum Signed Message:\n32", hash));
    }

    function tokenSVG(uint256 tokenId) public view returns (string memory) {
        RateLimit memory c = _capacity[tokenId];
        return string.concat(
            "<svg xmlns='http://www.w3.org/2000/svg' width='400' height='120'><text x='10' y='40'>",
            _u(c.requestsPerKilosecond),
            " requests/ks</text><text x='10' y='80'>expires ",
            _u(c.expiresAt),
            "</text></svg>"
        );
    }

    function tokenURI(uint256 tokenId) external view returns (string memory) {
        ownerOf(tokenId);
        RateLimit memory c = _capacity[tokenId];
        return string.concat(
            "data:application/json;utf8,{\"name\":\"Lit Protocol Capacity Credit #",
            _u(tokenId),
            "\",\"requestsPerKilosecond\":",
            _u(c.requestsPerKilosecond),
            ",\"expiresAt\":",
            _u(c.expiresAt),
            "}"
        );
    }

    // ---- admin ----

    function setAdditionalRequestsPerKilosecondCost(uint256 v) external onlyOwner {
        additionalRequestsPerKilosecondCost = v;
        emit AdditionalRequestsPerKilosecondCostSet(v);
    }

    function setFreeMintSigner(address newFreeMintSigner) external onlyOwner {
        freeMintSigner = newFreeMintSigner;
        emit FreeMintSignerSet(newFreeMintSigner);
    }

    function setFreeRequestsPerRateLimitWindow(uint256 v) external onlyOwner {
        freeRequestsPerRateLimitWindow = v;
        emit FreeRequestsPerRateLimitWindowSet(v);
    }

    function setMaxExpirationSeconds(uint256 v) external onlyOwner {
        maxExpirationSeconds = v;
    }

    function setMaxRequestsPerKilosecond(uint256 v) external onlyOwner {
        maxRequestsPerKilosecond = v;
    }

    function setRLIHolderRateLimitWindowSeconds(uint256 v) external onlyOwner {
        RLIHolderRateLimitWindowSeconds = v;
        emit RLIHolderRateLimitWindowSecondsSet(v);
    }

    function setRateLimitWindowSeconds(uint256 v) external onlyOwner {
        defaultRateLimitWindowSeconds = v;
        emit RateLimitWindowSecondsSet(v);
    }

    function withdraw() external onlyOwner {
        uint256 amount = address(this).balance;
        (bool ok,) = payable(msg.sender).call{value: amount}("");
        require(ok, "RateLimitNFT: withdraw failed");
        emit Withdrew(amount);
    }

    function _u(uint256 v) private pure returns (string memory) {
        if (v == 0) return "0";
        uint256 len;
        for (uint256 t = v; t != 0; t /= 10) len++;
        bytes memory b = new bytes(len);
        while (v != 0) {
            b[--len] = bytes1(uint8(48 + (v % 10)));
            v /= 10;
        }
        return string(b);
    }
}
