#!/usr/bin/env bash
# Localnet control: init | start | stop | status.
#   localnet.sh init  [--validators N] [--dir DIR] [--port-offset K] [--block-time 1s]
#                     [--wasm-authority KEY|ADDRESS]  (default: the governance contract)
#                     [--snapshot-interval N]  (state-sync snapshots every N blocks; default 100)
#   localnet.sh start [--dir DIR]      starts every node found in DIR, in the background
#   localnet.sh stop  [--dir DIR]
#   localnet.sh add-node [--dir DIR] [--state-sync]  adds a full node (next index) to a running
#                     localnet and starts it: its own CometBFT keys, node0's genesis, the others
#                     as peers; prints its index. It validates once it bonds (tx staking
#                     bond-validator). --state-sync: it restores the others' latest snapshot
#                     (trusting node0's latest block) instead of replaying every block.
# Node i listens on p2p 26656+100i+K, RPC 26657+100i+K, ABCI 26658+100i+K, gRPC 9090+i+K,
# REST + web app 1317+i+K (the web app's bundle from web/dist, its extra config from DIR/web.json).
# Logs: DIR/nodeI/app.log and DIR/nodeI/cometbft.log. Keys and mnemonics of the funded dev
# accounts: DIR/accounts.json (keyring in DIR/node0).
set -euo pipefail
source "$(dirname "$0")/env.sh"

cmd="${1:-}"; shift || true
validators=1; dir="$INFERCHAIN_ROOT/localnet/.home"; offset=0; block_time="1s"; wasm_authority=""
snapshot_interval=100; state_sync=0
while (($#)); do
  case "$1" in
    --validators) validators="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --port-offset) offset="$2"; shift 2 ;;
    --block-time) block_time="$2"; shift 2 ;;
    --wasm-authority) wasm_authority="$2"; shift 2 ;;
    --snapshot-interval) snapshot_interval="$2"; shift 2 ;;
    --state-sync) state_sync=1; shift ;;
    *) die "unknown flag $1" ;;
  esac
done

rpc_port()  { echo $((26657 + 100 * $1 + offset)); }
p2p_port()  { echo $((26656 + 100 * $1 + offset)); }
abci_port() { echo $((26658 + 100 * $1 + offset)); }
grpc_port() { echo $((9090 + $1 + offset)); }
api_port()  { echo $((1317 + $1 + offset)); }

# A killed process can linger as a zombie until reaped; it is not running.
alive() { [ -r "/proc/$1/stat" ] && ! grep -q ') Z' "/proc/$1/stat"; }

nodes() { find "$dir" -maxdepth 1 -name 'node*' -type d | sort -V; }

