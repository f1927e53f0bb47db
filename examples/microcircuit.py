#!/usr/bin/env python3
"""Writes the engram model file of the Potjans & Diesmann (2014) cortical microcircuit.

Potjans TC, Diesmann M (2014) "The cell-type specific cortical microcircuit: relating
structure and activity in a full-scale spiking network model", Cereb Cortex 24:785.
Parameters and the down-scaling rule are those of NEST's `Potjans_2014` example
(pynest/examples/Potjans_2014/network_params.py, helpers.py, network.py, NEST 3):

- 8 populations (L2/3, L4, L5, L6; excitatory and inhibitory) of `iaf_psc_exp`
  neurons: C_m 250 pF, tau_m 10 ms, tau_syn 0.5 ms, E_L = V_reset = -65 mV,
  V_th -50 mV, t_ref 2 ms; V_m drawn per population ("optimized" V0).
- Connections: `fixed_total_number` with autapses and multapses, the number of
  synapses K = ln(1 - p) / ln(1 - 1 / (N_pre N_post)) from the connection probability
  p; weights normal (10 % relative std) truncated at 0, from a mean PSP of 0.15 mV
  (L4E -> L2/3E doubled, inhibitory g = -4); delays normal (50 % relative std)
  truncated below at dt, mean 1.5 ms (excitatory) and 0.75 ms (inhibitory).
- Background: K_ext independent Poisson inputs at 8 Hz per neuron.

Scaling (NEST's rule): neuron numbers times `--n-scaling`, synapse numbers times
`--n-scaling * --k-scaling`; when in-degrees are scaled, weights are divided by
sqrt(k) and a DC current keeps the mean input of the full-scale network (using its
published rates). The shipped `microcircuit.toml` is the full scale (both 1):

    python3 examples/microcircuit.py > examples/microcircuit.toml
    python3 examples/microcircuit.py --n-scaling 0.1 --k-scaling 0.1 > mc-0.1.toml

Only the standard library is used.
"""

import argparse
import math

