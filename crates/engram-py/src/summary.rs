//! The fields of `summary.json`, as the command line writes them
//! (`engram-cli/src/output.rs`), as a Python dict. JSON's `null` is `None`.

use engram_model::Model;
use engram_sim::Network;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// A float, or None where JSON would have `null` (NaN: undefined).
fn number(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// Peak resident memory of this process (bytes), from the kernel's `VmHWM`.
fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The summary of a finished run of `model` on `net`.
pub fn summary<'py>(
    py: Python<'py>,
    model: &Model,
    net: &Network,
    threads: usize,
    run_s: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let rec = net.recordings();
    let duration = net.current_step() as f64 * model.dt;
    // `rate_hz` counts the spikes from `record.rates_from` on (step × dt ≥ rates_from).
    let from_step = (model.record.rates_from / model.dt).round() as usize;
    let window = duration - from_step as f64 * model.dt;
    let pops = PyDict::new(py);
    for (p, pop) in model.populations.iter().enumerate() {
        let spikes = rec.total_spikes(p);
        let in_window = rec.spikes_from(p, from_step) as usize;
        // Over the recorded neurons; `rate_hz` counts every neuron.
        let cv = match &rec.recorded[p] {
            Some(_) => engram_analysis::cv_isi(&rec.spikes[p].times, &rec.spikes[p].ids, pop.size),
            None => f64::NAN,
        };
        // Keys in alphabetical order, as serde_json writes summary.json.
        let d = PyDict::new(py);
        d.set_item("cv_isi", number(cv))?;
        d.set_item("model", pop.kind.name)?;
        d.set_item("n", pop.size)?;
        d.set_item("rate_hz", number(engram_analysis::mean_rate(in_window, pop.size, window)))?;
        d.set_item("spikes", spikes)?;
        pops.set_item(&pop.name, d)?;
    }
    let n_syn = net.n_synapses();
    let s = PyDict::new(py);
    s.set_item("build_s", net.build_seconds())?;
    s.set_item("bytes_per_synapse", (n_syn > 0).then(|| net.synapse_bytes() as f64 / n_syn as f64))?;
    s.set_item("dt_s", model.dt)?;
    s.set_item("duration_s", duration)?;
    s.set_item("engram_version", env!("CARGO_PKG_VERSION"))?;
    s.set_item("model", &model.name)?;
    s.set_item("n_neurons", model.n_neurons())?;
    s.set_item("n_synapses", n_syn)?;
    s.set_item("peak_rss_bytes", peak_rss_bytes())?;
    s.set_item("populations", pops)?;
    s.set_item("rates_from_s", model.record.rates_from)?;
    s.set_item("run_s", run_s)?;
    s.set_item("seed", model.seed)?;
    let counts = net.synapse_counts();
    if !counts.is_empty() {
        let structural = PyDict::new(py);
        for log in counts {
            let d = PyDict::new(py);
            d.set_item("grown", &log.grown)?;
            d.set_item("in_degree_max", &log.in_degree_max)?;
            d.set_item("in_degree_min", &log.in_degree_min)?;
            d.set_item("pruned", &log.pruned)?;
            d.set_item("synapses", &log.synapses)?;
            d.set_item("times_s", &log.times)?;
            structural.set_item(&model.projections[log.projection].name, d)?;
        }
        s.set_item("structural", structural)?;
    }
    s.set_item("synapse_bytes", net.synapse_bytes())?;
    s.set_item("threads", threads)?;
    Ok(s)
}
