// SPDX-License-Identifier: MIT OR Apache-2.0
// (a) ABI compatibility of our artifacts with Lit's Datil ABIs.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { ethers } = require('ethers');
const { artifact } = require('../deploy');
const { referenceInterface } = require('./datil');

// Functions/events that JS SDK 7.4.0 (lit-node-client, contracts-sdk) or the
// Datil nodes call/read (docs/evm-chain.md, docs/pkp.md, contracts-sdk.js).
const USED = {
  ContractResolver: {
    functions: [
      'getContract', 'ALLOWLIST_CONTRACT', 'LIT_TOKEN_CONTRACT', 'MULTI_SENDER_CONTRACT', 'PKP_NFT_CONTRACT',
      'PKP_NFT_METADATA_CONTRACT', 'PKP_PERMISSIONS_CONTRACT', 'PKP_HELPER_CONTRACT', 'PUB_KEY_ROUTER_CONTRACT',
      'RATE_LIMIT_NFT_CONTRACT', 'STAKING_CONTRACT', 'STAKING_BALANCES_CONTRACT', 'HD_KEY_DERIVER_CONTRACT',
      'setContract', 'typeAddresses',
    ],
    events: ['SetContract'],
  },
  Staking: {
    functions: [
      // SDK connect()
      'getActiveUnkickedValidatorStructsAndCounts',
      // node polling
      'getValidatorsStructsInCurrentEpoch', 'getValidatorsStructsInNextEpoch', 'getNodeStakerAddressMappings',
      'getKickedValidators', 'epoch', 'state', 'currentValidatorCountForConsensus', 'nodeAddressToStakerAddress',
      'contractResolver', 'getValidatorsInCurrentEpoch', 'getValidatorsInNextEpoch', 'getValidatorsInCurrentEpochLength',
      'isActiveValidatorByNodeAddress', 'validators', 'config', 'getKeyTypes', 'isReadyForNextEpoch',
      'countOfCurrentValidatorsReadyForNextEpoch', 'countOfNextValidatorsReadyForNextEpoch', 'readyForNextEpoch',
      'getActiveUnkickedValidators', 'getActiveUnkickedValidatorStructs', 'getValidatorsStructs',
      // node epoch FSM writes
      'signalReadyForNextEpoch', 'lockValidatorsForNextEpoch', 'advanceEpoch', 'kickValidatorInNextEpoch',
      'requestToLeaveAsNode', 'requestToJoin', 'setIpPortNodeAddressAndCommunicationPubKeys',
      // admin
      'setEpochState', 'setEpochLength', 'setEpochEndTime', 'setEpochTimeout', 'owner',
    ],
    events: ['StateChanged', 'RequestToJoin', 'RequestToLeave', 'ValidatorKickedFromNextEpoch', 'ReadyForNextEpoch',
      'VotedToKickValidatorInNextEpoch'],
  },
  RateLimitNFT: {
    functions: [
      'mint', 'calculateCost', 'capacity', 'isExpired', 'tokenURI', 'totalSupply', 'tokenByIndex', 'transferFrom',
      'balanceOf', 'tokenOfOwnerByIndex', 'ownerOf', 'defaultRateLimitWindowSeconds', 'RLIHolderRateLimitWindowSeconds',
      'freeRequestsPerRateLimitWindow', 'calculateRequestsPerKilosecond', 'additionalRequestsPerKilosecondCost',
    ],
    events: ['Transfer'],
  },
  PKPNFT: {
    functions: [
      'mintNext', 'mintCost', 'getPubkey', 'getEthAddress', 'exists', 'ownerOf', 'tokenOfOwnerByIndex', 'tokenByIndex',
      'balanceOf', 'totalSupply', 'mintGrantAndBurnNext', 'getNextDerivedKeyId', 'transferFrom', 'safeTransferFrom',
    ],
    events: ['PKPMinted', 'Transfer'],
  },
  PubkeyRouter: {
    functions: ['pubkeys', 'getPubkey', 'getRootKeys', 'getDerivedPubkey', 'setRoutingData', 'getEthAddress',
      'ethAddressToPkpId', 'voteForRootKeys', 'getRoutingData', 'isRouted', 'deriveEthAddressFromPubkey'],
    events: ['PubkeyRoutingDataSet', 'RootKeySet'],
  },
  PKPPermissions: {
    functions: [
      'isPermittedAuthMethod', 'getPermittedAuthMethods', 'getTokenIdsForAuthMethod', 'getUserPubkeyForAuthMethod',
      'getPermittedAuthMethodScopes', 'isPermittedAction', 'isPermittedAddress', 'getPermittedActions',
      'getPermittedAddresses', 'getPubkey', 'addPermittedAction', 'addPermittedAddress', 'addPermittedAuthMethod',
      'removePermittedAction', 'removePermittedAddress', 'removePermittedAuthMethod', 'addPermittedAuthMethodScope',
      'removePermittedAuthMethodScope', 'isPermittedAuthMethodScopePresent', 'getAuthMethodId', 'getEthAddress',
    ],
    events: ['PermittedAuthMethodAdded', 'PermittedAuthMethodRemoved', 'PermittedAuthMethodScopeAdded',
      'PermittedAuthMethodScopeRemoved'],
  },
  PKPHelper: {
    functions: ['mintNextAndAddAuthMethods', 'mintNextAndAddAuthMethodsWithTypes'],
    events: [],
  },
};

