"""Brian2's examples/synapses/STDP.py (Song, Miller & Abbott 2000) in C++ standalone
mode, to set beside examples/stdp_song2000.toml.

    python brian2_stdp_song.py DURATION_S BUILD_DIR

Prints one JSON line: the output rate per 10 % of the run, the fraction of weights
below 10 % and above 90 % of gmax at the end, and the run time.
"""
import json
import sys

import numpy as np
from brian2 import (NeuronGroup, PoissonGroup, SpikeMonitor, Synapses, defaultclock, device, Hz, mV, ms,
                    second, run, set_device)
import brian2

duration, build_dir = float(sys.argv[1]), sys.argv[2]
set_device("cpp_standalone", directory=build_dir)
defaultclock.dt = 0.1 * ms
N = 1000
taum, taupre, taupost = 10 * ms, 20 * ms, 20 * ms
Ee, vt, vr, El, taue = 0 * mV, -54 * mV, -60 * mV, -74 * mV, 5 * ms
F = 15 * Hz
gmax = 0.01
dApre = 0.01
dApost = -dApre * taupre / taupost * 1.05
dApost *= gmax
dApre *= gmax
eqs_neurons = """
dv/dt = (ge * (Ee-v) + El - v) / taum : volt
dge/dt = -ge / taue : 1
"""
poisson_input = PoissonGroup(N, rates=F)
neurons = NeuronGroup(1, eqs_neurons, threshold="v>vt", reset="v = vr", method="euler")
S = Synapses(poisson_input, neurons,
             """w : 1
                dApre/dt = -Apre / taupre : 1 (event-driven)
                dApost/dt = -Apost / taupost : 1 (event-driven)""",
             on_pre="""ge += w
                    Apre += dApre
                    w = clip(w + Apost, 0, gmax)""",
             on_post="""Apost += dApost
                     w = clip(w + Apre, 0, gmax)""")
S.connect()
S.w = "rand() * gmax"
s_mon = SpikeMonitor(neurons)
run(duration * second)
w = np.asarray(S.w[:]) / gmax
t = np.asarray(s_mon.t[:] / second)
tenth = duration / 10
print(json.dumps({
    "tool": f"brian2 {brian2.__version__} cpp_standalone",
    "run_s": device._last_run_time,
    "rate_hz_per_tenth": [float(((t >= k * tenth) & (t < (k + 1) * tenth)).sum() / tenth) for k in range(10)],
    "frac_low": float((w < 0.1).mean()),
    "frac_high": float((w > 0.9).mean()),
    "hist10": np.histogram(w, bins=10, range=(0, 1))[0].tolist(),
}))
