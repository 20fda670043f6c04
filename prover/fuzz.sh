#!/usr/bin/env bash
# Runs the verifier's fuzz targets longer than the suite does: hostile envelopes (random bytes,
# mutated headers) and mutated real proofs, each rejected without a panic.
#   prover/fuzz.sh [ITERATIONS]     (default 200000; the suite runs 2000)
set -euo pipefail
source "$(dirname "$0")/../localnet/env.sh"
cd "$INFERCHAIN_ROOT"
FUZZ_ITERS="${1:-200000}" cargo test --release --workspace --test hostile_input -- --nocapture
