// In-process timings of the official Lit JS SDK v7, the JS side of scripts/bench-compare.
// No network: getSessionSigs runs with its connection state set by hand, as
// ../../../shared/jsref/vectors.js does. Prints one JSON object per line:
//   {"name": "...", "meanNs": <mean per operation>, "iterations": <count>}
// Usage: node js-bench.js [--quick]
'use strict';
for (const level of ['log', 'info', 'debug', 'warn']) console[level] = () => {};
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');

const { ethers } = require('ethers');
const { SiweMessage } = require('siwe');
const nacl = require('tweetnacl');
const { LIT_ABILITY, LIT_NETWORK } = require('@lit-protocol/constants');
const {
  createSiweMessage,
  generateAuthSig,
  LitAccessControlConditionResource,
} = require('@lit-protocol/auth-helpers');
const { LitNodeClientNodeJs } = require('@lit-protocol/lit-node-client-nodejs');

const quick = process.argv.includes('--quick');
const BUDGET_MS = quick ? 400 : 2000;
// The same fixed inputs as the session-sig vectors, so both sides sign the same bytes.
const WALLET_PRIVATE_KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const SEED = Buffer.from('01'.repeat(32), 'hex');
const NONCE = '0x8e2e8d2a1d3f4c5b6a79881726354453627180900a0b0c0d0e0f101112131415';

function sessionKey() {
  const kp = nacl.sign.keyPair.fromSeed(SEED);
  return { publicKey: Buffer.from(kp.publicKey).toString('hex'), secretKey: Buffer.from(kp.secretKey).toString('hex') };
}

function offlineClient(nodeCount) {
  const client = new LitNodeClientNodeJs({ litNetwork: LIT_NETWORK.Custom, debug: false });
  client.ready = true;
  client.connectedNodes = new Set(Array.from({ length: nodeCount }, (_, i) => `http://127.0.0.1:${7470 + i}`));
  client.latestBlockhash = NONCE;
  client.lastBlockHashRetrieved = Date.now() + 1e12; // never stale during the run
  return client;
}

async function measure(name, fn) {
  await fn(); // warm-up
  let iterations = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(BUDGET_MS) * 1000000n;
  let now = start;
  while (now < deadline || iterations < 3) {
    await fn();
    iterations += 1;
    now = process.hrtime.bigint();
  }
  out({ name, meanNs: Number(now - start) / iterations, iterations });
}

async function main() {
  const wallet = new ethers.Wallet(WALLET_PRIVATE_KEY);
  const key = sessionKey();
  let lastSessionSigs;
  for (const nodes of [3, 10, 100]) {
    const client = offlineClient(nodes);
    await measure(`session_sigs_${nodes}`, async () => {
      lastSessionSigs = await client.getSessionSigs({
        chain: 'ethereum',
        expiration: new Date(Date.now() + 10 * 60 * 1000).toISOString(),
        sessionKey: key,
        resourceAbilityRequests: [
          { resource: new LitAccessControlConditionResource('*'), ability: LIT_ABILITY.AccessControlConditionDecryption },
        ],
        authNeededCallback: async ({ uri, expiration, resourceAbilityRequests }) => {
          const toSign = await createSiweMessage({
            uri,
            expiration,
            resources: resourceAbilityRequests,
            walletAddress: wallet.address,
            nonce: NONCE,
            litNodeClient: client,
          });
          return generateAuthSig({ signer: wallet, toSign });
        },
      });
    });
  }

  // What the JS SDK does to validate a session client-side: the SIWE (EOA signature, times)
  // and the session key's ed25519 signature.
  const sessionSig = Object.values(lastSessionSigs)[0];
  const walletSig = JSON.parse(sessionSig.signedMessage).capabilities.at(-1);
  const message = Buffer.from(sessionSig.signedMessage, 'utf8');
  const signature = Buffer.from(sessionSig.sig, 'hex');
  const publicKey = Buffer.from(sessionSig.address, 'hex');
  await measure('verify_client', async () => {
    const siwe = new SiweMessage(walletSig.signedMessage);
    const result = await siwe.verify({ signature: walletSig.sig }, { suppressExceptions: true });
    if (!result.success) throw new Error('siwe verify failed');
    if (!nacl.sign.detached.verify(message, signature, publicKey)) throw new Error('ed25519 verify failed');
  });
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(String(error && error.stack) + '\n');
    process.exit(1);
  }
);
