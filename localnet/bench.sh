#!/usr/bin/env bash
# Prints throughput (tx/s) and confirmation latency on a fresh 1-validator localnet, of bank
# sends (default) or contract executions (`wasm`; needs contracts/artifacts, see contracts/build.sh).
#   localnet/bench.sh [bank|wasm] [ACCOUNTS] [TXS_PER_ACCOUNT]
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$INFERCHAIN_ROOT"
"$INFERCHAIN_ROOT/localnet/build.sh"
cargo run --release -q -p inferchain-e2e --bin bench -- "$@"
