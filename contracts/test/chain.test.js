// SPDX-License-Identifier: MIT OR Apache-2.0
// (b)-(g): behaviour on anvil, driven through the Datil ABIs wherever the SDK would.
'use strict';

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { ethers } = require('ethers');
const { startAnvil } = require('./anvil');
const { deploy, devWallet, DEFAULT_ENV } = require('../deploy');
const { datilAbi } = require('./datil');

const { keccak256, hexDataSlice, getAddress, hexZeroPad, toUtf8Bytes, id } = ethers.utils;
const DAY = 86400;

// A 65-byte uncompressed "root key" (secp256k1 generator G) and a 48-byte BLS-sized one.
const ROOT_ECDSA =
  '0x0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8';
const ROOT_BLS = '0x' + 'ab'.repeat(48);

let anvil;
let provider;
let ctx;
let owner; // account 0 (deployer)
let alice; // account 1
let bob; // account 2

const sdk = (name, signer) => new ethers.Contract(ctx[name].address, datilAbi(name), signer ?? provider);
const ours = (name, signer) => new ethers.Contract(ctx[name].address, ctx[name].abi, signer ?? provider);

function ethAddressOf(pubkey) {
  // last 20 bytes of keccak256(X || Y), as the contracts compute it.
  return getAddress(hexDataSlice(keccak256(hexDataSlice(pubkey, 1)), 12));
}

async function now() {
  return (await provider.getBlock('latest')).timestamp;
}

async function increaseTime(secs) {
  await provider.send('evm_increaseTime', [secs]);
  await provider.send('evm_mine', []);
}

before(async () => {
  anvil = await startAnvil();
  provider = anvil.provider;
  owner = devWallet(provider, 0);
  alice = devWallet(provider, 1);
  bob = devWallet(provider, 2);
  ctx = await deploy(provider, {
    signer: owner,
    rootKeys: [
      { pubkey: ROOT_ECDSA, keyType: 2 },
      { pubkey: ROOT_BLS, keyType: 1 },
    ],
  });
});

after(async () => {
  if (anvil) await anvil.stop();
});

describe('deployment and ContractResolver', () => {
  it('returns the networkContext shape', () => {
    for (const name of ['Staking', 'RateLimitNFT', 'PKPNFT', 'PubkeyRouter', 'PKPPermissions', 'PKPHelper',
      'ContractResolver', 'Allowlist', 'LITToken', 'Multisender', 'PKPNFTMetadata', 'StakingBalances']) {
      assert.ok(ethers.utils.isAddress(ctx[name].address), name);
      assert.equal(ctx[name].name, name);
      assert.ok(Array.isArray(ctx[name].abi));
    }
  });

  it('resolves every contract the way contracts-sdk _getContractsFromResolver does', async () => {
    const r = new ethers.Contract(ctx.ContractResolver.address, ctx.ContractResolver.abi, provider);
    const pairs = {
      ALLOWLIST_CONTRACT: 'Allowlist', LIT_TOKEN_CONTRACT: 'LITToken', MULTI_SENDER_CONTRACT: 'Multisender',
      PKP_NFT_CONTRACT: 'PKPNFT', PKP_NFT_METADATA_CONTRACT: 'PKPNFTMetadata', PKP_PERMISSIONS_CONTRACT: 'PKPPermissions',
      PKP_HELPER_CONTRACT: 'PKPHelper', PUB_KEY_ROUTER_CONTRACT: 'PubkeyRouter', RATE_LIMIT_NFT_CONTRACT: 'RateLimitNFT',
      STAKING_CONTRACT: 'Staking', STAKING_BALANCES_CONTRACT: 'StakingBalances', HD_KEY_DERIVER_CONTRACT: 'KeyDeriver',
    };
    for (const [getter, name] of Object.entries(pairs)) {
      const key = await r[getter]();
      assert.equal(await r.getContract(key, DEFAULT_ENV), ctx[name].address, getter);
    }
    assert.equal(await r.STAKING_CONTRACT(), id('STAKING'));
    assert.equal(await r.PUB_KEY_ROUTER_CONTRACT(), id('PUB_KEY_ROUTER'));
    assert.equal(await sdk('Staking').contractResolver(), ctx.ContractResolver.address);
  });
});

