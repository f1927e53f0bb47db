"""The Potjans & Diesmann (2014) microcircuit in NEST 3, as NEST's Potjans_2014 example.

Same parameters and scaling rule as examples/microcircuit.py (which it imports), built
the way the NEST example builds it: `fixed_total_number` connections with weights and
delays drawn from normals redrawn outside their bounds (`nest.math.redraw`), one
`poisson_generator` per population connected `all_to_all`, V_m drawn per population.
Prints one JSON object: build and simulation times and per-population mean rates over
[t_presim, t_presim + t_sim] (spikes per neuron per second, silent neurons included).

    python bench/nest_microcircuit.py --scale 0.1 --threads 1
"""

import argparse
import importlib.util
import json
import math
import os
import sys
import time

import nest
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("mc", os.path.join(here, "..", "examples", "microcircuit.py"))
mc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mc)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=0.1, help="N_scaling = K_scaling")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--t-presim", type=float, default=500.0, help="ms")
    ap.add_argument("--t-sim", type=float, default=1000.0, help="ms")
    ap.add_argument("--seed", type=int, default=55)
    args = ap.parse_args()
    n_scaling = k_scaling = args.scale

    nest.set_verbosity("M_ERROR")
    nest.ResetKernel()
    nest.SetKernelStatus(
        {"resolution": mc.DT, "local_num_threads": args.threads, "rng_seed": args.seed, "print_time": False}
    )
    t0 = time.perf_counter()
    n_pops = len(mc.POPULATIONS)
    num_neurons = [round(n * n_scaling) for n in mc.FULL_NUM_NEURONS]
    k_ext = [round(k * k_scaling) for k in mc.K_EXT]
    psc = mc.psc_over_psp(mc.C_M, mc.TAU_M, mc.TAU_SYN)
    w_mean = [[mc.PSP_EXC_MEAN * psc * (1.0 if j % 2 == 0 else mc.G) for j in range(n_pops)] for i in range(n_pops)]
    w_mean[0][2] *= 2.0
    w_ext = mc.PSP_EXC_MEAN * psc
    dc = [0.0] * n_pops
    if k_scaling != 1.0:
        for i in range(n_pops):
            rec = sum(
                w_mean[i][j] * mc.full_num_synapses(i, j) / mc.FULL_NUM_NEURONS[i] * mc.FULL_MEAN_RATES[j]
                for j in range(n_pops)
            )
            dc[i] = 0.001 * mc.TAU_SYN * (1 - math.sqrt(k_scaling)) * (rec + w_ext * mc.K_EXT[i] * mc.BG_RATE)
        w_mean = [[w / math.sqrt(k_scaling) for w in row] for row in w_mean]
        w_ext /= math.sqrt(k_scaling)

    params = {
        "C_m": mc.C_M,
        "tau_m": mc.TAU_M,
        "tau_syn_ex": mc.TAU_SYN,
        "tau_syn_in": mc.TAU_SYN,
        "E_L": -65.0,
        "V_reset": -65.0,
        "V_th": -50.0,
        "t_ref": 2.0,
    }
    pops = []
    for i in range(n_pops):
        pop = nest.Create("iaf_psc_exp", num_neurons[i], params=dict(params, I_e=dc[i]))
        pop.set(V_m=nest.random.normal(mean=mc.V0_MEAN[i], std=mc.V0_STD[i]))
        pops.append(pop)
    recorders = [nest.Create("spike_recorder", params={"start": args.t_presim}) for _ in pops]
    for pop, rec in zip(pops, recorders):
        nest.Connect(pop, rec)
    for i, pop in enumerate(pops):
        gen = nest.Create("poisson_generator", params={"rate": mc.BG_RATE * k_ext[i]})
        nest.Connect(gen, pop, "all_to_all", {"weight": w_ext, "delay": 1.5})
    for i, target in enumerate(pops):
        for j, source in enumerate(pops):
            n_syn = round(mc.full_num_synapses(i, j) * n_scaling * k_scaling)
            if n_syn == 0:
                continue
            w = w_mean[i][j]
            w_sd = abs(w) * mc.WEIGHT_REL_STD
            lo, hi = (0.0, np.inf) if w > 0 else (-np.inf, 0.0)
            d = mc.DELAY_MEAN[mc.POPULATIONS[j][-1]]
            syn = {
                "synapse_model": "static_synapse",
                "weight": nest.math.redraw(nest.random.normal(mean=w, std=w_sd), min=lo, max=hi),
                "delay": nest.math.redraw(
                    nest.random.normal(mean=d, std=d * mc.DELAY_REL_STD), min=mc.DT, max=np.inf
                ),
            }
            nest.Connect(source, target, {"rule": "fixed_total_number", "N": n_syn}, syn)
    build_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    nest.Simulate(args.t_presim + args.t_sim)
    sim_s = time.perf_counter() - t1
    rates = {
        name: rec.n_events / len(pop) / (args.t_sim / 1000.0)
        for name, pop, rec in zip(mc.POPULATIONS, pops, recorders)
    }
    print(
        json.dumps(
            {
                "nest": nest.__version__,
                "scale": args.scale,
                "threads": args.threads,
                "neurons": sum(num_neurons),
                "synapses": nest.num_connections,
                "build_s": build_s,
                "sim_s": sim_s,
                "simulated_s": (args.t_presim + args.t_sim) / 1000.0,
                "rates": rates,
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
