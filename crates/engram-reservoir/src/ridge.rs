//! Ridge regression readout in closed form, with the regularisation chosen by k-fold
//! cross-validation when asked.
//!
//! The readout is `y = Wᵀ x + c`. As reservoirpy's `Ridge(fit_bias=True)` (and
//! scikit-learn's `Ridge`), the intercept `c` is not penalised: states and targets are
//! centred, `(X_cᵀ X_c + λ I) W = X_cᵀ Y_c` is solved by Cholesky (faer), and
//! `c = ȳ − Wᵀ x̄` (Hastie, Tibshirani & Friedman, *Elements of Statistical Learning*,
//! §3.4.1). Everything is computed from the moments `Σ x xᵀ`, `Σ x yᵀ`, `Σ x`, `Σ y`,
//! which add over samples: the Gram matrix of 10,000 states of 2,000 units is one
//! symmetric rank-k product, and a cross-validation fold's training moments are the
//! total minus the fold's own.

use faer::linalg::matmul::matmul;
use faer::linalg::matmul::triangular::{self, BlockStructure};
use faer::linalg::solvers::Solve;
use faer::{Accum, Mat, MatRef, Par, Side};

use crate::lockstep::usable_threads;

/// Sufficient statistics of a set of (state, target) samples.
#[derive(Clone, Debug)]
pub struct Moments {
    /// `Σ x xᵀ` (`N × N`); only the lower triangle is kept up to date.
    pub xx: Mat<f64>,
    /// `Σ x yᵀ` (`N × outputs`).
    pub xy: Mat<f64>,
    /// `Σ x`.
    pub sum_x: Vec<f64>,
    /// `Σ y`.
    pub sum_y: Vec<f64>,
    /// Number of samples.
    pub count: usize,
}

fn par() -> Par {
    Par::rayon(usable_threads())
}

impl Moments {
    /// The moments of no samples, for `n` units and `outputs` outputs.
    pub fn zeros(n: usize, outputs: usize) -> Moments {
        Moments {
            xx: Mat::zeros(n, n),
            xy: Mat::zeros(n, outputs),
            sum_x: vec![0.0; n],
            sum_y: vec![0.0; outputs],
            count: 0,
        }
    }

    /// Moments of the samples `states` (`N × T`, one column per sample) and `targets`
    /// (`T × outputs`).
    pub fn of(states: MatRef<'_, f64>, targets: MatRef<'_, f64>) -> Moments {
        let mut m = Moments::zeros(states.nrows(), targets.ncols());
        m.add(states, targets);
        m
    }

    /// Adds the samples `states` (`N × T`) and `targets` (`T × outputs`): a run can
    /// hand over its states block by block instead of keeping them all.
    pub fn add(&mut self, states: MatRef<'_, f64>, targets: MatRef<'_, f64>) {
        let (n, t) = (states.nrows(), states.ncols());
        assert_eq!(targets.nrows(), t, "one target row per state column");
        assert_eq!((n, targets.ncols()), (self.xx.nrows(), self.xy.ncols()), "the moments' sizes");
        if t == 0 {
            // A block that lies wholly in the washout.
            return;
        }
        triangular::matmul(
            self.xx.as_mut(),
            BlockStructure::TriangularLower,
            Accum::Add,
            states,
            BlockStructure::Rectangular,
            states.transpose(),
            BlockStructure::Rectangular,
            1.0,
            par(),
        );
        // `Σ x yᵀ` and `Σ x` in one pass over the states, as `X [Y 1]`: summing each
        // row of the column-major states on its own would read them with a stride of
        // `N` (one cache line per value: 60 ms for 10,000 states of 2,000 units).
        let outputs = targets.ncols();
        let targets_and_one =
            Mat::<f64>::from_fn(t, outputs + 1, |i, j| if j < outputs { targets[(i, j)] } else { 1.0 });
        let mut xy1 = Mat::<f64>::zeros(n, outputs + 1);
        matmul(xy1.as_mut(), Accum::Replace, states, targets_and_one.as_ref(), 1.0, par());
        self.xy += xy1.subcols(0, outputs);
        for (s, x) in self.sum_x.iter_mut().zip(xy1.col(outputs).iter()) {
            *s += x;
        }
        for (j, s) in self.sum_y.iter_mut().enumerate() {
            *s += targets.col(j).iter().sum::<f64>();
        }
        self.count += t;
    }

    /// The moments of the samples in `self` but not in `part` (which must be a subset).
    pub fn without(&self, part: &Moments) -> Moments {
        Moments {
            xx: &self.xx - &part.xx,
            xy: &self.xy - &part.xy,
            sum_x: self.sum_x.iter().zip(&part.sum_x).map(|(a, b)| a - b).collect(),
            sum_y: self.sum_y.iter().zip(&part.sum_y).map(|(a, b)| a - b).collect(),
            count: self.count - part.count,
        }
    }

