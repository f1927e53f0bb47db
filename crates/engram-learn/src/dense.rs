//! Dense projection with a one-step synaptic delay: `u[t] = x[t-1] · W`.
//!
//! The delay of one step is the simulator's shortest synaptic delay (`delay = dt`):
//! a spike emitted at step `t` enters the target's synaptic current at step `t + 1`,
//! so the trained graph and the exported model see the same latency. All time steps
//! are one product of the `(T-1)·B × n_in` input block with `W`.

use crate::matmul::{matmul, MatRef};
use crate::real::Real;
use crate::Dims;

/// `u[t] = x[t-1] · w` for `t ≥ 1` and `u[0] = 0`; `x` is `T·B × n_in`, time-major.
pub fn forward<F: Real>(x: &[F], w: &[F], d: Dims) -> Vec<F> {
    let Dims { steps, batch, n_in, n_out } = d;
    let mut u = vec![F::zero(); steps * batch * n_out];
    let rows = (steps - 1) * batch;
    matmul(&mut u[batch * n_out..], MatRef::new(x, rows, n_in), MatRef::new(w, n_in, n_out), false, 1);
    u
}

/// Gradients of [`forward`]: adds `∂L/∂w` into `grad_w` and returns `∂L/∂x` (empty
/// unless `input_grad`: the first layer's input needs none).
pub fn backward<F: Real>(x: &[F], w: &[F], grad_u: &[F], grad_w: &mut [F], d: Dims, input_grad: bool) -> Vec<F> {
    let Dims { steps, batch, n_in, n_out } = d;
    let rows = (steps - 1) * batch;
    let gu = &grad_u[batch * n_out..];
    matmul(grad_w, MatRef::new(x, rows, n_in).t(), MatRef::new(gu, rows, n_out), true, 1);
    if !input_grad {
        return Vec::new();
    }
    let mut grad_x = vec![F::zero(); steps * batch * n_in];
    matmul(&mut grad_x, MatRef::new(gu, rows, n_out), MatRef::new(w, n_in, n_out).t(), false, 1);
    grad_x
}
