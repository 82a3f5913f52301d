// 2-4. Encryption and decryption through our nodes' shares, across the JS SDK and the sigil CLI.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { encryptString, decryptToString } = require('@lit-protocol/encryption');
const {
  ethers,
  RPC_URL,
  connectedClient,
  seedGuideSessionSigs,
  onlyAddress,
  sigil,
  tempFile,
} = require('./lib');

test('encryptString + decryptToString entirely in JS, through sigil decryption shares', async () => {
  const client = await connectedClient();
  try {
    const wallet = ethers.Wallet.createRandom();
    const accessControlConditions = onlyAddress(wallet.address);
    const { ciphertext, dataToEncryptHash } = await encryptString(
      { accessControlConditions, dataToEncrypt: 'interop: js to js' },
      client
    );
    const sessionSigs = await seedGuideSessionSigs(client, wallet);
    const plaintext = await decryptToString(
      { accessControlConditions, ciphertext, dataToEncryptHash, chain: 'ethereum', sessionSigs },
      client
    );
    assert.equal(plaintext, 'interop: js to js');
  } finally {
    await client.disconnect();
  }
});

test('sigil encrypt, then the JS SDK decrypts', async () => {
  const wallet = ethers.Wallet.createRandom();
  const input = tempFile('plain.txt', 'interop: sigil to js');
  const out = sigil(['encrypt', '--rpc-url', RPC_URL, '--allow-address', wallet.address, '--in', input]);
  assert.equal(out.status, 0, out.stderr);
  const encrypted = JSON.parse(out.stdout);

  const client = await connectedClient();
  try {
    const sessionSigs = await seedGuideSessionSigs(client, wallet);
    const plaintext = await decryptToString(
      {
        accessControlConditions: encrypted.accessControlConditions,
        ciphertext: encrypted.ciphertext,
        dataToEncryptHash: encrypted.dataToEncryptHash,
        chain: 'ethereum',
        sessionSigs,
      },
      client
    );
    assert.equal(plaintext, 'interop: sigil to js');
  } finally {
    await client.disconnect();
  }
});

test('the JS SDK encrypts, then sigil decrypt decrypts', async () => {
  const wallet = ethers.Wallet.createRandom();
  const accessControlConditions = onlyAddress(wallet.address);
  const client = await connectedClient();
  let encrypted;
  try {
    const { ciphertext, dataToEncryptHash } = await encryptString(
      { accessControlConditions, dataToEncrypt: 'interop: js to sigil' },
      client
    );
    encrypted = { ciphertext, dataToEncryptHash, accessControlConditions };
  } finally {
    await client.disconnect();
  }
  const input = tempFile('encrypted.json', JSON.stringify(encrypted));
  const out = sigil(['decrypt', '--rpc-url', RPC_URL, '--private-key-env', 'INTEROP_WALLET_KEY', '--in', input], {
    env: { INTEROP_WALLET_KEY: wallet.privateKey },
  });
  assert.equal(out.status, 0, out.stderr);
  assert.equal(out.stdout.trim(), 'interop: js to sigil');
});

test('session sigs made by sigil session-sigs are accepted when the JS SDK decrypts with them', async () => {
  const wallet = ethers.Wallet.createRandom();
  const accessControlConditions = onlyAddress(wallet.address);
  const client = await connectedClient();
  try {
    const { ciphertext, dataToEncryptHash } = await encryptString(
      { accessControlConditions, dataToEncrypt: 'interop: sigil session sigs' },
      client
    );
    const out = sigil(
      [
        'session-sigs',
        '--rpc-url', RPC_URL,
        '--private-key-env', 'INTEROP_WALLET_KEY',
        '--resource', 'lit-accesscontrolcondition://*',
        '--ability', 'access-control-condition-decryption',
        '--expiration', new Date(Date.now() + 10 * 60 * 1000).toISOString(),
      ],
      { env: { INTEROP_WALLET_KEY: wallet.privateKey } }
    );
    assert.equal(out.status, 0, out.stderr);
    const sessionSigs = JSON.parse(out.stdout);
    assert.deepEqual(Object.keys(sessionSigs).sort(), [...client.connectedNodes].sort());
    const plaintext = await decryptToString(
      { accessControlConditions, ciphertext, dataToEncryptHash, chain: 'ethereum', sessionSigs },
      client
    );
    assert.equal(plaintext, 'interop: sigil session sigs');
  } finally {
    await client.disconnect();
  }
});

test('session sigs made by the JS SDK are accepted by sigil decrypt --session-sigs', async () => {
  const wallet = ethers.Wallet.createRandom();
  const accessControlConditions = onlyAddress(wallet.address);
  const client = await connectedClient();
  let encrypted;
  let sessionSigs;
  try {
    const { ciphertext, dataToEncryptHash } = await encryptString(
      { accessControlConditions, dataToEncrypt: 'interop: js session sigs' },
      client
    );
    encrypted = { ciphertext, dataToEncryptHash, accessControlConditions };
    sessionSigs = await seedGuideSessionSigs(client, wallet);
  } finally {
    await client.disconnect();
  }
  const input = tempFile('encrypted.json', JSON.stringify(encrypted));
  const sigsFile = tempFile('session-sigs.json', JSON.stringify(sessionSigs));
  // No wallet key at all: the JS-made session sigs are the only credential.
  const out = sigil(['decrypt', '--rpc-url', RPC_URL, '--session-sigs', sigsFile, '--in', input]);
  assert.equal(out.status, 0, out.stderr);
  assert.equal(out.stdout.trim(), 'interop: js session sigs');
});
