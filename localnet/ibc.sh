#!/usr/bin/env bash
# Two chains and a relayer: an InferChain localnet, a wasmd v0.61.14 node (ibc-go v10,
# CosmWasm 3) and Hermes 1.10.5 between them, with clients, a connection, an ICS-20 channel
# (transfer <-> transfer) and an inference channel (wasm.<consumer> <-> inference): the
# contracts/ibc-consumer contract on wasmd asks InferChain feeds for verified inferences.
# On InferChain: alice's model served by the prover sidecar (localnet/feed.sh), feed "served"
# (IBC-open, publishing its results to the inference channel) and feed "unserved" (IBC-open,
# on a model no prover holds, SLA 4 blocks: its requests miss the SLA and are refunded).
#   localnet/ibc.sh up   [--dir DIR] [--port-offset K]   everything, then Hermes relaying
#   localnet/ibc.sh down [--dir DIR]                     stops all three
#   localnet/ibc.sh hermes [--dir DIR] ARGS…             runs Hermes with this setup's config
# DIR (default localnet/.ibc) holds inferchain/ (the localnet), wasmd/, hermes/ (config.toml,
# hermes.log) and ibc.json: chain ids, endpoints, channel ids, the accounts, the consumer
# contract, its deposit account on InferChain and the feeds.
# InferChain's ports are the localnet's (offset K); wasmd's RPC is 27657+K, p2p 27656+K,
# gRPC 9190+K (keep K <= 5000 so every port stays below Linux's ephemeral range, 32768+).
# Hermes and wasmd are built and cached by localnet/install-ibc.sh.
set -euo pipefail
source "$(dirname "$0")/env.sh"

cmd="${1:-}"; shift || true
dir="$INFERCHAIN_ROOT/localnet/.ibc"; offset=0
hermes_args=()
while (($#)); do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --port-offset) offset="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) if [ "$cmd" = hermes ]; then hermes_args+=("$1"); shift; else die "unknown flag $1 (see --help)"; fi ;;
  esac
done

WASMD_CHAIN_ID="wasmd-local-1"
ours="$dir/inferchain"; theirs="$dir/wasmd"; hermes_home="$dir/hermes"
[ -f "$dir/port-offset" ] && offset=$(cat "$dir/port-offset")
our_rpc=$((26657 + offset)); our_grpc=$((9090 + offset))
wasmd_rpc=$((27657 + offset)); wasmd_p2p=$((27656 + offset)); wasmd_grpc=$((9190 + offset))
# Hermes pays 10x the fee floor (0.0025uspec) on InferChain: it prices a transaction before
# its final gas, and a fee under the floor is refused outright.
OUR_GAS_PRICE="0.025"

alive() { [ -r "/proc/$1/stat" ] && ! grep -q ') Z' "/proc/$1/stat"; }
rpc_up() { curl -sf "http://127.0.0.1:$1/status" >/dev/null; }
height_of() {
  curl -sf "http://127.0.0.1:$1/status" | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["result"]["sync_info"]["latest_block_height"]))'
}
height_at_least() { # height_at_least RPC_PORT H
  local h; h=$(height_of "$1") && (( h >= $2 ))
}
hermes_cmd() { hermes --config "$hermes_home/config.toml" "$@"; }
# An event attribute of a committed transaction's JSON: tx_attr TYPE KEY < tx.json
tx_attr() {
  python3 -c "import json,sys; d=json.load(sys.stdin); print(next(a['value'] for e in d['events'] if e['type']=='$1' for a in e['attributes'] if a['key']=='$2'))"
}
wasmd_committed() { wasmd query tx "$1" --node "tcp://127.0.0.1:$wasmd_rpc" -o json >"$2" 2>/dev/null; }
# wasmd_tx ARGS… : signs as wasmd's user, waits for the block, prints the committed tx's JSON.
wasmd_tx() {
  local out hash
  out=$(wasmd tx "$@" --from user --keyring-backend test --home "$theirs" --chain-id "$WASMD_CHAIN_ID" \
    --node "tcp://127.0.0.1:$wasmd_rpc" --gas auto --gas-adjustment 1.5 -y -o json 2>"$theirs/tx.err") \
    || die "wasmd tx $1 $2 failed: $out $(cat "$theirs/tx.err")"
  hash=$(python3 -c "import json,sys; d=json.loads(sys.argv[1]); assert d.get('code',0)==0, d.get('raw_log'); print(d['txhash'])" "$out") \
    || die "wasmd tx $1 $2 refused: $out"
  wait_for 30 "wasmd tx $hash" wasmd_committed "$hash" "$theirs/last-tx.json"
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['code']==0, d['raw_log']" "$theirs/last-tx.json" \
    || die "wasmd tx $1 $2 failed: $(cat "$theirs/last-tx.json")"
  cat "$theirs/last-tx.json"
}
ichd_tx() {
  inferchaind --home "$ours/node0" tx "$@" --node "tcp://127.0.0.1:$our_rpc" --wait -y \
    --gas auto --gas-adjustment 1.5 -o json
}
json_field() { python3 -c "import json,sys; print(json.load(open('$1'))$2)"; }

