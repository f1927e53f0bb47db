"""What bench/nest_cuba.py and nest_coba.py share: record every spike, simulate 1 s and
report build and run times, rates and peak RSS as one dict."""
import resource
import time


def simulate(nest, exc, inh, n, threads, started):
    """Records `exc + inh`, finishes the build begun at `started` (perf_counter), runs
    1,000 ms and returns the JSON fields of the benchmark."""
    everyone = exc + inh
    recorder = nest.Create("spike_recorder")
    nest.Connect(everyone, recorder)
    nest.Prepare()
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    nest.Run(1000.0)
    run_s = time.perf_counter() - started
    nest.Cleanup()
    senders = recorder.events["senders"]
    first_inh = inh[0].global_id
    return {
        "tool": f"nest {nest.__version__}",
        "n": n,
        "threads": threads,
        "n_synapses": nest.GetKernelStatus("num_connections") - n,
        "build_s": build_s,
        "run_s": run_s,
        "rate_exc_hz": int((senders < first_inh).sum()) / len(exc),
        "rate_inh_hz": int((senders >= first_inh).sum()) / len(inh),
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }
