//! A sparse matrix in compressed sparse row (CSR) form, and its product with a vector.
//!
//! Values are `f32` and column indices `u32`: 8 bytes per non-zero, so the 400,000
//! non-zeros of a 2,000-unit reservoir at 10 % connectivity (3.2 MB) stay in cache and
//! the product is bound by the gathers of `x[col]`, not by memory bandwidth. Products
//! accumulate in `f64`. The spectral radius is computed on the stored (rounded) values,
//! so it is exact for the matrix that is actually used.

use rand::seq::index::sample;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;

use crate::rng::Stream;

/// Below this many non-zeros a product runs on the calling thread: splitting it would
/// cost more in thread hand-over (a few µs) than it saves.
const PARALLEL_MIN_NNZ: usize = 40_000;

/// How the non-zeros of a random recurrent matrix are placed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DegreeRule {
    /// A fixed total number, anywhere in the matrix (reservoirpy's draw; the default).
    FixedTotalNumber,
    /// A fixed number per row: every unit receives the same number of inputs.
    FixedIndegree,
}

impl DegreeRule {
    /// Every rule, the default first.
    pub const ALL: [DegreeRule; 2] = [DegreeRule::FixedTotalNumber, DegreeRule::FixedIndegree];

    /// The names a configuration file uses, in the order of [`DegreeRule::ALL`].
    pub const NAMES: [&'static str; 2] = [DegreeRule::ALL[0].name(), DegreeRule::ALL[1].name()];

    /// The rule named `name` (one of [`DegreeRule::NAMES`]).
    pub fn from_name(name: &str) -> Option<DegreeRule> {
        DegreeRule::ALL.into_iter().find(|r| r.name() == name)
    }

    /// The rule's name in a configuration file.
    pub const fn name(self) -> &'static str {
        match self {
            DegreeRule::FixedTotalNumber => "fixed_total_number",
            DegreeRule::FixedIndegree => "fixed_indegree",
        }
    }
}

/// A square or rectangular sparse matrix in CSR form.
#[derive(Clone, Debug)]
pub struct Csr {
    /// Number of rows.
    pub rows: usize,
    /// Number of columns.
    pub cols: usize,
    /// Start of each row in `indices`/`values`; `rows + 1` entries.
    pub row_start: Vec<usize>,
    /// Column of each non-zero, sorted within a row; every index is below `cols`
    /// (the constructors ensure it, and [`Csr::row_dot`] relies on it).
    pub indices: Vec<u32>,
    /// Value of each non-zero.
    pub values: Vec<f32>,
}

impl Csr {
    /// A random `rows × cols` matrix in which each row has exactly
    /// `round(connectivity · cols)` non-zeros (at least one) at distinct random
    /// columns, with values drawn from `value`. A fixed number per row (a fixed
    /// in-degree) keeps every unit driven; reservoirpy draws a fixed total instead,
    /// which gives the same mean and a binomial spread of in-degrees.
    pub fn random(
        rows: usize,
        cols: usize,
        connectivity: f64,
        rng: &mut Stream,
        mut value: impl FnMut(&mut Stream) -> f64,
    ) -> Csr {
        let per_row = ((connectivity * cols as f64).round() as usize).clamp(1, cols.max(1));
        let mut row_start = Vec::with_capacity(rows + 1);
        let mut indices = Vec::with_capacity(rows * per_row);
        let mut values = Vec::with_capacity(rows * per_row);
        row_start.push(0);
        for _ in 0..rows {
            let mut cols_of_row: Vec<u32> = sample(rng, cols, per_row).into_iter().map(|c| c as u32).collect();
            cols_of_row.sort_unstable();
            for c in cols_of_row {
                indices.push(c);
                values.push(value(rng) as f32);
            }
            row_start.push(indices.len());
        }
        Csr { rows, cols, row_start, indices, values }
    }

    /// A random `rows × cols` matrix with exactly `round(connectivity · rows · cols)`
    /// non-zeros (at least one) at distinct positions drawn uniformly from the whole
    /// matrix, with values drawn from `value` in row-major order of the positions:
    /// reservoirpy's `W` (scipy's `sparse.random_array`), in which each row's count is
    /// binomial and a unit may receive nothing.
    pub fn random_total(
        rows: usize,
        cols: usize,
        connectivity: f64,
        rng: &mut Stream,
        mut value: impl FnMut(&mut Stream) -> f64,
    ) -> Csr {
        let cells = rows * cols;
        let count = ((connectivity * cells as f64).round() as usize).clamp(1.min(cells), cells);
        let mut positions = sample(rng, cells, count).into_vec();
        positions.sort_unstable();
        let mut row_start = vec![0; rows + 1];
        for &p in &positions {
            row_start[p / cols + 1] += 1;
        }
        for r in 0..rows {
            row_start[r + 1] += row_start[r];
        }
        let indices = positions.iter().map(|&p| (p % cols) as u32).collect();
        let values = positions.iter().map(|_| value(rng) as f32).collect();
        Csr { rows, cols, row_start, indices, values }
    }

