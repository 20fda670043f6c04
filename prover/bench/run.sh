#!/usr/bin/env bash
# Benchmark: plonky2 (this crate) vs EZKL on the same trained MLP weights, both architectures.
#
#   prover/bench/run.sh [reps]        (default 5; results also in $BENCH_DIR/results.jsonl)
#
# plonky2: one process per configuration (peak RSS = VmHWM of that process):
#   public single inference, compact (public, high FRI rate, < 64 KB) single inference,
#   private (zero-knowledge) single inference, private batch of 32.
#   the small model also: a zero-knowledge aggregate of 32 public proofs, and proofs of score
#   (256 rows, public and private).
# EZKL (pip install ezkl onnx): the float weights exported to ONNX, local SRS (ezkl.gen_srs),
#   default settings (calibrated for resources) and several tunings (decomp base x legs @ logrows).
# Timings are wall-clock on this machine (single inferences after one untimed warm-up proof);
# other builds running at the same time inflate them.
set -euo pipefail
REPS=${1:-5}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BENCH_DIR=${BENCH_DIR:-$ROOT/target/bench}
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/inferchain/target-prover}
mkdir -p "$BENCH_DIR"
RESULTS=$BENCH_DIR/results.jsonl
: > "$RESULTS"

cd "$ROOT"
echo "== building (release)" >&2
cargo build --release -p inferchain-prover -p inferchain-verifier --example bench --bin inferchain-prover >&2
PROVER=$CARGO_TARGET_DIR/release/inferchain-prover
BENCH=$CARGO_TARGET_DIR/release/examples/bench

for ARCH in mlp-16-32-16-1 mlp-64-128-128-1; do
  M=$BENCH_DIR/models/$ARCH
  mkdir -p "$BENCH_DIR/models"
  if [ ! -f "$M/quant.json" ]; then
    echo "== training $ARCH" >&2
    "$PROVER" train --arch "$ARCH" --out "$M" --output json > "$M.train.json"
  fi
  if [ "$ARCH" = mlp-16-32-16-1 ]; then
    CFGS=("public inference" "compact inference" "private inference" "private batch:32"
          "private aggregate:32" "public score:256" "private score:256")
    EZKL_CFGS=(default tuned:1024x3@12 tuned:256x4@12 tuned:1024x3@13)
  else
    CFGS=("public inference" "private inference" "private batch:32")
    EZKL_CFGS=(default tuned:1024x3@12 tuned:256x4@12)
  fi
  for CFG in "${CFGS[@]}"; do
    set -- $CFG
    R=$REPS
    # a batch, an aggregate or a score costs many inferences' rows: fewer repetitions
    case "$2" in
      batch:*|aggregate:*|score:*)
        R=$(( REPS < 3 ? REPS : 3 )); [ "$ARCH" = mlp-64-128-128-1 ] && R=1 ;;
    esac
    echo "== plonky2 $ARCH $1 $2 x$R (load $(cut -d" " -f1-3 /proc/loadavg))" >&2
    "$BENCH" "$M/quant.json" "$1" "$R" "$2" | tee -a "$RESULTS"
  done
  if python3 -c "import ezkl, onnx" 2>/dev/null; then
    for CFG in "${EZKL_CFGS[@]}"; do
      echo "== ezkl $ARCH $CFG x$REPS (load $(cut -d" " -f1-3 /proc/loadavg))" >&2
      python3 "$ROOT/prover/bench/ezkl_bench.py" "$M/float.json" "$BENCH_DIR/ezkl/$ARCH" "$CFG" "$REPS" 2>/dev/null \
        | tail -1 | tee -a "$RESULTS" || echo "ezkl $ARCH $CFG failed" >&2
    done
  else
    echo "(ezkl/onnx not installed: pip install ezkl onnx)" >&2
  fi
done

echo >&2
python3 - "$RESULTS" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith("{")]
print(f"{'system':8} {'arch':17} {'config':28} {'prove s (median)':>16} {'per inference':>13} {'verify ms':>9} {'proof B':>8} {'compressed B':>12} {'peak MB':>8}")
for r in rows:
    if r["system"] == "plonky2":
        cfg = f"{r['mode']} {r['kind']} 2^{r['degree_bits']}"
        n = int(r["kind"].split(":")[1]) if r["kind"].startswith(("batch:", "aggregate:")) else 1
    else:
        cfg = r['config'] if r.get('tuning') else f"{r['config']} logrows {r['logrows']}"
        n = 1
    print(f"{r['system']:8} {r['arch']:17} {cfg:28} {r['prove_s_median']:16.3f} {r['prove_s_median']/n:13.3f} "
          f"{r['verify_ms_median']:9.1f} {r['proof_bytes'] or 0:8} {r.get('compressed_bytes') or '-':>12} {r['peak_rss_mb']:8.0f}")
EOF
