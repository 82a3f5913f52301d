// 1. The seed guide's flow, verbatim apart from the network config, against sigil devnet.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { ethers, NODE_COUNT, connectedClient, seedGuideSessionSigs } = require('./lib');

test('seed guide: connect, getSessionSigs via createSiweMessage + generateAuthSig gives one session sig per node', async () => {
  const client = await connectedClient();
  try {
    assert.equal(client.connectedNodes.size, NODE_COUNT);
    const wallet = ethers.Wallet.createRandom();
    const sessionSigs = await seedGuideSessionSigs(client, wallet);

    assert.deepEqual(Object.keys(sessionSigs).sort(), [...client.connectedNodes].sort());
    for (const [url, sessionSig] of Object.entries(sessionSigs)) {
      assert.deepEqual(Object.keys(sessionSig), ['sig', 'derivedVia', 'signedMessage', 'address', 'algo']);
      assert.equal(sessionSig.derivedVia, 'litSessionSignViaNacl');
      assert.equal(sessionSig.algo, 'ed25519');
      assert.match(sessionSig.sig, /^[0-9a-f]{128}$/);
      const signed = JSON.parse(sessionSig.signedMessage);
      assert.equal(signed.nodeAddress, url);
      assert.equal(signed.sessionKey, sessionSig.address);
      const walletSig = signed.capabilities.at(-1);
      assert.equal(walletSig.address, wallet.address);
      // The SIWE nonce is the devnet's latest block hash, read through the handshake.
      assert.match(walletSig.signedMessage, /\nNonce: 0x[0-9a-f]{64}\n/);
      assert.match(walletSig.signedMessage, new RegExp(`\nURI: lit:session:${sessionSig.address}\n`));
    }
  } finally {
    await client.disconnect();
  }
});
