"""Shared part of bench/brainpy_cuba.py and bench/brainpy_coba.py: the thread settings
BrainPy needs before JAX is imported, the one-group network both benchmarks use (as in
Brian2's CUBA.py / COBA.py: one group P of N neurons, the first 80 % excitatory, each
source population projecting onto all of P with p = 80 / N), and the timed run.

The network is built the way BrainPy's own EI-network examples and benchmarks build it
(brainpy/BrainPy examples, `EINet` with `bp.dyn.ProjAlignPostMg1`): `bp.dyn.LifRef`
neurons, `bp.dnn.EventCSRLinear` (event-driven CSR matrix-vector product, brainevent's
numba kernels on CPU) over a stored connectivity, `bp.dyn.Expon` synapses aligned to the
post-synaptic group, and a `bp.dyn.CUBA` or `bp.dyn.COBA` output.

The connectivity is drawn here, not by `bp.conn.FixedProb`: that connector gives every
source exactly round(p N) targets (a fixed out-degree, not a Bernoulli draw per pair) and
draws them with an O(N) choice per source, minutes at N = 100,000. `bernoulli_csr` draws
each pair independently with probability p, the rule of Brian2's `connect(p=...)` and
engram's `fixed_probability`, and hands BrainPy the CSR arrays via `bp.conn.CSRConn`.
The loop is `bm.for_loop` inside `bm.jit`, in chunks of equal length so that XLA compiles
once; the first chunk is run on a copy of the state to separate compilation from the run.
"""
import os
import sys

CHUNK_STEPS = 1000  # 100 ms of the 1 s run per jitted call


def configure_threads(threads):
    """Limits XLA's and numba's thread pools; must run before JAX is imported."""
    if threads == 1:
        os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                                   " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
    os.environ["NUMBA_NUM_THREADS"] = str(threads)


def parse_args():
    """`N THREADS [SEED]` from the command line (N and THREADS as the Brian2 scripts take
    them; SEED, default 1, seeds the connectivity and the initial state)."""
    n, threads = int(sys.argv[1]), int(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    configure_threads(threads)
    return n, threads, seed


def bernoulli_csr(n_pre, n_post, p, rng):
    """CSR indices and row pointers of an n_pre x n_post matrix whose entries are present
    independently with probability p (self-pairs included, as in Brian2).

    The gaps between present entries of the row-major flattened matrix are geometric with
    parameter p, so their running sum enumerates the present entries in order."""
    import numpy as np

    total = n_pre * n_post
    expected = total * p
    flat = np.empty(0, dtype=np.int64)
    while flat.size == 0 or flat[-1] < total:
        # Draw a margin of 10 standard deviations at once; redraw the rest if short.
        more = int(expected + 10 * np.sqrt(expected) + 100)
        start = flat[-1] if flat.size else -1
        flat = np.concatenate([flat, start + np.cumsum(rng.geometric(p, size=more))])
    flat = flat[flat < total]
    rows, cols = np.divmod(flat, n_post)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n_pre))])
    return cols.astype(np.int32), indptr.astype(np.int32)


def build_network(n, neuron_params, exc, inh, seed=1):
    """One `LifRef` group of `n` neurons with an excitatory and an inhibitory projection
    from its first 80 % and last 20 % onto all of it, each `(weight, tau_syn, out)`.

    Spikes of step t reach the synapses at step t + 1, engram's shortest delay."""
    import brainevent.config
    import brainpy as bp
    import brainpy.math as bm

    # The numba kernels are brainevent's CPU default; named here so that a change of
    # default cannot silently swap in a dense fallback.
    brainevent.config.set_backend("cpu", "numba")
    import numpy as np

    n_exc = int(0.8 * n)
    p = 80.0 / n
    rng = np.random.default_rng(seed)

    class EINet(bp.DynSysGroup):
        def __init__(self):
            super().__init__()
            self.n_exc = n_exc
            self.N = bp.dyn.LifRef(n, **neuron_params)

            def projection(n_pre, weight, tau, out):
                indices, indptr = bernoulli_csr(n_pre, n, p, rng)
                conn = bp.conn.CSRConn(indices, indptr, pre=n_pre, post=n)
                return bp.dyn.ProjAlignPostMg1(comm=bp.dnn.EventCSRLinear(conn, weight),
                                               syn=bp.dyn.Expon.desc(n, tau=tau), out=out, post=self.N)

            self.E = projection(n_exc, *exc)
            self.I = projection(n - n_exc, *inh)

        def update(self):
            spikes = self.N.spike.value  # the previous step's spikes
            self.E(spikes[:self.n_exc])
            self.I(spikes[self.n_exc:])
            self.N()
            fired = self.N.spike.value
            return fired[:self.n_exc].sum(), fired[self.n_exc:].sum()

    bm.random.seed(seed)
    return EINet()


def n_synapses(net):
    """Stored synapses of both projections."""
    return int(net.E.comm.indices.size + net.I.comm.indices.size)


def run(net, steps):
    """Runs `steps` steps of 0.1 ms; returns (compile_s, run_s, exc spikes, inh spikes).

    compile_s is the first call's wall time less one chunk's run time: tracing and XLA
    compilation. That call runs on a copy of the state, which is restored afterwards so
    the timed run starts from the initial conditions."""
    import time

    import brainpy.math as bm
    import numpy as np

    @bm.jit
    def run_chunk(indices):
        return bm.for_loop(net.step_run, indices)

    state = net.vars().unique()
    initial = {key: var.value for key, var in state.items()}
    started = time.perf_counter()
    np.asarray(run_chunk(np.arange(CHUNK_STEPS))[0])
    first_call = time.perf_counter() - started
    for key, var in state.items():
        var.value = initial[key]

    exc, inh = 0, 0
    started = time.perf_counter()
    for first in range(0, steps, CHUNK_STEPS):
        counts = run_chunk(np.arange(first, first + CHUNK_STEPS))
        exc += int(np.asarray(counts[0]).sum())
        inh += int(np.asarray(counts[1]).sum())
    run_s = time.perf_counter() - started
    return max(first_call - run_s * CHUNK_STEPS / steps, 0.0), run_s, exc, inh


def report(net, n, threads, setup_s, compile_s, run_s, exc, inh):
    """Prints the JSON line of the Brian2 scripts, with compile_s besides."""
    import json
    import resource

    import brainpy

    n_exc = int(0.8 * n)
    print(json.dumps({
        "tool": f"brainpy {brainpy.__version__}",
        "n": n,
        "threads": threads,
        "n_synapses": n_synapses(net),
        "run_s": run_s,
        "setup_s": setup_s,
        "compile_s": compile_s,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "rate_exc_hz": exc / n_exc,
        "rate_inh_hz": inh / (n - n_exc),
    }))
