"""COBA (Brette et al. 2007, benchmark 1) in Brian2's C++ standalone mode, scaled to N
neurons with 80 synapses per neuron (p = 80 / N): the parameters of Brette's COBA.py
for Brian with conductances in siemens (we = 6 nS, wi = 67 nS), as examples/coba.toml.

    python brian2_coba.py N THREADS BUILD_DIR

Prints one JSON line like brian2_cuba.py.
"""
import json
import resource
import sys
import time

from brian2 import (NeuronGroup, SpikeMonitor, Synapses, defaultclock, device, mV, ms, nS,
                    pF, prefs, run, set_device, second)
import brian2

n, threads, build_dir = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
set_device("cpp_standalone", directory=build_dir, build_on_run=False)
prefs.devices.cpp_standalone.openmp_threads = 0 if threads == 1 else threads
defaultclock.dt = 0.1 * ms

Cm, gl = 200 * pF, 10 * nS
El, Vt, Vr = -60 * mV, -50 * mV, -60 * mV
Ee, Ei = 0 * mV, -80 * mV
taue, taui = 5 * ms, 10 * ms
eqs = """
dv/dt = (gl*(El-v) + ge*(Ee-v) + gi*(Ei-v))/Cm : volt (unless refractory)
dge/dt = -ge/taue : siemens
dgi/dt = -gi/taui : siemens
"""
P = NeuronGroup(n, eqs, threshold="v>Vt", reset="v = Vr", refractory=5 * ms, method="exponential_euler")
P.v = "-65*mV + 5*mV*randn()"
P.ge = "clip(40*nS + 15*nS*randn(), 0*nS, inf*nS)"
P.gi = "clip(200*nS + 120*nS*randn(), 0*nS, inf*nS)"
n_exc = int(0.8 * n)
p = 80.0 / n
Ce = Synapses(P, P, on_pre="ge += 6*nS")
Ci = Synapses(P, P, on_pre="gi += 67*nS")
Ce.connect(f"i<{n_exc}", p=p)
Ci.connect(f"i>={n_exc}", p=p)
spikes = SpikeMonitor(P)
run(1 * second)
device.build(directory=build_dir, compile=True, run=False)
started = time.perf_counter()
device.run(build_dir, with_output=False, run_args=[])
wall = time.perf_counter() - started

idx = spikes.i[:]
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
    "rate_exc_hz": int((idx < n_exc).sum()) / n_exc,
    "rate_inh_hz": int((idx >= n_exc).sum()) / (n - n_exc),
}))
