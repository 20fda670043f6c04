#!/usr/bin/env bash
# Relaying throughput of the inference IBC application across the real peers: a fresh
# `localnet/ibc.sh up` (InferChain, wasmd, Hermes), Hermes stopped, N requests sent from the
# wasmd consumer contract for a feed that does not exist (InferChain refuses each at once with
# an error acknowledgement, so the figure is IBC's, not the prover's), then one
# `hermes clear packets` carries the N receives to InferChain and a second the N
# acknowledgements back. Prints packets per second for each leg. The request -> verified
# result latency (prover included) is printed by tests/tests/ibc.rs ("figure:" line).
#   localnet/ibc-bench.sh [N (default 50)] [--port-offset K (default 4500)]
set -euo pipefail
source "$(dirname "$0")/env.sh"
n=50; offset=4500
while (($#)); do
  case "$1" in
    --port-offset) offset="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) n="$1"; shift ;;
  esac
done
dir=$(mktemp -d /tmp/inferchain-ibc-bench-XXXX)
trap '"$INFERCHAIN_ROOT/localnet/ibc.sh" down --dir "$dir" >/dev/null 2>&1 || true' EXIT
INFERCHAIN_ARCHITECTURES="mlp-16-32-16-1=inference/private" \
  "$INFERCHAIN_ROOT/localnet/ibc.sh" up --dir "$dir" --port-offset "$offset" >"$dir/up.log" 2>&1 \
  || die "ibc.sh up failed: $(tail -20 "$dir/up.log")"
kill "$(cat "$dir/hermes/hermes.pid")"; rm -f "$dir/hermes/hermes.pid"
get() { python3 -c "import json; d=json.load(open('$dir/ibc.json')); print(d$1)"; }
contract=$(get "['inference']['contract']"); channel=$(get "['inference']['wasmd_channel']")
node="tcp://127.0.0.1:$((27657 + offset))"; home="$dir/wasmd"
commitments() { wasmd q ibc channel packet-commitments "wasm.$contract" "$channel" --node "$node" -o json \
  | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["commitments"]))'; }
log "sending $n requests from the consumer (Hermes stopped; each waited for)"
input='[64,-32,128,0,12,-256,90,40,7,-7,300,-1,5,18,-90,33]'
for i in $(seq 1 "$n"); do
  wasmd tx wasm execute "$contract" "{\"request\":{\"feed_id\":\"999\",\"input\":$input}}" --amount 100stake \
    --from user --keyring-backend test --home "$home" --node "$node" --chain-id wasmd-local-1 \
    --gas 1000000 -y -o json >>"$dir/sends.log" 2>&1
  deadline=$((SECONDS + 30))
  until [ "$(commitments)" -ge "$i" ]; do
    ((SECONDS < deadline)) || die "request $i was not committed: $(tail -c 600 "$dir/sends.log")"
    sleep 0.3
  done
done
hermes_cmd() { "$INFERCHAIN_ROOT/localnet/ibc.sh" hermes --dir "$dir" "$@"; }
t0=$(date +%s.%N)
hermes_cmd clear packets --chain wasmd-local-1 --port "wasm.$contract" --channel "$channel" >"$dir/clear1.log" 2>&1
t1=$(date +%s.%N)
# The first clear delivers the receives and, the acks being written at once, usually their
# acknowledgements too; clear until no commitment is left.
while [ "$(commitments)" -gt 0 ]; do
  hermes_cmd clear packets --chain wasmd-local-1 --port "wasm.$contract" --channel "$channel" >>"$dir/clear2.log" 2>&1
done
t2=$(date +%s.%N)
python3 - "$n" "$t0" "$t1" "$t2" <<'EOF'
import sys
n, t0, t1, t2 = int(sys.argv[1]), *map(float, sys.argv[2:])
print(f"ibc bench: {n} requests wasmd -> InferChain and {n} acknowledgements back")
print(f"  first clear: {t1 - t0:6.1f} s")
print(f"  all cleared: {t2 - t0:6.1f} s  = {2 * n / (t2 - t0):.1f} packets/s relayed (receives + acks)")
EOF
