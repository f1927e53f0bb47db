"""CUBA from Python: Brette et al. (2007) benchmark 2, "Simulation of networks of
spiking neurons: a review of tools and strategies", J Comput Neurosci 23:349;
parameters as in Brian2's examples/CUBA.py and engram's examples/cuba.toml.

4,000 leaky integrate-and-fire neurons (80 % excitatory) with exponential current
synapses, random connectivity p = 0.02. The resting potential lies above threshold,
so the network fires by itself and settles at about 5-6 Hz. A notebook-like script:
each `# %%` cell runs on its own in Jupyter or VS Code.

    pip install ./python matplotlib
    python examples/python/cuba.py
"""

# %% The network, written with the builder (the same model as examples/cuba.toml).
import engram

net = engram.Network(dt="0.1 ms", duration="1 s", seed=1, name="cuba")

lif = dict(
    model="lif",
    synapse="exp",
    tau_m="20 ms",
    v_rest="-49 mV",
    v_reset="-60 mV",
    v_th="-50 mV",
    t_ref="5 ms",
    tau_syn_exc="5 ms",
    tau_syn_inh="10 ms",
    init={"v": {"dist": "uniform", "low": "-60 mV", "high": "-50 mV"}},
)
exc = net.population("exc", 3200, **lif)
inh = net.population("inh", 800, **lif)

# Weights as voltages: we = 60 * 0.27 / 10 mV, wi = -20 * 4.5 / 10 mV (Brian2's CUBA).
for source, weight, receptor in ((exc, "1.62 mV", "exc"), (inh, "-9 mV", "inh")):
    for target in (exc, inh):  # in the file's order: exc_exc, exc_inh, inh_exc, inh_inh
        net.connect(source, target, rule="fixed_probability", p=0.02, weight=weight, receptor=receptor)

net.record_state(exc, "v", ids=[0, 1, 2])
print(net.to_toml())  # the model file this is; engram.Model.from_toml reads the same

# %% Run it; Ctrl-C stops the run.
result = net.run(threads=2, progress=True)
print(result)
for name, pop in result.summary["populations"].items():
    print(f"{name}: {pop['n']} neurons, {pop['spikes']} spikes, {pop['rate_hz']:.2f} Hz, CV(ISI) {pop['cv_isi']:.2f}")

# %% NumPy arrays: spike times (s, float64) and neuron ids (uint32); V in volts.
times, ids = result.spikes("exc")
t, rates = result.rates(bin="5 ms")
vt, vids, v = result.state("exc", "v")
print(f"{len(times)} excitatory spikes; mean population rate {rates['exc'].mean():.2f} Hz; V shape {v.shape}")

# %% Raster and membrane potentials, when matplotlib is installed.
try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("pip install matplotlib for the plots")
else:
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(8, 6), sharex=True)
    result.plot_raster(ax=ax1)
    ax2.plot(vt, v * 1e3)
    ax2.set_xlabel("time (s)")
    ax2.set_ylabel("V (mV)")
    fig.savefig("cuba.png", dpi=100)
    print("wrote cuba.png")
