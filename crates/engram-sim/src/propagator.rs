//! Exact integration of linear ODEs: the matrix exponential `exp(A h)`.
//!
//! For linear subthreshold dynamics `dx/dt = A x` the state after one step is
//! `x(t + h) = exp(A h) x(t)` exactly (Rotter & Diesmann 1999, "Exact digital
//! simulation of time-invariant linear systems"). NEST writes the entries of
//! `exp(A h)` out by hand per model and special-cases equal time constants; computing
//! the exponential numerically once per run gives the same numbers (to rounding) for
//! every linear model and has no singular cases.

/// `exp(a)` for a small square matrix given row-major, by scaling and squaring with a
/// Taylor series (Moler & Van Loan 2003, method 3). Accurate to ~1e-15 relative for
/// the well-conditioned matrices of neuron models.
pub fn expm<const N: usize>(a: [[f64; N]; N]) -> [[f64; N]; N] {
    let norm = a.iter().map(|r| r.iter().map(|x| x.abs()).sum::<f64>()).fold(0.0, f64::max);
    let squarings = if norm > 0.5 { (norm / 0.5).log2().ceil() as u32 } else { 0 };
    let scale = 0.5f64.powi(squarings as i32);
    let mut scaled = a;
    for row in scaled.iter_mut() {
        for x in row.iter_mut() {
            *x *= scale;
        }
    }
    let mut result = identity::<N>();
    let mut term = identity::<N>();
    for k in 1..=20 {
        term = matmul(&term, &scaled);
        for row in term.iter_mut() {
            for x in row.iter_mut() {
                *x /= k as f64;
            }
        }
        for i in 0..N {
            for j in 0..N {
                result[i][j] += term[i][j];
            }
        }
    }
    for _ in 0..squarings {
        result = matmul(&result, &result);
    }
    result
}

fn identity<const N: usize>() -> [[f64; N]; N] {
    let mut m = [[0.0; N]; N];
    for (i, row) in m.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    m
}

fn matmul<const N: usize>(a: &[[f64; N]; N], b: &[[f64; N]; N]) -> [[f64; N]; N] {
    let mut c = [[0.0; N]; N];
    for i in 0..N {
        for k in 0..N {
            for j in 0..N {
                c[i][j] += a[i][k] * b[k][j];
            }
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn scalar_decay_is_exponential() {
        let e = expm([[-0.1 / 0.02]]);
        assert_relative_eq!(e[0][0], (-5.0f64).exp(), max_relative = 1e-14);
    }

    #[test]
    fn current_to_voltage_propagator_matches_nest_closed_form() {
        // dV/dt = -V/tau_m + I/tau_m, dI/dt = -I/tau_s; NEST's P21 for iaf_psc_exp
        // (in units where I is R·I): tau_s/(tau_s - tau_m) (e^{-h/tau_s} - e^{-h/tau_m}).
        let (tm, ts, h): (f64, f64, f64) = (20e-3, 5e-3, 1e-4);
        let p21 = ts / (ts - tm) * ((-h / ts).exp() - (-h / tm).exp());
        let e = expm([[-h / tm, h / tm], [0.0, -h / ts]]);
        assert_relative_eq!(e[0][1], p21, max_relative = 1e-12);
        assert_relative_eq!(e[0][0], (-h / tm).exp(), max_relative = 1e-14);
    }

    #[test]
    fn equal_time_constants_have_the_limit_h_over_tau() {
        let (t, h): (f64, f64) = (10e-3, 1e-4);
        let e = expm([[-h / t, h / t], [0.0, -h / t]]);
        assert_relative_eq!(e[0][1], h / t * (-h / t).exp(), max_relative = 1e-12);
    }
}
