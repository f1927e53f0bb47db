"""CUBA (Brette et al. 2007, benchmark 2) in Brian2's C++ standalone mode, scaled to N
neurons with 80 synapses per neuron (Brian2's examples/CUBA.py with p = 80 / N), with
pair STDP on every excitatory synapse, as engram's bench/plasticity.sh sets it:
Brian2's STDP.py rule (event-driven traces, additive, hard bounds), tau = 20 ms,
A_plus = 0.01 w_max, A_minus = 0.0105 w_max, w_max = 2 we.

    python brian2_cuba_stdp.py N THREADS BUILD_DIR

Prints one JSON line: rates, `run_s`, Brian2's own timing of the simulation loop
(device._last_run_time); `setup_s`, the rest of the compiled program's wall time
(building synapses, initialising, writing results; code generation and compilation
excluded); and the compiled program's peak RSS.
"""
import json
import resource
import sys
import time

from brian2 import (NeuronGroup, SpikeMonitor, Synapses, defaultclock, device, mV, ms,
                    prefs, run, second, set_device)
import brian2
import numpy as np

n, threads, build_dir = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
set_device("cpp_standalone", directory=build_dir, build_on_run=False)
prefs.devices.cpp_standalone.openmp_threads = 0 if threads == 1 else threads
defaultclock.dt = 0.1 * ms

taum, taue, taui = 20 * ms, 5 * ms, 10 * ms
Vt, Vr, El = -50 * mV, -60 * mV, -49 * mV
eqs = """
dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
dge/dt = -ge/taue : volt
dgi/dt = -gi/taui : volt
"""
P = NeuronGroup(n, eqs, threshold="v>Vt", reset="v = Vr", refractory=5 * ms, method="exact")
P.v = "Vr + rand() * (Vt - Vr)"
we = (60 * 0.27 / 10) * mV
wi = (-20 * 4.5 / 10) * mV
n_exc = int(0.8 * n)
p = 80.0 / n
wmax = 2 * we
taupre = taupost = 20 * ms
dApre, dApost = 0.01 * wmax, -0.0105 * wmax
Ce = Synapses(P, P,
              """w : volt
                 dApre/dt = -Apre / taupre : volt (event-driven)
                 dApost/dt = -Apost / taupost : volt (event-driven)""",
              on_pre="""ge += w
                     Apre += dApre
                     w = clip(w + Apost, 0*mV, wmax)""",
              on_post="""Apost += dApost
                      w = clip(w + Apre, 0*mV, wmax)""")
Ci = Synapses(P, P, on_pre="gi += wi")
Ce.connect(f"i<{n_exc}", p=p)
Ci.connect(f"i>={n_exc}", p=p)
Ce.w = "we"
spikes = SpikeMonitor(P)
run(1 * second)
device.build(directory=build_dir, compile=True, run=False)
started = time.perf_counter()
device.run(build_dir, with_output=False, run_args=[])
wall = time.perf_counter() - started

idx = spikes.i[:]
exc_spikes = int((idx < n_exc).sum())
inh_spikes = int((idx >= n_exc).sum())
print(json.dumps({
    "tool": f"brian2 {brian2.__version__} cpp_standalone",
    "n": n,
    "threads": threads,
    "n_synapses": int(len(Ce) + len(Ci)),
    "run_s": device._last_run_time,
    # Everything the compiled program does besides the loop: building the synapses,
    # initialising, writing results.
    "setup_s": wall - device._last_run_time,
    "peak_rss_bytes": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
    "rate_exc_hz": exc_spikes / n_exc,
    "rate_inh_hz": inh_spikes / (n - n_exc),
    "mean_w_exc_mv": float(np.mean(Ce.w[:] / mV)),
}))
