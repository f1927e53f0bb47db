"""Tables of bench/microcircuit.sh: per-population rates over [0.5 s, 1.5 s] of engram
and NEST at scale 0.1 (mean over seeds), and of engram at full scale beside the
published rates. Usage: microcircuit_table.py OUT SEED..."""

import json
import os
import sys

import numpy as np

POPS = ["L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"]
# Potjans & Diesmann (2014), excitatory populations, as tabulated by Romaro et al. (2021,
# Neural Comput 33:1993, Table A.1, "NEST trial").
PAPER = {"L23E": 0.86, "L4E": 4.45, "L5E": 7.59, "L6E": 1.09}
# NEST's Potjans_2014 example (network_params.py, full_mean_rates): its full-scale run.
NEST_FULL = dict(zip(POPS, [0.943, 3.026, 4.368, 5.882, 7.733, 8.664, 1.096, 7.851]))
T0, T1 = 0.5, 1.5


def engram_rates(run_dir):
    spikes = np.load(os.path.join(run_dir, "spikes.npz"))
    summary = json.load(open(os.path.join(run_dir, "summary.json")))
    rates = {}
    for pop in POPS:
        t = spikes[f"{pop}_times"]
        n = summary["populations"][pop]["n"]
        rates[pop] = np.count_nonzero((t >= T0) & (t < T1)) / n / (T1 - T0)
    return rates, summary


def main():
    out, seeds = sys.argv[1], sys.argv[2:]
    e_runs = [engram_rates(os.path.join(out, f"engram-0.1-{s}")) for s in seeds]
    n_runs = [json.load(open(os.path.join(out, f"nest-0.1-{s}.json"))) for s in seeds]
    e_mean = {p: np.mean([r[p] for r, _ in e_runs]) for p in POPS}
    n_mean = {p: np.mean([r["rates"][p] for r in n_runs]) for p in POPS}
    print(f"Scale 0.1 ({e_runs[0][1]['n_neurons']:,} neurons, {e_runs[0][1]['n_synapses']:,} synapses), "
          f"1.5 s, rates over [{T0}, {T1}) s, mean of seeds {' '.join(seeds)}; one thread each.\n")
    print("| population | engram (Hz) | NEST (Hz) | engram / NEST |")
    print("|---|---|---|---|")
    for p in POPS:
        print(f"| {p} | {e_mean[p]:.3f} | {n_mean[p]:.3f} | {e_mean[p] / n_mean[p]:.3f} |")
    e_run = np.mean([s["run_s"] for _, s in e_runs])
    n_run = np.mean([r["sim_s"] for r in n_runs])
    e_build = np.mean([s["build_s"] for _, s in e_runs])
    n_build = np.mean([r["build_s"] for r in n_runs])
    print(f"\nbuild: engram {e_build:.2f} s, NEST {n_build:.2f} s; simulation of 1.5 s: engram {e_run:.2f} s, "
          f"NEST {n_run:.2f} s (NEST / engram **{n_run / e_run:.1f}**); NEST {n_runs[0]['nest']}.\n")
    full = os.path.join(out, "engram-full")
    if os.path.isdir(full):
        rates, s = engram_rates(full)
        per_s = s["run_s"] / s["duration_s"]
        print(f"Full scale: {s['n_neurons']:,} neurons, {s['n_synapses']:,} synapses, {s['threads']} threads: "
              f"build {s['build_s']:.1f} s, {s['run_s']:.1f} s for {s['duration_s']} s "
              f"(**{per_s:.2f}× real time**), peak memory {s['peak_rss_bytes'] / 2**30:.2f} GiB.\n")
        print("| population | engram (Hz) | paper (Hz) | NEST full scale (Hz) | engram / NEST |")
        print("|---|---|---|---|---|")
        for p in POPS:
            paper = f"{PAPER[p]:.2f}" if p in PAPER else "–"
            print(f"| {p} | {rates[p]:.3f} | {paper} | {NEST_FULL[p]:.3f} | {rates[p] / NEST_FULL[p]:.3f} |")


if __name__ == "__main__":
    main()