    /// A random matrix with standard normal values, by `rule`.
    pub fn random_normal(rows: usize, cols: usize, connectivity: f64, rule: DegreeRule, rng: &mut Stream) -> Csr {
        let normal = |r: &mut Stream| StandardNormal.sample(r);
        match rule {
            DegreeRule::FixedTotalNumber => Csr::random_total(rows, cols, connectivity, rng, normal),
            DegreeRule::FixedIndegree => Csr::random(rows, cols, connectivity, rng, normal),
        }
    }

    /// A matrix from dense row-major values, keeping the non-zeros.
    pub fn from_dense(rows: usize, cols: usize, dense: &[f64]) -> Csr {
        let mut row_start = vec![0];
        let (mut indices, mut values) = (Vec::new(), Vec::new());
        for r in 0..rows {
            for c in 0..cols {
                let v = dense[r * cols + c];
                if v != 0.0 {
                    indices.push(c as u32);
                    values.push(v as f32);
                }
            }
            row_start.push(indices.len());
        }
        Csr { rows, cols, row_start, indices, values }
    }

    /// `parts + 1` row boundaries that split the rows into `parts` contiguous ranges
    /// of about equal numbers of non-zeros (the work of a product).
    pub fn row_bounds(&self, parts: usize) -> Vec<usize> {
        let parts = parts.max(1);
        let nnz = self.nnz();
        let mut bounds: Vec<usize> = (0..parts)
            .map(|k| {
                if nnz == 0 {
                    k * self.rows / parts
                } else {
                    // The first row that starts at or after the k-th share of the work.
                    self.row_start.partition_point(|&s| s * parts < k * nnz).min(self.rows)
                }
            })
            .collect();
        bounds.push(self.rows);
        bounds
    }

    /// Number of stored non-zeros.
    pub fn nnz(&self) -> usize {
        self.values.len()
    }

    /// Multiplies every value by `factor`.
    pub fn scale(&mut self, factor: f64) {
        for v in &mut self.values {
            *v = (*v as f64 * factor) as f32;
        }
    }

    /// The matrix as dense row-major `f64` values.
    pub fn to_dense(&self) -> Vec<f64> {
        let mut d = vec![0.0; self.rows * self.cols];
        for r in 0..self.rows {
            for k in self.row_start[r]..self.row_start[r + 1] {
                d[r * self.cols + self.indices[k] as usize] = self.values[k] as f64;
            }
        }
        d
    }

    /// `(W x)_r` for one row.
    #[inline(always)]
    pub fn row_dot(&self, r: usize, x: &[f64]) -> f64 {
        assert!(x.len() >= self.cols, "x has the matrix's column count");
        let (lo, hi) = (self.row_start[r], self.row_start[r + 1]);
        let (idx, val) = (&self.indices[lo..hi], &self.values[lo..hi]);
        // SAFETY: every index is below `self.cols` ≤ `x.len()` (the field's invariant
        // and the assert above); `indices` and `values` have one entry per non-zero.
        unsafe { row_dot_unchecked(idx, val, x) }
    }

    /// `(W x)_r` summed in order: for the few non-zeros per row of an input or
    /// feedback matrix, where [`Csr::row_dot`]'s set-up for blocks of eight costs more
    /// than the sum (a tenth of a 2,000-unit reservoir's step went to `W_in`).
    #[inline]
    pub fn short_row_dot(&self, r: usize, x: &[f64]) -> f64 {
        let (lo, hi) = (self.row_start[r], self.row_start[r + 1]);
        self.indices[lo..hi].iter().zip(&self.values[lo..hi]).map(|(&c, &v)| v as f64 * x[c as usize]).sum()
    }

    /// `y = W x`, in parallel over rows for large matrices.
    pub fn matvec(&self, x: &[f64], y: &mut [f64]) {
        assert_eq!(x.len(), self.cols, "x has the matrix's column count");
        assert_eq!(y.len(), self.rows, "y has the matrix's row count");
        if self.nnz() < PARALLEL_MIN_NNZ {
            for (r, out) in y.iter_mut().enumerate() {
                *out = self.row_dot(r, x);
            }
        } else {
            let chunk = self.rows.div_ceil(rayon::current_num_threads().max(1) * 4).max(1);
            y.par_chunks_mut(chunk).enumerate().for_each(|(c, ys)| {
                for (i, out) in ys.iter_mut().enumerate() {
                    *out = self.row_dot(c * chunk + i, x);
                }
            });
        }
    }
}

