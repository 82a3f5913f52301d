// Makes tests/vectors/pkp-session-sigs.json: the official JS SDK 7.4.0 (LitNodeClient,
// unchanged) runs getPkpSessionSigs and getLitActionSessionSigs against three mock nodes that
// answer POST /web/sign_session_key/v1 with valid BLS shares (a 2-of-3 split of a fixed network
// key, made with @noble/curves), and every request body is recorded byte for byte, with the
// session sigs the SDK builds from the combined signature.
//
// Usage: in a directory where @lit-protocol/lit-node-client-nodejs, auth-helpers, constants
// and crypto 7.4.0, ethers 5, tweetnacl and @noble/curves are installed:
//   node mock-pkp-session-sigs.js > pkp-session-sigs.json
// Env: MODE=ok (default) | one-fails | all-fail-401 | bad-share | wrong-netkey
// Deterministic apart from X-Request-Id and the handshake challenge: fixed clock, wallet key,
// PKP key, ed25519 session seed, BLS key and Shamir coefficient.
'use strict';

// ---------- fixed clock (before the SDK loads) ----------
const FIXED_NOW_ISO = '2025-01-01T00:00:00.000Z';
const FIXED_NOW_MS = Date.parse(FIXED_NOW_ISO);
const RealDate = Date;
class FixedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(FIXED_NOW_MS);
    else super(...args);
  }
  static now() {
    return FIXED_NOW_MS;
  }
}
global.Date = FixedDate;

const http = require('http');
const nodeCrypto = require('crypto');
for (const l of ['log', 'warn', 'info', 'debug']) console[l] = () => {};

const { ethers } = require('ethers');
const { bls12_381: bls } = require('@noble/curves/bls12-381');
const { LIT_ABILITY, NETWORK_CONTEXT_BY_NETWORK, AUTH_METHOD_TYPE } = require('@lit-protocol/constants');
const { createSiweMessage, generateAuthSig, LitPKPResource, LitActionResource } = require('@lit-protocol/auth-helpers');
const { LitNodeClient } = require('@lit-protocol/lit-node-client');
const { nacl } = require('@lit-protocol/nacl');
const { uint8arrayToString } = require('@lit-protocol/uint8arrays');

const STAKING_ABI = NETWORK_CONTEXT_BY_NETWORK['datil-dev'].data.find((x) => x.name === 'Staking').contracts[0].ABI;
const MODE = process.env.MODE || 'ok';
const NODE_PORTS = [7470, 7471, 7472];
const RPC_PORT = 9545;
const STAKING_ADDRESS = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const BLOCKHASH = '0x8e2e8d2a1d3f4c5b6a79881726354453627180900a0b0c0d0e0f101112131415';
const WALLET_PRIVATE_KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const PKP_PRIVATE_KEY = '0x' + '22'.repeat(32); // stands in for the PKP's key; only its public key is used
const SESSION_KEY_SEED_HEX = '01'.repeat(32);
const EXPIRATION = '2025-01-01T00:10:00.000Z';

// ---------- BLS network key: sk, 2-of-3 shares f(x) = sk + A1*x ----------
const R = bls.fields.Fr.ORDER;
const BLS_SK = BigInt('0x' + '11'.repeat(32)) % R;
const A1 = 0x1234567890abcdefn;
const BLS_PK_HEX = Buffer.from(bls.G1.ProjectivePoint.BASE.multiply(BLS_SK).toRawBytes(true)).toString('hex');
const DST = 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';
// The 32 bytes the SDK verifies the combined signature over (validate-bls-session-sig.js).
function sessionDigest(siweText) {
  const eip191 = ethers.utils.hashMessage(siweText).slice(2);
  return nodeCrypto.createHash('sha256').update('lit_session:' + eip191, 'utf8').digest();
}
function signShare(index1, msg) {
  const ski = (BLS_SK + A1 * BigInt(index1)) % R;
  const pt = bls.G2.hashToCurve(msg, { DST }).multiply(ski);
  return Buffer.concat([Buffer.from([index1]), Buffer.from(pt.toRawBytes(true))]).toString('hex');
}

