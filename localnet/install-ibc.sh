#!/usr/bin/env bash
# Installs the IBC peers, idempotently, into the cache outside the clone: the Hermes relayer
# (from crates.io) and wasmd, the counterparty chain (from the Go module proxy alone; see
# ../shared/IBC.md for why it is built this way). Both take minutes the first time.
set -euo pipefail
source "$(dirname "$0")/env.sh"
mkdir -p "$INFERCHAIN_CACHE/bin"

if [ "$(hermes version 2>/dev/null | awk '{print $2}')" != "$HERMES_VERSION" ]; then
  log "building Hermes $HERMES_VERSION (cargo install; ~6 min on 2 cores the first time)"
  # Its own target dir: the relayer's 432 crates must not evict the workspace's build.
  # opt-level 1: the relayer waits on blocks and RPC, not on its own CPU, and -O1 compiles
  # its 432 crates in well under the time -O3 takes.
  env -u RUSTC_BOOTSTRAP CARGO_TARGET_DIR="$INFERCHAIN_CACHE/target-hermes" \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
    cargo install "ibc-relayer-cli@$HERMES_VERSION" --bin hermes --locked \
    --root "$INFERCHAIN_CACHE/hermes" --quiet
  ln -sf "$INFERCHAIN_CACHE/hermes/bin/hermes" "$INFERCHAIN_CACHE/bin/hermes"
fi
log "$(hermes version)"

if ! wasmd version --long 2>/dev/null | grep -q "version: ${WASMD_VERSION#v}"; then
  command -v go >/dev/null || die "Go is required to build wasmd"
  log "building wasmd $WASMD_VERSION (Go module proxy; ~7 min and ~2 GB of modules the first time)"
  src="$INFERCHAIN_CACHE/wasmd-src/$WASMD_VERSION"
  if [ ! -f "$src/.copied" ]; then
    # `go install …@version` refuses wasmd (its go.mod has replace directives): fetch the
    # module, copy it somewhere writable and build it as a main module.
    dir="$(go mod download -json "github.com/CosmWasm/wasmd@$WASMD_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')"
    rm -rf "$src"; mkdir -p "$(dirname "$src")"
    cp -r "$dir" "$src"; chmod -R u+w "$src"
    # sonic v1.14 pins Go runtime internals that Go 1.26 removed; v1.15.5 builds.
    (cd "$src" && go get github.com/bytedance/sonic@v1.15.5 && go mod download)
    touch "$src/.copied"
  fi
  sdk="$(cd "$src" && go list -m -f '{{.Version}}' github.com/cosmos/cosmos-sdk)"
  ldflags="-X github.com/cosmos/cosmos-sdk/version.Name=wasm -X github.com/cosmos/cosmos-sdk/version.AppName=wasmd"
  ldflags+=" -X github.com/cosmos/cosmos-sdk/version.Version=${WASMD_VERSION#v}"
  (cd "$src" && CGO_ENABLED=1 go build -tags netgo -ldflags "$ldflags" -o "$INFERCHAIN_CACHE/bin/wasmd" ./cmd/wasmd)
  log "wasmd built against cosmos-sdk $sdk"
fi
log "wasmd $(wasmd version 2>&1)"
