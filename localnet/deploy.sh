#!/usr/bin/env bash
# Deploys the four InferChain contracts on a running localnet, wired to each other as
# contracts/README.md says: governance owns every contract's parameters and is every contract's
# wasm admin; challenge and governance may slash on staking; challenge and staking report to
# reputation; slashed stake goes to governance (the community pool); governance weighs votes
# with staking. Writes DIR/contracts.json ({"staking": {"code_id", "address"}, ...}).
#   localnet/deploy.sh [--dir DIR] [--node URL] [--from KEY] [--check]
#     DIR   the localnet (default localnet/.home); the keyring is DIR/node0's
#     URL   CometBFT RPC (default node0's, from DIR/port-offset)
#     KEY   key that uploads and instantiates (default faucet)
#     --check  only verify the deployment in DIR/contracts.json (exit 1 if it is not wired)
# Safe to run again: skips when DIR/contracts.json exists and its contracts answer `config`.
# Addresses are instantiate2 addresses (code checksum, creator, salt "inferchain-<name>"),
# computed before any instantiation since the contracts reference each other.
set -euo pipefail
source "$(dirname "$0")/env.sh"

dir="$INFERCHAIN_ROOT/localnet/.home"; node=""; from="faucet"; check_only=0
while (($#)); do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --node) node="$2"; shift 2 ;;
    --from) from="$2"; shift 2 ;;
    --check) check_only=1; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) die "unknown flag $1 (see --help)" ;;
  esac
done

CONTRACTS=(staking challenge reputation governance lending)
home="$dir/node0"
out="$dir/contracts.json"
artifacts="$INFERCHAIN_ROOT/contracts/artifacts"
[ -d "$home" ] || die "no localnet in $dir (run localnet/localnet.sh init)"
if [ -z "$node" ]; then
  node="http://127.0.0.1:$((26657 + $(cat "$dir/port-offset" 2>/dev/null || echo 0)))"
fi
command -v inferchaind >/dev/null || die "inferchaind not found; run localnet/build.sh"
curl -sf "$node/status" >/dev/null || die "no node answers at $node"

ichd() { inferchaind --home "$home" "$@" --node "$node" -o json; }
# json_get EXPR: evaluates the Python expression EXPR on the JSON document `d` read from stdin.
json_get() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }
# Field of contracts.json.
deployed() { json_get "d['$1']['$2']" <"$out"; }
smart() { ichd query wasm contract-state smart "$1" "$2"; }

# --- verification: every admin and reference, as contracts/README.md wires them --------------
# field ADDR QUERY EXPR: EXPR of the smart query's answer `d`, or `(query failed)`.
field() {
  local res
  res=$(smart "$1" "$2" 2>/dev/null) || { echo "(query failed)"; return; }
  json_get "$3" <<<"$res" 2>/dev/null || echo "(no such field)"
}
# info ADDR KEY: a field of the contract's metadata (`query wasm contract`).
info() {
  local res
  res=$(ichd query wasm contract "$1" 2>/dev/null) || { echo "(no contract)"; return; }
  json_get "d['contract_info']['$2']" <<<"$res" 2>/dev/null || echo "(no such field)"
}
check() {
  local name fail=0 gov stk cha rep
  gov=$(deployed governance address) && stk=$(deployed staking address) \
    && cha=$(deployed challenge address) && rep=$(deployed reputation address) \
    || die "$out lacks a contract"
  expect() { # expect WHAT ACTUAL EXPECTED
    if [ "$2" == "$3" ]; then log "  ok  $1 = $2"; else log "  BAD $1 = $2, expected $3"; fail=1; fi
  }
  for name in "${CONTRACTS[@]}"; do
    expect "$name admin" "$(info "$(deployed "$name" address)" admin)" "$gov"
    expect "$name code_id" "$(info "$(deployed "$name" address)" code_id)" "$(deployed "$name" code_id)"
  done
  local sorted="' '.join(sorted(d['data']"
  expect "staking owner" "$(field "$stk" '{"config":{}}' "d['data']['owner']")" "$gov"
  expect "staking slashers" "$(field "$stk" '{"config":{}}' "$sorted['slashers']))")" \
    "$(printf '%s\n' "$cha" "$gov" | sort | xargs)"
  expect "staking reputation" "$(field "$stk" '{"config":{}}' "d['data']['reputation']")" "$rep"
  expect "staking slash_destination" \
    "$(field "$stk" '{"params":{}}' "json.dumps(d['data']['slash_destination'])")" \
    "{\"address\": {\"address\": \"$gov\"}}"
  expect "reputation owner" "$(field "$rep" '{"config":{}}' "d['data']['owner']")" "$gov"
  expect "reputation reporters" "$(field "$rep" '{"config":{}}' "$sorted['reporters']))")" \
    "$(printf '%s\n' "$cha" "$stk" | sort | xargs)"
  expect "challenge owner" "$(field "$cha" '{"config":{}}' "d['data']['owner']")" "$gov"
  expect "challenge staking" "$(field "$cha" '{"config":{}}' "d['data']['staking']")" "$stk"
  expect "challenge reputation" "$(field "$cha" '{"config":{}}' "d['data']['reputation']")" "$rep"
  expect "governance staking" "$(field "$gov" '{"config":{}}' "d['data']['staking']")" "$stk"
  expect "lending max_credit" "$(field "$(deployed lending address)" '{"config":{}}' "d['data']['max_credit']")" "5000000"
  ((fail == 0)) || die "the contracts in $out are not wired as contracts/README.md says"
}

