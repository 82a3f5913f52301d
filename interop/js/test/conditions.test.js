// Every condition kind, as the official SDK writes it on the wire to /web/encryption/sign/:
// encrypted by the SDK, decrypted (or refused) by our nodes, and the exact request bytes the SDK
// sent checked against tests/vectors/sdk-wire-conditions.json, which the Rust tests read.
//
// SIGIL_WRITE_WIRE_VECTORS=1 rewrites that file from what the SDK sends in this run instead of
// comparing (the wallets and plaintexts are fixed, so the bytes are the same every run).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { encryptString, decryptToString } = require('@lit-protocol/encryption');
const { ethers, connectedClient, seedGuideSessionSigs, litErrorOf } = require('./lib');

const VECTOR_FILE = path.join(__dirname, '..', '..', '..', 'tests', 'vectors', 'sdk-wire-conditions.json');
const WRITE = process.env.SIGIL_WRITE_WIRE_VECTORS === '1';

// Fixed test wallets (not secrets): the addresses appear in the conditions, so fixed keys keep
// the request bytes the same from run to run.
const OWNER = new ethers.Wallet('0x' + '5a'.repeat(32));
const STRANGER = new ethers.Wallet('0x' + '6b'.repeat(32));
const ELSEWHERE = '0x1111111111111111111111111111111111111111';
const FAR_FUTURE = '4102444800'; // 2100-01-01: a timestamp condition that is false today

const userIs = (address) => ({
  conditionType: 'evmBasic',
  contractAddress: '',
  standardContractType: '',
  chain: 'ethereum',
  method: '',
  parameters: [':userAddress'],
  returnValueTest: { comparator: '=', value: address },
});
const timestampAtLeast = (value) => ({
  conditionType: 'evmBasic',
  contractAddress: '',
  standardContractType: 'timestamp',
  chain: 'ethereum',
  method: 'eth_getBlockByNumber',
  parameters: ['latest'],
  returnValueTest: { comparator: '>=', value },
});
const solBalance = {
  conditionType: 'solRpc',
  method: 'getBalance',
  params: [':userAddress'],
  pdaParams: [],
  pdaInterface: { offset: 0, fields: {} },
  pdaKey: '',
  chain: 'solana',
  returnValueTest: { key: '', comparator: '>=', value: '100000000' },
};
const cosmosBalance = {
  conditionType: 'cosmos',
  path: '/cosmos/bank/v1beta1/balances/:userAddress',
  chain: 'cosmos',
  returnValueTest: { key: '$.balances[0].amount', comparator: '>=', value: '1000000' },
};
const evmContractMember = {
  conditionType: 'evmContract',
  contractAddress: '0xb71a679cfff330591d556c4b9f21c7739ca9590c',
  functionName: 'members',
  functionParams: [':userAddress'],
  functionAbi: {
    type: 'function',
    stateMutability: 'view',
    constant: true,
    name: 'members',
    outputs: [{ type: 'uint8', name: '', internalType: 'uint8' }],
    inputs: [{ type: 'address', name: '', internalType: 'address' }],
  },
  chain: 'ethereum',
  returnValueTest: { key: '', comparator: '=', value: '2' },
};
const withoutType = ({ conditionType, ...rest }) => rest;

const DECRYPTS = 'decrypts';
const NOT_AUTHORIZED = 'NodeAccessControlConditionsReturnedNotAuthorized';
// Solana and Cosmos conditions are evaluated for the request's wallet of their chain, which an
// Ethereum session does not carry: Lit's code for the missing wallet, never a false.
const NO_SOLANA_WALLET = 'NodeInvalidSolanaAuthSig';
const NO_COSMOS_WALLET = 'NodeInvalidCosmosAuthSig';
// The evmContract condition calls an address with no contract on the devnet's chain: the call
// answers nothing, which Lit's node refuses as undecodable.
const NO_CONTRACT = 'NodeTokenEncodingDecodingError';

