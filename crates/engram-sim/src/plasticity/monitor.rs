//! Weight monitors: snapshots of every weight of a plastic projection at chosen times,
//! and traces of chosen synapses at a fixed interval.
//!
//! Samples are taken between epochs (every `min_delay`), at the first epoch boundary at
//! or after the requested time, and the recorded time is that boundary. They show the
//! weights after all spikes of the epochs before the previous one: the spikes of the
//! last epoch reach the synapses at the start of the next.

use engram_model::{Model, WeightRecord};

use super::Plastic;
use crate::connect::Csr;
use crate::error::SimError;
use crate::record::WeightTraces;

/// The schedule of one `[[record.weights]]` entry.
#[derive(Clone, Debug)]
pub struct WeightMonitor {
    /// Projection index.
    pub projection: usize,
    snapshot_steps: Vec<u64>,
    next_snapshot: usize,
    every: u64,
    next_sample: u64,
    /// CSR position of each traced synapse.
    positions: Vec<usize>,
}

impl WeightMonitor {
    /// The monitor of `rec` on the synapses `csr`, and its empty recording.
    pub fn new(rec: &WeightRecord, model: &Model, csr: &Csr) -> Result<(WeightMonitor, WeightTraces), SimError> {
        let positions = rec
            .synapses
            .iter()
            .map(|&(s, t)| {
                let (a, b) = (csr.row_ptr[s as usize], csr.row_ptr[s as usize + 1]);
                let row = &csr.targets[a..b];
                let k = row.partition_point(|&x| x < t);
                if row.get(k) == Some(&t) {
                    Ok(a + k)
                } else {
                    Err(SimError::NoSuchSynapse {
                        projection: model.projections[rec.projection].name.clone(),
                        pre: s,
                        post: t,
                    })
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        let monitor = WeightMonitor {
            projection: rec.projection,
            snapshot_steps: rec.times.iter().map(|t| (t / model.dt).round() as u64).collect(),
            next_snapshot: 0,
            every: ((rec.every / model.dt).round() as u64).max(1),
            next_sample: 0,
            positions,
        };
        let traces =
            WeightTraces { projection: rec.projection, synapses: rec.synapses.clone(), ..WeightTraces::default() };
        Ok((monitor, traces))
    }

    /// Takes the samples due at step `step` (an epoch boundary).
    pub fn sample(&mut self, step: u64, dt: f64, plastic: &Plastic, out: &mut WeightTraces) {
        while self.snapshot_steps.get(self.next_snapshot).is_some_and(|&s| s <= step) {
            self.next_snapshot += 1;
            if out.snapshot_times.last() != Some(&(step as f64 * dt)) {
                snapshot(step, dt, plastic, out);
            }
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

fn snapshot(step: u64, dt: f64, plastic: &Plastic, out: &mut WeightTraces) {
    let mut w = vec![0f32; plastic.weights.len()];
    plastic.weights.copy_to(&mut w);
    let unscale = (1.0 / plastic.scale) as f32;
    w.iter_mut().for_each(|x| *x *= unscale);
    out.snapshot_times.push(step as f64 * dt);
    out.snapshots.push(w);
}
