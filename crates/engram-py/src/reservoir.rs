//! Reservoir computing from Python: `engram._engram.Esn`, an echo-state network with a
//! ridge readout that fits and runs on NumPy arrays as reservoirpy's `Reservoir >>
//! Ridge` does, and `run_reservoir_config`, which runs an `engram reservoir`
//! configuration file and returns its scores and series.
//!
//! Arrays are time-major, `(timesteps, features)`, as in reservoirpy. The network is
//! built on the first `fit` (or `run`/`states`), when the number of input features is
//! known; its state carries over from one call to the next, so `fit` on the training
//! series followed by `run` on the test series continues from the last training state.
//! The work runs with the GIL released.

// A configuration error carries the source text it quotes; it is made once per failed read.
#![allow(clippy::result_large_err)]

use std::path::PathBuf;
use std::sync::Arc;

use engram_reservoir::config::READOUTS;
use engram_reservoir::experiment::{run as run_experiment, Outcome};
use engram_reservoir::{
    load_config, run_lsm, train_intrinsic, DegreeRule, EsnParams, IpParams, OnlineKind, OnlineReadout, Readout, Ridge,
};
use faer::MatRef;
use ndarray::Array2;
use numpy::{PyArray1, PyArray2, PyReadonlyArray2};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::{bad_argument, model_error};

/// An echo-state network (leaky tanh reservoir, spectral radius set exactly) with a
/// ridge readout. See `docs/reservoir.md` for the model and `docs/python.md` for use.
#[pyclass(module = "engram._engram")]
pub struct Esn {
    params: EsnParams,
    ridge: f64,
    /// `None`: the ridge readout; otherwise the online rule.
    online: Option<OnlineKind>,
    esn: Option<engram_reservoir::Esn>,
    readout: Option<Readout>,
    /// The threads the network's work runs on, when the caller chose their number.
    pool: Option<Arc<rayon::ThreadPool>>,
    /// With feedback: the output fed back at the next step (the last target of `fit`,
    /// the last output of `run` or `generate`; zeros at first and after `reset`).
    last_output: Vec<f64>,
}

/// Runs `work` in `pool`, or on rayon's global pool (every core) without one.
fn within<T: Send>(pool: &Option<Arc<rayon::ThreadPool>>, work: impl FnOnce() -> T + Send) -> T {
    match pool {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

impl Esn {
    /// Whether the readout's output is fed back into the reservoir.
    fn feedback(&self) -> bool {
        self.params.feedback_scaling > 0.0
    }

    /// The reservoir, built for `inputs` features on first use (with feedback, by
    /// `fit`, which knows the number of `outputs` fed back).
    fn reservoir(&mut self, inputs: usize, outputs: Option<usize>, what: &str) -> PyResult<&mut engram_reservoir::Esn> {
        if let Some(esn) = &self.esn {
            let expected = esn.w_in.cols;
            if expected != inputs {
                return Err(bad_argument(
                    what,
                    format!("has {inputs} features per step, but this network was built for {expected}"),
                ));
            }
            if let (Some(k), Some(fb)) = (outputs, &esn.w_fb) {
                if k != fb.cols {
                    return Err(bad_argument("Y", format!("has {k} outputs, but this network feeds back {}", fb.cols)));
                }
            }
        } else if self.feedback() {
            let Some(k) = outputs else {
                return Err(PyRuntimeError::new_err(
                    "with feedback_scaling > 0 the network is built by fit(X, Y), which knows the outputs it feeds back",
                ));
            };
            self.last_output = vec![0.0; k];
        }
        let params = &self.params;
        Ok(self.esn.get_or_insert_with(|| engram_reservoir::Esn::new(params, inputs, outputs.unwrap_or(0))))
    }

    /// Runs the reservoir over `x` with the GIL released; states `N` per step.
    fn drive(&mut self, py: Python<'_>, x: &[f64], inputs: usize, what: &str) -> PyResult<Vec<f64>> {
        let pool = self.pool.clone();
        let esn = self.reservoir(inputs, None, what)?;
        Ok(py.detach(|| within(&pool, || esn.run(x, inputs, None))))
    }
}

/// Ok when `value` is finite and `ok`; otherwise an error naming the argument, what
/// was expected and what it got.
fn check(name: &str, value: f64, ok: bool, expected: &str) -> PyResult<()> {
    if ok && value.is_finite() {
        Ok(())
    } else {
        Err(bad_argument(name, format!("expected {expected}, got {value}")))
    }
}

/// [`check`] for a number in (0, 1].
fn fraction(name: &str, value: f64) -> PyResult<()> {
    check(name, value, value > 0.0 && value <= 1.0, "a number > 0 and ≤ 1")
}

/// A `(timesteps, features)` array as row-major values, or a clear error.
fn time_major(name: &str, a: &PyReadonlyArray2<'_, f64>) -> PyResult<(Vec<f64>, usize, usize)> {
    let (t, f) = a.as_array().dim();
    if t == 0 || f == 0 {
        return Err(bad_argument(name, format!("expected shape (timesteps, features) with both > 0, got ({t}, {f})")));
    }
    let values: Vec<f64> = a.as_array().iter().copied().collect();
    if values.iter().any(|v| !v.is_finite()) {
        return Err(bad_argument(name, "contains NaN or infinite values"));
    }
    Ok((values, t, f))
}

/// A row-major `t × n` array for Python.
fn array2<'py>(py: Python<'py>, values: Vec<f64>, t: usize, n: usize) -> Bound<'py, PyArray2<f64>> {
    PyArray2::from_owned_array(py, Array2::from_shape_vec((t, n), values).expect("t · n values"))
}

