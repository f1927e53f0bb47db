"""A model run from Python gives what `engram run` writes: the same spikes, state
traces, rates and summary (timings and memory aside)."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest

import engram

from conftest import ROOT, SMALL

ENGRAM = ROOT / "target" / "release" / "engram"
# Wall-clock times and the process's memory differ between any two runs.
UNSTABLE = {"build_s", "run_s", "peak_rss_bytes"}


@pytest.fixture
def cli_run(tmp_path):
    if not ENGRAM.exists():
        pytest.skip("the engram binary is not built (cargo build --release)")
    (tmp_path / "small.toml").write_text(SMALL)
    done = subprocess.run(
        [str(ENGRAM), "run", "small.toml", "-q", "-j", "2", "-o", "out"], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return tmp_path / "out"


def test_python_run_matches_the_cli_run_directory(cli_run, small):
    result = small.run(threads=2)
    summary = json.loads((cli_run / "summary.json").read_text())
    assert list(result.summary) == list(summary), "same fields in the same (alphabetical) order"
    for k in sorted(set(summary) - UNSTABLE - {"populations"}):
        assert result.summary[k] == summary[k], k
    for pop, fields in summary["populations"].items():
        assert result.summary["populations"][pop] == pytest.approx(fields), pop
    with np.load(cli_run / "spikes.npz") as spikes:
        for pop in ("exc", "inh"):
            t, i = result.spikes(pop)
            np.testing.assert_array_equal(t, spikes[f"{pop}_times"])
            np.testing.assert_array_equal(i, spikes[f"{pop}_ids"])
            assert t.dtype == spikes[f"{pop}_times"].dtype and i.dtype == spikes[f"{pop}_ids"].dtype
    with np.load(cli_run / "state.npz") as state:
        times, ids, v = result.state("exc", "v")
        np.testing.assert_array_equal(v, state["exc_v"])
        np.testing.assert_array_equal(times, state["exc_v_times"])
        np.testing.assert_array_equal(ids, state["exc_v_ids"])
    with np.load(cli_run / "rates.npz") as rates:
        t, r = result.rates()
        np.testing.assert_array_equal(t, rates["t"])
        np.testing.assert_array_equal(r["exc"], rates["exc_rate"])


def test_estimate_is_what_engram_check_prints(small):
    est = small.estimate
    assert est["neurons"] == 100
    assert est["steps"] == 1000
    # 80 x 20 pairs at p = 0.1 plus 80 targets x indegree 5.
    assert est["synapses"] == 160 + 400
    assert est["bytes"] > 0


def test_progress_is_written_to_stderr(small, capsys):
    small.run(progress=True)
    err = capsys.readouterr().err
    assert err.endswith("\n")
    assert "100% of simulated time" in err.splitlines()[-1]
    small.run()
    assert capsys.readouterr().err == ""
