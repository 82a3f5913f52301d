// PKP signing driven by the official SDK 7.4.0, unchanged: a PKP minted through contracts-sdk's
// LitContracts (mintNext, the minter owns it), session sigs for `lit-pkp://*` with
// `pkp-signing`, then `pkpSign`, whose `combineEcdsaShares` (the SDK's wasm) sums the signing
// set's shares and verifies the result. The signature recovers to the PKP's address; the same
// PKP refuses a wallet that neither owns it nor is permitted, with NodePKPNotAuthorized.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { LitPKPResource } = require('@lit-protocol/auth-helpers');
const { PKPEthersWallet } = require('@lit-protocol/pkp-ethers');
const { ethers, LIT_ABILITY, RPC_URL, connectedClient, litErrorOf, mintedPkp, seedGuideSessionSigs } = require('./lib');

/** The seed guide's session sigs, asking for PKP signing with any PKP. */
function pkpSessionSigs(client, wallet) {
  return seedGuideSessionSigs(client, wallet, {
    resourceAbilityRequests: [{ resource: new LitPKPResource('*'), ability: LIT_ABILITY.PKPSigning }],
  });
}

test('pkpSign on a PKP minted through LitContracts returns a signature recovering to its address', async () => {
  const { minter, pkp } = await mintedPkp(7);

  const client = await connectedClient();
  try {
    const sessionSigs = await pkpSessionSigs(client, minter);
    const seen = new Set();
    for (const text of ['hello from the PKP', 'a second message']) {
      const toSign = ethers.utils.arrayify(ethers.utils.keccak256(ethers.utils.toUtf8Bytes(text)));
      const signature = await client.pkpSign({ toSign, pubKey: pkp.publicKey, sessionSigs });
      assert.equal(ethers.utils.recoverAddress(toSign, signature.signature), pkp.ethAddress);
      assert.equal(signature.dataSigned.toLowerCase(), ethers.utils.hexlify(toSign).slice(2));
      // Low-s, as the SDK returns it.
      const n = ethers.BigNumber.from('0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141');
      assert.ok(ethers.BigNumber.from('0x' + signature.s).lte(n.div(2)));
      assert.ok(!seen.has(signature.r), 'a nonce is never reused');
      seen.add(signature.r);
    }

    const stranger = ethers.Wallet.createRandom();
    let refused;
    try {
      await client.pkpSign({
        toSign: ethers.utils.arrayify(ethers.utils.id('not yours')),
        pubKey: pkp.publicKey,
        sessionSigs: await pkpSessionSigs(client, stranger),
      });
    } catch (error) {
      refused = litErrorOf(error);
    }
    assert.equal(refused && refused.errorCode, 'NodePKPNotAuthorized');
  } finally {
    await client.disconnect();
  }
});

test('PKPEthersWallet signs a message, typed data and a transaction that the chain mines', async () => {
  const { minter, pkp, provider } = await mintedPkp(8);
  const client = await connectedClient();
  try {
    const wallet = new PKPEthersWallet({
      litNodeClient: client,
      pkpPubKey: pkp.publicKey,
      controllerSessionSigs: await pkpSessionSigs(client, minter),
      rpc: RPC_URL,
    });
    // No wallet.init(): it calls connect() again on the connected client, and lit-core then
    // keeps the first connection's sync timer running after disconnect() (the process would not
    // exit). The wallet checks the client is ready before each signature.
    assert.equal(await wallet.getAddress(), pkp.ethAddress);

    const message = 'signed by a PKP through pkp-ethers';
    const signature = await wallet.signMessage(message);
    assert.equal(ethers.utils.verifyMessage(message, signature), pkp.ethAddress);

    const domain = { name: 'Sigil', version: '1', chainId: (await provider.getNetwork()).chainId };
    const types = { Mail: [{ name: 'to', type: 'address' }, { name: 'contents', type: 'string' }] };
    const value = { to: minter.address, contents: 'typed' };
    const typed = await wallet._signTypedData(domain, types, value);
    assert.equal(ethers.utils.verifyTypedData(domain, types, value, typed), pkp.ethAddress);

    await (await minter.sendTransaction({ to: pkp.ethAddress, value: ethers.utils.parseEther('1') })).wait();
    const recipient = ethers.Wallet.createRandom().address;
    const sent = await wallet.sendTransaction({ to: recipient, value: 12345, gasLimit: 21000 });
    const receipt = await provider.waitForTransaction(sent.hash);
    assert.equal(receipt.status, 1);
    assert.equal(receipt.from, pkp.ethAddress);
    assert.equal((await provider.getBalance(recipient)).toNumber(), 12345);
  } finally {
    await client.disconnect();
  }
});
