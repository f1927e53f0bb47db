"""What a run recorded: :class:`Result`, with NumPy arrays in SI units."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from . import _engram


def _frozen(a: np.ndarray) -> np.ndarray:
    # The same arrays are handed out on every call; read-only keeps one caller's
    # edits from showing up in another's results.
    a.flags.writeable = False
    return a


class Result:
    """The recordings and summary of one run.

    Spike times and sample times are float64 seconds, neuron ids uint32 indices
    within their population, state values float64 in SI units (V, A, S) — the
    arrays of ``spikes.npz`` and ``state.npz``, read-only, and handed out without copying.
    """

    def __init__(self, data: Dict[str, Any]) -> None:
        self._sizes = {name: n for name, n, _ in data["populations"]}
        self._recorded = {k: v if v is None or isinstance(v, str) else _frozen(v) for k, v in data["recorded"].items()}
        self._spikes = {k: (_frozen(t), _frozen(i)) for k, (t, i) in data["spikes"].items()}
        self._counts = {k: _frozen(c) for k, c in data["counts"].items()}
        self._state = {
            (pop, var): (_frozen(t), _frozen(ids), _frozen(v)) for pop, var, t, ids, v in data["state"]
        }
        self._weights = {
            name: {
                "sources": _frozen(src),
                "targets": _frozen(tgt),
                "snapshot_times": _frozen(st),
                "snapshots": _frozen(snaps),
                "trace_times": _frozen(tt),
                "trace": _frozen(tr),
                "trace_synapses": _frozen(pairs),
            }
            for name, src, tgt, st, snaps, tt, tr, pairs in data["weights"]
        }
        self._connectivity = {
            name: {
                "sources": _frozen(src),
                "targets": _frozen(tgt),
                "weights": _frozen(w),
                "delays": _frozen(d),
                **({} if w0 is None else {"initial_weights": _frozen(w0)}),
            }
            for name, src, tgt, w, d, w0 in data["connectivity"]
        }
        self._rate_bin: float = data["rate_bin"]
        #: Time step (s).
        self.dt: float = data["dt"]
        #: Simulated time (s).
        self.duration: float = data["duration"]
        #: The fields of ``summary.json``: ``model``, ``engram_version``, ``duration_s``,
        #: ``rates_from_s``, ``dt_s``, ``seed``, ``threads``, ``n_neurons``,
        #: ``n_synapses``, ``synapse_bytes``, ``bytes_per_synapse``, ``build_s``,
        #: ``run_s``, ``peak_rss_bytes`` and ``populations`` (name → ``n``, ``model``,
        #: ``spikes``, ``rate_hz`` from ``rates_from_s`` on, ``cv_isi``), and with structural projections ``structural``
        #: (name → ``times_s``, ``synapses``, ``pruned``, ``grown``, ``in_degree_min``,
        #: ``in_degree_max``, one entry at the start and after each rewiring); JSON's
        #: null is None.
        self.summary: Dict[str, Any] = data["summary"]

    def weights(self, projection: str) -> Dict[str, np.ndarray]:
        """Recorded weights of the plastic ``projection`` (``[[record.weights]]``), the
        arrays of ``weights.npz``: ``sources`` and ``targets`` (uint32 ``[n_synapses]``,
        the synapse of each snapshot column, by source then target),
        ``snapshot_times`` (float64 s), ``snapshots`` (float32 ``[n_snapshots,
        n_synapses]``, SI), ``trace_times`` (float64 s), ``trace`` (float64 ``[n_times,
        n_traced]``, SI) and ``trace_synapses`` (uint32 ``[n_traced, 2]``, the source and
        target of each trace column)."""
        if projection not in self._weights:
            known = ", ".join(self._weights) or "none"
            raise ValueError(f"projection {projection!r}: its weights were not recorded (recorded: {known})")
        return self._weights[projection]

    def connectivity(self, projection: str) -> Dict[str, np.ndarray]:
        """The synapses of ``projection`` at the end of the run
        (``[[record.connectivity]]``, :meth:`Network.record_connectivity`), the arrays
        of ``connectivity_PROJ.npz``: ``sources`` and ``targets`` (uint32, indices within
        their populations, by source then target; Brian2's ``S.i``, ``S.j``),
        ``weights`` (float64, SI: V, A or S as the projection's ``weight``; for a plastic
        projection the weights at the end), ``delays`` (float64 s), and for a projection
        with ``plasticity`` (not structural) ``initial_weights`` (float64, SI)."""
        if projection not in self._connectivity:
            known = ", ".join(self._connectivity) or "none"
            raise ValueError(f"projection {projection!r}: its connectivity was not recorded (recorded: {known})")
        return self._connectivity[projection]

    @property
    def populations(self) -> List[str]:
        """Names of all populations, in model order."""
        return list(self._sizes)

    @property
    def recorded(self) -> List[str]:
        """Names of the populations whose spikes were recorded."""
        return list(self._spikes)

    def _population(self, population: str) -> str:
        if population not in self._sizes:
            known = ", ".join(self._sizes)
            raise ValueError(f"population {population!r}: no such population (known: {known})")
        return population

    def spikes(self, population: str) -> Tuple[np.ndarray, np.ndarray]:
        """``(times, ids)`` of the recorded spikes of ``population``, in time order:
        float64 seconds and uint32 neuron indices."""
        if self._population(population) not in self._spikes:
            raise ValueError(f"population {population!r}: its spikes were not recorded")
        return self._spikes[population]

    def recorded_ids(self, population: str) -> Optional[np.ndarray]:
        """The neurons of ``population`` whose spikes were recorded: None when all
        were, else their indices (uint32). Raises ValueError when none were."""
        which = self._recorded[self._population(population)]
        if which is None:
            raise ValueError(f"population {population!r}: its spikes were not recorded")
        return None if isinstance(which, str) else which

    def spike_counts(self, population: str) -> np.ndarray:
        """Spikes of all neurons of ``population`` in each step (uint32, one per step),
        whether their spikes were recorded or not."""
        return self._counts[self._population(population)]

    def rates(self, bin: Optional[str] = None) -> Tuple[np.ndarray, Dict[str, np.ndarray]]:
        """Population rates of the recorded populations, as in ``rates.npz``.

        Returns ``(t, rates)``: ``t`` the left bin edges (s) and ``rates`` a dict from
        population name to its rate per neuron (Hz) in each bin. ``bin`` is the bin
        width (such as ``"5 ms"``; default: the model's ``record.rate_bin``); widths
        below ``dt`` become ``dt``.
        """
        width = self._rate_bin if bin is None else _engram.quantity(_str(bin, "bin"), "time", "bin")
        if width <= 0:
            raise ValueError(f"bin: expected a positive time, found {bin!r}")
        width = max(width, self.dt)
        t = np.zeros(0)
        out: Dict[str, np.ndarray] = {}
        for name, (times, _) in self._spikes.items():
            t, out[name] = _engram.rate_histogram(times, self._sizes[name], self.duration, width)
        if not out:
            t, _ = _engram.rate_histogram(np.zeros(0), 1, self.duration, width)
        return t, out

    def state(self, population: str, var: str) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(times, ids, values)`` of a recorded state variable: sample times (s),
        recorded neurons (uint32) and values of shape ``[len(times), len(ids)]`` (SI)."""
        key = (self._population(population), var)
        if key not in self._state:
            have = ", ".join(f"{p}.{v}" for p, v in self._state) or "none"
            raise ValueError(f"state {population}.{var} was not recorded (recorded: {have})")
        return self._state[key]

    def to_pandas(self) -> Any:
        """The recorded spikes as a pandas DataFrame with columns ``population``
        (categorical), ``time`` (s) and ``id``, sorted by time within each population.

        Raises ImportError when pandas is not installed.
        """
        try:
            import pandas as pd
        except ImportError as e:
            raise ImportError("Result.to_pandas needs pandas: pip install pandas") from e
        names = list(self._spikes)
        frames = [
            pd.DataFrame({"population": name, "time": t, "id": i}) for name, (t, i) in self._spikes.items()
        ]
        if not frames:
            df = pd.DataFrame({"population": [], "time": np.zeros(0), "id": np.zeros(0, np.uint32)})
        else:
            df = pd.concat(frames, ignore_index=True)
        df["population"] = pd.Categorical(df["population"], categories=names)
        return df

    def plot_raster(self, ax: Any = None, populations: Optional[List[str]] = None, **scatter: Any) -> Any:
        """Draws the spike raster of the recorded populations (stacked, each in its own
        colour) on the matplotlib axes ``ax`` (default: a new figure) and returns the
        axes. ``scatter`` is passed to ``ax.scatter`` (default ``s=1``).

        Raises ImportError when matplotlib is not installed.
        """
        try:
            import matplotlib.pyplot as plt
        except ImportError as e:
            raise ImportError("Result.plot_raster needs matplotlib: pip install matplotlib") from e
        if ax is None:
            _, ax = plt.subplots(figsize=(8, 4))
        scatter.setdefault("s", 1)
        offset = 0
        ticks = []
        for name in populations if populations is not None else self.recorded:
            t, i = self.spikes(name)
            ax.scatter(t, i.astype(np.int64) + offset, label=name, marker=".", linewidths=0, **scatter)
            ticks.append(offset + self._sizes[name] / 2)
            offset += self._sizes[name]
        ax.set_xlim(0, self.duration)
        ax.set_ylim(0, max(offset, 1))
        ax.set_xlabel("time (s)")
        ax.set_ylabel("neuron")
        ax.legend(loc="upper right", markerscale=8)
        return ax

    def __repr__(self) -> str:
        pops = ", ".join(
            f"{k}: {v['spikes']} spikes" for k, v in self.summary.get("populations", {}).items()
        )
        return f"<engram.Result {self.summary.get('model')!r}, {self.duration:g} s; {pops}>"


def _str(v: Any, name: str) -> str:
    if not isinstance(v, str):
        raise TypeError(f'{name}: expected a string with a unit such as "1 ms", found {type(v).__name__} {v!r}')
    return v
