"""CUBA (Brette et al. 2007, benchmark 2) in NEST 3, scaled to N neurons with 80
synapses per neuron: `iaf_psc_exp` with Brian2 CUBA.py's parameters, the voltage
weights converted to currents (w_mV · C_m / tau_m, as the synaptic variable there is
R·I), delay one step (NEST's minimum), pairwise_bernoulli with p = 80 / N.

    python nest_cuba.py N THREADS

Prints one JSON line: `build_s` (creating and connecting), `run_s` (nest.Simulate),
rates, peak RSS.
"""
import json
import sys
import time

import nest
from nest_common import simulate

n, threads = int(sys.argv[1]), int(sys.argv[2])
nest.verbosity = nest.VerbosityLevel.ERROR
nest.ResetKernel()
nest.SetKernelStatus({"resolution": 0.1, "local_num_threads": threads, "rng_seed": 1})

c_m, tau_m = 250.0, 20.0
params = {"C_m": c_m, "tau_m": tau_m, "tau_syn_ex": 5.0, "tau_syn_in": 10.0, "t_ref": 5.0,
          "E_L": -49.0, "V_th": -50.0, "V_reset": -60.0, "I_e": 0.0}
started = time.perf_counter()
n_exc = int(0.8 * n)
exc = nest.Create("iaf_psc_exp", n_exc, params=params)
inh = nest.Create("iaf_psc_exp", n - n_exc, params=params)
everyone = exc + inh
everyone.V_m = nest.random.uniform(-60.0, -50.0)
p = 80.0 / n
rule = {"rule": "pairwise_bernoulli", "p": p}
nest.Connect(exc, everyone, rule, {"weight": 1.62 * c_m / tau_m, "delay": 0.1})
nest.Connect(inh, everyone, rule, {"weight": -9.0 * c_m / tau_m, "delay": 0.1})
print(json.dumps(simulate(nest, exc, inh, n, threads, started)))
