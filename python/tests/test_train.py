"""engram.train: a configuration trained from Python gives what ``engram train`` gives
for the same overrides and seed; sparse masks; errors."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest

import engram
from engram.train import run_config

from conftest import ROOT

ENGRAM = ROOT / "target" / "release" / "engram"
DIGITS = ROOT / "examples" / "train" / "digits.toml"
SHORT = ["training.epochs=3"]


@pytest.fixture(scope="module")
def digits():
    return run_config(DIGITS, set=SHORT, seed=4, threads=2, quiet=True)


def test_training_from_python_equals_the_command_line(tmp_path, digits):
    assert ENGRAM.exists(), "cargo build --release builds the engram binary the comparison needs"
    args = [str(ENGRAM), "train", str(DIGITS), "-q", "-j", "1", "--seed", "4", "--out", "out", "--set", SHORT[0]]
    done = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    metrics = json.loads((tmp_path / "out" / "metrics.json").read_text())
    # Training depends on the seed only, not on the threads (2 here, 1 there).
    assert digits["test_accuracy"] == metrics["test_accuracy"]
    assert digits["train_accuracy"] == metrics["train_accuracy"]
    assert [e["loss"] for e in digits["history"]] == [e["loss"] for e in metrics["history"]]
    assert digits["epochs"] == 3 and digits["seed"] == 4


def test_predictions_and_parameters(digits):
    labels, predicted = digits["test_labels"], digits["test_predictions"]
    assert labels.shape == predicted.shape == (359,)
    assert np.mean(labels == predicted) == pytest.approx(digits["test_accuracy"], abs=1e-12)
    params = digits["params"]
    assert params["hidden.w_in"].shape == (64, 128) and params["hidden.w_in"].dtype == np.float32
    assert params["out.w_in"].shape == (128, 10)
    assert digits["masks"] == {}


def test_sparse_masked_layers_return_their_masks():
    out = run_config(DIGITS, set=["training.epochs=1", "network.layers.hidden.connectivity=0.25"], threads=2,
                     quiet=True)
    mask, w = out["masks"]["hidden.w_in"], out["params"]["hidden.w_in"]
    assert mask.shape == w.shape == (64, 128) and mask.dtype == np.bool_
    assert np.all(w[~mask] == 0.0) and np.all(w[mask] != 0.0)
    n, p = mask.size, 0.25
    assert abs(mask.sum() - n * p) < 4 * np.sqrt(n * p * (1 - p))


def test_errors_are_located():
    with pytest.raises(engram.ModelError) as e:
        run_config(DIGITS, set=["training.epoks=3"])
    assert "training.epoks: unknown key `epoks` (did you mean `epochs`?)" in str(e.value)
    # The key comes from `set`, not from a line of the file: the error names the override.
    assert (e.value.file, e.value.line) == ("--set training.epoks=3", None)
    with pytest.raises(ValueError, match="threads: expected at least 1 thread, got 0"):
        run_config(DIGITS, threads=0)
