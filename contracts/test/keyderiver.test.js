// SPDX-License-Identifier: MIT OR Apache-2.0
// KeyDeriver against the official JS SDK 7.4.0's own derivation (computeHDPubKey), whose outputs
// are kept in tests/vectors/hd-derive.json at the repository root.
'use strict';

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { ethers } = require('ethers');
const { startAnvil } = require('./anvil');
const { artifact, devWallet } = require('../deploy');

const vectors = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', 'tests', 'vectors', 'hd-derive.json'), 'utf8'),
);
const ECDSA = 2;
const BLS = 1;

let anvil;
let deriver;

const roots = (count, compressed = true) =>
  vectors.rootPublicKeys
    .slice(0, count)
    .map((key) => ({ pubkey: compressed ? key : ethers.utils.computePublicKey(key, false), keyType: ECDSA }));

before(async () => {
  anvil = await startAnvil();
  const a = artifact('KeyDeriver');
  const factory = new ethers.ContractFactory(a.abi, a.bytecode, devWallet(anvil.provider, 0));
  deriver = await factory.deploy();
  await deriver.deployTransaction.wait();
});

after(async () => {
  await anvil?.stop();
});

describe('KeyDeriver', () => {
  it('derives what the JS SDK derives, from compressed and uncompressed roots', async () => {
    // A PKP's key id is a bytes32 on chain; the vectors also hold shorter ids for the SDK.
    const onChain = vectors.cases.filter((c) => ethers.utils.hexDataLength(c.keyId) === 32);
    assert.ok(onChain.length >= 9);
    assert.deepEqual([...new Set(onChain.map((c) => c.rootCount))].sort((a, b) => a - b), [1, 2, 10]);
    for (const c of onChain) {
      for (const compressed of [true, false]) {
        const [ok, pubkey] = await deriver.computeHDPubKey(c.keyId, roots(c.rootCount, compressed), ECDSA);
        assert.equal(ok, true);
        assert.equal(pubkey, '0x' + c.derivedPublicKey, `rootCount ${c.rootCount}, key id ${c.keyId}`);
      }
    }
  });

  it('skips roots of another key type, as Lit passes only the requested type', async () => {
    const c = vectors.cases.find((x) => x.rootCount === 2);
    const mixed = [{ pubkey: '0x' + 'ab'.repeat(48), keyType: BLS }, ...roots(2)];
    const [ok, pubkey] = await deriver.computeHDPubKey(c.keyId, mixed, ECDSA);
    assert.equal(ok, true);
    assert.equal(pubkey, '0x' + c.derivedPublicKey);
  });

  it('refuses what it cannot derive from', async () => {
    const keyId = vectors.cases[0].keyId;
    assert.deepEqual(await deriver.computeHDPubKey(keyId, [], ECDSA), [false, '0x']);
    assert.deepEqual(await deriver.computeHDPubKey(keyId, roots(2), BLS), [false, '0x']);
    const notOnCurve = { pubkey: '0x02' + '00'.repeat(31) + '05', keyType: ECDSA };
    assert.deepEqual(await deriver.computeHDPubKey(keyId, [...roots(1), notOnCurve], ECDSA), [false, '0x']);
    const badPrefix = { pubkey: '0x05' + vectors.rootPublicKeys[0].slice(4), keyType: ECDSA };
    assert.deepEqual(await deriver.computeHDPubKey(keyId, [badPrefix], ECDSA), [false, '0x']);
    const uncompressed = ethers.utils.computePublicKey(vectors.rootPublicKeys[0], false);
    const offCurve = { pubkey: uncompressed.slice(0, -2) + (uncompressed.endsWith('00') ? '01' : '00'), keyType: ECDSA };
    assert.deepEqual(await deriver.computeHDPubKey(keyId, [offCurve], ECDSA), [false, '0x']);
  });

  it('costs a bounded amount of gas for Datil\'s ten roots', async () => {
    const c = vectors.cases.find((x) => x.rootCount === 10);
    const gas = await deriver.estimateGas.computeHDPubKey(c.keyId, roots(10), ECDSA);
    console.log(`KeyDeriver.computeHDPubKey, 10 compressed roots: ${gas.toString()} gas`);
    assert.ok(gas.lt(15_000_000), `${gas} gas`);
  });
});
