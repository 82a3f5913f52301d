// Makes chain-auth-sigs.json: a Solana and two Cosmos AuthSigs built exactly as the JS SDK
// 7.4.0's auth-browser builds them (packages/auth-browser/src/lib/chains/sol.ts and cosmos.ts),
// with fixed keys and a fixed time standing in for the browser wallet:
// - Solana (`solana.signMessage`): the wallet's ed25519 signature of the UTF-8 body, lowercase
//   hex; the address is the public key in base58.
// - Cosmos (`cosmos.signArbitrary`, ADR-36 as Keplr signs it): the amino sign doc with the body
//   base64 in `data`, keys sorted recursively, SHA-256; the wallet's secp256k1 signature of that
//   digest, r‖s in base64; signedMessage is the digest in lowercase hex; the address is bech32
//   of RIPEMD-160(SHA-256(compressed public key)).
//
// Usage (in interop/js, whose node_modules hold ethers 5, tweetnacl and bech32):
//   node ../../crates/sigil-auth/tests/vectors/make-chain-auth-sigs.js > ../../crates/sigil-auth/tests/vectors/chain-auth-sigs.json
'use strict';
const path = require('node:path');
const modules = path.join(process.cwd(), 'node_modules');
const { ethers } = require(path.join(modules, 'ethers'));
const nacl = require(path.join(modules, 'tweetnacl'));
const { bech32 } = require(path.join(modules, 'bech32'));

// The SDK's AUTH_SIGNATURE_BODY with a fixed timestamp.
const BODY = 'I am creating an account to use Lit Protocol at 2025-01-01T00:00:00.000Z';

function solana() {
  const keys = nacl.sign.keyPair.fromSeed(Buffer.alloc(32, 7));
  const signature = nacl.sign.detached(Buffer.from(BODY, 'utf8'), keys.secretKey);
  return {
    sig: Buffer.from(signature).toString('hex'),
    derivedVia: 'solana.signMessage',
    signedMessage: BODY,
    address: ethers.utils.base58.encode(keys.publicKey),
  };
}

function sortedObject(value) {
  if (Array.isArray(value)) return value.map(sortedObject);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortedObject(value[key])]));
}

function cosmos(prefix) {
  const key = new ethers.utils.SigningKey('0x' + '42'.repeat(32));
  const compressed = ethers.utils.computePublicKey(key.publicKey, true);
  const account = bech32.encode(prefix, bech32.toWords(ethers.utils.arrayify(
    ethers.utils.ripemd160(ethers.utils.sha256(compressed)))));
  const signDoc = {
    chain_id: '',
    account_number: '0',
    sequence: '0',
    fee: { gas: '0', amount: [] },
    msgs: [{ type: 'sign/MsgSignData', value: { signer: account, data: Buffer.from(BODY, 'utf8').toString('base64') } }],
    memo: '',
  };
  const digest = ethers.utils.sha256(ethers.utils.toUtf8Bytes(JSON.stringify(sortedObject(signDoc))));
  const signature = key.signDigest(digest);
  const rs = ethers.utils.concat([signature.r, signature.s]);
  return {
    sig: Buffer.from(rs).toString('base64'),
    derivedVia: 'cosmos.signArbitrary',
    signedMessage: digest.slice(2),
    address: account,
  };
}

process.stdout.write(JSON.stringify({
  solana: solana(),
  cosmos: cosmos('cosmos'),
  juno: cosmos('juno'),
}, null, 2) + '\n');
