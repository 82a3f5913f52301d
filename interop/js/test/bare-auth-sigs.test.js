// A wallet's own AuthSig in place of session sigs, as the official SDK 7.4.0's decrypt sends it
// (`authSig`, the same to every node): the nodes check it as Lit's do and decrypt for the
// wallet; a stranger's is refused by the conditions and a changed one with Lit's code. The same
// AuthSig serves `sigil decrypt --auth-sig`. A smart-contract wallet (Sigil's ContractWallet,
// EIP-1271) signs with `derivedVia` `EIP1271` or `EIP1271_SHA256` while its owner's key vouches,
// and is refused once ownership moves. Solana and Cosmos wallets' AuthSigs (in the shapes the
// SDK's auth-browser makes) are checked as Lit checks them, and their conditions read from the
// stand-in Solana RPC and Cosmos REST endpoint the devnet is configured with (run.sh); a chain
// with no RPC configured gets Lit's unknown-chain error.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { createSiweMessage, generateAuthSig } = require('@lit-protocol/auth-helpers');
const { encryptString, decryptToString } = require('@lit-protocol/encryption');
const { ethers, RPC_URL, connectedClient, litErrorOf, onlyAddress, sigil, tempFile } = require('./lib');
const walletArtifact = require('../../../contracts/artifacts/ContractWallet.json');

const DEV_MNEMONIC = 'test test test test test test test test test test test junk';

/** `wallet`'s AuthSig over a SIWE message of its own, valid for ten minutes. */
async function bareAuthSig(client, wallet) {
  const toSign = await createSiweMessage({
    uri: 'https://app.example',
    expiration: new Date(Date.now() + 10 * 60 * 1000).toISOString(),
    walletAddress: wallet.address,
    nonce: await client.getLatestBlockhash(),
    litNodeClient: client,
  });
  return generateAuthSig({ signer: wallet, toSign });
}

test('decryptToString with a bare wallet AuthSig: the wallet decrypts, a stranger and a changed AuthSig are refused', async () => {
  const wallet = ethers.Wallet.createRandom();
  const accessControlConditions = onlyAddress(wallet.address);
  const client = await connectedClient();
  let encrypted;
  let authSig;
  try {
    const { ciphertext, dataToEncryptHash } = await encryptString(
      { accessControlConditions, dataToEncrypt: 'for a bare AuthSig' }, client);
    encrypted = { ciphertext, dataToEncryptHash, accessControlConditions };
    const decrypt = (authSig) => decryptToString(
      { accessControlConditions, ciphertext, dataToEncryptHash, chain: 'ethereum', authSig }, client);

    authSig = await bareAuthSig(client, wallet);
    assert.equal(await decrypt(authSig), 'for a bare AuthSig');
    // Browser wallets send the address lowercased.
    assert.equal(await decrypt({ ...authSig, address: authSig.address.toLowerCase() }), 'for a bare AuthSig');

    const refusals = [
      [await bareAuthSig(client, ethers.Wallet.createRandom()), 'NodeAccessControlConditionsReturnedNotAuthorized'],
      [{ ...authSig, signedMessage: authSig.signedMessage.replace('app.example', 'app.exampla') }, 'NodeInvalidAuthSig'],
    ];
    for (const [refused, code] of refusals) {
      let error;
      try {
        await decrypt(refused);
      } catch (e) {
        error = litErrorOf(e);
      }
      assert.equal(error && error.errorCode, code);
    }
  } finally {
    await client.disconnect();
  }
  // The SDK-made AuthSig, given to sigil.
  const out = sigil(['decrypt', '--rpc-url', RPC_URL, '--auth-sig', tempFile('auth-sig.json', JSON.stringify(authSig)),
    '--in', tempFile('encrypted.json', JSON.stringify(encrypted))]);
  assert.equal(out.status, 0, out.stderr);
  assert.equal(out.stdout.trim(), 'for a bare AuthSig');
});

