//! Results as NumPy archives (`.npz`, read with `numpy.load`), stored uncompressed as
//! `numpy.savez` does: deflate took as long as simulating the 100,000-neuron CUBA network.
//!
//! All arrays are in SI units. Population and variable names become part of the keys,
//! so a file holds any number of populations without a separate index.
//!
//! **Spikes** ([`write_spikes_npz`]), per population `pop`:
//! * `{pop}_times` — float64, shape `[n_spikes]`, spike times in seconds, ascending;
//! * `{pop}_ids` — uint32, shape `[n_spikes]`, the spiking neuron's 0-based index within
//!   its population.
//!
//! Population sizes are not stored here (they belong in `summary.json`).
//!
//! **State** ([`write_state_npz`]), per recorded population `pop` and variable `var`:
//! * `{pop}_{var}` — float64, shape `[n_times, n_ids]`, values in SI units;
//! * `{pop}_{var}_times` — float64, shape `[n_times]`, sample times in seconds;
//! * `{pop}_{var}_ids` — uint32, shape `[n_ids]`, the recorded neurons (column order).
//!
//! **Weights** ([`write_weights_npz`]), per monitored plastic projection `proj`:
//! * `{proj}_sources`, `{proj}_targets` — uint32, shape `[n_synapses]`, each synapse's
//!   source and target (indices within their populations), in storage order;
//! * `{proj}_snapshots` — float32, shape `[n_snapshots, n_synapses]`, weights in SI
//!   units (V, A or S) at `{proj}_snapshot_times` (float64, seconds);
//! * `{proj}_trace` — float64, shape `[n_times, n_traced]`, the traced synapses'
//!   weights at `{proj}_trace_times` (float64, seconds); `{proj}_trace_synapses` —
//!   uint32, shape `[n_traced, 2]`, their (source, target) pairs.
//!
//! **Connectivity** ([`write_connectivity_npz`]), one archive per projection, the
//! arrays `from_file` reads (so the archive is a model's connectome with `weight = "1 V"`
//! (or A, S) and `delay = "1 s"`):
//! * `sources`, `targets` — uint32, shape `[n_synapses]`, indices within their
//!   populations, by source, then target;
//! * `weights` — float64, `[n_synapses]`, SI (V, A or S); `delays` — float64, seconds;
//! * `initial_weights` — float64, `[n_synapses]`, SI, for plastic projections only.
//!
//! **Rates** ([`write_rates_npz`]):
//! * `t` — float64, shape `[n_bins]`, bin left edges in seconds;
//! * `{pop}_rate` — float64, shape `[n_bins]`, population rate per neuron in Hz (see
//!   [`engram_analysis::rate_histogram`]).

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use ndarray::{ArrayBase, ArrayView1, ArrayView2, Data, Dimension};
use ndarray_npy::{NpzWriter, WritableElement};

use crate::IoError;

/// Spikes of one population (times in s, sorted ascending; ids local to the population).
#[derive(Clone, Copy, Debug)]
pub struct PopulationSpikes<'a> {
    /// Population name, used as key prefix and plot label.
    pub name: &'a str,
    /// Number of neurons in the population.
    pub size: usize,
    /// How many of its neurons were recorded (rates are per recorded neuron); `size` when all.
    pub recorded: usize,
    /// Spike times in seconds, ascending.
    pub times: &'a [f64],
    /// Index within the population of the neuron that fired each spike.
    pub ids: &'a [u32],
}

/// Recorded trace of one state variable for some neurons.
#[derive(Clone, Debug, PartialEq)]
pub struct StateTrace {
    /// Population name.
    pub population: String,
    /// State variable name, e.g. `v`.
    pub var: String,
    /// SI unit symbol of `values`, e.g. `V`, `A`, `S`; used to pick the plot unit.
    pub unit: String,
    /// Recorded neurons (indices within the population), one column each.
    pub ids: Vec<u32>,
    /// Sample times in seconds, one row each.
    pub times: Vec<f64>,
    /// row-major [times.len() x ids.len()]
    pub values: Vec<f64>,
}

impl PopulationSpikes<'_> {
    /// Checks the invariants the writers and plots rely on, so bad input is reported
    /// against the file being written instead of producing a misleading file.
    pub(crate) fn validate(&self, path: &Path) -> Result<(), IoError> {
        if self.times.len() != self.ids.len() {
            return Err(IoError::invalid(
                path,
                format!("population '{}' has {} spike times but {} ids", self.name, self.times.len(), self.ids.len()),
            ));
        }
        if let Some(&id) = self.ids.iter().find(|&&id| id as usize >= self.size) {
            return Err(IoError::invalid(
                path,
                format!("population '{}' has {} neurons but a spike of neuron {id}", self.name, self.size),
            ));
        }
        Ok(())
    }
}

