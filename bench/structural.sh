#!/usr/bin/env bash
# The cost of structural plasticity: CUBA scaled to N neurons with pair STDP on the
# excitatory-excitatory synapses, without and with a `structural` table on them
# (a rewiring every 100 ms pruning 5 % of the synapses, random or Hebbian regrowth),
# REPEATS interleaved runs each; prints run_s of every run.
#   bench/structural.sh [N [REPEATS [THREADS]]]
set -euo pipefail
n=${1:-20000} repeats=${2:-3} threads=${3:-1}
root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-$root/target/bench-structural}
mkdir -p "$work"
stdp='{ rule = "stdp_pair", tau_plus = "20 ms", tau_minus = "20 ms", A_plus = 0.01, A_minus = 0.0105, w_max = "3.24 mV" }'
structural() { echo "{ interval = \"100 ms\", prune_fraction = 0.05, regrow = \"$1\", in_degree = [0, 400] }"; }
for r in $(seq "$repeats"); do
  for variant in stdp random hebbian; do
    extra=(--set "projections.exc_exc.plasticity=$stdp")
    if [ "$variant" != stdp ]; then
      extra+=(--set "projections.exc_exc.structural=$(structural "$variant")")
    fi
    rm -rf "$work/$variant"
    "$root/bench/scaled.sh" cuba "$n" "$threads" "$work/$variant" "1 s" "${extra[@]}"
    python3 -c "import json,sys; s=json.load(open(sys.argv[1])); print(sys.argv[2], 'run_s', round(s['run_s'], 3), 'synapses', s['n_synapses'])" \
      "$work/$variant/summary.json" "$variant"
  done
done
