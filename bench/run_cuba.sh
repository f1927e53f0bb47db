#!/usr/bin/env bash
# CUBA at several sizes, engram beside Brian2 2.9 (C++ standalone), in one run, and
# the table in bench/RESULTS.md. Installs Brian2 into bench/venv (git-ignored).
#   bench/run_cuba.sh [SIZES...]      (default: 4000 20000 100000)
# Peers are pinned to one core with taskset for one thread, as engram is.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(4000 20000 100000)
out=$here/out
mkdir -p "$out"

if [ ! -x "$here/venv/bin/python" ]; then
  python3 -m venv "$here/venv"
fi
"$here/venv/bin/pip" install -q "brian2==2.9.0" "numpy<2.3"
(cd "$root" && cargo build --release -q -p engram-cli)
# Current numpy is slowed by these; they are set on some machines for old OpenBLAS.
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE

row() { printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$@"; }
table=$(mktemp)
for n in "${sizes[@]}"; do
  for threads in 1 2; do
    pin=(); [ "$threads" = 1 ] && pin=(taskset -c 0)
    "${pin[@]}" "$here/scaled.sh" cuba "$n" "$threads" "$out/engram-$n-$threads"
    e=$(python3 - "$out/engram-$n-$threads/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
p = s["populations"]
print(f'{s["run_s"]:.3f} {s["build_s"]:.3f} {s["peak_rss_bytes"]/2**20:.0f} {s["bytes_per_synapse"]:.1f} {p["exc"]["rate_hz"]:.2f} {p["inh"]["rate_hz"]:.2f} {s["n_synapses"]}')
PY
)
    read -r e_run e_build e_rss e_bps e_re e_ri e_syn <<<"$e"
    b=$("${pin[@]}" "$here/venv/bin/python" "$here/brian2_cuba.py" "$n" "$threads" "$out/brian2-$n-$threads" | tail -1)
    read -r b_run b_re b_ri <<<"$(python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(f'{d[\"run_s\"]:.3f} {d[\"rate_exc_hz\"]:.2f} {d[\"rate_inh_hz\"]:.2f}')" "$b")"
    ratio=$(python3 -c "print(f'{$b_run / $e_run:.2f}')")
    row "$n" "$threads" "$e_syn" "$e_build s / $e_rss MiB / $e_bps B" "$e_run s ($e_re / $e_ri Hz)" "$b_run s ($b_re / $b_ri Hz)" "$ratio" >>"$table"
    echo "N=$n threads=$threads engram $e_run s, brian2 $b_run s"
  done
done

{
  echo "# Benchmarks"
  echo
  echo "## CUBA (Brette et al. 2007, benchmark 2), 1 s of biological time, dt = 0.1 ms"
  echo
  echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)),"
  echo "engram $(cd "$root" && git rev-parse --short HEAD), $("$here/venv/bin/python" -c 'import brian2; print("Brian2", brian2.__version__)') C++ standalone (g++ $(g++ -dumpversion)),"
  echo "with \`bench/run_cuba.sh ${sizes[*]}\`. N neurons, 80 % excitatory, 80 synapses per neuron"
  echo "(p = 80 / N). One thread: both pinned to core 0 (\`taskset -c 0\`); two threads: engram's"
  echo "workers, Brian2's OpenMP. Run time is each tool's own timing of the simulation loop"
  echo "(engram \`run_s\`, Brian2 \`device._last_run_time\`); Brian2's build and compile times are"
  echo "not comparable and are left out. Rates are exc / inh; the networks are statistically, not"
  echo "spike-for-spike, the same (different random connectivity; engram's shortest delay is"
  echo "one step, Brian2's CUBA.py applies spikes in the same step)."
  echo
  echo "| N | threads | synapses | engram build / peak RSS / bytes per synapse | engram run (rates) | Brian2 run (rates) | Brian2 ÷ engram |"
  echo "|---|---|---|---|---|---|---|"
  cat "$table"
} >"$here/RESULTS.md"
cat "$here/RESULTS.md"