init() {
  command -v cometbft >/dev/null || die "cometbft not found; run localnet/install-deps.sh"
  command -v inferchaind >/dev/null || die "inferchaind not found; run localnet/build.sh"
  stop 2>/dev/null || true
  rm -rf "$dir"
  log "initialising $validators validator(s) in $dir"
  cometbft testnet --v "$validators" --o "$dir" --starting-ip-address 127.0.0.1 >/dev/null
  echo "$offset" > "$dir/port-offset"
  echo "$block_time" > "$dir/block-time"
  echo "$snapshot_interval" > "$dir/snapshot-interval"
  local peers=() i
  for ((i = 0; i < validators; i++)); do
    peers+=("$(cometbft show-node-id --home "$dir/node$i")@127.0.0.1:$(p2p_port $i)")
  done
  local peer_list; peer_list=$(IFS=,; echo "${peers[*]}")
  # Contract uploads (800 KiB) must reach the app's own size check: CometBFT's default caps
  # on the RPC body (1 MB, base64 inflates a tx by 4/3) and on mempool txs are raised.
  for ((i = 0; i < validators; i++)); do configure "$i" "$peer_list"; done
  local home0="$dir/node0"
  inferchaind --home "$home0" genesis init --chain-id "$INFERCHAIN_CHAIN_ID"
  local accounts="[" sep="" name out
  for name in faucet alice bob carol; do
    out=$(inferchaind --home "$home0" keys add "$name" --output json)
    inferchaind --home "$home0" genesis add-account "$name" 1000000000000uspec
    accounts+="$sep$out"; sep=","
  done
  echo "$accounts]" > "$dir/accounts.json"
  # The chain's authority (changes params, pins codes, calls sudo) is the governance contract that localnet/deploy.sh
  # instantiates at its instantiate2 address (faucet, salt "inferchain-governance").
  local gov_wasm="$INFERCHAIN_ROOT/contracts/artifacts/governance.wasm" gov
  if [ -n "$wasm_authority" ]; then
    gov=$(inferchaind --home "$home0" keys show "$wasm_authority" -a 2>/dev/null || echo "$wasm_authority")
    inferchaind --home "$home0" genesis set-authority "$gov"
  elif [ -f "$gov_wasm" ]; then
    gov=$(inferchaind wasm address "$gov_wasm" "$(inferchaind --home "$home0" keys show faucet -a)" \
      "$(printf inferchain-governance | od -An -tx1 | tr -d ' \n')" -o json \
      | python3 -c 'import json, sys; print(json.load(sys.stdin)["address"])')
    inferchaind --home "$home0" genesis set-authority "$gov"
  else
    log "no contracts/artifacts/governance.wasm: genesis without a wasm authority (codes can't be pinned)"
  fi
  # The inference module reads challenges from the challenge contract and modeler stake from
  # the staking contract, and reports consumed inferences to the reputation contract: their
  # instantiate2 addresses too (deploy.sh's salts).
  local name addr faucet_addr
  faucet_addr=$(inferchaind --home "$home0" keys show faucet -a)
  for name in challenge staking reputation; do
    [ -f "$INFERCHAIN_ROOT/contracts/artifacts/$name.wasm" ] || continue
    addr=$(inferchaind wasm address "$INFERCHAIN_ROOT/contracts/artifacts/$name.wasm" "$faucet_addr" \
      "$(printf "inferchain-$name" | od -An -tx1 | tr -d ' \n')" -o json \
      | python3 -c 'import json, sys; print(json.load(sys.stdin)["address"])')
    inferchaind --home "$home0" genesis set-inference "--$name" "$addr"
    # The validator set follows the staking contract's bonded validators (the validators module).
    if [ "$name" == staking ]; then
      inferchaind --home "$home0" genesis set-validators --staking "$addr"
    fi
  done
  # Architectures the chain verifies (digests computed here, checked by every node at start).
  # INFERCHAIN_ARCHITECTURES="arch[=circuit,circuit] …" narrows it (tests use a small set).
  local spec
  for spec in ${INFERCHAIN_ARCHITECTURES:-mlp-16-32-16-1 mlp-64-128-128-1}; do
    if [[ "$spec" == *=* ]]; then
      inferchaind --home "$home0" genesis add-architecture "${spec%%=*}" --circuits "${spec#*=}"
    else
      inferchaind --home "$home0" genesis add-architecture "$spec"
    fi
  done
  for ((i = 1; i < validators; i++)); do cp "$home0/config/genesis.json" "$dir/node$i/config/genesis.json"; done
  log "genesis ready: chain id $INFERCHAIN_CHAIN_ID, dev accounts in $dir/accounts.json"
}

start_node() {
  local home="$1" i="${1##*node}"
  offset=$(cat "$dir/port-offset" 2>/dev/null || echo "$offset")
  if [ -f "$home/app.pid" ] && alive "$(cat "$home/app.pid")"; then
    log "node$i already running"; return
  fi
  inferchaind --home "$home" start --abci "127.0.0.1:$(abci_port "$i")" \
    --grpc-address "127.0.0.1:$(grpc_port "$i")" --rpc "http://127.0.0.1:$(rpc_port "$i")" \
    --api-address "127.0.0.1:$(api_port "$i")" --web-dir "$INFERCHAIN_ROOT/web/dist" \
    --snapshot-interval "$(cat "$dir/snapshot-interval" 2>/dev/null || echo 0)" \
    --web-config "$dir/web.json" >>"$home/app.log" 2>&1 &
  echo $! > "$home/app.pid"
  # A node builds the verifier of every registered circuit before it listens (seconds each).
  wait_for 240 "node$i ABCI server (building proof verifiers first)" port_open "$(abci_port "$i")"
  cometbft start --home "$home" >>"$home/cometbft.log" 2>&1 &
  echo $! > "$home/cometbft.pid"
  log "node$i: RPC http://127.0.0.1:$(rpc_port "$i")  gRPC 127.0.0.1:$(grpc_port "$i")  REST + web app http://127.0.0.1:$(api_port "$i")  logs $home/{app,cometbft}.log"
}

