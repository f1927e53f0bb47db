#!/usr/bin/env bash
# Plasticity benchmarks (issue 5), printed as markdown rows:
#  1. CUBA with pair STDP on every excitatory synapse (exc_exc and exc_inh), engram
#     beside Brian2 2.9 standalone running the same rule (bench/brian2_cuba_stdp.py),
#     at each N in SIZES, interleaved REPEATS times;
#  2. the cost of having plasticity in the engine for static networks: plain CUBA with
#     the engram binary at $ENGRAM_BASE (built from the commit before plasticity) and
#     with this tree's, interleaved.
#   bench/plasticity.sh [REPEATS [THREADS]]
# Env: PYTHON (a Python with brian2; default /work/main/bench/venv/bin/python), ENGRAM_TREE
#      (the engram binary to test; default target/release/engram),
#      ENGRAM_BASE (optional), SIZES (default "20000 100000"), WORK (scratch directory).
set -euo pipefail
repeats=${1:-3} threads=${2:-1}
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-/work/main/bench/venv/bin/python}
work=${WORK:-$root/target/bench-plasticity}
sizes=${SIZES:-20000 100000}
engram=${ENGRAM_TREE:-$root/target/release/engram}
mkdir -p "$work"
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
stdp='{ rule = "stdp_pair", tau_plus = "20 ms", tau_minus = "20 ms", A_plus = 0.01, A_minus = 0.0105, w_max = "3.24 mV" }'
field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

engram_run() { # BINARY N OUT [stdp]
  local extra=()
  if [ "${4:-}" = stdp ]; then
    extra=(--set "projections.exc_exc.plasticity=$stdp" --set "projections.exc_inh.plasticity=$stdp")
  fi
  rm -rf "$3"
  ENGRAM=$1 "$root/bench/scaled.sh" cuba "$2" "$threads" "$3" "1 s" "${extra[@]}"
}

for n in $sizes; do
  # Code generation, compilation and one run; later runs re-execute the program.
  if [ ! -x "$work/brian2_$n/main" ]; then
    "$python" "$root/bench/brian2_cuba_stdp.py" "$n" "$threads" "$work/brian2_$n" > "$work/brian2_$n.json"
  fi
done

echo "| N | run | engram STDP run_s | Brian2 STDP run_s | ratio | engram rate exc (Hz) | Brian2 rate exc (Hz) |"
echo "|---|---|---|---|---|---|---|"
for r in $(seq "$repeats"); do
  for n in $sizes; do
    engram_run "$engram" "$n" "$work/engram_$n" stdp
    e=$(field "$work/engram_$n/summary.json" "d['run_s']")
    er=$(field "$work/engram_$n/summary.json" "round(d['populations']['exc']['rate_hz'], 3)")
    (cd "$work/brian2_$n" && ./main > /dev/null)
    b=$(cut -d' ' -f1 "$work/brian2_$n/results/last_run_info.txt")
    br=$(field "$work/brian2_$n.json" "round(d['rate_exc_hz'], 3)")
    echo "| $n | $r | $(printf %.3f "$e") | $b | $(python3 -c "print(f'{$e / $b:.2f}')") | $er | $br |"
  done
done

if [ -n "${ENGRAM_BASE:-}" ]; then
  echo
  echo "| N | run | static CUBA run_s, base | static CUBA run_s, this tree | ratio |"
  echo "|---|---|---|---|---|"
  for r in $(seq "$repeats"); do
    for n in $sizes; do
      engram_run "$ENGRAM_BASE" "$n" "$work/base_$n"
      engram_run "$engram" "$n" "$work/tree_$n"
      a=$(field "$work/base_$n/summary.json" "d['run_s']")
      b=$(field "$work/tree_$n/summary.json" "d['run_s']")
      echo "| $n | $r | $(printf %.3f "$a") | $(printf %.3f "$b") | $(python3 -c "print(f'{$b / $a:.3f}')") |"
    done
  done
fi
