//! Spike-time tiling coefficient (STTC) of Cutts & Eglen (2014), J Neurosci 34:14288.
//!
//! For trains `A` and `B` over `[t_start, t_stop]` and a synchrony window `Δt`:
//! * `T_A` is the fraction of the recording within `±Δt` of some spike of `A` (clipped
//!   to the recording), likewise `T_B`;
//! * `P_A` is the fraction of `A`'s spikes within `Δt` of some spike of `B` (`|t_a - t_b|
//!   ≤ Δt`), likewise `P_B`;
//! * `STTC = ½ ((P_A - T_B) / (1 - P_A T_B) + (P_B - T_A) / (1 - P_B T_A))` (eq. 1 of
//!   the paper), with Elephant's handling of the degenerate `P T = 1` terms.
//!
//! NaN when either train is empty. Elephant 1.2 tests `|t_a - t_b| ≤ Δt` with NumPy's
//! `isclose`, which adds a relative tolerance `1e-5 |t_b|`; this module uses the paper's
//! exact window, so the two differ only for pairs `Δt < |t_a - t_b| ≤ Δt + 1e-5 |t_b|`.
//! `P` uses two moving pointers and `T` one pass, so a pair costs `O(|A| + |B|)`.

use rayon::prelude::*;

use crate::correlation::Matrix;
use crate::error::{positive, AnalysisError};
use crate::train::SpikeTrains;

/// Fraction of the window `[t_start, t_stop]` within `±dt` of a spike of `train`
/// (Elephant's `run_t`: gaps longer than `2 dt` count `2 dt`, the edges at most `dt`).
fn tiled_fraction(train: &[f64], dt: f64, t_start: f64, t_stop: f64) -> f64 {
    let mut covered = 0.0;
    for w in train.windows(2) {
        covered += (w[1] - w[0]).min(2.0 * dt);
    }
    let first = train[0] - t_start;
    covered += if first < dt { first } else { dt };
    let last = t_stop - train[train.len() - 1];
    covered += if last < dt { last } else { dt };
    covered / (t_stop - t_start)
}

/// Fraction of the spikes of `a` within `dt` of a spike of `b` (both sorted).
fn proportion_near(a: &[f64], b: &[f64], dt: f64) -> f64 {
    let mut k = 0;
    let mut near = 0usize;
    for &t in a {
        // First spike of b not more than dt before t.
        while k < b.len() && b[k] < t - dt {
            k += 1;
        }
        if k < b.len() && (b[k] - t).abs() <= dt {
            near += 1;
        }
    }
    near as f64 / a.len() as f64
}

/// STTC of two sorted trains over `[t_start, t_stop]` with window `dt` seconds.
pub fn sttc(a: &[f64], b: &[f64], dt: f64, t_start: f64, t_stop: f64) -> f64 {
    if a.is_empty() || b.is_empty() {
        return f64::NAN;
    }
    let (ta, tb) = (tiled_fraction(a, dt, t_start, t_stop), tiled_fraction(b, dt, t_start, t_stop));
    let (pa, pb) = (proportion_near(a, b, dt), proportion_near(b, a, dt));
    // Elephant's branches for a vanishing denominator, so results agree exactly.
    if pa * tb == 1.0 && pb * ta == 1.0 {
        1.0
    } else if pa * tb == 1.0 {
        0.5 + 0.5 * (pb - ta) / (1.0 - pb * ta)
    } else if pb * ta == 1.0 {
        0.5 + 0.5 * (pa - tb) / (1.0 - pa * tb)
    } else {
        0.5 * (pa - tb) / (1.0 - pa * tb) + 0.5 * (pb - ta) / (1.0 - pb * ta)
    }
}

/// STTC of every pair of trains (symmetric, diagonal 1 for non-empty trains), rows in
/// parallel.
pub fn sttc_matrix(trains: &SpikeTrains, dt: f64) -> Result<Matrix, AnalysisError> {
    positive("dt", dt)?;
    let n = trains.len();
    let (t0, t1) = (trains.t_start(), trains.t_stop());
    let values = (0..n)
        .into_par_iter()
        .flat_map_iter(|i| (0..n).map(move |j| sttc(trains.train(i), trains.train(j), dt, t0, t1)))
        .collect();
    Ok(Matrix { n, values })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_trains_have_sttc_one() {
        let a = [0.1, 0.4, 0.7];
        assert_eq!(sttc(&a, &a, 0.005, 0.0, 1.0), 1.0);
    }

    #[test]
    fn hand_computed_pair() {
        // A = {0.1, 0.5}, B = {0.102, 0.9}, dt = 0.01, 1 s.
        // T_A = T_B = 4 dt = 0.04; P_A = 1/2, P_B = 1/2.
        // STTC = (0.5 - 0.04) / (1 - 0.02) = 0.46 / 0.98.
        let s = sttc(&[0.1, 0.5], &[0.102, 0.9], 0.01, 0.0, 1.0);
        assert!((s - 0.46 / 0.98).abs() < 1e-12, "{s}");
    }

    #[test]
    fn edges_clip_the_tiled_time() {
        // Spike 2 ms after t_start and 3 ms before t_stop with dt = 5 ms.
        let t = tiled_fraction(&[0.002, 0.997], 0.005, 0.0, 1.0);
        assert!((t - (0.002 + 0.005 + 0.005 + 0.003)).abs() < 1e-15);
        assert!(sttc(&[], &[0.5], 0.005, 0.0, 1.0).is_nan());
    }
}
