#!/usr/bin/env bash
# Builds the browser module web/wasm (crate inferchain-web: the quantized integer inference and
# the plonky2 inference-proof verifier) to wasm32 and writes its JS loader to web/pkg/
# (inferchain_web.js, inferchain_web_bg.wasm, .d.ts files) with wasm-bindgen --target web.
#
# Recipe: ../shared/WEB.md and ../shared/WASM.md — Debian's Rust 1.96 (rustc-web) with
# -Z build-std (RUSTC_BOOTSTRAP=1), but unlike the contracts neither target-cpu=mvp (browsers
# have bulk memory and reference types) nor --allow-undefined (wasm-bindgen's imports name
# their module, nothing is left undefined). The verifier is built without its `prove` and
# `parallel` features: verification only, no threads.
#
# Usage: web/build-wasm.sh [--force]
#   Skips the build when web/pkg is newer than every source (use --force to rebuild).
# Environment:
#   INFERCHAIN_WEB_WASM_TARGET_DIR  cargo target dir (default ~/.cache/inferchain/target-web)
#   WASM_BINDGEN                    a wasm-bindgen binary to use instead (must be 0.2.130)
#   INFERCHAIN_WASM_OPT=1           also run `wasm-opt -Os` (binaryen) where it is on PATH: ~7%
#                                   smaller raw but *larger* gzipped here, ~1 min; off by default
#   INFERCHAIN_WEB_KEEP_NAMES=1     keep the wasm `name` section (readable stack traces)
set -euo pipefail

DEBIAN_PACKAGES=(rustc-web cargo-web rust-web-src rust-web-llvm lld-22)
# Must equal the `wasm-bindgen` crate in web/wasm/Cargo.toml (pinned with `=`) and its lock.
BINDGEN_VERSION=0.2.130

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
crate="$here/wasm"
pkg="$here/pkg"
target_dir="${INFERCHAIN_WEB_WASM_TARGET_DIR:-$HOME/.cache/inferchain/target-web}"
bindgen_root="$HOME/.cache/inferchain/wasm-bindgen-$BINDGEN_VERSION"
bindgen="${WASM_BINDGEN:-$bindgen_root/bin/wasm-bindgen}"
force=0
[[ "${1:-}" == "--force" ]] && force=1

sizes() {
    local f="$pkg/inferchain_web_bg.wasm"
    printf '  %-24s %9d bytes (gzip -9: %d bytes)\n' "$(basename "$f")" \
        "$(stat -c %s "$f")" "$(gzip -9 -c "$f" | wc -c)"
    printf '  %-24s %9d bytes\n' inferchain_web.js "$(stat -c %s "$pkg/inferchain_web.js")"
}

# --- up to date? ------------------------------------------------------------------------------
sources=("$root/Cargo.toml" "$here/build-wasm.sh" "$crate/Cargo.toml" "$crate/Cargo.lock"
    "$crate/src" "$root/prover/verifier/Cargo.toml" "$root/prover/verifier/src")
outputs=("$pkg/inferchain_web_bg.wasm" "$pkg/inferchain_web.js")
if ((force == 0)); then
    up_to_date=1
    for o in "${outputs[@]}"; do
        if [[ ! -f "$o" ]] || [[ -n "$(find "${sources[@]}" -newer "$o" -print -quit 2>/dev/null)" ]]; then
            up_to_date=0
            break
        fi
    done
    if ((up_to_date)); then
        echo "build-wasm.sh: web/pkg is up to date (use --force to rebuild)"
        sizes
        exit 0
    fi
fi

# --- toolchain: install the Debian packages that are missing (apt-get update only then) -----
missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
sudo_cmd=()
[[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
if ((${#missing[@]})); then
    echo "build-wasm.sh: installing ${missing[*]}" >&2
    "${sudo_cmd[@]}" apt-get update
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y "${missing[@]}"
fi

# --- build ------------------------------------------------------------------------------------
start=$(date +%s)
(
    cd "$crate"
    # Debian's cargo/rustc, not rustup's proxies earlier in PATH; RUSTC_BOOTSTRAP for -Z build-std.
    env -u RUSTFLAGS -u CARGO_ENCODED_RUSTFLAGS -u CARGO_TARGET_DIR -u CARGO_BUILD_TARGET \
        RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc \
        /usr/bin/cargo \
        --config 'unstable.build-std=["std", "panic_abort"]' \
        build --release --lib --target wasm32-unknown-unknown \
        --manifest-path "$crate/Cargo.toml" --target-dir "$target_dir"
)
built=$(($(date +%s) - start))
wasm="$target_dir/wasm32-unknown-unknown/release/inferchain_web.wasm"
[[ -f "$wasm" ]] || { echo "build-wasm.sh: missing $wasm" >&2; exit 1; }

# --- wasm-bindgen-cli (the JS loader); installed once into ~/.cache ---------------------------
if [[ ! -x "$bindgen" ]] || [[ "$("$bindgen" --version 2>/dev/null)" != "wasm-bindgen $BINDGEN_VERSION" ]]; then
    [[ -n "${WASM_BINDGEN:-}" ]] && {
        echo "build-wasm.sh: WASM_BINDGEN=$WASM_BINDGEN is not wasm-bindgen $BINDGEN_VERSION" >&2
        exit 1
    }
    echo "build-wasm.sh: installing wasm-bindgen-cli $BINDGEN_VERSION into $bindgen_root" >&2
    # (no --locked: the registry mirror here lacks some of the versions its lock names)
    # Its own target dir (like Hermes), and -O1: a build tool run once per build, on one
    # module, whose compile time is what a cold CI pays.
    CARGO_TARGET_DIR="$HOME/.cache/inferchain/target-bindgen" CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
        cargo install wasm-bindgen-cli --version "$BINDGEN_VERSION" --root "$bindgen_root"
fi

rm -rf "$pkg.tmp"
# The `name` section (function names, for stack traces) is over half the module: dropped
# unless INFERCHAIN_WEB_KEEP_NAMES=1. (Not cargo's `strip`: that also drops the
# target_features section wasm-bindgen reads.)
names=(--remove-name-section)
[[ "${INFERCHAIN_WEB_KEEP_NAMES:-0}" == 1 ]] && names=()
"$bindgen" --target web "${names[@]}" --out-dir "$pkg.tmp" --out-name inferchain_web "$wasm"

# --- optional: wasm-opt (binaryen; it reads the enabled features from target_features) ---------
if [[ "${INFERCHAIN_WASM_OPT:-0}" == 1 ]]; then
    command -v wasm-opt >/dev/null || { echo "build-wasm.sh: INFERCHAIN_WASM_OPT=1 but no wasm-opt on PATH" >&2; exit 1; }
    bg="$pkg.tmp/inferchain_web_bg.wasm"
    if wasm-opt -Os "$bg" -o "$bg.opt"; then
        echo "build-wasm.sh: wasm-opt -Os: $(stat -c %s "$bg") -> $(stat -c %s "$bg.opt") bytes"
        mv "$bg.opt" "$bg"
    else
        echo "build-wasm.sh: wasm-opt failed; keeping wasm-bindgen's output" >&2
        rm -f "$bg.opt"
    fi
fi

rm -rf "$pkg"
mv "$pkg.tmp" "$pkg"
echo "build-wasm.sh: built in ${built}s (cargo), module $(stat -c %s "$wasm") bytes before wasm-bindgen"
sizes