/// `Σ_k val[k] · x[idx[k]]` in the order of the vector kernel: eight partial sums,
/// lane `j` taking the terms `k ≡ j (mod 8)` of the whole blocks of eight with fused
/// multiply-adds, reduced as `((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7))`, plus
/// the last `len mod 8` terms summed in order. `gather(i)` reads `x[i]`.
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "avx2", target_feature = "fma"))))]
#[inline]
fn row_dot_lanes(idx: &[u32], val: &[f32], gather: impl Fn(u32) -> f64) -> f64 {
    let mut acc = [0.0f64; 8];
    let blocks = idx.len() / 8;
    for (ci, cv) in idx.chunks_exact(8).zip(val.chunks_exact(8)) {
        for ((a, &i), &v) in acc.iter_mut().zip(ci).zip(cv) {
            *a = (v as f64).mul_add(gather(i), *a);
        }
    }
    let mut tail = 0.0;
    for k in 8 * blocks..idx.len() {
        tail += val[k] as f64 * gather(idx[k]);
    }
    let lane = |j: usize| acc[j] + acc[j + 4];
    ((lane(0) + lane(2)) + (lane(1) + lane(3))) + tail
}

/// The reference for [`row_dot_unchecked`], with bounds checks.
#[cfg(test)]
fn row_dot_scalar(idx: &[u32], val: &[f32], x: &[f64]) -> f64 {
    row_dot_lanes(idx, val, |i| x[i as usize])
}

/// `Σ_k val[k] · x[idx[k]]`, bit for bit [`row_dot_lanes`], without bounds checks (a
/// third of the scalar loop's time went to them).
///
/// The product is bound by its loads, of which the gathers of `x` (one per non-zero)
/// cannot be merged. With AVX2 and FMA this kernel loads the other operands in as few
/// instructions as it can: column indices two at a time (one 64-bit load) and values
/// eight at a time, 13 loads per eight non-zeros where the scalar loop, which the
/// compiler pairs into 128-bit halves, issues 18. On the project's AMD EPYC (Zen 5)
/// that takes a 2,000-unit reservoir's product from 0.220 to 0.191 ns per non-zero.
/// Tried there and no faster: routing half of the gathers through integer registers
/// (0.194 ns), AVX-512 `vgatherdpd` (0.253 ns), `vgatherdps` on an `f32` copy of `x`
/// (0.355 ns), and sliced ELLPACK with in-register permutes (0.249 ns: half of its
/// lanes are padding). `u16` column indices, four to a load, gave 0.18 ns.
///
/// # Safety
/// Every `idx[k]` must be below `x.len()`, and `idx` and `val` must have the same length.
#[inline(always)]
unsafe fn row_dot_unchecked(idx: &[u32], val: &[f32], x: &[f64]) -> f64 {
    debug_assert!(idx.len() == val.len() && idx.iter().all(|&i| (i as usize) < x.len()));
    #[cfg(all(target_arch = "x86_64", target_feature = "avx2", target_feature = "fma"))]
    {
        // SAFETY: the caller's guarantees are this function's.
        unsafe { row_dot_avx2(idx, val, x) }
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "avx2", target_feature = "fma")))]
    {
        // SAFETY: the caller guarantees every index is below x.len().
        row_dot_lanes(idx, val, |i| unsafe { *x.get_unchecked(i as usize) })
    }
}

