//! Dynamic functional connectivity: sliding-window correlation stacked into a
//! neuron × neuron × time tensor, and its non-negative CP (PARAFAC) decomposition.
//!
//! The tensor `X[i, j, w]` holds the positive part of the Pearson correlation of the
//! binned counts of neurons `i` and `j` in window `w` ([`connectivity_tensor`]; NaN and
//! the diagonal are 0, since self-correlation says nothing about connectivity and would
//! dominate the fit). Non-negative tensor factorisation writes
//! `X ≈ Σ_r λ_r a_r ∘ b_r ∘ c_r` with non-negative unit-norm factors, so each component
//! `r` is an assembly of neurons (`a_r`, `b_r`: spatial factors, equal up to noise for a
//! symmetric tensor) with its activation over time (`c_r`: temporal factor) — the
//! "functional connectome by non-negative tensor factorisation" approach.
//!
//! [`ntf_cp`] fits the factors by the multiplicative updates of Welling & Weber (2001,
//! Pattern Recognit Lett 22:1255), the tensor form of Lee & Seung's NMF updates, e.g. for
//! the first factor `A ← A ∗ X₍₁₎(C ⊙ B) ⊘ (A ((BᵀB) ∗ (CᵀC)) + ε)`, where `X₍₁₎(C ⊙ B)`
//! is the matricised-tensor times Khatri–Rao product (`Σ_{j,w} X[i,j,w] B[j,r] C[w,r]`).
//! Each update does not increase the squared error and keeps factors non-negative. Cost:
//! `2 I J K R` per iteration (see [`contract_time`]).

use rayon::prelude::*;

use crate::binning::BinnedSpikeTrains;
use crate::correlation::correlation_matrix;
use crate::error::{positive, AnalysisError};
use crate::train::SpikeTrains;

/// Keeps divisions finite when a factor entry reaches 0.
const EPS: f64 = 1e-12;

/// A dense three-way tensor, `data[(i * dims[1] + j) * dims[2] + k]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Tensor3 {
    /// Sizes of the three modes.
    pub dims: [usize; 3],
    /// Entries, last index fastest.
    pub data: Vec<f64>,
}

impl Tensor3 {
    /// Entry `(i, j, k)`.
    pub fn get(&self, i: usize, j: usize, k: usize) -> f64 {
        self.data[(i * self.dims[1] + j) * self.dims[2] + k]
    }
}

/// Sliding-window connectivity (see the [module docs](self)): windows of `window`
/// seconds every `step` seconds from `t_start` while they fit in the recording, counts
/// in bins of `bin_size` within each window.
pub fn connectivity_tensor(
    trains: &SpikeTrains,
    bin_size: f64,
    window: f64,
    step: f64,
) -> Result<Tensor3, AnalysisError> {
    positive("window", window)?;
    positive("step", step)?;
    let n_windows = ((trains.duration() - window) / step + 1e-9).floor() as i64 + 1;
    if n_windows < 1 {
        return Err(AnalysisError::param("window", format!("{window} s is longer than the recording")));
    }
    let n = trains.len();
    let k_total = n_windows as usize;
    let mats: Vec<Vec<f64>> = (0..k_total)
        .into_par_iter()
        .map(|w| {
            let (a, b) = (trains.t_start() + w as f64 * step, trains.t_start() + w as f64 * step + window);
            let sliced: Vec<Vec<f64>> = trains
                .trains()
                .iter()
                .map(|t| t[t.partition_point(|&x| x < a)..t.partition_point(|&x| x < b)].to_vec())
                .collect();
            let st = SpikeTrains::new(sliced, a, b)?;
            let c = correlation_matrix(&BinnedSpikeTrains::new(&st, bin_size)?);
            Ok(c.values)
        })
        .collect::<Result<_, AnalysisError>>()?;
    let mut data = vec![0.0; n * n * k_total];
    for (w, m) in mats.iter().enumerate() {
        for i in 0..n {
            for j in 0..n {
                let r = m[i * n + j];
                data[(i * n + j) * k_total + w] = if i != j && r > 0.0 { r } else { 0.0 };
            }
        }
    }
    Ok(Tensor3 { dims: [n, n, k_total], data })
}

/// A fitted non-negative CP model, components sorted by weight.
#[derive(Clone, Debug, PartialEq)]
pub struct CpModel {
    /// Component weights `λ_r`, descending.
    pub weights: Vec<f64>,
    /// Unit-norm factors per mode, `factors[m][i * rank + r]`.
    pub factors: [Vec<f64>; 3],
    /// `‖X - X̂‖ / ‖X‖` of the fit.
    pub relative_error: f64,
}

