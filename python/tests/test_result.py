"""Shapes, dtypes and meaning of what a run returns."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import engram

SUMMARY_FIELDS = {
    "model", "engram_version", "duration_s", "rates_from_s", "dt_s", "seed", "threads", "n_neurons", "n_synapses",
    "synapse_bytes", "bytes_per_synapse", "build_s", "run_s", "peak_rss_bytes", "populations",
}  # fmt: skip


@pytest.fixture
def result(small):
    return small.run(threads=1)


def test_spikes_are_float64_seconds_and_uint32_ids(result):
    for pop, n in (("exc", 80), ("inh", 20)):
        t, i = result.spikes(pop)
        assert t.dtype == np.float64 and i.dtype == np.uint32
        assert t.ndim == 1 and t.shape == i.shape
        assert len(t) == result.summary["populations"][pop]["spikes"] > 0
        assert np.all(np.diff(t) >= 0), "in time order"
        assert t.min() >= 0 and t.max() < 0.1
        assert i.max() < n
        # Stamped at whole steps (step x dt).
        np.testing.assert_allclose(t / 1e-4, np.round(t / 1e-4), atol=1e-6)


def test_arrays_are_read_only_and_shared(result):
    t, _ = result.spikes("exc")
    with pytest.raises(ValueError):
        t[0] = 1.0
    assert result.spikes("exc")[0] is t


def test_summary_has_the_summary_json_fields(result):
    s = result.summary
    assert set(s) == SUMMARY_FIELDS
    assert s["model"] == "small" and s["seed"] == 3 and s["threads"] == 1
    assert s["duration_s"] == pytest.approx(0.1) and s["dt_s"] == pytest.approx(1e-4)
    assert s["n_neurons"] == 100
    assert s["populations"]["inh"]["n"] == 20 and s["populations"]["inh"]["model"] == "lif"
    assert s["n_synapses"] == s["synapse_bytes"] / s["bytes_per_synapse"]
    exc = s["populations"]["exc"]
    assert exc["rate_hz"] == pytest.approx(exc["spikes"] / (80 * 0.1))


def test_rates_from_leaves_out_the_onset_in_numpy(small):
    # Issue 25, item 7: with record.rates_from the summary's rate counts the spikes at
    # t >= 40 ms over the remaining 60 ms; counted here with NumPy.
    result = small.with_overrides({"record.rates_from": "40 ms"}).run(threads=1)
    assert result.summary["rates_from_s"] == pytest.approx(0.04)
    for pop, n in (("exc", 80), ("inh", 20)):
        t, _ = result.spikes(pop)
        late = np.count_nonzero(t >= 0.04 - 1e-12)
        assert 0 < late < len(t)
        assert result.summary["populations"][pop]["rate_hz"] == pytest.approx(late / (n * 0.06), rel=1e-12)
        assert result.summary["populations"][pop]["spikes"] == len(t)


def test_state_is_times_by_ids(result):
    times, ids, v = result.state("exc", "v")
    assert ids.dtype == np.uint32 and list(ids) == [0, 5, 7]
    # Every 0.5 ms over 100 ms: samples at 0, 0.5, ..., 99.5 ms.
    assert times.dtype == np.float64 and len(times) == 200
    np.testing.assert_allclose(times[:3], [0, 5e-4, 1e-3])
    assert v.dtype == np.float64 and v.shape == (200, 3)
    # Volts, below the threshold (a crossing resets within its step) and not far
    # below the reset: inhibition of a few mV is all that pulls V under it.
    assert np.all(v < -0.050) and np.all(v > -0.090)
    assert result.state("exc", "i_exc")[2].shape == (200, 3)


def test_rates_count_the_spikes(result):
    t, rates = result.rates()
    assert set(rates) == {"exc", "inh"}
    assert len(t) == 20 and t[1] == pytest.approx(5e-3)  # the model's 5 ms bins
    for pop, n in (("exc", 80), ("inh", 20)):
        assert rates[pop].dtype == np.float64 and rates[pop].shape == t.shape
        assert rates[pop].sum() * n * 5e-3 == pytest.approx(len(result.spikes(pop)[0]))
    t1, r1 = result.rates(bin="1 ms")
    assert len(t1) == 100
    assert r1["exc"].sum() * 80 * 1e-3 == pytest.approx(len(result.spikes("exc")[0]))


def test_all_neurons_are_recorded_by_default(result):
    assert result.recorded == ["exc", "inh"]
    assert result.recorded_ids("exc") is None


def test_spike_counts_per_step(result):
    c = result.spike_counts("exc")
    assert c.dtype == np.uint32 and c.shape == (1000,)
    assert c.sum() == result.summary["populations"]["exc"]["spikes"]


def test_only_recorded_spikes_are_returned():
    net = engram.Network(duration="20 ms", seed=1)
    a = net.population("a", 10, model="poisson_generator", rate="500 Hz")
    net.population("b", 10, model="poisson_generator", rate="500 Hz")
    net.record_spikes(a, ids=[1, 2])
    r = net.run()
    assert r.recorded == ["a"]
    assert list(r.recorded_ids("a")) == [1, 2] and r.recorded_ids("a").dtype == np.uint32
    with pytest.raises(ValueError, match="not recorded"):
        r.recorded_ids("b")
    assert set(np.unique(r.spikes("a")[1])) <= {1, 2}
    with pytest.raises(ValueError, match="not recorded"):
        r.spikes("b")
    assert r.summary["populations"]["b"]["spikes"] > 0
    assert r.summary["populations"]["b"]["cv_isi"] is None


def test_to_pandas_without_pandas_is_a_clear_import_error(result, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="pip install pandas"):
        result.to_pandas()


def test_to_pandas(result):
    pd = pytest.importorskip("pandas")
    df = result.to_pandas()
    assert list(df.columns) == ["population", "time", "id"]
    assert len(df) == sum(len(result.spikes(p)[0]) for p in ("exc", "inh"))
    assert list(df["population"].cat.categories) == ["exc", "inh"]
    assert isinstance(df, pd.DataFrame)


def test_plot_raster_without_matplotlib_is_a_clear_import_error(result, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match="pip install matplotlib"):
        result.plot_raster()


def test_plot_raster(result):
    mpl = pytest.importorskip("matplotlib")
    mpl.use("Agg")
    ax = result.plot_raster()
    assert ax.get_xlabel() == "time (s)"
    assert len(ax.collections) == 2
