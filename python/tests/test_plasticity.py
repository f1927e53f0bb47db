"""Plastic projections: recorded weights reach Python with the shapes of weights.npz."""

from __future__ import annotations

import numpy as np
import pytest

import engram
from conftest import ROOT


def test_stdp_window_weights_follow_the_closed_form():
    # examples/stdp_window.toml: one pair per synapse, so each final weight is
    # w_max / 2 plus the pair rule's window at its Δt (A_plus = 0.02, A_minus = 0.01).
    result = engram.Model.from_toml(ROOT / "examples" / "stdp_window.toml").run(threads=1)
    w = result.weights("input")
    assert w["snapshots"].dtype == np.float32 and w["snapshots"].shape == (1, 21)
    change = (w["snapshots"][-1] - 0.5e-3) / 1e-3
    t_post = result.spikes("post")[0]
    assert len(t_post) == 1
    t_pre, ids = result.spikes("pre")
    delta = t_post[0] - t_pre[np.argsort(ids)]
    expected = np.where(delta >= 0, 0.02 * np.exp(-delta / 16.8e-3), -0.01 * np.exp(delta / 33.7e-3))
    np.testing.assert_allclose(change, expected, atol=1e-5)


def test_unrecorded_projection_is_a_value_error():
    result = engram.Model.from_toml(ROOT / "examples" / "stdp_window.toml").run(threads=1)
    with pytest.raises(ValueError, match="its weights were not recorded"):
        result.weights("teach")
