"""The builder writes the model file's TOML, and the same model written from Python
and from TOML gives the same spikes for the same seed."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import engram

LIF = dict(
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


def cuba_in_python() -> engram.Network:
    """examples/cuba.toml, written with the builder."""
    net = engram.Network(dt="0.1 ms", duration="1 s", seed=1, name="cuba")
    exc = net.population("exc", 3200, **LIF)
    inh = net.population("inh", 800, **LIF)
    for src, w, rec in ((exc, "1.62 mV", "exc"), (inh, "-9 mV", "inh")):
        for tgt in (exc, inh):
            net.connect(src, tgt, rule="fixed_probability", p=0.02, weight=w, receptor=rec)
    net.rate_bin("1 ms")
    net.record_state(exc, ["v"], ids=[0, 1, 2])
    return net


def test_python_and_toml_give_identical_spikes(cuba_path):
    from_file = engram.Model.from_toml(cuba_path).run(duration="200 ms", threads=2)
    from_python = cuba_in_python().run(duration="200 ms", threads=2)
    assert from_file.summary["n_synapses"] == from_python.summary["n_synapses"]
    for pop in ("exc", "inh"):
        t1, i1 = from_file.spikes(pop)
        t2, i2 = from_python.spikes(pop)
        assert len(t1) > 100, "the network fires"
        np.testing.assert_array_equal(t1, t2)
        np.testing.assert_array_equal(i1, i2)
    np.testing.assert_array_equal(from_file.state("exc", "v")[2], from_python.state("exc", "v")[2])


def test_threads_do_not_change_the_spikes(small):
    a = small.run(threads=1)
    b = small.run(threads=2)
    for pop in ("exc", "inh"):
        np.testing.assert_array_equal(a.spikes(pop)[0], b.spikes(pop)[0])
        np.testing.assert_array_equal(a.spikes(pop)[1], b.spikes(pop)[1])


def test_the_seed_changes_the_spikes(small):
    a = small.run(seed=1).spikes("exc")[1]
    b = small.run(seed=2).spikes("exc")[1]
    assert len(a) != len(b) or not np.array_equal(a, b)


def test_to_toml_is_the_model_file_text():
    net = engram.Network(dt="0.1 ms", duration="50 ms", seed=4, name="t")
    a = net.population("a", 10, model="lif", tau_m="10 ms", init={"v": "-60 mV"})
    net.population(
        "in put", 5, model="poisson_generator", rate="20 Hz"
    )  # a name TOML must quote
    net.connect("in put", a, rule="fixed_indegree", indegree=np.int64(2), weight="1 mV", delay="1 ms")
    net.record_state(a, "v", ids=np.array([0, 3]), every="1 ms")
    net.record_spikes(a)
    text = net.to_toml()
    assert text.startswith('name = "t"\n\n[simulation]\ndt = "0.1 ms"\nseed = 4\nduration = "50 ms"\n')
    assert '[populations."in put"]' in text
    assert 'init = { v = "-60 mV" }' in text
    assert "indegree = 2\n" in text
    assert 'ids = [0, 3]\nevery = "1 ms"' in text
    model = net.model()
    assert model.populations == [("a", 10, "lif"), ("in put", 5, "poisson_generator")]
    assert model.projections == [("in put_a", "in put", "a")]
    if sys.version_info >= (3, 11):
        import tomllib

        doc = tomllib.loads(text)
        assert doc["populations"]["in put"] == {"n": 5, "model": "poisson_generator", "rate": "20 Hz"}
        assert doc["record"] == {
            "spikes": {"a": "all"},
            "state": [{"population": "a", "vars": ["v"], "ids": [0, 3], "every": "1 ms"}],
        }


def test_strings_with_quotes_and_control_characters_survive():
    net = engram.Network(duration="1 ms", name='we"ird\\na\tme\x01')
    net.population("p", 1, model="lif")
    assert net.model().name == 'we"ird\\na\tme\x01'


def test_projection_names_are_numbered_when_taken():
    net = engram.Network(duration="10 ms")
    p = net.population("p", 4, model="lif")
    assert net.connect(p, p, rule="one_to_one", weight="1 mV") == "p_p"
    assert net.connect(p, p, rule="one_to_one", weight="-1 mV") == "p_p_2"
    with pytest.raises(ValueError, match="already defined"):
        net.connect(p, p, rule="one_to_one", weight="1 mV", name="p_p")
    with pytest.raises(ValueError, match="already defined"):
        net.population("p", 3, model="lif")


def test_duration_can_be_given_at_run_time_only():
    net = engram.Network(seed=2)
    net.population("g", 50, model="poisson_generator", rate="100 Hz")
    result = net.run(duration="200 ms")
    assert result.duration == pytest.approx(0.2)
    # 50 neurons at 100 Hz for 0.2 s: 1000 spikes expected, Poisson sd about 32.
    assert 800 < result.summary["populations"]["g"]["spikes"] < 1200


def test_inputs_and_generators_from_python_equal_their_toml():
    toml = """
