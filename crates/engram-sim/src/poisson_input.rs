//! Independent Poisson input onto every neuron of a shard (Brian2's `PoissonInput`,
//! NEST's `poisson_generator` connected to each target).
//!
//! Each neuron has its own random stream, so the input it receives does not depend on
//! how neurons are split between workers. Two exact samplers of the same process are
//! used, chosen by the mean number of events per step `λ = rate · dt`:
//!
//! - **Sparse input** (`λ < 0.25`): the time to each neuron's next event is drawn from
//!   the exponential distribution, so the cost is one draw per event and a comparison
//!   per neuron and step.
//! - **Dense input** (`λ ≥ 0.25`, e.g. the 1,600–2,900 background synapses at 8 Hz of
//!   each Potjans–Diesmann neuron, λ = 1.3–2.3): the number of events in the step is
//!   drawn by inverting the Poisson distribution function, tabulated once as 64-bit
//!   thresholds with a guide table on the top byte, so the cost is one 64-bit random
//!   number and usually one comparison per neuron and step, however many events
//!   arrive.
//! - **Very dense input** (`λ > 64`): `rand_distr::Poisson` (rejection sampling), whose
//!   cost does not grow with λ.

use rand::{Rng, RngCore};
use rand_distr::{Distribution, Exp1, Poisson};

use crate::rng::Stream;

/// Below this mean count per step, exponential intervals are cheaper than a count per step.
const DENSE_FROM: f64 = 0.25;
/// Above this mean count per step, a linear search of the table costs more than rejection sampling.
const TABLE_UP_TO: f64 = 64.0;

const _: () = assert!(TABLE_UP_TO < 150.0, "tables (at most 255 entries) must cover the mean and its tail");

/// Poisson input onto every neuron of a shard.
pub struct PoissonIn {
    /// Receptor the events are added to.
    pub receptor: usize,
    /// Weight of one event, in the target model's input unit.
    pub weight: f32,
    sampler: Sampler,
    rngs: Vec<Stream>,
}

enum Sampler {
    /// Time of each neuron's next event, in steps; `per_step` events per step on average.
    Intervals { per_step: f64, next: Vec<f64> },
    /// `thresholds[k] = ⌊P(X ≤ k) · 2⁶⁴⌋`: a uniform 64-bit number `u` gives the count
    /// `#{k : u ≥ thresholds[k]}`. `guide[j]` is that count for the smallest `u` whose
    /// top byte is `j`, so the search starts there and almost always stops at once
    /// (a guide table, Chen & Asau 1974).
    Table { thresholds: Vec<u64>, guide: Box<[u8; 256]> },
    /// Rejection sampling for large means.
    Rejection(Poisson<f64>),
}

impl PoissonIn {
    /// Input of `per_step` events per step on average onto each neuron, one stream per neuron.
    pub fn new(receptor: usize, weight: f32, per_step: f64, mut rngs: Vec<Stream>) -> PoissonIn {
        let sampler = if per_step <= 0.0 {
            Sampler::Intervals { per_step: 0.0, next: vec![f64::INFINITY; rngs.len()] }
        } else if per_step < DENSE_FROM {
            let next = rngs.iter_mut().map(|r| r.sample::<f64, _>(Exp1) / per_step).collect();
            Sampler::Intervals { per_step, next }
        } else if per_step <= TABLE_UP_TO {
            let thresholds = thresholds(per_step);
            let mut guide = Box::new([0u8; 256]);
            for (j, g) in guide.iter_mut().enumerate() {
                let low = (j as u64) << 56;
                *g = thresholds.iter().take_while(|&&t| low >= t).count() as u8;
            }
            Sampler::Table { thresholds, guide }
        } else {
            Sampler::Rejection(Poisson::new(per_step).expect("a positive finite mean"))
        };
        PoissonIn { receptor, weight, sampler, rngs }
    }

