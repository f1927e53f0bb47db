//! A synthetic task that needs synaptic delays: which of two inputs fired first?
//!
//! Each sample has two input channels that fire one spike each, `gap` steps apart
//! (drawn from `min_gap..=max_gap`), the first at a random step; the label is 0 when
//! channel 0 fired first and 1 otherwise. Neurons whose time constants are much
//! shorter than the smallest gap see the two spikes as separate events whatever
//! their order, and a readout of the mean membrane is blind to when events happen,
//! so without delays the task stays at chance. A delay on one input that closes the
//! gap turns a neuron into a coincidence detector for one order (the principle of
//! Jeffress's 1948 model of sound localisation), which learnable delays find.

use rand::{Rng, SeedableRng};

use super::Dataset;

/// Settings of the task.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DelayTask {
    /// Steps per sample.
    pub steps: usize,
    /// Smallest gap between the two spikes, in steps.
    pub min_gap: usize,
    /// Largest gap, in steps.
    pub max_gap: usize,
}

impl DelayTask {
    /// `n` samples as `steps × 2` rasters, balanced between the labels.
    pub fn generate(&self, n: usize, seed: u64) -> Result<Dataset, String> {
        if self.min_gap < 1 || self.min_gap > self.max_gap {
            return Err(format!("expected 1 ≤ min_gap ≤ max_gap, found {} and {}", self.min_gap, self.max_gap));
        }
        if self.max_gap + 1 > self.steps {
            return Err(format!("a gap of {} steps does not fit in {} steps", self.max_gap, self.steps));
        }
        let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
        let mut data = Dataset { classes: 2, ..Dataset::default() };
        for k in 0..n {
            let label = k % 2;
            let gap = rng.random_range(self.min_gap..=self.max_gap);
            // The pair lies in the first half of the window so that the responses,
            // delayed or not, end inside it.
            let latest = (self.steps / 2).saturating_sub(gap).max(1);
            let first = rng.random_range(0..latest);
            let mut raster = vec![0.0f32; self.steps * 2];
            raster[first * 2 + label] = 1.0;
            raster[(first + gap) * 2 + (1 - label)] = 1.0;
            data.features.push(raster);
            data.labels.push(label);
        }
        Ok(data)
    }
}
