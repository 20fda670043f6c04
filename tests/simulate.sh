#!/usr/bin/env bash
# The long simulation: MSGS random messages of every kind in blocks through the in-process
# harness, the chain's invariants checked after every block, then the same seed replayed
# for identical app hashes (app/tests/reliability/simulation.rs; CI runs 10,000).
#
#   tests/simulate.sh [MSGS] [SEED]     default 20000 messages, a random seed
#
# It prints the seed, blocks, messages, transactions that succeeded and failed, invariant
# checks run, coins burned and proofs verified; a failure names the seed to replay.
set -euo pipefail
source "$(dirname "$0")/../localnet/env.sh"
cd "$INFERCHAIN_ROOT"
INFERCHAIN_WASM_CHECK="inferchaind wasm check" contracts/build.sh >/dev/null
export INFERCHAIN_SIM_MSGS="${1:-20000}"
[ -n "${2:-}" ] && export INFERCHAIN_SIM_SEED="$2"
log "simulating $INFERCHAIN_SIM_MSGS messages${INFERCHAIN_SIM_SEED:+ (seed $INFERCHAIN_SIM_SEED)}"
cargo test --release --workspace --test reliability -- simulation:: --nocapture
