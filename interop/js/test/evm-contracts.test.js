// Sigil's contracts on an EVM chain, driven by the official contracts-sdk 7.4.0 (`LitContracts`
// with the devnet's network-context.json as its customContext), ethers v5 and the
// lit-node-client, unchanged: the same tests on anvil (`sigil devnet --evm-rpc`) and on the
// chain embedded in the devnet (`sigil devnet`'s default).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { LitContracts } = require('@lit-protocol/contracts-sdk');
const { LitNodeClient } = require('@lit-protocol/lit-node-client');
const { encryptString, decryptToString } = require('@lit-protocol/encryption');
const { computeHDPubKey } = require('@lit-protocol/crypto');
const { ethers, seedGuideSessionSigs, onlyAddress, litErrorOf } = require('./lib');

const MNEMONIC = 'test test test test test test test test test test test junk';
const BACKENDS = [
  { name: 'anvil', rpcUrl: process.env.SIGIL_EVM_RPC_URL, context: process.env.SIGIL_EVM_CONTEXT },
  { name: 'embedded', rpcUrl: process.env.SIGIL_EMBEDDED_RPC_URL, context: process.env.SIGIL_EMBEDDED_CONTEXT },
];

for (const backend of BACKENDS) {
  const RPC_URL = backend.rpcUrl;
  const CONTEXT = JSON.parse(fs.readFileSync(backend.context, 'utf8'));

  const provider = new ethers.providers.StaticJsonRpcProvider(RPC_URL);
  provider.pollingInterval = 100;
  const devAccount = (index) => ethers.Wallet.fromMnemonic(MNEMONIC, `m/44'/60'/0'/0/${index}`).connect(provider);

  async function contracts(signer) {
    const client = new LitContracts({ signer, network: 'custom', customContext: CONTEXT, rpc: RPC_URL, debug: false });
    await client.connect();
    return client;
  }

  async function nodeClient() {
    // The whole network context as the SDK's contractContext: Staking from Sigil's own ABI.
    const client = new LitNodeClient({
      litNetwork: 'custom',
      rpcUrl: RPC_URL,
      contractContext: CONTEXT,
      checkNodeAttestation: false,
      debug: false,
      connectTimeout: 10000,
    });
    await client.connect();
    return client;
  }

  test(`${backend.name}: ` + 'mintCapacityCreditsNFT: the token id comes from the receipt, and the owner is then served', async () => {
    const owner = devAccount(4);
    const client = await nodeClient();
    try {
      const conditions = onlyAddress(owner.address);
      const { ciphertext, dataToEncryptHash } = await encryptString(
        { accessControlConditions: conditions, dataToEncrypt: 'paid on chain' },
        client
      );
      const encrypted = { accessControlConditions: conditions, ciphertext, dataToEncryptHash, chain: 'ethereum' };
      const decrypt = async () =>
        decryptToString({ ...encrypted, sessionSigs: await seedGuideSessionSigs(client, owner) }, client);

      // This devnet serves nobody for free.
      let refused;
      try {
        await decrypt();
      } catch (error) {
        refused = litErrorOf(error);
      }
      assert.equal(refused && refused.errorCode, 'rate_limit_exceeded');

      const litContracts = await contracts(owner);
      const { capacityTokenIdStr } = await litContracts.mintCapacityCreditsNFT({
        requestsPerKilosecond: 100,
        daysUntilUTCMidnightExpiration: 1,
      });
      assert.match(capacityTokenIdStr, /^[0-9]+$/);
      const credits = litContracts.rateLimitNftContract.read;
      assert.equal(await credits.ownerOf(capacityTokenIdStr), owner.address);
      assert.ok((await credits.capacity(capacityTokenIdStr)).requestsPerKilosecond.gte(100));

      // The nodes index new credits within a poll of the chain.
      const deadline = Date.now() + 15000;
      for (;;) {
        try {
          assert.equal(await decrypt(), 'paid on chain');
          break;
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    } finally {
      await client.disconnect();
    }
  });

  test(`${backend.name}: ` + 'pkpNftContractUtils.write.mint: the key is set in the mint block and derives from the network roots', async () => {
    const minter = devAccount(5);
    const litContracts = await contracts(minter);
    const { pkp, res } = await litContracts.pkpNftContractUtils.write.mint();
    const tokenId = ethers.BigNumber.from(pkp.tokenId);
    const atMint = await litContracts.pkpNftContract.read.getPubkey(tokenId, { blockTag: res.blockNumber });
    assert.equal(atMint, '0x' + pkp.publicKey);
    assert.ok(tokenId.eq(ethers.utils.keccak256(atMint)));
    assert.equal(pkp.ethAddress, ethers.utils.computeAddress(atMint));
    assert.equal(await litContracts.pkpNftContract.read.ownerOf(tokenId), minter.address);

    // The SDK's own derivation from the roots every node lists in its handshake.
    const client = await nodeClient();
    try {
      assert.equal(client.hdRootPubkeys.length, 10);
      const routing = await litContracts.pubkeyRouterContract.read.getRoutingData(tokenId);
      const derived = await computeHDPubKey(client.hdRootPubkeys, routing.derivedKeyId, 'ECDSA_CAIT_SITH');
      assert.equal('0x' + derived.replace(/^0x/, ''), atMint);
    } finally {
      await client.disconnect();
    }
  });

  test(`${backend.name}: ` + 'mintNextAndAddAuthMethods with an EthWallet auth method reads back its methods and scopes', async () => {
    const minter = devAccount(6);
    const litContracts = await contracts(minter);
    const authMethodId = ethers.utils.keccak256(ethers.utils.toUtf8Bytes(`${minter.address}:lit`));
    const { pkp } = await litContracts.mintWithAuth({
      authMethod: { authMethodType: 1, accessToken: 'unused when authMethodId is given' },
      authMethodId,
      scopes: [1],
    });
    const tokenId = ethers.BigNumber.from(pkp.tokenId);
    const permissions = litContracts.pkpPermissionsContract.read;
    const methods = await permissions.getPermittedAuthMethods(tokenId);
    assert.ok(
      methods.some((m) => m.authMethodType.eq(1) && m.id === authMethodId),
      JSON.stringify(methods)
    );
    assert.deepEqual(await permissions.getPermittedAuthMethodScopes(tokenId, 1, authMethodId, 3), [false, true, false]);
    const tokenIds = await permissions.getTokenIdsForAuthMethod(1, authMethodId);
    assert.ok(tokenIds.some((id) => id.eq(tokenId)));
    // mintWithAuth sends the PKP to itself and permits its own address.
    assert.equal(await litContracts.pkpNftContract.read.ownerOf(tokenId), pkp.ethAddress);
    assert.equal(await permissions.isPermittedAddress(tokenId, pkp.ethAddress), true);
  });

  test(`${backend.name}: ` + 'a value transfer between dev accounts through ethers v5 is mined with a receipt', async () => {
    const from = devAccount(7);
    const to = devAccount(8);
    const before = await provider.getBalance(to.address);
    const tx = await from.sendTransaction({ to: to.address, value: ethers.utils.parseEther('1.5') });
    const receipt = await tx.wait();
    assert.equal(receipt.status, 1);
    assert.ok((await provider.getBalance(to.address)).sub(before).eq(ethers.utils.parseEther('1.5')));
  });
}