show() {
  local name
  for name in "${CONTRACTS[@]}"; do
    log "  $(printf '%-10s' "$name") code $(deployed "$name" code_id)  $(deployed "$name" address)"
  done
  cat "$out"
}

if ((check_only)); then
  [ -f "$out" ] || die "no $out"
  log "checking the deployment in $out against $node"
  check
  exit 0
fi

# --- already deployed? -----------------------------------------------------------------------
if [ -f "$out" ]; then
  answering=1
  for name in "${CONTRACTS[@]}"; do
    addr=$(deployed "$name" address 2>/dev/null) && smart "$addr" '{"config":{}}' >/dev/null 2>&1 \
      || { answering=0; break; }
  done
  if ((answering)); then
    log "contracts already deployed ($out):"
    show
    exit 0
  fi
  log "$out is stale ($name does not answer at $node); deploying again"
fi

for name in "${CONTRACTS[@]}"; do
  if [ ! -f "$artifacts/$name.wasm" ]; then
    log "contracts/artifacts/$name.wasm is missing; building the contracts"
    "$INFERCHAIN_ROOT/contracts/build.sh"
    break
  fi
done
inferchaind query wasm build-address --help >/dev/null 2>&1 \
  || die "this inferchaind has no 'query wasm build-address'; rebuild it (localnet/build.sh)"
creator=$(inferchaind --home "$home" keys show "$from" -a) || die "no key $from in $home's keyring"

# --- store (reusing a code already stored with the same checksum) ---------------------------
declare -A code_id checksum address salt
stored=$(ichd query wasm list-code) || die "query wasm list-code failed"
for name in "${CONTRACTS[@]}"; do
  checksum[$name]=$(sha256sum "$artifacts/$name.wasm" | cut -d' ' -f1)
  code_id[$name]=$(json_get "next((c['code_id'] for c in d.get('code_infos', [])
    if c['data_hash'].lower() == '${checksum[$name]}'), '')" <<<"$stored")
  if [ -n "${code_id[$name]}" ]; then
    log "$name: code ${code_id[$name]} already stored (checksum ${checksum[$name]:0:12}…)"
    continue
  fi
  log "$name: storing contracts/artifacts/$name.wasm ($(stat -c %s "$artifacts/$name.wasm") bytes)"
  res=$(ichd tx wasm store "$artifacts/$name.wasm" --from "$from" --wait -y) \
    || die "storing $name failed: $res"
  code_id[$name]=$(json_get "next(a['value'] for e in d['events'] if e['type'] == 'store_code'
    for a in e['attributes'] if a['key'] == 'code_id')" <<<"$res")
  log "$name: code ${code_id[$name]}"
