#!/usr/bin/env bash
# InferChain side by side with wasmd v0.61.14: the same load generator (tests/src/load.rs, over
# CometBFT RPC and the SDK's query paths only) drives a fresh 1-validator InferChain, then a
# fresh 1-validator wasmd, with the same block time, mempool and RPC settings, the same fee
# price, on this machine, one after the other. Workloads: bank sends, cw20-base 2.0.0
# transfers (the crates.io contract, built by contracts/build.sh --cw20, uploaded to both) and
# our counter contract's increments.
#
#   localnet/perf.sh [ACCOUNTS] [TXS_PER_ACCOUNT] [WORKLOADS]   default 256 200 "bank cw20 counter"
#
# INFERCHAIN_PERF_MAX_GAS (default 10000000000): both chains' block gas limit. The default lifts
# it far above what a block can execute in a block time, so a block holds what the mempool
# admitted and tx/s measures the node (CheckTx, proposal, execution, commit) at saturation.
# With a binding limit (e.g. 40000000, InferChain's genesis default) tx/s is just
# limit / gas_wanted per block: each chain's gas schedule, not its speed.
# Many accounts, because each broadcast_tx_sync waits for CheckTx, and an out-of-process ABCI
# app (InferChain) gets CheckTx requests from CometBFT's socket client in batches flushed at
# most every 20 ms (abci/client/socket_client.go, flushThrottleMS): one account sends ~45 tx/s.
#
# Prints, per workload and chain: committed tx/s at saturation, p50/p99 confirmation latency,
# block interval, the node's CPU (cores busy) and peak RSS; then the InferChain / wasmd ratio.
# Writes the table to $INFERCHAIN_CACHE/perf/last.md (localnet/BENCH.md holds the last
# recorded one).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$INFERCHAIN_ROOT"
accounts="${1:-256}"; txs="${2:-200}"; workloads="${3:-bank cw20 counter}"
block_time="1s"
max_gas="${INFERCHAIN_PERF_MAX_GAS:-10000000000}"
# Both chains: CometBFT's default mempool (5000 txs) would refuse a long run's backlog.
mempool_size=200000
work="$INFERCHAIN_CACHE/perf"
mkdir -p "$work"

"$INFERCHAIN_ROOT/localnet/install-deps.sh"
"$INFERCHAIN_ROOT/localnet/install-ibc.sh"
"$INFERCHAIN_ROOT/localnet/build.sh"
INFERCHAIN_WASM_CHECK="inferchaind wasm check" contracts/build.sh >/dev/null
INFERCHAIN_WASM_CHECK="inferchaind wasm check" contracts/build.sh --cw20 >/dev/null
# localnet/build.sh built every binary of the workspace, the load generator too.
load="$CARGO_TARGET_DIR/release/load"

wasm_of() {
  case "$1" in
    bank) echo "" ;;
    cw20) echo "--wasm $INFERCHAIN_ROOT/contracts/artifacts/cw20_base.wasm" ;;
    counter) echo "--wasm $INFERCHAIN_ROOT/contracts/artifacts/counter.wasm" ;;
  esac
}
# The block gas limit of a genesis file (CometBFT's consensus params; InferChain's InitChain
# takes its ChainLimits from it).
set_max_gas() {
  python3 - "$1" "$max_gas" <<'EOF'
import json, sys
p, gas = sys.argv[1], sys.argv[2]
g = json.load(open(p))
params = g["consensus"]["params"] if "consensus" in g else g["consensus_params"]
params["block"]["max_gas"] = gas
json.dump(g, open(p, "w"))
EOF
}
results="$work/results.jsonl"
: > "$results"

# --- InferChain -------------------------------------------------------------------------------
ours="$work/inferchain"
offset=7000
bash localnet/localnet.sh init --validators 1 --dir "$ours" --port-offset "$offset" \
  --block-time "$block_time" --snapshot-interval 0 >/dev/null
set_max_gas "$ours/node0/config/genesis.json"
python3 localnet/configure_node.py "$ours/node0/config/config.toml" "mempool.size=$mempool_size"
bash localnet/localnet.sh start --dir "$ours" >/dev/null
trap 'bash "$INFERCHAIN_ROOT/localnet/localnet.sh" stop --dir "$ours" 2>/dev/null || true; [ -f "$work/wasmd/wasmd.pid" ] && kill "$(cat "$work/wasmd/wasmd.pid")" 2>/dev/null || true' EXIT
our_rpc="http://127.0.0.1:$((26657 + offset))"
wait_for 120 "InferChain's first blocks" curl -sf "$our_rpc/block?height=2"
python3 -c 'import json,sys; print(next(a["mnemonic"] for a in json.load(open(sys.argv[1])) if a["name"]=="faucet"))' \
  "$ours/accounts.json" > "$work/inferchain.mnemonic"
