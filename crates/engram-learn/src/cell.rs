//! The neuron dynamics of a layer over time: LIF, adaptive LIF (ALIF) and the leaky
//! integrator readout, with their hand-written backward pass through time.
//!
//! Per step `t`, for every sample and neuron, in units where the rest is 0 and the
//! threshold 1 (a membrane of 1 is the simulator's `v_th - v_rest`):
//!
//! ```text
//! a[t] = ρ a[t-1] + (1 - ρ) s[t-1]                  adaptation (ALIF only)
//! θ[t] = 1 + β_a a[t]                               threshold (Bellec et al. 2018, eq. 2)
//! m[t] = β V[t-1] + p(α, β) I[t-1]                  membrane before the spike test
//! I[t] = α I[t-1] + u[t] + s[t-1] · W_rec           synaptic current
//! s[t] = H(m[t] - θ[t])                             spike (surrogate gradient)
//! V[t] = m[t] (1 - s[t])        reset to zero, or   V[t] = m[t] - θ[t] s[t]   by subtraction
//! ```
//!
//! with `α = exp(-dt/τ_syn)`, `β = exp(-dt/τ_m)` and `p(α, β) = ln β / (ln β - ln α) · (α - β)`,
//! the exact propagator from I to V of `τ_m dV/dt = -V + I`, `τ_syn dI/dt = -I` over one
//! step (Rotter & Diesmann 1999). These are, operation for operation, the steps of
//! engram's `lif` model with the `exp` kernel and `t_ref = 0` (`crates/engram-sim/src/neuron/lif.rs`:
//! integrate V with the old current, then decay the current and add the arriving input,
//! then test the threshold), so a trained LIF network runs unchanged in the simulator.
//! A readout is the same without the spike: its output is the membrane `m[t]`.
//!
//! `α` and `β` are the trainable parameters (time constants through their decays), one
//! per layer or one per neuron.

use crate::matmul::{matmul, MatRef};
use crate::real::Real;
use crate::surrogate::Surrogate;

/// How the membrane is reset after a spike.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Reset {
    /// `V = 0` (the simulator's `v_reset = v_rest`).
    Zero,
    /// `V = m - θ`: keeps the charge above threshold.
    Subtract,
}

/// Threshold adaptation of an ALIF neuron (Bellec et al. 2018, "Long short-term
/// memory and learning-to-learn in networks of spiking neurons").
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Adaptation {
    /// Per-step decay of the adaptation variable, `exp(-dt/τ_a)`.
    pub rho: f64,
    /// Threshold increase per unit of adaptation, `β_a` (Bellec's β).
    pub strength: f64,
}

/// Fixed settings of a cell.
#[derive(Clone, Copy, Debug)]
pub struct CellSpec {
    /// `false` for a leaky-integrator readout.
    pub spiking: bool,
    /// The reset.
    pub reset: Reset,
    /// Treat the reset as a constant in the backward pass (Zenke & Vogels 2021).
    pub detach_reset: bool,
    /// The surrogate derivative.
    pub surrogate: Surrogate,
    /// Threshold adaptation (ALIF), if any.
    pub adaptation: Option<Adaptation>,
    /// Spikes are `surrogate.smooth(m - θ)` instead of a step: the forward pass whose
    /// exact gradient the backward pass computes, for gradient checks.
    pub smooth: bool,
}

/// What the backward pass needs from the forward pass (all `T·B·N`, time-major).
#[derive(Default, Clone)]
pub struct CellCache<F> {
    /// Membrane before the spike test, `m[t]`.
    pub m: Vec<F>,
    /// Membrane after the reset, `V[t]`.
    pub v: Vec<F>,
    /// Synaptic current `I[t]`.
    pub i: Vec<F>,
    /// Spikes `s[t]` (the layer's output when spiking).
    pub s: Vec<F>,
    /// Adaptation `a[t]` (ALIF only).
    pub a: Vec<F>,
}

/// The I → V propagator `p(α, β)` and its partial derivatives `(p, ∂p/∂α, ∂p/∂β)`.
pub fn propagator<F: Real>(alpha: F, beta: F) -> (F, F, F) {
    let (la, lb) = (alpha.ln(), beta.ln());
    let q = lb / (lb - la);
    let p = q * (alpha - beta);
    let den = (lb - la) * (lb - la);
    let dq_dalpha = lb / den / alpha;
    let dq_dbeta = -la / den / beta;
    (p, q + (alpha - beta) * dq_dalpha, -q + (alpha - beta) * dq_dbeta)
}

