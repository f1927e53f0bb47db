#!/usr/bin/env python3
"""Reference values for engram-analysis from Elephant 1.2.1.

Generates a few spike trains with fixed seeds (Poisson, gamma, a correlated pair, a
nearly silent and a silent train) and, given a run directory of `engram run
examples/cuba.toml --duration "1 s"`, takes 12 of its busiest excitatory neurons;
computes every statistic engram-analysis implements with Elephant, and writes inputs and
outputs to
crates/engram-analysis/tests/reference/elephant.json, which
crates/engram-analysis/tests/elephant.rs reads. CI never runs this script.

    python3 -m venv bench/venv && bench/venv/bin/pip install elephant==1.2.1
    target/release/engram run examples/cuba.toml --duration "1 s" --out bench/out/cuba_ref --quiet
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE bench/venv/bin/python bench/analysis_reference.py bench/out/cuba_ref
"""
import json
import math
import pathlib
import sys
import warnings

import elephant
import neo
import numpy as np
import quantities as pq
from elephant import kernels, spectral, spike_train_correlation as corr
from elephant import spike_train_dissimilarity as dissim, statistics
from elephant.conversion import BinnedSpikeTrain

warnings.filterwarnings("ignore")
assert elephant.__version__ == "1.2.1", elephant.__version__

OUT = pathlib.Path(__file__).resolve().parent.parent / "crates/engram-analysis/tests/reference/elephant.json"
T_STOP = 5.0
rng = np.random.default_rng(20261123)


def poisson(rate):
    n = rng.poisson(rate * T_STOP)
    return np.sort(rng.uniform(0, T_STOP, n))


def gamma(rate, shape):
    isis = rng.gamma(shape, 1.0 / (rate * shape), int(rate * T_STOP * 2) + 20)
    t = np.cumsum(isis)
    return t[t < T_STOP]


trains = [poisson(20), poisson(8), poisson(15)]
# A partner of train 2 sharing half its spikes with 2 ms jitter: a correlated pair.
shared = trains[2][rng.uniform(size=len(trains[2])) < 0.5]
shared = np.clip(shared + rng.normal(0, 0.002, len(shared)), 0, T_STOP)
trains.append(np.sort(np.concatenate([shared, poisson(5)])))
trains += [gamma(12, 4.0), gamma(25, 0.5), gamma(6, 2.0), poisson(30)]
trains += [np.array([1.2345, 3.4567]), np.array([])]
# On a 0.1 ms grid, as a simulation with dt = 0.1 ms records them; some spikes then sit
# exactly on bin edges, which exercises the binning conventions.
trains = [np.unique(np.round(t, 4)) for t in trains]



def clean(x):
    """JSON has no NaN: write null."""
    if isinstance(x, (list, tuple)) or (isinstance(x, np.ndarray) and x.ndim > 0):
        return [clean(v) for v in x]
    x = float(x)
    return None if math.isnan(x) else x