#[pymethods]
impl Esn {
    #[new]
    #[pyo3(signature = (
        units, spectral_radius = 0.9, leak_rate = 1.0, input_scaling = 1.0, input_connectivity = 0.1,
        connectivity = 0.1, bias_scaling = 0.0, ridge = 1e-6, seed = 1, connectivity_rule = "fixed_total_number",
        readout = "ridge", forgetting = 1.0, delta = 1e-2, alpha = 1.0, threads = None,
        feedback_scaling = 0.0, feedback_connectivity = 1.0
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        units: usize,
        spectral_radius: f64,
        leak_rate: f64,
        input_scaling: f64,
        input_connectivity: f64,
        connectivity: f64,
        bias_scaling: f64,
        ridge: f64,
        seed: u64,
        connectivity_rule: &str,
        readout: &str,
        forgetting: f64,
        delta: f64,
        alpha: f64,
        threads: Option<usize>,
        feedback_scaling: f64,
        feedback_connectivity: f64,
    ) -> PyResult<Esn> {
        if units == 0 {
            return Err(bad_argument("units", "expected at least 1 unit, got 0"));
        }
        check("spectral_radius", spectral_radius, spectral_radius >= 0.0, "a number ≥ 0")?;
        fraction("leak_rate", leak_rate)?;
        check("input_scaling", input_scaling, input_scaling >= 0.0, "a number ≥ 0")?;
        fraction("input_connectivity", input_connectivity)?;
        fraction("connectivity", connectivity)?;
        check("bias_scaling", bias_scaling, bias_scaling >= 0.0, "a number ≥ 0")?;
        check("ridge", ridge, ridge >= 0.0, "a number ≥ 0")?;
        check("feedback_scaling", feedback_scaling, feedback_scaling >= 0.0, "a number ≥ 0")?;
        fraction("feedback_connectivity", feedback_connectivity)?;
        // The readouts and their constants as in a configuration's [readout] table.
        let online = match readout {
            "ridge" => None,
            "rls" => {
                fraction("forgetting", forgetting)?;
                check("delta", delta, delta > 0.0, "a number > 0")?;
                Some(OnlineKind::Rls { forgetting, delta })
            }
            "force" => {
                check("alpha", alpha, alpha > 0.0, "a number > 0")?;
                Some(OnlineKind::Force { alpha })
            }
            other => {
                return Err(bad_argument(
                    "readout",
                    format!("expected one of {}, got \"{other}\"", READOUTS.join(", ")),
                ))
            }
        };
        let rule = DegreeRule::from_name(connectivity_rule).ok_or_else(|| {
            bad_argument(
                "connectivity_rule",
                format!("expected one of {}, got \"{connectivity_rule}\"", DegreeRule::NAMES.join(", ")),
            )
        })?;
        let params = EsnParams {
            units,
            spectral_radius,
            leak_rate,
            input_scaling,
            input_connectivity,
            connectivity,
            connectivity_rule: rule,
            bias_scaling,
            feedback_scaling,
            feedback_connectivity,
            seed,
        };
        // With a thread count, the network's steps and products run on that many
        // threads (at most the cores), so that networks in several Python threads do
        // not each take every core.
        let pool = match threads {
            None => None,
            Some(t) => Some(Arc::new(crate::run::thread_pool(Some(t))?.1)),
        };
        Ok(Esn { params, ridge, online, esn: None, readout: None, pool, last_output: Vec::new() })
    }

    /// Drives the reservoir over ``x`` (timesteps × features) from its current state,
    /// discards the first ``warmup`` states, and fits the readout from the others to
    /// ``y`` (timesteps × outputs): ridge in closed form, or RLS/FORCE updated after
    /// every step (FORCE on its own outputs as inputs after the warm-up, when the
    /// outputs are the next inputs).
    #[pyo3(signature = (x, y, warmup = 0))]
    fn fit(
        &mut self,
        py: Python<'_>,
        x: PyReadonlyArray2<'_, f64>,
        y: PyReadonlyArray2<'_, f64>,
        warmup: usize,
    ) -> PyResult<()> {
        let (xs, t, inputs) = time_major("X", &x)?;
        let (ys, ty, outputs) = time_major("Y", &y)?;
        if ty != t {
            return Err(bad_argument("Y", format!("has {ty} timesteps, but X has {t}")));
        }
        if warmup >= t {
            return Err(bad_argument(
                "warmup",
                format!("expected fewer warm-up steps than timesteps ({t}), got {warmup}"),
            ));
        }
        let n = self.params.units;
        let (pool, online, ridge) = (self.pool.clone(), self.online, self.ridge);
        self.reservoir(inputs, Some(outputs), "X")?;
        let last_output = self.last_output.clone();
        let esn = self.esn.as_mut().expect("built just above");
        let readout = match online {
            None => {
                // With feedback, teacher forcing: the output fed back at each step is
                // the target of the step before (the last output before the first).
                let teacher: Vec<f64> = match &esn.w_fb {
                    Some(_) => last_output.iter().chain(&ys[..(t - 1) * outputs]).copied().collect(),
                    None => Vec::new(),
                };
                let fed_back = (!teacher.is_empty()).then_some((teacher.as_slice(), outputs));
                let states = py.detach(|| within(&pool, || esn.run(&xs, inputs, fed_back)));
                let kept = t - warmup;
                Readout::Ridge(py.detach(|| {
                    within(&pool, || {
                        let s = MatRef::from_column_major_slice(&states[warmup * n..], n, kept);
                        let y = MatRef::from_row_major_slice(&ys[warmup * outputs..], kept, outputs);
                        Ridge::fit(s, y, ridge)
                    })
                }))
            }
            Some(kind) => {
                // Step by step, updating after every step from the end of the warm-up;
                // FORCE runs on its own output once the warm-up is over (when the
                // outputs are the next inputs), as `engram reservoir` does.
                let mut online = OnlineReadout::new(kind, n, outputs);
                py.detach(|| within(&pool, || online.train(esn, &xs, inputs, &ys, warmup, true)));
                Readout::Online(online)
            }
        };
        self.readout = Some(readout);
        self.last_output = ys[(t - 1) * outputs..].to_vec();
        Ok(())
    }

    /// Drives the reservoir over ``x`` from its current state and returns the readout's
    /// predictions, timesteps × outputs.
    fn run<'py>(&mut self, py: Python<'py>, x: PyReadonlyArray2<'_, f64>) -> PyResult<Bound<'py, PyArray2<f64>>> {
        if self.readout.is_none() {
            return Err(PyRuntimeError::new_err("run() needs a fitted readout: call fit(x, y) first"));
        }
        let (xs, t, inputs) = time_major("X", &x)?;
        let outputs = self.readout.as_ref().expect("checked above").outputs();
        if self.feedback() {
            // The readout's own output of each step is fed back at the next, so the
            // run goes one step at a time.
            self.reservoir(inputs, Some(outputs), "X")?;
            let mut y = self.last_output.clone();
            let (pool, esn) = (&self.pool, self.esn.as_mut().expect("built by fit"));
            let readout = self.readout.as_ref().expect("checked above");
            let values = py.detach(|| {
                within(pool, || {
                    let mut values = Vec::with_capacity(t * outputs);
                    for u in xs.chunks(inputs) {
                        let state = esn.step(u, &y).to_vec();
                        readout.predict_one(&state, &mut y);
                        values.extend_from_slice(&y);
                    }
                    values
                })
            });
            self.last_output = y;
            return Ok(array2(py, values, t, outputs));
        }
        let states = self.drive(py, &xs, inputs, "X")?;
        let n = self.params.units;
        let readout = self.readout.as_ref().expect("checked above");
        let values = py.detach(|| within(&self.pool, || readout.predict_all(&states, n, outputs)));
        Ok(array2(py, values, t, outputs))
    }

    /// Intrinsic plasticity (Schrauwen et al. 2008): drives the reservoir over ``x``
    /// ``epochs`` times while each unit adapts its gain and bias towards outputs
    /// distributed as N(``mean``, ``std``²) with learning rate ``eta``, then resets
    /// the state. Returns the mean over units of each unit's output standard deviation
    /// in the last pass. As ``[reservoir.intrinsic_plasticity]`` in a configuration.
    #[pyo3(signature = (x, eta = 5e-4, mean = 0.0, std = 0.2, epochs = 1))]
    fn train_intrinsic(
        &mut self,
        py: Python<'_>,
        x: PyReadonlyArray2<'_, f64>,
        eta: f64,
        mean: f64,
        std: f64,
        epochs: usize,
    ) -> PyResult<f64> {
        check("eta", eta, eta > 0.0, "a number > 0")?;
        check("mean", mean, mean > -1.0 && mean < 1.0, "a number in (-1, 1)")?;
        check("std", std, std > 0.0 && std <= 1.0, "a number > 0 and ≤ 1")?;
        if epochs == 0 {
            return Err(bad_argument("epochs", "expected at least 1 pass, got 0"));
        }
        let (xs, _, inputs) = time_major("X", &x)?;
        let pool = self.pool.clone();
        let esn = self.reservoir(inputs, None, "X")?;
        let params = IpParams { eta, mean, std, epochs };
        Ok(py.detach(|| within(&pool, || train_intrinsic(esn, &xs, inputs, &params))))
    }

    /// Closed-loop generation: from the current state, the readout's output becomes the
    /// next input, ``steps`` times; returns those ``steps`` outputs (steps × outputs),
    /// as reservoirpy's loop ``y = esn(y)`` started from the last output of ``run``.
    /// Needs a fitted readout with as many outputs as the network has inputs.
    fn generate<'py>(&mut self, py: Python<'py>, steps: usize) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let (Some(esn), Some(readout)) = (self.esn.as_mut(), self.readout.as_ref()) else {
            return Err(PyRuntimeError::new_err("generate() needs a fitted readout: call fit(x, y) first"));
        };
        let (inputs, outputs) = (esn.w_in.cols, readout.outputs());
        if inputs != outputs {
            return Err(bad_argument(
                "steps",
                format!(
                    "generate() feeds each output back as the next input, but the readout has {outputs} outputs \
                     and the network {inputs} inputs"
                ),
            ));
        }
        let pool = &self.pool;
        let values =
            py.detach(|| within(pool, || esn.generate(steps, inputs, outputs, true, |x, y| readout.predict_one(x, y))));
        if self.feedback() && steps > 0 {
            self.last_output = values[(steps - 1) * outputs..].to_vec();
        }
        Ok(array2(py, values, steps, outputs))
    }

    /// Drives the reservoir over ``x`` and returns its states, timesteps × units.
    fn states<'py>(&mut self, py: Python<'py>, x: PyReadonlyArray2<'_, f64>) -> PyResult<Bound<'py, PyArray2<f64>>> {
        if self.feedback() {
            return Err(PyRuntimeError::new_err(
                "states(X) has no outputs to feed back: use fit(X, Y) (the targets) or run(X) (its own outputs)",
            ));
        }
        let (xs, t, inputs) = time_major("X", &x)?;
        let states = self.drive(py, &xs, inputs, "X")?;
        Ok(array2(py, states, t, self.params.units))
    }

    /// Sets the reservoir's state back to zero (the weights and readout stay).
    fn reset(&mut self) {
        if let Some(esn) = &mut self.esn {
            esn.reset();
        }
        self.last_output.fill(0.0);
    }

    /// Number of reservoir units.
    #[getter]
    fn units(&self) -> usize {
        self.params.units
    }

    /// Whether the readout has been fitted.
    #[getter]
    fn fitted(&self) -> bool {
        self.readout.is_some()
    }

    /// The current state of the reservoir (zeros before the first use).
    #[getter]
    fn state<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        match &self.esn {
            Some(esn) => PyArray1::from_slice(py, &esn.state),
            None => PyArray1::from_vec(py, vec![0.0; self.params.units]),
        }
    }

    /// The recurrent weights `W` (units × units, dense; `W[i, j]` is the weight from
    /// unit `j` to unit `i`), or None before the network is built (first ``fit``,
    /// ``run`` or ``states``). As reservoirpy's ``Reservoir.W``.
    #[getter(W)]
    fn w<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyArray2<f64>>> {
        self.esn.as_ref().map(|e| array2(py, e.w.to_dense(), e.w.rows, e.w.cols))
    }

    /// The input weights `W_in` (units × input features), or None before the network
    /// is built. As reservoirpy's ``Reservoir.Win``.
    #[getter(W_in)]
    fn w_in<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyArray2<f64>>> {
        self.esn.as_ref().map(|e| array2(py, e.w_in.to_dense(), e.w_in.rows, e.w_in.cols))
    }

    /// The feedback weights `W_fb` (units × outputs), or None without feedback or
    /// before ``fit`` builds the network.
    #[getter(W_fb)]
    fn w_fb<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyArray2<f64>>> {
        let fb = self.esn.as_ref()?.w_fb.as_ref()?;
        Some(array2(py, fb.to_dense(), fb.rows, fb.cols))
    }

    /// The bias (units), or None before the network is built. As reservoirpy's
    /// ``Reservoir.bias``.
    #[getter]
    fn bias<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyArray1<f64>>> {
        self.esn.as_ref().map(|e| PyArray1::from_slice(py, &e.bias))
    }

    /// The readout's weights (units × outputs) and intercept (outputs), or None before
    /// ``fit``.
    #[getter]
    #[allow(clippy::type_complexity)]
    fn readout<'py>(&self, py: Python<'py>) -> Option<(Bound<'py, PyArray2<f64>>, Bound<'py, PyArray1<f64>>)> {
        self.readout.as_ref().map(|r| {
            let (w, c) = r.weights_and_intercept();
            (array2(py, w, self.params.units, c.len()), PyArray1::from_slice(py, &c))
        })
    }

    fn __repr__(&self) -> String {
        let p = &self.params;
        format!(
            "Esn(units={}, spectral_radius={}, leak_rate={}, input_scaling={}, {}, seed={}{}{})",
            p.units,
            p.spectral_radius,
            p.leak_rate,
            p.input_scaling,
            match self.online {
                None => format!("ridge={}", self.ridge),
                Some(OnlineKind::Rls { forgetting, delta }) => {
                    format!("readout=\"rls\", forgetting={forgetting}, delta={delta}")
                }
                Some(OnlineKind::Force { alpha }) => format!("readout=\"force\", alpha={alpha}"),
            },
            p.seed,
            if self.feedback() {
                format!(", feedback_scaling={}, feedback_connectivity={}", p.feedback_scaling, p.feedback_connectivity)
            } else {
                String::new()
            },
            if self.readout.is_some() { ", fitted" } else { "" }
        )
    }
}

