#!/usr/bin/env bash
# The long perturbation run: a fresh 4-validator localnet under a steady load, ROUNDS random
# kill -9 / pause / partition rounds, then app hashes compared at every height and the load
# reconciled (tests/src/perturb.rs; CI runs 3 rounds inside tests/tests/four_validators.rs).
#
#   tests/perturb.sh [ROUNDS]      default 20; INFERCHAIN_PERTURB_SEED=N replays a run
set -euo pipefail
source "$(dirname "$0")/../localnet/env.sh"
cd "$INFERCHAIN_ROOT"
"$INFERCHAIN_ROOT/localnet/install-deps.sh"
"$INFERCHAIN_ROOT/localnet/build.sh"
INFERCHAIN_WASM_CHECK="inferchaind wasm check" contracts/build.sh >/dev/null
exec "$CARGO_TARGET_DIR/release/perturb" "${1:-20}"
