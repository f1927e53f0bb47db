"""COBA (Brette et al. 2007, benchmark 1) in BrainPy, scaled to N neurons with 80
synapses per neuron (p = 80 / N): the network of brian2_coba.py and examples/coba.toml,
in units of ms and mV with conductances in units of the leak conductance g_l = 10 nS
(as Brette's COBA.py for Brian: we = 0.6, wi = 6.7), so that with R = 1 and
tau = C_m / g_l = 20 ms, LifRef's dV/dt = (V_rest - V + I) / tau is
C_m dv/dt = g_l (E_l - v) + g_e (E_e - v) + g_i (E_i - v).

    python brainpy_coba.py N THREADS [SEED]

Prints one JSON line like brainpy_cuba.py.
"""
import time

from brainpy_ei import build_network, parse_args, report, run

n, threads, seed = parse_args()
import brainpy as bp  # noqa: E402 (after the thread settings)
import brainpy.math as bm  # noqa: E402

bm.set_platform("cpu")
bm.set_dt(0.1)
started = time.perf_counter()
neuron = dict(V_rest=-60.0, V_reset=-60.0, V_th=-50.0, tau=20.0, tau_ref=5.0,
              V_initializer=bp.init.Normal(-65.0, 5.0))
# 6 nS and 67 nS onto exponential conductances (5, 10 ms) with reversal 0 and -80 mV.
net = build_network(n, neuron, exc=(0.6, 5.0, bp.dyn.COBA.desc(E=0.0)), inh=(6.7, 10.0, bp.dyn.COBA.desc(E=-80.0)),
                    seed=seed)
# ge ~ N(40 nS, 15 nS) and gi ~ N(200 nS, 120 nS), clipped at 0, in units of g_l.
net.E.syn.g.value = bm.maximum(bm.random.normal(4.0, 1.5, n), 0.0)
net.I.syn.g.value = bm.maximum(bm.random.normal(20.0, 12.0, n), 0.0)
setup_s = time.perf_counter() - started
compile_s, run_s, exc, inh = run(net, steps=10_000)
report(net, n, threads, setup_s, compile_s, run_s, exc, inh)
