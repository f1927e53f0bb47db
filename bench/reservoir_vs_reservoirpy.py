"""engram reservoir beside reservoirpy on the same data and hyper-parameters.

For each case the engram CLI runs first and writes series.json with the whole input
series it generated; reservoirpy then gets exactly that input (and the targets built
from it), the same sizes and the same hyper-parameters, and both are scored with the
same NRMSE (RMSE / std of the target) or memory capacity. Speed cases are repeated,
alternating engram and reservoirpy. Usage: python reservoir_vs_reservoirpy.py ENGRAM OUTDIR REPEATS
"""
import json
import os
import subprocess
import sys
import time

import numpy as np
import reservoirpy
from reservoirpy.nodes import Reservoir, Ridge

ENGRAM, OUT, REPEATS = sys.argv[1], sys.argv[2], int(sys.argv[3])
# "all" (accuracy and speed), "accuracy" or "speed"; the speed cases run on CORES
# ("2": both tools on both cores; "1": both pinned to core 0, reservoirpy's BLAS on one
# thread, engram with -j 1).
PART = sys.argv[4] if len(sys.argv) > 4 else "all"
CORES = os.environ.get("BENCH_CORES", "2")
# Accuracy is compared over several seeds: one random reservoir differs from the next
# by more than the tools differ.
SEEDS = range(1, int(os.environ.get("BENCH_SEEDS", "10")) + 1)
HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(HERE, "..", "examples", "reservoir")


def engram(config, name, *extra):
    out = os.path.join(OUT, name)
    pin = ["taskset", "-c", "0"] if CORES == "1" else []
    subprocess.run([*pin, ENGRAM, "reservoir", config, "--out", out, "-j", CORES, "-q", *extra], check=True)
    with open(os.path.join(out, "metrics.json")) as f:
        metrics = json.load(f)
    with open(os.path.join(out, "series.json")) as f:
        series = json.load(f)
    return metrics, series


def nrmse(truth, pred):
    return float(np.sqrt(np.mean((truth - pred) ** 2)) / np.std(truth))


def rpy_fit_run(m, x_train, y_train, x_test, seed):
    r = m["reservoir"]
    res = Reservoir(
        r["units"], sr=r["spectral_radius"], lr=r["leak_rate"], input_scaling=r["input_scaling"],
        input_connectivity=r["input_connectivity"], rc_connectivity=r["connectivity"], seed=seed,
    )
    esn = res >> Ridge(ridge=m["ridge"])
    t0 = time.perf_counter()
    esn.fit(x_train, y_train, warmup=m["washout"])
    t1 = time.perf_counter()
    pred = esn.run(x_test)
    t2 = time.perf_counter()
    return pred, t1 - t0, t2 - t1


def supervised(m, series, seed):
    """x and y of a one-step task from engram's input series (targets by the task's rule)."""
    u = np.array(series["input"]).reshape(-1, 1)
    y = np.array(series["target"]).reshape(-1, 1)
    train = m["train"]
    if m["task"] == "mackey_glass":
        assert np.array_equal(y[:-1], u[1:]), "the Mackey-Glass target is the next input"
    return u[:train], y[:train], u[train:], y[train:]


def memory_capacity(m, series, seed):
    u = np.array(series["input"])
    k = 200
    y = np.zeros((len(u), k))
    for d in range(1, k + 1):
        y[d:, d - 1] = u[:-d]
    m = dict(m, washout=max(m["washout"], k))
    train = m["train"]
    pred, fit_s, run_s = rpy_fit_run(m, u[:train, None], y[:train], u[train:, None], seed)
    truth = y[train:]
    mc = sum(np.corrcoef(truth[:, d], pred[:, d])[0, 1] ** 2 for d in range(k))
    return float(mc), fit_s, run_s


rows = []
cases = [] if PART == "speed" else [
    ("mackey_glass", os.path.join(EXAMPLES, "mackey_glass.toml"), "nrmse"),
    ("narma10", os.path.join(EXAMPLES, "narma10.toml"), "nrmse"),
    ("memory_capacity", os.path.join(EXAMPLES, "memory_capacity.toml"), "mc"),
    ("memory_capacity_tuned", os.path.join(HERE, "reservoir", "memory_capacity_tuned.toml"), "mc"),
]
for name, config, kind in cases:
    for seed in SEEDS:
        m, series = engram(config, f"{name}-{seed}", "--seed", str(seed))
        if kind == "mc":
            score, fit_s, run_s = memory_capacity(m, series, seed)
            rows.append((name, seed, m["memory_capacity"], score, m["fit_s"] + m["run_s"], fit_s + run_s))
        else:
            xtr, ytr, xte, yte = supervised(m, series, seed)
            pred, fit_s, run_s = rpy_fit_run(m, xtr, ytr, xte, seed)
            assert np.allclose(yte[:, 0], series["truth"]), "reservoirpy gets engram's targets"
            rows.append((name, seed, m["nrmse"], nrmse(yte, pred), m["fit_s"] + m["run_s"], fit_s + run_s))
        print(*rows[-1], flush=True)

speed = []
config = os.path.join(HERE, "reservoir", "speed.toml")
for rep in range(REPEATS if PART != "accuracy" else 0):
    m, series = engram(config, f"speed-{rep}")
    xtr, ytr, xte, yte = supervised(m, series, 1)
    pred, fit_s, run_s = rpy_fit_run(m, xtr, ytr, xte, 1)
    speed.append((m["fit_s"], m["run_s"], fit_s, run_s, m["nrmse"], nrmse(yte, pred)))
    print("speed", *speed[-1], flush=True)

with open(os.path.join(OUT, f"results-{PART}-{CORES}core.json"), "w") as f:
    json.dump({"seeds": len(SEEDS), "cores": CORES, "reservoirpy": reservoirpy.__version__, "numpy": np.__version__, "accuracy": rows, "speed": speed}, f, indent=1)
