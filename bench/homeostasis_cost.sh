#!/usr/bin/env bash
# Does the adaptive threshold cost anything to lif_cond networks that do not use it?
# Runs COBA (examples/coba.toml, 4,000 lif_cond neurons) with a reference engram binary
# (main, before the change) and this branch's, interleaved, ROUNDS times each, on one
# thread, and prints each run time (summary.json run_s); then this branch's COBA with
# the adaptive threshold on (theta_target_rate = 20 Hz on both populations).
#
#   bench/homeostasis_cost.sh REFERENCE_ENGRAM [ROUNDS] [DURATION]
set -euo pipefail
ref=$1
rounds=${2:-5}
duration=${3:-5 s}
here=$(cd "$(dirname "$0")/.." && pwd)
new=${ENGRAM:-$here/target/release/engram}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run() {
    "$1" run "$here/examples/coba.toml" --out "$out/r" --duration "$duration" -j 1 --quiet "${@:2}"
    python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['run_s'])" "$out/r/summary.json"
    rm -rf "$out/r"
}
for k in $(seq "$rounds"); do
    echo "reference $(run "$ref")  branch $(run "$new")  branch+theta $(run "$new" \
        --set 'populations.exc.theta_target_rate="20 Hz"' --set 'populations.inh.theta_target_rate="20 Hz"')"
done
