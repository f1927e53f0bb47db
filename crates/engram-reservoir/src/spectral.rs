//! The spectral radius of a sparse matrix by restarted Arnoldi iteration.
//!
//! Arnoldi's method (Saad, *Numerical Methods for Large Eigenvalue Problems*, 2011,
//! §6.2) builds an orthonormal basis `V_m` of the Krylov space
//! `span{v, Wv, …, W^{m-1}v}` and the Hessenberg matrix `H_m = V_mᵀ W V_m`, whose
//! eigenvalues (Ritz values) approximate the outermost eigenvalues of `W` first. A
//! plain power iteration cannot be used: a real non-symmetric matrix usually has its
//! largest eigenvalues as a complex-conjugate pair, around which the iterate rotates
//! and never converges.
//!
//! The largest Ritz pair `(λ, y)` has the residual `‖W V y − λ V y‖ = h_{m+1,m} |y_m|`
//! (Saad, Prop. 6.8); while it is above `tol · |λ|`, the iteration restarts from the
//! real vector `V (Re y + Im y)`, which spans both members of a conjugate pair
//! (explicit restart, Saad §7.1). When the Krylov space becomes invariant
//! (`h_{k+1,k} = 0`), in particular when `m` reaches the matrix size, the Ritz values
//! are eigenvalues and the answer is exact up to rounding.

use faer::Mat;
use rand_distr::{Distribution, StandardNormal};

use crate::rng::{stream, Part};
use crate::sparse::Csr;

/// Dimension of the Krylov space between restarts: the Hessenberg eigenproblem costs
/// `O(m³)` (negligible at 80) and each Arnoldi step one product plus `O(m n)`.
const KRYLOV_DIM: usize = 80;
/// Relative residual at which the largest Ritz value is accepted.
const TOLERANCE: f64 = 1e-10;
/// Restarts before giving up and returning the best estimate.
const MAX_RESTARTS: usize = 300;

/// The outcome of [`spectral_radius`].
#[derive(Clone, Copy, Debug)]
pub struct SpectralRadius {
    /// The largest eigenvalue modulus found.
    pub radius: f64,
    /// The relative residual `‖W v − λ v‖ / |λ|` of its eigenvector estimate.
    pub relative_residual: f64,
    /// Products with `W` spent.
    pub matvecs: usize,
}

/// The spectral radius `max |λ_i(W)|` of a square sparse matrix; `seed` picks the
/// random start vector.
pub fn spectral_radius(w: &Csr, seed: u64) -> SpectralRadius {
    assert_eq!(w.rows, w.cols, "the spectral radius needs a square matrix");
    let n = w.rows;
    if n == 0 || w.nnz() == 0 {
        return SpectralRadius { radius: 0.0, relative_residual: 0.0, matvecs: 0 };
    }
    let m = KRYLOV_DIM.min(n);
    let mut rng = stream(seed, Part::Arnoldi, 0);
    let mut start: Vec<f64> = (0..n).map(|_| StandardNormal.sample(&mut rng)).collect();
    let mut matvecs = 0;
    let mut best = SpectralRadius { radius: 0.0, relative_residual: f64::INFINITY, matvecs };
    for _ in 0..MAX_RESTARTS {
        let (basis, h, k) = arnoldi(w, &start, m);
        matvecs += k;
        let (lambda, y) = largest_ritz_pair(&h, m, k);
        let radius = lambda.0.hypot(lambda.1);
        let invariant = k < m || k == n;
        let residual = if invariant { 0.0 } else { h[k * m + (k - 1)].abs() * y[k - 1].0.hypot(y[k - 1].1) };
        let relative = if radius > 0.0 { residual / radius } else { 0.0 };
        if relative < best.relative_residual {
            best = SpectralRadius { radius, relative_residual: relative, matvecs };
        }
        best.matvecs = matvecs;
        if relative <= TOLERANCE {
            return best;
        }
        start.fill(0.0);
        for (j, vj) in basis.iter().take(k).enumerate() {
            let c = y[j].0 + y[j].1;
            for (s, v) in start.iter_mut().zip(vj) {
                *s += c * v;
            }
        }
    }
    best
}