start_wasmd() {
  if [ -f "$theirs/wasmd.pid" ] && alive "$(cat "$theirs/wasmd.pid")"; then return; fi
  wasmd start --home "$theirs" >>"$theirs/wasmd.log" 2>&1 &
  echo $! > "$theirs/wasmd.pid"
  wait_for 120 "wasmd RPC on $wasmd_rpc" rpc_up "$wasmd_rpc"
  wait_for 60 "wasmd's first blocks" height_at_least "$wasmd_rpc" 2
}

init_wasmd() { # init_wasmd RELAYER_MNEMONIC USER_MNEMONIC
  rm -rf "$theirs"
  wasmd init wasmd-node --chain-id "$WASMD_CHAIN_ID" --home "$theirs" >/dev/null 2>&1
  local name mnemonic
  for name in validator relayer user; do
    case "$name" in
      relayer) mnemonic="$1" ;;
      user) mnemonic="$2" ;;
      *) mnemonic="" ;;
    esac
    if [ -n "$mnemonic" ]; then
      echo "$mnemonic" | wasmd keys add "$name" --recover --keyring-backend test --home "$theirs" >/dev/null 2>&1
    else
      wasmd keys add "$name" --keyring-backend test --home "$theirs" >/dev/null 2>&1
    fi
    wasmd genesis add-genesis-account "$(wasmd keys show "$name" -a --keyring-backend test --home "$theirs")" \
      1000000000000stake --home "$theirs" >/dev/null
  done
  wasmd genesis gentx validator 100000000000stake --chain-id "$WASMD_CHAIN_ID" \
    --keyring-backend test --home "$theirs" >/dev/null 2>&1
  wasmd genesis collect-gentxs --home "$theirs" >/dev/null 2>&1
  # The same block time and mempool as our localnet, ports of its own, a zero fee floor.
  python3 "$INFERCHAIN_ROOT/localnet/configure_node.py" "$theirs/config/config.toml" \
    "rpc.laddr=\"tcp://127.0.0.1:$wasmd_rpc\"" \
    "p2p.laddr=\"tcp://127.0.0.1:$wasmd_p2p\"" \
    "rpc.pprof_laddr=\"\"" \
    "consensus.timeout_commit=\"$(cat "$ours/block-time" 2>/dev/null || echo 1s)\"" \
    "tx_index.indexer=\"kv\""
  python3 "$INFERCHAIN_ROOT/localnet/configure_node.py" "$theirs/config/app.toml" \
    ".minimum-gas-prices=\"0stake\"" \
    "grpc.address=\"127.0.0.1:$wasmd_grpc\"" \
    "api.enable=false" \
    "grpc-web.enable=false"
}

# One Hermes [[chains]] entry: chain_entry ID RPC_PORT GRPC_PORT ACCOUNT_PREFIX GAS_PRICE DENOM
# Events are pulled from /block_results, not pushed over the websocket: Hermes subscribes
# there only to transactions with `message.module = ibc_channel` (and the other IBC modules),
# and ibc-go v10 emits no such event when a CosmWasm contract sends a packet, nor is a
# block's own events (FinalizeBlock: our SLA misses' acknowledgements) in those; pulled, every
# IBC event of every block is seen within half a second instead of at the next clearing.
chain_entry() {
  cat <<EOF
[[chains]]
id = '$1'
type = 'CosmosSdk'
rpc_addr = 'http://127.0.0.1:$2'
grpc_addr = 'http://127.0.0.1:$3'
event_source = { mode = 'pull', interval = '500ms' }
rpc_timeout = '10s'
account_prefix = '$4'
key_name = 'relayer'
store_prefix = 'ibc'
default_gas = 3000000
max_gas = 15000000
gas_price = { price = $5, denom = '$6' }
gas_multiplier = 1.3
max_msg_num = 30
max_tx_size = 1800000
clock_drift = '5s'
max_block_time = '30s'
trust_threshold = { numerator = '1', denominator = '3' }
address_type = { derivation = 'cosmos' }
compat_mode = '0.38'
ccv_consumer_chain = false
EOF
}

