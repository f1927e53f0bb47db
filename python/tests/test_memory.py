"""Repeated runs do not leak: every run's network and recordings are freed."""

from __future__ import annotations

import gc
import sys

import pytest

import engram


def rss_bytes() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_no_memory_growth_over_100_runs():
    net = engram.Network(duration="50 ms", seed=1)
    a = net.population("a", 500, model="lif", v_rest="-49 mV", v_th="-50 mV", v_reset="-60 mV",
                       init={"v": {"dist": "uniform", "low": "-60 mV", "high": "-50 mV"}})  # fmt: skip
    net.connect(a, a, rule="fixed_indegree", indegree=100, weight="0.1 mV", delay="1 ms")
    net.record_state(a, "v", ids=list(range(20)))
    model = net.model()

    def run() -> int:
        r = model.run(threads=2)
        n = len(r.spikes("a")[0])
        del r
        return n

    # Each run allocates 50,000 synapses (about 400 kB), ring buffers, spikes and a
    # trace of 20 x 500 samples. Measured without a leak: RSS moves by 1-1.5 MiB either
    # way (allocator noise, not a trend over 300 runs). The 8 MiB bound is above that
    # noise and below what leaking a fifth of one synapse table per run would add.
    for _ in range(10):  # warm-up: allocator arenas, thread stacks, lazy imports
        run()
    gc.collect()
    before = rss_bytes()
    spikes = {run() for _ in range(100)}
    gc.collect()
    growth = rss_bytes() - before
    assert len(spikes) == 1, "every run gives the same spikes"
    assert growth < 8 * 2**20, f"RSS grew by {growth / 2**20:.1f} MiB over 100 runs"
