//! Scores of a prediction against the truth.
//!
//! NRMSE here is the RMSE divided by the standard deviation of the truth (the
//! usual convention for NARMA and Mackey-Glass);
//! reservoirpy's `nrmse` divides by the range (max − min) by default, which
//! [`nrmse_range`] gives. Multi-dimensional series are row-major, `dim` values per step.

/// Mean and population standard deviation of `x`.
pub fn mean_std(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    (mean, var.sqrt())
}

/// Root mean squared error.
pub fn rmse(truth: &[f64], pred: &[f64]) -> f64 {
    assert_eq!(truth.len(), pred.len(), "truth and prediction have the same length");
    (truth.iter().zip(pred).map(|(a, b)| (a - b).powi(2)).sum::<f64>() / truth.len() as f64).sqrt()
}

/// RMSE over the standard deviation of the truth (pooled over dimensions).
pub fn nrmse(truth: &[f64], pred: &[f64]) -> f64 {
    rmse(truth, pred) / mean_std(truth).1
}

/// RMSE over the range of the truth (reservoirpy's default normalisation).
pub fn nrmse_range(truth: &[f64], pred: &[f64]) -> f64 {
    let (lo, hi) = truth.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| (l.min(*v), h.max(*v)));
    rmse(truth, pred) / (hi - lo)
}

/// Coefficient of determination `1 − SS_res / SS_tot`.
pub fn r_squared(truth: &[f64], pred: &[f64]) -> f64 {
    let (mean, _) = mean_std(truth);
    let ss_res: f64 = truth.iter().zip(pred).map(|(a, b)| (a - b).powi(2)).sum();
    let ss_tot: f64 = truth.iter().map(|a| (a - mean).powi(2)).sum();
    1.0 - ss_res / ss_tot
}

/// Squared Pearson correlation of `a` and `b` (0 when either is constant).
pub fn squared_correlation(a: &[f64], b: &[f64]) -> f64 {
    let (ma, sa) = mean_std(a);
    let (mb, sb) = mean_std(b);
    if sa == 0.0 || sb == 0.0 {
        return 0.0;
    }
    let cov = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum::<f64>() / a.len() as f64;
    (cov / (sa * sb)).powi(2)
}

/// Valid prediction time in steps (Pathak et al. 2018, *PRL* 120:024102): the first step
/// at which the error, normalised per dimension by the truth's standard deviation and
/// averaged over dimensions, exceeds `threshold` (0.4 in the literature); the whole
/// length when it never does.
pub fn valid_prediction_steps(truth: &[f64], pred: &[f64], dim: usize, threshold: f64) -> usize {
    let steps = truth.len() / dim;
    let std: Vec<f64> =
        (0..dim).map(|d| mean_std(&truth.iter().skip(d).step_by(dim).copied().collect::<Vec<_>>()).1).collect();
    for t in 0..steps {
        let e: f64 = (0..dim).map(|d| ((truth[t * dim + d] - pred[t * dim + d]) / std[d]).powi(2)).sum::<f64>();
        if (e / dim as f64).sqrt() > threshold {
            return t;
        }
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_of_known_errors() {
        let truth = [1.0, -1.0, 1.0, -1.0];
        let pred = [1.5, -0.5, 1.5, -0.5];
        assert!((rmse(&truth, &pred) - 0.5).abs() < 1e-15);
        assert!((nrmse(&truth, &pred) - 0.5).abs() < 1e-15);
        assert!((nrmse_range(&truth, &pred) - 0.25).abs() < 1e-15);
        assert!((r_squared(&truth, &pred) - 0.75).abs() < 1e-15);
        assert!((squared_correlation(&truth, &pred) - 1.0).abs() < 1e-15);
    }

    #[test]
    fn valid_time_is_the_first_large_error() {
        let truth: Vec<f64> = (0..100).map(|t| (t as f64 * 0.3).sin()).collect();
        let mut pred = truth.clone();
        for v in pred.iter_mut().skip(40) {
            *v += 1.0;
        }
        assert_eq!(valid_prediction_steps(&truth, &pred, 1, 0.4), 40);
        assert_eq!(valid_prediction_steps(&truth, &truth, 1, 0.4), 100);
    }
}