describe('(b) Staking', () => {
  const stakers = [3, 4, 5].map((i) => ethers.Wallet.fromMnemonic(require("../deploy").DEV_MNEMONIC, `m/44'/60'/0'/0/${i}`));
  let nodes;

  it('getActiveUnkickedValidatorStructsAndCounts decodes with the Datil ABI as connect() expects', async () => {
    nodes = [6, 7, 8].map((i) => devWallet(provider, i));
    const vals = nodes.map((n, i) => ({
      ip: 0x7f000001, ipv6: 0, port: 7470 + i, nodeAddress: n.address, reward: 0,
      senderPubKey: 1000 + i, receiverPubKey: 2000 + i,
    }));
    await (await ours('Staking', owner).adminSetValidators(stakers.map((s) => s.address), vals)).wait();

    const staking = sdk('Staking');
    const [epoch, minNodeCount, validators] = await staking.getActiveUnkickedValidatorStructsAndCounts();
    assert.equal(epoch.number.toNumber(), 1);
    assert.ok(epoch.epochLength.gt(0));
    assert.ok(epoch.endTime.gt(0));
    assert.equal(minNodeCount.toNumber(), 2); // ceil(2n/3) for n = 3
    assert.equal(validators.length, 3);
    // the SDK's own guard in connect()
    assert.ok(minNodeCount.gt(0) && validators.length >= minNodeCount.toNumber());
    validators.forEach((v, i) => {
      assert.equal(v.ip, 0x7f000001);
      assert.equal(v.port, 7470 + i);
      assert.equal(v.nodeAddress, nodes[i].address);
      assert.equal(v.senderPubKey.toNumber(), 1000 + i);
    });
    assert.equal(await staking.state(), 0);
    assert.equal((await staking.getValidatorsStructsInCurrentEpoch()).length, 3);
    assert.equal(await staking.nodeAddressToStakerAddress(nodes[1].address), stakers[1].address);
    const mappings = await staking.getNodeStakerAddressMappings(nodes.map((n) => n.address));
    assert.deepEqual(mappings.map((m) => m.stakerAddress), stakers.map((s) => s.address));
  });

  it('runs the node epoch state machine: lock, signal ready, advance', async () => {
    const staking = sdk('Staking');
    const ep = await staking.epoch();
    await assert.rejects(staking.connect(nodes[0]).lockValidatorsForNextEpoch()); // epoch not ended
    await increaseTime(ep.epochLength.toNumber() + 1);
    await (await staking.connect(nodes[0]).lockValidatorsForNextEpoch()).wait();
    assert.equal(await staking.state(), 1);
    for (const n of nodes) {
      await (await staking.connect(n).signalReadyForNextEpoch(ep.number)).wait();
    }
    assert.equal(await staking.state(), 2);
    await (await staking.connect(nodes[1]).advanceEpoch()).wait();
    assert.equal(await staking.state(), 0);
    assert.equal((await staking.epoch()).number.toNumber(), ep.number.toNumber() + 1);
    assert.equal((await staking.getValidatorsInCurrentEpoch()).length, 3);
  });

  it('the owner can fix the consensus count (a network dealt for its own threshold), 0 restores 2/3', async () => {
    const staking = sdk('Staking');
    await (await ours('Staking', owner).adminSetConsensusThreshold(3)).wait();
    assert.equal((await staking.getActiveUnkickedValidatorStructsAndCounts())[1].toNumber(), 3);
    assert.equal((await staking.currentValidatorCountForConsensus()).toNumber(), 3);
    await (await ours('Staking', owner).adminSetConsensusThreshold(0)).wait();
    assert.equal((await staking.getActiveUnkickedValidatorStructsAndCounts())[1].toNumber(), 2);
  });

  it('admin functions are owner-only', async () => {
    await assert.rejects(ours('Staking', alice).adminSetValidators([], []));
    await assert.rejects(ours('Staking', alice).adminSetEpoch([1, 1, 1, 0, 1]));
    await assert.rejects(ours('Staking', alice).adminSetConsensusThreshold(1));
  });
});