write_hermes_config() {
  mkdir -p "$hermes_home"
  local specs; specs="$(inferchaind ibc proof-specs)"
  cat > "$hermes_home/config.toml" <<EOF
# Written by localnet/ibc.sh. InferChain's proof_specs come from \`inferchaind ibc proof-specs\`.
[global]
log_level = 'info'

[mode.clients]
enabled = true
refresh = true
misbehaviour = false

[mode.connections]
enabled = false

[mode.channels]
enabled = false

[mode.packets]
enabled = true
clear_interval = 20
clear_on_start = true
tx_confirmation = true

[rest]
enabled = false
host = '127.0.0.1'
port = $((3000 + offset))

[telemetry]
enabled = true
host = '127.0.0.1'
port = $((3001 + offset))

$(chain_entry "$INFERCHAIN_CHAIN_ID" "$our_rpc" "$our_grpc" infer "$OUR_GAS_PRICE" uspec)
proof_specs = '''
$specs
'''

$(chain_entry "$WASMD_CHAIN_ID" "$wasmd_rpc" "$wasmd_grpc" wasm 0.025 stake)
EOF
}

start_hermes() {
  if [ -f "$hermes_home/hermes.pid" ] && alive "$(cat "$hermes_home/hermes.pid")"; then return; fi
  # Hermes itself in the background (not a shell function's subshell): its pid is the one
  # `down` and the tests stop.
  hermes --config "$hermes_home/config.toml" start >>"$hermes_home/hermes.log" 2>&1 &
  echo $! > "$hermes_home/hermes.pid"
  log "hermes relaying (log $hermes_home/hermes.log)"
}

# Result of `hermes --json create channel`: hermes_result FILE → "A_CHANNEL B_CHANNEL CLIENT_A CONN_A CLIENT_B CONN_B"
hermes_result() {
  python3 - "$1" <<'EOF'
import json, sys
result = None
for line in open(sys.argv[1]):
    line = line.strip()
    if line.startswith("{"):
        msg = json.loads(line)
        if msg.get("status") == "success":
            result = msg["result"]
a, b = result["a_side"], result["b_side"]
print(a["channel_id"], b["channel_id"], a["client_id"], a["connection_id"], b["client_id"], b["connection_id"])
EOF
}