const CASES = [
  {
    name: 'unified-evmBasic-userAddress',
    key: 'unifiedAccessControlConditions',
    conditions: [userIs(OWNER.address)],
    owner: DECRYPTS,
    stranger: NOT_AUTHORIZED,
  },
  {
    name: 'unified-userAddress-or-timestamp',
    key: 'unifiedAccessControlConditions',
    conditions: [userIs(OWNER.address), { operator: 'or' }, timestampAtLeast(FAR_FUTURE)],
    owner: DECRYPTS,
    stranger: NOT_AUTHORIZED,
  },
  {
    name: 'unified-userAddress-and-timestamp',
    key: 'unifiedAccessControlConditions',
    conditions: [userIs(OWNER.address), { operator: 'and' }, timestampAtLeast('1')],
    owner: DECRYPTS,
    stranger: NOT_AUTHORIZED,
  },
  {
    name: 'unified-nested-groups',
    key: 'unifiedAccessControlConditions',
    conditions: [
      [userIs(ELSEWHERE), { operator: 'or' }, userIs(OWNER.address)],
      { operator: 'and' },
      [timestampAtLeast('1'), { operator: 'or' }, [userIs(ELSEWHERE), { operator: 'and' }, timestampAtLeast(FAR_FUTURE)]],
    ],
    owner: DECRYPTS,
    stranger: NOT_AUTHORIZED,
  },
  {
    name: 'unified-solRpc',
    key: 'unifiedAccessControlConditions',
    conditions: [solBalance],
    owner: NO_SOLANA_WALLET,
    stranger: NO_SOLANA_WALLET,
  },
  {
    name: 'unified-cosmos',
    key: 'unifiedAccessControlConditions',
    conditions: [cosmosBalance],
    owner: NO_COSMOS_WALLET,
    stranger: NO_COSMOS_WALLET,
  },
  {
    name: 'unified-evmContract',
    key: 'unifiedAccessControlConditions',
    conditions: [evmContractMember],
    owner: NO_CONTRACT,
    stranger: NO_CONTRACT,
  },
  {
    name: 'unified-every-kind-in-groups',
    key: 'unifiedAccessControlConditions',
    conditions: [
      [solBalance, { operator: 'and' }, userIs(OWNER.address)],
      { operator: 'or' },
      [evmContractMember, { operator: 'or' }, [cosmosBalance, { operator: 'and' }, timestampAtLeast('1')]],
    ],
    owner: NO_SOLANA_WALLET,
    stranger: NO_SOLANA_WALLET,
  },
  {
    name: 'accessControlConditions-nested-groups',
    key: 'accessControlConditions',
    conditions: [
      [withoutType(userIs(ELSEWHERE)), { operator: 'or' }, withoutType(userIs(OWNER.address))],
      { operator: 'and' },
      withoutType(timestampAtLeast('1')),
    ],
    owner: DECRYPTS,
    stranger: NOT_AUTHORIZED,
  },
  {
    name: 'evmContractConditions',
    key: 'evmContractConditions',
    conditions: [withoutType(evmContractMember)],
    owner: NO_CONTRACT,
    stranger: NO_CONTRACT,
  },
  // The SDK's schema refuses Solana v1 conditions (no pdaInterface), so it never sends one.
  {
    name: 'solRpcConditions-v2',
    key: 'solRpcConditions',
    conditions: [withoutType(solBalance)],
    owner: NO_SOLANA_WALLET,
    stranger: NO_SOLANA_WALLET,
  },
];

/** Runs `fn` while recording the bodies the SDK posts to /web/encryption/sign/. */
async function capturingEncryptionSignBodies(fn) {
  const bodies = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = (url, init) => {
    if (String(url).includes('/web/encryption/sign')) bodies.push(init.body);
    return realFetch(url, init);
  };
  try {
    const outcome = await fn();
    return { outcome, bodies };
  } finally {
    globalThis.fetch = realFetch;
  }
}

/** 'decrypts' when the plaintext comes back, else the Lit errorCode the SDK surfaced. */
async function decryptOutcome(client, encrypted, sessionSigs, plaintext) {
  try {
    const result = await decryptToString({ ...encrypted, sessionSigs }, client);
    assert.equal(result, plaintext);
    return DECRYPTS;
  } catch (error) {
    const litError = litErrorOf(error);
    assert.ok(litError, `no Lit error code in: ${error && error.message}`);
    return litError.errorCode;
  }
}

const recorded = [];
const expected = WRITE ? null : JSON.parse(fs.readFileSync(VECTOR_FILE, 'utf8'));