describe('(c) RateLimitNFT capacity credits', () => {
  it('mints with calculateCost, logs[0] is Transfer(0, to, id), capacity/isExpired are right', async () => {
    const rl = sdk('RateLimitNFT', alice);
    const t = await now();
    const expiresAt = t - (t % DAY) + 2 * DAY; // a UTC midnight 1-2 days ahead
    const rpk = 10;
    const cost = await rl.calculateCost(rpk, expiresAt);
    assert.ok(cost.gt(0));
    const tx = await rl.mint(expiresAt, { value: cost });
    const receipt = await tx.wait();
    const log0 = receipt.logs[0];
    assert.equal(log0.topics[0], id('Transfer(address,address,uint256)'));
    assert.equal(log0.topics[1], hexZeroPad('0x00', 32));
    assert.equal(getAddress(hexDataSlice(log0.topics[2], 12)), alice.address);
    const tokenId = ethers.BigNumber.from(log0.topics[3]); // exactly what contracts-sdk reads
    assert.equal(await rl.ownerOf(tokenId), alice.address);
    assert.equal((await rl.balanceOf(alice.address)).toNumber(), 1);
    assert.ok((await rl.tokenOfOwnerByIndex(alice.address, 0)).eq(tokenId));
    assert.ok((await rl.tokenByIndex(0)).eq(tokenId));
    assert.equal((await rl.totalSupply()).toNumber(), 1);

    const cap = await rl.capacity(tokenId);
    assert.ok(cap.requestsPerKilosecond.gte(rpk), 'at least the paid-for requests/ks');
    assert.equal(cap.expiresAt.toNumber(), expiresAt);
    assert.equal(await rl.isExpired(tokenId), false);
    assert.match(await rl.tokenURI(tokenId), /^data:application\/json/);

    // window getters the node reads
    assert.ok((await rl.defaultRateLimitWindowSeconds()).gt(0));
    assert.ok((await rl.RLIHolderRateLimitWindowSeconds()).gt(0));
    assert.ok((await rl.freeRequestsPerRateLimitWindow()).gte(0));

    // transferFrom (delegation by transfer, as the SDK does)
    await (await rl.transferFrom(alice.address, bob.address, tokenId)).wait();
    assert.equal(await rl.ownerOf(tokenId), bob.address);

    // expiry
    await increaseTime(expiresAt - (await now()) + 1);
    assert.equal(await rl.isExpired(tokenId), true);
    await (await ours('RateLimitNFT', alice).pruneExpired(bob.address)).wait();
    assert.equal((await rl.balanceOf(bob.address)).toNumber(), 0);
  });

  it('rejects an expiresAt that is not a UTC midnight, and zero payment', async () => {
    const rl = sdk('RateLimitNFT', alice);
    const t = await now();
    const midnight = t - (t % DAY) + 2 * DAY;
    const cost = await rl.calculateCost(5, midnight + 60);
    await assert.rejects(rl.mint(midnight + 60, { value: cost }), /midnight/);
    await assert.rejects(rl.mint(midnight, { value: 0 }));
  });
});

