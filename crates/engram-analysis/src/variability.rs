//! Variability of inter-spike intervals (ISIs) and of spike counts.
//!
//! Interval statistics take one neuron's ISIs `I_1 … I_n` (seconds) and follow Elephant
//! 1.2's `statistics` module with `with_nan=True`: fewer than 2 intervals give NaN.
//! * CV: `std(I) / mean(I)`, population std (ddof = 0), as SciPy's `variation`;
//! * CV2 (Holt et al. 1996): `2/(n-1) Σ |I_{i+1} - I_i| / (I_{i+1} + I_i)`;
//! * LV (Shinomoto et al. 2003): `3/(n-1) Σ ((I_i - I_{i+1}) / (I_i + I_{i+1}))²`;
//! * LvR (Shinomoto et al. 2009, PLoS Comput Biol 5:e1000433, eq. 3):
//!   `3/(n-1) Σ (1 - 4 I_i I_{i+1} / (I_i + I_{i+1})²) (1 + 4R / (I_i + I_{i+1}))`,
//!   with refractoriness constant `R` = 5 ms by default as in the paper.
//!
//! All are 1 for a Poisson process (LvR only when `R` = 0) and 0 for a regular train.

use rayon::prelude::*;

use crate::binning::{bin_index, BinnedSpikeTrains};
use crate::error::{positive, AnalysisError};
use crate::train::SpikeTrains;

/// Shinomoto et al. (2009)'s refractoriness constant `R` for LvR, in seconds.
pub const LVR_R_DEFAULT: f64 = 0.005;

/// Inter-spike intervals of one train (seconds), `train[k+1] - train[k]`.
pub fn isi(train: &[f64]) -> Vec<f64> {
    train.windows(2).map(|w| w[1] - w[0]).collect()
}

/// Coefficient of variation of intervals; NaN with fewer than 2 or a zero mean.
pub fn cv(intervals: &[f64]) -> f64 {
    if intervals.len() < 2 {
        return f64::NAN;
    }
    let n = intervals.len() as f64;
    let mean = intervals.iter().sum::<f64>() / n;
    if mean == 0.0 {
        return f64::NAN;
    }
    let var = intervals.iter().map(|&x| (x - mean) * (x - mean)).sum::<f64>() / n;
    var.sqrt() / mean
}

/// Mean of `f(I_i, I_{i+1})` over consecutive interval pairs; NaN with fewer than 2
/// intervals.
fn mean_over_pairs(intervals: &[f64], f: impl Fn(f64, f64) -> f64) -> f64 {
    if intervals.len() < 2 {
        return f64::NAN;
    }
    let sum: f64 = intervals.windows(2).map(|w| f(w[0], w[1])).sum();
    sum / (intervals.len() - 1) as f64
}

/// CV2 of Holt et al. (1996), see the [module docs](self).
pub fn cv2(intervals: &[f64]) -> f64 {
    2.0 * mean_over_pairs(intervals, |a, b| ((b - a) / (a + b)).abs())
}

/// Local variation LV of Shinomoto et al. (2003), see the [module docs](self).
pub fn lv(intervals: &[f64]) -> f64 {
    3.0 * mean_over_pairs(intervals, |a, b| {
        let x = (b - a) / (a + b);
        x * x
    })
}

/// Revised local variation LvR of Shinomoto et al. (2009) with refractoriness constant
/// `r` seconds (see the [module docs](self), [`LVR_R_DEFAULT`] = 5 ms).
pub fn lvr(intervals: &[f64], r: f64) -> f64 {
    3.0 * mean_over_pairs(intervals, |a, b| {
        let t = a + b;
        (1.0 - 4.0 * a * b / (t * t)) * (1.0 + 4.0 * r / t)
    })
}

/// Applies an interval statistic to every neuron's ISIs, in parallel.
pub fn per_neuron(trains: &SpikeTrains, stat: impl Fn(&[f64]) -> f64 + Sync) -> Vec<f64> {
    trains.trains().par_iter().map(|t| stat(&isi(t))).collect()
}

