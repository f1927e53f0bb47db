"""reservoirpy run on engram's own reservoirs: does the outcome of a seed belong to the
draw of the weights or to the engine?

`export SEEDS...` (run with engram's Python package) writes the W, W_in and bias that
`examples/reservoir/mackey_glass.toml` builds for each seed; `compare OUT SEEDS...` (run
with reservoirpy 0.4.2) runs the example with engram's CLI, then reservoirpy's
`Reservoir(W=, Win=, bias=) >> Ridge` on those weights and on reservoirpy's own draw, on
the same series, and prints: seed, engram's NRMSE, reservoirpy's NRMSE on engram's
weights, reservoirpy's NRMSE on its own draw. Driven by bench/reservoir_same_weights.sh.
"""

import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIG = os.path.join(HERE, "..", "examples", "reservoir", "mackey_glass.toml")
# The example's reservoir and readout (reservoirpy's README settings).
UNITS, SR, LR, RIDGE, TRAIN, WARMUP = 100, 1.25, 0.3, 1e-5, 1599, 100


def nrmse(truth, pred):
    return float(np.sqrt(np.mean((truth - pred) ** 2)) / np.std(truth))


def export(out, seeds):
    from engram.reservoir import ESN

    for seed in seeds:
        esn = ESN(units=UNITS, spectral_radius=SR, leak_rate=LR, input_scaling=1.0, input_connectivity=0.1,
                  connectivity=0.1, ridge=RIDGE, seed=seed)
        esn.states(np.zeros((1, 1)))  # builds the network
        np.savez(os.path.join(out, f"weights-{seed}.npz"), W=esn.W, Win=esn.W_in, bias=esn.bias)


def compare(engram, out, seeds):
    from reservoirpy.nodes import Reservoir, Ridge

    for seed in seeds:
        run = os.path.join(out, f"mg-{seed}")
        subprocess.run([engram, "reservoir", CONFIG, "--out", run, "-q", "--seed", str(seed)], check=True)
        with open(os.path.join(run, "metrics.json")) as f:
            engram_nrmse = json.load(f)["nrmse"]
        with open(os.path.join(run, "series.json")) as f:
            series = json.load(f)
        u = np.array(series["input"]).reshape(-1, 1)
        y = np.array(series["target"]).reshape(-1, 1)
        w = np.load(os.path.join(out, f"weights-{seed}.npz"))
        scores = []
        for res in (Reservoir(UNITS, lr=LR, W=w["W"], Win=w["Win"], bias=w["bias"]),
                    Reservoir(UNITS, sr=SR, lr=LR, input_scaling=1.0, input_connectivity=0.1, rc_connectivity=0.1,
                              seed=seed)):
            esn = res >> Ridge(ridge=RIDGE)
            esn.fit(u[:TRAIN], y[:TRAIN], warmup=WARMUP)
            scores.append(nrmse(y[TRAIN:], esn.run(u[TRAIN:])))
        print(seed, engram_nrmse, *scores, flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "export":
        export(sys.argv[2], [int(s) for s in sys.argv[3:]])
    else:
        compare(sys.argv[2], sys.argv[3], [int(s) for s in sys.argv[4:]])
