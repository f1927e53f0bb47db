"""engram: spiking neural network simulation in Rust, driven from Python.

Read a model file with :meth:`Model.from_toml`, or build one with :class:`Network`;
``run()`` either and get a :class:`Result` of NumPy arrays::

    import engram
    result = engram.Model.from_toml("examples/cuba.toml").run(threads=2)
    times, ids = result.spikes("exc")

Echo-state networks on NumPy arrays and ``engram reservoir`` configuration files
are in :mod:`engram.reservoir`; surrogate-gradient training of ``engram train``
configuration files in :mod:`engram.train`.

Model errors raise :class:`ModelError` (a ValueError) with the file, line, column
and key; see ``docs/python.md``.
"""

from typing import Any, Dict

from ._engram import ModelError, __version__
from ._engram import models as _models
from .model import Model, Overrides
from .network import Network, Population
from .result import Result
from . import reservoir, train

__all__ = ["Model", "ModelError", "Network", "Overrides", "Population", "Result", "models", "reservoir", "train", "__version__"]


def models() -> Dict[str, Dict[str, Any]]:
    """The neuron models engram knows: model name → dict with ``doc`` (one line),
    ``params`` (parameter names), ``state`` (state variable names) and ``receptors``."""
    return _models()
