"""Shared fixtures: the repository's example models and a small network."""

from __future__ import annotations

from pathlib import Path

import pytest

import engram

ROOT = Path(__file__).resolve().parents[2]

#: A small excitatory-inhibitory LIF network that fires (v_rest above threshold),
#: with a state monitor; runs in milliseconds.
SMALL = """\
name = "small"

[simulation]
dt = "0.1 ms"
duration = "100 ms"
seed = 3

[populations.exc]
n = 80
model = "lif"
v_rest = "-49 mV"
v_reset = "-60 mV"
v_th = "-50 mV"
tau_m = "20 ms"
init.v = { dist = "uniform", low = "-60 mV", high = "-50 mV" }

[populations.inh]
n = 20
model = "lif"
v_rest = "-49 mV"
v_reset = "-60 mV"
v_th = "-50 mV"
tau_m = "20 ms"

[projections.exc_inh]
source = "exc"
target = "inh"
rule = "fixed_probability"
p = 0.1
weight = "1 mV"
delay = "1 ms"

[projections.inh_exc]
source = "inh"
target = "exc"
rule = "fixed_indegree"
indegree = 5
weight = "-2 mV"
delay = "1 ms"

[record]
rate_bin = "5 ms"

[[record.state]]
population = "exc"
vars = ["v", "i_exc"]
ids = [0, 5, 7]
every = "0.5 ms"
"""


@pytest.fixture
def cuba_path() -> Path:
    """The CUBA example model file."""
    return ROOT / "examples" / "cuba.toml"


@pytest.fixture
def small() -> engram.Model:
    """The small model above, validated."""
    return engram.Model.from_str(SMALL, file="small.toml")
