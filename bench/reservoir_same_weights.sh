#!/usr/bin/env bash
# reservoirpy on engram's own weights, Mackey-Glass example, seeds 1..N (default 60):
# see bench/reservoir_same_weights.py. Needs engram's Python package in target/pyvenv
# (as .ci/run installs it) and reservoirpy in bench/venv-reservoirpy (made by
# bench/reservoir_vs_reservoirpy.sh). Writes bench/out/same_weights/scores.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-60}
OUT=bench/out/same_weights
mkdir -p "$OUT"
cargo build --release -p engram-cli
target/pyvenv/bin/python bench/reservoir_same_weights.py export "$OUT" $(seq 1 "$N")
bench/venv-reservoirpy/bin/python bench/reservoir_same_weights.py compare target/release/engram "$OUT" $(seq 1 "$N") \
    | tee "$OUT/scores.txt"
