//! Pairwise correlation of binned spike counts: Pearson correlation matrix, spike-count
//! covariance and cross-correlograms.
//!
//! Definitions are Elephant 1.2's (`spike_train_correlation.py`) on a
//! [`BinnedSpikeTrains`] with `binary=False`. With `b_i` the count vector of neuron `i`
//! over `n` bins, `s_i = Σ_t b_i[t]` and `G_ij = Σ_t b_i[t] b_j[t]`:
//! * covariance (`covariance`, ddof = 1): `C_ij = (G_ij - s_i s_j / n) / (n - 1)`;
//! * Pearson correlation (`correlation_coefficient`): `C_ij / sqrt(C_ii C_jj)`; NaN for
//!   a pair with a silent neuron (zero variance), as Elephant returns (with a warning);
//! * cross-correlogram (`cross_correlation_histogram`, `window=[-W, W]`, no border
//!   correction): `CCH_ij[k] = Σ_t b_i[t] b_j[t + k]` for lags `k = -W … W` bins, so a
//!   peak at positive lag means `j` tends to fire after `i`.
//!
//! `G` is computed from the non-empty bins only. Each row is accumulated by visiting,
//! for every non-empty bin of neuron `i`, the neurons that fired in that bin, so the
//! work is `Σ_bins k_b²` (`k_b` = active neurons in bin `b`) instead of
//! `N² × n_bins` for a dense product — for 1,000 neurons at 5 Hz in 5 ms bins, ~40×
//! less — and rows are computed in parallel. Numerators `n G_ij - s_i s_j` are formed in
//! exact integer arithmetic before the single division.

use rayon::prelude::*;

use crate::binning::BinnedSpikeTrains;
use crate::error::AnalysisError;

/// A dense symmetric `n × n` matrix, row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct Matrix {
    /// Number of rows and columns.
    pub n: usize,
    /// Entries, `values[i * n + j]`.
    pub values: Vec<f64>,
}

impl Matrix {
    /// Entry `(i, j)`.
    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.values[i * self.n + j]
    }

    /// Mean of the finite off-diagonal entries above the diagonal and their count;
    /// `(NaN, 0)` when there are none.
    pub fn mean_off_diagonal(&self) -> (f64, usize) {
        let (mut sum, mut count) = (0.0, 0usize);
        for i in 0..self.n {
            for j in i + 1..self.n {
                let v = self.get(i, j);
                if v.is_finite() {
                    sum += v;
                    count += 1;
                }
            }
        }
        if count == 0 {
            (f64::NAN, 0)
        } else {
            (sum / count as f64, count)
        }
    }
}

/// `n G_ij - s_i s_j` for every pair, exact in integers (see the [module docs](self)).
fn centred_gram(binned: &BinnedSpikeTrains) -> Vec<Vec<i128>> {
    let n_neurons = binned.n_neurons();
    let n_bins = binned.n_bins() as i128;
    // Inverted index: the (neuron, count) pairs of each bin.
    let mut by_bin: Vec<Vec<(u32, u32)>> = vec![Vec::new(); binned.n_bins()];
    for i in 0..n_neurons {
        for &(b, c) in binned.row(i) {
            by_bin[b as usize].push((i as u32, c));
        }
    }
    let sums: Vec<i128> = (0..n_neurons).map(|i| binned.row_sum(i) as i128).collect();
    (0..n_neurons)
        .into_par_iter()
        .map(|i| {
            let mut g = vec![0u64; n_neurons];
            for &(b, c) in binned.row(i) {
                for &(j, cj) in &by_bin[b as usize] {
                    g[j as usize] += c as u64 * cj as u64;
                }
            }
            g.iter().zip(&sums).map(|(&gij, &sj)| n_bins * gij as i128 - sums[i] * sj).collect()
        })
        .collect()
}