[simulation]
duration = "100 ms"
seed = 5

[populations.src]
n = 20
model = "spike_generator"
times = ["1 ms", "2 ms", "30 ms"]
ids = [0, 3, 19]

[populations.cells]
n = 30
model = "lif_cond"
step_current = { times = ["10 ms", "60 ms"], amplitudes = ["300 pA", "0 pA"] }

[[populations.cells.poisson_input]]
rate = "2 kHz"
weight = "3 nS"
receptor = "exc"

[[populations.cells.poisson_input]]
rate = "500 Hz"
weight = "4 nS"
receptor = "inh"

[projections.drive]
source = "src"
target = "cells"
rule = "all_to_all"
weight = { dist = "uniform", low = "20 nS", high = "40 nS" }
delay = { dist = "uniform", low = "1 ms", high = "3 ms" }
receptor = "exc"
"""
    net = engram.Network(duration="100 ms", seed=5, name="model")
    src = net.population("src", 20, model="spike_generator", times=["1 ms", "2 ms", "30 ms"], ids=[0, 3, 19])
    cells = net.population(
        "cells",
        30,
        model="lif_cond",
        step_current={"times": ["10 ms", "60 ms"], "amplitudes": ["300 pA", "0 pA"]},
        poisson_input=[
            {"rate": "2 kHz", "weight": "3 nS", "receptor": "exc"},
            {"rate": "500 Hz", "weight": "4 nS", "receptor": "inh"},
        ],
    )
    net.connect(
        src,
        cells,
        name="drive",
        rule="all_to_all",
        weight={"dist": "uniform", "low": "20 nS", "high": "40 nS"},
        delay={"dist": "uniform", "low": "1 ms", "high": "3 ms"},
        receptor="exc",
    )
    a = engram.Model.from_str(toml).run(threads=1)
    b = net.run(threads=1)
    assert len(a.spikes("src")[0]) == 3
    assert a.summary["populations"]["cells"]["spikes"] > 0
    for pop in ("src", "cells"):
        np.testing.assert_array_equal(a.spikes(pop)[0], b.spikes(pop)[0])
        np.testing.assert_array_equal(a.spikes(pop)[1], b.spikes(pop)[1])


def test_time_constants_drawn_per_neuron_give_each_neuron_its_own_period():
    """tau_m drawn per neuron: under one constant current the neurons fire at as many
    different rates, each between the closed-form rates of the distribution's bounds
    (T = t_ref + tau ln((V_inf - V_reset)/(V_inf - V_th)), V_inf = V_rest + tau I / C)."""
    net = engram.Network(duration="500 ms")
    net.population("p", 50, "lif", tau_m={"dist": "uniform", "low": "10 ms", "high": "30 ms"}, i_e="500 pA",
                   c_m="250 pF", v_rest="-70 mV", v_reset="-70 mV", v_th="-55 mV", t_ref="2 ms")
    net.record_spikes("p")
    counts = np.bincount(net.run(threads=2).spikes("p")[1], minlength=50)

    def rate(tau):
        v_inf = -70e-3 + tau / 250e-12 * 500e-12
        return 1.0 / (2e-3 + tau * np.log((v_inf + 70e-3) / (v_inf + 55e-3)))

    lowest, highest = rate(10e-3) * 0.5, rate(30e-3) * 0.5  # spikes in 0.5 s
    assert np.all(counts >= np.floor(lowest) - 1) and np.all(counts <= np.ceil(highest) + 1), counts
    assert len(np.unique(counts)) > 10, counts