# The inference application: the model and its prover, the consumer contract on wasmd, the
# inference channel, the feeds. Writes $dir/inference.json.
setup_inference() { # setup_inference WASMD_CONNECTION
  local home0="$ours/node0" models="$ours/models" artifact="$INFERCHAIN_ROOT/contracts/artifacts/ibc-consumer.wasm"
  [ -f "$artifact" ] || die "no $artifact: build the contracts (contracts/build.sh)"
  log "inference: alice's model, the prover sidecar, a second model nobody serves"
  mkdir -p "$models"
  inferchain-prover train --arch mlp-16-32-16-1 --out "$models/mlp-16-32-16-1" >"$dir/train.log" 2>&1 \
    || die "training failed: $(tail -20 "$dir/train.log")"
  inferchain-prover train --arch mlp-16-32-16-1 --train-seed 7 --out "$dir/unserved-model" >>"$dir/train.log" 2>&1 \
    || die "training failed: $(tail -20 "$dir/train.log")"
  "$INFERCHAIN_ROOT/localnet/feed.sh" --dir "$ours" --metrics "127.0.0.1:$((9464 + offset))" >"$dir/feed.log" 2>&1 \
    || die "feed.sh failed: $(tail -20 "$dir/feed.log"; tail -20 "$ours/sidecar.log" 2>/dev/null)"
  local model_id unserved_commitment unserved_id
  model_id=$(json_field "$ours/feed.json" '["model_id"]')
  unserved_commitment=$(inferchain-prover commit --model "$dir/unserved-model" --output json | python3 -c 'import json,sys; print(json.load(sys.stdin)["commitment"])')
  unserved_id=$(ichd_tx inference register-model "$unserved_commitment" mlp-16-32-16-1 --mode private --from alice \
    | tx_attr register_model model_id)

  log "inference: the consumer contract on wasmd"
  local code_id contract
  code_id=$(wasmd_tx wasm store "$artifact" | tx_attr store_code code_id)
  contract=$(wasmd_tx wasm instantiate "$code_id" '{"price":{"denom":"stake","amount":"100"}}' \
    --label inferchain-consumer --no-admin | tx_attr instantiate _contract_address)

  log "hermes: the inference channel (wasm.$contract <-> inference)"
  hermes_cmd --json create channel --a-chain "$WASMD_CHAIN_ID" --a-connection "$1" \
    --a-port "wasm.$contract" --b-port inference --channel-version inferchain-inference-1 \
    --order unordered --yes > "$hermes_home/create-inference.json" 2>>"$hermes_home/hermes.log" \
    || die "hermes create channel (inference) failed; see $hermes_home/hermes.log and $hermes_home/create-inference.json"
  local wasmd_channel our_channel rest
  read -r wasmd_channel our_channel rest < <(hermes_result "$hermes_home/create-inference.json")

  log "inference: feeds open to other chains"
  local served unserved account
  served=$(ichd_tx inference create-feed --model "$model_id" --sla-blocks 30 --fee 1000 --mode private \
    --deposit 0 --ibc-open --publish-channel "$our_channel" --from faucet | tx_attr create_feed feed_id)
  unserved=$(ichd_tx inference create-feed --model "$unserved_id" --sla-blocks 4 --fee 1000 --mode private \
    --deposit 0 --ibc-open --from faucet | tx_attr create_feed feed_id)
  account=$(inferchaind ibc inference-account "$our_channel" "$contract")
  cat > "$dir/inference.json" <<EOF
{"contract": "$contract", "code_id": $code_id, "port": "wasm.$contract",
 "wasmd_channel": "$wasmd_channel", "inferchain_channel": "$our_channel",
 "deposit_account": "$account", "model_id": $model_id, "unserved_model_id": $unserved_id,
 "served_feed": $served, "unserved_feed": $unserved, "price": "100stake"}
EOF
  log "inference channel $our_channel (InferChain) <-> $wasmd_channel (wasmd); feeds $served (served, publishing) and $unserved (unserved)"
  log "the consumer's deposit account on InferChain (fund it with uspec over ICS-20): $account"
}

