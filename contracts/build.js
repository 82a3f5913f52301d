#!/usr/bin/env node
// SPDX-License-Identifier: MIT OR Apache-2.0
//
// Compile every src/*.sol (and src/test/*.sol) with solc-js through
// standard-JSON and write artifacts/<Name>.json (artifacts/test/<Name>.json
// for the test-only contracts) as {contractName, abi, bytecode}.
//
//   node build.js          write the artifacts
//   node build.js --check  recompile in memory; exit 1 if any committed
//                          artifact differs, is missing or is stale
'use strict';

const fs = require('fs');
const path = require('path');
const solc = require('solc');

const ROOT = __dirname;
const SRC = path.join(ROOT, 'src');
const OUT = path.join(ROOT, 'artifacts');
const EXPECTED_SOLC = '0.8.28';

function listSol(dir) {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.sol'))
    .sort();
}

// Every file under src/ is passed to the compiler (so imports resolve), but
// artifacts are emitted only for src/*.sol and src/test/*.sol, and only for
// the contract whose name equals the file name.
function collectSources() {
  const sources = {};
  const walk = (dir) => {
    for (const f of fs.readdirSync(dir).sort()) {
      const p = path.join(dir, f);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (f.endsWith('.sol')) {
        const key = path.relative(ROOT, p).split(path.sep).join('/');
        sources[key] = { content: fs.readFileSync(p, 'utf8') };
      }
    }
  };
  walk(SRC);
  return sources;
}

function targets() {
  const t = listSol(SRC).map((f) => ({ source: `src/${f}`, name: f.slice(0, -4), out: `${f.slice(0, -4)}.json` }));
  const testDir = path.join(SRC, 'test');
  if (fs.existsSync(testDir)) {
    for (const f of listSol(testDir)) {
      t.push({ source: `src/test/${f}`, name: f.slice(0, -4), out: `test/${f.slice(0, -4)}.json` });
    }
  }
  return t;
}

function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const o = {};
    for (const k of Object.keys(v).sort()) o[k] = sortKeys(v[k]);
    return o;
  }
  return v;
}

function abiKey(e) {
  const sig = (e.inputs || []).map((i) => i.type).join(',');
  return `${e.type}:${e.name || ''}(${sig})`;
}

function compile() {
  const version = solc.version();
  if (!version.startsWith(EXPECTED_SOLC + '+')) {
    throw new Error(`expected solc ${EXPECTED_SOLC}, got ${version}`);
  }
  const input = {
    language: 'Solidity',
    sources: collectSources(),
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: 'paris',
      viaIR: false,
      metadata: { bytecodeHash: 'none' },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors || []).filter((e) => e.severity === 'error');
  for (const w of (output.errors || []).filter((e) => e.severity !== 'error')) {
    process.stderr.write(w.formattedMessage + '\n');
  }
  if (errors.length) {
    for (const e of errors) process.stderr.write(e.formattedMessage + '\n');
    throw new Error(`solc reported ${errors.length} error(s)`);
  }
  const artifacts = {};
  for (const t of targets()) {
    const c = output.contracts[t.source] && output.contracts[t.source][t.name];
    if (!c) throw new Error(`${t.source} must define a contract named ${t.name}`);
    const abi = [...c.abi].map(sortKeys).sort((a, b) => (abiKey(a) < abiKey(b) ? -1 : abiKey(a) > abiKey(b) ? 1 : 0));
    const artifact = { contractName: t.name, abi, bytecode: '0x' + c.evm.bytecode.object };
    artifacts[t.out] = JSON.stringify(artifact, null, 2) + '\n';
  }
  return artifacts;
}

function existingArtifacts() {
  const found = [];
  const walk = (dir, rel) => {
    if (!fs.existsSync(dir)) return;
    for (const f of fs.readdirSync(dir).sort()) {
      const p = path.join(dir, f);
      const r = rel ? `${rel}/${f}` : f;
      if (fs.statSync(p).isDirectory()) walk(p, r);
      else if (f.endsWith('.json')) found.push(r);
    }
  };
  walk(OUT, '');
  return found;
}

function main() {
  const check = process.argv.includes('--check');
  const artifacts = compile();
  if (check) {
    const problems = [];
    for (const [rel, text] of Object.entries(artifacts)) {
      const p = path.join(OUT, rel);
      if (!fs.existsSync(p)) problems.push(`missing artifacts/${rel}`);
      else if (fs.readFileSync(p, 'utf8') !== text) problems.push(`artifacts/${rel} differs from a fresh compile`);
    }
    for (const rel of existingArtifacts()) {
      if (!(rel in artifacts)) problems.push(`artifacts/${rel} has no source (stale)`);
    }
    if (problems.length) {
      console.error('build.js --check FAILED:');
      for (const p of problems) console.error('  - ' + p);
      console.error('Run `node build.js` in contracts/ and commit the artifacts.');
      process.exit(1);
    }
    console.log(`build.js --check: ${Object.keys(artifacts).length} artifacts up to date`);
    return;
  }
  for (const rel of existingArtifacts()) {
    if (!(rel in artifacts)) fs.unlinkSync(path.join(OUT, rel));
  }
  for (const [rel, text] of Object.entries(artifacts)) {
    const p = path.join(OUT, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
  }
  console.log(`wrote ${Object.keys(artifacts).length} artifacts to artifacts/`);
}

try {
  main();
} catch (e) {
  console.error('build.js: ' + e.message);
  process.exit(1);
}
