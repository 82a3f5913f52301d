// PKP session sigs with the official SDK 7.4.0, unchanged: `getPkpSessionSigs` sends the
// PKP owner's wallet AuthSig as an EthWallet auth method to /web/sign_session_key; every node
// checks it, rebuilds the session's SIWE message for the PKP and signs it with its share of the
// network key; the SDK combines the shares, verifies the signature under the network key, and
// puts it in the session as a `lit.bls` capability. With those session sigs the PKP signs
// (`pkpSign`) and decrypts what was encrypted to its address; a wallet the PKP does not permit
// is refused.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { LitPKPResource, LitAccessControlConditionResource, createSiweMessage, generateAuthSig } =
  require('@lit-protocol/auth-helpers');
const { encryptString, decryptToString } = require('@lit-protocol/encryption');
const { verifySignature } = require('@lit-protocol/crypto');
const { ethers, LIT_ABILITY, connectedClient, litErrorOf, mintedPkp, onlyAddress } = require('./lib');

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
