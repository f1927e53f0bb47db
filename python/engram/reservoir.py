"""Reservoir computing: echo-state networks on NumPy arrays, and ``engram reservoir``
configuration files.

The workflow of reservoirpy's ``Reservoir >> Ridge``::

    from engram.reservoir import ESN
    esn = ESN(units=100, spectral_radius=1.25, leak_rate=0.3, ridge=1e-5, seed=1)
    esn.fit(X_train, Y_train, warmup=100)
    Y_pred = esn.run(X_test)

Arrays are time-major, ``(timesteps, features)``; a 1-D array is one feature. The
reservoir is built on first use, when the number of input features is known, and its
state carries over between calls: ``run`` after ``fit`` continues from the last
training state. The model and its parameters are those of ``engram reservoir``
(``docs/reservoir.md``); :func:`run_config` runs one of its configuration files,
echo-state network or spiking liquid.
"""

from __future__ import annotations

from os import PathLike
from typing import Any, Dict, Iterable, Optional, Tuple, Union

import numpy as np

from ._engram import Esn as _Esn
from ._engram import run_reservoir_config as _run_reservoir_config

__all__ = ["ESN", "run_config"]


def _series(name: str, a: Any) -> np.ndarray:
    """``a`` as a C-contiguous float64 ``(timesteps, features)`` array."""
    arr = np.asarray(a, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr[:, None]
    elif arr.ndim != 2:
        raise ValueError(f"{name}: expected an array of shape (timesteps, features) or (timesteps,), got shape {arr.shape}")
    return np.ascontiguousarray(arr)


class ESN:
    """An echo-state network: a leaky tanh reservoir whose sparse recurrent matrix has
    exactly the given spectral radius, and a ridge readout with an unpenalised
    intercept (as reservoirpy's ``Ridge``).

    ``units``: reservoir size; ``spectral_radius``: of the recurrent matrix;
    ``leak_rate``: in (0, 1]; ``input_scaling``: the input weights are ±this;
    ``input_connectivity``: fraction of units each input reaches; ``connectivity``:
    fraction of non-zeros in the recurrent matrix, placed anywhere as reservoirpy does
    (``connectivity_rule="fixed_total_number"``) or the same number per unit
    (``"fixed_indegree"``); ``bias_scaling``: bias uniform in ±this; ``ridge``: the
    readout's regularisation; ``seed``: every random stream of the reservoir (the same
    seed gives the reservoir ``engram reservoir`` builds with that seed).

    ``readout``: ``"ridge"`` (closed form, the default), ``"rls"`` (recursive least
    squares updated after every step, with ``forgetting`` in (0, 1] and ``P(0) = I /
    delta``) or ``"force"`` (Sussillo & Abbott 2009: RLS with ``P(0) = I / alpha`` while
    the network runs on its own outputs), as the ``[readout]`` table of a configuration.

    ``threads``: the threads the network runs on (default: every core; at most every
    core). Give each network one thread when Python threads run several at once.

    ``feedback_scaling`` > 0 feeds the readout's output back into the reservoir through
    weights uniform in ±this, reaching ``feedback_connectivity`` of the units (as
    reservoirpy's ``reservoir <<= readout``). ``fit`` then feeds back the targets of the
    step before (teacher forcing; FORCE its own outputs, as Sussillo & Abbott), ``run``
    and ``generate`` the readout's own outputs;
    the network is built by ``fit``, and ``states`` is refused (it has no outputs).
    """

    def __init__(
        self,
        units: int,
        spectral_radius: float = 0.9,
        leak_rate: float = 1.0,
        input_scaling: float = 1.0,
        input_connectivity: float = 0.1,
        connectivity: float = 0.1,
        bias_scaling: float = 0.0,
        ridge: float = 1e-6,
        seed: int = 1,
        connectivity_rule: str = "fixed_total_number",
        readout: str = "ridge",
        forgetting: float = 1.0,
        delta: float = 1e-2,
        alpha: float = 1.0,
        threads: Optional[int] = None,
        feedback_scaling: float = 0.0,
        feedback_connectivity: float = 1.0,
    ) -> None:
        self._esn = _Esn(
            units,
            spectral_radius=spectral_radius,
            leak_rate=leak_rate,
            input_scaling=input_scaling,
            input_connectivity=input_connectivity,
            connectivity=connectivity,
            bias_scaling=bias_scaling,
            ridge=ridge,
            seed=seed,
            connectivity_rule=connectivity_rule,
            readout=readout,
            forgetting=forgetting,
            delta=delta,
            alpha=alpha,
            threads=threads,
            feedback_scaling=feedback_scaling,
            feedback_connectivity=feedback_connectivity,
        )

    def fit(self, X: Any, Y: Any, warmup: int = 0) -> "ESN":
        """Drives the reservoir over ``X`` from its current state, drops the first
        ``warmup`` states and fits the readout from the others to ``Y``; returns self."""
        self._esn.fit(_series("X", X), _series("Y", Y), warmup)
        return self

    def run(self, X: Any) -> np.ndarray:
        """Drives the reservoir over ``X`` and returns the predictions, (timesteps, outputs)."""
        return self._esn.run(_series("X", X))

    def states(self, X: Any) -> np.ndarray:
        """Drives the reservoir over ``X`` and returns its states, (timesteps, units)."""
        return self._esn.states(_series("X", X))

    def train_intrinsic(self, X: Any, eta: float = 5e-4, mean: float = 0.0, std: float = 0.2,
                        epochs: int = 1) -> float:
        """Intrinsic plasticity (Schrauwen et al. 2008): drives the reservoir over ``X``
        ``epochs`` times while each unit adapts its gain and bias towards outputs
        distributed as N(mean, std²), then resets the state. Returns the mean over units
        of each unit's output standard deviation in the last pass."""
        return self._esn.train_intrinsic(_series("X", X), eta, mean, std, int(epochs))

    def generate(self, steps: int) -> np.ndarray:
        """Closed-loop generation: from the current state, each output of the readout is
        the next input; returns the ``steps`` outputs, (steps, outputs), as reservoirpy's
        loop ``y = esn(y)`` started from the last output of ``run``. Needs a fitted
        readout with as many outputs as inputs."""
        return self._esn.generate(int(steps))

    def reset(self) -> "ESN":
        """Sets the reservoir's state back to zero; returns self."""
        self._esn.reset()
        return self

    @property
    def units(self) -> int:
        """Number of reservoir units."""
        return self._esn.units

    @property
    def fitted(self) -> bool:
        """Whether the readout has been fitted."""
        return self._esn.fitted

    @property
    def state(self) -> np.ndarray:
        """The reservoir's current state, (units,)."""
        return self._esn.state

    @property
    def W(self) -> Optional[np.ndarray]:
        """The recurrent weights (units, units), W[i, j] from unit j to unit i, as
        reservoirpy's ``Reservoir.W`` (dense); None before the first fit/run/states."""
        return self._esn.W

    @property
    def W_in(self) -> Optional[np.ndarray]:
        """The input weights (units, features), as reservoirpy's ``Reservoir.Win``; None
        before the first fit/run/states."""
        return self._esn.W_in

    @property
    def W_fb(self) -> Optional[np.ndarray]:
        """The feedback weights (units, outputs), as reservoirpy's ``Reservoir.Wfb``;
        None without feedback or before fit."""
        return self._esn.W_fb

    @property
    def bias(self) -> Optional[np.ndarray]:
        """The bias (units,); None before the first fit/run/states."""
        return self._esn.bias

    @property
    def readout(self) -> Optional[Tuple[np.ndarray, np.ndarray]]:
        """The readout's weights (units, outputs) and intercept (outputs,), or None before fit."""
        return self._esn.readout

    def __repr__(self) -> str:
        return repr(self._esn).replace("Esn(", "ESN(", 1)


def run_config(
    path: Union[str, PathLike],
    set: Optional[Iterable[str]] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
) -> Dict[str, Any]:
    """Runs an ``engram reservoir`` configuration file, as the command line does
    without writing a run directory, and returns a dict: the scores (``nrmse``,
    ``nrmse_range``, ``r2``, ``valid_steps`` or ``memory_capacity``), ``fit_s``,
    ``run_s``, ``ridge``, the arrays ``input``, ``target``, ``truth`` and
    ``prediction`` (timesteps × dim), and for a spiking liquid ``rates`` (per
    population: ``target_hz``, ``mean_hz``, ``fraction_within_10_percent``,
    ``neuron_rates_hz``, ``curve_hz``). ``set`` holds ``KEY=VALUE`` overrides as
    ``--set``; ``seed`` overrides ``seed``; ``threads`` defaults to every core. A bad
    file raises :class:`engram.ModelError` with its place."""
    overrides = list(set or [])
    if seed is not None:
        overrides.append(f"seed={int(seed)}")
    return _run_reservoir_config(str(path), overrides, threads)
