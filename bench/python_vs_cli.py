"""CUBA from Python beside the same run from the command line: the cost of the
Python package around the engine (issue 8 asks for at most 5 %).

Alternates `engram run examples/cuba.toml` and `engram.Model.from_toml(...).run()`
with the same threads and duration, and prints the median of each tool's own
simulation time (`run_s` of summary.json and of `Result.summary`), plus the Python
call's wall time (build, run and handing over the arrays). Needs the package
installed (`pip install ./python`) and `cargo build --release -p engram-cli`.

    python bench/python_vs_cli.py [REPEATS] [DURATION] [THREADS]    (default: 7 "5 s" 1)
"""

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import engram

root = Path(__file__).resolve().parents[1]
repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 7
duration = sys.argv[2] if len(sys.argv) > 2 else "5 s"
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 1
cuba = root / "examples" / "cuba.toml"
model = engram.Model.from_toml(cuba)

cli, py, py_wall = [], [], []
with tempfile.TemporaryDirectory() as tmp:
    for _ in range(repeats):
        out = Path(tmp) / "run"
        subprocess.run(
            [str(root / "target" / "release" / "engram"), "run", str(cuba), "-q", "-j", str(threads),
             "--duration", duration, "-o", str(out)],
            check=True,
        )  # fmt: skip
        cli.append(json.loads((out / "summary.json").read_text())["run_s"])
        start = time.perf_counter()
        result = model.run(duration=duration, threads=threads)
        py_wall.append(time.perf_counter() - start)
        py.append(result.summary["run_s"])

c, p, w = statistics.median(cli), statistics.median(py), statistics.median(py_wall)
print(f"CUBA, {duration}, {threads} thread(s), median of {repeats}:")
print(f"  engram run         run_s {c:.3f} s")
print(f"  engram (Python)    run_s {p:.3f} s ({100 * (p / c - 1):+.1f} %), whole call {w:.3f} s")
