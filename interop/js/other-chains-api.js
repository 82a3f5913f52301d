// A stand-in for a Solana JSON-RPC server (POST /solana) and a Cosmos REST endpoint (/lcd/...),
// for the interop devnet's Solana and Cosmos conditions: the wallets of the chain AuthSig
// vectors hold 5000 lamports and 7 uatom, everyone else nothing. Prints its port, then serves
// until killed.
'use strict';
const http = require('node:http');
const vectors = require('../../crates/sigil-auth/tests/vectors/chain-auth-sigs.json');

const LAMPORTS = 5000;
const UATOM = '7';

function solana(call) {
  const [param] = call.params || [];
  switch (call.method) {
    case 'getBalance':
      return { result: { context: { slot: 9 }, value: param === vectors.solana.address ? LAMPORTS : 0 } };
    case 'getHealth':
      return { result: 'ok' };
    default:
      return { error: { code: -32601, message: 'Method not found' } };
  }
}

function cosmos(path) {
  const balances = path.match(/^\/lcd\/cosmos\/bank\/v1beta1\/balances\/([^/?]+)/);
  if (balances) {
    const held = balances[1] === vectors.cosmos.address ? [{ denom: 'uatom', amount: UATOM }] : [];
    return { balances: held, pagination: { total: String(held.length) } };
  }
  return null;
}

const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => { body += chunk; });
  req.on('end', () => {
    let answer;
    if (req.method === 'POST' && req.url === '/solana') {
      let call;
      try {
        call = JSON.parse(body);
      } catch {
        call = {};
      }
      answer = { jsonrpc: '2.0', id: call.id ?? null, ...solana(call) };
    } else if (req.method === 'GET') {
      answer = cosmos(req.url);
    }
    if (!answer) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 5, message: 'not found' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer));
  });
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
