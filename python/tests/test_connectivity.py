"""Reading synapses back from Python (issue 25, items 4, 5 and 8): Result.connectivity
is the table the network ran on (given back to ``from_file`` it gives the same spikes),
Result.weights says which synapse each column is, sampled traced synapses exist and
are reproducible for a seed, and a listed synapse that does not exist is a located
ModelError."""

from __future__ import annotations

from typing import Optional

import numpy as np
import pytest

import engram

STDP = {"rule": "stdp_pair", "A_plus": 0.05, "w_max": "200 pA"}


def network(seed: int = 3, recurrent_rule: Optional[dict] = None) -> engram.Network:
    """Poisson input onto LIF neurons through a plastic projection, and a static
    recurrent one with drawn weights and delays (or ``recurrent_rule``)."""
    net = engram.Network(dt="0.1 ms", duration="200 ms", seed=seed)
    inp = net.population("input", 60, model="poisson_generator", rate="50 Hz")
    cells = net.population(
        "cells", 40, model="lif", tau_m="20 ms", c_m="250 pF", v_th="-55 mV",
        init={"v": {"dist": "uniform", "low": "-70 mV", "high": "-55 mV"}}, i_e="350 pA",
    )
    net.connect(
        inp, cells, rule="fixed_probability", p=0.3,
        weight={"dist": "uniform", "low": "0 pA", "high": "200 pA"}, plasticity=STDP,
    )
    recurrent = recurrent_rule or dict(
        rule="fixed_probability", p=0.2,
        weight={"dist": "normal", "mean": "-40 pA", "std": "10 pA"},
        delay={"dist": "uniform", "low": "1 ms", "high": "3 ms"},
    )
    net.connect(cells, cells, receptor="inh", **recurrent)
    return net


def pairs(table: dict) -> list:
    return list(zip(table["sources"].tolist(), table["targets"].tolist()))


def test_connectivity_given_back_to_from_file_gives_the_same_network(tmp_path):
    net = network()
    net.record_connectivity("cells_cells")
    first = net.run(threads=1)
    c = first.connectivity("cells_cells")
    assert set(c) == {"sources", "targets", "weights", "delays"}, "a static projection has no initial weights"
    assert c["sources"].dtype == np.uint32 and c["weights"].dtype == np.float64
    assert 200 < len(c["sources"]) < 450
    assert pairs(c) == sorted(pairs(c)), "by source, then target"
    assert np.all((c["weights"] <= 0) & (c["weights"] > -100e-12)), "amperes"
    assert np.all((c["delays"] >= 1e-3 - 1e-12) & (c["delays"] <= 3e-3 + 1e-12)), "seconds"

    np.savez(tmp_path / "cells_cells.npz", **c)
    file = str(tmp_path / "cells_cells.npz")
    again = network(recurrent_rule=dict(rule="from_file", file=file, weight="1 A", delay="1 s"))
    again.record_connectivity("cells_cells")
    second = again.run(threads=2)
    for key in c:
        np.testing.assert_array_equal(second.connectivity("cells_cells")[key], c[key])
    assert len(first.spikes("cells")[0]) > 100, "the network fires"
    np.testing.assert_array_equal(first.spikes("cells")[0], second.spikes("cells")[0])
    np.testing.assert_array_equal(first.spikes("cells")[1], second.spikes("cells")[1])


def test_weight_columns_are_the_synapses_of_the_connectivity():
    net = network()
    net.record_connectivity("input_cells")
    net.record_weights("input_cells", times=["0 ms"])
    result = net.run(threads=1)
    c = result.connectivity("input_cells")
    w = result.weights("input_cells")
    np.testing.assert_array_equal(w["sources"], c["sources"])
    np.testing.assert_array_equal(w["targets"], c["targets"])
    # Snapshots are float32 of the same values: the first is the initial weights, the
    # one at the end the final weights.
    np.testing.assert_allclose(w["snapshots"][0], c["initial_weights"], rtol=1e-6)
    np.testing.assert_allclose(w["snapshots"][-1], c["weights"], rtol=1e-6)
    assert np.any(c["weights"] != c["initial_weights"]), "STDP changed some weight"


def sampled(seed: int, threads: int) -> engram.Result:
    net = network(seed)
    net.record_weights("input_cells", sample=25, every="10 ms", snapshot_every="50 ms")
    return net.run(threads=threads)


def test_sampled_synapses_exist_and_are_reproducible_for_a_seed():
    result = sampled(3, 1)
    w = result.weights("input_cells")
    drawn = [tuple(p) for p in w["trace_synapses"].tolist()]
    assert len(drawn) == 25 and len(set(drawn)) == 25
    assert set(drawn) <= set(pairs(w)), "every sampled synapse exists"
    assert w["trace"].shape == (21, 25)
    np.testing.assert_allclose(w["snapshot_times"], [0, 0.05, 0.1, 0.15, 0.2], atol=1e-12)
    np.testing.assert_array_equal(sampled(3, 2).weights("input_cells")["trace_synapses"], w["trace_synapses"])
    assert not np.array_equal(sampled(4, 1).weights("input_cells")["trace_synapses"], w["trace_synapses"])


def test_a_listed_synapse_that_does_not_exist_is_a_located_model_error():
    net = engram.Network(dt="0.1 ms", duration="10 ms")
    net.population("input", 2, model="poisson_generator", rate="10 Hz")
    net.population("cells", 2, model="lif")
    stdp = {"rule": "stdp_pair", "w_max": "2 mV"}
    name = net.connect("input", "cells", rule="one_to_one", weight="1 mV", plasticity=stdp)
    net.record_weights(name, synapses=[[0, 0], [1, 0]])
    line = net.to_toml().splitlines().index("synapses = [[0, 0], [1, 0]]") + 1
    with pytest.raises(engram.ModelError) as e:
        net.run()
    assert (e.value.line, e.value.column, e.value.key) == (line, 21, "record.weights[0].synapses[1]")
    assert e.value.message == (
        'projection "input_cells" has no synapse from source 1 to target 0 in the connectivity of seed 1'
    )
    assert e.value.help == "source 1 connects to 1 target: 1; `sample = N` traces N synapses that exist"


def test_connect_writes_the_plasticity_tables():
    net = engram.Network(duration="10 ms")
    net.population("a", 2, model="poisson_generator", rate="10 Hz")
    net.population("b", 2, model="lif")
    net.connect(
        "a", "b", rule="all_to_all", weight="1 mV", plasticity={"rule": "stdp_pair", "w_max": "2 mV"},
        short_term={"rule": "stp_tsodyks_markram", "U": 0.5},
    )
    net.record_connectivity("a_b")
    text = net.to_toml()
    assert 'plasticity = { rule = "stdp_pair", w_max = "2 mV" }' in text
    assert 'short_term = { rule = "stp_tsodyks_markram", U = 0.5 }' in text
    assert '[[record.connectivity]]\nprojection = "a_b"' in text
    c = net.run().connectivity("a_b")
    assert pairs(c) == [(0, 0), (0, 1), (1, 0), (1, 1)]


def test_unrecorded_connectivity_is_a_value_error():
    result = network().run(threads=1)
    with pytest.raises(ValueError, match="its connectivity was not recorded"):
        result.connectivity("cells_cells")
