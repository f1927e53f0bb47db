#!/usr/bin/env bash
# Training throughput (samples/s): engram train vs snnTorch on the same network, 1 and 2
# threads, interleaved and repeated. Prints one JSON line per run.
#   digits:  64 → 128 LIF → 10 LIF, 25 steps, batch 64, same split (bench/snntorch_digits.py)
#   mnist1d: 8 channels × 80 steps → 256 recurrent → 10 readout, batch 64 (bench/snntorch_mnist1d.py)
#   bench/learn_throughput.sh [EPOCHS] [REPEATS] [digits|mnist1d]
set -euo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-5}
repeats=${2:-2}
task=${3:-digits}
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
out=bench/out/learn
mkdir -p "$out"
engram=target/release/engram
py=bench/venv-learn/bin/python
peer=(bench/snntorch_mnist1d.py)
if [ "$task" = digits ]; then
    $engram train examples/train/digits.toml -q --set training.epochs=1 --out "$out/split" -j 1
    peer=(bench/snntorch_digits.py --split "$out/split/split.json")
fi
for r in $(seq "$repeats"); do
    for j in 1 2; do
        rm -rf "$out/e$j"
        $engram train "examples/train/$task.toml" -q -j "$j" --set training.epochs="$epochs" --out "$out/e$j"
        python3 -c "import json,sys; m=json.load(open('$out/e$j/metrics.json')); print(json.dumps({'tool':'engram','task':'$task','threads':$j,'epochs':$epochs,'samples_per_s':m['samples_per_s']}))"
        $py "${peer[@]}" --epochs "$epochs" --threads "$j"
    done
done
