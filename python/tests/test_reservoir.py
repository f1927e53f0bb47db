"""engram.reservoir: an echo-state network fitted and run on NumPy arrays gives what
``engram reservoir`` gives for the same configuration and seed; shapes; errors."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest

import engram
from engram.reservoir import ESN, run_config

from conftest import ROOT

ENGRAM = ROOT / "target" / "release" / "engram"
MACKEY_GLASS = ROOT / "examples" / "reservoir" / "mackey_glass.toml"
# examples/reservoir/mackey_glass.toml's reservoir and readout.
MG_SETTINGS = dict(units=100, spectral_radius=1.25, leak_rate=0.3, input_scaling=1.0, input_connectivity=0.1,
                   connectivity=0.1, ridge=1e-5, seed=1)
TRAIN, WASHOUT = 1599, 100


def nrmse(truth: np.ndarray, pred: np.ndarray) -> float:
    return float(np.sqrt(np.mean((truth - pred) ** 2)) / np.std(truth))


@pytest.fixture(scope="module")
def mg_config():
    return run_config(MACKEY_GLASS, threads=2)


def test_run_config_matches_the_cli(tmp_path, mg_config):
    if not ENGRAM.exists():
        pytest.skip("the engram binary is not built (cargo build --release)")
    done = subprocess.run([str(ENGRAM), "reservoir", str(MACKEY_GLASS), "-q", "-j", "2", "--out", "out"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    metrics = json.loads((tmp_path / "out" / "metrics.json").read_text())
    series = json.loads((tmp_path / "out" / "series.json").read_text())
    assert abs(mg_config["nrmse"] - metrics["nrmse"]) < 1e-9
    assert np.allclose(mg_config["prediction"][:, 0], series["prediction"], rtol=0, atol=1e-9)
    # reservoirpy 0.4.2 reaches 0.008-0.010 with these settings (bench/RESULTS.md).
    assert mg_config["nrmse"] < 0.02


def test_esn_fit_and_run_reproduce_the_configuration(mg_config):
    x, y = mg_config["input"], mg_config["target"]
    esn = ESN(**MG_SETTINGS)
    assert esn.fit(x[:TRAIN], y[:TRAIN], warmup=WASHOUT) is esn
    pred = esn.run(x[TRAIN:])
    assert pred.shape == (len(x) - TRAIN, 1)
    assert abs(nrmse(y[TRAIN:], pred) - mg_config["nrmse"]) < 1e-9


def test_the_connectivity_rule_builds_the_configurations_reservoir():
    # The same seed and rule give the reservoir `engram reservoir` builds, so the
    # NRMSE is the configuration's with that rule, and differs from the other rule's.
    scores = {}
    for rule in ("fixed_indegree", "fixed_total_number"):
        config = run_config(MACKEY_GLASS, threads=2, set=[f'reservoir.connectivity_rule="{rule}"'])
        x, y = config["input"], config["target"]
        pred = ESN(**MG_SETTINGS, connectivity_rule=rule).fit(x[:TRAIN], y[:TRAIN], warmup=WASHOUT).run(x[TRAIN:])
        scores[rule] = nrmse(y[TRAIN:], pred)
        assert abs(scores[rule] - config["nrmse"]) < 1e-9
    assert scores["fixed_indegree"] != scores["fixed_total_number"]
    with pytest.raises(
        ValueError, match=r'^connectivity_rule: expected one of fixed_total_number, fixed_indegree, got "fixed_degree"$'
    ):
        ESN(units=10, connectivity_rule="fixed_degree")


def test_one_dimensional_series_are_one_feature(mg_config):
    x, y = mg_config["input"][:, 0], mg_config["target"][:, 0]
    a = ESN(**MG_SETTINGS).fit(x[:TRAIN], y[:TRAIN], warmup=WASHOUT).run(x[TRAIN:])
    b = ESN(**MG_SETTINGS).fit(x[:TRAIN, None], y[:TRAIN, None], warmup=WASHOUT).run(x[TRAIN:, None])
    assert np.array_equal(a, b)


def test_states_and_readout_shapes_and_the_state_carries_over():
    rng = np.random.default_rng(0)
    x, y = rng.uniform(-1, 1, (300, 2)), rng.uniform(-1, 1, (300, 3))
    esn = ESN(units=40, seed=2)
    states = esn.states(x)
    assert states.shape == (300, 40)
    assert np.array_equal(esn.state, states[-1])
    assert np.all(np.abs(states) < 1.0), "tanh units"
    esn.reset()
    assert np.array_equal(esn.states(x), states), "reset restarts from zero"
    esn.reset().fit(x, y, warmup=10)
    w, c = esn.readout
    assert w.shape == (40, 3) and c.shape == (3,)
    # The readout is the linear map of the states: run() = states @ W + c.
    s = esn.states(x[:5])
    esn2 = ESN(units=40, seed=2)
    esn2.fit(x, y, warmup=10)
    assert np.allclose(esn2.run(x[:5]), s @ w + c, rtol=0, atol=1e-12)


def test_wrong_shapes_get_clear_errors():
    esn = ESN(units=20)
    with pytest.raises(RuntimeError, match=r"run\(\) needs a fitted readout: call fit\(x, y\) first"):
        esn.run(np.zeros((10, 1)))
    with pytest.raises(ValueError, match=r"^Y: has 9 timesteps, but X has 10$"):
        esn.fit(np.zeros((10, 1)), np.zeros((9, 1)))
    with pytest.raises(ValueError, match=r"^X: expected an array of shape \(timesteps, features\) or \(timesteps,\), got shape \(2, 3, 4\)$"):
        esn.fit(np.zeros((2, 3, 4)), np.zeros((2, 1)))
    with pytest.raises(ValueError, match=r"^warmup: expected fewer warm-up steps than timesteps \(10\), got 10$"):
        esn.fit(np.zeros((10, 1)), np.zeros((10, 1)), warmup=10)
    esn.fit(np.linspace(0, 1, 50), np.linspace(1, 2, 50))
    with pytest.raises(ValueError, match=r"^X: has 2 features per step, but this network was built for 1$"):
        esn.run(np.zeros((10, 2)))
    with pytest.raises(ValueError, match=r"^leak_rate: expected a number > 0 and ≤ 1, got 1.5$"):
        ESN(units=10, leak_rate=1.5)
    with pytest.raises(ValueError, match=r"^X: contains NaN or infinite values$"):
        esn.run(np.array([[np.nan]]))


def test_a_bad_configuration_is_a_located_model_error(tmp_path):
    bad = tmp_path / "r.toml"
    bad.write_text(MACKEY_GLASS.read_text().replace("spectral_radius = 1.25", 'spectral_radius = "big"'))
    with pytest.raises(engram.ModelError) as e:
        run_config(bad)
    assert e.value.key == "reservoir.spectral_radius"
    assert str(e.value).endswith("reservoir.spectral_radius: expected a number, found a string")
    assert e.value.line == 19


def test_seed_and_overrides_reach_the_configuration():
    a = run_config(MACKEY_GLASS, set=["reservoir.units=30", "task.train=400", "task.test=100"], seed=2, threads=1)
    b = run_config(MACKEY_GLASS, set=["reservoir.units=30", "task.train=400", "task.test=100", "seed=2"], threads=1)
    c = run_config(MACKEY_GLASS, set=["reservoir.units=30", "task.train=400", "task.test=100"], seed=3, threads=1)
    assert a["prediction"].shape == (100, 1)
    assert a["nrmse"] == b["nrmse"] and a["nrmse"] != c["nrmse"]


def test_the_weights_are_those_the_states_follow():
    esn = ESN(units=60, spectral_radius=0.8, leak_rate=0.3, bias_scaling=0.2, seed=5)
    assert esn.W is None and esn.W_in is None and esn.bias is None, "built on first use"
    x = np.random.default_rng(1).uniform(-1, 1, (50, 2))
    states = esn.states(x)
    w, w_in, b = esn.W, esn.W_in, esn.bias
    assert w.shape == (60, 60) and w_in.shape == (60, 2) and b.shape == (60,)
    # The spectral radius is set exactly (the weights are stored in f32).
    assert abs(np.max(np.abs(np.linalg.eigvals(w))) - 0.8) < 1e-6
    # x(t) = (1 − a) x(t−1) + a tanh(W x(t−1) + W_in u(t) + b), from x(−1) = 0; engram's
    # tanh is within 5e-7 relative of NumPy's.
    prev = np.zeros(60)
    for t in range(50):
        expect = 0.7 * prev + 0.3 * np.tanh(w @ prev + w_in @ x[t] + b)
        assert np.max(np.abs(states[t] - expect)) < 1e-6, t
        prev = states[t]


def test_generate_continues_the_series_as_the_configurations_generation_mode():
    # The CLI's closed-loop mode and ESN.generate after the same fit give the same
    # series; they differ only by the rounding of the two fits, which the closed loop
    # amplifies a little over 400 steps.
    generation = run_config(MACKEY_GLASS, threads=2, set=['task.mode="generation"'])
    x, y = generation["input"], generation["target"]
    esn = ESN(**MG_SETTINGS).fit(x[:TRAIN], y[:TRAIN], warmup=WASHOUT)
    generated = esn.generate(len(x) - TRAIN)
    assert generated.shape == (len(x) - TRAIN, 1)
    assert np.max(np.abs(generated - generation["prediction"])) < 1e-6
    # Mackey-Glass stays predictable for a while in closed loop (engram's valid steps
    # for this example are in bench/RESULTS.md).
    assert np.max(np.abs(generated[:50, 0] - generation["truth"][:50, 0])) < 0.1 * np.std(y)


def test_generate_needs_a_readout_whose_outputs_are_the_inputs():
    esn = ESN(units=30, seed=1)
    with pytest.raises(RuntimeError, match=r"generate\(\) needs a fitted readout"):
        esn.generate(5)
    x = np.random.default_rng(0).uniform(-1, 1, (100, 1))
    esn.fit(x, np.hstack([x, x]))
    with pytest.raises(ValueError, match="the readout has 2 outputs and the network 1 inputs"):
        esn.generate(5)


@pytest.mark.parametrize("readout, table", [
    (dict(readout="rls", forgetting=0.9999, delta=1e-2), '{ kind = "rls", forgetting = 0.9999, delta = 1e-2 }'),
    (dict(readout="force", alpha=1.0), '{ kind = "force", alpha = 1.0 }'),
])
def test_online_readouts_reproduce_the_configuration(readout, table):
    # The same reservoir trained online step by step on the same series: the same
    # predictions as `engram reservoir` with that [readout] table.
    config = run_config(MACKEY_GLASS, threads=2, set=[f"readout={table}"])
    x, y = config["input"], config["target"]
    settings = {k: v for k, v in MG_SETTINGS.items() if k != "ridge"}
    esn = ESN(**settings, **readout).fit(x[:TRAIN], y[:TRAIN], warmup=WASHOUT)
    pred = esn.run(x[TRAIN:])
    assert np.allclose(pred[:, 0], config["prediction"][:, 0], rtol=0, atol=1e-9)
    # The readout property is the map run() applies: a second, identical network's
    # states times (w, c) are the first one's predictions.
    w, c = esn.readout
    assert w.shape == (100, 1) and c.shape == (1,)
    twin = ESN(**settings, **readout).fit(x[:TRAIN], y[:TRAIN], warmup=WASHOUT)
    assert np.allclose(twin.states(x[TRAIN:]) @ w + c, pred, rtol=0, atol=1e-12)


def test_rls_with_a_tiny_prior_approaches_least_squares(mg_config):
    # Without forgetting, RLS minimises the squared error plus delta·|w|², so with a
    # small delta it ends near the ridge readout's one-step error.
    x, y = mg_config["input"], mg_config["target"]
    settings = {k: v for k, v in MG_SETTINGS.items() if k != "ridge"}
    rls = ESN(**settings, readout="rls", delta=1e-5).fit(x[:TRAIN], y[:TRAIN], warmup=WASHOUT)
    assert abs(nrmse(y[TRAIN:], rls.run(x[TRAIN:])) - mg_config["nrmse"]) < 0.1 * mg_config["nrmse"]


def test_an_unknown_readout_is_named():
    with pytest.raises(ValueError, match='expected one of ridge, rls, force, got "lms"'):
        ESN(units=10, readout="lms")
    with pytest.raises(ValueError, match="forgetting"):
        ESN(units=10, readout="rls", forgetting=1.5)


def test_intrinsic_plasticity_reproduces_the_configuration_and_moves_towards_its_target():
    table = "{ eta = 1e-3, std = 0.3, epochs = 3 }"
    config = run_config(MACKEY_GLASS, threads=2, set=[f"reservoir.intrinsic_plasticity={table}"])
    x, y = config["input"], config["target"]
    esn = ESN(**MG_SETTINGS)
    spread = esn.train_intrinsic(x[:TRAIN], eta=1e-3, std=0.3, epochs=3)
    pred = esn.fit(x[:TRAIN], y[:TRAIN], warmup=WASHOUT).run(x[TRAIN:])
    assert np.allclose(pred[:, 0], config["prediction"][:, 0], rtol=0, atol=1e-9)
    # The units' output spread moves from where the untrained reservoir has it (a
    # learning rate too small to learn anything) to near the target 0.3.
    before = ESN(**MG_SETTINGS).train_intrinsic(x[:TRAIN], eta=1e-12, std=0.3)
    assert abs(spread - 0.3) < 0.05 < abs(before - 0.3), (before, spread)
    with pytest.raises(ValueError, match="std: expected a number > 0 and ≤ 1, got 1.5"):
        esn.train_intrinsic(x[:TRAIN], std=1.5)


def test_the_thread_count_changes_nothing_but_the_threads():
    # 300 units: above the size from which a run is split over threads.
    x = np.random.default_rng(3).uniform(-1, 1, (200, 1))
    y = np.roll(x, -1, axis=0)
    one = ESN(units=300, seed=4, threads=1).fit(x, y, warmup=20)
    every = ESN(units=300, seed=4).fit(x, y, warmup=20)
    assert np.array_equal(one.states(x), every.states(x))
    assert np.allclose(one.run(x), every.run(x), rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match="threads"):
        ESN(units=10, threads=0)


FEEDBACK = dict(feedback_scaling=0.5, feedback_connectivity=0.5)


def test_feedback_generation_reproduces_the_configuration():
    # Teacher forcing in fit, then the closed loop through input and feedback, as
    # `engram reservoir` runs the same configuration in generation mode.
    sets = ['task.mode="generation"', "reservoir.feedback_scaling=0.5", "reservoir.feedback_connectivity=0.5"]
    config = run_config(MACKEY_GLASS, threads=2, set=sets)
    x, y = config["input"], config["target"]
    esn = ESN(**MG_SETTINGS, **FEEDBACK).fit(x[:TRAIN], y[:TRAIN], warmup=WASHOUT)
    assert esn.W_fb.shape == (100, 1) and np.count_nonzero(esn.W_fb) == 50
    generated = esn.generate(len(x) - TRAIN)
    assert np.max(np.abs(generated - config["prediction"])) < 1e-6


def test_a_run_with_feedback_feeds_back_its_own_outputs():
    rng = np.random.default_rng(2)
    x = rng.uniform(-1, 1, (120, 1))
    y = np.sin(np.cumsum(x, axis=0))
    esn = ESN(units=50, leak_rate=0.5, ridge=1e-2, seed=3, **FEEDBACK)
    with pytest.raises(RuntimeError, match=r"built by fit\(X, Y\)"):
        esn.train_intrinsic(x)
    esn.fit(x[:100], y[:100], warmup=10)
    with pytest.raises(RuntimeError, match=r"states\(X\) has no outputs to feed back"):
        esn.states(x)
    w, w_in, w_fb, b = esn.W, esn.W_in, esn.W_fb, esn.bias
    w_out, c = esn.readout
    state, fed = esn.state.copy(), y[99]   # fit fed back targets: the last one is next
    pred = esn.run(x[100:])
    for t in range(20):
        state = 0.5 * state + 0.5 * np.tanh(w @ state + w_in @ x[100 + t] + w_fb @ fed + b)
        fed = state @ w_out + c
        # engram's tanh is within 5e-7 relative of NumPy's.
        assert np.max(np.abs(pred[t] - fed)) < 1e-5 * (1 + np.max(np.abs(fed))), t
    assert np.all(np.abs(pred) < 10), "a tame closed loop"