impl StateTrace {
    /// Checks that `values` fills the `[times x ids]` matrix exactly.
    pub(crate) fn validate(&self, path: &Path) -> Result<(), IoError> {
        let expected = self.times.len() * self.ids.len();
        if self.values.len() != expected {
            return Err(IoError::invalid(
                path,
                format!(
                    "trace {}.{} has {} values, expected {} times x {} ids = {expected}",
                    self.population,
                    self.var,
                    self.values.len(),
                    self.times.len(),
                    self.ids.len()
                ),
            ));
        }
        Ok(())
    }
}

/// An NPZ archive being written; refuses duplicate keys, which would otherwise surface
/// as an opaque zip error (or shadow each other in readers that tolerate them).
struct Archive<'p> {
    path: &'p Path,
    writer: NpzWriter<BufWriter<File>>,
    keys: HashSet<String>,
}

impl<'p> Archive<'p> {
    fn create(path: &'p Path) -> Result<Self, IoError> {
        let file = File::create(path).map_err(|e| IoError::fs("create", path, e))?;
        Ok(Archive { path, writer: NpzWriter::new(BufWriter::new(file)), keys: HashSet::new() })
    }

    fn add<S, D>(&mut self, key: String, array: &ArrayBase<S, D>) -> Result<(), IoError>
    where
        S: Data,
        S::Elem: WritableElement,
        D: Dimension,
    {
        if !self.keys.insert(key.clone()) {
            return Err(IoError::invalid(self.path, format!("two arrays would both be stored under the key '{key}'")));
        }
        self.writer.add_array(key.as_str(), array).map_err(|error| IoError::Npz {
            path: self.path.to_path_buf(),
            what: format!("array '{key}'"),
            error,
        })
    }

    fn finish(self) -> Result<(), IoError> {
        let mut inner = self.writer.finish().map_err(|error| IoError::Npz {
            path: self.path.to_path_buf(),
            what: "the archive directory".to_string(),
            error,
        })?;
        // BufWriter only reports a failed final write when flushed explicitly.
        inner.flush().map_err(|e| IoError::fs("write", self.path, e))
    }
}

/// Writes every population's spikes to an NPZ archive at `path`
/// (keys `{pop}_times`, `{pop}_ids`; see the [module docs](self)).
pub fn write_spikes_npz(path: &Path, pops: &[PopulationSpikes]) -> Result<(), IoError> {
    for pop in pops {
        pop.validate(path)?;
    }
    let mut npz = Archive::create(path)?;
    for pop in pops {
        npz.add(format!("{}_times", pop.name), &ArrayView1::from(pop.times))?;
        npz.add(format!("{}_ids", pop.name), &ArrayView1::from(pop.ids))?;
    }
    npz.finish()
}

/// Writes recorded state traces to an NPZ archive at `path`
/// (keys `{pop}_{var}`, `{pop}_{var}_times`, `{pop}_{var}_ids`; see the
/// [module docs](self)).
pub fn write_state_npz(path: &Path, traces: &[StateTrace]) -> Result<(), IoError> {
    for trace in traces {
        trace.validate(path)?;
    }
    let mut npz = Archive::create(path)?;
    for trace in traces {
        let key = format!("{}_{}", trace.population, trace.var);
        let shape = (trace.times.len(), trace.ids.len());
        let values = ArrayView2::from_shape(shape, &trace.values)
            .expect("validate() checked values.len() == times.len() * ids.len()");
        npz.add(key.clone(), &values)?;
        npz.add(format!("{key}_times"), &ArrayView1::from(&trace.times))?;
        npz.add(format!("{key}_ids"), &ArrayView1::from(&trace.ids))?;
    }
    npz.finish()
}

/// Recorded weights of one plastic projection (see the [module docs](self)).
#[derive(Clone, Copy, Debug)]
pub struct WeightRecording<'a> {
    /// Projection name, used as key prefix.
    pub name: &'a str,
    /// Source of each synapse, in storage order.
    pub sources: &'a [u32],
    /// Target of each synapse, in storage order.
    pub targets: &'a [u32],
    /// Snapshot times (s).
    pub snapshot_times: &'a [f64],
    /// Per snapshot, one weight per synapse (SI).
    pub snapshots: &'a [Vec<f32>],
    /// Traced synapses as (source, target).
    pub traced: &'a [(u32, u32)],
    /// Trace sample times (s).
    pub trace_times: &'a [f64],
    /// Row-major `[trace_times × traced]` weights (SI).
    pub trace_values: &'a [f64],
}

