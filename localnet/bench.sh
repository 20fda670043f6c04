#!/usr/bin/env bash
# Prints bank-send throughput (tx/s) and confirmation latency on a fresh 1-validator localnet.
#   localnet/bench.sh [ACCOUNTS] [TXS_PER_ACCOUNT]
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$INFERCHAIN_ROOT"
"$INFERCHAIN_ROOT/localnet/build.sh"
cargo run --release -q -p inferchain-e2e --bin bench -- "$@"