/// Runs the cell over `steps` steps. `u` is the feed-forward current (`T·B·N`),
/// `w_rec` the recurrent weights (`N × N`) if any; `alpha` and `beta` have 1 or `N` entries.
#[allow(clippy::too_many_arguments)]
pub fn forward<F: Real>(
    spec: &CellSpec,
    u: &[F],
    w_rec: Option<&[F]>,
    alpha: &[F],
    beta: &[F],
    steps: usize,
    batch: usize,
    n: usize,
) -> CellCache<F> {
    forward_with_reset(spec, u, w_rec, alpha, beta, steps, batch, n, None)
}

/// [`forward`], with the spikes that drive the reset taken from `reset_spikes` instead
/// of the spikes just emitted. With the spikes of an earlier run this is the function
/// whose exact gradient a detached reset (`detach_reset`) computes, which is how the
/// tests check that case by finite differences.
#[allow(clippy::too_many_arguments)]
pub fn forward_with_reset<F: Real>(
    spec: &CellSpec,
    u: &[F],
    w_rec: Option<&[F]>,
    alpha: &[F],
    beta: &[F],
    steps: usize,
    batch: usize,
    n: usize,
    reset_spikes: Option<&[F]>,
) -> CellCache<F> {
    let len = steps * batch * n;
    let mut c =
        CellCache { m: vec![F::zero(); len], v: vec![F::zero(); len], i: vec![F::zero(); len], ..Default::default() };
    if spec.spiking {
        c.s = vec![F::zero(); len];
    }
    if spec.adaptation.is_some() {
        c.a = vec![F::zero(); len];
    }
    let (al, be, props) = per_neuron(alpha, beta, n);
    let p: Vec<F> = props.iter().map(|q| q.0).collect();
    let one = F::one();
    let (rho, strength) = spec.adaptation.map_or((0.0, 0.0), |a| (a.rho, a.strength));
    let (rho, one_minus_rho, strength) = (F::of(rho), F::of(1.0 - rho), F::of(strength));
    let block = batch * n;
    let zeros = vec![F::zero(); n];
    let mut rec = vec![F::zero(); block];
    let mut theta = vec![one; n];
    let CellCache { m: cm, v: cv, i: ci, s: cs, a: ca } = &mut c;
    for t in 0..steps {
        let now = t * block;
        if let (Some(w), true) = (w_rec, t > 0) {
            matmul(&mut rec, MatRef::new(&cs[now - block..now], batch, n), MatRef::new(w, n, n), false, 1);
        }
        // The previous and the current block of each state variable; the loops below
        // run over one sample's row of neurons so that they vectorise.
        let (v_hist, v_now) = cv.split_at_mut(now);
        let (i_hist, i_now) = ci.split_at_mut(now);
        let (s_len, a_len) = (cs.len(), ca.len());
        let (s_hist, s_now) = cs.split_at_mut(now.min(s_len));
        let (a_hist, a_now) = ca.split_at_mut(now.min(a_len));
        for b in 0..batch {
            let r = b * n..(b + 1) * n;
            let (v_prev, i_prev) =
                (prev_row(v_hist, &zeros, t, block, r.start), prev_row(i_hist, &zeros, t, block, r.start));
            let m = &mut cm[now + r.start..now + r.end];
            for j in 0..n {
                m[j] = be[j] * v_prev[j] + p[j] * i_prev[j];
            }
            let i_row = &mut i_now[r.clone()];
            let (u_row, rec_row) = (&u[now + r.start..now + r.end], &rec[r.clone()]);
            for j in 0..n {
                i_row[j] = al[j] * i_prev[j] + u_row[j] + rec_row[j];
            }
            let v = &mut v_now[r.clone()];
            if !spec.spiking {
                v.copy_from_slice(m);
                continue;
            }
            if spec.adaptation.is_some() {
                let (s_prev, a_prev) =
                    (prev_row(s_hist, &zeros, t, block, r.start), prev_row(a_hist, &zeros, t, block, r.start));
                let a = &mut a_now[r.clone()];
                for j in 0..n {
                    a[j] = rho * a_prev[j] + one_minus_rho * s_prev[j];
                    theta[j] = one + strength * a[j];
                }
            }
            let s_row = &mut s_now[r.clone()];
            if spec.smooth {
                for j in 0..n {
                    s_row[j] = spec.surrogate.smooth(m[j] - theta[j]);
                }
            } else {
                for j in 0..n {
                    s_row[j] = if m[j] >= theta[j] { one } else { F::zero() };
                }
            }
            let reset_row = reset_spikes.map_or(&*s_row, |rs| &rs[now + r.start..now + r.end]);
            match spec.reset {
                Reset::Zero => {
                    for j in 0..n {
                        v[j] = m[j] * (one - reset_row[j]);
                    }
                }
                Reset::Subtract => {
                    for j in 0..n {
                        v[j] = m[j] - theta[j] * reset_row[j];
                    }
                }
            }
        }
    }
    c
}

