//! Structural plasticity: every `interval` a projection loses its weakest synapses
//! ([`prune`]) and grows new ones ([`regrow`]: at random, or between neurons that
//! fired together, [`coactivity`]), with each target's in-degree kept within bounds.
//!
//! The synapse table stays CSR: a rewiring happens between epochs, after the spikes of
//! the last epoch have been delivered (so an STDP rule on the same projection has
//! applied every spike up to that step), and builds a new table from the kept synapses
//! and the new ones in one pass. Nothing happens per event, and a projection without
//! `structural` never enters this module.
//!
//! A rewiring runs on one thread with one random stream per (projection, rewiring), so
//! the result does not depend on the number of workers.

use engram_model::{Dist, Projection, Regrow, Rule, Structural};

use crate::connect::{draw, Csr, Delays};
use crate::rng::{stream, Purpose};

pub mod coactivity;
pub mod prune;
pub mod regrow;

use coactivity::SpikeHistory;
use prune::PruneRule;
use regrow::{Grow, Scorer};

/// The synapse count of a structural projection over a run, one entry per rewiring
/// (and one at the start).
#[derive(Clone, Debug, Default)]
pub struct SynapseCountLog {
    /// Projection index.
    pub projection: usize,
    /// Times (s) of the entries.
    pub times: Vec<f64>,
    /// Synapses after each rewiring.
    pub synapses: Vec<u64>,
    /// Synapses removed at each rewiring.
    pub pruned: Vec<u64>,
    /// Synapses created at each rewiring.
    pub grown: Vec<u64>,
    /// Smallest in-degree of a target after each rewiring.
    pub in_degree_min: Vec<u32>,
    /// Largest in-degree of a target after each rewiring.
    pub in_degree_max: Vec<u32>,
}

impl SynapseCountLog {
    fn push(&mut self, time: f64, degree: &[u32], pruned: usize, grown: usize) {
        self.times.push(time);
        self.synapses.push(degree.iter().map(|&d| d as u64).sum());
        self.pruned.push(pruned as u64);
        self.grown.push(grown as u64);
        self.in_degree_min.push(degree.iter().copied().min().unwrap_or(0));
        self.in_degree_max.push(degree.iter().copied().max().unwrap_or(0));
    }
}

/// The structural plasticity of one projection, in engine units and steps.
#[derive(Clone, Debug)]
pub struct Rewiring {
    projection: usize,
    source: usize,
    n_src: usize,
    n_tgt: usize,
    no_autapses: bool,
    interval: u64,
    prune: PruneRule,
    regrow: Regrow,
    new_weight: Dist,
    /// Factor from SI weights to engine units.
    scale: f64,
    delay: Dist,
    dt: f64,
    window: u64,
    candidates: u32,
    seed: u64,
    /// Rewirings done so far.
    done: u64,
    /// The synapse count over the run.
    pub log: SynapseCountLog,
}

impl Rewiring {
    /// The rewiring of projection `index` (`proj`, whose table is `csr`) from `n_src`
    /// onto `n_tgt` neurons; `None` when it has no `structural` table.
    #[allow(clippy::too_many_arguments)]
    pub fn build(
        index: usize,
        proj: &Projection,
        csr: &Csr,
        n_src: usize,
        n_tgt: usize,
        scale: f64,
        dt: f64,
        seed: u64,
    ) -> Option<Rewiring> {
        let s: &Structural = proj.structural.as_ref()?;
        let autapses = match &proj.rule {
            Rule::AllToAll { autapses }
            | Rule::FixedProbability { autapses, .. }
            | Rule::FixedIndegree { autapses, .. }
            | Rule::FixedOutdegree { autapses, .. }
            | Rule::FixedTotalNumber { autapses, .. } => *autapses,
            Rule::OneToOne => true,
            // Explicit synapses: regrowth may make autapses if the file has some.
            Rule::FromFile(file) => file.sources.iter().zip(&file.targets).any(|(s, t)| s == t),
        };
        let mut rewiring = Rewiring {
            projection: index,
            source: proj.source,
            n_src,
            n_tgt,
            no_autapses: proj.source == proj.target && !autapses,
            interval: ((s.interval / dt).round() as u64).max(1),
            prune: PruneRule {
                below: s.prune_below.map(|b| (b * scale) as f32),
                fraction: s.prune_fraction,
                min: s.in_degree.0,
                max: s.in_degree.1,
            },
            regrow: s.regrow,
            new_weight: s.new_weight.clone(),
            scale,
            delay: proj.delay.clone(),
            dt,
            window: (s.coactivity_window / dt).round() as u64,
            candidates: s.candidates,
            seed,
            done: 0,
            log: SynapseCountLog { projection: index, ..SynapseCountLog::default() },
        };
        rewiring.log.push(0.0, &in_degrees(csr, n_tgt), 0, 0);
        Some(rewiring)
    }

    /// The step of the next rewiring.
    pub fn next_step(&self) -> u64 {
        (self.done + 1) * self.interval
    }

    /// The step from which this projection's next rewiring reads spikes.
    pub fn window_start(&self) -> u64 {
        self.done * self.interval
    }

    /// Whether Hebbian regrowth needs the spikes of the source and target populations.
    pub fn needs_spikes(&self) -> bool {
        self.regrow == Regrow::Hebbian
    }

    /// The source population.
    pub fn source(&self) -> usize {
        self.source
    }

