"""Plots run time against network size for engram, Brian2, NEST and BrainPy.

Reads runtime_vs_size.csv beside this file (run times copied from the table of
bench/run_all.sh in bench/RESULTS.md; the `source` column names the section) and
writes runtime_vs_size.png: one panel per benchmark (CUBA, COBA), log-log, one colour
per tool, solid lines for one thread and dashed lines for two.

    bench/.venv/bin/python bench/plots/runtime_vs_size.py
"""

import csv
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: the figure only goes to a file
import matplotlib.pyplot as plt  # noqa: E402

HERE = Path(__file__).resolve().parent
TOOLS = {  # colour and marker per tool, the same in both panels
    "engram": ("#d62728", "o"),
    "Brian2": ("#1f77b4", "s"),
    "NEST": ("#2ca02c", "^"),
    "BrainPy": ("#9467bd", "D"),
}


def read(path):
    """Returns {benchmark: {(tool, threads): [(neurons, run_s), ...]}} and the machines."""
    series = defaultdict(lambda: defaultdict(list))
    machines, dates = set(), set()
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            key = (row["tool"], int(row["threads"]))
            series[row["benchmark"]][key].append((int(row["neurons"]), float(row["run_s"])))
            machines.add(row["machine"])
            dates.add(row["measured"])
    return series, machines, dates


def main():
    series, machines, dates = read(HERE / "runtime_vs_size.csv")
    benchmarks = [b for b in ("CUBA", "COBA") if b in series]
    fig, axes = plt.subplots(
        1, len(benchmarks), figsize=(6 * len(benchmarks), 5.6), sharex=True, sharey=True
    )
    if len(benchmarks) == 1:
        axes = [axes]
    for ax, bench in zip(axes, benchmarks):
        for tool, (colour, marker) in TOOLS.items():
            for threads, style in ((1, "-"), (2, "--")):
                points = sorted(series[bench].get((tool, threads), []))
                if not points:
                    continue
                n, t = zip(*points)
                label = f"{tool}, {threads} thread{'s' if threads > 1 else ''}"
                ax.plot(n, t, style, color=colour, marker=marker, label=label)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("network size (neurons, 80 synapses per neuron)")
        ax.set_title(f"{bench}: 1 s of biological time, dt = 0.1 ms")
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("run time of the simulation loop (s)")
    # Below the panels: inside, it would hide NEST's COBA line.
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=9)
    fig.suptitle(
        "Brette et al. (2007) CUBA and COBA, run time against network size\n"
        f"{', '.join(sorted(machines))}, measured {', '.join(sorted(dates))} with bench/run_all.sh"
    )
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    fig.savefig(HERE / "runtime_vs_size.png", dpi=110)


if __name__ == "__main__":
    main()
