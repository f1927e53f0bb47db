#!/usr/bin/env bash
# The Potjans & Diesmann (2014) microcircuit (examples/microcircuit.py):
#  1. at scale 0.1 (neurons and in-degrees x 0.1, NEST's down-scaling rule), engram
#     beside NEST 3 (bench/nest_microcircuit.py), one thread each, for each seed;
#  2. at full scale (77,169 neurons, 0.3 billion synapses), engram on 2 threads.
# Rates are per population over [0.5 s, 1.5 s] of a 1.5 s run (NEST's t_presim and
# t_sim). Prints a Markdown table and leaves the runs in OUT.
#   bench/microcircuit.sh [OUT]          SEEDS="55 56 57" FULL=1 by default
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
out=${1:-$here/out/microcircuit}
read -r -a seeds <<<"${SEEDS:-55 56 57}"
full=${FULL-1}
mkdir -p "$out"
[ -x "$here/venv/bin/python" ] || python3 -m venv "$here/venv"
"$here/venv/bin/pip" install -q "numpy<2.3" nest-simulator
(cd "$root" && cargo build --release -q -p engram-cli)
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
engram=$root/target/release/engram

python3 "$root/examples/microcircuit.py" --n-scaling 0.1 --k-scaling 0.1 --duration "1.5 s" >"$out/mc-0.1.toml"
for seed in "${seeds[@]}"; do
  taskset -c 0 "$engram" run "$out/mc-0.1.toml" --seed "$seed" --threads 1 --quiet --out "$out/engram-0.1-$seed"
  taskset -c 0 "$here/venv/bin/python" "$here/nest_microcircuit.py" --scale 0.1 --seed "$seed" 2>/dev/null |
    tail -1 >"$out/nest-0.1-$seed.json"
done
if [ -n "$full" ]; then
  "$engram" run "$root/examples/microcircuit.toml" --duration "1.5 s" --threads 2 --quiet --out "$out/engram-full"
fi
"$here/venv/bin/python" "$here/microcircuit_table.py" "$out" "${seeds[@]}"
