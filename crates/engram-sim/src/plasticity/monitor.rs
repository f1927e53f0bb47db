//! Weight monitors: snapshots of every weight of a plastic projection at chosen times
//! or at a fixed interval, and traces of chosen or sampled synapses at a fixed interval.
//!
//! Samples are taken between epochs (every `min_delay`), at the first epoch boundary at
//! or after the requested time, and the recorded time is that boundary. They show the
//! weights after all spikes of the epochs before the previous one: the spikes of the
//! last epoch reach the synapses at the start of the next.

use engram_model::{Model, ModelError, WeightRecord};

use super::Plastic;
use crate::connect::{self, Csr};
use crate::record::WeightTraces;
use crate::rng::{stream, Purpose};

/// The schedule of one `[[record.weights]]` entry.
#[derive(Clone, Debug)]
pub struct WeightMonitor {
    /// Projection index.
    pub projection: usize,
    snapshot_steps: Vec<u64>,
    next_snapshot: usize,
    /// Steps between periodic snapshots (`snapshot_every`); 0 for none.
    snapshot_every: u64,
    next_periodic: u64,
    every: u64,
    next_sample: u64,
    /// CSR position of each traced synapse.
    positions: Vec<usize>,
}

impl WeightMonitor {
    /// The monitor of `rec` on the synapses `csr`, and its empty recording. A listed
    /// synapse that `csr` lacks is an error at its place in the model file.
    pub fn new(rec: &WeightRecord, model: &Model, csr: &Csr) -> Result<(WeightMonitor, WeightTraces), Box<ModelError>> {
        let (positions, synapses) = if rec.sample > 0 {
            let positions = sample_synapses(csr, rec.sample, model.seed, rec.projection);
            let pairs = positions.iter().map(|&k| (source_of(csr, k), csr.targets[k])).collect();
            (positions, pairs)
        } else {
            (listed_positions(rec, model, csr)?, rec.synapses.clone())
        };
        let steps = |t: f64| ((t / model.dt).round() as u64).max(1);
        let monitor = WeightMonitor {
            projection: rec.projection,
            snapshot_steps: rec.times.iter().map(|t| (t / model.dt).round() as u64).collect(),
            next_snapshot: 0,
            snapshot_every: rec.snapshot_every.map_or(0, steps),
            next_periodic: 0,
            every: steps(rec.every),
            next_sample: 0,
            positions,
        };
        let traces = WeightTraces { projection: rec.projection, synapses, ..WeightTraces::default() };
        Ok((monitor, traces))
    }

    /// Takes the samples due at step `step` (an epoch boundary).
    pub fn sample(&mut self, step: u64, dt: f64, plastic: &Plastic, out: &mut WeightTraces) {
        let mut due = false;
        while self.snapshot_steps.get(self.next_snapshot).is_some_and(|&s| s <= step) {
            self.next_snapshot += 1;
            due = true;
        }
        if self.snapshot_every > 0 && step >= self.next_periodic {
            due = true;
            while self.next_periodic <= step {
                self.next_periodic += self.snapshot_every;
            }
        }
        if due && out.snapshot_times.last() != Some(&(step as f64 * dt)) {
            snapshot(step, dt, plastic, out);
        }
        if !self.positions.is_empty() && step >= self.next_sample {
            out.trace_times.push(step as f64 * dt);
            let unscale = 1.0 / plastic.scale;
            out.trace_values.extend(self.positions.iter().map(|&k| plastic.weights.get(k) as f64 * unscale));
            while self.next_sample <= step {
                self.next_sample += self.every;
            }
        }
    }

    /// Takes the snapshot at the end of a run.
    pub fn finish(&mut self, step: u64, dt: f64, plastic: &Plastic, out: &mut WeightTraces) {
        if out.snapshot_times.last() != Some(&(step as f64 * dt)) {
            snapshot(step, dt, plastic, out);
        }
    }
}

/// Checks that every synapse listed by a weight monitor of `model` exists, drawing the
/// pairs of those projections alone (the rest of the network is not built): what
/// `engram check` does. The error points at the first missing pair.
pub fn check_listed_synapses(model: &Model) -> Result<(), Box<ModelError>> {
    for rec in model.record.weights.iter().filter(|r| !r.synapses.is_empty()) {
        listed_positions(rec, model, &connect::pairs_table(model, rec.projection))?;
    }
    Ok(())
}

/// The CSR positions of the synapses `rec` lists, or the error of the first missing one
/// (at its place in the model file when the record has it, as the parser's do).
fn listed_positions(rec: &WeightRecord, model: &Model, csr: &Csr) -> Result<Vec<usize>, Box<ModelError>> {
    let mut positions = Vec::with_capacity(rec.synapses.len());
    for (k, &(s, t)) in rec.synapses.iter().enumerate() {
        if let Some(position) = csr.position(s, t) {
            positions.push(position);
            continue;
        }
        let name = &model.projections[rec.projection].name;
        let message = format!(
            "projection \"{name}\" has no synapse from source {s} to target {t} in the connectivity of seed {}",
            model.seed
        );
        let err = match rec.synapse_places.get(k) {
            Some(place) => place.error(message),
            None => ModelError::whole_file(&model.name, format!("record.weights: {message}")),
        };
        return Err(Box::new(err.with_help(targets_hint(csr, s, name))));
    }
    Ok(positions)
}

/// What source `s` does connect to, and how to trace synapses that exist.
fn targets_hint(csr: &Csr, s: u32, name: &str) -> String {
    let row = csr.row(s);
    if row.is_empty() {
        return format!("source {s} has no synapse in \"{name}\"; `sample = N` traces N synapses that exist");
    }
    let shown: Vec<String> = row.iter().take(8).map(u32::to_string).collect();
    let more = if row.len() > shown.len() { ", …" } else { "" };
    let plural = if row.len() == 1 { "" } else { "s" };
    format!(
        "source {s} connects to {} target{plural}: {}{more}; `sample = N` traces N synapses that exist",
        row.len(),
        shown.join(", ")
    )
}

/// `n` distinct synapses of `csr` (all of them when it has fewer), drawn from the stream
/// of (seed, projection): their storage positions, ascending. The table does not
/// depend on the number of threads, nor does the stream, so neither does the sample.
pub fn sample_synapses(csr: &Csr, n: usize, seed: u64, projection: usize) -> Vec<usize> {
    let mut rng = stream(seed, Purpose::WeightSample, projection as u64, 0);
    let mut positions = rand::seq::index::sample(&mut rng, csr.len(), n.min(csr.len())).into_vec();
    positions.sort_unstable();
    positions
}

/// The source of the synapse at storage position `k`.
fn source_of(csr: &Csr, k: usize) -> u32 {
    (csr.row_ptr.partition_point(|&start| start <= k) - 1) as u32
}

fn snapshot(step: u64, dt: f64, plastic: &Plastic, out: &mut WeightTraces) {
    let mut w = vec![0f32; plastic.weights.len()];
    plastic.weights.copy_to(&mut w);
    let unscale = (1.0 / plastic.scale) as f32;
    w.iter_mut().for_each(|x| *x *= unscale);
    out.snapshot_times.push(step as f64 * dt);
    out.snapshots.push(w);
}
