// A wallet's own AuthSig in place of session sigs, as the official SDK 7.4.0's decrypt sends it
// (`authSig`, the same to every node): the nodes check it as Lit's do and decrypt for the
// wallet; a stranger's is refused by the conditions and a changed one with Lit's code. The same
// AuthSig serves `sigil decrypt --auth-sig`.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { createSiweMessage, generateAuthSig } = require('@lit-protocol/auth-helpers');
const { encryptString, decryptToString } = require('@lit-protocol/encryption');
const { ethers, RPC_URL, connectedClient, litErrorOf, onlyAddress, sigil, tempFile } = require('./lib');

/** `wallet`'s AuthSig over a SIWE message of its own, valid for ten minutes. */
async function bareAuthSig(client, wallet) {
  const toSign = await createSiweMessage({
    uri: 'https://app.example',
    expiration: new Date(Date.now() + 10 * 60 * 1000).toISOString(),
    walletAddress: wallet.address,
    nonce: await client.getLatestBlockhash(),
    litNodeClient: client,
  });
  return generateAuthSig({ signer: wallet, toSign });
}

test('decryptToString with a bare wallet AuthSig: the wallet decrypts, a stranger and a changed AuthSig are refused', async () => {
  const wallet = ethers.Wallet.createRandom();
  const accessControlConditions = onlyAddress(wallet.address);
  const client = await connectedClient();
  let encrypted;
  let authSig;
  try {
    const { ciphertext, dataToEncryptHash } = await encryptString(
      { accessControlConditions, dataToEncrypt: 'for a bare AuthSig' }, client);
    encrypted = { ciphertext, dataToEncryptHash, accessControlConditions };
    const decrypt = (authSig) => decryptToString(
      { accessControlConditions, ciphertext, dataToEncryptHash, chain: 'ethereum', authSig }, client);

    authSig = await bareAuthSig(client, wallet);
    assert.equal(await decrypt(authSig), 'for a bare AuthSig');
    // Browser wallets send the address lowercased.
    assert.equal(await decrypt({ ...authSig, address: authSig.address.toLowerCase() }), 'for a bare AuthSig');

    const refusals = [
      [await bareAuthSig(client, ethers.Wallet.createRandom()), 'NodeAccessControlConditionsReturnedNotAuthorized'],
      [{ ...authSig, signedMessage: authSig.signedMessage.replace('app.example', 'app.exampla') }, 'NodeInvalidAuthSig'],
    ];
    for (const [refused, code] of refusals) {
      let error;
      try {
        await decrypt(refused);
      } catch (e) {
        error = litErrorOf(e);
      }
      assert.equal(error && error.errorCode, code);
    }
  } finally {
    await client.disconnect();
  }
  // The SDK-made AuthSig, given to sigil.
  const out = sigil(['decrypt', '--rpc-url', RPC_URL, '--auth-sig', tempFile('auth-sig.json', JSON.stringify(authSig)),
    '--in', tempFile('encrypted.json', JSON.stringify(encrypted))]);
  assert.equal(out.status, 0, out.stderr);
  assert.equal(out.stdout.trim(), 'for a bare AuthSig');
});
