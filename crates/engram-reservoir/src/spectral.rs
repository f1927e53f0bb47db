//! The spectral radius of a sparse matrix by thick-restarted Arnoldi iteration.
//!
//! Arnoldi's method (Saad, *Numerical Methods for Large Eigenvalue Problems*, 2nd ed.,
//! 2011, §6.2) builds an orthonormal basis `V_m` of the Krylov space
//! `span{v, Wv, …, W^{m-1}v}` and the Hessenberg matrix `H_m = V_mᵀ W V_m`, whose
//! eigenvalues (Ritz values) approximate the outermost eigenvalues of `W` first. A
//! plain power iteration cannot be used: a real non-symmetric matrix usually has its
//! largest eigenvalues as a complex-conjugate pair, around which the iterate rotates
//! and never converges.
//!
//! The space cannot grow without bound, so the iteration restarts. An explicit restart
//! from the single real vector `V (Re y + Im y)` of the largest Ritz pair (Saad §7.1)
//! throws away everything the space knew about the neighbouring eigenvalues; for a
//! random matrix, whose eigenvalues fill a disc (the circular law) so that the
//! outermost ones are crowded, convergence is then slow and linear, and with two
//! eigenvalues of almost equal modulus it may stall altogether. A *thick* restart
//! keeps a whole invariant subspace of `H_m` instead: the span `Y` of the `p` Ritz
//! vectors of largest modulus (Morgan 1996, *Math. Comp.* 65:1213; Wu & Simon 2000,
//! *SIAM J. Matrix Anal. Appl.* 22:602). From the Arnoldi relation
//! `W V_m = V_m H_m + v_{m+1} h_{m+1,:}`, with `H_m Y = Y G` and `G = Yᵀ H_m Y`,
//!
//! `W (V_m Y) = (V_m Y) G + v_{m+1} (h_{m+1,:} Y)`,
//!
//! a Krylov decomposition of order `p` with the orthonormal basis `[V_m Y, v_{m+1}]`,
//! from which the Arnoldi process simply continues at column `p + 1`. This is
//! Stewart's Krylov–Schur restart (Stewart 2001, "A Krylov–Schur algorithm for large
//! eigenproblems", *SIAM J. Matrix Anal. Appl.* 23:601), with an orthonormalised Ritz
//! basis in place of reordered Schur vectors: both span the same subspace. Since the
//! residuals of all Ritz pairs of one Arnoldi run are multiples of `v_{m+1}`, the space
//! `span{V_m Y, v_{m+1}, W v_{m+1}, …}` grown from the restart is itself a Krylov space
//! (Morgan 1996), so the wanted Ritz vectors keep improving across restarts instead of
//! starting over from one vector.
//!
//! After a thick restart `H_m` is no longer Hessenberg, so the residual of a Ritz pair
//! `(λ, y)` is taken from the general relation: `‖W V y − λ V y‖ = |h_{m+1,:} y|`, which
//! reduces to Saad's `h_{m+1,m} |y_m|` (Prop. 6.8) in the Hessenberg case. When the
//! Krylov space becomes invariant (the next basis vector vanishes), in particular when
//! `m` reaches the matrix size, the Ritz values are eigenvalues and the answer is exact
//! up to rounding.

use faer::diag::Diag;
use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::evd::{self, ComputeEigenvectors};
use faer::linalg::matmul::matmul;
use faer::{Accum, Col, ColMut, ColRef, Mat, MatRef, Par};
use rand_distr::{Distribution, StandardNormal};

use crate::rng::{stream, Part};
use crate::sparse::Csr;

/// Largest dimension of the Krylov space: the small eigenproblem costs `O(m³)` per
/// restart and each Arnoldi step one product plus `O(m n)` for the orthogonalisation.
/// A larger space takes fewer products (an unrestarted Arnoldi run needs 350–450 on
/// reservoirpy's default 2000-unit matrix), a smaller one less work per product. On
/// that matrix over five seeds, `m = 100` took 440–600 products, `m = 160` 400–640 but
/// more time per step, and `m = 60` as much time on average but up to 1100 products.
const KRYLOV_DIM: usize = 100;
/// Ritz vectors kept at a thick restart (one more when the last would split a
/// conjugate pair). About half of the space is the customary compromise of thick
/// restarting: more kept vectors carry more of the approximate eigenvectors over, fewer
/// leave more room for new directions per restart; keeping two thirds or three
/// quarters took more products on the 2000-unit matrix.
const KEPT: usize = KRYLOV_DIM / 2;
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
    thick_restarted(w, seed, KRYLOV_DIM, KEPT)
}

