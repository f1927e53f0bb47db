"""The GIL is released while a network runs, so other Python threads go on."""

from __future__ import annotations

import threading
import time

import engram


def test_other_threads_run_during_a_simulation(cuba_path):
    model = engram.Model.from_toml(cuba_path)
    done = threading.Event()
    ticks = 0
    wall = []

    def simulate() -> None:
        start = time.perf_counter()
        model.run(duration="3 s", threads=1)
        wall.append(time.perf_counter() - start)
        done.set()

    worker = threading.Thread(target=simulate)
    worker.start()
    # Each wait gives up the GIL for at most a millisecond; if the run held the GIL
    # this thread would get to count only before and after it (two ticks at most),
    # however long the run. Released, it counts about once per millisecond of the run
    # (3 s of CUBA lasts tens of milliseconds at least), so a quarter of that is
    # asked for, whatever the machine's speed.
    while not done.wait(0.001):
        ticks += 1
    worker.join()
    assert ticks >= max(10, 0.25 * wall[0] * 1e3), (ticks, wall[0])
