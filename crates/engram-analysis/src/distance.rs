//! Spike-train distances: van Rossum (2001) and Victor & Purpura (1996).
//!
//! **van Rossum** (Neural Comput 13:751), as Elephant 1.2's `van_rossum_distance`: each
//! train is convolved with a causal exponential `exp(-t/τ)` and
//! `D² = S(a,a) + S(b,b) - 2 S(a,b)` with `S(a,b) = Σ_i Σ_j exp(-|a_i - b_j| / τ)`
//! (Elephant's normalisation: no factor `1/τ` or `1/2`). `S` is computed in `O(|a| + |b|)`
//! by the recursive sum of Houghton & Kreuz (2012, Network 23:48): sweeping forward, the
//! sum over earlier spikes decays by `exp(-Δt/τ)` between events; a backward sweep adds
//! the later ones. Round-off negatives of `D²` are set to 0 before the square root, as
//! in Elephant.
//!
//! **Victor–Purpura** (J Neurophysiol 76:1310): the least total cost of turning one train
//! into the other with unit-cost insertions and deletions and shifts costing `q |Δt|`,
//! by the dynamic programme of the paper (`G[i][j] = min(G[i-1][j] + 1, G[i][j-1] + 1,
//! G[i-1][j-1] + q |a_i - b_j|)`), `O(|a| |b|)` time and `O(min)` memory. A shift
//! costing more than 2 is never used (deletion plus insertion is cheaper), which is how
//! Elephant's kernel form with a triangular kernel of half-width `2/q` encodes it.

use rayon::prelude::*;

use crate::correlation::Matrix;
use crate::error::{positive, AnalysisError};
use crate::train::SpikeTrains;

/// `Σ_i Σ_j exp(-|a_i - b_j| / tau)` for sorted `a`, `b`, in `O(|a| + |b|)`.
fn summed_kernel(a: &[f64], b: &[f64], tau: f64) -> f64 {
    let mut total = 0.0;
    // Spikes of b at or before each a_i.
    // `acc` restarts from the first spike of b, never decayed from an arbitrary origin:
    // exp(±t/τ) from 0 would overflow for t > 709 τ (7 s at τ = 10 ms) and give 0 · ∞.
    let (mut acc, mut last, mut k) = (0.0, 0.0, 0);
    for &t in a {
        while k < b.len() && b[k] <= t {
            acc = if k == 0 { 1.0 } else { acc * (-(b[k] - last) / tau).exp() + 1.0 };
            last = b[k];
            k += 1;
        }
        if k > 0 {
            total += acc * (-(t - last) / tau).exp();
        }
    }
    // Spikes of b strictly after each a_i.
    let (mut acc, mut last, mut k) = (0.0, 0.0, b.len());
    for &t in a.iter().rev() {
        while k > 0 && b[k - 1] > t {
            acc = if k == b.len() { 1.0 } else { acc * (-(last - b[k - 1]) / tau).exp() + 1.0 };
            last = b[k - 1];
            k -= 1;
        }
        if k < b.len() {
            total += acc * (-(last - t) / tau).exp();
        }
    }
    total
}

/// van Rossum distance between two sorted trains with time constant `tau` seconds (see
/// the [module docs](self)).
pub fn van_rossum(a: &[f64], b: &[f64], tau: f64) -> f64 {
    let d2 = summed_kernel(a, a, tau) + summed_kernel(b, b, tau) - 2.0 * summed_kernel(a, b, tau);
    // Not `max(0.0)`, which would turn a NaN into a plausible 0.
    if d2 < 0.0 {
        0.0
    } else {
        d2.sqrt()
    }
}