/// [`spectral_radius`] with a Krylov space of dimension at most `m` of which `p`
/// Ritz vectors are kept at each restart.
fn thick_restarted(w: &Csr, seed: u64, m: usize, p: usize) -> SpectralRadius {
    assert_eq!(w.rows, w.cols, "the spectral radius needs a square matrix");
    let n = w.rows;
    if n == 0 || w.nnz() == 0 {
        return SpectralRadius { radius: 0.0, relative_residual: 0.0, matvecs: 0 };
    }
    let m = m.min(n);
    // A restart must leave room for at least one new direction, also when the last
    // kept Ritz value brings its conjugate along.
    let p = p.clamp(1, m.saturating_sub(2).max(1));
    let mut rng = stream(seed, Part::Arnoldi, 0);
    let start: Vec<f64> = (0..n).map(|_| StandardNormal.sample(&mut rng)).collect();
    let norm0 = norm(&start);
    let mut basis = Mat::<f64>::zeros(n, m + 1);
    for (b, s) in basis.col_as_slice_mut(0).iter_mut().zip(&start) {
        *b = s / norm0;
    }
    // The `(m+1) × m` projected matrix: `W V_k = V_{k+1} H[..k+1, ..k]`.
    let mut h = Mat::<f64>::zeros(m + 1, m);
    let scale = w.values.iter().map(|v| (*v as f64).abs()).fold(0.0, f64::max) * (n as f64).sqrt();
    let mut kept = 0;
    let mut matvecs = 0;
    let mut best = SpectralRadius { radius: 0.0, relative_residual: f64::INFINITY, matvecs };
    for _ in 0..MAX_RESTARTS {
        let k = arnoldi(w, &mut basis, &mut h, kept, m, scale);
        matvecs += k - kept;
        let ritz = Ritz::of(h.submatrix(0, 0, k, k));
        let order = ritz.by_modulus();
        let top = order[0];
        let radius = ritz.modulus(top);
        let invariant = k < m || k == n;
        let residual = if invariant { 0.0 } else { ritz.residual(top, h.submatrix(k, 0, 1, k)) };
        let relative = if radius > 0.0 { residual / radius } else { 0.0 };
        if relative < best.relative_residual {
            best = SpectralRadius { radius, relative_residual: relative, matvecs };
        }
        best.matvecs = matvecs;
        if relative <= TOLERANCE {
            return best;
        }
        let y = ritz.kept_basis(&order, p);
        kept = y.ncols();
        restart(&mut basis, &mut h, y.as_ref(), m);
    }
    best
}

/// Arnoldi steps from column `from` to `m` of a Krylov decomposition
/// `W V_from = V_{from+1} H[..from+1, ..from]` whose basis has `from + 1` orthonormal
/// columns. Returns the order `k` reached, smaller than `m` only when the space became
/// invariant. Classical Gram–Schmidt is repeated while a pass cancels much of the
/// vector (at most twice in practice: "twice is enough", Giraud et al. 2005), so the
/// basis stays orthogonal to machine precision; with the basis one
/// column-major block, each pass is two dense matrix–vector products, `c = Vᵀ x` and
/// `x −= V c`. Sequential: at this size faer's parallel product was slower.
fn arnoldi(w: &Csr, basis: &mut Mat<f64>, h: &mut Mat<f64>, from: usize, m: usize, scale: f64) -> usize {
    let n = basis.nrows();
    let mut x = vec![0.0; n];
    let mut c = Col::<f64>::zeros(m + 1);
    for j in from..m {
        w.matvec(basis.col_as_slice(j), &mut x);
        let v = basis.subcols(0, j + 1);
        let mut cj = c.subrows_mut(0, j + 1);
        let mut before = norm(&x);
        let mut passes = 0;
        let beta = loop {
            passes += 1;
            matmul(&mut cj, Accum::Replace, v.transpose(), ColRef::from_slice(&x), 1.0, Par::Seq);
            matmul(ColMut::from_slice_mut(&mut x), Accum::Add, v, &cj, -1.0, Par::Seq);
            for i in 0..=j {
                h[(i, j)] += cj[i];
            }
            let after = norm(&x);
            // Daniel, Gragg, Kaufman & Stewart (1976), Math. Comp. 30:772: a pass that
            // kept more than 1/√2 of the norm left an orthogonal vector; otherwise
            // cancellation may have spoiled it and a second pass restores it.
            // A vector in the span of the basis (an invariant space) keeps cancelling:
            // three passes are the limit.
            if after > std::f64::consts::FRAC_1_SQRT_2 * before || passes == 3 {
                break after;
            }
            before = after;
        };
        h[(j + 1, j)] = beta;
        if beta <= 1e-14 * scale || j + 1 == n {
            return j + 1;
        }
        for (b, xi) in basis.col_as_slice_mut(j + 1).iter_mut().zip(&x) {
            *b = xi / beta;
        }
    }
    m
}

