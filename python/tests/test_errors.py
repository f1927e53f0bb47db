"""Errors reach Python as the right exception type with the CLI's message."""

from __future__ import annotations

import subprocess

import pytest

import engram

from conftest import ROOT, SMALL


def test_model_error_is_a_value_error_with_the_place(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text(SMALL.replace('tau_m = "20 ms"', 'tau_n = "20 ms"', 1))
    with pytest.raises(engram.ModelError) as info:
        engram.Model.from_toml(path)
    e = info.value
    assert isinstance(e, ValueError)
    assert (e.file, e.line, e.column, e.key) == (str(path), 14, 1, "populations.exc.tau_n")
    assert e.message == "unknown key `tau_n` (did you mean `tau_m`?)"
    assert str(e) == f"{path}:14:1: populations.exc.tau_n: unknown key `tau_n` (did you mean `tau_m`?)"


def test_model_error_text_is_the_cli_first_line(tmp_path, monkeypatch):
    engram_bin = ROOT / "target" / "release" / "engram"
    if not engram_bin.exists():
        pytest.skip("the engram binary is not built (cargo build --release)")
    (tmp_path / "m.toml").write_text(SMALL.replace('delay = "1 ms"', 'delay = "1.5"', 1))
    cli = subprocess.run([str(engram_bin), "check", "m.toml"], cwd=tmp_path, capture_output=True, text=True)
    assert cli.returncode == 2
    monkeypatch.chdir(tmp_path)
    with pytest.raises(engram.ModelError) as info:
        engram.Model.from_toml("m.toml")
    assert cli.stderr.splitlines()[0] == f"error: {info.value}"
    assert info.value.key == "projections.exc_inh.delay"


def test_a_wrong_unit_names_key_and_expectation():
    with pytest.raises(engram.ModelError) as info:
        engram.Model.from_str(SMALL.replace('tau_m = "20 ms"', 'tau_m = "20 mV"', 1), file="net.toml")
    assert str(info.value) == (
        'net.toml:14:9: populations.exc.tau_m: expected a time such as "20 ms", found "20 mV" (a voltage)'
    )
    assert info.value.line == 14 and info.value.column == 9


def test_an_unreadable_file_is_a_model_error_without_place(tmp_path):
    with pytest.raises(engram.ModelError, match="cannot read the model file") as info:
        engram.Model.from_toml(tmp_path / "missing.toml")
    assert info.value.line is None and info.value.column is None and info.value.key is None


def test_builder_errors_point_into_the_generated_text():
    net = engram.Network(duration="10 ms", name="n")
    net.population("p", 10, model="lif", tau_m=20)
    with pytest.raises(engram.ModelError) as info:
        net.model()
    e = info.value
    assert e.file == "<network n>"
    assert e.key == "populations.p.tau_m"
    assert e.message == 'expected a time such as "20 ms", found the bare number 20 without a unit'
    assert net.to_toml().splitlines()[e.line - 1] == "tau_m = 20"


def test_unknown_model_suggests_the_closest():
    net = engram.Network(duration="10 ms")
    net.population("p", 10, model="izhikevitch")
    with pytest.raises(engram.ModelError, match="izhikevich"):
        net.run()


def test_bad_overrides_are_model_errors(small):
    with pytest.raises(engram.ModelError, match="is not a table"):
        small.with_overrides(["populations.exc.n.x=3"])
    with pytest.raises(engram.ModelError, match="simulation.duration"):
        small.run(duration="20 mV")


def test_bad_arguments_are_value_or_type_errors(small):
    with pytest.raises(ValueError, match="threads: expected at least 1 thread, found 0"):
        small.run(threads=0)
    with pytest.raises(TypeError, match="duration"):
        small.run(duration=1.0)
    with pytest.raises(ValueError, match="seed"):
        small.run(seed=-1)
    result = small.run()
    with pytest.raises(ValueError, match="no such population"):
        result.spikes("nope")
    with pytest.raises(ValueError, match=r'bin: expected a time such as "20 ms", found "1 mV" \(a voltage\)'):
        result.rates(bin="1 mV")
    with pytest.raises(ValueError, match="state inh.v was not recorded"):
        result.state("inh", "v")
    with pytest.raises(TypeError, match="cannot write a set"):
        net = engram.Network()
        net.population("p", 1, model="lif", tau_m={"20 ms"})
        net.model()


def test_runtime_failures_are_runtime_errors():
    # A valid model whose 10^12 synapses cannot fit in any memory: the engine's
    # estimate refuses it before allocating anything.
    net = engram.Network(duration="10 ms")
    p = net.population("p", 1_000_000, model="lif")
    net.connect(p, p, rule="all_to_all", weight="1 mV")
    with pytest.raises(RuntimeError, match=r"needs about .* GiB of memory \(1000000000000 synapses\)"):
        net.run()


def test_invalid_toml_is_a_model_error_with_the_place():
    with pytest.raises(engram.ModelError, match=r"^m.toml:2:\d+: invalid TOML") as info:
        engram.Model.from_str('[simulation]\ndt = "0.1 ms\n', file="m.toml")
    assert info.value.line == 2 and info.value.key is None


def test_a_duration_between_steps_warns_and_a_shorter_one_is_refused():
    """Issue 25, item 1: rounded to whole steps with the CLI's note; shorter than dt refused."""
    with pytest.warns(UserWarning) as record:
        model = engram.Model.from_str(SMALL, set=['simulation.duration="0.25 ms"'])
    assert str(record[0].message) == (
        '--set simulation.duration="0.25 ms": simulation.duration: 0.25 ms is not a whole number of '
        "time steps of 0.1 ms; simulating 3 steps (0.3 ms)"
    )
    assert model.duration == pytest.approx(3e-4, rel=1e-12)
    with pytest.raises(engram.ModelError) as info:
        engram.Model.from_str(SMALL.replace('duration = "100 ms"', 'duration = "0.04 ms"'))
    assert info.value.message == "expected at least one time step (dt = 0.1 ms), found 0.04 ms"
