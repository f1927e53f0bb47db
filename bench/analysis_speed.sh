#!/usr/bin/env bash
# Times `engram analyze` against Elephant 1.2.1 doing the same statistics
# (bench/analysis_speed_elephant.py) on the spikes of a scaled CUBA run.
#   bench/analysis_speed.sh [N_NEURONS] [DURATION] [THREADS]
# defaults: 20000 neurons, "10 s", 2 threads. Needs target/release/engram and
# bench/venv with elephant==1.2.1 (python3 -m venv bench/venv && bench/venv/bin/pip
# install elephant==1.2.1). Writes into bench/out/.
set -euo pipefail
n=${1:-20000} duration=${2:-10 s} threads=${3:-2}
root=$(cd "$(dirname "$0")/.." && pwd)
engram=${ENGRAM:-$root/target/release/engram}
run=$root/bench/out/cuba_${n}_${duration// /}
if [ ! -f "$run/spikes.npz" ]; then
  "$root/bench/scaled.sh" cuba "$n" "$threads" "$run" "$duration"
fi
python3 -c "import json; s = json.load(open('$run/summary.json')); print('spikes:', sum(p['spikes'] for p in s['populations'].values()), 'neurons:', s['n_neurons'], 'duration:', s['duration_s'], 's')"
echo "== engram analyze (RAYON_NUM_THREADS=$threads), best of 3"
best=
for _ in 1 2 3; do
  start=$(date +%s.%N)
  RAYON_NUM_THREADS=$threads "$engram" analyze "$run" --out "$run/analysis" --quiet
  t=$(python3 -c "print(f'{$(date +%s.%N) - $start:.3f}')")
  echo "  $t s"
  best=$(python3 -c "print(min(float(x) for x in '$t ${best}'.split()))")
done
echo "engram total   $best s"
echo "== Elephant $("$root/bench/venv/bin/python" -c 'import elephant; print(elephant.__version__)')"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$root/bench/venv/bin/python" "$root/bench/analysis_speed_elephant.py" "$run"
