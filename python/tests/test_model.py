"""Reading models: from files and text, overrides, properties."""

from __future__ import annotations

import engram
import pytest

from conftest import SMALL


def test_from_toml_reads_the_cuba_example(cuba_path):
    m = engram.Model.from_toml(cuba_path)
    assert m.name == "cuba"
    assert m.dt == pytest.approx(1e-4)
    assert m.duration == pytest.approx(1.0)
    assert m.seed == 1
    assert m.populations == [("exc", 3200, "lif"), ("inh", 800, "lif")]
    assert [p[0] for p in m.projections] == ["exc_exc", "exc_inh", "inh_exc", "inh_inh"]
    assert m.projections[2] == ("inh_exc", "inh", "exc")


def test_from_toml_takes_path_objects_and_strings(cuba_path):
    assert engram.Model.from_toml(str(cuba_path)).name == engram.Model.from_toml(cuba_path).name


def test_overrides_as_dict_and_as_cli_strings_agree(cuba_path):
    a = engram.Model.from_toml(cuba_path, set={"simulation.duration": "2 s", "simulation.seed": 9})
    b = engram.Model.from_toml(cuba_path, set=["simulation.duration=2 s", "simulation.seed=9"])
    assert a.duration == b.duration == pytest.approx(2.0)
    assert a.seed == b.seed == 9
    assert 'duration = "2 s"' in a.toml


def test_with_overrides_validates_again(small):
    m = small.with_overrides({"populations.exc.n": 10})
    assert m.populations[0] == ("exc", 10, "lif")
    assert small.populations[0] == ("exc", 80, "lif")


def test_from_str_names_and_text_round_trip():
    m = engram.Model.from_str(SMALL.replace('name = "small"\n', ""), name="mine")
    assert m.name == "mine"
    again = engram.Model.from_str(m.toml, name="mine")
    assert again.populations == m.populations
    assert again.toml == m.toml


def test_models_lists_the_registry():
    models = engram.models()
    assert {"lif", "lif_cond", "hh", "izhikevich", "adex", "poisson_generator", "spike_generator"} <= set(models)
    assert "tau_m" in models["lif"]["params"]
    assert models["lif"]["state"] == ["v", "i_exc", "i_inh"]
    assert models["lif"]["receptors"] == ["exc", "inh"]


def test_version_is_the_crates_version():
    assert engram.__version__.count(".") == 2


def test_models_pickle_as_their_text(small):
    import pickle

    again = pickle.loads(pickle.dumps(small.with_overrides({"simulation.seed": 11})))
    assert again.seed == 11 and again.name == "small"
    assert again.toml == small.with_overrides({"simulation.seed": 11}).toml
    unnamed = engram.Model.from_str(SMALL.replace('name = "small"\n', ""), name="stem")
    assert pickle.loads(pickle.dumps(unnamed)).name == "stem"


def test_by_default_a_small_network_runs_on_one_thread(small):
    # 100 neurons do too little per epoch to pay for a second worker (as with engram run).
    assert small.run(duration="10 ms").summary["threads"] == 1
