"""CUBA (Brette et al. 2007, benchmark 2) in BrainPy, scaled to N neurons with 80
synapses per neuron (p = 80 / N): the network of brian2_cuba.py and examples/cuba.toml
(Brian2's examples/CUBA.py), in units of ms and mV.

    python brainpy_cuba.py N THREADS [SEED]

Prints one JSON line like brian2_cuba.py: `setup_s` network construction (connectivity
included), `compile_s` tracing and XLA compilation, `run_s` the 1 s simulation loop,
peak RSS of the process and the rates.
"""
import time

from brainpy_ei import build_network, parse_args, report, run

n, threads, seed = parse_args()
import brainpy as bp  # noqa: E402 (after the thread settings)
import brainpy.math as bm  # noqa: E402

bm.set_platform("cpu")
bm.set_dt(0.1)
started = time.perf_counter()
# dv/dt = (ge + gi - (v - El)) / taum with El = -49 mV above threshold, v ~ U(Vr, Vt).
neuron = dict(V_rest=-49.0, V_reset=-60.0, V_th=-50.0, tau=20.0, tau_ref=5.0,
              V_initializer=bp.init.Uniform(-60.0, -50.0))
# we = 60 * 0.27 / 10 mV and wi = -20 * 4.5 / 10 mV onto exponential currents (5, 10 ms).
net = build_network(n, neuron, exc=(1.62, 5.0, bp.dyn.CUBA.desc()), inh=(-9.0, 10.0, bp.dyn.CUBA.desc()),
                    seed=seed)
setup_s = time.perf_counter() - started
compile_s, run_s, exc, inh = run(net, steps=10_000)
report(net, n, threads, setup_s, compile_s, run_s, exc, inh)
