// SPDX-License-Identifier: MIT OR Apache-2.0
// Datil ABIs from @lit-protocol/contracts@0.0.74 (dist/prod/datil.json).
'use strict';

const path = require('path');
const { ethers } = require('ethers');

const pkgDir = path.join(__dirname, '..', 'node_modules', '@lit-protocol', 'contracts');
const datil = require(path.join(pkgDir, 'dist', 'prod', 'datil.json'));

function datilAbi(name) {
  const c = datil.data.find((d) => d.name === name);
  if (!c) throw new Error(`no ${name} in datil.json`);
  return c.contracts[0].ABI;
}

// ContractResolver is not in datil.json. Its ABI (function/event shapes
// only) as used by contracts-sdk 7.4.0 (_getContractsFromResolver) and by
// the Lit node (lit-blockchain ContractResolver bindings).
const CONTRACT_RESOLVER_ABI = [
  'function getContract(bytes32 typ, uint8 env) view returns (address)',
  'function setContract(bytes32 typ, uint8 env, address addr)',
  'function typeAddresses(bytes32, uint8) view returns (address)',
  'function addAllowedEnv(uint8 env)',
  'function removeAllowedEnv(uint8 env)',
  'function addAdmin(address newAdmin)',
  'function removeAdmin(address adminBeingRemoved)',
  'function ADMIN_ROLE() view returns (bytes32)',
  'function ALLOWLIST_CONTRACT() view returns (bytes32)',
  'function BACKUP_RECOVERY_CONTRACT() view returns (bytes32)',
  'function DOMAIN_WALLET_REGISTRY() view returns (bytes32)',
  'function HD_KEY_DERIVER_CONTRACT() view returns (bytes32)',
  'function LIT_TOKEN_CONTRACT() view returns (bytes32)',
  'function MULTI_SENDER_CONTRACT() view returns (bytes32)',
  'function PAYMENT_DELEGATION_CONTRACT() view returns (bytes32)',
  'function PKP_HELPER_CONTRACT() view returns (bytes32)',
  'function PKP_HELPER_V2_CONTRACT() view returns (bytes32)',
  'function PKP_NFT_CONTRACT() view returns (bytes32)',
  'function PKP_NFT_METADATA_CONTRACT() view returns (bytes32)',
  'function PKP_PERMISSIONS_CONTRACT() view returns (bytes32)',
  'function PUB_KEY_ROUTER_CONTRACT() view returns (bytes32)',
  'function RATE_LIMIT_NFT_CONTRACT() view returns (bytes32)',
  'function RELEASE_REGISTER_CONTRACT() view returns (bytes32)',
  'function STAKING_BALANCES_CONTRACT() view returns (bytes32)',
  'function STAKING_CONTRACT() view returns (bytes32)',
  'function DEFAULT_ADMIN_ROLE() view returns (bytes32)',
  'function hasRole(bytes32 role, address account) view returns (bool)',
  'function getRoleAdmin(bytes32 role) view returns (bytes32)',
  'function grantRole(bytes32 role, address account)',
  'function revokeRole(bytes32 role, address account)',
  'function renounceRole(bytes32 role, address account)',
  'function supportsInterface(bytes4 interfaceId) view returns (bool)',
  'event SetContract(bytes32 typ, uint8 env, address addr)',
  'event AllowedEnvAdded(uint8 env)',
  'event AllowedEnvRemoved(uint8 env)',
];

function referenceInterface(name) {
  if (name === 'ContractResolver') return new ethers.utils.Interface(CONTRACT_RESOLVER_ABI);
  return new ethers.utils.Interface(datilAbi(name));
}

module.exports = { datil, datilAbi, referenceInterface, CONTRACT_RESOLVER_ABI };
