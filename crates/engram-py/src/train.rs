//! `engram.train.run_config`: an `engram train` configuration trained from Python.
//!
//! Training runs on a scoped thread with the GIL released; the calling thread wakes
//! every 50 ms to run Python's signal handlers, as a simulation does (`run.rs`), so a
//! Ctrl-C ends training after the current batch and raises `KeyboardInterrupt`. The
//! result is a dict of the metrics `engram train` writes to `metrics.json` and the
//! trained parameters as NumPy arrays; the run directory, plots and the export stay
//! with the command line.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};

use engram_learn::train::{predictions, test_inputs, train, EpochReport, TrainOutcome};
use numpy::{PyArray1, PyArrayMethods};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::errors::model_error;
use crate::run::{recv_polling, thread_pool, write_stderr};

/// What the training thread tells the waiting one.
enum Message {
    Epoch(EpochReport),
    Done(Box<(TrainOutcome, engram_learn::Network<f32>, Vec<usize>)>),
}

/// Trains the `engram train` configuration at `path` (after `set` overrides) on
/// `threads` threads and returns a dict: `name`, `train_accuracy`, `test_accuracy`,
/// `epochs`, `samples_per_s`, `wall_s`, `interrupted`, `threads`, `seed`, `history`
/// (one dict per epoch), `test_labels` and `test_predictions` (the trained network's
/// classes), `params` (`"LAYER.PARAM"` → float32 array of the parameter's shape) and
/// `masks` (the same names → bool arrays, for sparse-masked matrices). Each epoch's
/// line goes to `sys.stderr` unless `quiet`.
#[pyfunction]
#[pyo3(signature = (path, set = None, threads = None, quiet = false))]
pub fn train_config<'py>(
    py: Python<'py>,
    path: PathBuf,
    set: Option<Vec<String>>,
    threads: Option<usize>,
    quiet: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let experiment = engram_learn::config::load(&path, &set.unwrap_or_default()).map_err(|e| model_error(py, e))?;
    let (threads, pool) = thread_pool(threads)?;
    let stop = AtomicBool::new(false);
    let cfg = experiment.training.clone();
    let epochs = cfg.epochs;
    let (outcome, net, predicted) = std::thread::scope(|scope| {
        let (tx, mut rx) = mpsc::channel::<Message>();
        let (stop, experiment, cfg, pool) = (&stop, &experiment, &cfg, &pool);
        scope.spawn(move || {
            let mut net = experiment.network.clone();
            let mut on_epoch = |r: &EpochReport| {
                let _ = tx.send(Message::Epoch(r.clone()));
            };
            let (outcome, predicted) = pool.install(|| {
                let o = train(
                    &mut net,
                    &experiment.train,
                    &experiment.test,
                    &experiment.encoding,
                    cfg,
                    &mut on_epoch,
                    &mut |_, _| {},
                    stop,
                );
                let inputs = test_inputs(&experiment.test, &experiment.encoding, cfg.seed);
                let p = predictions(&net, &inputs, cfg.shard_size, o.final_sigma);
                (o, p)
            });
            // The receiver is gone only if the waiting thread returned early; nothing to tell.
            let _ = tx.send(Message::Done(Box::new((outcome, net, predicted))));
        });
        let mut interrupt = None;
        loop {
            let (back, msg) = recv_polling(py, rx);
            rx = back;
            match msg {
                Ok(Message::Epoch(r)) if !quiet => write_stderr(py, &format!("{}\n", r.line(epochs))),
                Ok(Message::Epoch(_)) => {}
                Ok(Message::Done(done)) => {
                    return match interrupt {
                        Some(e) => Err(e),
                        None => Ok(*done),
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(PyRuntimeError::new_err("the training thread panicked"));
                }
                Err(RecvTimeoutError::Timeout) => {}
            }
            if interrupt.is_none() {
                if let Err(e) = py.check_signals() {
                    // Training stops after its current batch; the exception the signal
                    // handler raised replaces the result.
                    stop.store(true, Ordering::Relaxed);
                    interrupt = Some(e);
                }
            }
        }
    })?;

    let d = PyDict::new(py);
    d.set_item("name", &experiment.name)?;
    d.set_item("train_accuracy", outcome.train_accuracy)?;
    d.set_item("test_accuracy", outcome.test_accuracy)?;
    d.set_item("epochs", outcome.epochs)?;
    d.set_item("samples_per_s", outcome.samples_per_s)?;
    d.set_item("wall_s", outcome.wall_s)?;
    d.set_item("interrupted", outcome.interrupted)?;
    d.set_item("threads", threads)?;
    d.set_item("seed", cfg.seed)?;
    let history = PyList::empty(py);
    for r in &outcome.history {
        let e = PyDict::new(py);
        e.set_item("epoch", r.epoch)?;
        e.set_item("loss", r.loss)?;
        e.set_item("train_accuracy", r.train_accuracy)?;
        e.set_item("test_accuracy", r.test_accuracy)?;
        e.set_item("lr", r.lr)?;
        e.set_item("hidden_rate", r.hidden_rate)?;
        history.append(e)?;
    }
    d.set_item("history", history)?;
    d.set_item("test_labels", PyArray1::from_iter(py, experiment.test.labels.iter().map(|&l| l as i64)))?;
    d.set_item("test_predictions", PyArray1::from_iter(py, predicted.iter().map(|&l| l as i64)))?;
    let (params, masks) = (PyDict::new(py), PyDict::new(py));
    for layer in &net.layers {
        for p in layer.params() {
            let name = format!("{}.{}", layer.spec.name, p.name);
            params.set_item(&name, PyArray1::from_slice(py, &p.value).reshape(p.shape.clone())?)?;
            if let Some(mask) = &p.mask {
                masks.set_item(&name, PyArray1::from_slice(py, mask).reshape(p.shape.clone())?)?;
            }
        }
    }
    d.set_item("params", params)?;
    d.set_item("masks", masks)?;
    Ok(d)
}
