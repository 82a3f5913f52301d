// PKP session sigs with the official SDK 7.4.0, unchanged: `getPkpSessionSigs` sends the
// PKP owner's wallet AuthSig as an EthWallet auth method to /web/sign_session_key; every node
// checks it, rebuilds the session's SIWE message for the PKP and signs it with its share of the
// network key; the SDK combines the shares, verifies the signature under the network key, and
// puts it in the session as a `lit.bls` capability. With those session sigs the PKP signs
// (`pkpSign`) and decrypts what was encrypted to its address; a wallet the PKP does not permit
// is refused. `getLitActionSessionSigs`: an action the PKP permits (by code and by IPFS id)
// vouches for the session when it answers true, and the session's actions sign with the PKP.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { LitPKPResource, LitAccessControlConditionResource, LitActionResource, createSiweMessage, generateAuthSig } =
  require('@lit-protocol/auth-helpers');
const { encryptString, decryptToString } = require('@lit-protocol/encryption');
const { verifySignature } = require('@lit-protocol/crypto');
const { ethers, LIT_ABILITY, RPC_URL, connectedClient, litErrorOf, mintedPkp, onlyAddress, sigil, tempFile } = require('./lib');

/** An EthWallet auth method (type 1): the wallet's AuthSig over a SIWE message of its own. */
async function ethWalletAuthMethod(client, wallet) {
  const toSign = await createSiweMessage({
    uri: 'https://app.example',
    expiration: new Date(Date.now() + 1000 * 60 * 60).toISOString(),
    walletAddress: await wallet.getAddress(),
    nonce: await client.getLatestBlockhash(),
    litNodeClient: client,
  });
  const authSig = await generateAuthSig({ signer: wallet, toSign });
  return { authMethodType: 1, accessToken: JSON.stringify(authSig) };
}

const REQUESTS = [
  { resource: new LitPKPResource('*'), ability: LIT_ABILITY.PKPSigning },
  { resource: new LitAccessControlConditionResource('*'), ability: LIT_ABILITY.AccessControlConditionDecryption },
];

test('getPkpSessionSigs: the network signs a session for the PKP, which then signs and decrypts as the PKP', async () => {
  const { minter, pkp } = await mintedPkp(7);
  const client = await connectedClient();
  try {
    const sessionSigs = await client.getPkpSessionSigs({
      pkpPublicKey: pkp.publicKey,
      authMethods: [await ethWalletAuthMethod(client, minter)],
      resourceAbilityRequests: REQUESTS,
    });
    const capability = JSON.parse(Object.values(sessionSigs)[0].signedMessage).capabilities.at(-1);
    assert.equal(capability.derivedVia, 'lit.bls');
    assert.equal(ethers.utils.getAddress(capability.address), pkp.ethAddress);
    // The network's signature verifies under the handshake's network key, over what the SDK
    // checks (so it took the first answers, without asking the nodes again).
    const digest = ethers.utils.sha256(ethers.utils.toUtf8Bytes(
      'lit_session:' + ethers.utils.hashMessage(capability.signedMessage).slice(2)));
    await verifySignature(client.networkPubKey, ethers.utils.arrayify(digest),
      ethers.utils.arrayify('0x' + JSON.parse(capability.sig).ProofOfPossession));
    assert.match(capability.signedMessage, /lit-resolvedauthcontext/);

    const toSign = ethers.utils.arrayify(ethers.utils.id('signed in a PKP session'));
    const signature = await client.pkpSign({ toSign, pubKey: pkp.publicKey, sessionSigs });
    assert.equal(ethers.utils.recoverAddress(toSign, signature.signature), pkp.ethAddress);

    const accessControlConditions = onlyAddress(pkp.ethAddress);
    const { ciphertext, dataToEncryptHash } = await encryptString(
      { accessControlConditions, dataToEncrypt: 'for the PKP' }, client);
    const plaintext = await decryptToString(
      { accessControlConditions, ciphertext, dataToEncryptHash, chain: 'ethereum', sessionSigs }, client);
    assert.equal(plaintext, 'for the PKP');

    // A wallet that neither owns nor is permitted by the PKP gets no session for it.
    let refused;
    try {
      await client.getPkpSessionSigs({
        pkpPublicKey: pkp.publicKey,
        authMethods: [await ethWalletAuthMethod(client, ethers.Wallet.createRandom())],
        resourceAbilityRequests: REQUESTS,
      });
    } catch (error) {
      refused = litErrorOf(error);
    }
    assert.equal(refused && refused.errorCode, 'NodePKPNotAuthorized');
  } finally {
    await client.disconnect();
  }
});

