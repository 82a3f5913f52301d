#!/usr/bin/env bash
# The interop suite: builds sigil, starts three `sigil devnet`s on free ports (one with the
# default free allowance, reading Solana and Cosmos conditions from a stand-in RPC, and one that serves nobody without capacity credits, both on their
# embedded EVM chain, and one on anvil with Sigil's contracts deployed there; the multi-host
# test deploys its own network on that anvil), runs the official
# Lit JS SDK v7 tests against them, and stops them whatever happens.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

cargo build --quiet --manifest-path "$root/Cargo.toml" --bin sigil
export SIGIL_BIN="$root/target/debug/sigil"

(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# start_devnet NAME EXTRA_FLAGS...: sets devnet_rpc_url once the devnet has written its
# ready.json (the same JSON `--json` prints; written atomically, so it is whole when seen).
# (Not run in $(...): the devnet must stay a child of this shell so cleanup can stop it.)
start_devnet() {
  local name="$1"; shift
  "$SIGIL_BIN" devnet --nodes 3 --threshold 2 --port 0 --rpc-port 0 --ipfs-port 0 \
    --data-dir "$work/$name" --block-time 1s --json "$@" > "$work/$name.log" 2>&1 &
  pids+=($!)
  local ready="$work/$name/ready.json"
  for _ in $(seq 1 100); do
    if [ -f "$ready" ]; then
      devnet_rpc_url="$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).chainRpcUrl)' "$ready")"
      devnet_ipfs_api="$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).ipfsApiUrl || "")' "$ready")"
      [ -n "$devnet_rpc_url" ] && return 0
    fi
    sleep 0.1
  done
  echo "devnet $name did not start:" >&2
  cat "$work/$name.log" >&2
  return 1
}

# An EVM chain under a third devnet: anvil (the contracts' npm install), Sigil's contracts
# deployed to it by `sigil devnet --evm-rpc`, nobody served for free.
anvil="$root/contracts/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"
[ -x "$anvil" ] || (cd "$root/contracts" && npm ci --no-audit --no-fund --loglevel=error)
anvil_port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{process.stdout.write(String(s.address().port));s.close()})')"
"$anvil" --host 127.0.0.1 --port "$anvil_port" --chain-id 31337 --silent > "$work/anvil.log" 2>&1 &
pids+=($!)
SIGIL_EVM_RPC_URL="http://127.0.0.1:$anvil_port"
for _ in $(seq 1 100); do
  node -e 'fetch(process.argv[1], { method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }) })
    .then(() => process.exit(0), () => process.exit(1))' "$SIGIL_EVM_RPC_URL" && break
  sleep 0.1
done
# anvil's account 0, public knowledge: the devnet's deployer.
export SIGIL_DEPLOYER_KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80

# A Solana RPC and a Cosmos REST endpoint for the open devnet's Solana and Cosmos conditions.
node "$here/other-chains-api.js" > "$work/other-chains.port" 2> "$work/other-chains.log" &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$work/other-chains.port" ] && break; sleep 0.1; done
other_chains="http://127.0.0.1:$(head -n1 "$work/other-chains.port")"

start_devnet open --chain-rpc "solana=$other_chains/solana" --chain-rpc "cosmos=$other_chains/lcd"
SIGIL_RPC_URL="$devnet_rpc_url"
SIGIL_CONTEXT="$work/open/network-context.json"
SIGIL_IPFS_API="$devnet_ipfs_api"
start_devnet paid --free-requests 0
SIGIL_PAID_RPC_URL="$devnet_rpc_url"
SIGIL_PAID_CONTEXT="$work/paid/network-context.json"
start_devnet evm --free-requests 0 --evm-rpc "$SIGIL_EVM_RPC_URL" --deployer-key-env SIGIL_DEPLOYER_KEY
SIGIL_EVM_CONTEXT="$work/evm/network-context.json"
# The paid devnet runs on its embedded chain, the default.
SIGIL_EMBEDDED_RPC_URL="$SIGIL_PAID_RPC_URL"
SIGIL_EMBEDDED_CONTEXT="$SIGIL_PAID_CONTEXT"
export SIGIL_RPC_URL SIGIL_CONTEXT SIGIL_IPFS_API SIGIL_PAID_RPC_URL SIGIL_PAID_CONTEXT SIGIL_EVM_RPC_URL SIGIL_EVM_CONTEXT SIGIL_EMBEDDED_RPC_URL SIGIL_EMBEDDED_CONTEXT
export SIGIL_STAKING_ADDRESS="0x5FbDB2315678afecb367f032d93F642f64180aa3"
export SIGIL_NODE_COUNT=3

# The seed guide in Rust, against the same devnet.
LIT_RPC_URL="$SIGIL_RPC_URL" cargo run --quiet --manifest-path "$root/Cargo.toml" -p sigil-client --example using_an_auth_sig

cd "$here"
# Every test file, or the ones named (paths relative to this directory).
if [ $# -gt 0 ]; then files=("$@"); else files=(test/*.test.js); fi
node --test --test-concurrency=1 --test-timeout=120000 "${files[@]}"
