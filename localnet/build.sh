#!/usr/bin/env bash
# Builds the node (release; the test suite reuses the same build).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$INFERCHAIN_ROOT"
log "building inferchaind (cargo target dir: $CARGO_TARGET_DIR)"
cargo build --release -p inferchain-app --bin inferchaind