/// The row starting at `start` of step `t - 1` in `hist` (steps `0..t`), or `zeros` at `t = 0`.
fn prev_row<'a, F>(hist: &'a [F], zeros: &'a [F], t: usize, block: usize, start: usize) -> &'a [F] {
    if t == 0 {
        zeros
    } else {
        let o = (t - 1) * block + start;
        &hist[o..o + zeros.len()]
    }
}

/// `α`, `β` and `(p, ∂p/∂α, ∂p/∂β)`, one entry per neuron.
type PerNeuron<F> = (Vec<F>, Vec<F>, Vec<(F, F, F)>);

/// `α`, `β` and the propagator `(p, ∂p/∂α, ∂p/∂β)` for each of `n` neurons, from
/// parameters with one entry per layer or per neuron.
fn per_neuron<F: Real>(alpha: &[F], beta: &[F], n: usize) -> PerNeuron<F> {
    let al: Vec<F> = (0..n).map(|j| alpha[j % alpha.len()]).collect();
    let be: Vec<F> = (0..n).map(|j| beta[j % beta.len()]).collect();
    let props = al.iter().zip(&be).map(|(&a, &b)| propagator(a, b)).collect();
    (al, be, props)
}

/// Gradients of a [`forward`] run.
pub struct CellGrads<F> {
    /// `∂L/∂u`, the gradient of the feed-forward current (`T·B·N`).
    pub u: Vec<F>,
    /// `∂L/∂W_rec` (`N × N`), empty without recurrence.
    pub w_rec: Vec<F>,
    /// `∂L/∂α` (1 or `N`).
    pub alpha: Vec<F>,
    /// `∂L/∂β` (1 or `N`).
    pub beta: Vec<F>,
}

