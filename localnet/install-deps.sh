#!/usr/bin/env bash
# Installs what the project needs and is missing, idempotently: Debian packages, the pinned
# CometBFT binary and grpcurl (built from the Go module proxy), and the CosmJS test client's npm packages.
set -euo pipefail
source "$(dirname "$0")/env.sh"

need_apt=()
for pkg in "$@"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if ((${#need_apt[@]})); then
  log "installing Debian packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}"
fi

command -v go >/dev/null || die "Go is required to build CometBFT (https://go.dev/doc/install)"
command -v cargo >/dev/null || die "Rust (cargo) is required"

have_version="$(cometbft version 2>/dev/null || true)"
if [ "v$have_version" != "$COMETBFT_VERSION" ]; then
  log "building CometBFT $COMETBFT_VERSION (go install; first time takes a few minutes)"
  mkdir -p "$INFERCHAIN_CACHE/bin"
  GOBIN="$INFERCHAIN_CACHE/bin" go install "github.com/cometbft/cometbft/cmd/cometbft@$COMETBFT_VERSION"
fi
log "cometbft $(cometbft version)"

if [ "$(grpcurl -version 2>&1 || true)" != "grpcurl $GRPCURL_VERSION" ]; then
  log "building grpcurl $GRPCURL_VERSION (go install)"
  mkdir -p "$INFERCHAIN_CACHE/bin"
  GOBIN="$INFERCHAIN_CACHE/bin" go install -ldflags "-X main.version=$GRPCURL_VERSION" \
    "github.com/fullstorydev/grpcurl/cmd/grpcurl@$GRPCURL_VERSION"
fi