describe('(d) PKPNFT.mintNext', () => {
  it('logs[0].topics[1] is the token id, pubkey routed in the same tx, tokenId = keccak256(pubkey)', async () => {
    const nft = sdk('PKPNFT', alice);
    const mintCost = await nft.mintCost();
    const tx = await nft.mintNext(2, { value: mintCost });
    const receipt = await tx.wait();
    const tokenId = ethers.BigNumber.from(receipt.logs[0].topics[1]); // what contracts-sdk reads

    // pubkey is readable at the mint's own block
    const pubkey = await nft.getPubkey(tokenId, { blockTag: receipt.blockNumber });
    assert.equal(ethers.utils.hexDataLength(pubkey), 65);
    assert.equal(hexDataSlice(pubkey, 0, 1), '0x04');
    assert.ok(ethers.BigNumber.from(keccak256(pubkey)).eq(tokenId));
    assert.equal(await nft.getEthAddress(tokenId), ethAddressOf(pubkey));
    assert.equal(await nft.ownerOf(tokenId), alice.address);
    assert.equal(await nft.exists(tokenId), true);

    // event order: PubkeyRoutingDataSet, Transfer, PKPMinted
    const router = sdk('PubkeyRouter');
    const nftIface = nft.interface;
    assert.equal(receipt.logs[0].topics[0], router.interface.getEventTopic('PubkeyRoutingDataSet'));
    assert.equal(receipt.logs[1].topics[0], nftIface.getEventTopic('Transfer'));
    const minted = nftIface.parseLog(receipt.logs[2]);
    assert.equal(minted.name, 'PKPMinted');
    assert.ok(minted.args.tokenId.eq(tokenId));
    assert.equal(minted.args.pubkey, pubkey);

    // router views used by the node
    const routing = await router.pubkeys(tokenId);
    assert.equal(routing.pubkey, pubkey);
    assert.equal(routing.keyType.toNumber(), 2);
    assert.ok((await router.ethAddressToPkpId(ethAddressOf(pubkey))).eq(tokenId));
    const roots = await router.getRootKeys(ctx.Staking.address);
    assert.equal(roots.length, 2);
  });

  it('rejects a wrong payment and consecutive mints give distinct keys', async () => {
    const nft = sdk('PKPNFT', alice);
    const mintCost = await nft.mintCost();
    await assert.rejects(nft.mintNext(2, { value: mintCost.add(1) }));
    const a = await (await nft.mintNext(2, { value: mintCost })).wait();
    const b = await (await nft.mintNext(2, { value: mintCost })).wait();
    assert.notEqual(a.logs[0].topics[1], b.logs[0].topics[1]);
  });
});

describe('(e) PKPHelper.mintNextAndAddAuthMethods', () => {
  async function mintWithEthWallet(sendPkpToItself) {
    const helper = sdk('PKPHelper', alice);
    const mintCost = await sdk('PKPNFT').mintCost();
    // contracts-sdk mintWithAuth / auth-utils: EthWallet (type 1) id = keccak256("<address>:lit")
    const authMethodId = keccak256(toUtf8Bytes(`${alice.address}:lit`));
    const tx = await helper.mintNextAndAddAuthMethods(2, [1], [authMethodId], ['0x'], [[1]], true, sendPkpToItself, {
      value: mintCost,
    });
    const receipt = await tx.wait();
    const tokenId = ethers.BigNumber.from(receipt.logs[0].topics[1]);
    return { tokenId, authMethodId, receipt };
  }

  it('reads the auth method back; sendPkpToItself=true gives the NFT to the PKP address', async () => {
    const { tokenId, authMethodId } = await mintWithEthWallet(true);
    const perms = sdk('PKPPermissions');
    const nft = sdk('PKPNFT');
    const pkpAddress = await nft.getEthAddress(tokenId);
    assert.equal(await nft.ownerOf(tokenId), pkpAddress);

    const methods = await perms.getPermittedAuthMethods(tokenId);
    assert.equal(methods.length, 2);
    assert.equal(methods[0].authMethodType.toNumber(), 1);
    assert.equal(methods[0].id, authMethodId);
    assert.equal(methods[0].userPubkey, '0x');
    // addPkpEthAddressAsPermittedAddress: type 1 with the 20 raw address bytes
    assert.equal(methods[1].authMethodType.toNumber(), 1);
    assert.equal(getAddress(methods[1].id), pkpAddress);

    assert.equal(await perms.isPermittedAuthMethod(tokenId, 1, authMethodId), true);
    assert.equal(await perms.isPermittedAuthMethod(tokenId, 1, keccak256(toUtf8Bytes('other:lit'))), false);
    const scopes = await perms.getPermittedAuthMethodScopes(tokenId, 1, authMethodId, 3);
    assert.deepEqual(scopes, [false, true, false]);
    assert.equal(await perms.isPermittedAuthMethodScopePresent(tokenId, 1, authMethodId, 1), true);
    const ids = await perms.getTokenIdsForAuthMethod(1, authMethodId);
    assert.ok(ids.some((x) => x.eq(tokenId)));
    assert.equal(await perms.isPermittedAddress(tokenId, pkpAddress), true);
    assert.ok((await perms.getPermittedAddresses(tokenId)).includes(pkpAddress));
    assert.equal(await perms.getPubkey(tokenId), await nft.getPubkey(tokenId));
  });

  it('sendPkpToItself=false gives the NFT to the minter', async () => {
    const { tokenId } = await mintWithEthWallet(false);
    assert.equal(await sdk('PKPNFT').ownerOf(tokenId), alice.address);
  });

  it('mintNextAndAddAuthMethodsWithTypes adds actions, addresses and auth methods', async () => {
    const helper = sdk('PKPHelper', alice);
    const mintCost = await sdk('PKPNFT').mintCost();
    const cid = ethers.utils.hexlify(toUtf8Bytes('QmTestCid'));
    const receipt = await (
      await helper.mintNextAndAddAuthMethodsWithTypes(
        2, [cid], [[1]], [bob.address], [[2]], [6], ['0x1234'], ['0xabcd'], [[1, 2]], false, false,
        { value: mintCost },
      )
    ).wait();
    const tokenId = ethers.BigNumber.from(receipt.logs[0].topics[1]);
    const perms = sdk('PKPPermissions');
    assert.equal(await perms.isPermittedAction(tokenId, cid), true);
    assert.equal(await perms.isPermittedAddress(tokenId, bob.address), true);
    assert.equal(await perms.isPermittedAuthMethod(tokenId, 6, '0x1234'), true);
    assert.equal(await perms.getUserPubkeyForAuthMethod(6, '0x1234'), '0xabcd');
    assert.deepEqual(await perms.getPermittedAuthMethodScopes(tokenId, 2, cid, 3), [false, true, false]);
    assert.deepEqual(await perms.getPermittedAuthMethodScopes(tokenId, 1, bob.address.toLowerCase(), 3), [false, false, true]);
  });
});

