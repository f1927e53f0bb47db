"""COBA (Brette et al. 2007, benchmark 1) in NEST 3, scaled to N neurons with 80
synapses per neuron: `iaf_cond_exp` with Brian2 COBA.py's parameters (and
examples/coba.toml's): exc 6 nS, inh 67 nS, initial conductances drawn as there,
delay one step (NEST's minimum), pairwise_bernoulli with p = 80 / N.

    python nest_coba.py N THREADS

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

params = {"C_m": 200.0, "g_L": 10.0, "E_L": -60.0, "V_th": -50.0, "V_reset": -60.0, "t_ref": 5.0,
          "E_ex": 0.0, "E_in": -80.0, "tau_syn_ex": 5.0, "tau_syn_in": 10.0, "I_e": 0.0}
started = time.perf_counter()
n_exc = int(0.8 * n)
exc = nest.Create("iaf_cond_exp", n_exc, params=params)
inh = nest.Create("iaf_cond_exp", n - n_exc, params=params)
everyone = exc + inh
everyone.V_m = nest.random.normal(-65.0, 5.0)
everyone.g_ex = nest.random.normal(40.0, 15.0)
everyone.g_in = nest.random.normal(200.0, 120.0)
p = 80.0 / n
rule = {"rule": "pairwise_bernoulli", "p": p}
nest.Connect(exc, everyone, rule, {"weight": 6.0, "delay": 0.1})
nest.Connect(inh, everyone, rule, {"weight": -67.0, "delay": 0.1})
print(json.dumps(simulate(nest, exc, inh, n, threads, started)))
