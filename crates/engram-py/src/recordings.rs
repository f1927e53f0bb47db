//! A run's recordings as Python objects: NumPy arrays that own their buffers.
//!
//! The engine's recordings are copied once out of the network (which is dropped after
//! the run) and each vector then becomes the buffer of its NumPy array without another
//! copy. Spike times are float64 seconds and ids uint32, as in `spikes.npz`; state
//! traces are float64 `[n_times, n_ids]` in SI units, as in `state.npz`.

use engram_model::Model;
use engram_sim::{Network, Recordings};
use ndarray::Array2;
use numpy::{PyArray1, PyArray2, PyReadonlyArray1};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::errors::bad_argument;

/// The dict `engram.Result` is made from:
///
/// * ``populations``: list of ``(name, size, model)``;
/// * ``recorded``: name → None (spikes not recorded), ``"all"``, or a uint32 array of ids;
/// * ``spikes``: name → ``(times, ids)`` for recorded populations;
/// * ``counts``: name → uint32 array of the population's spikes in each step;
/// * ``state``: list of ``(population, var, times, ids, values)``;
/// * ``weights``: list of ``(projection, sources, targets, snapshot_times, snapshots,
///   trace_times, trace, trace_synapses)`` per ``[[record.weights]]`` (shapes as in
///   ``weights.npz``);
/// * ``connectivity``: list of ``(projection, sources, targets, weights, delays,
///   initial_weights or None)`` per ``[[record.connectivity]]`` (as in
///   ``connectivity_PROJ.npz``);
/// * ``summary``: the fields of ``summary.json``;
/// * ``dt``, ``duration``, ``rate_bin``: seconds.
pub fn to_python<'py>(
    py: Python<'py>,
    model: &Model,
    net: &Network,
    threads: usize,
    run_s: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    out.set_item("summary", crate::summary::summary(py, model, net, threads, run_s)?)?;
    let Recordings { spikes, recorded, counts_per_step, state, weights } = net.recordings().clone();
    let pops: Vec<(String, usize, &str)> =
        model.populations.iter().map(|p| (p.name.clone(), p.size, p.kind.name)).collect();
    out.set_item("populations", &pops)?;

    let rec = PyDict::new(py);
    let spk = PyDict::new(py);
    for ((pop, which), s) in model.populations.iter().zip(recorded).zip(spikes) {
        match which {
            None => rec.set_item(&pop.name, py.None())?,
            Some(None) => rec.set_item(&pop.name, "all")?,
            Some(Some(ids)) => rec.set_item(&pop.name, PyArray1::from_vec(py, ids))?,
        }
        if rec.get_item(&pop.name)?.is_some_and(|v| !v.is_none()) {
            spk.set_item(&pop.name, (PyArray1::from_vec(py, s.times), PyArray1::from_vec(py, s.ids)))?;
        }
    }
    out.set_item("recorded", rec)?;
    out.set_item("spikes", spk)?;

    let counts = PyDict::new(py);
    for (pop, c) in model.populations.iter().zip(counts_per_step) {
        counts.set_item(&pop.name, PyArray1::from_vec(py, c))?;
    }
    out.set_item("counts", counts)?;

    let traces = PyList::empty(py);
    for st in state {
        let pop = &model.populations[st.population].name;
        let shape = (st.times.len(), st.ids.len());
        for (var, values) in st.vars.iter().zip(st.values) {
            // The engine records times × ids values per variable; a mismatch is a bug.
            let values = Array2::from_shape_vec(shape, values)
                .map_err(|e| PyRuntimeError::new_err(format!("state {pop}.{var}: inconsistent trace: {e}")))?;
            traces.append((
                pop,
                var,
                PyArray1::from_slice(py, &st.times),
                PyArray1::from_slice(py, &st.ids),
                PyArray2::from_owned_array(py, values),
            ))?;
        }
    }
    out.set_item("state", traces)?;

    let recorded_weights = PyList::empty(py);
    for w in weights {
        let name = &model.projections[w.projection].name;
        let n = net.synapses(w.projection).len();
        let flat: Vec<f32> = w.snapshots.iter().flatten().copied().collect();
        let snapshots = Array2::from_shape_vec((w.snapshots.len(), n), flat)
            .map_err(|e| PyRuntimeError::new_err(format!("weights of {name}: inconsistent snapshots: {e}")))?;
        let trace = Array2::from_shape_vec((w.trace_times.len(), w.synapses.len()), w.trace_values)
            .map_err(|e| PyRuntimeError::new_err(format!("weights of {name}: inconsistent trace: {e}")))?;
        let pairs: Vec<u32> = w.synapses.iter().flat_map(|&(s, t)| [s, t]).collect();
        let pairs = Array2::from_shape_vec((w.synapses.len(), 2), pairs)
            .map_err(|e| PyRuntimeError::new_err(format!("weights of {name}: {e}")))?;
        let csr = net.synapses(w.projection);
        recorded_weights.append((
            name,
            PyArray1::from_vec(py, csr.sources()),
            PyArray1::from_slice(py, &csr.targets),
            PyArray1::from_vec(py, w.snapshot_times),
            PyArray2::from_owned_array(py, snapshots),
            PyArray1::from_vec(py, w.trace_times),
            PyArray2::from_owned_array(py, trace),
            PyArray2::from_owned_array(py, pairs),
        ))?;
    }
    out.set_item("weights", recorded_weights)?;

    let tables = PyList::empty(py);
    for &i in &model.record.connectivity {
        let c = net.connectivity(i);
        tables.append((
            &model.projections[i].name,
            PyArray1::from_vec(py, c.sources),
            PyArray1::from_vec(py, c.targets),
            PyArray1::from_vec(py, c.weights),
            PyArray1::from_vec(py, c.delays),
            c.initial_weights.map(|w| PyArray1::from_vec(py, w)),
        ))?;
    }
    out.set_item("connectivity", tables)?;
    out.set_item("dt", model.dt)?;
    out.set_item("duration", net.current_step() as f64 * model.dt)?;
    out.set_item("rate_bin", model.record.rate_bin)?;
    Ok(out)
}

/// A float64 NumPy array.
type Array<'py> = Bound<'py, PyArray1<f64>>;

/// `rate_histogram(times, n_neurons, duration, bin)`: population rate per neuron (Hz)
/// in bins of `bin` seconds over ``[0, duration)``, as written to ``rates.npz``.
/// Returns ``(left_edges, rates)``, both float64.
#[pyfunction]
pub fn rate_histogram<'py>(
    py: Python<'py>,
    times: PyReadonlyArray1<'py, f64>,
    n_neurons: usize,
    duration: f64,
    bin: f64,
) -> PyResult<(Array<'py>, Array<'py>)> {
    if !(bin > 0.0 && bin.is_finite()) {
        return Err(bad_argument("bin", format!("expected a positive time, found {bin} s")));
    }
    let (edges, rates) = engram_analysis::rate_histogram(times.as_slice()?, n_neurons, duration, bin);
    Ok((PyArray1::from_vec(py, edges), PyArray1::from_vec(py, rates)))
}
