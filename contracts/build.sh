#!/usr/bin/env bash
# Builds every CosmWasm contract crate to wasm32 and writes contracts/artifacts/<name>.wasm
# plus contracts/artifacts/checksums.txt (sha256).
#
# Recipe: ../shared/WASM.md — Debian's Rust 1.96 (rustc-web) with -Z build-std, target-cpu=mvp
# (cosmwasm-vm 3 rejects bulk-memory/reference-types) and --allow-undefined (the host imports
# of cosmwasm-std). All contracts are built in one cargo invocation so the std is compiled once.
# Validation of the .wasm by cosmwasm-vm's static checks belongs to the chain (another issue):
# set INFERCHAIN_WASM_CHECK to that command (e.g. "inferchaind wasm check") and it runs on
# every artifact after the build.
#
# Usage: contracts/build.sh [--force]
#   Skips the build when every artifact is newer than all contract sources.
#        contracts/build.sh --cw20
#   Builds only cw20-base 2.0.0 from crates.io, unmodified (localnet/perf/cw20-base), into
#   artifacts/cw20_base.wasm: the token localnet/perf.sh loads InferChain and wasmd with.
set -euo pipefail

# The four InferChain contracts, then three test contracts for the chain's CosmWasm hosting
# (not deployed by the localnet; see README.md), then the lending pool (an inference consumer),
# then the IBC consumer (deployed on the counterparty, wasmd, by localnet/ibc.sh).
CONTRACTS=(staking challenge reputation governance counter caller hostile lending ibc-consumer)
# Built in a cargo invocation of their own because they enable cosmwasm-std capability features
# (caller: cosmwasm_1_2 for instantiate2; lending: cosmwasm_2_0 for CosmosMsg::Any, the chain's
# MsgRequestInference; ibc-consumer: stargate for the IBC entry points). Cargo unifies features across the packages of one
# invocation, so building them with the rest would make every contract's wasm export
# `requires_cosmwasm_1_2` and change the four contracts' checksums. The std built by
# -Z build-std is shared (same target dir), so this costs seconds.
OWN_BUILD=(caller lending ibc-consumer)
DEBIAN_PACKAGES=(rustc-web cargo-web rust-web-src rust-web-llvm lld-22)

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
artifacts="$here/artifacts"
target_dir="${INFERCHAIN_WASM_TARGET_DIR:-$HOME/.cache/inferchain/target-wasm}"
force=0
cw20=0
[[ "${1:-}" == "--force" ]] && force=1
[[ "${1:-}" == "--cw20" ]] && cw20=1

# --- toolchain: install the Debian packages that are missing (apt-get update only then) -----
missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "build.sh: installing ${missing[*]}" >&2
    sudo_cmd=()
    [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y "${missing[@]}"
fi

# Optional chain-side validation of every artifact (see the header).
run_check() {
    local files=()
    for c in "${CONTRACTS[@]}"; do
        files+=("$artifacts/$c.wasm")
    done
    if [[ -n "${INFERCHAIN_WASM_CHECK:-}" ]]; then
        # shellcheck disable=SC2086 # the variable is a command line
        $INFERCHAIN_WASM_CHECK "${files[@]}"
    fi
}

# The recipe: wasm_cargo DIR CARGO_BUILD_ARGS... builds in the cargo workspace at DIR.
wasm_cargo() {
    local dir="$1"
    shift
    (
        cd "$dir"
        # Debian's cargo/rustc, not rustup's proxies earlier in PATH; RUSTC_BOOTSTRAP for -Z build-std.
        env -u RUSTFLAGS -u CARGO_TARGET_DIR -u CARGO_BUILD_TARGET \
            RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc \
            /usr/bin/cargo \
            --config 'unstable.build-std=["std", "panic_abort"]' \
            --config 'target.wasm32-unknown-unknown.rustflags=["-C", "link-arg=--allow-undefined", "-C", "target-cpu=mvp"]' \
            build --profile wasm --lib --target wasm32-unknown-unknown \
            --target-dir "$target_dir" "$@"
    )
}

if ((cw20)); then
    wasm_cargo "$root/localnet/perf/cw20-base"
    mkdir -p "$artifacts"
    cp "$target_dir/wasm32-unknown-unknown/wasm/inferchain_perf_cw20_base.wasm" "$artifacts/cw20_base.wasm"
    # The wrapper must export cw20-base's entry points (see localnet/perf/cw20-base/src/lib.rs).
    if ! grep -q "interface_version_8" "$artifacts/cw20_base.wasm"; then
        echo "build.sh: cw20_base.wasm lacks the CosmWasm entry points" >&2
        exit 1
    fi
    if [[ -n "${INFERCHAIN_WASM_CHECK:-}" ]]; then
        # shellcheck disable=SC2086 # the variable is a command line
        $INFERCHAIN_WASM_CHECK "$artifacts/cw20_base.wasm"
    fi
    echo "build.sh: cw20_base.wasm $(stat -c %s "$artifacts/cw20_base.wasm") bytes"
    exit 0
fi

# --- up to date? ------------------------------------------------------------------------------
sources=("$root/Cargo.toml" "$here/build.sh")
for c in "${CONTRACTS[@]}"; do
    sources+=("$here/$c/Cargo.toml" "$here/$c/src")
done
if ((force == 0)); then
    up_to_date=1
    for c in "${CONTRACTS[@]}"; do
        [[ -f "$artifacts/$c.wasm" ]] || { up_to_date=0; break; }
        if [[ -n "$(find "${sources[@]}" -newer "$artifacts/$c.wasm" -print -quit)" ]]; then
            up_to_date=0
            break
        fi
    done
    [[ -f "$artifacts/checksums.txt" ]] || up_to_date=0
    if ((up_to_date)); then
        echo "build.sh: artifacts are up to date (use --force to rebuild)"
        cat "$artifacts/checksums.txt"
        run_check
        exit 0
    fi
fi

# --- build ------------------------------------------------------------------------------------
# One invocation for the contracts that share cosmwasm-std's default features, one per OWN_BUILD.
shared=()
for c in "${CONTRACTS[@]}"; do
    [[ " ${OWN_BUILD[*]} " == *" $c "* ]] || shared+=(-p "inferchain-$c")
done
groups=("${shared[*]}")
for c in "${OWN_BUILD[@]}"; do
    groups+=("-p inferchain-$c")
done
start=$(date +%s)
for group in "${groups[@]}"; do
    read -r -a packages <<<"$group"
    wasm_cargo "$root" "${packages[@]}"
done
elapsed=$(($(date +%s) - start))

# --- collect ----------------------------------------------------------------------------------
mkdir -p "$artifacts"
for c in "${CONTRACTS[@]}"; do
    out="$target_dir/wasm32-unknown-unknown/wasm/inferchain_${c//-/_}.wasm"
    [[ -f "$out" ]] || { echo "build.sh: missing $out" >&2; exit 1; }
    # A contract built with its `library` feature exports no entry points; catch that here.
    if ! grep -q "interface_version_8" "$out" || ! grep -q "instantiate" "$out"; then
        echo "build.sh: $out lacks the CosmWasm entry points" >&2
        exit 1
    fi
    cp "$out" "$artifacts/$c.wasm"
done
(cd "$artifacts" && sha256sum "${CONTRACTS[@]/%/.wasm}" > checksums.txt)
echo "build.sh: built ${#CONTRACTS[@]} contracts in ${elapsed}s"
for c in "${CONTRACTS[@]}"; do
    printf '  %-12s %8d bytes\n' "$c.wasm" "$(stat -c %s "$artifacts/$c.wasm")"
done
cat "$artifacts/checksums.txt"
run_check
