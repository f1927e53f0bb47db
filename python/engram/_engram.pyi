"""Type stubs of the extension module ``engram._engram`` (crates/engram-py)."""

from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import numpy.typing as npt

__version__: str

class ModelError(ValueError):
    """A model that cannot be read or is not valid; ``str(e)`` is
    ``file:line:column: key: message``."""

    file: str
    line: Optional[int]
    column: Optional[int]
    key: Optional[str]
    message: str
    help: Optional[str]

class Model:
    """A validated model and the text it was read from."""

    @staticmethod
    def from_toml(path: str, set: Optional[List[str]] = None) -> Model:
        """Reads and validates a model file after ``KEY=VALUE`` overrides."""
    @staticmethod
    def from_str(text: str, set: Optional[List[str]] = None, file: str = "<string>", name: str = "model") -> Model:
        """Validates a model given as TOML text."""
    @property
    def name(self) -> str:
        """The model's name."""
    @property
    def file(self) -> str:
        """The file the model was read from."""
    @property
    def dt(self) -> float:
        """Time step (s)."""
    @property
    def duration(self) -> float:
        """Simulated time (s)."""
    @property
    def seed(self) -> int:
        """Seed of every random stream."""
    @property
    def toml(self) -> str:
        """The TOML text, overrides applied."""
    @property
    def populations(self) -> List[Tuple[str, int, str]]:
        """``(name, size, model)`` per population."""
    @property
    def projections(self) -> List[Tuple[str, str, str]]:
        """``(name, source, target)`` per projection."""
    @property
    def estimate(self) -> Dict[str, int]:
        """``neurons``, ``synapses``, ``bytes`` and ``steps`` before building."""
    def with_overrides(self, set: List[str]) -> Model:
        """This model with more overrides, validated again."""
    def run(
        self,
        duration: Optional[str] = None,
        seed: Optional[int] = None,
        threads: Optional[int] = None,
        progress: bool = False,
    ) -> Dict[str, Any]:
        """Builds and runs the network; returns the recordings as a dict."""

def quantity(text: str, dim: str, name: str) -> float:
    """The SI value of ``text``, which must have dimension ``dim``."""

def rate_histogram(
    times: npt.NDArray[np.float64], n_neurons: int, duration: float, bin: float
) -> Tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Population rate per neuron (Hz) in bins of ``bin`` seconds."""

def models() -> Dict[str, Dict[str, Any]]:
    """The neuron models engram knows."""

class Esn:
    """An echo-state network with a ridge readout (see ``engram.reservoir.ESN``)."""

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
    ) -> None: ...
    def fit(self, x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], warmup: int = 0) -> None:
        """Drives the reservoir over ``x`` and fits the readout to ``y`` after ``warmup`` steps."""
    def run(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Predictions over ``x``, (timesteps, outputs)."""
    def states(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Reservoir states over ``x``, (timesteps, units)."""
    def reset(self) -> None:
        """Sets the state back to zero."""
    @property
    def units(self) -> int: ...
    @property
    def fitted(self) -> bool: ...
    @property
    def state(self) -> npt.NDArray[np.float64]: ...
    @property
    def readout(self) -> Optional[Tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]]: ...

def run_reservoir_config(path: str, set: Optional[List[str]] = None, threads: Optional[int] = None) -> Dict[str, Any]:
    """Runs an ``engram reservoir`` configuration file; scores, timings and series."""

def train_config(
    path: str, set: Optional[List[str]] = None, threads: Optional[int] = None, quiet: bool = False
) -> Dict[str, Any]:
    """Trains an ``engram train`` configuration file; metrics, history and parameters."""
