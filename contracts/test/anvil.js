// SPDX-License-Identifier: MIT OR Apache-2.0
// Start/stop an anvil from the npm package @foundry-rs/anvil-linux-amd64.
'use strict';

const { spawn } = require('child_process');
const net = require('net');
const path = require('path');
const fs = require('fs');
const { ethers } = require('ethers');

function anvilBin() {
  const bin = path.join(__dirname, '..', 'node_modules', '@foundry-rs', 'anvil-linux-amd64', 'bin', 'anvil');
  if (!fs.existsSync(bin)) throw new Error(`anvil binary not found at ${bin}`);
  return bin;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function startAnvil({ chainId = 31337 } = {}) {
  const port = await freePort();
  const child = spawn(anvilBin(), ['--host', '127.0.0.1', '--port', String(port), '--chain-id', String(chainId), '--silent'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const url = `http://127.0.0.1:${port}`;
  const provider = new ethers.providers.StaticJsonRpcProvider({ url }, { chainId, name: 'anvil' });
  provider.pollingInterval = 50;
  const deadline = Date.now() + 15000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`anvil exited early (${child.exitCode}): ${stderr}`);
    try {
      await provider.send('eth_chainId', []);
      break;
    } catch (e) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`anvil did not answer on ${url}: ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { url, port, provider, child, stop };
}

module.exports = { startAnvil, anvilBin };
