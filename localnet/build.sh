#!/usr/bin/env bash
# Builds every binary of the workspace (release). The test suite builds the same way, so the
# localnet and the tests share one build (building one package alone would unify features
# differently and rebuild half the dependency tree).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$INFERCHAIN_ROOT"
log "building (cargo target dir: $CARGO_TARGET_DIR)"
cargo build --release --workspace --bins
