#!/usr/bin/env bash
# The interop suite: builds sigil, starts two `sigil devnet`s on free ports (one with the
# default free allowance, one that serves nobody without capacity credits), runs the official
# Lit JS SDK v7 tests against them, and stops the devnets whatever happens.
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
  "$SIGIL_BIN" devnet --nodes 3 --threshold 2 --port 0 --rpc-port 0 \
    --data-dir "$work/$name" --block-time 1s --json "$@" > "$work/$name.log" 2>&1 &
  pids+=($!)
  local ready="$work/$name/ready.json"
  for _ in $(seq 1 100); do
    if [ -f "$ready" ]; then
      devnet_rpc_url="$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).chainRpcUrl)' "$ready")"
      [ -n "$devnet_rpc_url" ] && return 0
    fi
    sleep 0.1
  done
  echo "devnet $name did not start:" >&2
  cat "$work/$name.log" >&2
  return 1
}

start_devnet open
SIGIL_RPC_URL="$devnet_rpc_url"
start_devnet paid --free-requests 0
SIGIL_PAID_RPC_URL="$devnet_rpc_url"
export SIGIL_RPC_URL SIGIL_PAID_RPC_URL
export SIGIL_STAKING_ADDRESS="0x5FbDB2315678afecb367f032d93F642f64180aa3"
export SIGIL_NODE_COUNT=3

# The seed guide in Rust, against the same devnet.
LIT_RPC_URL="$SIGIL_RPC_URL" cargo run --quiet --manifest-path "$root/Cargo.toml" -p sigil-client --example using_an_auth_sig

cd "$here"
node --test --test-concurrency=1 --test-timeout=120000 test/*.test.js
