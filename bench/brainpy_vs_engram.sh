#!/usr/bin/env bash
# engram beside BrainPy alone, one thread each pinned to core 0, on CUBA and COBA,
# interleaved (engram, BrainPy, engram, ...) and repeated REPEATS times; prints a
# table of medians for bench/RESULTS.md. Uses bench/venv-brainpy as
# bench/run_all.sh installs it, and $ENGRAM (default: this tree's release binary).
#   REPEATS=3 SIZES="4000 20000 100000" bench/brainpy_vs_engram.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
read -r -a sizes <<<"${SIZES:-4000 20000 100000}"
read -r -a models <<<"${MODELS:-cuba coba}"
repeats=${REPEATS:-3}
out=$here/out/brainpy-vs-engram
mkdir -p "$out"
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
log=$out/runs.jsonl
: >"$log"
for rep in $(seq "$repeats"); do
  for model in "${models[@]}"; do
    for n in "${sizes[@]}"; do
      taskset -c 0 "$here/scaled.sh" "$model" "$n" 1 "$out/engram-$model-$n"
      python3 -c "import json,sys; d=json.load(open(sys.argv[1])); p=d['populations']
print(json.dumps({'tool': 'engram', 'model': sys.argv[2], 'n': int(sys.argv[3]), 'run_s': d['run_s'],
  'setup_s': d['build_s'], 'peak_rss_bytes': d['peak_rss_bytes'], 'n_synapses': d['n_synapses'],
  'rate_exc_hz': p['exc']['rate_hz'], 'rate_inh_hz': p['inh']['rate_hz']}))" \
        "$out/engram-$model-$n/summary.json" "$model" "$n" >>"$log"
      taskset -c 0 "$here/venv-brainpy/bin/python" "$here/brainpy_$model.py" "$n" 1 2>/dev/null | tail -1 |
        python3 -c "import json,sys; d=json.loads(sys.stdin.read()); d['tool']='brainpy'; d['model']=sys.argv[1]
print(json.dumps(d))" "$model" >>"$log"
      tail -2 "$log"
    done
  done
done
python3 - "$log" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
med = lambda rows, key: statistics.median(r[key] for r in rows)
print("| model | N | synapses | engram run | BrainPy run | BrainPy ÷ engram | BrainPy compile | engram build | BrainPy setup "
      "| engram memory | BrainPy memory | engram rates | BrainPy rates | repeats |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for model, n in dict.fromkeys((r["model"], r["n"]) for r in runs):
    e = [r for r in runs if (r["tool"], r["model"], r["n"]) == ("engram", model, n)]
    b = [r for r in runs if (r["tool"], r["model"], r["n"]) == ("brainpy", model, n)]
    mib = lambda x: f"{x / 2**20:.0f} MiB"
    # The ratio of the medians; each run's own ratio in brackets shows the spread.
    ratios = ", ".join(f"{rb['run_s'] / re['run_s']:.2f}" for re, rb in zip(e, b))
    print(f"| {model} | {n:,} | {e[0]['n_synapses']:,} | {med(e, 'run_s'):.3f} s | {med(b, 'run_s'):.3f} s "
          f"| **{med(b, 'run_s') / med(e, 'run_s'):.2f}** ({ratios}) | {med(b, 'compile_s'):.2f} s "
          f"| {med(e, 'setup_s'):.2f} s | {med(b, 'setup_s'):.2f} s "
          f"| {mib(med(e, 'peak_rss_bytes'))} | {mib(med(b, 'peak_rss_bytes'))} "
          f"| {med(e, 'rate_exc_hz'):.2f} / {med(e, 'rate_inh_hz'):.2f} "
          f"| {med(b, 'rate_exc_hz'):.2f} / {med(b, 'rate_inh_hz'):.2f} | {len(e)} / {len(b)} |")
PY