def dataset(trains, t_stop):
    """Every statistic of `trains` over [0, t_stop] by Elephant, with the inputs."""
    sts = [neo.SpikeTrain(t * pq.s, t_start=0 * pq.s, t_stop=t_stop * pq.s) for t in trains]
    ref = {"t_start": 0.0, "t_stop": t_stop, "trains": [t.tolist() for t in trains]}

    ref["firing_rate"] = clean([statistics.mean_firing_rate(st).rescale("Hz").magnitude for st in sts])

    bin_rate = 0.01
    ref["time_histogram"] = {"bin_size": bin_rate, "rate": clean(
        statistics.time_histogram(sts, bin_size=bin_rate * pq.s, output="rate").rescale("Hz").magnitude.ravel())}

    inst = {}
    for name, kernel, idx in [("gaussian", kernels.GaussianKernel(sigma=12.3 * pq.ms), 0),
                              ("exponential", kernels.ExponentialKernel(sigma=7.7 * pq.ms), 1)]:
        r = statistics.instantaneous_rate(sts[idx], sampling_period=5 * pq.ms, kernel=kernel, cutoff=5.0)
        inst[name] = {"train": idx, "sigma": float(kernel.sigma.rescale("s").magnitude),
                      "sampling_period": 0.005, "cutoff": 5.0,
                      "rate": clean(r.rescale("Hz").magnitude.ravel())}
    ref["instantaneous_rate"] = inst

    var = {k: [] for k in ("cv", "cv2", "lv", "lvr")}
    for st in sts:
        i = statistics.isi(st)
        var["cv"].append(statistics.cv(i.magnitude) if len(i) >= 2 else float("nan"))
        var["cv2"].append(statistics.cv2(i, with_nan=True))
        var["lv"].append(statistics.lv(i, with_nan=True))
        var["lvr"].append(statistics.lvr(i, R=5 * pq.ms, with_nan=True))
    ref["variability"] = {k: clean(v) for k, v in var.items()}
    ref["variability"]["lvr_R"] = 0.005

    window = 0.5
    n_win = int(t_stop / window)
    # time_slice keeps both ends, so a spike on a window edge would count twice; engram
    # counts it once (in the window that starts there). Keep edges free of spikes.
    for t in trains:
        assert not np.any(np.isclose(np.round(t / window) * window, t, rtol=0, atol=1e-9)), "spike on a window edge"
    ref["fano"] = {"window": window, "values": clean([
        statistics.fanofactor([st.time_slice(k * window * pq.s, (k + 1) * window * pq.s) for k in range(n_win)])
        for st in sts])}

    bin_corr = 0.005
    binned = BinnedSpikeTrain(sts, bin_size=bin_corr * pq.s)
    counts = binned.to_array().astype(float)
    ref["correlation"] = {
        "bin_size": bin_corr,
        "corrcoef": clean(corr.correlation_coefficient(binned)),
        "covariance": clean(corr.covariance(binned)),
    }
    # Golomb's chi is not in Elephant: NumPy on Elephant's binned counts.
    var_pop = counts.mean(axis=0).var()
    ref["correlation"]["golomb_chi"] = float(np.sqrt(var_pop / counts.var(axis=1).mean()))

    max_lag = 20
    b01 = [BinnedSpikeTrain(sts[i], bin_size=bin_corr * pq.s) for i in (2, 3)]
    cch, lags = corr.cross_correlation_histogram(b01[0], b01[1], window=[-max_lag, max_lag])
    ref["cch"] = {"i": 2, "j": 3, "max_lag": max_lag, "lags": lags.tolist(), "counts": clean(cch.magnitude.ravel())}

    # Between grid points (differences are multiples of 0.1 ms), so that Elephant's
    # relative tolerance in np.isclose cannot matter (checked below).
    dt = 0.00505
    n = len(sts)
    sttc = np.full((n, n), np.nan)
    for a in range(n):
        for b in range(n):
            sttc[a, b] = corr.spike_time_tiling_coefficient(sts[a], sts[b], dt=dt * pq.s)
            # Elephant's np.isclose adds 1e-5 |t| to dt; make sure no stored pair is in
            # that band so the paper's exact window gives the same numbers.
            if len(trains[a]) and len(trains[b]):
                d = np.abs(trains[a][:, None] - trains[b][None, :])
                band = (d > dt) & (d <= dt + 1e-5 * np.abs(trains[b][None, :]))
                assert not band.any(), (a, b)
    ref["sttc"] = {"dt": dt, "matrix": clean(sttc)}

    tau = 0.01
    q = 50.0
    ref["van_rossum"] = {"tau": tau, "matrix": clean(dissim.van_rossum_distance(sts, time_constant=tau * pq.s))}
    ref["victor_purpura"] = {"q": q, "matrix": clean(dissim.victor_purpura_distance(sts, cost_factor=q * pq.Hz))}

    rate_signal = counts.sum(axis=0) / (n * bin_corr)
    freqs, psd = spectral.welch_psd(rate_signal, fs=1.0 / bin_corr)
    ref["welch"] = {"fs": 1.0 / bin_corr, "signal": clean(rate_signal), "freqs": clean(freqs), "psd": clean(psd)}


    return ref

def cuba_trains(run_dir, n=12):
    """The n excitatory neurons of an engram CUBA run with the most spikes (times on the
    0.1 ms grid of the simulation), skipping any with a spike on a Fano window edge."""
    data = np.load(f"{run_dir}/spikes.npz")
    times, ids = data["exc_times"], data["exc_ids"]
    summary = json.load(open(f"{run_dir}/summary.json"))
    counts = np.bincount(ids, minlength=summary["populations"]["exc"]["n"])
    out = []
    for i in np.argsort(-counts, kind="stable"):
        t = times[ids == i]
        if not np.any(np.isclose(np.round(t / 0.5) * 0.5, t, rtol=0, atol=1e-9)):
            out.append(t)
        if len(out) == n:
            break
    return out, summary["duration_s"]


datasets = {"synthetic": dataset(trains, T_STOP)}
if len(sys.argv) > 1:
    cuba, duration = cuba_trains(sys.argv[1])
    datasets["cuba"] = dataset(cuba, duration)
full = {"elephant_version": elephant.__version__, "datasets": datasets}
OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(json.dumps(full, separators=(",", ":")) + "\n")
print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