// Datil entries we deliberately do not implement (diamond plumbing, token
// staking economics, claim flows needing node signatures, ...). Everything
// else in datil.json for these contracts must exist in our ABI.
const NOT_IMPLEMENTED = {
  common: ['diamondCut', 'facetAddress', 'facetAddresses', 'facetFunctionSelectors', 'facets', 'DiamondCut',
    'initialize', 'Initialized'],
  Staking: ['adminSlashValidator', 'exit', 'getReward', 'stake', 'withdraw', 'Recovered',
    'RewardsDurationUpdated', 'StakingTokenSet', 'supportsInterface'],
  PKPNFT: ['claimAndMint'],
  PKPHelper: ['claimAndMintNextAndAddAuthMethods', 'claimAndMintNextAndAddAuthMethodsWithTypes',
    'mintNextAndAddDomainWalletMetadata'],
  PubkeyRouter: ['supportsInterface'],
  PKPPermissions: ['supportsInterface'],
  RateLimitNFT: [],
  ContractResolver: [],
};

function outTypes(f) {
  return (f.outputs || []).map((o) => o.format('sighash')).join(',');
}

function compareFunction(contract, ours, ref, name) {
  const refFns = Object.values(ref.functions).filter((f) => f.name === name);
  assert.ok(refFns.length > 0, `${contract}.${name} is not in the reference ABI (bad test list)`);
  for (const rf of refFns) {
    const sig = rf.format('sighash');
    let of;
    try {
      of = ours.getFunction(sig);
    } catch (e) {
      assert.fail(`${contract}: missing function ${sig}`);
    }
    assert.equal(outTypes(of), outTypes(rf), `${contract}.${sig} output types`);
    assert.equal(of.constant, rf.constant, `${contract}.${sig} view/pure-ness`);
    assert.equal(of.payable, rf.payable, `${contract}.${sig} payable-ness`);
  }
}

function compareEvent(contract, ours, ref, name) {
  const refEvs = Object.values(ref.events).filter((e) => e.name === name);
  assert.ok(refEvs.length > 0, `${contract} event ${name} is not in the reference ABI (bad test list)`);
  for (const re of refEvs) {
    const sig = re.format('sighash');
    let oe;
    try {
      oe = ours.getEvent(sig);
    } catch (e) {
      assert.fail(`${contract}: missing event ${sig}`);
    }
    assert.equal(ours.getEventTopic(oe), ref.getEventTopic(re), `${contract} event topic ${sig}`);
    assert.deepEqual(oe.inputs.map((i) => !!i.indexed), re.inputs.map((i) => !!i.indexed), `${contract} ${sig} indexed flags`);
    assert.equal(!!oe.anonymous, !!re.anonymous);
  }
}

for (const [contract, used] of Object.entries(USED)) {
  test(`ABI: ${contract} matches Datil for every SDK/node-used entry`, () => {
    const ours = new ethers.utils.Interface(artifact(contract).abi);
    const ref = referenceInterface(contract);
    for (const name of used.functions) compareFunction(contract, ours, ref, name);
    for (const name of used.events) compareEvent(contract, ours, ref, name);
  });

  test(`ABI: ${contract} implements all other Datil entries except the documented exclusions`, () => {
    const ours = new ethers.utils.Interface(artifact(contract).abi);
    const ref = referenceInterface(contract);
    const skip = new Set([...NOT_IMPLEMENTED.common, ...(NOT_IMPLEMENTED[contract] || [])]);
    const names = new Set(Object.values(ref.functions).map((f) => f.name));
    for (const name of names) if (!skip.has(name)) compareFunction(contract, ours, ref, name);
    const evs = new Set(Object.values(ref.events).map((e) => e.name));
    for (const name of evs) if (!skip.has(name)) compareEvent(contract, ours, ref, name);
  });
}

module.exports = { USED, NOT_IMPLEMENTED };
