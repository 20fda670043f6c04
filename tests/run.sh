#!/usr/bin/env bash
# The whole test suite: installs what's missing, builds once (release; shared with the
# localnet), then runs every unit, contract, prover and end-to-end test.
set -euo pipefail
source "$(dirname "$0")/../localnet/env.sh"
cd "$INFERCHAIN_ROOT"

"$INFERCHAIN_ROOT/localnet/install-deps.sh"
if [ -x contracts/build.sh ]; then contracts/build.sh; fi
if [ ! -d tests/cosmjs/node_modules/@cosmjs/stargate ] || [ tests/cosmjs/package-lock.json -nt tests/cosmjs/node_modules ]; then
  log "installing CosmJS (npm ci)"
  (cd tests/cosmjs && npm ci --no-audit --no-fund --loglevel=error)
fi
log "building the workspace"
cargo build --release --workspace --bins
log "running tests"
# Each e2e test binary starts its own localnet on its own ports.
cargo test --release --workspace
