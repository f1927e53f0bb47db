"""The GIL is released while a network runs, so other Python threads go on."""

from __future__ import annotations

import threading

import engram


def test_other_threads_run_during_a_simulation(cuba_path):
    model = engram.Model.from_toml(cuba_path)
    done = threading.Event()
    ticks = 0

    def simulate() -> None:
        model.run(duration="300 ms", threads=1)
        done.set()

    worker = threading.Thread(target=simulate)
    worker.start()
    # Each wait gives up the GIL for at most a millisecond; if the run held the GIL
    # this thread would get to count only before and after it (a few ticks at most),
    # while a 300 ms CUBA run lasts tens of milliseconds at least.
    while not done.wait(0.001):
        ticks += 1
    worker.join()
    assert ticks >= 10
