#!/usr/bin/env bash
# Walks a newcomer through InferChain's flows on the running localnet (localnet/run.sh).
#   localnet/demo.sh challenge [--rows 16|64|256] [--dir DIR] [--until-scored]
# challenge: a creator (faucet) opens a challenge with a 10 SPEC bounty and a hidden test set;
#   alice and bob bond stake as modelers, train two models (different seeds), register them with
#   the inference module and submit their commitments; the creator reveals the test set; each
#   modeler proves its score in private (zero-knowledge) mode with the prover CLI, which fetches
#   the revealed test set from the chain, and submits the proof; the chain verifies it natively
#   and records the score; `finalize` pays the bounty by rank; reputation ranks the modelers.
#   No trusted evaluator anywhere. Takes about four minutes (the deadlines are real block times).
#   --until-scored stops once both scores are on chain (the leaderboard is ranked; about a
#   minute and a half), before the scoring deadline and finalize. Either way DIR/demo.json
#   names the challenge and the modelers.
set -euo pipefail
source "$(dirname "$0")/env.sh"

flow="${1:-}"; shift || true
rows=64; dir="$INFERCHAIN_ROOT/localnet/.home"; until_scored=0
while (($#)); do
  case "$1" in
    --rows) rows="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --until-scored) until_scored=1; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) die "unknown flag $1 (see --help)" ;;
  esac
done
[ "$flow" = challenge ] || { sed -n '2,10p' "$0"; die "name a flow: challenge"; }
home="$dir/node0"
node="http://127.0.0.1:$((26657 + $(cat "$dir/port-offset" 2>/dev/null || echo 0)))"
[ -f "$dir/contracts.json" ] || die "no $dir/contracts.json: start the localnet with localnet/run.sh first"
curl -sf "$node/status" >/dev/null || die "no node answers at $node (is localnet/run.sh running?)"

ichd() { inferchaind --home "$home" "$@" --node "$node" -o json; }
json_get() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }
contract() { json_get "d['$1']['address']" <"$dir/contracts.json"; }
attr() { # attr TYPE KEY < tx result
  json_get "next(a['value'] for e in d['events'] if e['type'] == '$1' for a in e['attributes'] if a['key'] == '$2')"
}
block_secs() {
  curl -sf "$node/status" | python3 -c 'import json, sys, datetime
t = json.load(sys.stdin)["result"]["sync_info"]["latest_block_time"]
print(int(datetime.datetime.fromisoformat(t[:19] + "+00:00").timestamp()))'
}
wait_until() { # wait_until SECS WHAT
  log "waiting for block time to pass $2 ($(( $1 - $(block_secs) ))s)"
  while (( $(block_secs) <= $1 )); do sleep 1; done
}
tx() { ichd tx "$@" --wait -y --gas auto --gas-adjustment 1.5; }

staking=$(contract staking); challenge=$(contract challenge); reputation=$(contract reputation)
work="$dir/demo"; mkdir -p "$work"
arch=mlp-16-32-16-1

log "1. alice and bob bond 2 SPEC each as modelers (staking contract $staking)"
for who in alice bob; do
  addr=$(inferchaind --home "$home" keys show "$who" -a)
  bonded=$(ichd query wasm contract-state smart "$staking" "{\"stake\":{\"address\":\"$addr\"}}" \
    | json_get "(d['data']['stake'] or {}).get('bonded', '0')")
  if [ "$bonded" = 0 ]; then
    tx wasm execute "$staking" '{"bond":{"role":"modeler"}}' --amount 2000000uspec --from "$who" >/dev/null
  fi
  log "   $who: bonded $(ichd query wasm contract-state smart "$staking" "{\"stake\":{\"address\":\"$addr\"}}" | json_get "d['data']['stake']['bonded']") uspec"
done

log "2. each trains a model (burn, private weights, salted commitment) and registers it"
declare -A model_id commitment
seed=7
for who in alice bob; do
  seed=$((seed + 10))
  inferchain-prover train --arch "$arch" --train-seed "$seed" --out "$work/$who" >/dev/null 2>&1
  commitment[$who]=$(inferchain-prover commit --model "$work/$who" --output json | json_get "d['commitment']")
  res=$(tx inference register-model "${commitment[$who]}" "$arch" --mode private --from "$who")
  model_id[$who]=$(attr register_model model_id <<<"$res")
  log "   $who: model ${model_id[$who]}, commitment ${commitment[$who]:0:16}…"
done

