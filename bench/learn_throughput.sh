#!/usr/bin/env bash
# Training throughput (samples/s) on digits: engram train vs snnTorch, same network
# (64 → 128 LIF → 10 LIF, 25 steps, batch 64), same split, 1 and 2 threads, interleaved
# and repeated. Prints one JSON line per run.
#   bench/learn_throughput.sh [EPOCHS] [REPEATS]
set -euo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-5}
repeats=${2:-2}
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
out=bench/out/learn
mkdir -p "$out"
engram=target/release/engram
py=bench/venv-learn/bin/python
$engram train examples/train/digits.toml -q --set training.epochs=1 --out "$out/split" -j 1
for r in $(seq "$repeats"); do
    for j in 1 2; do
        rm -rf "$out/e$j"
        $engram train examples/train/digits.toml -q -j "$j" --set training.epochs="$epochs" --out "$out/e$j"
        python3 -c "import json,sys; m=json.load(open('$out/e$j/metrics.json')); print(json.dumps({'tool':'engram','threads':$j,'epochs':$epochs,'samples_per_s':m['samples_per_s']}))"
        $py bench/snntorch_digits.py --epochs "$epochs" --threads "$j" --split "$out/split/split.json"
    done
done
