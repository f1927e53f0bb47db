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
    let mut c = CellCache { m: vec![F::zero(); len], v: vec![F::zero(); len], i: vec![F::zero(); len], ..Default::default() };
    if spec.spiking {
        c.s = vec![F::zero(); len];
    }
    if spec.adaptation.is_some() {
        c.a = vec![F::zero(); len];
    }
    let props: Vec<F> = (0..alpha.len().max(beta.len())).map(|j| propagator(alpha[j % alpha.len()], beta[j % beta.len()]).0).collect();
    let one = F::one();
    let block = batch * n;
    let mut rec = vec![F::zero(); block];
    for t in 0..steps {
        let now = t * block..(t + 1) * block;
        if let (Some(w), true) = (w_rec, t > 0) {
            matmul(&mut rec, MatRef::new(&c.s[now.start - block..now.start], batch, n), MatRef::new(w, n, n), false, 1);
        }
        for b in 0..batch {
            for j in 0..n {
                let x = t * block + b * n + j;
                let (v_prev, i_prev) = if t > 0 { (c.v[x - block], c.i[x - block]) } else { (F::zero(), F::zero()) };
                let (al, be, p) = (alpha[j % alpha.len()], beta[j % beta.len()], props[j % props.len()]);
                let m = be * v_prev + p * i_prev;
                let mut i_now = al * i_prev + u[x];
                if w_rec.is_some() && t > 0 {
                    i_now = i_now + rec[b * n + j];
                }
                c.m[x] = m;
                c.i[x] = i_now;
                if !spec.spiking {
                    c.v[x] = m;
                    continue;
                }
                let mut theta = one;
                if let Some(ad) = spec.adaptation {
                    let s_prev = if t > 0 { c.s[x - block] } else { F::zero() };
                    let a_prev = if t > 0 { c.a[x - block] } else { F::zero() };
                    let a = F::of(ad.rho) * a_prev + F::of(1.0 - ad.rho) * s_prev;
                    c.a[x] = a;
                    theta = one + F::of(ad.strength) * a;
                }
                let s = if spec.smooth {
                    spec.surrogate.smooth(m - theta)
                } else if m >= theta {
                    one
                } else {
                    F::zero()
                };
                c.s[x] = s;
                let s = reset_spikes.map_or(s, |r| r[x]);
                c.v[x] = match spec.reset {
                    Reset::Zero => m * (one - s),
                    Reset::Subtract => m - theta * s,
                };
            }
        }
    }
    c
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
    let mut g_alpha = vec![F::zero(); alpha.len()];
    let mut g_beta = vec![F::zero(); beta.len()];
    let n_p = alpha.len().max(beta.len());
    let props: Vec<(F, F, F)> = (0..n_p).map(|j| propagator(alpha[j % alpha.len()], beta[j % beta.len()])).collect();
    let mut g_p = vec![F::zero(); n_p];
    // Gradients flowing from step t+1 into the state of step t.
    let mut g_v = vec![F::zero(); block];
    let mut g_i = vec![F::zero(); block];
    let mut g_a = vec![F::zero(); block];
    let mut g_s = vec![F::zero(); block];
    let mut g_s_next = vec![F::zero(); block];
    let (rho, strength) = spec.adaptation.map_or((0.0, 0.0), |a| (a.rho, a.strength));
    for t in (0..steps).rev() {
        for b in 0..batch {
            for j in 0..n {
                let k = b * n + j;
                let x = t * block + k;
                let (al, be) = (alpha[j % alpha.len()], beta[j % beta.len()]);
                let p = props[j % n_p].0;
                let m = cache.m[x];
                let gm = if spec.spiking {
                    let s = cache.s[x];
                    let theta = if spec.adaptation.is_some() { one + F::of(strength) * cache.a[x] } else { one };
                    let sg = spec.surrogate.derivative(m - theta);
                    let mut gs = grad_out[x] + g_s[k];
                    let gv = g_v[k];
                    let (dv_dm, dv_ds, dv_dtheta) = match spec.reset {
                        Reset::Zero => (one - s, -m, F::zero()),
                        Reset::Subtract => (one, -theta, -s),
                    };
                    // Detaching treats the spike in the reset as a constant; the
                    // threshold it is multiplied by still carries its gradient.
                    let dv_ds = if spec.detach_reset { F::zero() } else { dv_ds };
                    gs = gs + gv * dv_ds;
                    let gm = gv * dv_dm + gs * sg;
                    if spec.adaptation.is_some() {
                        let g_theta = -gs * sg + gv * dv_dtheta;
                        g_a[k] = g_a[k] + F::of(strength) * g_theta;
                    }
                    gm
                } else {
                    grad_out[x] + g_v[k]
                };
                let gi = g_i[k];
                grad_u[x] = gi;
                if t > 0 {
                    let (v_prev, i_prev) = (cache.v[x - block], cache.i[x - block]);
                    g_beta[j % beta.len()] = g_beta[j % beta.len()] + gm * v_prev;
                    g_p[j % n_p] = g_p[j % n_p] + gm * i_prev;
                    g_alpha[j % alpha.len()] = g_alpha[j % alpha.len()] + gi * i_prev;
                }
                g_v[k] = be * gm;
                g_i[k] = al * gi + p * gm;
                g_s_next[k] = F::zero();
                if spec.adaptation.is_some() {
                    g_s_next[k] = F::of(1.0 - rho) * g_a[k];
                    g_a[k] = F::of(rho) * g_a[k];
                }
            }
        }
        if let (Some(w), true) = (w_rec, t > 0) {
            let gu_now = &grad_u[t * block..(t + 1) * block];
            matmul(&mut g_s_next, MatRef::new(gu_now, batch, n), MatRef::new(w, n, n).t(), true, 1);
        }
        std::mem::swap(&mut g_s, &mut g_s_next);
    }
    for j in 0..n_p {
        let (_, dp_da, dp_db) = props[j];
        g_alpha[j % alpha.len()] = g_alpha[j % alpha.len()] + g_p[j] * dp_da;
        g_beta[j % beta.len()] = g_beta[j % beta.len()] + g_p[j] * dp_db;
    }
    let mut g_w_rec = Vec::new();
    if w_rec.is_some() && steps > 1 {
        g_w_rec = vec![F::zero(); n * n];
        let rows = (steps - 1) * batch;
        matmul(&mut g_w_rec, MatRef::new(&cache.s, rows, n).t(), MatRef::new(&grad_u[block..], rows, n), false, 1);
    }
    CellGrads { u: grad_u, w_rec: g_w_rec, alpha: g_alpha, beta: g_beta }
}