impl CpModel {
    /// Number of components.
    pub fn rank(&self) -> usize {
        self.weights.len()
    }

    /// Factor vector of component `r` in mode `m` (0, 1: neurons; 2: windows).
    pub fn factor(&self, m: usize, r: usize) -> Vec<f64> {
        let rank = self.rank();
        self.factors[m].iter().skip(r).step_by(rank).copied().collect()
    }
}

/// Gram matrix `FᵀF` of a factor stored `[rows × rank]`.
fn gram(f: &[f64], rank: usize) -> Vec<f64> {
    let mut g = vec![0.0; rank * rank];
    for row in f.chunks_exact(rank) {
        for r in 0..rank {
            for s in 0..rank {
                g[r * rank + s] += row[r] * row[s];
            }
        }
    }
    g
}

/// `X` with its last two modes swapped, `xt[(i · K + k) · J + j] = X[i, j, k]`: the
/// layout in which [`contract_time`] runs along contiguous memory. `X` is fixed during
/// the fit, so this is done once.
fn swap_last_modes(x: &Tensor3) -> Vec<f64> {
    let [ni, nj, nk] = x.dims;
    let mut xt = vec![0.0; x.data.len()];
    for i in 0..ni {
        for j in 0..nj {
            for k in 0..nk {
                xt[(i * nk + k) * nj + j] = x.data[(i * nj + j) * nk + k];
            }
        }
    }
    xt
}

/// `T[i, j, r] = Σ_k X[i, j, k] C[k, r]`, stored `[(i · rank + r) · J + j]`: the tensor
/// contracted with the temporal factor `C`, from [`swap_last_modes`]' `xt`. Both neuron
/// modes' MTTKRPs are sums over `T` (`Σ_j T[i, j, r] B[j, r]` and
/// `Σ_i T[i, j, r] A[i, r]`), and `C` does not change between their updates, so one
/// contraction serves both: `I J K R` operations instead of twice that. The inner loop
/// runs over `j` in both arrays, which the compiler vectorises.
fn contract_time(xt: &[f64], dims: [usize; 3], c: &[f64], rank: usize) -> Vec<f64> {
    let [ni, nj, nk] = dims;
    let mut t = vec![0.0; ni * rank * nj];
    // One neuron `i` per task, each writing its own rows: the result does not depend on
    // the scheduling.
    t.par_chunks_mut(rank * nj).zip(xt.par_chunks(nk * nj)).for_each(|(ti, xi)| {
        for (xik, ck) in xi.chunks_exact(nj).zip(c.chunks_exact(rank)) {
            for (tir, &ckr) in ti.chunks_exact_mut(nj).zip(ck) {
                for (tv, &xv) in tir.iter_mut().zip(xik) {
                    *tv += ckr * xv;
                }
            }
        }
    });
    t
}

/// MTTKRP of a neuron mode from [`contract_time`]'s `T`: mode 0 `Σ_j T[i, j, r] B[j, r]`
/// (`other` = B), mode 1 `Σ_i T[i, j, r] A[i, r]` (`other` = A), `[dims[mode] × rank]`.
fn mttkrp_neurons(t: &[f64], dims: [usize; 3], other: &[f64], mode: usize, rank: usize) -> Vec<f64> {
    let [ni, nj, _] = dims;
    let mut out = vec![0.0; dims[mode] * rank];
    for i in 0..ni {
        for r in 0..rank {
            let tir = &t[(i * rank + r) * nj..][..nj];
            if mode == 0 {
                out[i * rank + r] = tir.iter().enumerate().map(|(j, &v)| v * other[j * rank + r]).sum();
            } else {
                let ai = other[i * rank + r];
                for (j, &v) in tir.iter().enumerate() {
                    out[j * rank + r] += v * ai;
                }
            }
        }
    }
    out
}

/// MTTKRP of the window mode: `Σ_{i,j} X[i, j, k] A[i, r] B[j, r]`, `[K × rank]`.
fn mttkrp_time(x: &Tensor3, a: &[f64], b: &[f64], rank: usize) -> Vec<f64> {
    let [_, nj, nk] = x.dims;
    // A partial sum `[r · K + k]` per neuron `i`, in parallel, then added in order of
    // `i`: the same result for any number of threads. The inner loop runs along a fibre
    // `X[i, j, ·]` and vectorises.
    let partial: Vec<Vec<f64>> = x
        .data
        .par_chunks(nj * nk)
        .zip(a.par_chunks(rank))
        .map(|(slab, ai)| {
            let mut acc = vec![0.0; rank * nk];
            for (fibre, bj) in slab.chunks_exact(nk).zip(b.chunks_exact(rank)) {
                for ((acc_r, &air), &bjr) in acc.chunks_exact_mut(nk).zip(ai).zip(bj) {
                    let w = air * bjr;
                    for (av, &xv) in acc_r.iter_mut().zip(fibre) {
                        *av += w * xv;
                    }
                }
            }
            acc
        })
        .collect();
    let mut out = vec![0.0; nk * rank];
    for p in &partial {
        for k in 0..nk {
            for r in 0..rank {
                out[k * rank + r] += p[r * nk + k];
            }
        }
    }
    out
}

