#!/usr/bin/env bash
# engram beside Brian2 2.9 (C++ standalone) on the CUBA and COBA benchmark networks,
# measured in one run, written to bench/RESULTS.md. Installs Brian2 into bench/venv
# (git-ignored). One-thread runs of both tools are pinned to core 0.
#   bench/run_all.sh                      # N = 4000 20000 100000, and 1,000,000 for CUBA
#   SIZES="4000 20000" MODELS=cuba BIG= bench/run_all.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
read -r -a sizes <<<"${SIZES:-4000 20000 100000}"
read -r -a models <<<"${MODELS:-cuba coba}"
big=${BIG-1000000}
out=$here/out
mkdir -p "$out"

[ -x "$here/venv/bin/python" ] || python3 -m venv "$here/venv"
"$here/venv/bin/pip" install -q "brian2==2.9.0" "numpy<2.3"
(cd "$root" && cargo build --release -q -p engram-cli)
# Current numpy is slowed by these; some machines set them for old OpenBLAS builds.
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE

json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, d))" "$@"; }
table=$(mktemp)
run_one() { # model n threads
  local model=$1 n=$2 threads=$3 pin=()
  [ "$threads" = 1 ] && pin=(taskset -c 0)
  local e=$out/engram-$model-$n-$threads b=$out/brian2-$model-$n-$threads.json
  "${pin[@]}" "$here/scaled.sh" "$model" "$n" "$threads" "$e"
  # The same network without synapses, for the memory the synapses take.
  "$here/scaled.sh" "$model" "$n" 1 "$e-empty" "1 ms" --set projections={}
  "${pin[@]}" "$here/venv/bin/python" "$here/brian2_$model.py" "$n" "$threads" "$out/brian2-build-$model-$n-$threads" | tail -1 >"$b"
  python3 - "$e/summary.json" "$e-empty/summary.json" "$b" "$model" "$n" "$threads" >>"$table" <<'PY'
import json, sys
e, empty, b = (json.load(open(p)) for p in sys.argv[1:4])
model, n, threads = sys.argv[4:7]
syn = e["n_synapses"]
bps = (e["peak_rss_bytes"] - empty["peak_rss_bytes"]) / syn
pe = e["populations"]
mib = lambda x: f"{x / 2**20:.0f} MiB"
print(f"| {model} | {int(n):,} | {threads} | {syn:,} "
      f"| {e['build_s']:.2f} s | {b['setup_s']:.2f} s "
      f"| {e['run_s']:.3f} s | {b['run_s']:.3f} s | **{b['run_s'] / e['run_s']:.2f}** "
      f"| {mib(e['peak_rss_bytes'])} ({bps:.1f} B/syn) | {mib(b['peak_rss_bytes'])} "
      f"| {pe['exc']['rate_hz']:.2f} / {pe['inh']['rate_hz']:.2f} | {b['rate_exc_hz']:.2f} / {b['rate_inh_hz']:.2f} |")
PY
  tail -1 "$table"
}

for model in "${models[@]}"; do
  for n in "${sizes[@]}"; do
    for threads in 1 2; do run_one "$model" "$n" "$threads"; done
  done
done
[ -n "$big" ] && run_one cuba "$big" 2

{
  echo "# Benchmarks"
  echo
  echo "## CUBA and COBA (Brette et al. 2007, benchmarks 2 and 1), engram beside Brian2"
  echo
  echo "Measured $(date -u +%Y-%m-%d) on a $(nproc)-core $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs),"
  echo "engram $(cd "$root" && git rev-parse --short HEAD), $("$here/venv/bin/python" -c 'import brian2; print("Brian2", brian2.__version__)') C++ standalone (g++ $(g++ -dumpversion), its default -O3 -march=native),"
  echo "with \`bench/run_all.sh\`. N neurons, 80 % excitatory, 80 synapses per neuron (p = 80 / N),"
  echo "1 s of biological time, dt = 0.1 ms. One thread: both tools pinned to core 0 with"
  echo "\`taskset\`; two threads: engram's workers, Brian2's OpenMP."
  echo
  echo "- *run*: each tool's own timing of the simulation loop (engram \`run_s\`, Brian2"
  echo "  \`device._last_run_time\`); *Brian2 ÷ engram* is the speed-up."
  echo "- *build*: engram's network construction (\`build_s\`); for Brian2 the compiled"
  echo "  program's wall time outside the loop (synapse creation, initialisation, writing"
  echo "  results), code generation and compilation excluded."
  echo "- *memory*: peak RSS; for engram also (peak RSS − RSS of the same network without"
  echo "  synapses) ÷ synapses."
  echo "- *rates* exc / inh in Hz. The networks are the same model, not the same draw of"
  echo "  connectivity; engram's shortest delay is one step where Brian2's examples apply"
  echo "  spikes within the step."
  echo
  echo "| model | N | threads | synapses | engram build | Brian2 setup | engram run | Brian2 run | Brian2 ÷ engram | engram memory | Brian2 memory | engram rates | Brian2 rates |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  cat "$table"
} >"$here/RESULTS.md"
cat "$here/RESULTS.md"