const seen = [];
const readBody = (req) => new Promise((r) => { let b = ''; req.on('data', (c) => (b += c)); req.on('end', () => r(b)); });

// ---------- mock chain RPC (as mock-e2e.js) ----------
const iface = new ethers.utils.Interface(STAKING_ABI);
const ipToInt = (ip) => ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
const rpcServer = http.createServer(async (req, res) => {
  const body = JSON.parse(await readBody(req));
  const calls = Array.isArray(body) ? body : [body];
  const answers = calls.map((c) => {
    let result;
    if (c.method === 'eth_chainId') result = '0x2ac54';
    else if (c.method === 'net_version') result = '175188';
    else if (c.method === 'eth_blockNumber') result = '0x1';
    else if (c.method === 'eth_call' && c.params[0].data.startsWith(iface.getSighash('getActiveUnkickedValidatorStructsAndCounts'))) {
      const now = Math.floor(Date.now() / 1000);
      result = iface.encodeFunctionResult('getActiveUnkickedValidatorStructsAndCounts', [
        [3600, 5, now + 3000, 0, 60], 2,
        NODE_PORTS.map((p, i) => [ipToInt('127.0.0.1'), 0, p, ethers.utils.getAddress('0x' + String(i + 1).padStart(40, '0')), 0, 0, 0]),
      ]);
    } else return { jsonrpc: '2.0', id: c.id, error: { code: -32601, message: 'unmocked ' + c.method } };
    return { jsonrpc: '2.0', id: c.id, result };
  });
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify(Array.isArray(body) ? answers : answers[0]));
});

// ---------- mock nodes ----------
function makeNode(port, index1) {
  return http.createServer(async (req, res) => {
    const raw = await readBody(req);
    const body = raw ? JSON.parse(raw) : null;
    if (req.url !== '/web/handshake/') seen.push({ to: `node:${port}`, method: req.method, url: req.url, headers: req.headers, rawBody: raw, body });
    res.setHeader('Content-Type', 'application/json');
    if (req.url === '/web/handshake/') {
      res.end(JSON.stringify({
        serverPublicKey: 'serverPubKey-' + port, subnetPublicKey: BLS_PK_HEX,
        // wrong-netkey: a valid G1 point that is not the signing key, so the client-side check fails
        networkPublicKey: MODE === 'wrong-netkey' ? Buffer.from(bls.G1.ProjectivePoint.BASE.multiply(7n).toRawBytes(true)).toString('hex') : BLS_PK_HEX,
        networkPublicKeySet: BLS_PK_HEX, hdRootPubkeys: ['02' + 'b'.repeat(64)], latestBlockhash: BLOCKHASH,
        nodeVersion: '0.0.0-mock', nodeIdentityKey: '', epoch: 5,
      }));
      return;
    }
    if (req.url === '/web/sign_session_key/v1') {
      const fail401 = MODE === 'all-fail-401' || (MODE === 'one-fails' && index1 === 3);
      if (fail401) {
        res.statusCode = 401;
        res.end(JSON.stringify({
          errorKind: 'Validation', errorCode: 'NodePKPNotAuthorized', status: 401,
          message: 'PKP validation failed', correlationId: 'lit_mock', details: ['auth method not permitted'],
        }));
        return;
      }
      const digest = sessionDigest(body.siweMessage);
      let share = signShare(index1, digest);
      if (MODE === 'bad-share') share = share.slice(0, -2) + (share.slice(-2) === '00' ? '01' : '00');
      res.end(JSON.stringify({
        result: 'success', signatureShare: { ProofOfPossession: share }, shareIndex: index1 - 1,
        curveType: 'BLS', siweMessage: body.siweMessage, dataSigned: digest.toString('hex'), blsRootPubkey: BLS_PK_HEX,
      }));
      return;
    }
    res.statusCode = 404;
    res.end(JSON.stringify({ errorKind: 'Mock', message: 'not mocked' }));
  });
}
const listen = (s, p) => new Promise((r) => s.listen(p, '127.0.0.1', r));

function errInfo(e) {
  return e && { name: e.name, message: e.message, kind: e.kind, errorCode: e.errorCode ?? e.code, info: e.info,
    cause: e.cause && { name: e.cause.name, message: e.cause.message, info: e.cause.info, cause: e.cause.cause } };
}

