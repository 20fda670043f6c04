#!/usr/bin/env bash
# The whole test suite: installs what's missing, builds once (release; shared with the
# localnet), then runs every unit, contract, prover and end-to-end test.
set -euo pipefail
source "$(dirname "$0")/../localnet/env.sh"
cd "$INFERCHAIN_ROOT"

# Debian's Chromium: the browser the web app's test drives (playwright-core downloads none).
"$INFERCHAIN_ROOT/localnet/install-deps.sh" chromium
# The IBC peers for tests/tests/ibc.rs: Hermes and wasmd, built once into the cache outside
# the clone (about 13 minutes of both cores cold, nothing when cached). Built in the
# background, niced, while the workspace, the web module and the contracts build: a cargo
# build leaves a core idle for long stretches (one big crate compiling, linking, downloads),
# and the peers fill them. Only `cargo test` below needs them.
mkdir -p "$INFERCHAIN_CACHE/logs"
ibc_log="$INFERCHAIN_CACHE/logs/install-ibc.log"
setsid -w nice -n 10 "$INFERCHAIN_ROOT/localnet/install-ibc.sh" >"$ibc_log" 2>&1 &
ibc_pid=$!
# Its own process group (setsid): an early failure here stops its cargo/go builds too.
trap 'kill -- -"$ibc_pid" 2>/dev/null || true' EXIT
if [ ! -d tests/cosmjs/node_modules/@cosmjs/cosmwasm-stargate ] || [ tests/cosmjs/package-lock.json -nt tests/cosmjs/node_modules ]; then
  log "installing CosmJS (npm ci)"
  (cd tests/cosmjs && npm ci --no-audit --no-fund --loglevel=error)
fi
stamp="$INFERCHAIN_COSMPY_VENV/.installed"
if [ ! -f "$stamp" ] || [ tests/cosmpy/requirements.txt -nt "$stamp" ]; then
  log "installing cosmpy (pip, into $INFERCHAIN_COSMPY_VENV)"
  python3 -m venv "$INFERCHAIN_COSMPY_VENV" 2>/dev/null || {
    "$INFERCHAIN_ROOT/localnet/install-deps.sh" python3-venv
    python3 -m venv "$INFERCHAIN_COSMPY_VENV"
  }
  "$INFERCHAIN_COSMPY_VENV/bin/pip" install -q -r tests/cosmpy/requirements.txt
  touch "$stamp"
fi
"$INFERCHAIN_ROOT/localnet/build.sh"
# The web app: its WebAssembly module (Debian's rustc, like the contracts), then the bundle.
"$INFERCHAIN_ROOT/web/build.sh"
# Contracts to wasm (Debian's rustc + build-std; see contracts/build.sh), each checked by the
# chain's own upload validation (`inferchaind wasm check`, cosmwasm-vm's checks and compile).
INFERCHAIN_WASM_CHECK="inferchaind wasm check" contracts/build.sh
if ! wait "$ibc_pid"; then
  cat "$ibc_log" >&2
  die "installing the IBC peers failed (log above: $ibc_log)"
fi
cat "$ibc_log" >&2
log "running tests"
# The web app's own unit tests (transaction encoding, config overrides; Node, seconds).
(cd web && npm test --silent)
# Each e2e test binary starts its own localnet on its own ports.
cargo test --release --workspace