/// The eigendecomposition of the small projected matrix in LAPACK's real format: a
/// real eigenvalue `re[j]` has the eigenvector `u[:, j]`; a conjugate pair
/// `re[j] ± i im[j]` occupies columns `j` and `j + 1`, with the eigenvector
/// `u[:, j] ± i u[:, j+1]`.
struct Ritz {
    re: Vec<f64>,
    im: Vec<f64>,
    u: Mat<f64>,
}

impl Ritz {
    /// Computed sequentially: the matrix is at most `KRYLOV_DIM` wide, where faer's
    /// default parallel reduction costs several times more than it saves.
    fn of(a: MatRef<'_, f64>) -> Ritz {
        let k = a.nrows();
        let mut u = Mat::<f64>::zeros(k, k);
        let (mut re, mut im) = (Diag::<f64>::zeros(k), Diag::<f64>::zeros(k));
        let scratch =
            evd::evd_scratch::<f64>(k, ComputeEigenvectors::No, ComputeEigenvectors::Yes, Par::Seq, Default::default());
        evd::evd_real(
            a,
            re.as_mut(),
            im.as_mut(),
            None,
            Some(u.as_mut()),
            Par::Seq,
            MemStack::new(&mut MemBuffer::new(scratch)),
            Default::default(),
        )
        .expect("the eigenvalues of a small matrix converge");
        let re = re.column_vector().iter().copied().collect();
        let im = im.column_vector().iter().copied().collect();
        Ritz { re, im, u }
    }

    /// The first column of each real eigenvalue and conjugate pair, by decreasing modulus.
    fn by_modulus(&self) -> Vec<usize> {
        let k = self.re.len();
        let mut first = Vec::with_capacity(k);
        let mut j = 0;
        while j < k {
            first.push(j);
            j += if self.im[j] == 0.0 { 1 } else { 2 };
        }
        first.sort_by(|&a, &b| self.modulus(b).total_cmp(&self.modulus(a)));
        first
    }

    fn modulus(&self, j: usize) -> f64 {
        self.re[j].hypot(self.im[j])
    }

    /// The eigenvector columns of the eigenvalue (or pair) starting at column `j`.
    fn columns(&self, j: usize) -> std::ops::Range<usize> {
        j..j + if self.im[j] == 0.0 { 1 } else { 2 }
    }

    /// `|r y| / ‖y‖` for the eigenvector `y` of the eigenvalue at column `j` and the
    /// coupling row `r = h_{k+1,:}`: the residual norm `‖W V y − λ V y‖` of the Ritz
    /// pair, the same for both members of a conjugate pair.
    fn residual(&self, j: usize, r: MatRef<'_, f64>) -> f64 {
        let (mut num, mut len) = (0.0, 0.0);
        for c in self.columns(j) {
            let col = self.u.col(c);
            let dot = (r * col)[0];
            num += dot * dot;
            len += col.squared_norm_l2();
        }
        (num / len).sqrt()
    }