async function main() {
  await listen(rpcServer, RPC_PORT);
  const nodes = NODE_PORTS.map((p, i) => makeNode(p, i + 1));
  await Promise.all(nodes.map((s, i) => listen(s, NODE_PORTS[i])));
  const client = new LitNodeClient({
    litNetwork: 'custom', rpcUrl: `http://127.0.0.1:${RPC_PORT}`,
    contractContext: { Staking: { address: STAKING_ADDRESS, abi: STAKING_ABI } },
    checkNodeAttestation: false, debug: false, connectTimeout: 10000,
  });
  await client.connect();

  const kp = nacl.sign.keyPair.fromSeed(Buffer.from(SESSION_KEY_SEED_HEX, 'hex'));
  const sessionKey = { publicKey: uint8arrayToString(kp.publicKey, 'base16'), secretKey: uint8arrayToString(kp.secretKey, 'base16') };
  const wallet = new ethers.Wallet(WALLET_PRIVATE_KEY);
  const pkpPublicKey = new ethers.utils.SigningKey(PKP_PRIVATE_KEY).publicKey; // 0x04… (65 bytes)
  // EthWallet auth method, as Lit's docs build it (wallet SIWE, uri = session key uri not required).
  const walletAuthSig = await generateAuthSig({
    signer: wallet,
    toSign: await createSiweMessage({ walletAddress: wallet.address, nonce: BLOCKHASH, expiration: EXPIRATION, litNodeClient: client }),
  });
  const authMethods = [{ authMethodType: AUTH_METHOD_TYPE.EthWallet, accessToken: JSON.stringify(walletAuthSig) }];
  const out = { mode: MODE, blsNetworkPublicKey: BLS_PK_HEX, pkpPublicKey, pkpEthAddress: ethers.utils.computeAddress(pkpPublicKey),
    sessionKeyPublic: sessionKey.publicKey, walletAuthSig, cases: {} };

  const run = async (name, fn) => {
    const start = seen.length;
    try { const sigs = await fn(); out.cases[name] = { ok: true, sessionSigs: sigs }; } catch (e) { out.cases[name] = { ok: false, error: errInfo(e) }; }
    out.cases[name].requests = seen.slice(start);
  };
  const pkpReq = [{ resource: new LitPKPResource('*'), ability: LIT_ABILITY.PKPSigning }];
  await run('getPkpSessionSigs', () => client.getPkpSessionSigs({
    pkpPublicKey: pkpPublicKey.slice(2), // deliberately without 0x: the SDK adds it
    authMethods, sessionKey, expiration: EXPIRATION, resourceAbilityRequests: pkpReq,
  }));
  const code = `(async () => { LitActions.setResponse({ response: "true" }); })();`;
  await run('getLitActionSessionSigs', () => client.getLitActionSessionSigs({
    pkpPublicKey, authMethods: [], sessionKey, expiration: EXPIRATION,
    resourceAbilityRequests: [...pkpReq, { resource: new LitActionResource('*'), ability: LIT_ABILITY.LitActionExecution }],
    litActionCode: Buffer.from(code).toString('base64'),
    jsParams: { publicKey: pkpPublicKey, sigName: 'sig1' },
  }));
  for (const c of Object.values(out.cases)) {
    if (!c.ok) continue;
    const ss = Object.values(c.sessionSigs)[0];
    const cap = JSON.parse(ss.signedMessage).capabilities.at(-1);
    c.capability = cap;
    c.capabilityDigestHex = sessionDigest(cap.signedMessage).toString('hex');
    c.combinedEqualsFullKeySig = JSON.parse(cap.sig).ProofOfPossession ===
      Buffer.from(bls.G2.hashToCurve(sessionDigest(cap.signedMessage), { DST }).multiply(BLS_SK).toRawBytes(true)).toString('hex');
  }
  await client.disconnect();
  rpcServer.close(); nodes.forEach((n) => n.close());
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  process.exit(0);
}
main().catch((e) => { process.stderr.write(String(e && e.stack || e) + '\n'); process.exit(1); });
