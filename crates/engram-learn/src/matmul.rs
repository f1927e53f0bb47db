//! Matrix products through the `gemm` crate, over row-major slices.
//!
//! Every product of the layers (feed-forward currents for all time steps at once,
//! recurrent currents per step, and their transposes in the backward pass) goes
//! through [`matmul`], which checks the shapes against the slices before handing
//! pointers and strides to `gemm::gemm`.

use crate::real::Real;

/// A read-only view of a matrix stored in a slice.
#[derive(Clone, Copy)]
pub struct MatRef<'a, F> {
    data: &'a [F],
    rows: usize,
    cols: usize,
    row_stride: usize,
    col_stride: usize,
}

impl<'a, F: Real> MatRef<'a, F> {
    /// A row-major `rows × cols` matrix: the first `rows * cols` elements of `data`.
    pub fn new(data: &'a [F], rows: usize, cols: usize) -> MatRef<'a, F> {
        assert!(
            data.len() >= rows * cols,
            "matrix of {rows}×{cols} needs {} elements, found {}",
            rows * cols,
            data.len()
        );
        MatRef { data, rows, cols, row_stride: cols, col_stride: 1 }
    }

    /// The transpose (a view, nothing is copied).
    pub fn t(self) -> MatRef<'a, F> {
        MatRef {
            data: self.data,
            rows: self.cols,
            cols: self.rows,
            row_stride: self.col_stride,
            col_stride: self.row_stride,
        }
    }

    fn last_index(&self) -> usize {
        if self.rows == 0 || self.cols == 0 {
            0
        } else {
            (self.rows - 1) * self.row_stride + (self.cols - 1) * self.col_stride
        }
    }
}

/// `out = a · b` (or `out += a · b` when `accumulate`), with `out` row-major.
///
/// `threads > 1` lets gemm split large products over rayon's pool.
pub fn matmul<F: Real>(out: &mut [F], a: MatRef<'_, F>, b: MatRef<'_, F>, accumulate: bool, threads: usize) {
    let (m, k, n) = (a.rows, a.cols, b.cols);
    assert_eq!(k, b.rows, "inner dimensions differ: {m}×{k} times {}×{n}", b.rows);
    assert!(out.len() >= m * n, "output of {m}×{n} needs {} elements, found {}", m * n, out.len());
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if !accumulate {
            out[..m * n].fill(F::zero());
        }
        return;
    }
    assert!(a.last_index() < a.data.len() && b.last_index() < b.data.len());
    let parallelism = if threads > 1 { gemm::Parallelism::Rayon(threads) } else { gemm::Parallelism::None };
    // SAFETY: the asserts above keep every index gemm touches, (rows-1)*rs + (cols-1)*cs,
    // inside its slice; `out` is borrowed mutably and cannot alias `a` or `b`.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            out.as_mut_ptr(),
            1,
            n as isize,
            accumulate,
            a.data.as_ptr(),
            a.col_stride as isize,
            a.row_stride as isize,
            b.data.as_ptr(),
            b.col_stride as isize,
            b.row_stride as isize,
            F::one(),
            F::one(),
            false,
            false,
            false,
            parallelism,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(a: &[f64], b: &[f64], m: usize, k: usize, n: usize) -> Vec<f64> {
        let mut c = vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                c[i * n + j] = (0..k).map(|l| a[i * k + l] * b[l * n + j]).sum();
            }
        }
        c
    }

    #[test]
    fn products_and_transposes_match_the_definition() {
        let (m, k, n) = (7, 5, 3);
        let a: Vec<f64> = (0..m * k).map(|i| (i as f64 * 0.37).sin()).collect();
        let b: Vec<f64> = (0..k * n).map(|i| (i as f64 * 0.71).cos()).collect();
        let want = naive(&a, &b, m, k, n);
        let mut c = vec![0.0; m * n];
        matmul(&mut c, MatRef::new(&a, m, k), MatRef::new(&b, k, n), false, 1);
        for (x, y) in c.iter().zip(&want) {
            assert!((x - y).abs() < 1e-12);
        }
        // (bᵀ aᵀ)ᵀ = a b: compute bᵀ aᵀ (n×m) and compare transposed, accumulating onto ones.
        let mut ct = vec![1.0; n * m];
        matmul(&mut ct, MatRef::new(&b, k, n).t(), MatRef::new(&a, m, k).t(), true, 1);
        for i in 0..m {
            for j in 0..n {
                assert!((ct[j * m + i] - 1.0 - want[i * n + j]).abs() < 1e-12);
            }
        }
    }
}
