#!/usr/bin/env bash
# engram reservoir beside reservoirpy 0.4.2 on the same data and hyper-parameters:
# Mackey-Glass (reservoirpy's README settings), NARMA-10 (500 units), memory capacity
# (100 units, default and tuned), and the speed of fit + run of a 2,000-unit reservoir
# on 10,000 steps. Installs reservoirpy into bench/venv-reservoirpy (git-ignored).
# Usage: bench/reservoir_vs_reservoirpy.sh [REPEATS] [all|accuracy|speed]
# Speed runs twice: both tools on both cores, then both pinned to core 0 (reservoirpy's
# BLAS with one thread). Writes bench/out/reservoir/results-*.json.
set -euo pipefail
cd "$(dirname "$0")/.."
REPEATS=${1:-3}
PART=${2:-all}
VENV=bench/venv-reservoirpy
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q "reservoirpy==0.4.2"
fi
cargo build --release -p engram-cli
ENGRAM=${CARGO_TARGET_DIR:-target}/release/engram
OUT=bench/out/reservoir
mkdir -p "$OUT"
# numpy's BLAS picks its kernels from the machine, not from these overrides.
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
BENCH_CORES=2 "$VENV/bin/python" bench/reservoir_vs_reservoirpy.py "$ENGRAM" "$OUT" "$REPEATS" "$PART"
if [ "$PART" != accuracy ]; then
    BENCH_CORES=1 OPENBLAS_NUM_THREADS=1 taskset -c 0 \
        "$VENV/bin/python" bench/reservoir_vs_reservoirpy.py "$ENGRAM" "$OUT" "$REPEATS" speed
fi