done

# --- addresses first: every contract names the others ----------------------------------------
for name in "${CONTRACTS[@]}"; do
  salt[$name]=$(printf 'inferchain-%s' "$name" | od -An -tx1 | tr -d ' \n')
  res=$(ichd query wasm build-address "${checksum[$name]}" "$creator" "${salt[$name]}") \
    || die "query wasm build-address failed for $name: $res"
  address[$name]=$(json_get "d['address']" <<<"$res")
  log "$name: will live at ${address[$name]}"
done
gov=${address[governance]}; stk=${address[staking]}; cha=${address[challenge]}
rep=${address[reputation]}

# Localnet parameters: 1 SPEC minimums and deposits, one-minute unbonding and voting
# (INFERCHAIN_UNBONDING_PERIOD seconds overrides the unbonding: an IBC client of this chain
# must be refreshed within it, so localnet/ibc.sh asks for days).
declare -A init
init[staking]=$(cat <<EOF
{"owner":"$gov","slashers":["$cha","$gov"],"reputation":"$rep","params":{"min_stake_modeler":"1000000","min_stake_validator":"1000000","unbonding_period":${INFERCHAIN_UNBONDING_PERIOD:-60},"max_unbonding_entries":7,"slash_destination":{"address":{"address":"$gov"}}}}
EOF
)
init[challenge]=$(cat <<EOF
{"owner":"$gov","staking":"$stk","reputation":"$rep","creation_deposit":"1000000","forfeit_destination":"burn","max_top_k":5}
EOF
)
init[reputation]=$(cat <<EOF
{"owner":"$gov","reporters":["$cha","$stk"],"params":{"decay_bps":9000,"challenge_weight":"1000","consumption_weight":"100","slash_penalty":"500"}}
EOF
)
# The consumer of credit-score feeds: the deployer (faucet) is its owner, who opens the feed
# (callback = the pool) and names it with update_config (localnet/demo.sh feed).
init[lending]=$(cat <<EOF
{"owner":"$creator","max_credit":"5000000","min_logit":-1024,"max_logit":1024,"borrow_fee_bps":50}
EOF
)
init[governance]=$(cat <<EOF
{"staking":"$stk","params":{"min_deposit":"1000000","voting_period":60,"quorum":"0.334","threshold":"0.5","veto_threshold":"0.334"}}
EOF
)

# --- instantiate2, governance as admin -------------------------------------------------------
for name in "${CONTRACTS[@]}"; do
  if res=$(ichd query wasm contract "${address[$name]}" 2>/dev/null); then
    code_id[$name]=$(json_get "d['contract_info']['code_id']" <<<"$res")
    log "$name: already instantiated at ${address[$name]} (code ${code_id[$name]}, an earlier run); keeping it"
    continue
  fi
  log "$name: instantiating code ${code_id[$name]}"
  res=$(ichd tx wasm instantiate2 "${code_id[$name]}" "${init[$name]}" "${salt[$name]}" --hex \
    --label "inferchain-$name" --admin "$gov" --from "$from" --wait -y) \
    || die "instantiating $name failed: $res"
  got=$(json_get "next(a['value'] for e in d['events'] if e['type'] == 'instantiate'
    for a in e['attributes'] if a['key'] == '_contract_address')" <<<"$res")
  [ "$got" == "${address[$name]}" ] || die "$name was instantiated at $got, not at ${address[$name]}"
done

python3 - "$out" <<EOF
import json, sys
contracts = {
$(for name in "${CONTRACTS[@]}"; do
  printf '    "%s": {"code_id": %s, "address": "%s"},\n' "$name" "${code_id[$name]}" "${address[$name]}"
done)
}
with open(sys.argv[1], "w") as f:
    json.dump(contracts, f, indent=2)
    f.write("\n")
EOF
log "checking the wiring"
check
log "deployed, governance ($gov) is every contract's admin; $out:"
show
