//! Transfer entropy between binarised spike trains, for directed functional
//! connectivity.
//!
//! Transfer entropy from `Y` to `X` (Schreiber 2000, Phys Rev Lett 85:461) with
//! history length 1 and a delay of one bin, on spike trains binned and binarised
//! (1 when a bin holds any spike), as in Ito et al. (2011, PLoS ONE 6:e27431):
//!
//! `TE(Y→X) = Σ p(x_{t+1}, x_t, y_t) log₂ [p(x_{t+1} | x_t, y_t) / p(x_{t+1} | x_t)]`
//!
//! in bits per bin, with probabilities the plug-in frequencies over the `n - 1` bin
//! pairs `(t, t + 1)`. The plug-in estimate is biased upward by about
//! `1 / (2 (n - 1) ln 2)` bits for independent trains (two more free parameters in the
//! full model), so compare against shuffled surrogates or that bias before calling a
//! link. Elephant 1.2 has no transfer entropy; the tests check closed forms.
//!
//! Every train becomes a bit set, and the 8 joint-state counts of a pair come from three
//! popcounts over `n/64` words (`x_t ∧ y_t`, `x_{t+1} ∧ y_t`, `x_{t+1} ∧ x_t ∧ y_t`) plus
//! per-neuron counts, so a 1,000-neuron matrix over 2,000 bins is ~10⁸ word operations,
//! rows in parallel.

use rayon::prelude::*;

use crate::binning::BinnedSpikeTrains;
use crate::correlation::Matrix;

/// A neuron's binarised train as bits `x_t` for `t < n - 1` and, shifted by one,
/// `x_{t+1}`.
struct Bits {
    now: Vec<u64>,
    next: Vec<u64>,
    n_now: u32,
    n_next: u32,
    n_next_and_now: u32,
}

fn popcount_and(a: &[u64], b: &[u64]) -> u32 {
    a.iter().zip(b).map(|(x, y)| (x & y).count_ones()).sum()
}

fn popcount_and3(a: &[u64], b: &[u64], c: &[u64]) -> u32 {
    a.iter().zip(b).zip(c).map(|((x, y), z)| (x & y & z).count_ones()).sum()
}

fn bits(binned: &BinnedSpikeTrains, i: usize) -> Bits {
    let n = binned.n_bins();
    let words = (n - 1).div_ceil(64);
    let (mut now, mut next) = (vec![0u64; words], vec![0u64; words]);
    for &(b, _) in binned.row(i) {
        let b = b as usize;
        // x_t for t = b, only while t + 1 is still a bin.
        if b < n - 1 {
            now[b / 64] |= 1 << (b % 64);
        }
        // x_{t+1} for t = b - 1.
        if b >= 1 {
            next[(b - 1) / 64] |= 1 << ((b - 1) % 64);
        }
    }
    let count = |v: &[u64]| v.iter().map(|w| w.count_ones()).sum();
    Bits { n_now: count(&now), n_next: count(&next), n_next_and_now: popcount_and(&next, &now), now, next }
}

/// `TE(source → target)` in bits from the joint counts (see the [module docs](self)).
fn te_from_bits(target: &Bits, source: &Bits, n: f64) -> f64 {
    // Counts with x = target now, c = target next, y = source now.
    let xy = popcount_and(&target.now, &source.now) as f64;
    let cy = popcount_and(&target.next, &source.now) as f64;
    let cxy = popcount_and3(&target.next, &target.now, &source.now) as f64;
    let (x, c, cx, y) = (target.n_now as f64, target.n_next as f64, target.n_next_and_now as f64, source.n_now as f64);
    let mut te = 0.0;
    for xs in [0, 1] {
        for ys in [0, 1] {
            // n(x_t, y_t) by inclusion–exclusion.
            let n_xy = match (xs, ys) {
                (1, 1) => xy,
                (1, 0) => x - xy,
                (0, 1) => y - xy,
                _ => n - x - y + xy,
            };
            // n(x_{t+1} = 1, x_t, y_t).
            let n_1xy = match (xs, ys) {
                (1, 1) => cxy,
                (1, 0) => cx - cxy,
                (0, 1) => cy - cxy,
                _ => c - cx - cy + cxy,
            };
            let n_x = if xs == 1 { x } else { n - x };
            let n_1x = if xs == 1 { cx } else { c - cx };
            for (n_cxy, n_cx) in [(n_1xy, n_1x), (n_xy - n_1xy, n_x - n_1x)] {
                if n_cxy > 0.0 {
                    te += n_cxy / n * (n_cxy * n_x / (n_xy * n_cx)).log2();
                }
            }
        }
    }
    // Sums of non-negative terms can round a hair below 0 for independent trains.
    te.max(0.0)
}

