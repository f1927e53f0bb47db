#!/usr/bin/env python
"""Reference numbers for engram's `hh` model (crates/engram-sim/src/neuron/hh.rs).

A single Hodgkin-Huxley neuron with the equations of Brian2's `examples/COBAHH.py`
(Brette et al. 2007, benchmark 3: Traub-Miles channels, exponential conductance
synapses), without synapses, driven by a step current I switched on at t = 0 and held
for 1 s. Integration as in COBAHH.py: `exponential_euler`; runtime (numpy) target.

Initial state: v = El, m, h, n at their steady state at El, ge = gi = 0 (engram's
choice; COBAHH.py itself leaves m, h, n at 0).

A spike is an upward crossing of -20 mV (COBAHH's threshold): `threshold='v > -20*mV'`
with `refractory='v > -20*mV'`, so a neuron cannot fire again before v has come back
below -20 mV. (COBAHH.py's `refractory=3*ms` gives the same counts here; checked below.)

Prints:
  - the spike count in 1 s at a few currents, at dt = 0.01 ms and at dt = 0.1 ms;
  - the threshold current for repetitive firing at dt = 0.01 ms, defined as the
    smallest I at which the neuron still fires in the second half (0.5 s - 1 s) of the
    1 s step, found on a 10 pA grid and then refined on a 0.1 pA grid. The neuron
    fires on its own at I = 0, so this current is negative.

Run:  python3 -m venv bench/venv && bench/venv/bin/pip install "brian2==2.9.0" "numpy<2.3"
      bench/venv/bin/python crates/engram-sim/tests/reference/hh_brian2.py
(about 4 minutes). Output with Brian2 2.9.0, numpy 2.2.6, Python 3.11:

    dt = 0.01 ms, I = 0.5 nA: 82 spikes in 1 s, first at 2.480 ms
    dt = 0.01 ms, I = 1 nA: 132 spikes in 1 s, first at 1.660 ms
    dt = 0.01 ms, I = 2 nA: 206 spikes in 1 s, first at 1.100 ms
    dt = 0.1 ms, I = 0.5 nA: 76 spikes in 1 s, first at 2.800 ms
    dt = 0.1 ms, I = 1 nA: 120 spikes in 1 s, first at 1.900 ms
    dt = 0.1 ms, I = 2 nA: 184 spikes in 1 s, first at 1.300 ms
    COBAHH refractory=3 ms, dt = 0.01 ms: [82, 132, 206]
    threshold current for repetitive firing (dt = 0.01 ms): between -31.7 pA and -31.6 pA
      I = -31.7 pA: 1 spikes in 1 s, 0 after 0.5 s
      I = -31.6 pA: 2 spikes in 1 s, 1 after 0.5 s

(On the 10 pA grid: 14 spikes in 1 s at I = 0, 4 at -30 pA, none at -40 pA.)
"""

import numpy as np
from brian2 import (
    Equations, NeuronGroup, Network, SpikeMonitor, defaultclock, prefs,
    umetre, ufarad, cm, siemens, msiemens, mV, ms, nA, pA, second, amp,
)

prefs.codegen.target = "numpy"

area = 20000 * umetre ** 2
Cm = (1 * ufarad * cm ** -2) * area
gl = (5e-5 * siemens * cm ** -2) * area
El = -60 * mV
EK = -90 * mV
ENa = 50 * mV
g_na = (100 * msiemens * cm ** -2) * area
g_kd = (30 * msiemens * cm ** -2) * area
VT = -63 * mV
taue = 5 * ms
taui = 10 * ms
Ee = 0 * mV
Ei = -80 * mV

