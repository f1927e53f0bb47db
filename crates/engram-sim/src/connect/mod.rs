//! Connectivity: drawing the pairs of a projection, then storing them as CSR.
//!
//! Each rule (one file each) produces source–target pairs. Pair generation is split
//! into blocks of [`BLOCK`] neurons, each with its own random stream keyed by
//! (seed, projection, block), so the pairs do not depend on the number of threads.
//! [`Csr::from_pairs`] sorts them by source (counting sort) and each row by target,
//! then weights and delays are drawn per row block in that fixed order.

use engram_model::{Dist, Model, Projection, Rule};
use rand::Rng;
use rand_distr::StandardNormal;
use rayon::prelude::*;

use crate::rng::{stream, Purpose, Stream};

mod all_to_all;
mod fixed_indegree;
mod fixed_outdegree;
mod fixed_probability;
mod fixed_total_number;
pub mod from_file;
mod one_to_one;

/// Neurons per block of pair generation and weight drawing.
pub const BLOCK: usize = 4096;

/// Source–target pairs in generation order.
#[derive(Default, Debug)]
pub struct Pairs {
    /// Source index of each pair.
    pub src: Vec<u32>,
    /// Target index of each pair.
    pub tgt: Vec<u32>,
}

impl Pairs {
    fn push(&mut self, s: usize, t: usize) {
        self.src.push(s as u32);
        self.tgt.push(t as u32);
    }

    fn append(&mut self, mut other: Pairs) {
        self.src.append(&mut other.src);
        self.tgt.append(&mut other.tgt);
    }

    /// Concatenates per-block results in block order.
    fn concat(blocks: Vec<Pairs>) -> Pairs {
        let mut all = Pairs::default();
        let n = blocks.iter().map(|b| b.src.len()).sum();
        all.src.reserve(n);
        all.tgt.reserve(n);
        for b in blocks {
            all.append(b);
        }
        all
    }
}

/// What a rule needs to draw its pairs.
#[derive(Clone, Copy, Debug)]
pub struct RuleCtx {
    /// Size of the source population.
    pub n_src: usize,
    /// Size of the target population.
    pub n_tgt: usize,
    /// Whether source and target are the same population (autapses are possible).
    pub same: bool,
    /// The run's seed.
    pub seed: u64,
    /// Index of the projection, part of every stream's key.
    pub projection: usize,
}

impl RuleCtx {
    /// The stream of block `b` (a block of targets or of sources, as the rule says).
    pub fn stream(&self, b: usize) -> Stream {
        stream(self.seed, Purpose::Connect, self.projection as u64, b as u64)
    }

    /// Runs `f` on every block of `n` neurons in parallel and joins the pairs in order.
    fn blocks(&self, n: usize, f: impl Fn(std::ops::Range<usize>, &mut Stream, &mut Pairs) + Sync) -> Pairs {
        let blocks: Vec<Pairs> = (0..n.div_ceil(BLOCK))
            .into_par_iter()
            .map(|b| {
                let mut rng = self.stream(b);
                let mut out = Pairs::default();
                f(b * BLOCK..((b + 1) * BLOCK).min(n), &mut rng, &mut out);
                out
            })
            .collect();
        Pairs::concat(blocks)
    }
}

/// Draws the pairs of `rule`.
pub fn generate(rule: &Rule, ctx: &RuleCtx) -> Pairs {
    match *rule {
        Rule::AllToAll { autapses } => all_to_all::generate(ctx, autapses),
        Rule::OneToOne => one_to_one::generate(ctx),
        Rule::FixedProbability { p, autapses } => fixed_probability::generate(ctx, p, autapses),
        Rule::FixedIndegree { k, autapses, multapses } => {
            fixed_indegree::generate(ctx, k as usize, autapses, multapses)
        }
        Rule::FixedOutdegree { k, autapses, multapses } => {
            fixed_outdegree::generate(ctx, k as usize, autapses, multapses)
        }
        Rule::FixedTotalNumber { n, autapses, multapses } => {
            fixed_total_number::generate(ctx, n as usize, autapses, multapses)
        }
        Rule::FromFile(ref syn) => from_file::generate(syn),
    }
}

/// The synapse table of projection `i` of `model` with its pairs only (no weights or
/// delays yet): what [`Network::build`](crate::Network::build) draws, the same for a seed
/// on any number of threads. `engram check` draws it alone to find traced synapses.
pub fn pairs_table(model: &Model, i: usize) -> Csr {
    let p = &model.projections[i];
    let (n_src, n_tgt) = (model.populations[p.source].size, model.populations[p.target].size);
    let ctx = RuleCtx { n_src, n_tgt, same: p.source == p.target, seed: model.seed, projection: i };
    Csr::from_pairs(generate(&p.rule, &ctx), n_src)
}

