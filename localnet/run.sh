#!/usr/bin/env bash
# The main job: install what's missing, build, start a fresh localnet (1 validator by default,
# `--validators 4` for four), deploy the four contracts (localnet/deploy.sh) and keep it running
# until Ctrl-C.
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

"$INFERCHAIN_ROOT/localnet/install-deps.sh"
"$INFERCHAIN_ROOT/localnet/build.sh"
dir="$INFERCHAIN_ROOT/localnet/.home"
if ((keep == 0)) || [ ! -d "$dir/node0" ]; then
  "$INFERCHAIN_ROOT/localnet/localnet.sh" init --validators "$validators" --dir "$dir"
fi
trap '"$INFERCHAIN_ROOT/localnet/localnet.sh" stop --dir "$dir"; log "stopped"' EXIT
"$INFERCHAIN_ROOT/localnet/localnet.sh" start --dir "$dir"
wait_for 60 "the first blocks" bash -c "curl -sf http://127.0.0.1:26657/status | grep -q '\"latest_block_height\": *\"[1-9]'"
log "chain $INFERCHAIN_CHAIN_ID is producing blocks"
# The four contracts (staking, challenge, reputation, governance), wired, governance as admin.
[ -f "$dir/contracts.json" ] || "$INFERCHAIN_ROOT/localnet/deploy.sh" --dir "$dir"
log "Try:"
log "  source localnet/env.sh"
log "  inferchaind --home $dir/node0 keys list"
log "  inferchaind --home $dir/node0 tx bank send alice \$(inferchaind --home $dir/node0 keys show bob -a) 1000uspec --wait"
log "  inferchaind --home $dir/node0 query bank balances \$(inferchaind --home $dir/node0 keys show bob -a)"
log "  inferchaind --home $dir/node0 query wasm contract-state smart \$(jq -r .staking.address $dir/contracts.json) '{\"config\":{}}'"
log "Ctrl-C stops the localnet (state is kept; --keep resumes it)."
while true; do
  sleep 5
  for pidfile in "$dir"/node*/app.pid "$dir"/node*/cometbft.pid; do
    alive() { [ -r "/proc/$1/stat" ] && ! grep -q ') Z' "/proc/$1/stat"; }
    alive "$(cat "$pidfile")" || die "$(basename "$(dirname "$pidfile")") stopped ($pidfile); see its logs"
  done
done