/// Victor–Purpura distance between two sorted trains with shift cost `q` per second
/// (see the [module docs](self)).
pub fn victor_purpura(a: &[f64], b: &[f64], q: f64) -> f64 {
    // Keep the shorter train along the row so memory is O(min(|a|, |b|)).
    let (long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    let mut row: Vec<f64> = (0..=short.len()).map(|j| j as f64).collect();
    for (i, &t) in long.iter().enumerate() {
        let mut diag = row[0];
        row[0] = (i + 1) as f64;
        for (j, &s) in short.iter().enumerate() {
            let shift = diag + (q * (t - s).abs()).min(2.0);
            diag = row[j + 1];
            row[j + 1] = (row[j + 1] + 1.0).min(row[j] + 1.0).min(shift);
        }
    }
    row[short.len()]
}

/// All pairwise distances of `trains` under `dist`, pairs in parallel.
fn pairwise(trains: &SpikeTrains, dist: impl Fn(&[f64], &[f64]) -> f64 + Sync) -> Matrix {
    let n = trains.len();
    let pairs: Vec<(usize, usize)> = (0..n).flat_map(|i| (i + 1..n).map(move |j| (i, j))).collect();
    let d: Vec<f64> = pairs.par_iter().map(|&(i, j)| dist(trains.train(i), trains.train(j))).collect();
    let mut values = vec![0.0; n * n];
    for (&(i, j), &v) in pairs.iter().zip(&d) {
        values[i * n + j] = v;
        values[j * n + i] = v;
    }
    Matrix { n, values }
}

/// van Rossum distance of every pair of trains, as Elephant's `van_rossum_distance`.
pub fn van_rossum_matrix(trains: &SpikeTrains, tau: f64) -> Result<Matrix, AnalysisError> {
    positive("tau", tau)?;
    Ok(pairwise(trains, |a, b| van_rossum(a, b, tau)))
}

/// Victor–Purpura distance of every pair of trains, as Elephant's
/// `victor_purpura_distance` with `cost_factor = q` Hz.
pub fn victor_purpura_matrix(trains: &SpikeTrains, q: f64) -> Result<Matrix, AnalysisError> {
    positive("cost_factor", q)?;
    Ok(pairwise(trains, |a, b| victor_purpura(a, b, q)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `S(a, b)` by the O(n m) definition.
    fn summed_kernel_direct(a: &[f64], b: &[f64], tau: f64) -> f64 {
        a.iter().map(|&x| b.iter().map(|&y| (-(x - y).abs() / tau).exp()).sum::<f64>()).sum()
    }

    #[test]
    fn linear_sum_equals_the_double_sum() {
        let a = [0.01, 0.2, 0.2, 0.35, 0.9];
        let b = [0.0, 0.2, 0.5, 0.51, 0.95, 0.99];
        for tau in [0.005, 0.1, 2.0] {
            for (x, y) in [(&a[..], &b[..]), (&b[..], &a[..]), (&a[..], &a[..]), (&a[..], &[][..])] {
                let fast = summed_kernel(x, y, tau);
                let slow = summed_kernel_direct(x, y, tau);
                assert!((fast - slow).abs() <= 1e-12 * slow.max(1.0), "{fast} {slow}");
            }
        }
    }

    #[test]
    fn van_rossum_closed_forms() {
        // One spike against none: D² = S(a,a) = 1.
        assert_eq!(van_rossum(&[0.3], &[], 0.01), 1.0);
        // Two single spikes Δ apart: D² = 2 - 2 exp(-Δ/τ).
        let d = van_rossum(&[0.3], &[0.31], 0.01);
        assert!((d * d - (2.0 - 2.0 * (-1.0f64).exp())).abs() < 1e-14);
    }

    #[test]
    fn issue9_van_rossum_of_late_spikes_does_not_overflow() {
        // Spikes after 709 τ once made the recursion start from exp(t/τ) = ∞ and the
        // distance 0 (found on a 10 s run with τ = 10 ms).
        let d = van_rossum(&[9.5, 10.0], &[10.01], 0.01);
        let direct = summed_kernel_direct(&[9.5, 10.0], &[9.5, 10.0], 0.01) + 1.0
            - 2.0 * summed_kernel_direct(&[9.5, 10.0], &[10.01], 0.01);
        assert!((d * d - direct).abs() < 1e-12, "{d}");
        assert!(d > 1.0);
    }

    #[test]
    fn victor_purpura_closed_forms() {
        // Shift cheaper than delete + insert: q Δ = 10 × 0.05 = 0.5.
        assert!((victor_purpura(&[0.1], &[0.15], 10.0) - 0.5).abs() < 1e-12);
        // Shift too dear (q Δ = 5): delete and insert, cost 2.
        assert_eq!(victor_purpura(&[0.1], &[0.6], 10.0), 2.0);
        // Unequal counts: one deletion plus the shift.
        assert!((victor_purpura(&[0.1, 0.5], &[0.12], 10.0) - 1.2).abs() < 1e-12);
        assert_eq!(victor_purpura(&[], &[0.1, 0.2], 10.0), 2.0);
    }
}