/// The AVX2 kernel of [`row_dot_unchecked`].
///
/// # Safety
/// As [`row_dot_unchecked`].
#[cfg(all(target_arch = "x86_64", target_feature = "avx2", target_feature = "fma"))]
#[inline(always)]
unsafe fn row_dot_avx2(idx: &[u32], val: &[f32], x: &[f64]) -> f64 {
    use std::arch::x86_64::*;
    let xp = x.as_ptr();
    // SAFETY (whole body): every index is below x.len() (the caller), and `k + 8 ≤
    // len` inside the loop, so every read is in bounds.
    unsafe {
        let (mut acc0, mut acc1) = (_mm256_setzero_pd(), _mm256_setzero_pd());
        let blocks = idx.len() / 8;
        for b in 0..blocks {
            let k = 8 * b;
            // Two column indices per load: the low half is the first (little endian).
            let pair = |j: usize| (idx.as_ptr().add(k + j) as *const u64).read_unaligned();
            let x_at = |p: u64, high: bool| *xp.add(if high { p >> 32 } else { p & 0xffff_ffff } as usize);
            let (p0, p1, p2, p3) = (pair(0), pair(2), pair(4), pair(6));
            let x0 = _mm256_set_pd(x_at(p1, true), x_at(p1, false), x_at(p0, true), x_at(p0, false));
            let x1 = _mm256_set_pd(x_at(p3, true), x_at(p3, false), x_at(p2, true), x_at(p2, false));
            let v = _mm256_loadu_ps(val.as_ptr().add(k));
            acc0 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(v)), x0, acc0);
            acc1 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm256_extractf128_ps::<1>(v)), x1, acc1);
        }
        let mut tail = 0.0;
        for k in 8 * blocks..idx.len() {
            tail += *val.get_unchecked(k) as f64 * *xp.add(*idx.get_unchecked(k) as usize);
        }
        let lanes = _mm256_add_pd(acc0, acc1);
        let pairs = _mm_add_pd(_mm256_castpd256_pd128(lanes), _mm256_extractf128_pd::<1>(lanes));
        _mm_cvtsd_f64(_mm_add_sd(pairs, _mm_unpackhi_pd(pairs, pairs))) + tail
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{stream, Part};

    #[test]
    fn row_bounds_split_the_non_zeros_evenly() {
        let m = Csr::random_normal(2000, 2000, 0.1, DegreeRule::FixedTotalNumber, &mut stream(1, Part::Recurrent, 0));
        for parts in [1, 2, 3, 8] {
            let b = m.row_bounds(parts);
            assert_eq!((b.len(), b[0], b[parts]), (parts + 1, 0, 2000));
            for k in 0..parts {
                let work = m.row_start[b[k + 1]] - m.row_start[b[k]];
                // Each part is within one row (at most a few hundred non-zeros) of its share.
                assert!(work.abs_diff(m.nnz() / parts) < 400, "parts {parts}: part {k} has {work}");
            }
        }
        assert_eq!(Csr::from_dense(4, 4, &[0.0; 16]).row_bounds(2), vec![0, 2, 4]);
    }

    #[test]
    fn random_rows_have_the_asked_degree_and_distinct_sorted_columns() {
        let m = Csr::random_normal(50, 200, 0.1, DegreeRule::FixedIndegree, &mut stream(1, Part::Recurrent, 0));
        for r in 0..50 {
            let row = &m.indices[m.row_start[r]..m.row_start[r + 1]];
            assert_eq!(row.len(), 20);
            assert!(row.windows(2).all(|w| w[0] < w[1]));
        }
    }

    #[test]
    fn a_fixed_total_has_the_asked_count_at_distinct_sorted_positions() {
        let m = Csr::random_normal(300, 200, 0.1, DegreeRule::FixedTotalNumber, &mut stream(3, Part::Recurrent, 0));
        assert_eq!(m.nnz(), 6000);
        let degrees: Vec<usize> = (0..300).map(|r| m.row_start[r + 1] - m.row_start[r]).collect();
        for r in 0..300 {
            let row = &m.indices[m.row_start[r]..m.row_start[r + 1]];
            assert!(row.windows(2).all(|w| w[0] < w[1]), "row {r}");
        }
        // Row counts are hypergeometric (mean 20, sd ≈ 4.2), not all equal as with a
        // fixed in-degree.
        assert!(degrees.iter().min() < degrees.iter().max());
        let mean = degrees.iter().sum::<usize>() as f64 / 300.0;
        let var = degrees.iter().map(|&d| (d as f64 - mean).powi(2)).sum::<f64>() / 299.0;
        assert!((var.sqrt() - 4.24).abs() < 0.8, "sd of row counts {}", var.sqrt());
    }

    #[test]
    fn the_fast_row_product_is_bit_for_bit_the_reference() {
        let m = Csr::random_normal(64, 300, 0.37, DegreeRule::FixedIndegree, &mut stream(4, Part::Recurrent, 0));
        let x: Vec<f64> = (0..300).map(|i| (i as f64 * 0.91).cos() * 1e3f64.powf((i % 7) as f64 / 7.0)).collect();
        for r in 0..64 {
            let (lo, hi) = (m.row_start[r], m.row_start[r + 1]);
            let scalar = row_dot_scalar(&m.indices[lo..hi], &m.values[lo..hi], &x);
            assert_eq!(m.row_dot(r, &x).to_bits(), scalar.to_bits(), "row {r}");
        }
    }

    #[test]
    fn matvec_equals_the_dense_product() {
        for (n, c) in [(30, 0.3), (400, 0.5)] {
            let m = Csr::random_normal(n, n, c, DegreeRule::FixedTotalNumber, &mut stream(2, Part::Recurrent, 0));
            let x: Vec<f64> = (0..n).map(|i| (i as f64 * 0.37).sin()).collect();
            let mut y = vec![0.0; n];
            m.matvec(&x, &mut y);
            let d = m.to_dense();
            for r in 0..n {
                let expect: f64 = (0..n).map(|c| d[r * n + c] * x[c]).sum();
                assert!((y[r] - expect).abs() < 1e-12 * (1.0 + expect.abs()), "row {r}");
            }
        }
    }
}