for w in $workloads; do
  log "InferChain: $w, $accounts accounts x $txs"
  # shellcheck disable=SC2046 # wasm_of gives two words or none
  "$load" --rpc "$our_rpc" --chain-id "$INFERCHAIN_CHAIN_ID" --prefix infer --denom uspec \
    --gas-price 0.025 --mnemonic-file "$work/inferchain.mnemonic" --workload "$w" $(wasm_of "$w") \
    --accounts "$accounts" --txs "$txs" \
    --pid "$(cat "$ours/node0/app.pid")" --pid "$(cat "$ours/node0/cometbft.pid")" \
    | sed 's/^{/{"chain":"inferchain",/' >> "$results"
done
bash localnet/localnet.sh stop --dir "$ours" >/dev/null

# --- wasmd ------------------------------------------------------------------------------------
theirs="$work/wasmd"
rm -rf "$theirs"
chain="perf-wasmd-1"
w_rpc=$((26657 + offset + 500)); w_p2p=$((26656 + offset + 500)); w_grpc=$((9090 + offset + 500))
wasmd init perf --chain-id "$chain" --home "$theirs" >/dev/null 2>&1
wasmd keys add validator --keyring-backend test --home "$theirs" >/dev/null 2>&1
wasmd keys add funder --keyring-backend test --home "$theirs" --output json 2>/dev/null \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["mnemonic"])' > "$work/wasmd.mnemonic"
for k in validator funder; do
  wasmd genesis add-genesis-account "$(wasmd keys show "$k" -a --keyring-backend test --home "$theirs")" \
    100000000000000stake --home "$theirs" >/dev/null
done
wasmd genesis gentx validator 100000000000stake --chain-id "$chain" --keyring-backend test \
  --home "$theirs" >/dev/null 2>&1
wasmd genesis collect-gentxs --home "$theirs" >/dev/null 2>&1
# The same block gas limit as InferChain's, so both chains cut blocks by the same rule.
set_max_gas "$theirs/config/genesis.json"
# The CometBFT settings localnet.sh gives InferChain's nodes.
python3 localnet/configure_node.py "$theirs/config/config.toml" \
  "rpc.laddr=\"tcp://127.0.0.1:$w_rpc\"" "p2p.laddr=\"tcp://127.0.0.1:$w_p2p\"" \
  "rpc.pprof_laddr=\"\"" "consensus.timeout_commit=\"$block_time\"" "tx_index.indexer=\"kv\"" \
  "rpc.max_body_bytes=4000000" "mempool.max_tx_bytes=2097152" "mempool.size=$mempool_size"
python3 localnet/configure_node.py "$theirs/config/app.toml" \
  ".minimum-gas-prices=\"0.025stake\"" "grpc.address=\"127.0.0.1:$w_grpc\"" \
  "api.enable=false" "grpc-web.enable=false"
wasmd start --home "$theirs" >>"$theirs/wasmd.log" 2>&1 &
echo $! > "$theirs/wasmd.pid"
wait_for 120 "wasmd's first blocks" curl -sf "http://127.0.0.1:$w_rpc/block?height=2"
for w in $workloads; do
  log "wasmd: $w, $accounts accounts x $txs"
  # shellcheck disable=SC2046
  "$load" --rpc "http://127.0.0.1:$w_rpc" --chain-id "$chain" --prefix wasm --denom stake \
    --gas-price 0.025 --mnemonic-file "$work/wasmd.mnemonic" --workload "$w" $(wasm_of "$w") \
    --accounts "$accounts" --txs "$txs" --pid "$(cat "$theirs/wasmd.pid")" \
    | sed 's/^{/{"chain":"wasmd",/' >> "$results"
done
kill "$(cat "$theirs/wasmd.pid")" 2>/dev/null || true

# --- the table --------------------------------------------------------------------------------
python3 - "$results" "$accounts" "$txs" "$block_time" "$max_gas" > "$work/last.md" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
by = {(r["chain"], r["workload"]): r for r in rows}
print(f"{sys.argv[2]} accounts x {sys.argv[3]} txs per workload, 1 validator, {sys.argv[4]} blocks, "
      f"0.025 fee price, block gas limit {sys.argv[5]}, same CometBFT mempool/RPC settings\n")
print("| workload | chain | committed tx/s | p50 ms | p99 ms | block interval ms | gas/tx | node CPU (cores) | node peak RSS MiB |")
print("|---|---|---|---|---|---|---|---|---|")
for w in dict.fromkeys(r["workload"] for r in rows):
    for c in ("inferchain", "wasmd"):
        r = by.get((c, w))
        if r:
            print(f"| {w} | {c} | {r['tx_per_s']:.0f} | {r['p50_ms']:.0f} | {r['p99_ms']:.0f} | "
                  f"{r['block_interval_ms']:.0f} | {r['gas_per_tx']} | {r['node_cpu_cores']:.2f} | {r['node_peak_rss_mib']:.0f} |")
print()
print("| workload | InferChain / wasmd, tx/s | p50 latency, wasmd / InferChain |")
print("|---|---|---|")
for w in dict.fromkeys(r["workload"] for r in rows):
    a, b = by.get(("inferchain", w)), by.get(("wasmd", w))
    if a and b:
        print(f"| {w} | {a['tx_per_s'] / b['tx_per_s']:.2f}x | {b['p50_ms'] / max(a['p50_ms'], 1e-9):.2f}x |")
EOF
cat "$work/last.md"