/// Non-negative CP decomposition of `x` with `rank` components by `iterations` rounds of
/// multiplicative updates (see the [module docs](self)), from a positive start drawn
/// from `seed`, so results are reproducible.
pub fn ntf_cp(x: &Tensor3, rank: usize, iterations: usize, seed: u64) -> Result<CpModel, AnalysisError> {
    if rank == 0 {
        return Err(AnalysisError::param("rank", "expected at least 1 component"));
    }
    if let Some(v) = x.data.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
        return Err(AnalysisError::param("tensor", format!("entries must be finite and non-negative, found {v}")));
    }
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut uniform = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        0.1 + (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut f: [Vec<f64>; 3] = [0, 1, 2].map(|m| (0..x.dims[m] * rank).map(|_| uniform()).collect());
    let xt = swap_last_modes(x);
    for _ in 0..iterations {
        let t = contract_time(&xt, x.dims, &f[2], rank);
        for mode in 0..3 {
            let m = match mode {
                0 => mttkrp_neurons(&t, x.dims, &f[1], 0, rank),
                1 => mttkrp_neurons(&t, x.dims, &f[0], 1, rank),
                _ => mttkrp_time(x, &f[0], &f[1], rank),
            };
            let (g1, g2) = match mode {
                0 => (gram(&f[1], rank), gram(&f[2], rank)),
                1 => (gram(&f[0], rank), gram(&f[2], rank)),
                _ => (gram(&f[0], rank), gram(&f[1], rank)),
            };
            let h: Vec<f64> = g1.iter().zip(&g2).map(|(a, b)| a * b).collect();
            for (row, mrow) in f[mode].chunks_exact_mut(rank).zip(m.chunks_exact(rank)) {
                let denom: Vec<f64> =
                    (0..rank).map(|s| (0..rank).map(|r| row[r] * h[r * rank + s]).sum::<f64>() + EPS).collect();
                for s in 0..rank {
                    row[s] *= mrow[s] / denom[s];
                }
            }
        }
    }
    // Fit error from Gram matrices: ‖X̂‖² = Σ (AᵀA ∗ BᵀB ∗ CᵀC), ⟨X, X̂⟩ = Σ A ∗ MTTKRP₀.
    let norm_x2: f64 = x.data.iter().map(|v| v * v).sum();
    let m0 = mttkrp_neurons(&contract_time(&xt, x.dims, &f[2], rank), x.dims, &f[1], 0, rank);
    let inner: f64 = f[0].iter().zip(&m0).map(|(a, b)| a * b).sum();
    let (g0, g1, g2) = (gram(&f[0], rank), gram(&f[1], rank), gram(&f[2], rank));
    let norm_fit2: f64 = (0..rank * rank).map(|q| g0[q] * g1[q] * g2[q]).sum();
    let relative_error = ((norm_x2 - 2.0 * inner + norm_fit2).max(0.0) / norm_x2).sqrt();
    // Unit-norm columns, weights carry the scale; components sorted by weight.
    let norms: Vec<[f64; 3]> = (0..rank)
        .map(|r| [0, 1, 2].map(|m| f[m].iter().skip(r).step_by(rank).map(|v| v * v).sum::<f64>().sqrt()))
        .collect();
    let mut order: Vec<usize> = (0..rank).collect();
    let weight = |r: usize| norms[r].iter().product::<f64>();
    order.sort_by(|&a, &b| weight(b).total_cmp(&weight(a)));
    let factors = [0, 1, 2].map(|m| {
        let rows = x.dims[m];
        let mut out = vec![0.0; rows * rank];
        for (new, &old) in order.iter().enumerate() {
            for i in 0..rows {
                let norm = norms[old][m];
                out[i * rank + new] = if norm > 0.0 { f[m][i * rank + old] / norm } else { 0.0 };
            }
        }
        out
    });
    Ok(CpModel { weights: order.iter().map(|&r| weight(r)).collect(), factors, relative_error })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rank-2 tensor from two assemblies active in different windows.
    fn planted() -> (Tensor3, [Vec<f64>; 2]) {
        let (n, k) = (8, 6);
        let a1: Vec<f64> = (0..n).map(|i| if i < 4 { 1.0 } else { 0.05 }).collect();
        let a2: Vec<f64> = (0..n).map(|i| if i >= 4 { 0.8 } else { 0.1 }).collect();
        let c1: Vec<f64> = (0..k).map(|w| if w < 3 { 1.0 } else { 0.2 }).collect();
        let c2: Vec<f64> = (0..k).map(|w| 0.1 + 0.3 * w as f64).collect();
        let mut data = vec![0.0; n * n * k];
        for i in 0..n {
            for j in 0..n {
                for w in 0..k {
                    data[(i * n + j) * k + w] = 2.0 * a1[i] * a1[j] * c1[w] + a2[i] * a2[j] * c2[w];
                }
            }
        }
        (Tensor3 { dims: [n, n, k], data }, [c1, c2])
    }

    fn cosine(a: &[f64], b: &[f64]) -> f64 {
        let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
        dot / (a.iter().map(|x| x * x).sum::<f64>().sqrt() * b.iter().map(|x| x * x).sum::<f64>().sqrt())
    }

    #[test]
    fn recovers_planted_components() {
        let (x, temporal) = planted();
        let model = ntf_cp(&x, 2, 3000, 1).unwrap();
        assert!(model.relative_error < 1e-3, "error {}", model.relative_error);
        // Each planted temporal profile matches one fitted component (cosine > 0.999).
        for c in &temporal {
            let best = (0..2).map(|r| cosine(c, &model.factor(2, r))).fold(0.0, f64::max);
            assert!(best > 0.999, "{best}");
        }
        assert!(model.weights[0] >= model.weights[1]);
    }

    #[test]
    fn mttkrp_kernels_match_the_definition() {
        // `Σ X[i,j,k] F1[.,r] F2[.,r]` over the two other modes, summed term by term, on
        // a tensor with distinct sizes per mode so a swapped index would show.
        let (ni, nj, nk, rank) = (4, 5, 3, 2);
        let data: Vec<f64> = (0..ni * nj * nk).map(|q| ((q * 7) % 11) as f64 * 0.1).collect();
        let x = Tensor3 { dims: [ni, nj, nk], data };
        let f: [Vec<f64>; 3] = [ni, nj, nk].map(|n| (0..n * rank).map(|q| 0.5 + (q % 5) as f64).collect());
        let t = contract_time(&swap_last_modes(&x), x.dims, &f[2], rank);
        let got = [
            mttkrp_neurons(&t, x.dims, &f[1], 0, rank),
            mttkrp_neurons(&t, x.dims, &f[0], 1, rank),
            mttkrp_time(&x, &f[0], &f[1], rank),
        ];
        for (mode, m) in got.iter().enumerate() {
            for p in 0..x.dims[mode] {
                for r in 0..rank {
                    let mut want = 0.0;
                    for i in 0..ni {
                        for j in 0..nj {
                            for k in 0..nk {
                                if [i, j, k][mode] != p {
                                    continue;
                                }
                                let others: Vec<f64> =
                                    (0..3).filter(|&o| o != mode).map(|o| f[o][[i, j, k][o] * rank + r]).collect();
                                want += x.get(i, j, k) * others[0] * others[1];
                            }
                        }
                    }
                    assert!((m[p * rank + r] - want).abs() <= 1e-12 * want.abs(), "mode {mode} ({p}, {r})");
                }
            }
        }
    }

    #[test]
    fn sliding_windows_of_a_synchronous_pair() {
        // Neurons 0 and 1 fire together in the first second only; neuron 2 fires alone.
        let t0: Vec<f64> = (0..20).map(|k| 0.025 + 0.05 * k as f64).collect();
        let t2: Vec<f64> = (0..40).map(|k| 0.0125 + 0.05 * k as f64).collect();
        let t1: Vec<f64> = t0.iter().copied().chain((0..10).map(|k| 1.03 + 0.09 * k as f64)).collect();
        let st = SpikeTrains::new(vec![t0, t1, t2], 0.0, 2.0).unwrap();
        let x = connectivity_tensor(&st, 0.005, 1.0, 0.5).unwrap();
        assert_eq!(x.dims, [3, 3, 3]);
        assert!((x.get(0, 1, 0) - 1.0).abs() < 1e-12);
        assert_eq!(x.get(0, 1, 2), 0.0);
        assert_eq!(x.get(0, 0, 0), 0.0);
        assert!(ntf_cp(&x, 0, 10, 1).is_err());
    }
}