/// Pearson correlation matrix of the binned counts, as Elephant's
/// `correlation_coefficient(binned, binary=False)`.
pub fn correlation_matrix(binned: &BinnedSpikeTrains) -> Matrix {
    let centred = centred_gram(binned);
    let n = centred.len();
    let diag: Vec<f64> = (0..n).map(|i| centred[i][i] as f64).collect();
    let values = (0..n)
        .into_par_iter()
        .flat_map_iter(|i| {
            let row = &centred[i];
            let diag = &diag;
            (0..n).map(move |j| {
                // 0/0 for a silent neuron gives NaN, the defined "no correlation" value.
                row[j] as f64 / (diag[i] * diag[j]).sqrt()
            })
        })
        .collect();
    Matrix { n, values }
}

/// Spike-count covariance matrix (ddof = 1) of the binned counts, as Elephant's
/// `covariance(binned, binary=False)`. With bins as counting windows this is the
/// spike-count covariance of the neurons over those windows.
pub fn covariance_matrix(binned: &BinnedSpikeTrains) -> Result<Matrix, AnalysisError> {
    let n_bins = binned.n_bins();
    if n_bins < 2 {
        return Err(AnalysisError::param("bin_size", "a covariance needs at least 2 bins"));
    }
    let scale = 1.0 / (n_bins as f64 * (n_bins - 1) as f64);
    let centred = centred_gram(binned);
    let n = centred.len();
    let values = centred.into_iter().flat_map(|row| row.into_iter().map(move |v| v as f64 * scale)).collect();
    Ok(Matrix { n, values })
}

/// Cross-correlogram of neurons `i` and `j` for lags `-max_lag ..= max_lag` bins (see the
/// [module docs](self) for the sign convention); entry `k` is lag `k - max_lag`.
pub fn cross_correlogram(binned: &BinnedSpikeTrains, i: usize, j: usize, max_lag: usize) -> Vec<f64> {
    let mut cch = vec![0.0; 2 * max_lag + 1];
    let (a, b) = (binned.row(i), binned.row(j));
    // Both rows are sorted by bin: the window of b's bins within ±max_lag of a's bin
    // only moves forward.
    let mut lo = 0;
    for &(ta, ca) in a {
        let ta = ta as i64;
        while lo < b.len() && (b[lo].0 as i64) < ta - max_lag as i64 {
            lo += 1;
        }
        for &(tb, cb) in &b[lo..] {
            let lag = tb as i64 - ta;
            if lag > max_lag as i64 {
                break;
            }
            cch[(lag + max_lag as i64) as usize] += ca as f64 * cb as f64;
        }
    }
    cch
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::SpikeTrains;

    fn binned(trains: Vec<Vec<f64>>) -> BinnedSpikeTrains {
        BinnedSpikeTrains::new(&SpikeTrains::new(trains, 0.0, 1.0).unwrap(), 0.25).unwrap()
    }

    #[test]
    fn identical_and_opposite_trains() {
        // Counts a = [1,0,1,0], b = a, c = [0,1,0,1] = 1 - a: r(a,b) = 1, r(a,c) = -1.
        let b = binned(vec![vec![0.1, 0.6], vec![0.1, 0.6], vec![0.3, 0.8], vec![]]);
        let r = correlation_matrix(&b);
        assert_eq!(r.get(0, 1), 1.0);
        assert_eq!(r.get(0, 2), -1.0);
        assert!(r.get(0, 3).is_nan());
        // Covariance of [1,0,1,0] with itself, ddof 1: Σ(x - ½)² / 3 = 1/3.
        let c = covariance_matrix(&b).unwrap();
        assert!((c.get(0, 0) - 1.0 / 3.0).abs() < 1e-15);
        assert!((c.get(0, 2) + 1.0 / 3.0).abs() < 1e-15);
        let (mean, count) = r.mean_off_diagonal();
        // Finite pairs: (0,1)=1, (0,2)=-1, (1,2)=-1.
        assert_eq!(count, 3);
        assert!((mean + 1.0 / 3.0).abs() < 1e-15);
    }

    #[test]
    fn cross_correlogram_sign_and_counts() {
        // i fires in bin 0, j in bins 1 and 3: lags +1 and +3.
        let b = binned(vec![vec![0.1], vec![0.3, 0.8]]);
        assert_eq!(cross_correlogram(&b, 0, 1, 3), vec![0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0]);
        assert_eq!(cross_correlogram(&b, 1, 0, 2), vec![0.0, 1.0, 0.0, 0.0, 0.0]);
    }
}