describe('(f) PKPPermissions', () => {
  it('add/is/remove permitted address and action; only the PKP owner may change them', async () => {
    const nft = sdk('PKPNFT', alice);
    const receipt = await (await nft.mintNext(2, { value: await nft.mintCost() })).wait();
    const tokenId = ethers.BigNumber.from(receipt.logs[0].topics[1]);
    const permsAlice = sdk('PKPPermissions', alice);
    const permsBob = sdk('PKPPermissions', bob);
    const cid = ethers.utils.hexlify(toUtf8Bytes('QmAnotherCid'));

    assert.equal(await permsAlice.isPermittedAddress(tokenId, alice.address), true, 'owner is permitted');
    assert.equal(await permsAlice.isPermittedAddress(tokenId, bob.address), false);
    await assert.rejects(permsBob.addPermittedAddress(tokenId, bob.address, [1]));
    await assert.rejects(permsBob.addPermittedAction(tokenId, cid, [1]));

    const addTx = await (await permsAlice.addPermittedAddress(tokenId, bob.address, [1])).wait();
    const added = permsAlice.interface.parseLog(addTx.logs[0]);
    assert.equal(added.name, 'PermittedAuthMethodAdded');
    assert.equal(added.args.authMethodType.toNumber(), 1);
    assert.equal(await permsAlice.isPermittedAddress(tokenId, bob.address), true);
    assert.ok((await permsAlice.getPermittedAddresses(tokenId)).includes(bob.address));

    await (await permsAlice.addPermittedAction(tokenId, cid, [1])).wait();
    assert.equal(await permsAlice.isPermittedAction(tokenId, cid), true);
    assert.deepEqual(await permsAlice.getPermittedActions(tokenId), [cid]);
    assert.equal(await permsAlice.isPermittedAuthMethod(tokenId, 2, cid), true);

    await assert.rejects(permsBob.removePermittedAction(tokenId, cid));
    await (await permsAlice.removePermittedAction(tokenId, cid)).wait();
    assert.equal(await permsAlice.isPermittedAction(tokenId, cid), false);
    assert.deepEqual(await permsAlice.getPermittedActions(tokenId), []);

    await (await permsAlice.removePermittedAddress(tokenId, bob.address)).wait();
    assert.equal(await permsAlice.isPermittedAddress(tokenId, bob.address), false);
    assert.deepEqual(await permsAlice.getPermittedAuthMethodScopes(tokenId, 1, bob.address.toLowerCase(), 3), [false, false, false]);

    // addPermittedAuthMethod with a struct + scope add/remove
    const am = { authMethodType: 7, id: '0xbeef', userPubkey: '0x' };
    await (await permsAlice.addPermittedAuthMethod(tokenId, am, [])).wait();
    await (await permsAlice.addPermittedAuthMethodScope(tokenId, 7, '0xbeef', 2)).wait();
    assert.deepEqual(await permsAlice.getPermittedAuthMethodScopes(tokenId, 7, '0xbeef', 3), [false, false, true]);
    await (await permsAlice.removePermittedAuthMethodScope(tokenId, 7, '0xbeef', 2)).wait();
    assert.deepEqual(await permsAlice.getPermittedAuthMethodScopes(tokenId, 7, '0xbeef', 3), [false, false, false]);
    await (await permsAlice.removePermittedAuthMethod(tokenId, 7, '0xbeef')).wait();
    assert.equal(await permsAlice.isPermittedAuthMethod(tokenId, 7, '0xbeef'), false);
    assert.equal(
      (await permsAlice.getAuthMethodId(7, '0xbeef')).toHexString(),
      ethers.BigNumber.from(keccak256(ethers.utils.defaultAbiCoder.encode(['uint256', 'bytes'], [7, '0xbeef']))).toHexString(),
    );
  });
});

