// The JS side of scripts/bench-compare: the official Lit JS SDK v7, timed.
//
// Default mode, in-process, no network: getSessionSigs runs with its connection state set by
// hand (the fields connect() would fill). Prints one JSON object per line:
//   {"name": "...", "meanNs": <mean per operation>, "iterations": <count>}
//
// --decrypt mode, against a running network (sigil devnet or `sigil-bench chain` + nodes):
// each client has its own LitNodeClient, wallet, ciphertext and session sigs, made before
// timing; then for each client count, that many concurrent decryptToString loops run for the
// given seconds. Prints {"name": "decrypt_c<N>", "meanNs", "iterations", "p50Ns", "p99Ns",
// "perSecond", "clients"} per count (meanNs, p50Ns, p99Ns: latency of one decryptToString).
//
// --pkp-sessions mode, against a running network (`sigil-bench pkp-sessions` starts one and
// runs this): getPkpSessionSigs for a PKP its owner (key in BENCH_WALLET_KEY) proves with an
// EthWallet auth method made once before timing, one request after another. Prints
// {"name": "pkp_session_sigs_js", "meanNs", "iterations", "p50Ns", "p99Ns", "clients": 1}.
//
// Usage: node js-bench.js [--quick]
//        node js-bench.js --decrypt --rpc-url URL [--clients 1,8,32] [--seconds 5]
//                         [--staking-address 0x...]
//        node js-bench.js --pkp-sessions --rpc-url URL --pkp-pubkey 0x04... [--iterations 40]
//                         [--staking-address 0x...]
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
const argValue = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
};
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

/** The signature-only condition: only `address` may decrypt (as the interop suite's). */
function onlyAddress(address) {
  return [
    {
      contractAddress: '',
      standardContractType: '',
      chain: 'ethereum',
      method: '',
      parameters: [':userAddress'],
      returnValueTest: { comparator: '=', value: address },
    },
  ];
}