test('getLitActionSessionSigs: an action the PKP permits vouches for the session, by code and by ipfsId; a false answer is refused', async () => {
  const { pkp, litContracts } = await mintedPkp(8);
  const code = `(async () => { Lit.Actions.setResponse({ response: JSON.stringify(passcode === 'open sesame') }); })();`;
  const ipfsId = await require('ipfs-only-hash').of(code);
  const added = await (await fetch(`${process.env.SIGIL_IPFS_API}/api/v0/add`, { method: 'POST', body: code })).json();
  assert.equal(added.Hash, ipfsId);
  await litContracts.addPermittedAction({ ipfsId, pkpTokenId: pkp.tokenId, authMethodScopes: [1] });
  const requests = [...REQUESTS, { resource: new LitActionResource('*'), ability: LIT_ABILITY.LitActionExecution }];
  const client = await connectedClient();
  try {
    const byCode = await client.getLitActionSessionSigs({
      pkpPublicKey: pkp.publicKey, resourceAbilityRequests: requests,
      litActionCode: Buffer.from(code).toString('base64'), jsParams: { passcode: 'open sesame' },
    });
    const toSign = ethers.utils.arrayify(ethers.utils.id('vouched for by an action'));
    const signature = await client.pkpSign({ toSign, pubKey: pkp.publicKey, sessionSigs: byCode });
    assert.equal(ethers.utils.recoverAddress(toSign, signature.signature), pkp.ethAddress);

    // By IPFS id; then an action run in that session signs with the PKP.
    const byIpfsId = await client.getLitActionSessionSigs({
      pkpPublicKey: pkp.publicKey, resourceAbilityRequests: requests,
      litActionIpfsId: ipfsId, jsParams: { passcode: 'open sesame' },
    });
    const result = await client.executeJs({
      sessionSigs: byIpfsId,
      code: `(async () => { await Lit.Actions.signEcdsa({ toSign, publicKey, sigName: 'sig' }); })();`,
      jsParams: { toSign, publicKey: pkp.publicKey },
    });
    assert.equal(ethers.utils.recoverAddress(toSign, result.signatures.sig.signature), pkp.ethAddress);

    let refused;
    try {
      await client.getLitActionSessionSigs({
        pkpPublicKey: pkp.publicKey, resourceAbilityRequests: requests,
        litActionCode: Buffer.from(code).toString('base64'), jsParams: { passcode: 'wrong' },
      });
    } catch (error) {
      refused = litErrorOf(error);
    }
    assert.equal(refused && refused.errorCode, 'NodeLitActionsSessionSigAuthenticationFailed');
  } finally {
    await client.disconnect();
  }
});

test('PKP session sigs cross over: sigil session-sigs --pkp-pubkey serves the SDK, and the SDK\'s getPkpSessionSigs serves sigil pkp sign and sigil decrypt', async () => {
  const { minter, pkp } = await mintedPkp(7);
  const accessControlConditions = onlyAddress(pkp.ethAddress);
  const toSign = ethers.utils.arrayify(ethers.utils.id('a PKP session made by the other side'));
  const client = await connectedClient();
  let encrypted;
  let sdkSessionSigs;
  try {
    const { ciphertext, dataToEncryptHash } = await encryptString(
      { accessControlConditions, dataToEncrypt: 'for the PKP, across SDKs' }, client);
    encrypted = { ciphertext, dataToEncryptHash, accessControlConditions };

    // Made by sigil (its wallet auth method as the SDK's EthWalletProvider makes it), used by
    // the SDK: pkpSign and decryptToString.
    const out = sigil(
      ['session-sigs', '--rpc-url', RPC_URL, '--staking-address', process.env.SIGIL_STAKING_ADDRESS,
        '--pkp-pubkey', pkp.publicKey, '--auth-method', 'eth-wallet', '--private-key-env', 'MINTER_KEY',
        '--resource', 'lit-pkp://*', '--ability', 'pkp-signing',
        '--resource', 'lit-accesscontrolcondition://*', '--ability', 'access-control-condition-decryption'],
      { env: { MINTER_KEY: minter.privateKey } });
    assert.equal(out.status, 0, out.stderr);
    const sigilSessionSigs = JSON.parse(out.stdout);
    assert.deepEqual(Object.keys(sigilSessionSigs).sort(), [...client.connectedNodes].sort());
    const signature = await client.pkpSign({ toSign, pubKey: pkp.publicKey, sessionSigs: sigilSessionSigs });
    assert.equal(ethers.utils.recoverAddress(toSign, signature.signature), pkp.ethAddress);
    assert.equal(await decryptToString(
      { accessControlConditions, ciphertext, dataToEncryptHash, chain: 'ethereum', sessionSigs: sigilSessionSigs },
      client), 'for the PKP, across SDKs');

    sdkSessionSigs = await client.getPkpSessionSigs({
      pkpPublicKey: pkp.publicKey,
      authMethods: [await ethWalletAuthMethod(client, minter)],
      resourceAbilityRequests: REQUESTS,
    });
  } finally {
    await client.disconnect();
  }
  // Made by the SDK, used by sigil with no wallet key at all.
  const sigsFile = tempFile('pkp-session-sigs.json', JSON.stringify(sdkSessionSigs));
  const network = ['--rpc-url', RPC_URL, '--staking-address', process.env.SIGIL_STAKING_ADDRESS];
  const signed = sigil(['pkp', 'sign', ...network, '--session-sigs', sigsFile, '--pubkey', pkp.publicKey,
    '--hash', ethers.utils.hexlify(toSign)]);
  assert.equal(signed.status, 0, signed.stderr);
  assert.equal(JSON.parse(signed.stdout).address, pkp.ethAddress);
  const decrypted = sigil(['decrypt', ...network, '--session-sigs', sigsFile,
    '--in', tempFile('encrypted.json', JSON.stringify(encrypted))]);
  assert.equal(decrypted.status, 0, decrypted.stderr);
  assert.equal(decrypted.stdout.trim(), 'for the PKP, across SDKs');
});