test('decryptToString with a contract wallet\'s EIP1271 and EIP1271_SHA256 AuthSigs, refused once its ownership moves', async () => {
  const provider = new ethers.providers.StaticJsonRpcProvider(RPC_URL);
  provider.pollingInterval = 100;
  const owner = ethers.Wallet.fromMnemonic(DEV_MNEMONIC, "m/44'/60'/0'/0/2").connect(provider);
  const factory = new ethers.ContractFactory(walletArtifact.abi, walletArtifact.bytecode, owner);
  const contractWallet = await factory.deploy(owner.address);
  await contractWallet.deployed();
  const accessControlConditions = onlyAddress(contractWallet.address);
  const client = await connectedClient();
  try {
    const { ciphertext, dataToEncryptHash } = await encryptString(
      { accessControlConditions, dataToEncrypt: 'for a contract wallet' }, client);
    const decrypt = (authSig) => decryptToString(
      { accessControlConditions, ciphertext, dataToEncryptHash, chain: 'ethereum', authSig }, client);
    // The SIWE message in the contract's name; the owner signs the hash the contract is asked
    // about: the message's EIP-191 hash (what signMessage signs) or its SHA-256.
    const contractAuthSig = async (derivedVia) => {
      const toSign = await createSiweMessage({
        uri: 'https://app.example',
        expiration: new Date(Date.now() + 10 * 60 * 1000).toISOString(),
        walletAddress: contractWallet.address,
        nonce: await client.getLatestBlockhash(),
        litNodeClient: client,
      });
      const sig = derivedVia === 'EIP1271'
        ? await owner.signMessage(toSign)
        : ethers.utils.joinSignature(owner._signingKey().signDigest(ethers.utils.sha256(ethers.utils.toUtf8Bytes(toSign))));
      return { sig, derivedVia, signedMessage: toSign, address: contractWallet.address };
    };
    for (const derivedVia of ['EIP1271', 'EIP1271_SHA256']) {
      assert.equal(await decrypt(await contractAuthSig(derivedVia)), 'for a contract wallet', derivedVia);
    }

    const stillSigned = await contractAuthSig('EIP1271');
    await (await contractWallet.transferOwnership(ethers.Wallet.createRandom().address)).wait();
    let error;
    try {
      await decrypt(stillSigned);
    } catch (e) {
      error = litErrorOf(e);
    }
    assert.equal(error && error.errorCode, 'NodeContractAuthsigUnauthorized');
  } finally {
    await client.disconnect();
  }
});

test('Solana and Cosmos wallets decrypt with their own AuthSigs where the conditions\' chain has an RPC; others are refused with Lit\'s codes', async () => {
  const vectors = require('../../../crates/sigil-auth/tests/vectors/chain-auth-sigs.json');
  // The stand-in RPC gives the vectors' Solana wallet 5000 lamports, its Cosmos wallet 7 uatom.
  const lamportsAtLeast = (value, chain = 'solana') => ({
    solRpcConditions: [{
      method: 'getBalance', params: [':userAddress'], pdaParams: [], pdaInterface: { offset: 0, fields: {} },
      pdaKey: '', chain, returnValueTest: { key: '', comparator: '>=', value },
    }],
  });
  const atomsAtLeast = (value, chain = 'cosmos') => ({
    unifiedAccessControlConditions: [{
      conditionType: 'cosmos', path: '/cosmos/bank/v1beta1/balances/:userAddress', chain,
      returnValueTest: { key: '$.balances[0].amount', comparator: '>=', value },
    }],
  });
  const client = await connectedClient();
  try {
    const attempt = async (conditions, chain, authSig) => {
      const dataToEncrypt = `for a ${chain} wallet`;
      const { ciphertext, dataToEncryptHash } = await encryptString({ ...conditions, dataToEncrypt }, client);
      try {
        const plaintext = await decryptToString({ ...conditions, ciphertext, dataToEncryptHash, chain, authSig }, client);
        assert.equal(plaintext, dataToEncrypt);
        return 'decrypted';
      } catch (e) {
        const error = litErrorOf(e);
        return error ? error.errorCode : String(e);
      }
    };
    const tampered = (authSig) => ({
      ...authSig, signedMessage: authSig.signedMessage.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')),
    });
    const cases = [
      [lamportsAtLeast('5000'), 'solana', vectors.solana, 'decrypted'],
      [lamportsAtLeast('5001'), 'solana', vectors.solana, 'NodeAccessControlConditionsReturnedNotAuthorized'],
      [lamportsAtLeast('1'), 'solana', tampered(vectors.solana), 'NodeInvalidAuthSig'],
      // No RPC is configured for Solana's devnet cluster.
      [lamportsAtLeast('1', 'solanaDevnet'), 'solana', vectors.solana, 'NodeBlockchainChainUnknown'],
      [atomsAtLeast('7'), 'cosmos', vectors.cosmos, 'decrypted'],
      [atomsAtLeast('8'), 'cosmos', vectors.cosmos, 'NodeAccessControlConditionsReturnedNotAuthorized'],
      [atomsAtLeast('1'), 'cosmos', tampered(vectors.cosmos), 'NodeInvalidAuthSig'],
      [atomsAtLeast('1', 'juno'), 'juno', vectors.juno, 'NodeBlockchainChainUnknown'],
    ];
    for (const [conditions, chain, authSig, expected] of cases) {
      assert.equal(await attempt(conditions, chain, authSig), expected, JSON.stringify(conditions));
    }
  } finally {
    await client.disconnect();
  }
});