/// `k ≤ m` Arnoldi steps from `start`: the basis vectors, the `(m+1) × m` Hessenberg
/// matrix (row-major) and `k`, which is smaller than `m` only when the Krylov space
/// became invariant. Gram-Schmidt is applied twice ("twice is enough", Giraud et al.
/// 2005) so the basis stays orthogonal to machine precision.
fn arnoldi(w: &Csr, start: &[f64], m: usize) -> (Vec<Vec<f64>>, Vec<f64>, usize) {
    let n = w.rows;
    let mut h = vec![0.0; (m + 1) * m];
    let mut basis: Vec<Vec<f64>> = Vec::with_capacity(m + 1);
    let norm0 = norm(start);
    basis.push(start.iter().map(|x| x / norm0).collect());
    let scale = w.values.iter().map(|v| (*v as f64).abs()).fold(0.0, f64::max) * (n as f64).sqrt();
    for j in 0..m {
        let mut v = vec![0.0; n];
        w.matvec(&basis[j], &mut v);
        for _pass in 0..2 {
            for (i, bi) in basis.iter().enumerate() {
                let c = dot(bi, &v);
                h[i * m + j] += c;
                for (x, b) in v.iter_mut().zip(bi) {
                    *x -= c * b;
                }
            }
        }
        let beta = norm(&v);
        h[(j + 1) * m + j] = beta;
        if beta <= 1e-14 * scale || j + 1 == n {
            return (basis, h, j + 1);
        }
        basis.push(v.iter().map(|x| x / beta).collect());
    }
    (basis, h, m)
}

/// The Ritz value of largest modulus of the leading `k × k` block of `h` (row stride
/// `m`), with its eigenvector normalised to unit length, as (re, im) pairs.
fn largest_ritz_pair(h: &[f64], m: usize, k: usize) -> ((f64, f64), Vec<(f64, f64)>) {
    let hk = Mat::<f64>::from_fn(k, k, |i, j| h[i * m + j]);
    let eig = hk.eigen().expect("the eigenvalues of a small Hessenberg matrix converge");
    let s = eig.S().column_vector();
    let u = eig.U();
    let best = (0..k).max_by(|&a, &b| s[a].norm().total_cmp(&s[b].norm())).expect("k ≥ 1");
    let col: Vec<(f64, f64)> = (0..k).map(|i| (u[(i, best)].re, u[(i, best)].im)).collect();
    let len = col.iter().map(|(re, im)| re * re + im * im).sum::<f64>().sqrt();
    ((s[best].re, s[best].im), col.into_iter().map(|(re, im)| (re / len, im / len)).collect())
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}

/// The spectral radius from a dense eigendecomposition (faer): the reference for tests
/// and the method of choice for matrices of a few hundred rows.
pub fn dense_spectral_radius(w: &Csr) -> f64 {
    let n = w.rows;
    let d = w.to_dense();
    let m = Mat::<f64>::from_fn(n, n, |i, j| d[i * n + j]);
    m.eigenvalues().expect("a dense eigendecomposition converges").iter().map(|l| l.norm()).fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sparse::DegreeRule;

    #[test]
    fn arnoldi_matches_dense_eigenvalues() {
        // Sizes below and above the Krylov dimension: the first is exact by
        // construction (the space becomes the whole space), the others need restarts.
        for (n, c, seed) in [(50, 0.2, 1), (300, 0.1, 2), (600, 0.05, 3)] {
            let w = Csr::random_normal(n, n, c, DegreeRule::FixedTotalNumber, &mut stream(seed, Part::Recurrent, 0));
            let dense = dense_spectral_radius(&w);
            let sr = spectral_radius(&w, seed);
            assert!((sr.radius - dense).abs() <= 1e-8 * dense, "n={n}: Arnoldi {} vs dense {dense}", sr.radius);
        }
    }

    #[test]
    fn a_rotation_has_radius_one() {
        // Eigenvalues ±i: a power iteration would oscillate forever.
        let w = Csr::from_dense(2, 2, &[0.0, -1.0, 1.0, 0.0]);
        assert!((spectral_radius(&w, 0).radius - 1.0).abs() < 1e-14);
    }
}
