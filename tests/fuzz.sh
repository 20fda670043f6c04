#!/usr/bin/env bash
# The long fuzzing run: each target of app/tests/reliability/fuzz.rs (tx bytes, signed
# messages of every type, ABCI queries, the proof envelope and verifier, contract JSON) for
# SECS seconds, one after another; CI runs the same targets bounded by executions.
#
#   tests/fuzz.sh [SECS]          default 720: five targets, one hour
#   INFERCHAIN_FUZZ_SEED=N tests/fuzz.sh   replays a seed a failure printed
#
# Each target prints its executions, rate, seed and largest allocation; a failure prints the
# seed and the input that made the node panic or ask for more than 256 MiB at once.
set -euo pipefail
source "$(dirname "$0")/../localnet/env.sh"
cd "$INFERCHAIN_ROOT"
secs="${1:-720}"
# The contract target runs the staking contract built by our toolchain.
INFERCHAIN_WASM_CHECK="inferchaind wasm check" contracts/build.sh >/dev/null
log "fuzzing each target for ${secs}s"
INFERCHAIN_FUZZ_SECS="$secs" cargo test --release --workspace --test reliability -- \
  fuzz:: --nocapture --test-threads 1