/// Expected number of synapses of a projection, for memory estimates.
pub fn expected_synapses(rule: &Rule, n_src: usize, n_tgt: usize) -> f64 {
    let (s, t) = (n_src as f64, n_tgt as f64);
    match *rule {
        Rule::AllToAll { .. } => s * t,
        Rule::OneToOne => s,
        Rule::FixedProbability { p, .. } => p * s * t,
        Rule::FixedIndegree { k, .. } => k as f64 * t,
        Rule::FixedOutdegree { k, .. } => k as f64 * s,
        Rule::FixedTotalNumber { n, .. } => n as f64,
        Rule::FromFile(ref syn) => syn.sources.len() as f64,
    }
}

/// `k` distinct indices out of `0..n`, skipping `skip` (an autapse) when given.
fn sample_distinct(rng: &mut Stream, n: usize, k: usize, skip: Option<usize>) -> Vec<usize> {
    let pool = n - usize::from(skip.is_some());
    let mut v = rand::seq::index::sample(rng, pool, k).into_vec();
    if let Some(s) = skip {
        for x in v.iter_mut() {
            if *x >= s {
                *x += 1;
            }
        }
    }
    v
}

/// One index out of `0..n`, never `skip` when given.
fn sample_one(rng: &mut Stream, n: usize, skip: Option<usize>) -> usize {
    match skip {
        Some(s) => {
            let x = rng.random_range(0..n - 1);
            if x >= s {
                x + 1
            } else {
                x
            }
        }
        None => rng.random_range(0..n),
    }
}

/// Synaptic delays of a projection, in steps.
#[derive(Clone, Debug)]
pub enum Delays {
    /// Every synapse has this delay.
    Const(u16),
    /// One delay per synapse, in CSR order.
    PerSynapse(Vec<u16>),
}

/// The synapses of one projection, by source: row `s` holds the synapses of source
/// `s`, sorted by target.
#[derive(Clone, Debug)]
pub struct Csr {
    /// Start of each row in the synapse arrays; `n_src + 1` entries.
    pub row_ptr: Vec<usize>,
    /// Target of each synapse (index within the target population).
    pub targets: Vec<u32>,
    /// Weight of each synapse, in the target model's input unit.
    pub weights: Vec<f32>,
    /// Delay of each synapse in steps.
    pub delays: Delays,
}

impl Csr {
    /// Sorts pairs into rows by source (stable) with each row sorted by target.
    pub fn from_pairs(pairs: Pairs, n_src: usize) -> Csr {
        // Pairs drawn in target order (most rules draw per block of targets) land in
        // their rows already sorted by the stable sort below.
        let sorted_by_target = pairs.tgt.windows(2).all(|w| w[0] <= w[1]);
        let mut row_ptr = vec![0usize; n_src + 1];
        for &s in &pairs.src {
            row_ptr[s as usize + 1] += 1;
        }
        for i in 0..n_src {
            row_ptr[i + 1] += row_ptr[i];
        }
        let mut fill = row_ptr.clone();
        let mut targets = vec![0u32; pairs.src.len()];
        for (&s, &t) in pairs.src.iter().zip(&pairs.tgt) {
            targets[fill[s as usize]] = t;
            fill[s as usize] += 1;
        }
        drop(pairs);
        if !sorted_by_target {
            let mut rows = split_rows_mut(&mut targets, &row_ptr);
            rows.par_iter_mut().for_each(|r| r.sort_unstable());
        }
        Csr { row_ptr, targets, weights: Vec::new(), delays: Delays::Const(1) }
    }

    /// Number of synapses.
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    /// The source of each synapse, in storage order (the rows unrolled).
    pub fn sources(&self) -> Vec<u32> {
        let mut out = Vec::with_capacity(self.len());
        for (s, w) in self.row_ptr.windows(2).enumerate() {
            out.resize(w[1], s as u32);
        }
        out
    }

    /// The storage position of the synapse from `source` to `target` (the first of
    /// them when there are several), found by binary search in the row.
    pub fn position(&self, source: u32, target: u32) -> Option<usize> {
        let row = self.row(source);
        let k = row.partition_point(|&x| x < target);
        (row.get(k) == Some(&target)).then(|| self.row_ptr[source as usize] + k)
    }

    /// The targets of `source`, ascending.
    pub fn row(&self, source: u32) -> &[u32] {
        &self.targets[self.row_ptr[source as usize]..self.row_ptr[source as usize + 1]]
    }

