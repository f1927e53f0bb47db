"""A validated model: :class:`Model`, read from a TOML file or text."""

from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from . import _engram, _toml
from .result import Result

#: Overrides of model keys: a dict from dotted key to value
#: (``{"populations.exc.tau_m": "10 ms"}``), or ``"KEY=VALUE"`` strings as the
#: command line's ``--set`` takes them.
Overrides = Union[None, Dict[str, Any], Sequence[str]]


def _overrides(set: Overrides) -> List[str]:
    if set is None:
        return []
    if isinstance(set, dict):
        return [_toml.override(k, v) for k, v in set.items()]
    if isinstance(set, str):
        raise TypeError('set: expected a dict or a list of "KEY=VALUE" strings, found one string')
    out = list(set)
    for o in out:
        if not isinstance(o, str):
            raise TypeError(f'set: expected "KEY=VALUE" strings, found {type(o).__name__} {o!r}')
    return out


def _text_arg(v: Any, name: str, example: str) -> Optional[str]:
    if v is None or isinstance(v, str):
        return v
    raise TypeError(f'{name}: expected a string with a unit such as "{example}", found {type(v).__name__} {v!r}')


class Model:
    """A validated engram model.

    Make one with :meth:`from_toml` or :meth:`from_str` (or
    :meth:`engram.Network.model`); invalid input raises :class:`engram.ModelError`.
    """

    def __init__(self, inner: "_engram.Model") -> None:
        self._inner = inner

    @classmethod
    def from_toml(cls, path: Union[str, "os.PathLike[str]"], set: Overrides = None) -> "Model":
        """Reads and validates the model file at ``path``, after applying the
        overrides ``set`` (see :data:`Overrides`), as ``engram check`` does, except
        that synapses listed by ``[[record.weights]]`` are looked up in the drawn
        connectivity by :meth:`run` (a missing one raises :class:`engram.ModelError`)."""
        return cls(_engram.Model.from_toml(os.fspath(path), _overrides(set)))

    @classmethod
    def from_str(
        cls, text: str, set: Overrides = None, *, name: str = "model", file: str = "<string>"
    ) -> "Model":
        """Validates a model given as TOML text. ``name`` is the model's name when the
        text has no ``name`` key; ``file`` names the text in error messages."""
        return cls(_engram.Model.from_str(text, _overrides(set), file, name))

    @property
    def name(self) -> str:
        """The model's name."""
        return self._inner.name

    @property
    def dt(self) -> float:
        """Time step (s)."""
        return self._inner.dt

    @property
    def duration(self) -> float:
        """Simulated time (s)."""
        return self._inner.duration

    @property
    def seed(self) -> int:
        """Seed of every random stream of a run."""
        return self._inner.seed

    @property
    def toml(self) -> str:
        """The TOML text the model was validated from, overrides applied."""
        return self._inner.toml

    @property
    def populations(self) -> List[Tuple[str, int, str]]:
        """``(name, size, model)`` of each population, in file order."""
        return self._inner.populations

    @property
    def projections(self) -> List[Tuple[str, str, str]]:
        """``(name, source, target)`` of each projection, in file order."""
        return self._inner.projections

    @property
    def estimate(self) -> Dict[str, int]:
        """Sizes before building, as ``engram check`` prints them: ``neurons``,
        ``synapses`` (expected), ``bytes`` (expected memory) and ``steps``."""
        return self._inner.estimate

    def with_overrides(self, set: Overrides) -> "Model":
        """This model with more overrides applied (validated again)."""
        return Model(self._inner.with_overrides(_overrides(set)))

    def run(
        self,
        duration: Optional[str] = None,
        threads: Optional[int] = None,
        progress: bool = False,
        seed: Optional[int] = None,
    ) -> Result:
        """Builds and simulates the network and returns its :class:`Result`.

        ``duration`` (such as ``"2 s"``) and ``seed`` replace the model's for this run;
        ``threads`` (default: as many as the network's work per epoch pays for, at most
        every core; ``summary["threads"]`` says how many) does not change the results. With
        ``progress`` a progress line is written to ``sys.stderr``. The GIL is released
        while the network runs; Ctrl-C raises KeyboardInterrupt within a fraction of a
        second. A run that cannot go on (memory, unstable integration) raises
        RuntimeError.
        """
        duration = _text_arg(duration, "duration", "1 s")
        if threads is not None and (isinstance(threads, bool) or not isinstance(threads, int)):
            raise TypeError(f"threads: expected an integer, found {type(threads).__name__} {threads!r}")
        if threads is not None and threads < 1:
            raise ValueError(f"threads: expected at least 1 thread, found {threads}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
            raise ValueError(f"seed: expected an integer >= 0, found {seed!r}")
        return Result(self._inner.run(duration, seed, threads, bool(progress)))

    def __reduce__(self) -> Tuple[Any, Tuple[str, str, str]]:
        # Pickled as its text (overrides applied), so a Model can be sent to worker
        # processes (multiprocessing, concurrent.futures) for parameter sweeps.
        return (_from_text, (self.toml, self.name, self._inner.file))

    def __repr__(self) -> str:
        return repr(self._inner)


def _from_text(text: str, name: str, file: str) -> Model:
    return Model.from_str(text, name=name, file=file)
