#!/usr/bin/env bash
# Opens the localnet's demo inference feed and starts the prover sidecar answering it:
#   alice bonds 2 SPEC as a modeler and registers the localnet's model (mlp-16-32-16-1, trained
#   by run.sh) with the inference module; faucet opens feed 1 on it (zero-knowledge proofs, an
#   SLA of 20 blocks, 1000 uspec per inference, a 1 SPEC deposit); the sidecar
#   (`inferchain-prover serve --chain`) holds alice's key and the model, watches CometBFT for
#   requests on it, proves them and fulfils them on chain.
#   localnet/feed.sh [--dir DIR] [--model DIR] [--metrics HOST:PORT]   (idempotent: reuses what exists)
# Prints the model and feed ids; the sidecar's pid is in DIR/sidecar.pid, its log in
# DIR/sidecar.log, its metrics on 127.0.0.1:9464/metrics, and the web app's playground there
# too (--playground: the demo model's weights are published, proofs on demand).
set -euo pipefail
source "$(dirname "$0")/env.sh"

dir="$INFERCHAIN_ROOT/localnet/.home"; model=""; metrics="127.0.0.1:9464"
while (($#)); do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --model) model="$2"; shift 2 ;;
    --metrics) metrics="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) die "unknown flag $1 (see --help)" ;;
  esac
done
model="${model:-$dir/models/mlp-16-32-16-1}"
home="$dir/node0"
node="http://127.0.0.1:$((26657 + $(cat "$dir/port-offset" 2>/dev/null || echo 0)))"
[ -f "$model/quant.json" ] || die "no model in $model (localnet/run.sh trains it)"
[ -f "$dir/contracts.json" ] || die "no $dir/contracts.json: deploy the contracts first (localnet/deploy.sh)"

ichd() { inferchaind --home "$home" "$@" --node "$node" -o json; }
json_get() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }
tx() { ichd tx "$@" --wait -y --gas auto --gas-adjustment 1.5; }
staking=$(json_get "d['staking']['address']" <"$dir/contracts.json")
alice=$(inferchaind --home "$home" keys show alice -a)
faucet=$(inferchaind --home "$home" keys show faucet -a)

bonded=$(ichd query wasm contract-state smart "$staking" "{\"stake\":{\"address\":\"$alice\"}}" \
  | json_get "(d['data']['stake'] or {}).get('bonded', '0')")
if [ "$bonded" = 0 ]; then
  tx wasm execute "$staking" '{"bond":{"role":"modeler"}}' --amount 2000000uspec --from alice >/dev/null
  log "alice bonded 2 SPEC as a modeler"
fi
commitment=$(inferchain-prover commit --model "$model" --output json | json_get "d['commitment']")
model_id=$(ichd query inference models --owner "$alice" \
  | json_get "next((m['id'] for m in d['models'] if m['commitment'] == '$commitment' and not m['retired']), '')")
if [ -z "$model_id" ]; then
  model_id=$(tx inference register-model "$commitment" mlp-16-32-16-1 --mode private --from alice \
    | json_get "next(a['value'] for e in d['events'] if e['type'] == 'register_model' for a in e['attributes'] if a['key'] == 'model_id')")
  log "alice registered model $model_id (commitment ${commitment:0:16}…)"
fi
feed_id=$(ichd query inference feeds --owner "$faucet" \
  | json_get "next((f['id'] for f in d['feeds'] if f['model_ids'] == ['$model_id'] and not f['closed'] and f['callback_contract'] == ''), '')")
if [ -z "$feed_id" ]; then
  feed_id=$(tx inference create-feed --model "$model_id" --sla-blocks 20 --fee 1000 --mode private \
    --deposit 1000000 --from faucet \
    | json_get "next(a['value'] for e in d['events'] if e['type'] == 'create_feed' for a in e['attributes'] if a['key'] == 'feed_id')")
  log "faucet opened feed $feed_id on model $model_id (private proofs, SLA 20 blocks, 1000 uspec each)"
fi

if [ -f "$dir/sidecar.pid" ] && kill -0 "$(cat "$dir/sidecar.pid")" 2>/dev/null; then
  log "the sidecar is already running (pid $(cat "$dir/sidecar.pid"))"
else
  inferchain-prover serve --chain "$node" --key alice --home "$home" --chain-id "$INFERCHAIN_CHAIN_ID" \
    --model "$model" --state-dir "$dir/sidecar" --metrics "$metrics" --playground >>"$dir/sidecar.log" 2>&1 &
  echo $! >"$dir/sidecar.pid"
  wait_for 60 "the sidecar's metrics" bash -c "curl -sf http://$metrics/metrics >/dev/null"
  log "sidecar answering feed $feed_id as alice (pid $(cat "$dir/sidecar.pid"), log $dir/sidecar.log)"
fi
echo "{\"model_id\": $model_id, \"feed_id\": $feed_id}" >"$dir/feed.json"