    /// The sum of two sets of moments.
    pub fn plus(&self, other: &Moments) -> Moments {
        Moments {
            xx: &self.xx + &other.xx,
            xy: &self.xy + &other.xy,
            sum_x: self.sum_x.iter().zip(&other.sum_x).map(|(a, b)| a + b).collect(),
            sum_y: self.sum_y.iter().zip(&other.sum_y).map(|(a, b)| a + b).collect(),
            count: self.count + other.count,
        }
    }
}

/// A fitted linear readout `y = Wᵀ x + c`.
#[derive(Clone, Debug)]
pub struct Ridge {
    /// `W`, `N × outputs`.
    pub weights: Mat<f64>,
    /// The intercept `c`.
    pub intercept: Vec<f64>,
    /// The regularisation `λ` it was fitted with.
    pub ridge: f64,
}

impl Ridge {
    /// Solves the centred ridge problem of `m` with regularisation `ridge`.
    pub fn from_moments(m: &Moments, ridge: f64) -> Ridge {
        let n = m.xx.nrows();
        let count = m.count as f64;
        let mean_x: Vec<f64> = m.sum_x.iter().map(|s| s / count).collect();
        let mean_y: Vec<f64> = m.sum_y.iter().map(|s| s / count).collect();
        // X_cᵀX_c = Σ x xᵀ − T x̄ x̄ᵀ and X_cᵀY_c = Σ x yᵀ − T x̄ ȳᵀ.
        // Only the lower triangle is formed and read (Side::Lower), column by column:
        // contiguous in faer's column-major layout (mirroring it cost 17 ms at N = 2,000).
        let mut a = m.xx.clone();
        for j in 0..n {
            let col = &mut a.col_as_slice_mut(j)[j..];
            for (a_ij, mean_i) in col.iter_mut().zip(&mean_x[j..]) {
                *a_ij -= count * mean_i * mean_x[j];
            }
            col[0] += ridge;
        }
        let b = Mat::<f64>::from_fn(n, m.xy.ncols(), |i, j| m.xy[(i, j)] - count * mean_x[i] * mean_y[j]);
        let weights = match a.llt(Side::Lower) {
            Ok(llt) => llt.solve(&b),
            // Without regularisation the centred Gram matrix may be singular (a constant
            // unit, fewer samples than units); the symmetric indefinite factorisation
            // still gives a solution.
            Err(_) => a.lblt(Side::Lower).solve(&b),
        };
        let intercept =
            (0..m.xy.ncols()).map(|j| mean_y[j] - (0..n).map(|i| weights[(i, j)] * mean_x[i]).sum::<f64>()).collect();
        Ridge { weights, intercept, ridge }
    }

    /// Fits on `states` (`N × T`) and `targets` (`T × outputs`).
    pub fn fit(states: MatRef<'_, f64>, targets: MatRef<'_, f64>, ridge: f64) -> Ridge {
        Ridge::from_moments(&Moments::of(states, targets), ridge)
    }

    /// Outputs for `states` (`N × T`): a `T × outputs` matrix.
    pub fn predict(&self, states: MatRef<'_, f64>) -> Mat<f64> {
        let mut out = Mat::<f64>::zeros(states.ncols(), self.weights.ncols());
        matmul(out.as_mut(), Accum::Replace, states.transpose(), self.weights.as_ref(), 1.0, par());
        for j in 0..out.ncols() {
            for t in 0..out.nrows() {
                out[(t, j)] += self.intercept[j];
            }
        }
        out
    }

    /// The output for one state.
    pub fn predict_one(&self, state: &[f64], out: &mut [f64]) {
        for (j, o) in out.iter_mut().enumerate() {
            *o = self.intercept[j] + state.iter().enumerate().map(|(i, x)| self.weights[(i, j)] * x).sum::<f64>();
        }
    }
}

/// The outcome of choosing `λ` by cross-validation.
#[derive(Clone, Debug)]
pub struct CrossValidation {
    /// Each candidate `λ` with its mean validation mean-squared error.
    pub scores: Vec<(f64, f64)>,
    /// The readout refitted on all samples with the best `λ`.
    pub readout: Ridge,
}

