#!/usr/bin/env bash
# The main job: install what's missing, build, start a fresh localnet (1 validator by default,
# `--validators 4` for four), deploy the four contracts (localnet/deploy.sh), start the prover
# sidecar (gRPC) and the chain sidecar answering the demo feed (localnet/feed.sh), and keep it all
# running until Ctrl-C.
#   localnet/run.sh [--validators N] [--keep]   (--keep resumes the existing localnet)
set -euo pipefail
source "$(dirname "$0")/env.sh"

validators=1; keep=0
while (($#)); do
  case "$1" in
    --validators) validators="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) die "unknown flag $1 (see --help)" ;;
  esac
done

log "InferChain localnet: once it is up, open http://127.0.0.1:1317 (the web app; REST on the same port)."
log "  First: install what is missing and build (minutes the first time); the URL is repeated when ready."
"$INFERCHAIN_ROOT/localnet/install-deps.sh"
"$INFERCHAIN_ROOT/localnet/build.sh"
# The web app (its wasm module, then the bundle), served by node 0's REST server.
"$INFERCHAIN_ROOT/web/build.sh"
# The contracts' wasm (rebuilt only when their sources changed): genesis names the governance
# contract's address, and deploy.sh uploads them.
INFERCHAIN_WASM_CHECK="inferchaind wasm check" "$INFERCHAIN_ROOT/contracts/build.sh" >/dev/null
dir="$INFERCHAIN_ROOT/localnet/.home"
if ((keep == 0)) || [ ! -d "$dir/node0" ]; then
  "$INFERCHAIN_ROOT/localnet/localnet.sh" init --validators "$validators" --dir "$dir"
fi
stop_all() {
  local pidfile
  for pidfile in "$dir/prover.pid" "$dir/sidecar.pid"; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  "$INFERCHAIN_ROOT/localnet/localnet.sh" stop --dir "$dir"
  log "stopped"
}
trap stop_all EXIT
"$INFERCHAIN_ROOT/localnet/localnet.sh" start --dir "$dir"
log "web app: http://127.0.0.1:1317  (explorer, challenges, models & feeds, playground; REST for wallets on the same port)"
wait_for 60 "the first blocks" bash -c "curl -sf http://127.0.0.1:26657/status | grep -q '\"latest_block_height\": *\"[1-9]'"
log "chain $INFERCHAIN_CHAIN_ID is producing blocks"
# The four contracts (staking, challenge, reputation, governance), wired, governance as admin.
[ -f "$dir/contracts.json" ] || "$INFERCHAIN_ROOT/localnet/deploy.sh" --dir "$dir"
# The prover sidecar (gRPC inferchain.prover.v1.Prover), serving a model trained on first run
# (the seeded credit-scoring dataset; well under a second on 2 cores).
model="$dir/models/mlp-16-32-16-1"
# A model from before salted commitments (format 1, no "salt") can't be loaded: retrain it.
if [ -f "$model/quant.json" ] && ! grep -q '"salt"' "$model/quant.json"; then
  log "the localnet's model predates salted commitments; retraining it"
  rm -rf "$model"
fi
if [ ! -f "$model/quant.json" ]; then
  log "training the localnet's model (mlp-16-32-16-1) into $model"
  inferchain-prover train --arch mlp-16-32-16-1 --out "$model" >"$dir/prover-train.log" 2>&1 \
    || die "training failed; see $dir/prover-train.log"
fi
inferchain-prover serve --models "$dir/models" --listen 127.0.0.1:50071 >"$dir/prover.log" 2>&1 &
echo $! >"$dir/prover.pid"
wait_for 30 "the prover" bash -c "exec 3<>/dev/tcp/127.0.0.1/50071"
log "prover listening on 127.0.0.1:50071 (model commitment: $(inferchain-prover commit --model "$model" 2>/dev/null | tail -1))"
# The demo feed: alice's model registered, feed 1 open, the sidecar proving its requests.
"$INFERCHAIN_ROOT/localnet/feed.sh" --dir "$dir" --model "$model"
feed_id=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["feed_id"])' <"$dir/feed.json")
# The web app's config.json extras: the contracts and the sidecar's playground.
python3 - "$dir" <<'PYEOF2'
import json, sys
d = sys.argv[1]
contracts = {k: v["address"] for k, v in json.load(open(f"{d}/contracts.json")).items()}
json.dump({"sidecar": "http://127.0.0.1:9464", "contracts": contracts}, open(f"{d}/web.json", "w"), indent=1)
PYEOF2
log "Open http://127.0.0.1:1317 — the explorer, the challenges' leaderboards, models and feeds, and the"
log "  playground (the demo model runs in your browser; 'Prove & verify' checks a zero-knowledge proof there)."
log "  REST (LCD) for Keplr and explorers on the same port: curl -s 127.0.0.1:1317/cosmos/base/tendermint/v1beta1/node_info"
log "Try:"
log "  source localnet/env.sh; H=$dir/node0"
log "  inferchaind --home \$H tx inference request $feed_id --input 64,-32,128,0,12,-256,90,40,7,-7,300,-1,5,18,-90,33 --from faucet --wait -o json"
log "  inferchaind --home \$H query inference request <request_id from its inference_request event>   # status, output, proof_hash (the sidecar answers in a few seconds)"
log "  inferchaind --home \$H query inference escrow; curl -s 127.0.0.1:9464/metrics   # the escrow's books, the sidecar's counters"
log "  localnet/demo.sh challenge    # a challenge scored by zero-knowledge proofs, end to end (~4 min)"
log "  inferchaind --home $dir/node0 keys list"
log "  inferchaind --home $dir/node0 tx bank send alice \$(inferchaind --home $dir/node0 keys show bob -a) 1000uspec --wait"
log "  inferchaind --home $dir/node0 query bank balances \$(inferchaind --home $dir/node0 keys show bob -a)"
log "  STAKING=\$(python3 -c 'import json,sys; print(json.load(sys.stdin)[\"staking\"][\"address\"])' < $dir/contracts.json)"
log "  inferchaind --home $dir/node0 query wasm contract-state smart \$STAKING '{\"config\":{}}'"
log "Ctrl-C stops the localnet (state is kept; --keep resumes it)."
while true; do
  sleep 5
  for pidfile in "$dir"/node*/app.pid "$dir"/node*/cometbft.pid "$dir/prover.pid" "$dir/sidecar.pid"; do
    alive() { [ -r "/proc/$1/stat" ] && ! grep -q ') Z' "/proc/$1/stat"; }
    alive "$(cat "$pidfile")" || die "$(basename "$(dirname "$pidfile")") stopped ($pidfile); see its logs"
  done
done
