#!/usr/bin/env bash
# engram beside Brian2 2.9 (C++ standalone), NEST 3 and BrainPy 2.8 on the CUBA and COBA
# networks, measured in one run, written to bench/RESULTS.md. Installs Brian2 and NEST
# into bench/venv and BrainPy into bench/venv-brainpy (git-ignored); BrainPy's columns
# read "–" if its install fails. One-thread runs of every tool are pinned to core 0.
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
"$here/venv/bin/pip" install -q "brian2==2.9.0" "numpy<2.3" nest-simulator
nest_max=${NEST_MAX:-20000} # NEST's pairwise_bernoulli connects slowly beyond this
# BrainPy (CPU JAX; numba for its event-driven kernels) is optional: a failed install
# leaves its columns empty.
brainpy_python=$here/venv-brainpy/bin/python
{ [ -x "$brainpy_python" ] || python3 -m venv "$here/venv-brainpy"; } &&
  "$here/venv-brainpy/bin/pip" install -q "brainpy==2.8.2" "jax[cpu]==0.10.2" numba ||
  { echo "BrainPy install failed: its columns stay empty" >&2; brainpy_python=; }
brainpy_max=${BRAINPY_MAX:-100000} # its dense per-step work grows with N
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
  local nst=$out/nest-$model-$n-$threads.json
  echo '{}' >"$nst"
  if [ -f "$here/nest_$model.py" ] && [ "$n" -le "$nest_max" ]; then
    "${pin[@]}" "$here/venv/bin/python" "$here/nest_$model.py" "$n" "$threads" 2>/dev/null | tail -1 >"$nst" || true
    [ -s "$nst" ] || echo '{}' >"$nst"
  fi
  local bp=$out/brainpy-$model-$n-$threads.json
  echo '{}' >"$bp"
  if [ -n "$brainpy_python" ] && [ "$n" -le "$brainpy_max" ]; then
    "${pin[@]}" "$brainpy_python" "$here/brainpy_$model.py" "$n" "$threads" 2>/dev/null | tail -1 >"$bp" || true
    [ -s "$bp" ] || echo '{}' >"$bp"
  fi
  python3 - "$e/summary.json" "$e-empty/summary.json" "$b" "$nst" "$bp" "$model" "$n" "$threads" >>"$table" <<'PY'
import json, sys
e, empty, b, nst, bp = (json.load(open(p)) for p in sys.argv[1:6])
model, n, threads = sys.argv[6:9]
syn = e["n_synapses"]
bps = (e["peak_rss_bytes"] - empty["peak_rss_bytes"]) / syn
pe = e["populations"]
mib = lambda x: f"{x / 2**20:.0f} MiB"
print(f"| {model} | {int(n):,} | {threads} | {syn:,} "
      f"| {e['build_s']:.2f} s | {b['setup_s']:.2f} s "
      f"| {e['run_s']:.3f} s | {b['run_s']:.3f} s | **{b['run_s'] / e['run_s']:.2f}** "
      f"| {mib(e['peak_rss_bytes'])} ({bps:.1f} B/syn) | {mib(b['peak_rss_bytes'])} "
      f"| {pe['exc']['rate_hz']:.2f} / {pe['inh']['rate_hz']:.2f} | {b['rate_exc_hz']:.2f} / {b['rate_inh_hz']:.2f} "
      + (f"| {nst['build_s']:.2f} s | {nst['run_s']:.3f} s | **{nst['run_s'] / e['run_s']:.1f}** "
         f"| {nst['rate_exc_hz']:.2f} / {nst['rate_inh_hz']:.2f} |" if nst else "| – | – | – | – |")
      + (f" {bp['run_s']:.3f} s | **{bp['run_s'] / e['run_s']:.1f}** "
         f"| {bp['rate_exc_hz']:.2f} / {bp['rate_inh_hz']:.2f} |" if bp else " – | – | – |"))
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
  echo "## CUBA and COBA (Brette et al. 2007, benchmarks 2 and 1), engram beside Brian2, NEST and BrainPy"
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
  echo "- NEST $("$here/venv/bin/python" -c 'import nest; print(nest.__version__)' 2>/dev/null | tail -1) (\`bench/nest_cuba.py\`, \`nest_coba.py\`): \`iaf_psc_exp\` and \`iaf_cond_exp\`, pairwise_bernoulli, N ≤ $nest_max;"
  echo "  its build is creating and connecting, its run \`nest.Run\`."
  echo "- BrainPy $("$here/venv-brainpy/bin/python" -c 'import brainpy, jax; print(brainpy.__version__, "with JAX", jax.__version__)' 2>/dev/null | tail -1) (\`bench/brainpy_cuba.py\`, \`brainpy_coba.py\`), CPU, N ≤ $brainpy_max:"
  echo "  \`LifRef\` neurons, \`EventCSRLinear\` over a stored Bernoulli draw, \`Expon\` synapses; its run is"
  echo "  the jitted \`bm.for_loop\` with tracing and XLA compilation excluded (\`compile_s\` in its JSON)."
  echo "- *rates* exc / inh in Hz. The networks are the same model, not the same draw of"
  echo "  connectivity; engram's shortest delay is one step where Brian2's examples apply"
  echo "  spikes within the step."
  echo
  echo "| model | N | threads | synapses | engram build | Brian2 setup | engram run | Brian2 run | Brian2 ÷ engram | engram memory | Brian2 memory | engram rates | Brian2 rates | NEST build | NEST run | NEST ÷ engram | NEST rates | BrainPy run | BrainPy ÷ engram | BrainPy rates |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  cat "$table"
} >"$out/simulation.md"
# RESULTS.md keeps other sections (analysis, ...); this script owns the one between
# its markers.
python3 - "$here/RESULTS.md" "$out/simulation.md" <<'PY'
import os, sys
path, section = sys.argv[1], open(sys.argv[2]).read()
start, end = "<!-- run_all.sh: start -->", "<!-- run_all.sh: end -->"
text = open(path).read() if os.path.exists(path) else "# Benchmarks\n\n"
block = f"{start}\n{section}{end}\n"
if start in text and end in text:
    text = text[:text.index(start)] + block + text[text.index(end) + len(end) + 1:]
else:
    text = text.rstrip("\n") + "\n\n" + block
open(path, "w").write(text)
PY
cat "$out/simulation.md"
