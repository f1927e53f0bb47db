"""Ctrl-C stops a run quickly and leaves the interpreter usable."""

from __future__ import annotations

import _thread
import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

import engram

from conftest import ROOT

# CUBA for 1000 simulated seconds: minutes of work, so finishing within the timeouts
# below means the run was interrupted, not completed.
LONG = f"""
import signal
import engram
# As in an interactive interpreter, whatever SIGINT disposition the test runner had
# (a background job starts with SIGINT ignored).
signal.signal(signal.SIGINT, signal.default_int_handler)
model = engram.Model.from_toml({str(ROOT / "examples" / "cuba.toml")!r})
print("running", flush=True)
model.run(duration="1000 s", threads=1)
print("finished", flush=True)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is POSIX")
def test_sigint_stops_a_run_in_a_subprocess_with_keyboard_interrupt():
    child = subprocess.Popen(
        [sys.executable, "-c", LONG], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline() == "running\n"
        time.sleep(0.5)  # well inside the run
        child.send_signal(signal.SIGINT)
        # Generous: the run checks for signals every 50 ms and stops within an epoch.
        out, err = child.communicate(timeout=20)
    finally:
        child.kill()
    assert "finished" not in out
    assert err.rstrip().splitlines()[-1] == "KeyboardInterrupt"
    # An uncaught KeyboardInterrupt ends Python by SIGINT, as Ctrl-C would.
    assert child.returncode in (-signal.SIGINT, 128 + signal.SIGINT, 1)


@pytest.fixture(autouse=True)
def python_handles_sigint():
    """Python's own SIGINT handler, as in an interactive interpreter: a test runner
    started in the background inherits SIGINT ignored, and then neither a signal nor
    `_thread.interrupt_main` reaches Python."""
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals are handled on the main thread")
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_interrupt_in_process_leaves_the_interpreter_usable(cuba_path, small):
    model = engram.Model.from_toml(cuba_path)
    timer = threading.Timer(0.3, _thread.interrupt_main)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            model.run(duration="1000 s", threads=2)
    finally:
        timer.cancel()
    # The same models run again, with the same results as before the interrupt.
    a = small.run()
    b = small.run()
    assert len(a.spikes("exc")[0]) > 0
    np.testing.assert_array_equal(a.spikes("exc")[1], b.spikes("exc")[1])
    assert model.run(duration="10 ms").summary["duration_s"] == pytest.approx(0.01)


def test_signal_raised_from_another_thread_interrupts_too(cuba_path):
    model = engram.Model.from_toml(cuba_path)
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            model.run(duration="1000 s", threads=1)
    finally:
        timer.cancel()