start() {
  [ -d "$dir/node0" ] || die "no localnet in $dir; run: localnet.sh init"
  local home
  for home in $(nodes); do start_node "$home"; done
}

stop() {
  local home pidfile
  for home in $(nodes); do
    for pidfile in "$home/cometbft.pid" "$home/app.pid"; do
      if [ -f "$pidfile" ]; then
        kill "$(cat "$pidfile")" 2>/dev/null || true
        rm -f "$pidfile"
      fi
    done
  done
}

configure() { # configure I PEERS
  python3 "$INFERCHAIN_ROOT/localnet/configure_node.py" "$dir/node$1/config/config.toml" \
    ".proxy_app=\"tcp://127.0.0.1:$(abci_port "$1")\"" \
    ".moniker=\"node$1\"" \
    "rpc.laddr=\"tcp://127.0.0.1:$(rpc_port "$1")\"" \
    "p2p.laddr=\"tcp://127.0.0.1:$(p2p_port "$1")\"" \
    "p2p.persistent_peers=\"$2\"" \
    "p2p.addr_book_strict=false" \
    "p2p.allow_duplicate_ip=true" \
    "consensus.timeout_commit=\"$(cat "$dir/block-time" 2>/dev/null || echo "$block_time")\"" \
    "tx_index.indexer=\"kv\"" \
    "rpc.max_body_bytes=4000000" \
    "rpc.cors_allowed_origins=[\"*\"]" \
    "mempool.max_tx_bytes=2097152"
}

add_node() {
  [ -d "$dir/node0" ] || die "no localnet in $dir; run: localnet.sh init"
  offset=$(cat "$dir/port-offset" 2>/dev/null || echo "$offset")
  local n; n=$(nodes | wc -l)
  local home="$dir/node$n" peers=() home_i
  for home_i in $(nodes); do
    peers+=("$(cometbft show-node-id --home "$home_i")@127.0.0.1:$(p2p_port "${home_i##*node}")")
  done
  cometbft init --home "$home" >/dev/null 2>&1 || die "cometbft init for node$n failed"
  cp "$dir/node0/config/genesis.json" "$home/config/genesis.json"
  configure "$n" "$(IFS=,; echo "${peers[*]}")"
  if [ "$state_sync" = 1 ]; then
    # CometBFT's light client verifies the snapshot's app hash from a header it trusts:
    # node0's latest block (height and hash), checked against node0 and node1's RPC.
    local rpc0="http://127.0.0.1:$(rpc_port 0)" rpc1 trust
    rpc1="http://127.0.0.1:$(rpc_port "$(( n > 1 ? 1 : 0 ))")"
    trust=$(curl -sf "$rpc0/block" | python3 -c \
      'import json,sys; r=json.load(sys.stdin)["result"]; print(r["block"]["header"]["height"], r["block_id"]["hash"])') \
      || die "node0's RPC ($rpc0) did not answer: state sync needs a running node"
    python3 "$INFERCHAIN_ROOT/localnet/configure_node.py" "$home/config/config.toml" \
      "statesync.enable=true" \
      "statesync.rpc_servers=\"$rpc0,$rpc1\"" \
      "statesync.trust_height=${trust% *}" \
      "statesync.trust_hash=\"${trust#* }\"" \
      "statesync.discovery_time=\"5s\""
    log "node$n: state sync from a snapshot, trusting block ${trust% *} (${trust#* })"
  fi
  start_node "$home"
  echo "$n"
}

status() {
  local home i
  for home in $(nodes); do
    i="${home##*node}"; offset=$(cat "$dir/port-offset" 2>/dev/null || echo 0)
    curl -s "http://127.0.0.1:$(rpc_port "$i")/status" | python3 -c \
      "import json,sys; s=json.load(sys.stdin)['result']['sync_info']; print('node$i', 'height', s['latest_block_height'], 'app_hash', s['latest_app_hash'])" \
      2>/dev/null || echo "node$i down"
  done
}

case "$cmd" in
  init) init ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  add-node) add_node ;;
  *) die "usage: localnet.sh init|start|stop|status [--validators N] [--dir DIR] [--port-offset K]" ;;
esac