let client;
let ownerSigs;
let strangerSigs;
test.before(async () => {
  client = await connectedClient();
  ownerSigs = await seedGuideSessionSigs(client, OWNER);
  strangerSigs = await seedGuideSessionSigs(client, STRANGER);
});
test.after(async () => {
  if (client) await client.disconnect();
  if (WRITE) {
    const file = {
      sdk: { '@lit-protocol/lit-node-client': '7.4.0', '@lit-protocol/encryption': '7.4.0' },
      recipe:
        'interop/js/test/conditions.test.js with SIGIL_WRITE_WIRE_VECTORS=1: encryptString({[key]: input}) then ' +
        'decryptToString through sigil devnet; body = the exact text the SDK posted to /web/encryption/sign/ ' +
        '(one node\'s, with its session sig and epoch); hashOfConditions = client.getHashedAccessControlConditions; ' +
        'identity = the identity the SDK encrypted to',
      cases: recorded,
    };
    fs.writeFileSync(VECTOR_FILE, JSON.stringify(file, null, 2) + '\n');
  }
});

for (const c of CASES) {
  test(`${c.name}: SDK bytes on the wire, owner ${c.owner}, stranger ${c.stranger}`, async () => {
    const plaintext = `interop conditions: ${c.name}`;
    let identity;
    const realIdentity = client._getIdentityParamForEncryption;
    client._getIdentityParamForEncryption = (...args) => (identity = realIdentity(...args));
    let encrypted;
    try {
      const { ciphertext, dataToEncryptHash } = await encryptString({ [c.key]: c.conditions, dataToEncrypt: plaintext }, client);
      encrypted = { [c.key]: c.conditions, ciphertext, dataToEncryptHash, chain: 'ethereum' };
    } finally {
      client._getIdentityParamForEncryption = realIdentity;
    }
    const hashOfConditions = Buffer.from(await client.getHashedAccessControlConditions({ [c.key]: c.conditions })).toString('hex');
    assert.equal(identity, `lit-accesscontrolcondition://${hashOfConditions}/${encrypted.dataToEncryptHash}`);

    const { outcome: owner, bodies } = await capturingEncryptionSignBodies(() =>
      decryptOutcome(client, encrypted, ownerSigs, plaintext)
    );
    assert.equal(owner, c.owner, 'owner');
    assert.equal(await decryptOutcome(client, encrypted, strangerSigs, plaintext), c.stranger, 'stranger');

    assert.equal(bodies.length, client.connectedNodes.size, 'one request per node');
    const body = bodies[0];
    const parsed = JSON.parse(body);
    const keys = Object.keys(parsed).filter((k) => k !== 'epoch');
    assert.deepEqual(keys, [c.key, 'dataToEncryptHash', 'chain', 'authSig']);
    const wireConditions = JSON.stringify(parsed[c.key]);
    assert.ok(!wireConditions.includes('conditionType'), 'the SDK drops conditionType on the wire');
    for (const other of bodies) assert.equal(JSON.stringify(JSON.parse(other)[c.key]), wireConditions);

    const record = {
      name: c.name,
      key: c.key,
      input: c.conditions,
      wireConditions,
      body,
      dataToEncryptHash: encrypted.dataToEncryptHash,
      hashOfConditions,
      identity,
      owner: c.owner,
      stranger: c.stranger,
    };
    if (WRITE) {
      recorded.push(record);
      return;
    }
    const vector = expected.cases.find((v) => v.name === c.name);
    assert.ok(vector, `${c.name} is in ${VECTOR_FILE}: rerun with SIGIL_WRITE_WIRE_VECTORS=1`);
    // The bytes that do not depend on this run's session are the vector's, exactly.
    for (const field of ['key', 'input', 'wireConditions', 'dataToEncryptHash', 'hashOfConditions', 'identity']) {
      assert.deepEqual(record[field], vector[field], field);
    }
    assert.ok(vector.body.startsWith(`{${JSON.stringify(c.key)}:${wireConditions},`), 'vector body');
  });
}

test('the vector file has every case and nothing else', { skip: WRITE }, () => {
  assert.deepEqual(expected.cases.map((v) => v.name), CASES.map((c) => c.name));
});