    /// An orthonormal real basis `Y` (`k × q`; `q = p`, or `p + 1` when the last kept
    /// eigenvalue is a pair) of the span of the eigenvectors of the `p` eigenvalues of
    /// largest modulus, given `order` from [`Ritz::by_modulus`]. A conjugate pair enters
    /// with both the real and the imaginary part of its eigenvector, which span the
    /// eigenvector and its conjugate, so a pair is never split and `Y` stays real. The
    /// columns are orthonormalised by Gram–Schmidt applied twice; an eigenvalue whose
    /// vectors are numerically dependent on those already kept (a nearly defective
    /// matrix) is skipped, so `Y` remains a basis of an invariant subspace.
    fn kept_basis(&self, order: &[usize], p: usize) -> Mat<f64> {
        let k = self.re.len();
        let mut y = Mat::<f64>::zeros(k, p + 1);
        let mut q = 0;
        for &j in order {
            if q >= p {
                break;
            }
            let cols = self.columns(j);
            let wanted = cols.len();
            let mut added = 0;
            for c in cols {
                y.col_mut(q + added).copy_from(self.u.col(c));
                if !orthonormalise(&mut y, q + added) {
                    break;
                }
                added += 1;
            }
            if added == wanted {
                q += added;
            }
        }
        y.subcols(0, q).to_owned()
    }
}

/// Orthonormalises column `col` of `y` against the columns before it (twice); false
/// when it is numerically in their span.
fn orthonormalise(y: &mut Mat<f64>, col: usize) -> bool {
    let before = y.col(col).norm_l2();
    for _pass in 0..2 {
        for i in 0..col {
            let c = y.col(i).transpose() * y.col(col);
            for r in 0..y.nrows() {
                let yi = y[(r, i)];
                y[(r, col)] -= c * yi;
            }
        }
    }
    let after = y.col(col).norm_l2();
    if after <= 1e-8 * before {
        return false;
    }
    for r in 0..y.nrows() {
        y[(r, col)] /= after;
    }
    true
}

/// Replaces the Arnoldi decomposition of order `m` by the Krylov decomposition of order
/// `q = Y.ncols()`: the basis `[V_m Y, v_{m+1}]`, `Yᵀ H_m Y` in the leading `q × q`
/// block of `H` and the coupling `h_{m+1,:} Y` in the row below it.
fn restart(basis: &mut Mat<f64>, h: &mut Mat<f64>, y: MatRef<'_, f64>, m: usize) {
    let (n, q) = (basis.nrows(), y.ncols());
    let mut vy = Mat::<f64>::zeros(n, q);
    matmul(&mut vy, Accum::Replace, basis.subcols(0, m), y, 1.0, Par::Seq);
    let g = y.transpose() * (h.submatrix(0, 0, m, m) * y);
    let coupling = h.submatrix(m, 0, 1, m) * y;
    basis.subcols_mut(0, q).copy_from(&vy);
    let last = basis.col_as_slice(m).to_vec();
    basis.col_as_slice_mut(q).copy_from_slice(&last);
    h.fill(0.0);
    h.submatrix_mut(0, 0, q, q).copy_from(&g);
    h.submatrix_mut(q, 0, 1, q).copy_from(&coupling);
}

fn norm(a: &[f64]) -> f64 {
    a.iter().map(|x| x * x).sum::<f64>().sqrt()
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
    fn thick_restarts_converge_on_a_reservoir_matrix() {
        // reservoirpy's default connectivity on 1000 units: the outermost eigenvalues
        // are crowded near the edge of the circular-law disc. The explicit restart from
        // one Ritz vector took 640 products on this matrix (480–640 on seeds 1–5); the
        // thick restart, which keeps half the space, takes about 400.
        let w = Csr::random_normal(1000, 1000, 0.1, DegreeRule::FixedTotalNumber, &mut stream(1, Part::Recurrent, 0));
        let dense = dense_spectral_radius(&w);
        let sr = spectral_radius(&w, 1);
        assert!((sr.radius - dense).abs() <= 1e-10 * dense, "thick restart {} vs dense {dense}", sr.radius);
        assert!(sr.relative_residual <= TOLERANCE, "residual {}", sr.relative_residual);
        assert!(sr.matvecs < 600, "{} products", sr.matvecs);
    }

    #[test]
    fn a_rotation_has_radius_one() {
        // Eigenvalues ±i: a power iteration would oscillate forever.
        let w = Csr::from_dense(2, 2, &[0.0, -1.0, 1.0, 0.0]);
        assert!((spectral_radius(&w, 0).radius - 1.0).abs() < 1e-14);
    }
}
