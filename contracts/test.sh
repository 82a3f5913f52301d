#!/usr/bin/env bash
# Build check + tests for Sigil's Solidity contracts. Called from scripts/test.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null
node build.js --check
npm test --silent