up() {
  "$INFERCHAIN_ROOT/localnet/install-ibc.sh"
  command -v inferchaind >/dev/null || die "inferchaind not found; run localnet/build.sh"
  down 2>/dev/null || true
  rm -rf "$dir"; mkdir -p "$dir"
  echo "$offset" > "$dir/port-offset"
  log "InferChain localnet in $ours"
  "$INFERCHAIN_ROOT/localnet/localnet.sh" init --dir "$ours" --port-offset "$offset"
  "$INFERCHAIN_ROOT/localnet/localnet.sh" start --dir "$ours"
  wait_for 120 "InferChain's first blocks" height_at_least "$our_rpc" 2
  # A counterparty's client of this chain must be refreshed within the unbonding time (the
  # staking contract's): two weeks here, as on a real chain.
  INFERCHAIN_UNBONDING_PERIOD=1209600 "$INFERCHAIN_ROOT/localnet/deploy.sh" --dir "$ours" >"$dir/deploy.log" 2>&1 \
    || die "deploying the contracts failed; see $dir/deploy.log"

  local home0="$ours/node0" relayer_json user_mnemonic
  relayer_json=$(inferchaind --home "$home0" keys add relayer --output json)
  echo "$relayer_json" > "$dir/relayer-key.json"
  local relayer_mnemonic relayer_addr
  relayer_mnemonic=$(json_field "$dir/relayer-key.json" '["mnemonic"]')
  relayer_addr=$(json_field "$dir/relayer-key.json" '["address"]')
  inferchaind --home "$home0" tx bank send faucet "$relayer_addr" 100000000000uspec \
    --node "tcp://127.0.0.1:$our_rpc" --wait >/dev/null
  # The wasmd user shares alice's mnemonic: one person with an account on each chain.
  user_mnemonic=$(python3 -c "import json; print([a for a in json.load(open('$ours/accounts.json')) if a['name']=='alice'][0]['mnemonic'])")

  log "wasmd $WASMD_VERSION in $theirs"
  init_wasmd "$relayer_mnemonic" "$user_mnemonic"
  start_wasmd

  write_hermes_config
  printf '%s' "$relayer_mnemonic" > "$hermes_home/relayer.mnemonic"
  hermes_cmd keys add --chain "$INFERCHAIN_CHAIN_ID" --mnemonic-file "$hermes_home/relayer.mnemonic" --key-name relayer --overwrite >/dev/null
  hermes_cmd keys add --chain "$WASMD_CHAIN_ID" --mnemonic-file "$hermes_home/relayer.mnemonic" --key-name relayer --overwrite >/dev/null
  rm -f "$hermes_home/relayer.mnemonic"

  log "hermes: clients, connection and the transfer channel (a minute)"
  hermes_cmd --json create channel --a-chain "$INFERCHAIN_CHAIN_ID" --b-chain "$WASMD_CHAIN_ID" \
    --a-port transfer --b-port transfer --new-client-connection --yes \
    > "$hermes_home/create-transfer.json" 2>>"$hermes_home/hermes.log" \
    || die "hermes create channel failed; see $hermes_home/hermes.log and $hermes_home/create-transfer.json"
  python3 - "$hermes_home/create-transfer.json" "$dir/ibc.json" <<EOF
import json, sys
result = None
for line in open(sys.argv[1]):
    line = line.strip()
    if line.startswith("{"):
        msg = json.loads(line)
        if msg.get("status") == "success":
            result = msg["result"]
a, b = result["a_side"], result["b_side"]
accounts = {a["name"]: a for a in json.load(open("$ours/accounts.json"))}
out = {
    "inferchain": {"chain_id": "$INFERCHAIN_CHAIN_ID", "rpc": "http://127.0.0.1:$our_rpc",
                   "grpc": "http://127.0.0.1:$our_grpc", "home": "$home0",
                   "client_id": a["client_id"], "connection_id": a["connection_id"]},
    "wasmd": {"chain_id": "$WASMD_CHAIN_ID", "rpc": "http://127.0.0.1:$wasmd_rpc",
              "grpc": "http://127.0.0.1:$wasmd_grpc", "home": "$theirs",
              "client_id": b["client_id"], "connection_id": b["connection_id"]},
    "transfer": {"inferchain_channel": a["channel_id"], "wasmd_channel": b["channel_id"]},
    "relayer": {"address": "$relayer_addr"},
    "user": {"inferchain_key": "alice", "inferchain_address": accounts["alice"]["address"],
             "wasmd_key": "user"},
    "hermes_config": "$hermes_home/config.toml",
}
json.dump(out, open(sys.argv[2], "w"), indent=2)
print(json.dumps(out["transfer"]))
EOF
  setup_inference "$(json_field "$dir/ibc.json" '["wasmd"]["connection_id"]')"
  python3 - "$dir/ibc.json" "$dir/inference.json" <<'EOF'
import json, sys
out = json.load(open(sys.argv[1]))
out["inference"] = json.load(open(sys.argv[2]))
json.dump(out, open(sys.argv[1], "w"), indent=2)
EOF
  start_hermes
  log "IBC up: $dir/ibc.json; try: localnet/ibc.sh hermes --dir $dir query channels --chain $INFERCHAIN_CHAIN_ID"
}

down() {
  local pidfile
  for pidfile in "$hermes_home/hermes.pid" "$theirs/wasmd.pid" "$ours/sidecar.pid"; do
    if [ -f "$pidfile" ]; then
      kill "$(cat "$pidfile")" 2>/dev/null || true
      rm -f "$pidfile"
    fi
  done
  [ -d "$ours" ] && "$INFERCHAIN_ROOT/localnet/localnet.sh" stop --dir "$ours"
  return 0
}

case "$cmd" in
  up) up ;;
  down) down ;;
  hermes) hermes_cmd "${hermes_args[@]}" ;;
  *) die "usage: localnet/ibc.sh up|down|hermes [--dir DIR] [--port-offset K]" ;;
esac
