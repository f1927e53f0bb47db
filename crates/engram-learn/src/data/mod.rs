//! Data sets and spike encodings.
//!
//! A [`Dataset`] holds one feature vector per sample (pixels, a time series, or an
//! already spiking raster of `steps × channels`) and its label; an [`Encoding`] turns
//! a feature vector into the input spikes of one sample, `steps × channels`.
//! Loaders return a message on failure; the configuration reader places it at the
//! key that named the file.

pub mod delay_task;
pub mod digits;
pub mod encode;
pub mod mnist1d;
pub mod numpy_random;
#[cfg(feature = "shd")]
pub mod shd;

pub use encode::Encoding;

/// Labelled samples.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    /// One feature vector per sample, all of the same length.
    pub features: Vec<Vec<f32>>,
    /// The class of each sample, `0..classes`.
    pub labels: Vec<usize>,
    /// Number of classes.
    pub classes: usize,
}

impl Dataset {
    /// Samples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no samples.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Features per sample.
    pub fn n_features(&self) -> usize {
        self.features.first().map_or(0, Vec::len)
    }

    /// The samples at `indices`, in that order.
    pub fn subset(&self, indices: &[usize]) -> Dataset {
        Dataset {
            features: indices.iter().map(|&i| self.features[i].clone()).collect(),
            labels: indices.iter().map(|&i| self.labels[i]).collect(),
            classes: self.classes,
        }
    }

    /// The first `n` samples (all when `n` is larger).
    pub fn truncate(mut self, n: usize) -> Dataset {
        self.features.truncate(n);
        self.labels.truncate(n);
        self
    }

    /// Splits into (train, test) by a seeded permutation, `test_fraction` of the
    /// samples to the test set; also returns the test samples' indices, so that a peer
    /// tool can be run on the same split.
    pub fn split(&self, test_fraction: f64, seed: u64) -> (Dataset, Dataset, Vec<usize>) {
        use rand::seq::SliceRandom;
        use rand::SeedableRng;
        let mut order: Vec<usize> = (0..self.len()).collect();
        order.shuffle(&mut rand_pcg::Pcg64::seed_from_u64(seed));
        let n_test = (self.len() as f64 * test_fraction).round() as usize;
        let (test, train) = order.split_at(n_test);
        (self.subset(train), self.subset(test), test.to_vec())
    }
}
