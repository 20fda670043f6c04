#!/usr/bin/env bash
# Builds the web app's static bundle, web/dist/ (served by the node's REST server at /).
#
#   web/build.sh [--no-wasm] [--dev]
#
# Idempotent: `npm ci` only when node_modules is missing or older than package-lock.json;
# then `npm run build` (esbuild: minified app.js + chunks, app.css, worker.js, sourcemaps,
# index.html, config.json, and the WebAssembly module copied from web/pkg/). It does not
# compile the WebAssembly module itself: web/build-wasm.sh does, and is run first (it skips
# when web/pkg is newer than the verifier's sources). --no-wasm builds without the module (the playground then says it is missing);
# --dev skips minification.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

no_wasm=0
dev=0
for a in "$@"; do
  case "$a" in
    --no-wasm) no_wasm=1 ;;
    --dev) dev=1 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown argument $a" >&2; exit 2 ;;
  esac
done

command -v node >/dev/null || { echo "build.sh: node is required (Debian: apt-get install nodejs npm)" >&2; exit 1; }
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 18 ] || { echo "build.sh: node >= 18 is required (found $(node --version))" >&2; exit 1; }

# Dependencies: reinstall when the lock changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "build.sh: npm ci"
  npm ci --no-audit --no-fund
fi

args=()
if [ "$no_wasm" = 0 ]; then
  # The module follows the verifier's sources: build-wasm.sh rebuilds it only when they
  # changed (a no-op takes well under a second).
  if [ -f build-wasm.sh ]; then
    bash build-wasm.sh
  fi
  args+=(--require-wasm)
fi
[ "$dev" = 1 ] && args+=(--dev)

npm run --silent build -- "${args[@]}"

raw=$(wc -c < dist/app.js)
gz=$(gzip -9 -c dist/app.js | wc -c)
echo "build.sh: dist/app.js ${raw} bytes (${gz} gzipped); dist/ $(du -sh dist | cut -f1) in all"
