// Regenerate: npm install ipfs-only-hash@4.0.0 && node ipfs-cids.js > ipfs-cids.json
// CIDs `ipfs add` gives (CIDv0, 256 KiB chunks, dag-pb/UnixFS, balanced layout), from the npm
// package ipfs-only-hash, for inputs a Rust test can rebuild: UTF-8 texts and byte patterns.
const Hash = require('ipfs-only-hash');
const pattern = (len, modulus) => Buffer.from(Array.from({ length: len }, (_, i) => i % modulus));
const cases = [
  { name: 'empty', text: '' },
  { name: 'hello', text: 'hello' },
  { name: 'action', text: 'const go = async () => { Lit.Actions.setResponse({ response: "hi" }); };\ngo();\n' },
  { name: 'unicode', text: 'héllo wörld ✓\n' },
  { name: 'one chunk exactly', len: 262144, modulus: 251 },
  { name: 'one chunk and a byte', len: 262145, modulus: 251 },
  { name: 'three chunks and some', len: 800000, modulus: 253 },
  { name: 'over 174 chunks (two levels of links)', len: 262144 * 175 + 7, modulus: 256 },
];
(async () => {
  const out = [];
  for (const c of cases) {
    const bytes = c.text !== undefined ? Buffer.from(c.text, 'utf8') : pattern(c.len, c.modulus);
    const cid = await Hash.of(bytes);
    out.push({ ...c, cid });
  }
  console.log(JSON.stringify({ generator: 'ipfs-only-hash@4.0.0 Hash.of(bytes)', cases: out }, null, 2));
})();
