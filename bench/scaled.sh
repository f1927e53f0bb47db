#!/usr/bin/env bash
# Runs examples/MODEL.toml (cuba or coba) scaled to N neurons, keeping 80 % / 20 %
# excitatory/inhibitory and the original in-degree of 80 synapses per neuron
# (p = 80 / N), and leaves engram's run directory, with summary.json, in OUTDIR.
# THREADS "-" leaves the number of threads to engram.
#   bench/scaled.sh MODEL N THREADS OUTDIR [DURATION [MORE ENGRAM FLAGS...]]
set -euo pipefail
model=$1 n=$2 threads=$3 out=$4 duration=${5:-1 s}
root=$(cd "$(dirname "$0")/.." && pwd)
ne=$((n * 4 / 5))
ni=$((n - ne))
p=$(python3 -c "print(80 / $n)")
engram=${ENGRAM:-$root/target/release/engram}
sets=(--set "populations.exc.n=$ne" --set "populations.inh.n=$ni")
for proj in exc_exc exc_inh inh_exc inh_inh; do
  sets+=(--set "projections.$proj.p=$p")
done
# The benchmark measures the simulation: no state recording.
sets+=(--set "record.state=[]")
jobs=()
[ "$threads" = - ] || jobs=(--threads "$threads")
"$engram" run "$root/examples/$model.toml" --out "$out" "${jobs[@]}" --duration "$duration" --quiet "${sets[@]}" "${@:6}"
