"""Surrogate-gradient training from Python: ``engram train`` configuration files.

The network, data, encoding and optimiser are those of an ``engram train``
configuration (``docs/train.md``); :func:`run_config` trains it in Rust with the GIL
released and returns the metrics and the trained parameters as NumPy arrays::

    from engram.train import run_config
    out = run_config("examples/train/digits.toml", set=["training.epochs=10"], threads=2)
    out["test_accuracy"], out["params"]["hidden.w_in"].shape   # (64, 128)

The run directory (learning curve, checkpoint, export to a model file) is written by
the command line, ``engram train``.
"""

from __future__ import annotations

from os import PathLike
from typing import Any, Dict, Iterable, Optional, Union

from ._engram import train_config as _train_config

__all__ = ["run_config"]


def run_config(
    path: Union[str, PathLike],
    set: Optional[Iterable[str]] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    quiet: bool = False,
) -> Dict[str, Any]:
    """Trains an ``engram train`` configuration file, as the command line does without
    writing a run directory, and returns a dict: ``train_accuracy``,
    ``test_accuracy``, ``epochs``, ``samples_per_s``, ``wall_s``, ``interrupted``,
    ``threads``, ``seed``, ``history`` (per epoch: ``loss``, ``train_accuracy``,
    ``test_accuracy``, ``lr``, ``hidden_rate``), ``test_labels`` and
    ``test_predictions`` (int64 arrays), ``params`` (``"LAYER.PARAM"`` → float32
    array, e.g. ``"hidden.w_in"`` of shape ``(inputs, neurons)``) and ``masks`` (the
    same names → bool arrays, for sparse-masked layers). ``set`` holds ``KEY=VALUE``
    overrides as ``--set``; ``seed`` overrides ``training.seed``; ``threads``
    defaults to every core (results do not depend on it). Each epoch's line goes to
    ``sys.stderr`` unless ``quiet``. A bad file raises :class:`engram.ModelError` with
    its place; Ctrl-C stops after the current batch and raises ``KeyboardInterrupt``."""
    overrides = list(set or [])
    if seed is not None:
        overrides.append(f"training.seed={int(seed)}")
    return _train_config(str(path), overrides, threads, quiet)
