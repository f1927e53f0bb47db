#!/usr/bin/env python3
"""Elephant 1.2.1 doing what `engram analyze` does, on a run directory's spikes.

    bench/venv/bin/python bench/analysis_speed_elephant.py RUN_DIR

Per population, each step timed on its own: load spikes.npz into neo SpikeTrains; firing
rate, CV, LV, CV2 and LvR of every neuron; Welch spectrum of the 1 ms population rate; Fano factor over 100 ms windows per neuron (Elephant's
`fanofactor` over `time_slice`s; on a subset of neurons, scaled to all, because one
`time_slice` per window and neuron is slow); Pearson correlation matrix of the first
1,000 neurons that spiked in 5 ms bins; van Rossum distance of 100 pairs (tau 10 ms).
The Fano factor is timed two ways: Elephant's `fanofactor` over `time_slice`s (on 200
neurons, scaled to all: one neo object per window and neuron is very slow) and
Elephant's `BinnedSpikeTrain` with NumPy's var/mean per row (what a user with many
neurons would write). The total uses the faster. Prints one line per step, then each population's mean values beside those in
RUN_DIR/analysis/analysis.json (written by bench/analysis_speed.sh) when present.
"""
import json
import logging
import sys
import time
import warnings

import neo
import numpy as np
import quantities as pq
from elephant import spike_train_correlation as corr
from elephant import spike_train_dissimilarity as dissim
from elephant import spectral, statistics
from elephant.conversion import BinnedSpikeTrain

warnings.filterwarnings("ignore")
# Elephant logs every bin-edge rounding correction; they are expected on a 0.1 ms grid.
logging.disable(logging.WARNING)
run = sys.argv[1]
FANO_SUBSET = 200

timings = {}


def timed(name, f):
    t0 = time.perf_counter()
    out = f()
    timings[name] = timings.get(name, 0.0) + time.perf_counter() - t0
    return out


summary = json.load(open(f"{run}/summary.json"))
duration = summary["duration_s"]


def load():
    data = np.load(f"{run}/spikes.npz")
    pops = {}
    for key in data.files:
        if key.endswith("_times"):
            name = key[: -len("_times")]
            times, ids = data[key], data[f"{name}_ids"]
            n = summary["populations"][name]["n"]
            order = np.argsort(ids, kind="stable")
            split = np.split(times[order], np.cumsum(np.bincount(ids, minlength=n))[:-1])
            pops[name] = [neo.SpikeTrain(t * pq.s, t_start=0 * pq.s, t_stop=duration * pq.s) for t in split]
    return pops


pops = timed("load", load)
values = {}
for name, sts in pops.items():
    rates = timed("rates", lambda: [statistics.mean_firing_rate(st) for st in sts])
    isis = timed("isi", lambda: [statistics.isi(st) for st in sts])
    cvs = timed("cv", lambda: [statistics.cv(i.magnitude) for i in isis if len(i) >= 2])
    lvs = timed("lv", lambda: [statistics.lv(i, with_nan=True) for i in isis])
    cv2s = timed("cv2", lambda: [statistics.cv2(i, with_nan=True) for i in isis])
    lvrs = timed("lvr", lambda: [statistics.lvr(i, R=5 * pq.ms, with_nan=True) for i in isis])

    def dominant():
        rate = statistics.time_histogram(sts, bin_size=1 * pq.ms, output="rate").magnitude.ravel()
        freqs, psd = spectral.welch_psd(rate, fs=1000.0)
        return freqs[1 + np.argmax(psd[1:])]

    f_dom = timed("spectrum", dominant)
    w = 0.1
    n_win = int(duration / w)
    sub = sts[:FANO_SUBSET]
    t0 = time.perf_counter()
    [statistics.fanofactor([st.time_slice(k * w * pq.s, (k + 1) * w * pq.s) for k in range(n_win)]) for st in sub]
    timings["fano_slices"] = timings.get("fano_slices", 0.0) + (time.perf_counter() - t0) * len(sts) / len(sub)

    def fano_binned():
        c = BinnedSpikeTrain(sts, bin_size=w * pq.s).to_array().astype(float)
        m = c.mean(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return c.var(axis=1) / m

    fanos = timed("fano_binned", fano_binned)
    active = [st for st in sts if len(st) > 0][:1000]
    cc = timed("correlation", lambda: corr.correlation_coefficient(BinnedSpikeTrain(active, bin_size=5 * pq.ms)))
    all_active = [st for st in sts if len(st) > 0]
    pairs = [(all_active[2 * k], all_active[2 * k + 1]) for k in range(min(100, len(all_active) // 2))]
    vr = timed("van_rossum", lambda: [dissim.van_rossum_distance([a, b], time_constant=10 * pq.ms)[0, 1] for a, b in pairs])
    values[name] = {
        "rate_hz": float(np.mean([r.rescale("Hz").magnitude for r in rates])),
        "cv": float(np.mean(cvs)),
        "lv": float(np.nanmean(lvs)),
        "cv2": float(np.nanmean(cv2s)),
        "lvr": float(np.nanmean(lvrs)),
        "dominant_frequency_hz": float(f_dom),
        "fano": float(np.nanmean(fanos)),
        "correlation": float(np.nanmean(cc[np.triu_indices_from(cc, 1)])),
        "van_rossum": float(np.mean(vr)),
    }

for k, v in timings.items():
    print(f"{k:12s} {v:8.2f} s" + (f"  (scaled from {FANO_SUBSET} neurons per population)" if k == "fano_slices" else ""))
total = sum(timings.values()) - max(timings["fano_slices"], timings["fano_binned"])
print(f"{'total':12s} {total:8.2f} s  (with the faster Fano)")
try:
    ours = json.load(open(f"{run}/analysis/analysis.json"))["populations"]
except OSError:
    ours = {}
for name, v in values.items():
    for k, x in v.items():
        e = ours.get(name, {}).get(k)
        print(f"{name:6s} {k:12s} Elephant {x:.12g}   engram {e if e is None else format(e, '.12g')}")
