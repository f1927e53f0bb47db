//! Running a network from Python: GIL released, Ctrl-C honoured, optional progress.
//!
//! The network is built and run on a scoped thread while the calling thread waits with the
//! GIL released, waking every 50 ms to let Python run its signal handlers
//! (`check_signals`). A KeyboardInterrupt there sets the engine's stop flag, which it
//! reads after every epoch, so the run ends within an epoch plus 50 ms and the
//! exception propagates with the interpreter in a normal state. Waiting on a channel
//! rather than sleeping means a finished run is noticed at once, so short runs pay
//! nothing for the polling.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use engram_model::Model;
use engram_sim::spin::Workers;
use engram_sim::{Network, SimError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::runtime_error;

/// How often the waiting thread checks for signals and redraws the progress line.
const POLL: Duration = Duration::from_millis(50);

/// Builds and runs `model` on `workers` workers; returns the recordings dict.
pub fn run<'py>(py: Python<'py>, model: &Model, workers: Workers, progress: bool) -> PyResult<Bound<'py, PyDict>> {
    let steps = model.steps();
    let (net, run_s) = drive(py, model, workers, steps, progress)?;
    crate::recordings::to_python(py, model, &net, net.workers(), run_s)
}

/// What the simulation thread hands back: the network after its run, and the
/// wall-clock seconds of the run alone (without the build).
type Outcome = Result<(Network, f64), SimError>;

/// Builds `model` and runs it for `steps` steps on a scoped thread, checking for
/// signals meanwhile. The build cannot be stopped part-way; a Ctrl-C during it stops
/// the run at its first epoch.
fn drive(py: Python<'_>, model: &Model, workers: Workers, steps: u64, progress: bool) -> PyResult<(Network, f64)> {
    let stop = AtomicBool::new(false);
    let done = AtomicU64::new(0);
    let mut bar = progress.then(|| Progress::new(steps));
    std::thread::scope(|scope| {
        let (tx, mut rx) = mpsc::channel::<Outcome>();
        let (stop, done) = (&stop, &done);
        scope.spawn(move || {
            let outcome = Network::build(model, workers).and_then(|mut net| {
                let started = Instant::now();
                let mut report = |d: u64, _: u64| done.store(d, Ordering::Relaxed);
                net.run(steps, &mut report, stop)?;
                Ok((net, started.elapsed().as_secs_f64()))
            });
            // The receiver is gone only if the waiting thread panicked; nothing to tell.
            let _ = tx.send(outcome);
        });
        loop {
            let (back, msg) = recv_polling(py, rx);
            rx = back;
            match msg {
                Ok(outcome) => {
                    if let Some(b) = &mut bar {
                        b.finish(py, done.load(Ordering::Relaxed));
                    }
                    return outcome.map_err(|e| runtime_error(py, e));
                }
                // The simulation thread panicked; the scope re-raises its panic on exit.
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(pyo3::exceptions::PyRuntimeError::new_err("the simulation thread panicked"))
                }
                Err(RecvTimeoutError::Timeout) => {}
            }
            if let Err(interrupt) = py.check_signals() {
                stop.store(true, Ordering::Relaxed);
                // Waits for the current epoch to end; the run's own result (Interrupted)
                // is replaced by the exception the signal handler raised.
                let _ = py.detach(move || rx.recv());
                if let Some(b) = &mut bar {
                    b.finish(py, done.load(Ordering::Relaxed));
                }
                return Err(interrupt);
            }
            if let Some(b) = &mut bar {
                b.draw(py, done.load(Ordering::Relaxed));
            }
        }
    })
}

/// A one-line progress report on `sys.stderr` (so it shows in Jupyter too), redrawn
/// at most every half second.
struct Progress {
    total: u64,
    started: Instant,
    last: Option<Instant>,
}

impl Progress {
    fn new(total: u64) -> Progress {
        Progress { total, started: Instant::now(), last: None }
    }

    fn draw(&mut self, py: Python<'_>, done: u64) {
        if self.last.is_some_and(|l| l.elapsed() < Duration::from_millis(500)) {
            return;
        }
        self.last = Some(Instant::now());
        let frac = if self.total == 0 { 1.0 } else { done as f64 / self.total as f64 };
        let width = 30;
        let filled = (frac * width as f64).round() as usize;
        let line = format!(
            "\rengram: [{}{}] {:>3.0}% of simulated time, {:.1} s",
            "#".repeat(filled),
            " ".repeat(width - filled.min(width)),
            frac * 100.0,
            self.started.elapsed().as_secs_f64()
        );
        write_stderr(py, &line);
    }

    fn finish(&mut self, py: Python<'_>, done: u64) {
        self.last = None;
        self.draw(py, done);
        write_stderr(py, "\n");
    }
}

pub(crate) fn write_stderr(py: Python<'_>, text: &str) {
    // Progress is a courtesy: a closed or replaced stderr must not fail the run.
    if let Ok(err) = py.import("sys").and_then(|s| s.getattr("stderr")) {
        let _ = err.call_method1("write", (text,));
        let _ = err.call_method0("flush");
    }
}

/// The thread count a caller asked for (every core when `None`; no more than the
/// machine's cores, see `engram_sim::spin::usable_threads`) and a rayon pool of that
/// many threads.
pub(crate) fn thread_pool(threads: Option<usize>) -> PyResult<(usize, rayon::ThreadPool)> {
    let threads = match threads {
        Some(0) => return Err(crate::errors::bad_argument("threads", "expected at least 1 thread, got 0")),
        Some(t) => engram_sim::spin::usable_threads(t),
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(format!("cannot start {threads} threads: {e}")))?;
    Ok((threads, pool))
}

/// Waits up to [`POLL`] for a message with the GIL released; hands the receiver back.
pub(crate) fn recv_polling<T: Send>(
    py: Python<'_>,
    rx: mpsc::Receiver<T>,
) -> (mpsc::Receiver<T>, Result<T, RecvTimeoutError>) {
    // `Receiver` is not `Sync`, so it moves into the GIL-free closure and back.
    py.detach(move || {
        let m = rx.recv_timeout(POLL);
        (rx, m)
    })
}
