// Lit Actions driven by the official SDK 7.4.0, unchanged: `executeJs` with code, sessions for
// `lit-litaction://*` with `lit-action-execution`. Every node runs the action; the SDK merges
// the answers (least common response, most common logs) and combines `signEcdsa` shares with
// its own wasm. PKPs are minted and permitted through contracts-sdk's LitContracts, so a
// permitted action's CID is stored as the SDK writes it.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { LitActionResource } = require('@lit-protocol/auth-helpers');
const { encryptString } = require('@lit-protocol/encryption');
const { ethers, LIT_ABILITY, connectedClient, mintedPkp, onlyAddress, seedGuideSessionSigs } = require('./lib');

/** The seed guide's session sigs, asking to run any Lit Action. */
function actionSessionSigs(client, wallet) {
  return seedGuideSessionSigs(client, wallet, {
    resourceAbilityRequests: [{ resource: new LitActionResource('*'), ability: LIT_ABILITY.LitActionExecution }],
  });
}

/** What the SDK threw, as text (its error, its cause and what the nodes said). */
function describe(error) {
  return JSON.stringify(error, Object.getOwnPropertyNames(error)) + String(error && error.message);
}

const SIGNING_ACTION = `
(async () => {
  const [first, second] = await Promise.all([
    Lit.Actions.signEcdsa({ toSign: hash1, publicKey, sigName: 'first' }),
    Lit.Actions.signEcdsa({ toSign: hash2, publicKey, sigName: 'second' }),
  ]);
  console.log('signed', first, second);
  Lit.Actions.setResponse({ response: JSON.stringify({ signed: [first, second] }) });
})();
`;

test('executeJs runs an action on every node with its jsParams, logs and Lit.Auth', async () => {
  const client = await connectedClient();
  try {
    const wallet = ethers.Wallet.createRandom();
    const sessionSigs = await actionSessionSigs(client, wallet);
    const result = await client.executeJs({
      sessionSigs,
      code: `
        console.log('hello', name);
        console.error('numbers', numbers.length);
        Lit.Actions.setResponse({ response: JSON.stringify({
          greeting: 'hi ' + name, sum: numbers.reduce((a, b) => a + b, 0),
          user: Lit.Auth.authSigAddress, ids: Lit.Auth.actionIpfsIds.length,
        }) });
      `,
      jsParams: { name: 'sigil', numbers: new Uint8Array([1, 2, 3]) },
    });
    assert.equal(result.success, true);
    // No signatures: the SDK returns the merged node answer, the response as sent.
    assert.deepEqual(JSON.parse(result.response), {
      greeting: 'hi sigil', sum: 6, user: wallet.address, ids: 1,
    });
    assert.equal(result.logs, 'hello sigil\nnumbers 3\n');
    assert.deepEqual(result.signedData, {});
    assert.deepEqual(result.claimData, {});
  } finally {
    await client.disconnect();
  }
});

test('signEcdsa shares from an action combine in the SDK into signatures by the PKP', async () => {
  const { minter, pkp } = await mintedPkp(7);
  const client = await connectedClient();
  try {
    const hash1 = ethers.utils.arrayify(ethers.utils.keccak256(ethers.utils.toUtf8Bytes('first')));
    const hash2 = ethers.utils.arrayify(ethers.utils.keccak256(ethers.utils.toUtf8Bytes('second')));
    const result = await client.executeJs({
      sessionSigs: await actionSessionSigs(client, minter),
      code: SIGNING_ACTION,
      jsParams: { hash1, hash2, publicKey: pkp.publicKey },
    });
    assert.deepEqual(result.response, { signed: ['success', 'success'] });
    assert.equal(result.logs, 'signed success success\n');
    assert.equal(ethers.utils.recoverAddress(hash1, result.signatures.first.signature), pkp.ethAddress);
    assert.equal(ethers.utils.recoverAddress(hash2, result.signatures.second.signature), pkp.ethAddress);
    assert.notEqual(result.signatures.first.r, result.signatures.second.r);
  } finally {
    await client.disconnect();
  }
});

test('a stranger may not sign with a PKP until it permits the action through LitContracts', async () => {
  const { pkp, litContracts } = await mintedPkp(8);
  const client = await connectedClient();
  try {
    const stranger = ethers.Wallet.createRandom();
    const sessionSigs = await actionSessionSigs(client, stranger);
    const code = `(async () => {
      await Lit.Actions.ethPersonalSignMessageEcdsa({ message: 'from the action', publicKey, sigName: 'sig' });
    })();`;
    const run = () => client.executeJs({ sessionSigs, code, jsParams: { publicKey: pkp.publicKey } });
    await assert.rejects(run(), (error) => {
      assert.match(describe(error), /Neither you nor this Lit Action are authorized to sign using this PKP/);
      return true;
    });
    // The action's CID, as `ipfs add` computes it, permitted to sign anything.
    const ipfsId = await require('ipfs-only-hash').of(code);
    await litContracts.addPermittedAction({ ipfsId, pkpTokenId: pkp.tokenId, authMethodScopes: [1] });
    const result = await run();
    const recovered = ethers.utils.verifyMessage('from the action', result.signatures.sig.signature);
    assert.equal(recovered, pkp.ethAddress);
  } finally {
    await client.disconnect();
  }
});

test('an action that throws: the SDK reports its error and the nodes keep serving', async () => {
  const client = await connectedClient();
  try {
    const sessionSigs = await actionSessionSigs(client, ethers.Wallet.createRandom());
    await assert.rejects(
      client.executeJs({ sessionSigs, code: `console.log('before'); throw new Error('boom');` }),
      (error) => {
        assert.match(describe(error), /boom/);
        return true;
      },
    );
    const result = await client.executeJs({ sessionSigs, code: `Lit.Actions.setResponse({ response: 'alive' });` });
    assert.equal(result.response, 'alive');
  } finally {
    await client.disconnect();
  }
});

test('executeJs by ipfsId: the nodes fetch the code from the devnet gateway, under the CID ipfs-only-hash computes', async () => {
  const code = `Lit.Actions.setResponse({ response: 'from ipfs ' + Lit.Auth.actionIpfsIds[0] });`;
  const added = await (await fetch(`${process.env.SIGIL_IPFS_API}/api/v0/add`, { method: 'POST', body: code })).json();
  const ipfsId = await require('ipfs-only-hash').of(code);
  assert.equal(added.Hash, ipfsId);
  const client = await connectedClient();
  try {
    const sessionSigs = await actionSessionSigs(client, ethers.Wallet.createRandom());
    const result = await client.executeJs({ sessionSigs, ipfsId });
    assert.equal(result.response, `from ipfs ${ipfsId}`);
  } finally {
    await client.disconnect();
  }
});

test('checkConditions, decryptAndCombine of data the SDK encrypted, runOnce and broadcastAndCollect inside an action', async () => {
  const client = await connectedClient();
  try {
    const wallet = ethers.Wallet.createRandom();
    const accessControlConditions = onlyAddress(wallet.address);
    const { ciphertext, dataToEncryptHash } = await encryptString(
      { accessControlConditions, dataToEncrypt: 'opened inside the action' },
      client,
    );
    const result = await client.executeJs({
      sessionSigs: await actionSessionSigs(client, wallet),
      code: `(async () => {
        const mine = await Lit.Actions.checkConditions({ conditions: accessControlConditions, authSig: null, chain: 'ethereum' });
        const theirs = await Lit.Actions.checkConditions({ conditions: others, authSig: null, chain: 'ethereum' });
        const plaintext = await Lit.Actions.decryptAndCombine({
          accessControlConditions, ciphertext, dataToEncryptHash, authSig: null, chain: 'ethereum',
        });
        const once = await Lit.Actions.runOnce({ waitForResponse: true, name: 'once' }, async () => 'leader-' + Math.random());
        const all = await Lit.Actions.broadcastAndCollect({ name: 'count', value: 'x' });
        Lit.Actions.setResponse({ response: JSON.stringify({ mine, theirs, plaintext, leaderLike: once.startsWith('leader-'), nodes: all.length }) });
      })();`,
      jsParams: {
        accessControlConditions, ciphertext, dataToEncryptHash,
        others: onlyAddress(ethers.Wallet.createRandom().address),
      },
    });
    assert.deepEqual(JSON.parse(result.response), {
      mine: true, theirs: false, plaintext: 'opened inside the action', leaderLike: true, nodes: 3,
    });
  } finally {
    await client.disconnect();
  }
});

test('claimKey: the SDK gathers every node signature of the derived key id', async () => {
  const client = await connectedClient();
  try {
    const code = `(async () => { await Lit.Actions.claimKey({ keyId: 'sdk-claim' }); })();`;
    const result = await client.executeJs({ sessionSigs: await actionSessionSigs(client, ethers.Wallet.createRandom()), code });
    const ipfsId = await require('ipfs-only-hash').of(code);
    const derived = ethers.utils.keccak256(ethers.utils.toUtf8Bytes(`${ipfsId}_sdk-claim`));
    const claim = result.claims['sdk-claim'];
    assert.equal('0x' + claim.derivedKeyId, derived);
    assert.equal(claim.signatures.length, 3);
    const signers = new Set(claim.signatures.map((sig) => ethers.utils.verifyMessage(ethers.utils.arrayify(derived), sig)));
    assert.equal(signers.size, 3);
  } finally {
    await client.disconnect();
  }
});
