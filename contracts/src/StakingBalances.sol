// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.28;

import {Owned} from "./lib/Owned.sol";
import {ContractResolver} from "./ContractResolver.sol";

interface IERC20Transfer {
    function transfer(address to, uint256 amount) external returns (bool);
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

/// Minimal stake ledger in LIT tokens. Only the Staking contract (from the
/// resolver) moves stake; this devnet's Staking does not require stake, so
/// this contract exists mainly so that resolver lookups succeed.
contract StakingBalances is Owned {
    ContractResolver public contractResolver;
    ContractResolver.Env public env;

    uint256 public minimumStake;
    uint256 public maximumStake;
    uint256 public totalStaked;
    bool public permittedStakersOn;

    mapping(address => uint256) public balanceOf;
    mapping(address => uint256) public rewardOf;
    mapping(address => bool) private _permittedStakers;

    event Staked(address indexed staker, uint256 amount);
    event Withdrawn(address indexed staker, uint256 amount);
    event MinimumStakeSet(uint256 newMinimumStake);
    event MaximumStakeSet(uint256 newMaximumStake);
    event PermittedStakerAdded(address staker);
    event PermittedStakerRemoved(address staker);
    event PermittedStakersOnChanged(bool permittedStakersOn);
    event ResolverContractAddressSet(address newResolverAddress);

    constructor(address resolver, ContractResolver.Env env_) {
        contractResolver = ContractResolver(resolver);
        env = env_;
        maximumStake = type(uint256).max;
    }

    modifier onlyStakingContract() {
        require(msg.sender == getStakingAddress(), "StakingBalances: only the Staking contract");
        _;
    }

    function getStakingAddress() public view returns (address) {
        return contractResolver.getContract(contractResolver.STAKING_CONTRACT(), env);
    }

    function getTokenAddress() public view returns (address) {
        return contractResolver.getContract(contractResolver.LIT_TOKEN_CONTRACT(), env);
    }

    function stake(uint256 amount, address account) external onlyStakingContract {
        require(isPermittedStaker(account), "StakingBalances: staker not permitted");
        require(balanceOf[account] + amount >= minimumStake, "StakingBalances: below minimum stake");
        require(balanceOf[account] + amount <= maximumStake, "StakingBalances: above maximum stake");
        require(IERC20Transfer(getTokenAddress()).transferFrom(account, address(this), amount), "StakingBalances: transfer failed");
        balanceOf[account] += amount;
        totalStaked += amount;
        emit Staked(account, amount);
    }

    function withdraw(uint256 amount, address account) external onlyStakingContract {
        require(balanceOf[account] >= amount, "StakingBalances: insufficient stake");
        balanceOf[account] -= amount;
        totalStaked -= amount;
        require(IERC20Transfer(getTokenAddress()).transfer(account, amount), "StakingBalances: transfer failed");
        emit Withdrawn(account, amount);
    }

    function checkStakingAmounts(address account) external view returns (bool) {
        return balanceOf[account] >= minimumStake && balanceOf[account] <= maximumStake;
    }

    function isPermittedStaker(address staker) public view returns (bool) {
        return !permittedStakersOn || _permittedStakers[staker];
    }

    function addPermittedStaker(address staker) public onlyOwner {
        _permittedStakers[staker] = true;
        emit PermittedStakerAdded(staker);
    }

    function addPermittedStakers(address[] calldata stakers) external onlyOwner {
        for (uint256 i = 0; i < stakers.length; i++) addPermittedStaker(stakers[i]);
    }

    function removePermittedStaker(address staker) external onlyOwner {
        _permittedStakers[staker] = false;
        emit PermittedStakerRemoved(staker);
    }

    function setPermittedStakersOn(bool permitted) external onlyOwner {
        permittedStakersOn = permitted;
        emit PermittedStakersOnChanged(permitted);
    }

    function setMinimumStake(uint256 newMinimumStake) external onlyOwner {
        minimumStake = newMinimumStake;
        emit MinimumStakeSet(newMinimumStake);
    }

    function setMaximumStake(uint256 newMaximumStake) external onlyOwner {
        maximumStake = newMaximumStake;
        emit MaximumStakeSet(newMaximumStake);
    }

    function setContractResolver(address newResolverAddress) external onlyOwner {
        contractResolver = ContractResolver(newResolverAddress);
        emit ResolverContractAddressSet(newResolverAddress);
    }
}