/// Transfer entropy from neuron `source` to neuron `target` in bits per bin; NaN with
/// fewer than 2 bins.
pub fn transfer_entropy(binned: &BinnedSpikeTrains, source: usize, target: usize) -> f64 {
    if binned.n_bins() < 2 {
        return f64::NAN;
    }
    let n = (binned.n_bins() - 1) as f64;
    te_from_bits(&bits(binned, target), &bits(binned, source), n)
}

/// Transfer entropy of every ordered pair: entry `(i, j)` is `TE(i → j)` in bits per bin,
/// the diagonal 0. All NaN with fewer than 2 bins.
pub fn transfer_entropy_matrix(binned: &BinnedSpikeTrains) -> Matrix {
    let n = binned.n_neurons();
    if binned.n_bins() < 2 {
        return Matrix { n, values: vec![f64::NAN; n * n] };
    }
    let all: Vec<Bits> = (0..n).into_par_iter().map(|i| bits(binned, i)).collect();
    let pairs = (binned.n_bins() - 1) as f64;
    let values = (0..n)
        .into_par_iter()
        .flat_map_iter(|i| {
            let all = &all;
            (0..n).map(move |j| if i == j { 0.0 } else { te_from_bits(&all[j], &all[i], pairs) })
        })
        .collect();
    Matrix { n, values }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::SpikeTrains;

    /// Bernoulli(p) bins from xorshift64*, as spike times at bin centres of 1 ms bins.
    fn bernoulli(n: usize, p: f64, seed: u64) -> Vec<bool> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                s ^= s >> 12;
                s ^= s << 25;
                s ^= s >> 27;
                ((s.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64) < p
            })
            .collect()
    }

    fn binned(trains: &[Vec<bool>]) -> BinnedSpikeTrains {
        let n = trains[0].len();
        let times =
            trains.iter().map(|b| (0..n).filter(|&t| b[t]).map(|t| (t as f64 + 0.5) * 1e-3).collect()).collect();
        BinnedSpikeTrains::new(&SpikeTrains::new(times, 0.0, n as f64 * 1e-3).unwrap(), 1e-3).unwrap()
    }

    fn entropy(p: f64) -> f64 {
        -(p * p.log2() + (1.0 - p) * (1.0 - p).log2())
    }

    /// TE by the definition, summing over the observed states with a map.
    fn te_direct(x: &[bool], y: &[bool]) -> f64 {
        let n = x.len() - 1;
        let mut c = [[[0.0f64; 2]; 2]; 2];
        for t in 0..n {
            c[x[t + 1] as usize][x[t] as usize][y[t] as usize] += 1.0;
        }
        let mut te = 0.0;
        for ca in &c {
            for (b, cab) in ca.iter().enumerate() {
                for (d, &j) in cab.iter().enumerate() {
                    if j > 0.0 {
                        let n_bd = c[0][b][d] + c[1][b][d];
                        let n_ab: f64 = cab.iter().sum();
                        let n_b: f64 = c[0][b].iter().chain(&c[1][b]).sum();
                        te += j / n as f64 * ((j / n_bd) / (n_ab / n_b)).log2();
                    }
                }
            }
        }
        te
    }

    #[test]
    fn a_copied_train_transfers_its_entropy() {
        // x_{t+1} = y_t with y i.i.d. Bernoulli(0.2): TE(y→x) = H(0.2) = 0.7219 bits, and
        // x's past says nothing of y's future, so TE(x→y) is only the plug-in bias
        // (~1/(2 n ln 2) = 7e-6 bits for n = 1e5).
        let y = bernoulli(100_000, 0.2, 7);
        let mut x = vec![false; y.len()];
        x[1..].copy_from_slice(&y[..y.len() - 1]);
        let b = binned(&[x.clone(), y.clone()]);
        let m = transfer_entropy_matrix(&b);
        let te_yx = m.get(1, 0);
        assert!((te_yx - entropy(0.2)).abs() < 0.01, "{te_yx}");
        assert!(m.get(0, 1) < 1e-3, "{}", m.get(0, 1));
        assert!((te_yx - te_direct(&x, &y)).abs() < 1e-12);
        assert_eq!(transfer_entropy(&b, 1, 0), te_yx);
    }

    #[test]
    fn bit_counts_match_the_definition_on_random_trains() {
        // Word boundaries (n not a multiple of 64) and all 8 states occur.
        let x = bernoulli(1_000, 0.3, 11);
        let y = bernoulli(1_000, 0.6, 12);
        let b = binned(&[x.clone(), y.clone()]);
        assert!((transfer_entropy(&b, 1, 0) - te_direct(&x, &y)).abs() < 1e-12);
        assert!((transfer_entropy(&b, 0, 1) - te_direct(&y, &x)).abs() < 1e-12);
    }
}
