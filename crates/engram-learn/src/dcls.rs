//! Learnable synaptic delays by dilated convolution with learnable spacings (DCLS).
//!
//! Hammouamri, Khalfaoui-Hassani & Masquelier 2023, "Learning delays in spiking neural
//! networks using dilated convolutions with learnable spacings" (ICLR 2024). Each
//! synapse `i → j` has a weight `w_ij` and a real-valued delay `d_ij` (in steps). Its
//! temporal kernel over the taps `k = 1..=K` (delays of `k` steps) is a Gaussian
//! centred on `d_ij`, normalised to unit sum:
//!
//! ```text
//! G_k(d) = exp(-(k - d)² / 2σ²) / Σ_k' exp(-(k' - d)² / 2σ²)
//! u[t]   = Σ_k x[t-k] · (w ⊙ G_k(d))
//! ```
//!
//! so the loss is differentiable in `d`. σ is annealed during training from about
//! `K/2` towards a fraction of a step; with σ = 0 the kernel is one-hot at `round(d)`,
//! the integer delay the simulator uses, and the last evaluation runs that way.
//! Delays are kept in `[1, K]`: one step is the simulator's shortest delay.

use crate::matmul::{matmul, MatRef};
use crate::real::Real;
use crate::Dims;

/// The kernels `G_k(d)` for every tap and synapse: `taps × n_syn`, tap-major. With
/// `sigma ≤ 0` the kernel is one-hot at the rounded delay.
pub fn kernels<F: Real>(delays: &[F], taps: usize, sigma: f64) -> Vec<F> {
    let n = delays.len();
    let mut g = vec![F::zero(); taps * n];
    for (s, &d) in delays.iter().enumerate() {
        let d = d.as_f64();
        if sigma <= 0.0 {
            let k = (d.round() as usize).clamp(1, taps);
            g[(k - 1) * n + s] = F::one();
            continue;
        }
        // Shifting the exponents so the nearest tap has exponent 0 keeps the sum ≥ 1
        // however small σ gets (no underflow to 0/0).
        let nearest = (d.round()).clamp(1.0, taps as f64);
        let base = (nearest - d) * (nearest - d);
        let mut z = 0.0;
        for k in 0..taps {
            let off = (k + 1) as f64 - d;
            let e = (-(off * off - base) / (2.0 * sigma * sigma)).exp();
            g[k * n + s] = F::of(e);
            z += e;
        }
        for k in 0..taps {
            g[k * n + s] = g[k * n + s] / F::of(z);
        }
    }
    g
}

/// `u[t] = Σ_k x[t-k] · (w ⊙ G_k)`, with `g` from [`kernels`].
pub fn forward<F: Real>(x: &[F], w: &[F], g: &[F], taps: usize, d: Dims) -> Vec<F> {
    let Dims { steps, batch, n_in, n_out } = d;
    let n_syn = n_in * n_out;
    let mut u = vec![F::zero(); steps * batch * n_out];
    let mut wk = vec![F::zero(); n_syn];
    for k in 1..=taps.min(steps - 1) {
        for (s, slot) in wk.iter_mut().enumerate() {
            *slot = w[s] * g[(k - 1) * n_syn + s];
        }
        let rows = (steps - k) * batch;
        matmul(&mut u[k * batch * n_out..], MatRef::new(x, rows, n_in), MatRef::new(&wk, n_in, n_out), true, 1);
    }
    u
}

/// Width (steps) of the kernel whose derivative stands in for the delay gradient when
/// training with integer delays.
pub const STRAIGHT_THROUGH_SIGMA: f64 = 1.0;

/// Gradients of [`forward`]: adds `∂L/∂w` and `∂L/∂d` into `grad_w` and `grad_d` and
/// returns `∂L/∂x` (empty unless `input_grad`). With `sigma ≤ 0`, `∂L/∂d` is the
/// straight-through estimate described below.
#[allow(clippy::too_many_arguments)]
pub fn backward<F: Real>(
    x: &[F],
    w: &[F],
    delays: &[F],
    g: &[F],
    grad_u: &[F],
    grad_w: &mut [F],
    grad_d: &mut [F],
    taps: usize,
    sigma: f64,
    d: Dims,
    input_grad: bool,
) -> Vec<F> {
    let Dims { steps, batch, n_in, n_out } = d;
    let n_syn = n_in * n_out;
    let mut grad_x = if input_grad { vec![F::zero(); steps * batch * n_in] } else { Vec::new() };
    let mut wk = vec![F::zero(); n_syn];
    let mut grad_wk = vec![F::zero(); n_syn];
    // ∂L/∂G_k per synapse, for the delay gradient.
    let mut grad_g = vec![F::zero(); taps * n_syn];
    for k in 1..=taps.min(steps - 1) {
        let rows = (steps - k) * batch;
        let gu = &grad_u[k * batch * n_out..];
        matmul(&mut grad_wk, MatRef::new(x, rows, n_in).t(), MatRef::new(gu, rows, n_out), false, 1);
        for s in 0..n_syn {
            let gk = g[(k - 1) * n_syn + s];
            grad_w[s] = grad_w[s] + grad_wk[s] * gk;
            grad_g[(k - 1) * n_syn + s] = grad_wk[s] * w[s];
            wk[s] = w[s] * gk;
        }
        if input_grad {
            matmul(&mut grad_x, MatRef::new(gu, rows, n_out), MatRef::new(&wk, n_in, n_out).t(), true, 1);
        }
    }
    // With integer delays (σ = 0) the kernel has no gradient in d; the delays keep
    // learning through a straight-through estimate: the one-hot forward pass, and the
    // derivative of the Gaussian kernel of width STRAIGHT_THROUGH_SIGMA backward.
    let soft;
    let (g, sigma) = if sigma > 0.0 {
        (g, sigma)
    } else {
        soft = kernels(delays, taps, STRAIGHT_THROUGH_SIGMA);
        (&soft[..], STRAIGHT_THROUGH_SIGMA)
    };
    {
        // Softmax-like normalisation: ∂G_k/∂d = G_k (c_k - Σ_j G_j c_j), c_k = (k - d)/σ².
        let inv_var = F::of(1.0 / (sigma * sigma));
        for s in 0..n_syn {
            let dd = delays[s];
            let mut mean_c = F::zero();
            let mut mean_gc = F::zero();
            let mut sum_gg = F::zero();
            for k in 0..taps {
                let gk = g[k * n_syn + s];
                let c = (F::of((k + 1) as f64) - dd) * inv_var;
                mean_c = mean_c + gk * c;
                mean_gc = mean_gc + grad_g[k * n_syn + s] * gk * c;
                sum_gg = sum_gg + grad_g[k * n_syn + s] * gk;
            }
            grad_d[s] = grad_d[s] + mean_gc - sum_gg * mean_c;
        }
    }
    grad_x
}
