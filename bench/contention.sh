#!/usr/bin/env bash
# Threads beside other work (issue 24): `engram run` with the default number of threads,
# with -j 1 and with -j 2, on an otherwise quiet machine and beside one competing
# CPU-bound process (a shell busy loop started from this script, so in engram's session
# and scheduled against it thread for thread), for CUBA at 4,000 and 100,000 neurons
# (bench/scaled.sh) and the full-scale microcircuit (examples/microcircuit.toml, 3 GiB,
# MC_DURATION of simulated time). Each repetition runs every configuration once, in
# turn, so slow spells of the machine fall on all of them; the table gives the median
# `run_s` (simulation only, no build) and the ratios of the medians to -j 1's.
#   bench/contention.sh [OUT]       REPS=5 MC_REPS=2 MC_DURATION="0.1 s" CASES="cuba4k cuba100k microcircuit"
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
out=${1:-$here/out/contention}
reps=${REPS:-5}
mc_reps=${MC_REPS:-2}
mc_duration=${MC_DURATION:-0.1 s}
read -r -a cases <<<"${CASES:-cuba4k cuba100k microcircuit}"
export ENGRAM=${ENGRAM:-$root/target/release/engram}
[ -n "${NO_BUILD:-}" ] || (cd "$root" && cargo build --release -q -p engram-cli)
rm -rf "$out"
mkdir -p "$out"

busy=
stop_busy() {
  if [ -n "$busy" ]; then
    kill "$busy" 2>/dev/null || true
    wait "$busy" 2>/dev/null || true
    busy=
  fi
}
trap stop_busy EXIT

# run CASE LOAD THREADS REP: one run, its run directory in $out.
run() {
  local dir=$out/$1-$2-j$3-$4
  case $1 in
  cuba4k) "$here/scaled.sh" cuba 4000 "$3" "$dir" ;;
  cuba100k) "$here/scaled.sh" cuba 100000 "$3" "$dir" ;;
  microcircuit)
    local jobs=()
    [ "$3" = - ] || jobs=(--threads "$3")
    "$ENGRAM" run "$root/examples/microcircuit.toml" --duration "$mc_duration" --quiet --out "$dir" "${jobs[@]}"
    ;;
  esac
}

for case in "${cases[@]}"; do
  n=$reps
  [ "$case" = microcircuit ] && n=$mc_reps
  for rep in $(seq "$n"); do
    for load in quiet busy; do
      [ "$load" = busy ] && { sh -c 'while :; do :; done' & busy=$!; }
      for threads in - 1 2; do
        run "$case" "$load" "$threads" "$rep"
      done
      stop_busy
    done
  done
done

echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $("$ENGRAM" --version)"
python3 - "$out" "${cases[@]}" <<'PY'
import json, pathlib, statistics, sys
out = pathlib.Path(sys.argv[1])
print("| case | beside | default threads | default (s) | -j 1 (s) | -j 2 (s) | default ÷ -j 1 | -j 2 ÷ -j 1 | runs |")
print("|---|---|---|---|---|---|---|---|---|")
for case in sys.argv[2:]:
    for load, beside in (("quiet", "nothing of ours"), ("busy", "one busy loop")):
        runs = {}
        for j in ("-", "1", "2"):
            runs[j] = [json.loads(d.joinpath("summary.json").read_text()) for d in sorted(out.glob(f"{case}-{load}-j{j}-*"))]
        med = {j: statistics.median(r["run_s"] for r in rs) for j, rs in runs.items()}
        chosen = sorted({r["threads"] for r in runs["-"]})
        print(f"| {case} | {beside} | {', '.join(map(str, chosen))} | {med['-']:.3f} | {med['1']:.3f} | {med['2']:.3f} "
              f"| {med['-'] / med['1']:.2f} | {med['2'] / med['1']:.2f} | {len(runs['1'])} |")
PY