POPULATIONS = ["L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"]
FULL_NUM_NEURONS = [20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948]
# Rates of the full-scale network (spikes/s), used only for the DC compensation of scaled in-degrees.
FULL_MEAN_RATES = [0.943, 3.026, 4.368, 5.882, 7.733, 8.664, 1.096, 7.851]
# Connection probabilities: first index target, second source.
CONN_PROBS = [
    [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0],
    [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0],
    [0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0.0],
    [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0],
    [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0],
    [0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0.0],
    [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
    [0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1443],
]
K_EXT = [1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100]
BG_RATE = 8.0  # Hz per external synapse
PSP_EXC_MEAN = 0.15  # mV
WEIGHT_REL_STD = 0.1
G = -4.0
DELAY_MEAN = {"E": 1.5, "I": 0.75}  # ms, by source type
DELAY_REL_STD = 0.5
V0_MEAN = [-68.28, -63.16, -63.33, -63.45, -63.11, -61.66, -66.72, -61.43]  # mV
V0_STD = [5.36, 4.57, 4.74, 4.94, 4.94, 4.55, 5.46, 4.48]  # mV
C_M, TAU_M, TAU_SYN = 250.0, 10.0, 0.5  # pF, ms, ms
DT = 0.1  # ms


def psc_over_psp(c_m, tau_m, tau_syn):
    """pA of current jump per mV of PSP peak for an exponential PSC (NEST helpers.py)."""
    sub = 1.0 / (tau_syn - tau_m)
    pre = tau_m * tau_syn / c_m * sub
    frac = (tau_m / tau_syn) ** sub
    return 1.0 / (pre * (frac**tau_m - frac**tau_syn))


def full_num_synapses(i, j):
    """Synapses from population j to i with multapses for connection probability p."""
    p = CONN_PROBS[i][j]
    prod = FULL_NUM_NEURONS[i] * FULL_NUM_NEURONS[j]
    return math.log(1.0 - p) / math.log((prod - 1.0) / prod)


def model(n_scaling, k_scaling, duration, seed):
    n_pops = len(POPULATIONS)
    num_neurons = [round(n * n_scaling) for n in FULL_NUM_NEURONS]
    k_ext = [round(k * k_scaling) for k in K_EXT]
    psc = psc_over_psp(C_M, TAU_M, TAU_SYN)
    w_mean = [[PSP_EXC_MEAN * psc * (1.0 if j % 2 == 0 else G) for j in range(n_pops)] for i in range(n_pops)]
    w_mean[0][2] *= 2.0  # L4E -> L2/3E
    w_ext = PSP_EXC_MEAN * psc
    dc = [0.0] * n_pops
    if k_scaling != 1.0:
        # Keep the mean input of the full network: the missing part of the recurrent and
        # external drive, 1e-3 tau_syn (1 - sqrt(k)) sum(w K rate), becomes a DC current.
        for i in range(n_pops):
            rec = sum(
                w_mean[i][j] * full_num_synapses(i, j) / FULL_NUM_NEURONS[i] * FULL_MEAN_RATES[j]
                for j in range(n_pops)
            )
            ext = w_ext * K_EXT[i] * BG_RATE
            dc[i] = 0.001 * TAU_SYN * (1.0 - math.sqrt(k_scaling)) * (rec + ext)
        w_mean = [[w / math.sqrt(k_scaling) for w in row] for row in w_mean]
        w_ext /= math.sqrt(k_scaling)

    out = []
    emit = out.append
    emit("# The Potjans & Diesmann (2014) cortical microcircuit, as NEST's Potjans_2014 example")
    emit("# (Cereb Cortex 24:785). Written by examples/microcircuit.py; edit that script, not this file.")
    emit(f"# Scaling: neurons x {n_scaling}, in-degrees x {k_scaling}.")
    emit(f'name = "microcircuit"\n\n[simulation]\ndt = "{DT} ms"\nduration = "{duration}"\nseed = {seed}\n')
    for i, pop in enumerate(POPULATIONS):
        emit(f"[populations.{pop}]")
        emit(f"n = {num_neurons[i]}")
        emit('model = "lif"\nsynapse = "exp"')
        emit(f'c_m = "{C_M} pF"\ntau_m = "{TAU_M} ms"\ntau_syn_exc = "{TAU_SYN} ms"\ntau_syn_inh = "{TAU_SYN} ms"')
        emit('v_rest = "-65 mV"\nv_reset = "-65 mV"\nv_th = "-50 mV"\nt_ref = "2 ms"')
        if dc[i] != 0.0:
            emit(f'i_e = "{dc[i]:.6f} pA"')
        emit(f'poisson_input = {{ rate = "{k_ext[i] * BG_RATE:g} Hz", weight = "{w_ext:.6f} pA" }}')
        emit(f'init.v = {{ dist = "normal", mean = "{V0_MEAN[i]} mV", std = "{V0_STD[i]} mV" }}\n')
    for i, target in enumerate(POPULATIONS):
        for j, source in enumerate(POPULATIONS):
            n_syn = round(full_num_synapses(i, j) * n_scaling * k_scaling)
            if n_syn == 0:
                continue
            w = w_mean[i][j]
            bound = 'low = "0 pA"' if w > 0 else 'high = "0 pA"'
            d = DELAY_MEAN[source[-1]]
            emit(f"[projections.{source}_{target}]")
            emit(f'source = "{source}"\ntarget = "{target}"')
            emit(f'rule = "fixed_total_number"\nn = {n_syn}')
            emit(f'weight = {{ dist = "normal", mean = "{w:.6f} pA", std = "{abs(w) * WEIGHT_REL_STD:.6f} pA", {bound} }}')
            emit(
                f'delay = {{ dist = "normal", mean = "{d} ms", std = "{d * DELAY_REL_STD} ms", low = "{DT} ms" }}'
            )
            emit(f'receptor = "{"exc" if w > 0 else "inh"}"\n')
    emit('[record]\nrate_bin = "1 ms"')
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n-scaling", type=float, default=1.0, help="factor on the number of neurons")
    parser.add_argument("--k-scaling", type=float, default=1.0, help="factor on the in-degrees")
    parser.add_argument("--duration", default="1 s", help='simulated time, e.g. "1.5 s"')
    parser.add_argument("--seed", type=int, default=55)
    args = parser.parse_args()
    print(model(args.n_scaling, args.k_scaling, args.duration, args.seed), end="")


if __name__ == "__main__":
    main()