describe('(g) plain value transfer', () => {
  it('an ethers v5 transfer between two dev accounts is mined with a receipt', async () => {
    const before = await provider.getBalance(bob.address);
    const tx = await alice.sendTransaction({ to: bob.address, value: ethers.utils.parseEther('1.5') });
    const receipt = await tx.wait();
    assert.equal(receipt.status, 1);
    assert.ok(receipt.blockNumber > 0);
    assert.ok((await provider.getBalance(bob.address)).sub(before).eq(ethers.utils.parseEther('1.5')));
  });
});

describe('(h) ContractWallet: EIP-1271 as a one-owner Safe answers it', () => {
  const MAGIC = '0x1626ba7e';
  const INVALID = '0xffffffff';
  it('takes its owner\'s signatures of a hash, nothing else, and no old owner\'s after a transfer', async () => {
    const artifact = require('../artifacts/ContractWallet.json');
    const factory = new ethers.ContractFactory(artifact.abi, artifact.bytecode, owner);
    const wallet = await factory.deploy(alice.address);
    await wallet.deployed();
    const hash = ethers.utils.hashMessage('sign in with a contract wallet');
    const sign = (signer, digest) => ethers.utils.joinSignature(signer._signingKey().signDigest(digest));

    assert.equal(await wallet.isValidSignature(hash, sign(alice, hash)), MAGIC);
    // v written 0/1 instead of 27/28.
    const split = ethers.utils.splitSignature(sign(alice, hash));
    const lowV = ethers.utils.hexConcat([split.r, split.s, split.recoveryParam ? '0x01' : '0x00']);
    assert.equal(await wallet.isValidSignature(hash, lowV), MAGIC);
    assert.equal(await wallet.isValidSignature(hash, sign(bob, hash)), INVALID);
    assert.equal(await wallet.isValidSignature(id('another hash'), sign(alice, hash)), INVALID);
    assert.equal(await wallet.isValidSignature(hash, '0x1234'), INVALID);
    // The malleable twin (s' = n - s, v flipped) of a valid signature.
    const n = ethers.BigNumber.from('0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141');
    const twin = ethers.utils.hexConcat([
      split.r,
      hexZeroPad(n.sub(split.s).toHexString(), 32),
      split.recoveryParam ? '0x1b' : '0x1c',
    ]);
    assert.equal(await wallet.isValidSignature(hash, twin), INVALID);

    await (await wallet.connect(alice).transferOwnership(bob.address)).wait();
    assert.equal(await wallet.isValidSignature(hash, sign(alice, hash)), INVALID);
    assert.equal(await wallet.isValidSignature(hash, sign(bob, hash)), MAGIC);
    await assert.rejects(wallet.connect(alice).transferOwnership(alice.address), /not the owner/);
  });
});
