// SPDX-License-Identifier: MIT OR Apache-2.0
//
// Deploy every contract from artifacts/ and wire the ContractResolver.
//
//   const { deploy } = require('./deploy');
//   const ctx = await deploy(provider, { env: 0 });
//   // ctx = { Staking: { address, abi, name }, PKPNFT: {...}, ... }   (networkContext.json shape)
//
// CLI: node deploy.js --rpc http://127.0.0.1:8545 [--env 0] [--out networkContext.json]
'use strict';

const fs = require('fs');
const path = require('path');
const { ethers } = require('ethers');

const DEV_MNEMONIC = 'test test test test test test test test test test test junk';

// ContractResolver.Env: 0 = Dev, 1 = Staging, 2 = Prod.
const DEFAULT_ENV = 0;

// ContractResolver type keys: keccak256 of these names (see ContractResolver.sol).
const RESOLVER_KEYS = {
  Staking: 'STAKING',
  StakingBalances: 'STAKING_BALANCES',
  LITToken: 'LIT_TOKEN',
  Allowlist: 'ALLOWLIST',
  Multisender: 'MULTI_SENDER',
  PubkeyRouter: 'PUB_KEY_ROUTER',
  PKPNFT: 'PKP_NFT',
  PKPPermissions: 'PKP_PERMISSIONS',
  PKPNFTMetadata: 'PKP_NFT_METADATA',
  PKPHelper: 'PKP_HELPER',
  RateLimitNFT: 'RATE_LIMIT_NFT',
  KeyDeriver: 'HD_KEY_DERIVER',
};

function artifact(name) {
  const p = path.join(__dirname, 'artifacts', `${name}.json`);
  const t = path.join(__dirname, 'artifacts', 'test', `${name}.json`);
  return JSON.parse(fs.readFileSync(fs.existsSync(p) ? p : t, 'utf8'));
}

function devWallet(provider, index = 0) {
  return ethers.Wallet.fromMnemonic(DEV_MNEMONIC, `m/44'/60'/0'/0/${index}`).connect(provider);
}

/**
 * @param provider ethers v5 provider
 * @param opts.env          ContractResolver env (default 0 = Dev)
 * @param opts.signer       deployer (default: account 0 of the dev mnemonic)
 * @param opts.mintCost     PKP mint cost in wei (default 1)
 * @param opts.keyDeriver   address of an HD key deriver (a chain's precompile-backed
 *                          one); default deploys KeyDeriver (the derivation in EVM code)
 * @param opts.rootKeys     optional [{pubkey, keyType}] set on PubkeyRouter for Staking
 * @param opts.litTokenCap  LITToken cap (default 1e9 * 1e18)
 */
async function deploy(provider, opts = {}) {
  const env = opts.env ?? DEFAULT_ENV;
  const signer = opts.signer ?? devWallet(provider, 0);
  const out = {};

  const dep = async (name, args = [], as = name) => {
    const a = artifact(name);
    const factory = new ethers.ContractFactory(a.abi, a.bytecode, signer);
    const c = await factory.deploy(...args);
    await c.deployTransaction.wait();
    out[as] = { address: c.address, abi: a.abi, name: as };
    return c;
  };

  const resolver = await dep('ContractResolver', [env]);
  await dep('Staking', [resolver.address, env]);
  await dep('StakingBalances', [resolver.address, env]);
  await dep('LITToken', [opts.litTokenCap ?? ethers.utils.parseEther('1000000000')]);
  await dep('Allowlist');
  await dep('Multisender');
  const router = await dep('PubkeyRouter', [resolver.address, env]);
  await dep('PKPNFT', [resolver.address, env, opts.mintCost ?? 1]);
  await dep('PKPPermissions', [resolver.address, env]);
  await dep('PKPNFTMetadata', [resolver.address, env]);
  await dep('PKPHelper', [resolver.address, env]);
  await dep('RateLimitNFT');
  if (opts.keyDeriver) {
    out.KeyDeriver = { address: opts.keyDeriver, abi: artifact('KeyDeriver').abi, name: 'KeyDeriver' };
  } else {
    await dep('KeyDeriver');
  }

  for (const [name, key] of Object.entries(RESOLVER_KEYS)) {
    const tx = await resolver.setContract(ethers.utils.id(key), env, out[name].address);
    await tx.wait();
  }

  if (opts.rootKeys && opts.rootKeys.length) {
    const tx = await router.adminSetRootKeys(out.Staking.address, opts.rootKeys);
    await tx.wait();
  }
  return out;
}

module.exports = { deploy, devWallet, artifact, DEV_MNEMONIC, DEFAULT_ENV, RESOLVER_KEYS };

if (require.main === module) {
  const arg = (k, d) => {
    const i = process.argv.indexOf(k);
    return i >= 0 ? process.argv[i + 1] : d;
  };
  const provider = new ethers.providers.JsonRpcProvider(arg('--rpc', 'http://127.0.0.1:8545'));
  deploy(provider, { env: Number(arg('--env', DEFAULT_ENV)) })
    .then((ctx) => {
      const text = JSON.stringify(ctx, null, 2) + '\n';
      const outPath = arg('--out');
      if (outPath) fs.writeFileSync(outPath, text);
      else process.stdout.write(text);
    })
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
