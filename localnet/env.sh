# Shared settings for every InferChain script; source it, don't run it.
# Pinned versions and cache locations live here so that the README commands, CI and the
# tests agree on them.

export COMETBFT_VERSION="v0.38.26"
# grpcurl: what users point at the gRPC port; the e2e tests check reflection through it.
export GRPCURL_VERSION="v1.9.4"
# The IBC peers (#14; localnet/install-ibc.sh builds them): the relayer and the counterparty.
export HERMES_VERSION="1.10.5"
export WASMD_VERSION="v0.61.14"
export INFERCHAIN_CACHE="${INFERCHAIN_CACHE:-$HOME/.cache/inferchain}"
# One cargo target dir outside the clone, reused between runs (builds are slow on 2 cores).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$INFERCHAIN_CACHE/target}"
# plonky2 needs nightly features; stable rustc builds it with this (cargo refuses it in
# .cargo/config.toml, so every script that builds exports it).
export RUSTC_BOOTSTRAP=1
# The Python environment with unmodified cosmpy, for its e2e test (tests/run.sh fills it).
export INFERCHAIN_COSMPY_VENV="${INFERCHAIN_COSMPY_VENV:-$INFERCHAIN_CACHE/cosmpy-venv}"
export PATH="$INFERCHAIN_CACHE/bin:$CARGO_TARGET_DIR/release:$HOME/.cargo/bin:$PATH"
INFERCHAIN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export INFERCHAIN_ROOT
export INFERCHAIN_CHAIN_ID="${INFERCHAIN_CHAIN_ID:-inferchain-local-1}"

log() { printf '\033[1m[inferchain]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31m[inferchain] error:\033[0m %s\n' "$*" >&2; exit 1; }

# Polls `cmd` until it succeeds or `secs` pass.
wait_for() {
  local secs="$1" what="$2"; shift 2
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    if (( SECONDS >= deadline )); then die "timed out after ${secs}s waiting for $what"; fi
    sleep 0.3
  done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
