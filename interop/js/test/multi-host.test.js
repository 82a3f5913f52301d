// A network across hosts, driven by the official SDK: anvil, and three `sigil node`
// processes each on its own loopback address (127.0.0.2-4), listed in the Staking contract on
// anvil by the network's operator. The SDK finds them through the network context, the seed flow
// decrypts through them, and a node killed with SIGKILL (kicked by the operator meanwhile) and
// restarted rejoins.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { spawn } = require('node:child_process');
const { LitNodeClient } = require('@lit-protocol/lit-node-client');
const { encryptString, decryptToString } = require('@lit-protocol/encryption');
const { ethers, seedGuideSessionSigs, onlyAddress } = require('./lib');

const RPC_URL = process.env.SIGIL_EVM_RPC_URL;
const SIGIL_BIN = process.env.SIGIL_BIN;
const HOSTS = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];
// anvil's account 3 operates this network (deploys and lists the nodes): public knowledge.
const OPERATOR = ethers.Wallet.fromMnemonic(
  'test test test test test test test test test test test junk',
  "m/44'/60'/0'/0/3"
);

/** Starts `sigil ARGS`; resolves once a stdout line starts with `ready` (the child, the line). */
function start(args, ready, env = {}) {
  const child = spawn(SIGIL_BIN, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sigil ${args[0]} not ready: ${stderr}`)), 30000);
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith(ready)) {
        clearTimeout(timer);
        resolve({ child, line });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sigil ${args[0]} exited (${code}): ${stderr}`));
    });
  });
}

function stop(child, signal = 'SIGINT') {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill(signal);
  });
}

function freePort(host) {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, host, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function decryptThrough(context, wallet) {
  const client = new LitNodeClient({
    litNetwork: 'custom',
    rpcUrl: RPC_URL,
    contractContext: context,
    checkNodeAttestation: false,
    debug: false,
    connectTimeout: 5000,
  });
  await client.connect();
  try {
    const conditions = onlyAddress(wallet.address);
    const { ciphertext, dataToEncryptHash } = await encryptString(
      { accessControlConditions: conditions, dataToEncrypt: 'across hosts' },
      client
    );
    const sessionSigs = await seedGuideSessionSigs(client, wallet);
    const plaintext = await decryptToString(
      { accessControlConditions: conditions, ciphertext, dataToEncryptHash, chain: 'ethereum', sessionSigs },
      client
    );
    assert.equal(plaintext, 'across hosts');
    return [...client.connectedNodes].sort();
  } finally {
    await client.disconnect();
  }
}

test('three nodes on three hosts share one chain; the SDK decrypts through them, a killed node rejoins', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigil-multi-host-'));
  const nodes = [];
  try {
    // Deal the keys and deploy the contracts with a short-lived devnet on anvil.
    const { child: devnet } = await start(
      ['devnet', '--port', '0', '--rpc-port', '0', '--ipfs-port', '0', '--data-dir', dataDir, '--evm-rpc', RPC_URL,
        '--deployer-key-env', 'SIGIL_MULTI_HOST_OPERATOR', '--json'],
      '{',
      { SIGIL_MULTI_HOST_OPERATOR: OPERATOR.privateKey }
    );
    await stop(devnet);
    const context = JSON.parse(fs.readFileSync(path.join(dataDir, 'network-context.json'), 'utf8'));

    // Each node on its own host; the operator lists them in Staking.
    const configs = [];
    const validators = [];
    for (const [index, host] of HOSTS.entries()) {
      const port = await freePort(host);
      const nodeDir = path.join(dataDir, `node-${index}`);
      const config = JSON.parse(fs.readFileSync(path.join(nodeDir, 'config.json'), 'utf8'));
      config.listen = `${host}:${port}`;
      config.externalAddress = `${host}:${port}`;
      const file = path.join(nodeDir, 'host.json');
      fs.writeFileSync(file, JSON.stringify(config));
      configs.push(file);
      validators.push({
        ip: ethers.BigNumber.from(ethers.utils.hexlify(host.split('.').map(Number))),
        ipv6: 0, port, nodeAddress: ethers.Wallet.createRandom().address,
        reward: 0, senderPubKey: 0, receiverPubKey: 0,
      });
    }
    const provider = new ethers.providers.StaticJsonRpcProvider(RPC_URL);
    provider.pollingInterval = 100;
    const staking = new ethers.Contract(context.Staking.address, context.Staking.abi, OPERATOR.connect(provider));
    const stakers = validators.map(() => ethers.Wallet.createRandom().address);
    await (await staking.adminSetValidators(stakers, validators)).wait();

    const startNode = async (index) => (await start(['node', '--config', configs[index]], 'Sigil node ready at ')).child;
    for (const index of HOSTS.keys()) nodes.push(await startNode(index));
    const urls = validators.map((v, i) => `http://${HOSTS[i]}:${v.port}`);
    const wallet = ethers.Wallet.createRandom();
    assert.deepEqual(await decryptThrough(context, wallet), [...urls].sort());

    // Node 0 dies. The SDK needs every listed node to answer its handshake, so it refuses to
    // connect until the operator kicks the dead node, as Lit's network does; then the two left
    // decrypt.
    await stop(nodes[0], 'SIGKILL');
    await assert.rejects(decryptThrough(context, wallet));
    await (await staking.adminKickValidatorInNextEpoch(stakers[0])).wait();
    assert.deepEqual(await decryptThrough(context, wallet), [urls[1], urls[2]].sort());

    // It restarts on its data dir and rejoins; with node 1 gone instead, the decryption needs it.
    nodes[0] = await startNode(0);
    await (await staking.adminRejoinValidator(stakers[0])).wait();
    await stop(nodes[1], 'SIGKILL');
    await (await staking.adminKickValidatorInNextEpoch(stakers[1])).wait();
    assert.deepEqual(await decryptThrough(context, wallet), [urls[0], urls[2]].sort());
  } finally {
    await Promise.all(nodes.map((node) => stop(node)));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