log "3. the creator commits to a hidden $rows-row test set and opens a challenge (10 SPEC bounty)"
inferchain-prover export-testset --arch "$arch" --score-rows "$rows" --out "$work/testset.bin" \
  --output json >"$work/testset.json"
sha=$(json_get "d['sha256']" <"$work/testset.json")
now=$(block_secs)
sub=$((now + 25)); rev=$((now + 50)); score=$((now + 170))
msg=$(cat <<EOF
{"create_challenge":{"title":"credit default (demo)","description":"binary classification","task":"binary_classification","architecture_id":"$arch","metric":"accuracy","dataset_uri":"ipfs://credit","test_set_hash":"$sha","submission_deadline":"${sub}000000000","reveal_deadline":"${rev}000000000","scoring_deadline":"${score}000000000","min_stake":"1000000","payout_bps":[7000,3000]}}
EOF
)
res=$(tx wasm execute "$challenge" "$msg" --amount 11000000uspec --from faucet)
id=$(attr wasm challenge_id <<<"$res")
log "   challenge $id; test set sha256 $sha"
for who in alice bob; do
  tx wasm execute "$challenge" "{\"submit_model\":{\"challenge_id\":$id,\"commitment\":\"${commitment[$who]}\",\"architecture_id\":\"$arch\"}}" --from "$who" >/dev/null
  log "   $who submitted its commitment"
done

wait_until "$sub" "the submission deadline"
log "4. the creator reveals the test set (the contract checks its sha256 and stores it)"
b64=$(base64 -w0 "$work/testset.bin")
tx wasm execute "$challenge" "{\"reveal_test_set\":{\"challenge_id\":$id,\"test_set_uri\":\"ipfs://credit-test\",\"test_set\":\"$b64\"}}" --from faucet >/dev/null
ichd query inference challenge "$id" | json_get "'   chain view: ' + d['status'] + ', ' + d['rows'] + ' rows, test-set hash ' + d['test_set_hash'][:16] + '…'" | while read -r l; do log "$l"; done

log "5. each modeler proves its score in private mode (fetching the test set from the chain) and submits it"
for who in alice bob; do
  addr=$(inferchaind --home "$home" keys show "$who" -a)
  inferchain-prover prove-score --model "$work/$who" --mode private --modeler "$addr" \
    --challenge "$id" --node "$node" --out "$work/$who.proof" --output json >"$work/$who.score.json"
  correct=$(json_get "d['correct']" <"$work/$who.score.json")
  brier=$(json_get "d['brier_sum']" <"$work/$who.score.json")
  secs=$(json_get "round(d['prove_seconds'], 2)" <"$work/$who.score.json")
  res=$(ichd tx inference submit-score-proof "$id" "${model_id[$who]}" "$work/$who.proof" \
    --correct "$correct" --brier-sum "$brier" --from "$who" --wait -y --gas 9000000)
  log "   $who: proved $correct/$rows correct in ${secs}s; chain verified it (gas $(json_get "d['gas_used']" <<<"$res")), score $(attr score_proof score <<<"$res")"
done
log "   a copied proof is useless to anyone else: it is bound to its modeler's address"
echo "{\"challenge_id\": $id, \"rows\": $rows, \"models\": {\"alice\": ${model_id[alice]}, \"bob\": ${model_id[bob]}}}" >"$dir/demo.json"
if ((until_scored)); then
  log "scored (--until-scored): the leaderboard of challenge $id is ranked; stopping before finalize"
  exit 0
fi

wait_until "$score" "the scoring deadline"
log "6. anyone finalizes: the bounty is paid by rank"
tx wasm execute "$challenge" "{\"finalize\":{\"challenge_id\":$id}}" --from faucet >/dev/null
ichd query wasm contract-state smart "$challenge" "{\"leaderboard\":{\"challenge_id\":$id}}" \
  | json_get "'\n'.join('   rank %s  %s  score %s  payout %s uspec' % (e['rank'], e['modeler'], e['score'], e['payout']) for e in d['data']['entries'])" \
  | while read -r l; do log "$l"; done
log "7. reputation ranks the modelers"
ichd query wasm contract-state smart "$reputation" '{"ranking":{}}' \
  | json_get "'\n'.join('   %s  score %s  wins %s' % (r['address'], r['reputation']['score'], r['reputation']['wins']) for r in d['data']['ranking'])" \
  | while read -r l; do log "$l"; done
log "done: inferchaind --home $home query inference models --node $node shows the models and their results"
