// 6. Capacity credits, against a devnet that serves nobody for free (SIGIL_PAID_RPC_URL).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { encryptString, decryptToString } = require('@lit-protocol/encryption');
const {
  ethers, connectedClient, seedGuideSessionSigs, onlyAddress, litErrorOf, mintCapacityCredits, retryWhile,
} = require('./lib');

const PAID_RPC_URL = process.env.SIGIL_PAID_RPC_URL;
const PAID_CONTEXT = process.env.SIGIL_PAID_CONTEXT;

async function mintCredits(owner) {
  return mintCapacityCredits(owner, { rpcUrl: PAID_RPC_URL, context: PAID_CONTEXT });
}

async function decryptAs(client, wallet, encrypted, options) {
  const sessionSigs = await seedGuideSessionSigs(client, wallet, options);
  return decryptToString({ ...encrypted, sessionSigs }, client);
}

test('capacity credits: the owner is served without delegation, a stranger without credits is refused', async () => {
  const client = await connectedClient({ rpcUrl: PAID_RPC_URL });
  try {
    const owner = ethers.Wallet.createRandom();
    const conditions = onlyAddress(owner.address);
    const { ciphertext, dataToEncryptHash } = await encryptString(
      { accessControlConditions: conditions, dataToEncrypt: 'paid by the owner' },
      client
    );
    const encrypted = { accessControlConditions: conditions, ciphertext, dataToEncryptHash, chain: 'ethereum' };

    // Without credits this devnet refuses: proof that the credits below are what serve the owner.
    let refused;
    try {
      await decryptAs(client, owner, encrypted);
    } catch (error) {
      refused = litErrorOf(error);
    }
    assert.equal(refused && refused.errorCode, 'rate_limit_exceeded');

    await mintCredits(owner);
    // The nodes index a new credit within a poll of the chain.
    assert.equal(await retryWhile('rate_limit_exceeded', () => decryptAs(client, owner, encrypted)), 'paid by the owner');
  } finally {
    await client.disconnect();
  }
});

test('capacity credits: a second wallet is served through createCapacityDelegationAuthSig', async () => {
  const client = await connectedClient({ rpcUrl: PAID_RPC_URL });
  try {
    const owner = ethers.Wallet.createRandom();
    const delegatee = ethers.Wallet.createRandom();
    const capacityTokenId = await mintCredits(owner);
    const conditions = onlyAddress(delegatee.address);
    const { ciphertext, dataToEncryptHash } = await encryptString(
      { accessControlConditions: conditions, dataToEncrypt: 'paid by a delegation' },
      client
    );
    const encrypted = { accessControlConditions: conditions, ciphertext, dataToEncryptHash, chain: 'ethereum' };

    const { capacityDelegationAuthSig } = await client.createCapacityDelegationAuthSig({
      dAppOwnerWallet: owner,
      capacityTokenId,
      delegateeAddresses: [delegatee.address],
      uses: '1',
    });
    // The nodes index a new credit within a poll of the chain; until then the delegation pays
    // for nothing, so no use of it is spent.
    assert.equal(
      await retryWhile('rate_limit_exceeded', () => decryptAs(client, delegatee, encrypted, { capacityDelegationAuthSig })),
      'paid by a delegation'
    );

    // uses = 1: the same delegation does not pay for a second decryption.
    let refused;
    try {
      await decryptAs(client, delegatee, encrypted, { capacityDelegationAuthSig });
    } catch (error) {
      refused = litErrorOf(error);
    }
    assert.equal(refused && refused.errorCode, 'rate_limit_exceeded');
  } finally {
    await client.disconnect();
  }
});
