// Shared helpers for the interop suite: the official Lit JS SDK v7, configured for a local
// network exactly as a user would configure it for `sigil devnet` (see README).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

// The SDK logs to the console on every call; keep the test output readable.
for (const level of ['log', 'info', 'debug', 'warn']) console[level] = () => {};

const { ethers } = require('ethers');
const { LIT_ABILITY, NETWORK_CONTEXT_BY_NETWORK } = require('@lit-protocol/constants');
const {
  createSiweMessage,
  generateAuthSig,
  LitAccessControlConditionResource,
} = require('@lit-protocol/auth-helpers');
const { LitNodeClient } = require('@lit-protocol/lit-node-client');

const RPC_URL = mustEnv('SIGIL_RPC_URL');
const STAKING_ADDRESS = mustEnv('SIGIL_STAKING_ADDRESS');
const SIGIL_BIN = mustEnv('SIGIL_BIN');
const NODE_COUNT = Number(mustEnv('SIGIL_NODE_COUNT'));

// The ABI bundled in contracts-sdk lacks getActiveUnkickedValidatorStructsAndCounts, so a
// custom network passes the datil-dev Staking ABI from @lit-protocol/constants.
const STAKING_ABI = NETWORK_CONTEXT_BY_NETWORK['datil-dev'].data.find((c) => c.name === 'Staking')
  .contracts[0].ABI;

function mustEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite through interop/js/run.sh`);
  return value;
}

/** A fresh, connected client: the SDK trusts the handshake block hash for only 30 s. */
async function connectedClient({ rpcUrl = RPC_URL } = {}) {
  const client = new LitNodeClient({
    litNetwork: 'custom',
    rpcUrl,
    contractContext: { Staking: { address: STAKING_ADDRESS, abi: STAKING_ABI } },
    checkNodeAttestation: false,
    debug: false,
    connectTimeout: 10000,
  });
  await client.connect();
  return client;
}

/** The seed guide's getSessionSigs call, verbatim apart from the wallet and expiry inputs. */
async function seedGuideSessionSigs(
  client,
  wallet,
  { expiration, capacityDelegationAuthSig, resource, resourceAbilityRequests } = {},
) {
  return client.getSessionSigs({
    chain: 'ethereum',
    expiration: expiration ?? new Date(Date.now() + 1000 * 60 * 10).toISOString(),
    capacityDelegationAuthSig,
    // The seed guide's request (decryption) unless the caller asks for others.
    resourceAbilityRequests: resourceAbilityRequests ?? [
      {
        resource: new LitAccessControlConditionResource(resource ?? '*'),
        ability: LIT_ABILITY.AccessControlConditionDecryption,
      },
    ],
    authNeededCallback: async ({ uri, expiration, resourceAbilityRequests }) => {
      const toSign = await createSiweMessage({
        uri,
        expiration,
        resources: resourceAbilityRequests,
        walletAddress: await wallet.getAddress(),
        nonce: await client.getLatestBlockhash(),
        litNodeClient: client,
      });
      return await generateAuthSig({ signer: wallet, toSign });
    },
  });
}

/** The signature-only condition: only `address` may decrypt. */
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

/** Runs the sigil CLI; returns {status, stdout, stderr}. */
function sigil(args, { env = {}, input } = {}) {
  const result = spawnSync(SIGIL_BIN, args, {
    env: { ...process.env, ...env },
    input,
    encoding: 'utf8',
    timeout: 60000,
  });
  if (result.error) throw result.error;
  return result;
}

function tempFile(name, contents) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigil-interop-'));
  const file = path.join(dir, name);
  if (contents !== undefined) fs.writeFileSync(file, contents);
  return file;
}

/** One JSON-RPC call to a devnet's chain. */
async function rpc(method, params, { rpcUrl = RPC_URL } = {}) {
  const response = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = await response.json();
  if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.result;
}

const DEV_MNEMONIC = 'test test test test test test test test test test test junk';

/**
 * Mints a capacity credit for `owner` as a Lit user does: contracts-sdk `LitContracts`
 * (customContext = the devnet's network-context.json) `mintCapacityCreditsNFT`, paid by
 * `owner`, whom anvil's dev account 9 first sends gas money. Returns the token id (decimal).
 */
async function mintCapacityCredits(owner, { rpcUrl, context, requestsPerKilosecond = 100 }) {
  const { LitContracts } = require('@lit-protocol/contracts-sdk');
  const provider = new ethers.providers.StaticJsonRpcProvider(rpcUrl);
  provider.pollingInterval = 100;
  const funder = ethers.Wallet.fromMnemonic(DEV_MNEMONIC, "m/44'/60'/0'/0/9").connect(provider);
  await (await funder.sendTransaction({ to: owner.address, value: ethers.utils.parseEther('1') })).wait();
  const litContracts = new LitContracts({
    signer: owner.connect(provider),
    network: 'custom',
    customContext: JSON.parse(fs.readFileSync(context, 'utf8')),
    rpc: rpcUrl,
    debug: false,
  });
  await litContracts.connect();
  const { capacityTokenIdStr } = await litContracts.mintCapacityCreditsNFT({
    requestsPerKilosecond,
    daysUntilUTCMidnightExpiration: 1,
  });
  return capacityTokenIdStr;
}

/** A PKP minted by dev account `index` through LitContracts on the open devnet (mintNext: the
 * minter owns it), with the LitContracts instance that minted it. */
async function mintedPkp(index) {
  const { LitContracts } = require('@lit-protocol/contracts-sdk');
  const context = JSON.parse(fs.readFileSync(mustEnv('SIGIL_CONTEXT'), 'utf8'));
  const provider = new ethers.providers.StaticJsonRpcProvider(RPC_URL);
  provider.pollingInterval = 100;
  const minter = ethers.Wallet.fromMnemonic(DEV_MNEMONIC, `m/44'/60'/0'/0/${index}`).connect(provider);
  const litContracts = new LitContracts({
    signer: minter,
    network: 'custom',
    customContext: context,
    rpc: RPC_URL,
    debug: false,
  });
  await litContracts.connect();
  const { pkp } = await litContracts.pkpNftContractUtils.write.mint();
  return { minter, pkp, provider, litContracts };
}

/** Retries `attempt` while it fails with `errorCode` (e.g. until the nodes' chain index has a
 * new credit, within a poll of the chain), for at most 15 s. */
async function retryWhile(errorCode, attempt) {
  const deadline = Date.now() + 15000;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      const lit = litErrorOf(error);
      if (!lit || lit.errorCode !== errorCode || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** The Lit error the SDK surfaced, as {errorCode, status, ...}, whatever wrapper it used. */
function litErrorOf(error) {
  const seen = new Set();
  const queue = [error];
  while (queue.length) {
    const e = queue.shift();
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    if (typeof e.errorCode === 'string' && e.errorCode !== '') return e;
    for (const key of ['info', 'cause', 'details', 'error', 'errorObject', 'response']) queue.push(e[key]);
    if (Array.isArray(e)) queue.push(...e);
    if (Array.isArray(e.details)) queue.push(...e.details);
  }
  return null;
}

module.exports = {
  ethers,
  LIT_ABILITY,
  NODE_COUNT,
  RPC_URL,
  connectedClient,
  seedGuideSessionSigs,
  onlyAddress,
  sigil,
  tempFile,
  rpc,
  mintCapacityCredits,
  retryWhile,
  litErrorOf,
  mintedPkp,
};