/// Mean of the finite values and how many there were; `(NaN, 0)` when none is, so a
/// population whose neurons all fired too little has a defined, visibly missing value.
pub fn finite_mean(values: &[f64]) -> (f64, usize) {
    let (sum, n) = values.iter().filter(|v| v.is_finite()).fold((0.0, 0usize), |(s, n), &v| (s + v, n + 1));
    if n == 0 {
        (f64::NAN, 0)
    } else {
        (sum / n as f64, n)
    }
}

/// Fano factor of every neuron's spike count over consecutive windows of `window`
/// seconds: `var(N) / mean(N)` with the population variance (ddof = 0), as Elephant's
/// `fanofactor` applied to the windows of one neuron. NaN for a neuron without spikes
/// in any window. Windows follow [`BinnedSpikeTrains`]' convention (whole windows
/// only); at least two must fit in the recording.
pub fn fano_factors(trains: &SpikeTrains, window: f64) -> Result<Vec<f64>, AnalysisError> {
    positive("window", window)?;
    if bin_index(trains.duration() / window) < 2 {
        return Err(AnalysisError::param(
            "window",
            format!("{window} s leaves fewer than 2 windows in {} s", trains.duration()),
        ));
    }
    let binned = BinnedSpikeTrains::new(trains, window)?;
    let n = binned.n_bins();
    Ok((0..binned.n_neurons())
        .into_par_iter()
        .map(|i| {
            let row = binned.row(i);
            let total: f64 = row.iter().map(|&(_, c)| c as f64).sum();
            if total == 0.0 {
                return f64::NAN;
            }
            let mean = total / n as f64;
            // Empty windows contribute mean² each to the sum of squared deviations.
            let filled: f64 = row.iter().map(|&(_, c)| (c as f64 - mean).powi(2)).sum();
            let var = (filled + (n - row.len()) as f64 * mean * mean) / n as f64;
            var / mean
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_train_is_zero_everywhere() {
        let i = vec![0.1; 10];
        // The mean of ten 0.1s is 0.1 only to rounding, so the std is a few ulps.
        assert!(cv(&i) < 1e-15);
        assert_eq!(cv2(&i), 0.0);
        assert_eq!(lv(&i), 0.0);
        // LvR of a regular train: the first factor is 0.
        assert_eq!(lvr(&i, LVR_R_DEFAULT), 0.0);
    }

    #[test]
    fn hand_computed_alternating_intervals() {
        // Intervals 1, 3: (b - a)/(a + b) = 1/2.
        let i = [1.0, 3.0];
        assert_eq!(cv(&i), 0.5);
        assert_eq!(cv2(&i), 1.0);
        assert_eq!(lv(&i), 0.75);
        // (1 - 12/16)(1 + 4·0.5/4) = 0.25 · 1.5, times 3.
        assert!((lvr(&i, 0.5) - 1.125).abs() < 1e-15);
    }

    #[test]
    fn too_few_intervals_give_nan() {
        for f in [cv, cv2, lv] {
            assert!(f(&[]).is_nan());
            assert!(f(&[0.1]).is_nan());
        }
        assert!(lvr(&[0.1], 0.005).is_nan());
    }

    #[test]
    fn fano_of_hand_made_counts() {
        // Counts per 1 s window: 2, 0, 1, 1 -> mean 1, var 0.5, Fano 0.5.
        let st = SpikeTrains::new(vec![vec![0.1, 0.2, 2.5, 3.5], vec![]], 0.0, 4.0).unwrap();
        let f = fano_factors(&st, 1.0).unwrap();
        assert!((f[0] - 0.5).abs() < 1e-15);
        assert!(f[1].is_nan());
        assert!(fano_factors(&st, 3.0).is_err());
        assert_eq!(finite_mean(&f), (f[0], 1));
    }
}
