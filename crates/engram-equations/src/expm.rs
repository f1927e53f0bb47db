//! The matrix exponential of a small square matrix of any size, for exact integration of
//! linear equations whose size is only known at run time. engram-sim's `propagator::expm`
//! is the same algorithm for sizes fixed at compile time (the built-in models); this
//! crate cannot use it, since the simulator will depend on this crate.

/// `exp(a)` for an `n × n` matrix `a` given row-major, by scaling and squaring with a
/// Taylor series (Moler & Van Loan 2003, method 3): the matrix is halved until its 1-norm
/// is below 0.5, where 20 terms are exact to rounding, then squared back.
pub fn expm(a: &[f64], n: usize) -> Vec<f64> {
    assert_eq!(a.len(), n * n, "expm takes an n × n matrix");
    let norm = (0..n).map(|j| (0..n).map(|i| a[i * n + j].abs()).sum::<f64>()).fold(0.0, f64::max);
    let squarings = if norm > 0.5 { (norm / 0.5).log2().ceil() as i32 } else { 0 };
    let scaled: Vec<f64> = a.iter().map(|x| x * 0.5f64.powi(squarings)).collect();
    let identity = |n: usize| (0..n * n).map(|k| if k / n == k % n { 1.0 } else { 0.0 }).collect::<Vec<f64>>();
    let mut result = identity(n);
    let mut term = identity(n);
    for k in 1..=20 {
        term = matmul(&term, &scaled, n);
        term.iter_mut().for_each(|x| *x /= k as f64);
        result.iter_mut().zip(&term).for_each(|(r, t)| *r += t);
    }
    for _ in 0..squarings {
        result = matmul(&result, &result, n);
    }
    result
}

fn matmul(a: &[f64], b: &[f64], n: usize) -> Vec<f64> {
    let mut c = vec![0.0; n * n];
    for i in 0..n {
        for k in 0..n {
            let aik = a[i * n + k];
            for j in 0..n {
                c[i * n + j] += aik * b[k * n + j];
            }
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::expm;

    #[test]
    fn scalar_and_triangular_closed_forms() {
        let e = expm(&[-2.5], 1);
        assert!((e[0] - (-2.5f64).exp()).abs() < 1e-15);
        // [[-1/a, 1/a], [0, -1/b]] (a membrane driven by a decaying current) has
        // e^{-t/a} and e^{-t/b} on the diagonal and ab/(a-b) (e^{-t/a} - e^{-t/b}) / a
        // above it, the propagator of NEST's iaf_psc_exp.
        let (a, b) = (0.02, 0.005);
        let e = expm(&[-1.0 / a, 1.0 / a, 0.0, -1.0 / b], 2);
        let upper = b / (a - b) * ((-1.0 / a).exp() - (-1.0 / b).exp());
        assert!((e[0] - (-1.0f64 / a).exp()).abs() < 1e-14);
        assert!((e[3] - (-1.0f64 / b).exp()).abs() < 1e-14);
        assert!((e[1] - upper).abs() < 1e-14, "{} vs {upper}", e[1]);
        assert_eq!(e[2], 0.0);
    }

    #[test]
    fn rotation_generator_gives_cos_and_sin() {
        let e = expm(&[0.0, -3.0, 3.0, 0.0], 2);
        assert!((e[0] - 3f64.cos()).abs() < 1e-13);
        assert!((e[2] - 3f64.sin()).abs() < 1e-13);
    }
}
