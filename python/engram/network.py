"""Building a model in Python: :class:`Network`.

The builder writes the model file's TOML (:meth:`Network.to_toml`) and validates it
with the same parser as ``engram run``; nothing is checked or interpreted here. So
every key means what ``docs/model-file.md`` says it means, errors are the file
format's errors (raised as :class:`engram.ModelError`, with the line and column in
the generated text), and a network written in Python gives spike for spike the
same run as the same model written as a file.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Union

from . import _toml
from .model import Model, Overrides
from .result import Result


class Population:
    """A population added to a :class:`Network`; pass it to :meth:`Network.connect`.

    Attributes: ``name`` (str), ``n`` (number of neurons), ``model`` (neuron model name).
    """

    def __init__(self, name: str, n: int, model: str) -> None:
        self.name = name
        self.n = n
        self.model = model

    def __len__(self) -> int:
        return self.n

    def __repr__(self) -> str:
        return f"<engram.Population {self.name!r}: {self.n} {self.model}>"


PopulationRef = Union[Population, str]


def _name(p: PopulationRef, what: str) -> str:
    if isinstance(p, Population):
        return p.name
    if isinstance(p, str):
        return p
    raise TypeError(f"{what}: expected a Population or a population name, found {type(p).__name__}")


class Network:
    """A network built in Python, written as a model file and run by the engine.

    ``dt``, ``duration`` and ``seed`` are the keys of ``[simulation]``; ``name``
    names the model (and its summary). ``duration`` may be left out here and given
    to :meth:`run` instead.

    >>> net = Network(dt="0.1 ms", duration="100 ms", seed=1)
    >>> exc = net.population("exc", 80, model="lif", i_e="400 pA")
    >>> net.connect(exc, exc, rule="fixed_probability", p=0.1, weight="0.1 mV", delay="1 ms")
    'exc_exc'
    >>> result = net.run()
    """

    def __init__(
        self,
        dt: str = "0.1 ms",
        duration: Optional[str] = None,
        seed: int = 1,
        name: str = "network",
    ) -> None:
        self.name = name
        self.simulation: Dict[str, Any] = {"dt": dt, "seed": seed}
        if duration is not None:
            self.simulation["duration"] = duration
        self.populations: Dict[str, Dict[str, Any]] = {}
        self.projections: Dict[str, Dict[str, Any]] = {}
        self.record_table: Dict[str, Any] = {}
        self.state_records: List[Dict[str, Any]] = []
        self.weight_records: List[Dict[str, Any]] = []
        self.connectivity_records: List[Dict[str, Any]] = []

    def population(
        self,
        name: str,
        n: int,
        model: str,
        *,
        init: Optional[Dict[str, Any]] = None,
        poisson_input: Union[None, Dict[str, Any], Sequence[Dict[str, Any]]] = None,
        step_current: Optional[Dict[str, Any]] = None,
        **params: Any,
    ) -> Population:
        """Adds ``n`` neurons of ``model`` (``"lif"``, ``"lif_cond"``, ``"hh"``,
        ``"izhikevich"``, ``"adex"``, ``"poisson_generator"``, ``"spike_generator"``).

        ``params`` are the model's parameters as in the file (``tau_m="20 ms"``);
        ``init`` maps state variables to a quantity or a distribution dict
        (``{"v": {"dist": "uniform", "low": "-60 mV", "high": "-50 mV"}}``);
        ``poisson_input`` is a dict (or a list of dicts) with ``rate``, ``weight`` and
        optionally ``receptor``; ``step_current`` a dict with ``times`` and
        ``amplitudes``. Returns the :class:`Population` to connect.
        """
        if name in self.populations:
            raise ValueError(f"population {name!r} is already defined")
        table: Dict[str, Any] = {"n": n, "model": model, **params}
        if init is not None:
            table["init"] = dict(init)
        if poisson_input is not None:
            table["poisson_input"] = poisson_input if isinstance(poisson_input, dict) else list(poisson_input)
        if step_current is not None:
            table["step_current"] = step_current
        self.populations[name] = table
        return Population(name, n, model)

    def connect(
        self,
        source: PopulationRef,
        target: PopulationRef,
        *,
        rule: str,
        weight: Any,
        delay: Any = None,
        receptor: Optional[str] = None,
        name: Optional[str] = None,
        plasticity: Optional[Dict[str, Any]] = None,
        short_term: Optional[Dict[str, Any]] = None,
        structural: Optional[Dict[str, Any]] = None,
        **rule_args: Any,
    ) -> str:
        """Adds a projection from ``source`` to ``target`` and returns its name.

        ``rule`` is a connectivity rule (``"all_to_all"``, ``"one_to_one"``,
        ``"fixed_probability"`` with ``p``, ``"fixed_indegree"`` with ``indegree``,
        ``"fixed_outdegree"`` with ``outdegree``, ``"fixed_total_number"`` with ``n``,
        ``"from_file"`` with ``file``; ``autapses`` and ``multapses`` where the rule
        takes them). ``weight`` and ``delay`` are quantities or distribution dicts;
        ``receptor`` is ``"exc"`` or ``"inh"``. The name defaults to
        ``"SOURCE_TARGET"`` (numbered when taken).

        ``plasticity`` makes the weights change during the run: a dict naming the rule
        and its parameters, the file's ``plasticity`` table
        (``{"rule": "stdp_pair", "tau_plus": "20 ms", "A_plus": 0.01, "w_max": "1 nS"}``;
        rules: ``stdp_pair``, ``stdp_triplet``, ``istdp_vogels``,
        ``stp_tsodyks_markram``, ``stdp_dopamine``, ``oja``, ``bcm``, ``anti_hebbian``,
        ``synaptic_scaling``, see ``docs/plasticity.md``). ``short_term`` adds
        short-term plasticity beside it (``{"rule": "stp_tsodyks_markram", "U": 0.5}``),
        and ``structural`` prunes and regrows the synapses (``{"interval": "1 s",
        "prune_fraction": 0.1}``). :meth:`record_weights` follows the weights.
        """
        src, tgt = _name(source, "source"), _name(target, "target")
        if name is None:
            name = f"{src}_{tgt}"
            k = 2
            while name in self.projections:
                name = f"{src}_{tgt}_{k}"
                k += 1
        elif name in self.projections:
            raise ValueError(f"projection {name!r} is already defined")
        table: Dict[str, Any] = {"source": src, "target": tgt, "rule": rule, **rule_args, "weight": weight}
        if delay is not None:
            table["delay"] = delay
        if receptor is not None:
            table["receptor"] = receptor
        for key, value in (("plasticity", plasticity), ("short_term", short_term), ("structural", structural)):
            if value is not None:
                table[key] = value
        self.projections[name] = table
        return name

    def record_spikes(self, population: PopulationRef, ids: Union[str, Sequence[int]] = "all") -> None:
        """Records the spikes of ``ids`` (``"all"`` or a list of indices) of ``population``.

        Without any call every neuron of every population is recorded; once called,
        only the populations named in calls are (``[record] spikes`` in the file).
        """
        spikes = self.record_table.setdefault("spikes", {})
        spikes[_name(population, "population")] = ids

    def record_state(
        self,
        population: PopulationRef,
        vars: Union[str, Sequence[str]],
        ids: Optional[Sequence[int]] = None,
        every: Optional[str] = None,
    ) -> None:
        """Records state variables ``vars`` (such as ``["v"]``) of neurons ``ids``
        (default: neuron 0) of ``population``, every ``every`` (default: every step).
        """
        entry: Dict[str, Any] = {
            "population": _name(population, "population"),
            "vars": [vars] if isinstance(vars, str) else list(vars),
        }
        if ids is not None:
            entry["ids"] = ids
        if every is not None:
            entry["every"] = every
        self.state_records.append(entry)

    def record_weights(
        self,
        projection: str,
        *,
        times: Optional[Sequence[str]] = None,
        snapshot_every: Optional[str] = None,
        synapses: Optional[Sequence[Sequence[int]]] = None,
        sample: Optional[int] = None,
        every: Optional[str] = None,
    ) -> None:
        """Records the weights of the plastic ``projection`` (a name returned by
        :meth:`connect`), read back with :meth:`Result.weights` (``[[record.weights]]``).

        Snapshots of every weight are taken at ``times`` (such as ``["1 s", "2 s"]``)
        and every ``snapshot_every`` from t = 0, and always at the end. The weights of
        some synapses are traced every ``every`` (default ``"1 ms"``): either
        ``synapses``, ``[source, target]`` pairs that must exist, or ``sample``, that
        many existing synapses drawn from the run's seed (all when there are fewer).
        """
        entry: Dict[str, Any] = {"projection": projection}
        for key, value in (
            ("times", times),
            ("snapshot_every", snapshot_every),
            ("synapses", synapses),
            ("sample", sample),
            ("every", every),
        ):
            if value is not None:
                entry[key] = value
        self.weight_records.append(entry)

    def record_connectivity(self, projection: str) -> None:
        """Records the synapses of ``projection`` (a name returned by :meth:`connect`)
        at the end of the run, read back with :meth:`Result.connectivity`: sources,
        targets, weights and delays (``[[record.connectivity]]``)."""
        self.connectivity_records.append({"projection": projection})

    def rate_bin(self, width: str) -> None:
        """Sets the bin width of the population rates (``[record] rate_bin``)."""
        self.record_table["rate_bin"] = width

    def to_toml(self) -> str:
        """The model file of this network, as ``engram run`` would read it."""
        lines = [f"name = {_toml.string(self.name)}", "", "[simulation]"]
        lines += _table_lines(self.simulation, "simulation")
        for pname, table in self.populations.items():
            lines += ["", f"[populations.{_toml.key(pname)}]"]
            lines += _table_lines(table, f"populations.{pname}")
        for jname, table in self.projections.items():
            lines += ["", f"[projections.{_toml.key(jname)}]"]
            lines += _table_lines(table, f"projections.{jname}")
        if self.record_table:
            lines += ["", "[record]"] + _table_lines(self.record_table, "record")
        for entry in self.state_records:
            lines += ["", "[[record.state]]"] + _table_lines(entry, "record.state")
        for entry in self.weight_records:
            lines += ["", "[[record.weights]]"] + _table_lines(entry, "record.weights")
        for entry in self.connectivity_records:
            lines += ["", "[[record.connectivity]]"] + _table_lines(entry, "record.connectivity")
        return "\n".join(lines) + "\n"

    def model(self, set: Overrides = None) -> Model:
        """The validated :class:`Model`; raises :class:`engram.ModelError` if it is not valid.

        Error positions refer to the text of :meth:`to_toml`, whose file name in
        messages is ``<network NAME>``.
        """
        return Model.from_str(self.to_toml(), set=set, name=self.name, file=f"<network {self.name}>")

    def run(
        self,
        duration: Optional[str] = None,
        threads: Optional[int] = None,
        progress: bool = False,
        seed: Optional[int] = None,
    ) -> Result:
        """Validates and runs the network; see :meth:`Model.run`. ``duration`` may be
        given here when the network was made without one."""
        # Given as an override rather than to Model.run, so that a network made
        # without a duration validates.
        model = self.model(set=None if duration is None else {"simulation.duration": duration})
        return model.run(threads=threads, progress=progress, seed=seed)

    def __repr__(self) -> str:
        pops = ", ".join(f"{k} ({v['n']})" for k, v in self.populations.items())
        return f"<engram.Network {self.name!r}: {pops}>"


def _table_lines(table: Dict[str, Any], where: str) -> List[str]:
    return [f"{_toml.key(k)} = {_toml.value(v, f'{where}.{k}')}" for k, v in table.items()]