    /// Whether there are no synapses.
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// Bytes used by the synapse arrays.
    pub fn bytes(&self) -> usize {
        let d = match &self.delays {
            Delays::Const(_) => 0,
            Delays::PerSynapse(v) => v.len() * 2,
        };
        self.row_ptr.len() * 8 + self.targets.len() * 4 + self.weights.len() * 4 + d
    }

    /// Draws weights (scaled by `scale`) and delays (in steps of `dt`) in CSR order,
    /// one stream per block of sources.
    pub fn draw_weights_delays(&mut self, proj: &Projection, model: &Model, proj_index: usize, scale: f64) {
        let n_src = self.row_ptr.len() - 1;
        let dt = model.dt;
        let draw_delays = !matches!(proj.delay, Dist::Const(_));
        let mut weights = vec![0f32; self.len()];
        let mut delays = vec![0u16; if draw_delays { self.len() } else { 0 }];
        let starts: Vec<usize> = (0..n_src.div_ceil(BLOCK)).map(|b| self.row_ptr[b * BLOCK]).collect();
        let w_chunks = split_at_offsets(&mut weights, &starts, |b| self.row_ptr[((b + 1) * BLOCK).min(n_src)]);
        let mut d_chunks: Vec<&mut [u16]> = if draw_delays {
            split_at_offsets(&mut delays, &starts, |b| self.row_ptr[((b + 1) * BLOCK).min(n_src)])
        } else {
            (0..starts.len()).map(|_| <&mut [u16]>::default()).collect()
        };
        let seed = model.seed;
        w_chunks.into_par_iter().zip(d_chunks.par_iter_mut()).enumerate().for_each(|(b, (w, d))| {
            let mut rng = stream(seed, Purpose::WeightsDelays, proj_index as u64, b as u64);
            for (k, wk) in w.iter_mut().enumerate() {
                *wk = (draw(&proj.weight, &mut rng) * scale) as f32;
                if draw_delays {
                    d[k] = to_steps(draw(&proj.delay, &mut rng), dt);
                }
            }
        });
        self.weights = weights;
        self.delays =
            if draw_delays { Delays::PerSynapse(delays) } else { Delays::Const(to_steps(proj.delay.mean(), dt)) };
    }

    /// Largest and smallest delay in steps (1, 1 when there are no synapses).
    pub fn delay_range(&self) -> (u16, u16) {
        match &self.delays {
            Delays::Const(d) => (*d, *d),
            Delays::PerSynapse(v) => (v.iter().copied().min().unwrap_or(1), v.iter().copied().max().unwrap_or(1)),
        }
    }
}

fn to_steps(delay: f64, dt: f64) -> u16 {
    (delay / dt).round().clamp(1.0, u16::MAX as f64) as u16
}

/// One draw from a distribution (see [`Dist`] for the clipping rules).
pub fn draw(dist: &Dist, rng: &mut Stream) -> f64 {
    match *dist {
        Dist::Const(v) => v,
        Dist::Uniform { low, high } => low + (high - low) * rng.random::<f64>(),
        Dist::Normal { mean, std } => {
            let z: f64 = rng.sample(StandardNormal);
            let x = mean + std * z;
            if mean >= 0.0 {
                x.max(0.0)
            } else {
                x.min(0.0)
            }
        }
        Dist::TruncatedNormal { mean, std, low, high } => loop {
            // The parser checked that [low, high] holds at least 2 % of the mass.
            let z: f64 = rng.sample(StandardNormal);
            let x = mean + std * z;
            if (low..=high).contains(&x) {
                break x;
            }
        },
        Dist::LogNormal { median, sigma } => {
            let z: f64 = rng.sample(StandardNormal);
            median * (sigma * z).exp()
        }
    }
}

fn split_rows_mut<'a>(data: &'a mut [u32], row_ptr: &[usize]) -> Vec<&'a mut [u32]> {
    let mut rows = Vec::with_capacity(row_ptr.len().saturating_sub(1));
    let mut rest = data;
    for w in row_ptr.windows(2) {
        let (row, tail) = rest.split_at_mut(w[1] - w[0]);
        rows.push(row);
        rest = tail;
    }
    rows
}

fn split_at_offsets<'a, T>(data: &'a mut [T], starts: &[usize], end: impl Fn(usize) -> usize) -> Vec<&'a mut [T]> {
    let mut out = Vec::with_capacity(starts.len());
    let mut rest = data;
    for (b, &s) in starts.iter().enumerate() {
        let (chunk, tail) = rest.split_at_mut(end(b) - s);
        out.push(chunk);
        rest = tail;
    }
    out
}
