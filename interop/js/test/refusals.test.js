// 5. Refusals surface through the JS SDK with Lit's error shape.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { encryptString, decryptToString } = require('@lit-protocol/encryption');
const { ethers, connectedClient, seedGuideSessionSigs, onlyAddress, litErrorOf } = require('./lib');

async function encryptedFor(client, address, text) {
  const accessControlConditions = onlyAddress(address);
  const { ciphertext, dataToEncryptHash } = await encryptString(
    { accessControlConditions, dataToEncrypt: text },
    client
  );
  return { accessControlConditions, ciphertext, dataToEncryptHash, chain: 'ethereum' };
}

async function expectLitError(promise, errorCode) {
  let caught;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught, `expected ${errorCode}, but the decryption succeeded`);
  const litError = litErrorOf(caught);
  assert.ok(litError, `no Lit error code in: ${caught && caught.message}`);
  assert.equal(litError.errorCode, errorCode, caught.message);
}

test('a wallet outside the conditions is refused with NodeAccessControlConditionsReturnedNotAuthorized', async () => {
  const client = await connectedClient();
  try {
    const owner = ethers.Wallet.createRandom();
    const stranger = ethers.Wallet.createRandom();
    const encrypted = await encryptedFor(client, owner.address, 'not for strangers');
    const sessionSigs = await seedGuideSessionSigs(client, stranger);
    await expectLitError(
      decryptToString({ ...encrypted, sessionSigs }, client),
      'NodeAccessControlConditionsReturnedNotAuthorized'
    );
  } finally {
    await client.disconnect();
  }
});

test('an expired session is refused with NodeExpWrongOrTooLarge', async () => {
  const client = await connectedClient();
  try {
    const wallet = ethers.Wallet.createRandom();
    const encrypted = await encryptedFor(client, wallet.address, 'expired session');
    // Expired well beyond the nodes' 60 s grace; the SDK signs it without complaint.
    const expiration = new Date(Date.now() - 10 * 60 * 1000).toISOString();
    const sessionSigs = await seedGuideSessionSigs(client, wallet, { expiration });
    await expectLitError(decryptToString({ ...encrypted, sessionSigs }, client), 'NodeExpWrongOrTooLarge');
  } finally {
    await client.disconnect();
  }
});

test('a session sig altered by one byte is refused with NodeInvalidAuthSigSessionKeySignature', async () => {
  const client = await connectedClient();
  try {
    const wallet = ethers.Wallet.createRandom();
    const encrypted = await encryptedFor(client, wallet.address, 'tampered session');
    const sessionSigs = await seedGuideSessionSigs(client, wallet);
    for (const sessionSig of Object.values(sessionSigs)) {
      // One byte of the signed template changes: the ed25519 signature no longer matches.
      sessionSig.signedMessage = sessionSig.signedMessage.replace('"issuedAt":"2', '"issuedAt":"3');
    }
    await expectLitError(
      decryptToString({ ...encrypted, sessionSigs }, client),
      'NodeInvalidAuthSigSessionKeySignature'
    );
  } finally {
    await client.disconnect();
  }
});
