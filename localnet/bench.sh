#!/usr/bin/env bash
# Prints throughput (tx/s) and confirmation latency on a fresh 1-validator localnet, of bank
# sends (default) or contract executions (`wasm`; needs contracts/artifacts, see contracts/build.sh).
#   localnet/bench.sh [bank|wasm] [ACCOUNTS] [TXS_PER_ACCOUNT]
# `inference [AGGREGATES]`: verified inferences one validator's block execution absorbs, with
# pre-made aggregate proofs of 32 (cached in ~/.cache/inferchain/bench-proofs: the first run
# proves them, ~40 s each) and single public proofs; gas per inference and what a block's gas
# limit holds (app/examples/inference_throughput.rs). The request -> verified result latency
# with the sidecar proving live is measured by the challenge end-to-end test ("bench:" lines).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$INFERCHAIN_ROOT"
"$INFERCHAIN_ROOT/localnet/build.sh"
if [ "${1:-}" = inference ]; then
  shift
  # Built with the workspace (as the tests are), so no other feature set is compiled.
  cargo build --release -q --workspace --examples
  exec "$CARGO_TARGET_DIR/release/examples/inference_throughput" "$@"
fi
cargo run --release -q -p inferchain-e2e --bin bench -- "$@"