/// Runs the `engram reservoir` configuration at `path` (after `set` overrides) on
/// `threads` threads and returns a dict: the scores (`nrmse`, `r2`, … or
/// `memory_capacity`), `fit_s`, `run_s`, `ridge`, and the arrays `input`, `target`,
/// `truth`, `prediction` (timesteps × dim); for a liquid also `rates`. A sweep is
/// refused: run it with the command line.
#[pyfunction]
#[pyo3(signature = (path, set = None, threads = None))]
pub fn run_reservoir_config<'py>(
    py: Python<'py>,
    path: PathBuf,
    set: Option<Vec<String>>,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let config = load_config(&path, &set.unwrap_or_default()).map_err(|e| model_error(py, e))?;
    if config.sweep.is_some() {
        return Err(PyValueError::new_err(format!(
            "{}: a [sweep] runs from the command line (engram reservoir), not from run_config",
            path.display()
        )));
    }
    let (threads, pool) = crate::run::thread_pool(threads)?;
    let (outcome, rates): (Outcome, Vec<engram_reservoir::PopulationRates>) = py
        .detach(|| {
            pool.install(|| match &config.liquid {
                Some(liquid) => run_lsm(&config.experiment, liquid, threads).map(|l| (l.outcome, l.rates)),
                None => Ok((run_experiment(&config.experiment), Vec::new())),
            })
        })
        .map_err(|e| crate::errors::runtime_error(py, e))?;
    let d = PyDict::new(py);
    d.set_item("name", &config.name)?;
    d.set_item("task", config.experiment.task.name())?;
    for (k, v) in &outcome.metrics {
        d.set_item(*k, v)?;
    }
    d.set_item("fit_s", outcome.fit_s)?;
    d.set_item("run_s", outcome.run_s)?;
    d.set_item("ridge", outcome.ridge)?;
    let (din, dout) = (outcome.input_dim, outcome.dim);
    let steps = |v: &[f64], dim: usize| v.len() / dim;
    d.set_item("input", array2(py, outcome.input.clone(), steps(&outcome.input, din), din))?;
    if outcome.per_delay.is_empty() {
        d.set_item("target", array2(py, outcome.target.clone(), steps(&outcome.target, dout), dout))?;
    } else {
        d.set_item("memory_per_delay", PyArray1::from_slice(py, &outcome.per_delay))?;
    }
    d.set_item("truth", array2(py, outcome.truth.clone(), steps(&outcome.truth, dout), dout))?;
    d.set_item("prediction", array2(py, outcome.prediction.clone(), steps(&outcome.prediction, dout), dout))?;
    if !rates.is_empty() {
        let r = PyDict::new(py);
        for p in &rates {
            let e = PyDict::new(py);
            e.set_item("target_hz", p.target)?;
            e.set_item("mean_hz", p.mean())?;
            e.set_item("fraction_within_10_percent", p.fraction_within_tolerance())?;
            e.set_item("neuron_rates_hz", PyArray1::from_slice(py, &p.neuron_rates))?;
            e.set_item("curve_hz", PyArray1::from_slice(py, &p.curve))?;
            r.set_item(&p.name, e)?;
        }
        d.set_item("rates", r)?;
    }
    Ok(d)
}
