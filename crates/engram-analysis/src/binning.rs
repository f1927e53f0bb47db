//! Spike counts in time bins, stored sparsely.
//!
//! The convention is Elephant's `BinnedSpikeTrain` (elephant 1.2, `conversion.py`), so
//! binned statistics match it exactly:
//! * the number of bins is `floor((t_stop - t_start) / bin_size)`, except that a ratio
//!   within 1e-8 below the next integer is rounded up to it (`round_binning_errors`), so
//!   1 s in 0.1 s bins gives 10 bins although `1.0 / 0.1` is a hair below 10;
//! * a spike at `t` goes to bin `floor((t - t_start) / bin_size)` with the same 1e-8
//!   correction, so a spike that is meant to sit on an edge counts in the bin that starts
//!   there; spikes at or past the last edge (`t_stop` itself when the window is a whole
//!   number of bins) are dropped.
//!
//! Counts are kept as `(bin, count)` pairs per neuron: a cortical neuron at 5 Hz has one
//! non-empty 5 ms bin in 40, so the sparse form is ~40× smaller and faster than a dense
//! matrix and lets correlations visit only bins that contain spikes.

use rayon::prelude::*;

use crate::error::{positive, AnalysisError};
use crate::train::SpikeTrains;

/// Absolute tolerance on a bin position (in bins), Elephant's default `tolerance`.
pub const BIN_TOLERANCE: f64 = 1e-8;

/// Integer part of a non-negative bin position, rounded up when within
/// [`BIN_TOLERANCE`] of the next integer (Elephant's `round_binning_errors`).
pub(crate) fn bin_index(position: f64) -> usize {
    let floor = position.floor();
    if 1.0 - BIN_TOLERANCE <= position - floor {
        floor as usize + 1
    } else {
        floor as usize
    }
}

/// Spike counts of every neuron in `n_bins` bins of `bin_size` seconds from `t_start`.
#[derive(Clone, Debug, PartialEq)]
pub struct BinnedSpikeTrains {
    /// Per neuron, `(bin, count)` for the non-empty bins, bins ascending.
    rows: Vec<Vec<(u32, u32)>>,
    n_bins: usize,
    bin_size: f64,
    t_start: f64,
}

impl BinnedSpikeTrains {
    /// Bins `trains` into bins of `bin_size` seconds over its window (see the
    /// [module docs](self) for the convention). Fails when `bin_size` is not positive or
    /// the window holds no whole bin.
    pub fn new(trains: &SpikeTrains, bin_size: f64) -> Result<Self, AnalysisError> {
        positive("bin_size", bin_size)?;
        let n_bins = bin_index(trains.duration() / bin_size);
        if n_bins == 0 {
            return Err(AnalysisError::param(
                "bin_size",
                format!("{bin_size} s is longer than the {} s recording", trains.duration()),
            ));
        }
        if n_bins > u32::MAX as usize {
            return Err(AnalysisError::param("bin_size", format!("{bin_size} s gives more than 2^32 bins")));
        }
        let t_start = trains.t_start();
        let rows = trains
            .trains()
            .par_iter()
            .map(|train| {
                let mut row: Vec<(u32, u32)> = Vec::new();
                for &t in train {
                    let b = bin_index((t - t_start) / bin_size);
                    if b >= n_bins {
                        // Sorted times: every later spike is past the last edge too.
                        break;
                    }
                    match row.last_mut() {
                        Some((last, count)) if *last as usize == b => *count += 1,
                        _ => row.push((b as u32, 1)),
                    }
                }
                row
            })
            .collect();
        Ok(BinnedSpikeTrains { rows, n_bins, bin_size, t_start })
    }

    /// Number of neurons.
    pub fn n_neurons(&self) -> usize {
        self.rows.len()
    }

    /// Number of bins.
    pub fn n_bins(&self) -> usize {
        self.n_bins
    }

    /// Bin width in seconds.
    pub fn bin_size(&self) -> f64 {
        self.bin_size
    }

    /// Left edge of the first bin in seconds.
    pub fn t_start(&self) -> f64 {
        self.t_start
    }

    /// Non-empty bins of neuron `i` as `(bin, count)`, bins ascending.
    pub fn row(&self, i: usize) -> &[(u32, u32)] {
        &self.rows[i]
    }

    /// Spikes of neuron `i` that fell into a bin.
    pub fn row_sum(&self, i: usize) -> u64 {
        self.rows[i].iter().map(|&(_, c)| c as u64).sum()
    }

    /// Dense counts of neuron `i`, one entry per bin.
    pub fn dense_row(&self, i: usize) -> Vec<f64> {
        let mut dense = vec![0.0; self.n_bins];
        for &(b, c) in &self.rows[i] {
            dense[b as usize] = c as f64;
        }
        dense
    }

    /// Summed counts of all neurons per bin.
    pub fn population_counts(&self) -> Vec<f64> {
        let mut total = vec![0.0; self.n_bins];
        for row in &self.rows {
            for &(b, c) in row {
                total[b as usize] += c as f64;
            }
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elephant_convention_on_edges() {
        // 1 s in 0.1 s bins: 10 bins although 1.0 / 0.1 < 10 in floating point.
        // 0.3 / 0.1 = 2.9999999999999996 counts in bin 3; 1.0 (= t_stop) is dropped.
        let st = SpikeTrains::new(vec![vec![0.0, 0.3, 0.35, 0.999, 1.0]], 0.0, 1.0).unwrap();
        let b = BinnedSpikeTrains::new(&st, 0.1).unwrap();
        assert_eq!(b.n_bins(), 10);
        assert_eq!(b.row(0), &[(0, 1), (3, 2), (9, 1)]);
        assert_eq!(b.row_sum(0), 4);
        assert_eq!(b.dense_row(0)[3], 2.0);
    }

    #[test]
    fn partial_last_bin_is_not_a_bin() {
        // 1.05 s in 0.1 s bins: 10 whole bins; a spike at 1.02 s falls in none.
        let st = SpikeTrains::new(vec![vec![0.05, 1.02]], 0.0, 1.05).unwrap();
        let b = BinnedSpikeTrains::new(&st, 0.1).unwrap();
        assert_eq!(b.n_bins(), 10);
        assert_eq!(b.row(0), &[(0, 1)]);
    }

    #[test]
    fn refuses_bins_wider_than_the_window() {
        let st = SpikeTrains::new(vec![vec![]], 0.0, 1.0).unwrap();
        assert!(BinnedSpikeTrains::new(&st, 2.0).is_err());
        assert!(BinnedSpikeTrains::new(&st, 0.0).is_err());
    }
}