    /// Adds the events of step `step` into `port` (one entry per neuron).
    pub fn add(&mut self, step: u64, port: &mut [f32]) {
        let weight = self.weight;
        match &mut self.sampler {
            Sampler::Intervals { per_step, next } => {
                let horizon = (step + 1) as f64;
                for ((x, next), rng) in port.iter_mut().zip(next.iter_mut()).zip(&mut self.rngs) {
                    while *next < horizon {
                        *x += weight;
                        *next += rng.sample::<f64, _>(Exp1) / *per_step;
                    }
                }
            }
            Sampler::Table { thresholds, guide } => {
                let len = thresholds.len();
                for (x, rng) in port.iter_mut().zip(&mut self.rngs) {
                    let u = rng.next_u64();
                    let mut count = guide[(u >> 56) as usize] as usize;
                    while count < len && u >= thresholds[count] {
                        count += 1;
                    }
                    *x += weight * count as f32;
                }
            }
            Sampler::Rejection(poisson) => {
                for (x, rng) in port.iter_mut().zip(&mut self.rngs) {
                    *x += weight * poisson.sample(rng) as f32;
                }
            }
        }
    }
}

/// `⌊P(X ≤ k) · 2⁶⁴⌋` for k = 0, 1, … while below 2⁶⁴. The table stops where the
/// distribution function rounds to one, so counts whose probability is below
/// about 2⁻⁵³ (the precision of the f64 sums) are never drawn.
fn thresholds(mean: f64) -> Vec<u64> {
    const TWO_64: f64 = 18_446_744_073_709_551_616.0;
    let mut table = Vec::new();
    let mut pmf = (-mean).exp();
    let mut cdf = pmf;
    let mut k = 0.0;
    while cdf < 1.0 && table.len() < 255 {
        table.push((cdf * TWO_64) as u64);
        k += 1.0;
        pmf *= mean / k;
        cdf += pmf;
        // The pmf has passed its peak and no longer moves the sum: the rest rounds away.
        if k > mean && pmf < cdf * f64::EPSILON {
            break;
        }
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{stream, Purpose};

    /// Mean and variance of the counts per step equal λ (a Poisson count), for each sampler.
    #[test]
    fn counts_per_step_have_poisson_mean_and_variance() {
        for &lambda in &[0.05, 0.3, 2.0, 20.0, 100.0] {
            let n = 2_000;
            let rngs = (0..n).map(|i| stream(7, Purpose::PoissonInput, 0, i)).collect();
            let mut input = PoissonIn::new(0, 1.0, lambda, rngs);
            let steps = 200;
            let (mut sum, mut sum_sq) = (0.0f64, 0.0f64);
            for step in 0..steps {
                let mut port = vec![0.0f32; n as usize];
                input.add(step, &mut port);
                for &c in &port {
                    sum += c as f64;
                    sum_sq += (c as f64) * (c as f64);
                }
            }
            let samples = (n * steps) as f64;
            let mean = sum / samples;
            let var = sum_sq / samples - mean * mean;
            // Standard error of the mean is sqrt(λ / samples); allow 5 of them.
            let se = (lambda / samples).sqrt();
            assert!((mean - lambda).abs() < 5.0 * se, "λ {lambda}: mean {mean}");
            // The variance of a Poisson count equals its mean (Fano factor 1).
            assert!((var / lambda - 1.0).abs() < 0.03, "λ {lambda}: variance {var}");
        }
    }

    /// The table is the distribution function: its first entry is e^{-λ}·2⁶⁴ and it increases.
    #[test]
    fn table_is_the_distribution_function() {
        let t = thresholds(2.0);
        let first = t[0] as f64 / 18_446_744_073_709_551_616.0;
        assert!((first - (-2.0f64).exp()).abs() < 1e-15);
        assert!(t.windows(2).all(|w| w[0] <= w[1]));
        assert!(t.len() > 15 && t.len() < 40, "{}", t.len());
    }
}
