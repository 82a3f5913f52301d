// PKP public keys as the official SDK derives them (`computeHDPubKey`, the wasm's
// `ecdsaDeriveKey`, which the SDK runs on the handshake's `hdRootPubkeys`), for fixed root keys
// and key ids, checked against tests/vectors/hd-derive.json, which the Rust tests read.
// SIGIL_WRITE_WIRE_VECTORS=1 rewrites that file from this run's SDK outputs instead of checking.
// Then the SDK connects to the devnet and derives from the root keys its nodes list.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { computeHDPubKey } = require('@lit-protocol/crypto');
const { ethers } = require('ethers');
const { connectedClient } = require('./lib');

const VECTOR_FILE = path.join(__dirname, '..', '..', '..', 'tests', 'vectors', 'hd-derive.json');
const WRITE = process.env.SIGIL_WRITE_WIRE_VECTORS === '1';

// Root keys from fixed secrets, so the Rust side can also check the secret-share derivation.
const rootSecrets = Array.from({ length: 10 }, (_, i) =>
  ethers.utils.keccak256(ethers.utils.toUtf8Bytes(`sigil hd root key ${i}`)),
);
const rootPublic = rootSecrets.map((secret) =>
  ethers.utils.computePublicKey(new ethers.utils.SigningKey(secret).publicKey, true),
);

const keyIds = [
  // What `claimKeyId` sends for an auth method: keccak256 of "<type>:<user id>".
  ethers.utils.keccak256(ethers.utils.toUtf8Bytes('1:0x70997970C51812dc3A010C7d01b50e0d17dc79C8')),
  // PKPNFT.mintNext's derivedKeyId: keccak256(abi.encodePacked(totalSupply()+1, blockhash)).
  ethers.utils.solidityKeccak256(['uint256', 'bytes32'], [1, '0x' + 'ab'.repeat(32)]),
  '0x' + '00'.repeat(32),
  '0x' + 'ff'.repeat(32),
  // Not 32 bytes: the wasm hashes any byte string.
  '0x010203',
];

async function derivations() {
  const cases = [];
  for (const rootCount of [1, 2, 10]) {
    for (const keyId of keyIds) {
      const roots = rootPublic.slice(0, rootCount);
      const derived = await computeHDPubKey(roots, keyId, 'ECDSA_CAIT_SITH');
      // The SDK takes root keys compressed or not; the result must not depend on it.
      const uncompressed = roots.map((key) => ethers.utils.computePublicKey(key, false));
      assert.equal(await computeHDPubKey(uncompressed, keyId, 'ECDSA_CAIT_SITH'), derived);
      cases.push({ rootCount, keyId, derivedPublicKey: derived });
    }
  }
  return cases;
}

test('the SDK derives PKP public keys from root keys as the vector file says', async () => {
  const vector = {
    description:
      'PKP public keys derived by the official Lit JS SDK 7.4.0 (computeHDPubKey, ECDSA_CAIT_SITH) ' +
      'from the first rootCount root keys; written by interop/js/test/hd-keys.test.js',
    rootSecrets,
    rootPublicKeys: rootPublic,
    cases: await derivations(),
  };
  if (WRITE) {
    fs.writeFileSync(VECTOR_FILE, JSON.stringify(vector, null, 2) + '\n');
    return;
  }
  const saved = JSON.parse(fs.readFileSync(VECTOR_FILE, 'utf8'));
  assert.deepEqual(saved, vector);
});

test('connect() takes the devnet root keys and the SDK derives PKP keys from them', async () => {
  const client = await connectedClient();
  try {
    assert.equal(client.hdRootPubkeys.length, 10);
    for (const key of client.hdRootPubkeys) {
      assert.match(key, /^0[23][0-9a-f]{64}$/);
    }
    const keyId = ethers.utils.keccak256(ethers.utils.toUtf8Bytes('sigil devnet pkp'));
    const derived = await client.computeHDPubKey(keyId);
    assert.match(derived, /^04[0-9a-f]{128}$/);
    assert.equal(derived, await computeHDPubKey(client.hdRootPubkeys, keyId, 'ECDSA_CAIT_SITH'));
  } finally {
    await client.disconnect();
  }
});