/// Backpropagation through time. `grad_out` is `∂L/∂s[t]` for a spiking cell and
/// `∂L/∂m[t]` for a readout.
#[allow(clippy::too_many_arguments)]
pub fn backward<F: Real>(
    spec: &CellSpec,
    cache: &CellCache<F>,
    grad_out: &[F],
    w_rec: Option<&[F]>,
    alpha: &[F],
    beta: &[F],
    steps: usize,
    batch: usize,
    n: usize,
) -> CellGrads<F> {
    let block = batch * n;
    let one = F::one();
    let mut grad_u = vec![F::zero(); steps * block];
    let (al, be, props) = per_neuron(alpha, beta, n);
    // Per-neuron sums, folded into shared parameters at the end.
    let mut g_al = vec![F::zero(); n];
    let mut g_be = vec![F::zero(); n];
    let mut g_p = vec![F::zero(); n];
    // Gradients flowing from step t+1 into the state of step t.
    let mut g_v = vec![F::zero(); block];
    let mut g_i = vec![F::zero(); block];
    let mut g_a = vec![F::zero(); block];
    let mut g_s = vec![F::zero(); block];
    let mut g_s_next = vec![F::zero(); block];
    let (rho, strength) = spec.adaptation.map_or((0.0, 0.0), |a| (a.rho, a.strength));
    let (rho, one_minus_rho, strength) = (F::of(rho), F::of(1.0 - rho), F::of(strength));
    let adaptive = spec.adaptation.is_some();
    let p: Vec<F> = props.iter().map(|q| q.0).collect();
    let zeros = vec![F::zero(); n];
    let mut x = vec![F::zero(); n];
    let mut sg = vec![F::zero(); n];
    let mut gm = vec![F::zero(); n];
    let mut theta = vec![one; n];
    for t in (0..steps).rev() {
        for b in 0..batch {
            let r = b * n..(b + 1) * n;
            let row = t * block + r.start..t * block + r.end;
            let (v_prev, i_prev) =
                (prev_row(&cache.v, &zeros, t, block, r.start), prev_row(&cache.i, &zeros, t, block, r.start));
            let (gout, m) = (&grad_out[row.clone()], &cache.m[row.clone()]);
            let (g_v, g_i, g_a, g_s) = (&mut g_v[r.clone()], &mut g_i[r.clone()], &mut g_a[r.clone()], &g_s[r.clone()]);
            if spec.spiking {
                let s = &cache.s[row.clone()];
                if adaptive {
                    for (th, &a) in theta.iter_mut().zip(&cache.a[row.clone()]) {
                        *th = one + strength * a;
                    }
                }
                for j in 0..n {
                    x[j] = m[j] - theta[j];
                }
                spec.surrogate.derivative_row(&x, &mut sg);
                // ∂V/∂m, ∂V/∂s (0 when detached: the spike in the reset is a constant)
                // and ∂V/∂θ of the reset.
                let keep = if spec.detach_reset { F::zero() } else { one };
                for j in 0..n {
                    let (dv_dm, dv_ds, dv_dtheta) = match spec.reset {
                        Reset::Zero => (one - s[j], -m[j] * keep, F::zero()),
                        Reset::Subtract => (one, -theta[j] * keep, -s[j]),
                    };
                    let gs = gout[j] + g_s[j] + g_v[j] * dv_ds;
                    if adaptive {
                        g_a[j] = g_a[j] + strength * (g_v[j] * dv_dtheta - gs * sg[j]);
                    }
                    gm[j] = g_v[j] * dv_dm + gs * sg[j];
                }
            } else {
                for j in 0..n {
                    gm[j] = gout[j] + g_v[j];
                }
            }
            grad_u[row.clone()].copy_from_slice(g_i);
            for j in 0..n {
                g_be[j] = g_be[j] + gm[j] * v_prev[j];
                g_p[j] = g_p[j] + gm[j] * i_prev[j];
                g_al[j] = g_al[j] + g_i[j] * i_prev[j];
                g_v[j] = be[j] * gm[j];
                g_i[j] = al[j] * g_i[j] + p[j] * gm[j];
            }
            let g_s_next = &mut g_s_next[r.clone()];
            if adaptive {
                for j in 0..n {
                    g_s_next[j] = one_minus_rho * g_a[j];
                    g_a[j] = rho * g_a[j];
                }
            } else {
                g_s_next.fill(F::zero());
            }
        }
        if let (Some(w), true) = (w_rec, t > 0) {
            let gu_now = &grad_u[t * block..(t + 1) * block];
            matmul(&mut g_s_next, MatRef::new(gu_now, batch, n), MatRef::new(w, n, n).t(), true, 1);
        }
        std::mem::swap(&mut g_s, &mut g_s_next);
    }
    let mut g_alpha = vec![F::zero(); alpha.len()];
    let mut g_beta = vec![F::zero(); beta.len()];
    for j in 0..n {
        let (_, dp_da, dp_db) = props[j];
        g_alpha[j % alpha.len()] = g_alpha[j % alpha.len()] + g_al[j] + g_p[j] * dp_da;
        g_beta[j % beta.len()] = g_beta[j % beta.len()] + g_be[j] + g_p[j] * dp_db;
    }
    let mut g_w_rec = Vec::new();
    if w_rec.is_some() && steps > 1 {
        g_w_rec = vec![F::zero(); n * n];
        let rows = (steps - 1) * batch;
        matmul(&mut g_w_rec, MatRef::new(&cache.s, rows, n).t(), MatRef::new(&grad_u[block..], rows, n), false, 1);
    }
    CellGrads { u: grad_u, w_rec: g_w_rec, alpha: g_alpha, beta: g_beta }
}