    /// Rewires at step `step` (its scheduled step): returns the new table made from
    /// `csr`, whose live weights are `weights`. `target` is the target population,
    /// `history` holds the spikes of the last interval, and new delays are kept within
    /// `delays` (the network's shortest and longest, in steps).
    pub fn rewire(
        &mut self,
        csr: &Csr,
        weights: &[f32],
        target: usize,
        history: &SpikeHistory,
        step: u64,
        delays: (u16, u16),
    ) -> Csr {
        let mut rng = stream(self.seed, Purpose::Structural, self.projection as u64, self.done);
        let mut degree = in_degrees(csr, self.n_tgt);
        let mut keep = vec![true; csr.len()];
        let pruned = prune::prune(&self.prune, &csr.targets, weights, &mut degree, &mut keep);
        let from = self.window_start();
        let trains = self
            .needs_spikes()
            .then(|| (history.trains(self.source, self.n_src, from), history.trains(target, self.n_tgt, from)));
        let grow = Grow {
            csr,
            n_src: self.n_src,
            no_autapses: self.no_autapses,
            min: self.prune.min,
            max: self.prune.max,
            scorer: trains.as_ref().map(|(pre, post)| Scorer { pre, post, window: self.window, span: step - from }),
            candidates: self.candidates,
        };
        let budget = if self.regrow == Regrow::None { 0 } else { pruned };
        let pairs = grow.grow(&mut degree, budget, &mut rng);
        let new: Vec<NewSynapse> = pairs
            .into_iter()
            .map(|(source, target)| {
                let weight = (draw(&self.new_weight, &mut rng) * self.scale) as f32;
                let delay = (draw(&self.delay, &mut rng) / self.dt).round().clamp(delays.0 as f64, delays.1 as f64);
                NewSynapse { source, target, weight, delay: delay as u16 }
            })
            .collect();
        self.done += 1;
        self.log.push(step as f64 * self.dt, &degree, pruned, new.len());
        rebuilt(csr, weights, &keep, new)
    }
}

/// A synapse a rewiring creates.
#[derive(Clone, Copy, Debug)]
struct NewSynapse {
    source: u32,
    target: u32,
    weight: f32,
    delay: u16,
}

/// The number of synapses onto each of `n_tgt` targets.
pub fn in_degrees(csr: &Csr, n_tgt: usize) -> Vec<u32> {
    let mut degree = vec![0u32; n_tgt];
    for &t in &csr.targets {
        degree[t as usize] += 1;
    }
    degree
}

/// The table holding the synapses of `csr` with `keep` set (weights `weights`) and
/// the `new` ones, rows by source and sorted by target as always.
fn rebuilt(csr: &Csr, weights: &[f32], keep: &[bool], mut new: Vec<NewSynapse>) -> Csr {
    new.sort_by_key(|n| (n.source, n.target));
    let n_src = csr.row_ptr.len() - 1;
    let kept = keep.iter().filter(|&&k| k).count();
    let total = kept + new.len();
    let per_synapse = match &csr.delays {
        Delays::PerSynapse(d) => Some(d),
        Delays::Const(_) => None,
    };
    let mut row_ptr = Vec::with_capacity(n_src + 1);
    let mut targets = Vec::with_capacity(total);
    let mut out_weights = Vec::with_capacity(total);
    let mut out_delays = Vec::with_capacity(if per_synapse.is_some() { total } else { 0 });
    row_ptr.push(0);
    let mut n = 0;
    for s in 0..n_src {
        let old = csr.row_ptr[s]..csr.row_ptr[s + 1];
        let mut k = old.start;
        // Merge the row's kept synapses with its new ones, both sorted by target.
        loop {
            while k < old.end && !keep[k] {
                k += 1;
            }
            let next_new = new.get(n).filter(|x| x.source as usize == s);
            let take_old = match (k < old.end, next_new) {
                (true, Some(x)) => csr.targets[k] < x.target,
                (true, None) => true,
                (false, Some(_)) => false,
                (false, None) => break,
            };
            if take_old {
                targets.push(csr.targets[k]);
                out_weights.push(weights[k]);
                if let Some(d) = per_synapse {
                    out_delays.push(d[k]);
                }
                k += 1;
            } else {
                let x = new[n];
                targets.push(x.target);
                out_weights.push(x.weight);
                if per_synapse.is_some() {
                    out_delays.push(x.delay);
                }
                n += 1;
            }
        }
        row_ptr.push(targets.len());
    }
    let delays = match &csr.delays {
        Delays::Const(d) => Delays::Const(*d),
        Delays::PerSynapse(_) => Delays::PerSynapse(out_delays),
    };
    Csr { row_ptr, targets, weights: out_weights, delays }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rebuilt_table_merges_kept_and_new_synapses_in_target_order() {
        let csr = Csr {
            row_ptr: vec![0, 3, 3, 5],
            targets: vec![0, 2, 4, 1, 3],
            weights: vec![0.0, 0.2, 0.4, 2.1, 2.3],
            delays: Delays::PerSynapse(vec![1, 2, 3, 4, 5]),
        };
        let keep = [true, false, true, true, true];
        let new = vec![
            NewSynapse { source: 2, target: 2, weight: 2.2, delay: 9 },
            NewSynapse { source: 0, target: 3, weight: 0.3, delay: 8 },
            NewSynapse { source: 1, target: 0, weight: 1.0, delay: 7 },
        ];
        let out = rebuilt(&csr, &csr.weights, &keep, new);
        assert_eq!(out.row_ptr, vec![0, 3, 4, 7]);
        assert_eq!(out.targets, vec![0, 3, 4, 0, 1, 2, 3]);
        assert_eq!(out.weights, vec![0.0, 0.3, 0.4, 1.0, 2.1, 2.2, 2.3]);
        match out.delays {
            Delays::PerSynapse(d) => assert_eq!(d, vec![1, 8, 3, 7, 4, 9, 5]),
            Delays::Const(_) => panic!("per-synapse delays stay per synapse"),
        }
    }
}