/// Chooses `λ` among `candidates` by `folds`-fold cross-validation on contiguous
/// blocks of time (shuffled folds would leak information between neighbouring,
/// strongly correlated states), then refits on everything.
pub fn cross_validate(
    states: MatRef<'_, f64>,
    targets: MatRef<'_, f64>,
    candidates: &[f64],
    folds: usize,
) -> CrossValidation {
    let t = states.ncols();
    let folds = folds.clamp(2, t.max(2));
    let bounds: Vec<usize> = (0..=folds).map(|k| k * t / folds).collect();
    let parts: Vec<Moments> = (0..folds)
        .map(|k| {
            let (lo, hi) = (bounds[k], bounds[k + 1]);
            Moments::of(states.subcols(lo, hi - lo), targets.subrows(lo, hi - lo))
        })
        .collect();
    let total = parts[1..].iter().fold(parts[0].clone(), |acc, p| acc.plus(p));
    let mut scores = Vec::with_capacity(candidates.len());
    for &ridge in candidates {
        let mut sq = 0.0;
        for (k, part) in parts.iter().enumerate() {
            let readout = Ridge::from_moments(&total.without(part), ridge);
            let (lo, hi) = (bounds[k], bounds[k + 1]);
            let pred = readout.predict(states.subcols(lo, hi - lo));
            let truth = targets.subrows(lo, hi - lo);
            for j in 0..pred.ncols() {
                for i in 0..pred.nrows() {
                    sq += (pred[(i, j)] - truth[(i, j)]).powi(2);
                }
            }
        }
        scores.push((ridge, sq / (t * targets.ncols()) as f64));
    }
    let best = scores.iter().min_by(|a, b| a.1.total_cmp(&b.1)).map_or(0.0, |s| s.0);
    CrossValidation { scores, readout: Ridge::from_moments(&total, best) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> (Mat<f64>, Mat<f64>) {
        // 3 features, 7 samples, 2 outputs: small enough to check by hand-built normal
        // equations.
        let x = Mat::<f64>::from_fn(3, 7, |i, t| ((i * 7 + t) as f64 * 0.61).sin() + 0.1 * i as f64);
        let y = Mat::<f64>::from_fn(7, 2, |t, j| (t as f64 * 0.3 + j as f64).cos());
        (x, y)
    }

    #[test]
    fn moments_added_block_by_block_are_those_of_all_samples() {
        let (x, y) = data();
        let whole = Moments::of(x.as_ref(), y.as_ref());
        let mut blocks = Moments::zeros(3, 2);
        for (lo, hi) in [(0, 3), (3, 3), (3, 4), (4, 7)] {
            blocks.add(x.subcols(lo, hi - lo), y.subrows(lo, hi - lo));
        }
        assert_eq!(blocks.count, 7);
        for i in 0..3 {
            assert!((blocks.sum_x[i] - whole.sum_x[i]).abs() < 1e-12);
            for j in 0..=i {
                assert!((blocks.xx[(i, j)] - whole.xx[(i, j)]).abs() < 1e-12);
            }
            for j in 0..2 {
                assert!((blocks.xy[(i, j)] - whole.xy[(i, j)]).abs() < 1e-12);
            }
        }
        for j in 0..2 {
            assert!((blocks.sum_y[j] - whole.sum_y[j]).abs() < 1e-12);
        }
    }

    #[test]
    fn ridge_solves_the_centred_normal_equations() {
        let (x, y) = data();
        let ridge = 0.05;
        let r = Ridge::fit(x.as_ref(), y.as_ref(), ridge);
        // Direct: centre, then (XcXcᵀ + λI) W = Xc Yc with a dense LU solve.
        let mx: Vec<f64> = (0..3).map(|i| x.row(i).iter().sum::<f64>() / 7.0).collect();
        let my: Vec<f64> = (0..2).map(|j| y.col(j).iter().sum::<f64>() / 7.0).collect();
        let xc = Mat::<f64>::from_fn(3, 7, |i, t| x[(i, t)] - mx[i]);
        let yc = Mat::<f64>::from_fn(7, 2, |t, j| y[(t, j)] - my[j]);
        let a = &xc * xc.transpose() + Mat::<f64>::identity(3, 3) * faer::Scale(ridge);
        let w = a.partial_piv_lu().solve(&xc * &yc);
        for i in 0..3 {
            for j in 0..2 {
                assert!((r.weights[(i, j)] - w[(i, j)]).abs() < 1e-12);
            }
        }
        // The intercept makes the mean prediction equal the mean target.
        let pred = r.predict(x.as_ref());
        for (j, mean_target) in my.iter().enumerate() {
            let mean_pred = pred.col(j).iter().sum::<f64>() / 7.0;
            assert!((mean_pred - mean_target).abs() < 1e-12);
        }
    }

    #[test]
    fn an_exact_linear_map_is_recovered_without_regularisation() {
        let x = Mat::<f64>::from_fn(4, 50, |i, t| ((i + 1) as f64 * t as f64 * 0.37).sin());
        let y = Mat::<f64>::from_fn(50, 1, |t, _| 2.0 * x[(0, t)] - 0.5 * x[(3, t)] + 0.25);
        let r = Ridge::fit(x.as_ref(), y.as_ref(), 0.0);
        assert!((r.weights[(0, 0)] - 2.0).abs() < 1e-10 && (r.weights[(3, 0)] + 0.5).abs() < 1e-10);
        assert!((r.intercept[0] - 0.25).abs() < 1e-10);
    }

    #[test]
    fn cross_validation_prefers_little_regularisation_for_noiseless_data() {
        let x = Mat::<f64>::from_fn(4, 200, |i, t| ((i + 1) as f64 * t as f64 * 0.37).sin());
        let y = Mat::<f64>::from_fn(200, 1, |t, _| x[(0, t)] - x[(1, t)]);
        let cv = cross_validate(x.as_ref(), y.as_ref(), &[1e-8, 1e-2, 10.0, 1e3], 5);
        assert_eq!(cv.readout.ridge, 1e-8);
        assert!(cv.scores.windows(2).all(|w| w[0].1 <= w[1].1));
    }
}