eqs = Equations('''
dv/dt = (gl*(El-v)+ge*(Ee-v)+gi*(Ei-v)-
         g_na*(m*m*m)*h*(v-ENa)-
         g_kd*(n*n*n*n)*(v-EK) + I)/Cm : volt
dm/dt = alpha_m*(1-m)-beta_m*m : 1
dn/dt = alpha_n*(1-n)-beta_n*n : 1
dh/dt = alpha_h*(1-h)-beta_h*h : 1
dge/dt = -ge*(1./taue) : siemens
dgi/dt = -gi*(1./taui) : siemens
alpha_m = 0.32*(mV**-1)*(13*mV-v+VT)/
         (exp((13*mV-v+VT)/(4*mV))-1.)/ms : Hz
beta_m = 0.28*(mV**-1)*(v-VT-40*mV)/
        (exp((v-VT-40*mV)/(5*mV))-1)/ms : Hz
alpha_h = 0.128*exp((17*mV-v+VT)/(18*mV))/ms : Hz
beta_h = 4./(1+exp((40*mV-v+VT)/(5*mV)))/ms : Hz
alpha_n = 0.032*(mV**-1)*(15*mV-v+VT)/
         (exp((15*mV-v+VT)/(5*mV))-1.)/ms : Hz
beta_n = .5*exp((10*mV-v+VT)/(40*mV))/ms : Hz
I : amp (constant)
''')


def steady_state(v_mV):
    """m, h, n at rest at v (mV), from the same rate functions."""
    u = v_mV - VT / mV
    am = 0.32 * (13 - u) / (np.exp((13 - u) / 4) - 1)
    bm = 0.28 * (u - 40) / (np.exp((u - 40) / 5) - 1)
    ah = 0.128 * np.exp((17 - u) / 18)
    bh = 4 / (1 + np.exp((40 - u) / 5))
    an = 0.032 * (15 - u) / (np.exp((15 - u) / 5) - 1)
    bn = 0.5 * np.exp((10 - u) / 40)
    return am / (am + bm), ah / (ah + bh), an / (an + bn)


def run_currents(currents, dt, refractory="v > -20*mV"):
    """Spike times (s) of one neuron per current, over 1 s of constant current."""
    defaultclock.dt = dt
    group = NeuronGroup(len(currents), eqs, threshold="v > -20*mV",
                        refractory=refractory, method="exponential_euler")
    m0, h0, n0 = steady_state(El / mV)
    group.v = El
    group.m = m0
    group.h = h0
    group.n = n0
    group.I = currents
    mon = SpikeMonitor(group)
    net = Network(group, mon)
    net.run(1 * second)
    trains = mon.spike_trains()
    return [np.asarray(trains[i] / second) for i in range(len(currents))]


def repetitive(trains):
    return np.array([np.sum(t >= 0.5) > 0 for t in trains])


if __name__ == "__main__":
    probe = np.array([0.5, 1.0, 2.0]) * nA
    for dt in (0.01 * ms, 0.1 * ms):
        trains = run_currents(probe, dt)
        for i_, t in zip(probe, trains):
            print(f"dt = {dt / ms:g} ms, I = {i_ / nA:g} nA: {len(t)} spikes in 1 s,"
                  f" first at {t[0] * 1e3 if len(t) else float('nan'):.3f} ms")
    trains3 = run_currents(probe, 0.01 * ms, refractory=3 * ms)
    print("COBAHH refractory=3 ms, dt = 0.01 ms:", [len(t) for t in trains3])

    # Threshold current for repetitive firing, dt = 0.01 ms.
    # The model fires on its own at I = 0 (El = -60 mV lies above the threshold set by
    # VT = -63 mV), so the threshold current is negative.
    coarse = np.arange(-500, 501, 10) * pA
    fires = repetitive(run_currents(coarse, 0.01 * ms))
    k = int(np.argmax(fires))
    assert fires[k] and k > 0 and fires[k:].all(), "firing is not monotone in I on the grid"
    fine = (coarse[k - 1] / pA + np.arange(0, 10.001, 0.1)) * pA
    fires = repetitive(run_currents(fine, 0.01 * ms))
    j = int(np.argmax(fires))
    print(f"threshold current for repetitive firing (dt = 0.01 ms): between "
          f"{fine[j - 1] / pA:.1f} pA and {fine[j] / pA:.1f} pA")
    near = np.array([fine[j - 1] / pA, fine[j] / pA]) * pA
    for i_, t in zip(near, run_currents(near, 0.01 * ms)):
        print(f"  I = {i_ / pA:.1f} pA: {len(t)} spikes in 1 s, {np.sum(t >= 0.5)} after 0.5 s")