/// Writes weight snapshots and traces to an NPZ archive at `path`.
pub fn write_weights_npz(path: &Path, recs: &[WeightRecording]) -> Result<(), IoError> {
    for r in recs {
        let n = r.sources.len();
        if r.targets.len() != n
            || r.snapshots.len() != r.snapshot_times.len()
            || r.snapshots.iter().any(|s| s.len() != n)
            || r.trace_values.len() != r.trace_times.len() * r.traced.len()
        {
            return Err(IoError::invalid(path, format!("weights of `{}` have inconsistent lengths", r.name)));
        }
    }
    let mut npz = Archive::create(path)?;
    for r in recs {
        let n = r.sources.len();
        npz.add(format!("{}_sources", r.name), &ArrayView1::from(r.sources))?;
        npz.add(format!("{}_targets", r.name), &ArrayView1::from(r.targets))?;
        npz.add(format!("{}_snapshot_times", r.name), &ArrayView1::from(r.snapshot_times))?;
        let flat: Vec<f32> = r.snapshots.iter().flatten().copied().collect();
        let snaps = ArrayView2::from_shape((r.snapshots.len(), n), &flat).expect("lengths were checked");
        npz.add(format!("{}_snapshots", r.name), &snaps)?;
        npz.add(format!("{}_trace_times", r.name), &ArrayView1::from(r.trace_times))?;
        let trace = ArrayView2::from_shape((r.trace_times.len(), r.traced.len()), r.trace_values)
            .expect("lengths were checked");
        npz.add(format!("{}_trace", r.name), &trace)?;
        let pairs: Vec<u32> = r.traced.iter().flat_map(|&(s, t)| [s, t]).collect();
        let pairs = ArrayView2::from_shape((r.traced.len(), 2), &pairs).expect("two per pair");
        npz.add(format!("{}_trace_synapses", r.name), &pairs)?;
    }
    npz.finish()
}

/// The synapse table of one projection (see the [module docs](self)).
#[derive(Clone, Copy, Debug)]
pub struct ConnectivityTable<'a> {
    /// Source of each synapse.
    pub sources: &'a [u32],
    /// Target of each synapse.
    pub targets: &'a [u32],
    /// Weight of each synapse (SI).
    pub weights: &'a [f64],
    /// Delay of each synapse (s).
    pub delays: &'a [f64],
    /// Weights at the start of the run (SI), for plastic projections.
    pub initial_weights: Option<&'a [f64]>,
}

/// Writes a projection's synapse table to an NPZ archive at `path`.
pub fn write_connectivity_npz(path: &Path, table: &ConnectivityTable) -> Result<(), IoError> {
    let n = table.sources.len();
    let lengths = [table.targets.len(), table.weights.len(), table.delays.len()];
    if lengths.iter().chain(table.initial_weights.map(<[f64]>::len).as_ref()).any(|&l| l != n) {
        return Err(IoError::invalid(path, "the synapse table's arrays have different lengths"));
    }
    let mut npz = Archive::create(path)?;
    npz.add("sources".into(), &ArrayView1::from(table.sources))?;
    npz.add("targets".into(), &ArrayView1::from(table.targets))?;
    npz.add("weights".into(), &ArrayView1::from(table.weights))?;
    npz.add("delays".into(), &ArrayView1::from(table.delays))?;
    if let Some(w) = table.initial_weights {
        npz.add("initial_weights".into(), &ArrayView1::from(w))?;
    }
    npz.finish()
}

/// Writes population rate histograms (bin width `bin_s` over `[0, duration_s)`) to a
/// NPZ archive at `path` (keys `t`, `{pop}_rate`; see the
/// [module docs](self)).
pub fn write_rates_npz(path: &Path, bin_s: f64, pops: &[PopulationSpikes], duration_s: f64) -> Result<(), IoError> {
    if !(bin_s > 0.0 && bin_s.is_finite()) {
        return Err(IoError::invalid(
            path,
            format!("rate bin width must be a positive number of seconds, got {bin_s}"),
        ));
    }
    for pop in pops {
        pop.validate(path)?;
    }
    let mut npz = Archive::create(path)?;
    // Every population shares the same bins, so the edges are stored once as `t`.
    let (edges, _) = engram_analysis::rate_histogram(&[], 1, duration_s, bin_s);
    npz.add("t".to_string(), &ArrayView1::from(&edges))?;
    for pop in pops {
        let (_, rate) = engram_analysis::rate_histogram(pop.times, pop.recorded, duration_s, bin_s);
        npz.add(format!("{}_rate", pop.name), &ArrayView1::from(&rate))?;
    }
    npz.finish()
}
