// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.28;

import {Roles} from "./lib/Roles.sol";

/// Registry mapping (contract type, environment) to an address.
/// Type keys are keccak256 of the upper-case names Lit uses ("STAKING", "PKP_NFT", ...).
contract ContractResolver is Roles {
    enum Env {
        Dev,
        Staging,
        Prod
    }

    bytes32 public constant ADMIN_ROLE = keccak256("ADMIN");

    bytes32 public constant ALLOWLIST_CONTRACT = keccak256("ALLOWLIST");
    bytes32 public constant BACKUP_RECOVERY_CONTRACT = keccak256("BACKUP_RECOVERY");
    bytes32 public constant DOMAIN_WALLET_REGISTRY = keccak256("DOMAIN_WALLET_REGISTRY");
    bytes32 public constant HD_KEY_DERIVER_CONTRACT = keccak256("HD_KEY_DERIVER");
    bytes32 public constant LIT_TOKEN_CONTRACT = keccak256("LIT_TOKEN");
    bytes32 public constant MULTI_SENDER_CONTRACT = keccak256("MULTI_SENDER");
    bytes32 public constant PAYMENT_DELEGATION_CONTRACT = keccak256("PAYMENT_DELEGATION");
    bytes32 public constant PKP_HELPER_CONTRACT = keccak256("PKP_HELPER");
    bytes32 public constant PKP_HELPER_V2_CONTRACT = keccak256("PKP_HELPER_V2");
    bytes32 public constant PKP_NFT_CONTRACT = keccak256("PKP_NFT");
    bytes32 public constant PKP_NFT_METADATA_CONTRACT = keccak256("PKP_NFT_METADATA");
    bytes32 public constant PKP_PERMISSIONS_CONTRACT = keccak256("PKP_PERMISSIONS");
    bytes32 public constant PUB_KEY_ROUTER_CONTRACT = keccak256("PUB_KEY_ROUTER");
    bytes32 public constant RATE_LIMIT_NFT_CONTRACT = keccak256("RATE_LIMIT_NFT");
    bytes32 public constant RELEASE_REGISTER_CONTRACT = keccak256("RELEASE_REGISTER");
    bytes32 public constant STAKING_BALANCES_CONTRACT = keccak256("STAKING_BALANCES");
    bytes32 public constant STAKING_CONTRACT = keccak256("STAKING");

    mapping(bytes32 => mapping(Env => address)) public typeAddresses;
    mapping(Env => bool) private _allowedEnvs;

    error AdminRoleRequired();

    event AllowedEnvAdded(Env env);
    event AllowedEnvRemoved(Env env);
    event SetContract(bytes32 typ, Env env, address addr);

    constructor(Env env) {
        _grantRole(ADMIN_ROLE, msg.sender);
        _grantRole(DEFAULT_ADMIN_ROLE, msg.sender);
        _setRoleAdmin(ADMIN_ROLE, ADMIN_ROLE);
        _allowedEnvs[env] = true;
        emit AllowedEnvAdded(env);
    }

    modifier onlyAdmin() {
        if (!hasRole(ADMIN_ROLE, msg.sender)) revert AdminRoleRequired();
        _;
    }

    function getContract(bytes32 typ, Env env) public view returns (address) {
        return typeAddresses[typ][env];
    }

    function setContract(bytes32 typ, Env env, address addr) public onlyAdmin {
        require(_allowedEnvs[env], "ContractResolver: env not allowed");
        typeAddresses[typ][env] = addr;
        emit SetContract(typ, env, addr);
    }

    function addAllowedEnv(Env env) public onlyAdmin {
        _allowedEnvs[env] = true;
        emit AllowedEnvAdded(env);
    }

    function removeAllowedEnv(Env env) public onlyAdmin {
        _allowedEnvs[env] = false;
        emit AllowedEnvRemoved(env);
    }

    function addAdmin(address newAdmin) public onlyAdmin {
        _grantRole(ADMIN_ROLE, newAdmin);
    }

    function removeAdmin(address adminBeingRemoved) public onlyAdmin {
        require(adminBeingRemoved != msg.sender, "ContractResolver: cannot remove self");
        _revokeRole(ADMIN_ROLE, adminBeingRemoved);
    }

    function supportsInterface(bytes4 interfaceId) public pure returns (bool) {
        return interfaceId == 0x01ffc9a7 || interfaceId == 0x7965db0b; // ERC-165, AccessControl
    }
}
