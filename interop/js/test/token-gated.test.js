// Token-gated decryption with the official SDK: it encrypts to conditions that read the chain
// (the devnet's demo ERC-721, ERC-20 and ERC-1155, a view function with two outputs, a unified
// mix) and decrypts through Sigil's nodes, which read the devnet's chain for every EVM chain
// name; a wallet the chain says no to is refused with Lit's not-authorized error.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { encryptString, decryptToString } = require('@lit-protocol/encryption');
const { ethers, connectedClient, seedGuideSessionSigs, litErrorOf } = require('./lib');

const RPC_URL = process.env.SIGIL_RPC_URL;
const CONTEXT = JSON.parse(fs.readFileSync(process.env.SIGIL_CONTEXT, 'utf8'));
const NOT_AUTHORIZED = 'NodeAccessControlConditionsReturnedNotAuthorized';

const provider = new ethers.providers.StaticJsonRpcProvider(RPC_URL);
provider.pollingInterval = 100;
// The devnet's dev wallet (anvil's account 0) deployed the demo tokens and mints them.
const minter = ethers.Wallet.fromMnemonic('test test test test test test test test test test test junk').connect(provider);
const token = (name) => new ethers.Contract(CONTEXT[name].address, CONTEXT[name].abi, minter);

const basic = (name, standardContractType, method, parameters, comparator, value, chain = 'ethereum') => ({
  contractAddress: CONTEXT[name].address, standardContractType, chain, method, parameters,
  returnValueTest: { comparator, value },
});
const standing = (key, comparator, value) => ({
  contractAddress: CONTEXT.DemoERC20.address,
  functionName: 'standing',
  functionParams: [':userAddress'],
  functionAbi: {
    type: 'function', stateMutability: 'view', name: 'standing',
    inputs: [{ name: 'account', type: 'address', internalType: 'address' }],
    outputs: [{ name: 'balance', type: 'uint256', internalType: 'uint256' }, { name: 'holder', type: 'bool', internalType: 'bool' }],
  },
  chain: 'polygon',
  returnValueTest: { key, comparator, value },
});

async function outcome(client, conditions, wallet) {
  const { ciphertext, dataToEncryptHash } = await encryptString({ ...conditions, dataToEncrypt: 'token gated' }, client);
  try {
    const sessionSigs = await seedGuideSessionSigs(client, wallet);
    const plaintext = await decryptToString({ ...conditions, ciphertext, dataToEncryptHash, chain: 'ethereum', sessionSigs }, client);
    assert.equal(plaintext, 'token gated');
    return 'decrypts';
  } catch (error) {
    const lit = litErrorOf(error);
    assert.ok(lit, `no Lit error in ${error && error.message}`);
    return lit.errorCode;
  }
}

test('token-gated: ERC-721, ERC-20, ERC-1155, a two-output view function and a unified mix, as the SDK sends them', async () => {
  const holder = ethers.Wallet.createRandom();
  const stranger = ethers.Wallet.createRandom();
  await (await token('DemoERC721').mint(holder.address)).wait();
  await (await token('DemoERC20').mint(holder.address, 100)).wait();
  await (await token('DemoERC1155').mint(holder.address, 7, 2)).wait();

  const cases = [
    ['erc721 balanceOf', { accessControlConditions: [basic('DemoERC721', 'ERC721', 'balanceOf', [':userAddress'], '>', '0')] }],
    ['erc20 at the threshold', { accessControlConditions: [basic('DemoERC20', 'ERC20', 'balanceOf', [':userAddress'], '>=', '100', 'base')] }],
    ['erc1155 id 7', { accessControlConditions: [basic('DemoERC1155', 'ERC1155', 'balanceOf', [':userAddress', '7'], '>=', '2')] }],
    ['evmContract output by key', { evmContractConditions: [standing('holder', '=', 'true')] }],
    ['unified mix', {
      unifiedAccessControlConditions: [
        { ...basic('DemoERC721', 'ERC721', 'balanceOf', [':userAddress'], '>', '0'), conditionType: 'evmBasic' },
        { operator: 'and' },
        [{ ...standing('balance', '>=', '100'), conditionType: 'evmContract' }, { operator: 'or' },
          { ...basic('DemoERC1155', 'ERC1155', 'balanceOf', [':userAddress', '7'], '>', '5'), conditionType: 'evmBasic' }],
      ],
    }],
  ];
  const client = await connectedClient();
  try {
    for (const [name, conditions] of cases) {
      assert.equal(await outcome(client, conditions, holder), 'decrypts', name);
      assert.equal(await outcome(client, conditions, stranger), NOT_AUTHORIZED, name);
    }
  } finally {
    await client.disconnect();
  }
});

test('token-gated by a Lit Action: the SDK encrypts to a LitAction condition and the nodes run the action to decide', async () => {
  const code = `const isMember = async (user, members) =>
    members.split(',').map((m) => m.toLowerCase()).includes(user.toLowerCase());`;
  const added = await (await fetch(`${process.env.SIGIL_IPFS_API}/api/v0/add`, { method: 'POST', body: code })).json();
  const ipfsId = await require('ipfs-only-hash').of(code);
  assert.equal(added.Hash, ipfsId);
  const member = ethers.Wallet.createRandom();
  const stranger = ethers.Wallet.createRandom();
  const conditions = {
    accessControlConditions: [{
      contractAddress: `ipfs://${ipfsId}`, standardContractType: 'LitAction', chain: 'ethereum', method: 'isMember',
      parameters: [':userAddress', `${ethers.constants.AddressZero},${member.address}`],
      returnValueTest: { comparator: '=', value: 'true' },
    }],
  };
  const client = await connectedClient();
  try {
    assert.equal(await outcome(client, conditions, member), 'decrypts');
    assert.equal(await outcome(client, conditions, stranger), NOT_AUTHORIZED);
  } finally {
    await client.disconnect();
  }
});
