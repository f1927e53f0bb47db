//! Functional connectivity from pairwise correlation.
//!
//! A functional link joins two neurons whose binned spike counts are correlated beyond
//! chance. Under independence the Fisher transform `atanh(r)` of a Pearson coefficient
//! over `n` bins is approximately normal with variance `1/(n - 3)` (Fisher 1921), so
//! `|r| > tanh(z / √(n - 3))` is significant at `z` standard deviations (two-sided; e.g.
//! `z = 3.29` for p = 0.001 per pair). Counts of sparse spike trains are far from normal,
//! so the threshold is a screening rule, not an exact test; surrogate methods are the
//! rigorous alternative.

use crate::correlation::Matrix;

/// A functional link between neurons `i < j` with the correlation that made it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    /// The lower neuron index.
    pub i: usize,
    /// The higher neuron index.
    pub j: usize,
    /// Pearson correlation of the pair.
    pub r: f64,
}

/// Correlation magnitude significant at `z` standard deviations for `n_bins` bins
/// (Fisher's approximation, see the [module docs](self)); NaN for fewer than 4 bins.
pub fn significance_threshold(n_bins: usize, z: f64) -> f64 {
    if n_bins < 4 {
        return f64::NAN;
    }
    (z / ((n_bins - 3) as f64).sqrt()).tanh()
}

/// Links of every pair whose correlation magnitude exceeds `threshold` (NaN
/// correlations never link), ordered by `(i, j)`.
pub fn functional_links(corr: &Matrix, threshold: f64) -> Vec<Link> {
    let mut links = Vec::new();
    for i in 0..corr.n {
        for j in i + 1..corr.n {
            let r = corr.get(i, j);
            if r.abs() > threshold {
                links.push(Link { i, j, r });
            }
        }
    }
    links
}

/// Number of links of each of `n` neurons.
pub fn degrees(links: &[Link], n: usize) -> Vec<usize> {
    let mut d = vec![0; n];
    for l in links {
        d[l.i] += 1;
        d[l.j] += 1;
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_and_links() {
        // n = 103 bins: tanh(2 / 10) = 0.19738.
        assert!((significance_threshold(103, 2.0) - 0.2f64.tanh()).abs() < 1e-15);
        assert!(significance_threshold(3, 2.0).is_nan());
        let corr = Matrix { n: 3, values: vec![1.0, 0.5, -0.3, 0.5, 1.0, f64::NAN, -0.3, f64::NAN, 1.0] };
        let links = functional_links(&corr, 0.25);
        assert_eq!(links, vec![Link { i: 0, j: 1, r: 0.5 }, Link { i: 0, j: 2, r: -0.3 }]);
        assert_eq!(degrees(&links, 3), vec![2, 1, 1]);
    }
}