/** Nearest-rank percentile of ascending `sorted`, as `sigil-bench` computes it (there to three significant figures). */
function percentile(sorted, p) {
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

async function decryptMain() {
  const { encryptString, decryptToString } = require('@lit-protocol/encryption');
  if (!argValue('--rpc-url')) throw new Error('--decrypt needs --rpc-url');
  const clientCounts = argValue('--clients', '1,8,32').split(',').map(Number);
  const seconds = Number(argValue('--seconds', '5'));
  if (!clientCounts.every((n) => Number.isInteger(n) && n > 0) || !(seconds > 0)) {
    throw new Error('--clients must be positive integers and --seconds positive');
  }

  const users = [];
  for (let index = 0; index < Math.max(...clientCounts); index += 1) {
    const client = await customNetworkClient();
    const wallet = ethers.Wallet.createRandom();
    const accessControlConditions = onlyAddress(wallet.address);
    const plaintext = `js bench secret #${index}`;
    const { ciphertext, dataToEncryptHash } = await encryptString(
      { accessControlConditions, dataToEncrypt: plaintext },
      client
    );
    // The seed guide's getSessionSigs call.
    const sessionSigs = await client.getSessionSigs({
      chain: 'ethereum',
      expiration: new Date(Date.now() + 60 * 60 * 1000).toISOString(),
      resourceAbilityRequests: [
        { resource: new LitAccessControlConditionResource('*'), ability: LIT_ABILITY.AccessControlConditionDecryption },
      ],
      authNeededCallback: async ({ uri, expiration, resourceAbilityRequests }) => {
        const toSign = await createSiweMessage({
          uri,
          expiration,
          resources: resourceAbilityRequests,
          walletAddress: wallet.address,
          nonce: await client.getLatestBlockhash(),
          litNodeClient: client,
        });
        return generateAuthSig({ signer: wallet, toSign });
      },
    });
    users.push({ client, accessControlConditions, ciphertext, dataToEncryptHash, sessionSigs, plaintext });
  }

  const decryptOnce = async (user) => {
    const decrypted = await decryptToString(
      {
        accessControlConditions: user.accessControlConditions,
        ciphertext: user.ciphertext,
        dataToEncryptHash: user.dataToEncryptHash,
        chain: 'ethereum',
        sessionSigs: user.sessionSigs,
      },
      user.client
    );
    if (decrypted !== user.plaintext) throw new Error(`decrypted ${JSON.stringify(decrypted)}`);
  };
  for (const user of users) await decryptOnce(user); // warm-up

  for (const clients of clientCounts) {
    const latencies = [];
    const start = process.hrtime.bigint();
    const deadline = start + BigInt(Math.round(seconds * 1e9));
    await Promise.all(
      users.slice(0, clients).map(async (user) => {
        while (process.hrtime.bigint() < deadline) {
          const sent = process.hrtime.bigint();
          await decryptOnce(user);
          latencies.push(Number(process.hrtime.bigint() - sent));
        }
      })
    );
    const wallNs = Number(process.hrtime.bigint() - start);
    latencies.sort((a, b) => a - b);
    out({
      name: `decrypt_c${clients}`,
      meanNs: latencies.reduce((sum, l) => sum + l, 0) / latencies.length,
      iterations: latencies.length,
      p50Ns: percentile(latencies, 50),
      p99Ns: percentile(latencies, 99),
      perSecond: latencies.length / (wallNs / 1e9),
      clients,
    });
  }
  for (const user of users) await user.client.disconnect();
}

/** A client of the custom network at --rpc-url, connected as a user of `sigil devnet` connects. */
async function customNetworkClient() {
  const { LitNodeClient } = require('@lit-protocol/lit-node-client');
  const { NETWORK_CONTEXT_BY_NETWORK } = require('@lit-protocol/constants');
  const rpcUrl = argValue('--rpc-url');
  if (!rpcUrl) throw new Error('--rpc-url is needed');
  // The ABI bundled in contracts-sdk lacks getActiveUnkickedValidatorStructsAndCounts, so a
  // custom network passes the datil-dev Staking ABI (as the interop suite does).
  const stakingAbi = NETWORK_CONTEXT_BY_NETWORK['datil-dev'].data.find((c) => c.name === 'Staking').contracts[0].ABI;
  const client = new LitNodeClient({
    litNetwork: 'custom',
    rpcUrl,
    contractContext: {
      Staking: { address: argValue('--staking-address', '0x5FbDB2315678afecb367f032d93F642f64180aa3'), abi: stakingAbi },
    },
    checkNodeAttestation: false,
    debug: false,
    connectTimeout: 20000,
  });
  await client.connect();
  return client;
}

async function pkpSessionsMain() {
  const { LitPKPResource } = require('@lit-protocol/auth-helpers');
  const pkpPublicKey = argValue('--pkp-pubkey');
  const iterations = Number(argValue('--iterations', '40'));
  if (!pkpPublicKey || !process.env.BENCH_WALLET_KEY || !(iterations > 0)) {
    throw new Error('--pkp-pubkey, BENCH_WALLET_KEY and a positive --iterations are needed');
  }
  const owner = new ethers.Wallet(process.env.BENCH_WALLET_KEY);
  const client = await customNetworkClient();
  // As the SDK's EthWalletProvider.authenticate makes it outside a browser.
  const toSign = new SiweMessage({
    domain: 'localhost',
    uri: 'http://localhost',
    address: owner.address,
    version: '1',
    chainId: 1,
    expirationTime: new Date(Date.now() + 24 * 60 * 60 * 1000).toISOString(),
    nonce: await client.getLatestBlockhash(),
  }).prepareMessage();
  const authSig = await generateAuthSig({ signer: owner, toSign });
  const params = () => ({
    pkpPublicKey,
    authMethods: [{ authMethodType: 1, accessToken: JSON.stringify(authSig) }],
    resourceAbilityRequests: [{ resource: new LitPKPResource('*'), ability: LIT_ABILITY.PKPSigning }],
  });
  await client.getPkpSessionSigs(params()); // warm-up
  const latencies = [];
  for (let i = 0; i < iterations; i += 1) {
    const start = process.hrtime.bigint();
    await client.getPkpSessionSigs(params());
    latencies.push(Number(process.hrtime.bigint() - start));
  }
  latencies.sort((a, b) => a - b);
  out({
    name: 'pkp_session_sigs_js',
    meanNs: latencies.reduce((sum, ns) => sum + ns, 0) / latencies.length,
    iterations: latencies.length,
    p50Ns: percentile(latencies, 50),
    p99Ns: percentile(latencies, 99),
    clients: 1,
  });
  await client.disconnect();
}

const mode = process.argv.includes('--decrypt')
  ? decryptMain
  : process.argv.includes('--pkp-sessions')
    ? pkpSessionsMain
    : main;
mode().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(String(error && error.stack) + '\n');
    process.exit(1);
  }
);
