//! Online readouts: recursive least squares (RLS) and FORCE learning.
//!
//! RLS (Haykin, *Adaptive Filter Theory*, 4th ed., §9.3) updates the readout after
//! every step with the inverse correlation matrix `P` of the states (plus a constant 1
//! for the intercept):
//!
//! ```text
//! k = P x / (μ + xᵀ P x),   e = y − Wᵀ x,   W ← W + k eᵀ,   P ← (P − k xᵀ P) / μ
//! ```
//!
//! with forgetting factor `μ ≤ 1` and `P(0) = I / δ`. FORCE learning (Sussillo &
//! Abbott 2009, *Neuron* 63:544) is RLS with `μ = 1`, `P(0) = I / α`, applied while
//! the network runs on its *own* output: the reservoir's input (and feedback) is the
//! readout's last prediction rather than the teacher, so the weights are learnt in the
//! closed loop they are used in and errors stay small from the start.

use crate::esn::Esn;

/// Which online rule, with its constants.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum OnlineKind {
    /// RLS driven by the true input (teacher forcing).
    Rls {
        /// Forgetting factor `μ` in (0, 1].
        forgetting: f64,
        /// `P(0) = I / δ`.
        delta: f64,
    },
    /// FORCE: RLS with `μ = 1` in closed loop.
    Force {
        /// `P(0) = I / α`; Sussillo & Abbott use α = 1 (their Fig. 2).
        alpha: f64,
    },
}

/// A linear readout trained online.
#[derive(Clone, Debug)]
pub struct OnlineReadout {
    kind: OnlineKind,
    /// Inputs of the readout: the units plus a constant 1.
    width: usize,
    outputs: usize,
    /// `W`, `width × outputs`, row-major.
    weights: Vec<f64>,
    /// `P`, `width × width`, row-major, symmetric.
    p: Vec<f64>,
    px: Vec<f64>,
    ext: Vec<f64>,
}

impl OnlineReadout {
    /// An untrained readout from `units` states to `outputs` values.
    pub fn new(kind: OnlineKind, units: usize, outputs: usize) -> OnlineReadout {
        let width = units + 1;
        let delta = match kind {
            OnlineKind::Rls { delta, .. } => delta,
            OnlineKind::Force { alpha } => alpha,
        };
        let mut p = vec![0.0; width * width];
        for i in 0..width {
            p[i * width + i] = 1.0 / delta;
        }
        OnlineReadout {
            kind,
            width,
            outputs,
            weights: vec![0.0; width * outputs],
            p,
            px: vec![0.0; width],
            ext: vec![0.0; width],
        }
    }

    /// The output for one state.
    pub fn predict_one(&self, state: &[f64], out: &mut [f64]) {
        for (j, o) in out.iter_mut().enumerate() {
            *o = self.weights[(self.width - 1) * self.outputs + j]
                + state.iter().enumerate().map(|(i, x)| self.weights[i * self.outputs + j] * x).sum::<f64>();
        }
    }

    /// The number of outputs.
    pub fn outputs(&self) -> usize {
        self.outputs
    }

    /// The weights (`units × outputs`, row-major) and the intercept (`outputs`).
    pub fn weights_and_intercept(&self) -> (Vec<f64>, Vec<f64>) {
        let split = (self.width - 1) * self.outputs;
        (self.weights[..split].to_vec(), self.weights[split..].to_vec())
    }

    /// One RLS update towards `target` for `state`.
    pub fn update(&mut self, state: &[f64], target: &[f64]) {
        let (w, k) = (self.width, self.outputs);
        let forgetting = match self.kind {
            OnlineKind::Rls { forgetting, .. } => forgetting,
            OnlineKind::Force { .. } => 1.0,
        };
        self.ext[..w - 1].copy_from_slice(state);
        self.ext[w - 1] = 1.0;
        for i in 0..w {
            self.px[i] = self.p[i * w..(i + 1) * w].iter().zip(&self.ext).map(|(a, b)| a * b).sum();
        }
        let denom = forgetting + self.ext.iter().zip(&self.px).map(|(a, b)| a * b).sum::<f64>();
        let mut pred = vec![0.0; k];
        self.predict_one(state, &mut pred);
        for j in 0..k {
            let e = target[j] - pred[j];
            for i in 0..w {
                self.weights[i * k + j] += self.px[i] / denom * e;
            }
        }
        // P is symmetric, so P x xᵀ P = (P x)(P x)ᵀ.
        for i in 0..w {
            let ci = self.px[i] / denom;
            for (pij, pxj) in self.p[i * w..(i + 1) * w].iter_mut().zip(&self.px) {
                *pij = (*pij - ci * pxj) / forgetting;
            }
        }
    }

    /// Trains over a training series: RLS with the true inputs, FORCE with the
    /// readout's own previous output as input once the washout is over (when
    /// `own_input` and inputs and outputs have the same dimension; otherwise it also
    /// uses the true inputs). With feedback weights, the fed-back output is the
    /// previous target for RLS (teacher forcing) and the readout's own previous output
    /// for FORCE, from the first step: Sussillo & Abbott's network learns in the loop
    /// it will run in, which keeps its errors small from the start.
    pub fn train(
        &mut self,
        esn: &mut Esn,
        inputs: &[f64],
        din: usize,
        targets: &[f64],
        washout: usize,
        own_input: bool,
    ) {
        let steps = inputs.len() / din;
        let k = self.outputs;
        let force = matches!(self.kind, OnlineKind::Force { .. });
        let closed_loop = force && own_input && din == k;
        let mut own = vec![0.0; k];
        let mut previous_target = vec![0.0; k];
        for t in 0..steps {
            let teacher = &inputs[t * din..(t + 1) * din];
            let u = if closed_loop && t > washout { own.clone() } else { teacher.to_vec() };
            let fb = match (&esn.w_fb, force) {
                (None, _) => Vec::new(),
                (Some(_), true) => own.clone(),
                (Some(_), false) => previous_target.clone(),
            };
            let x = esn.step(&u, &fb).to_vec();
            let y = &targets[t * k..(t + 1) * k];
            if t >= washout {
                self.update(&x, y);
            }
            self.predict_one(&x, &mut own);
            previous_target.copy_from_slice(y);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rls_without_forgetting_converges_to_least_squares() {
        // A noiseless linear target: RLS reaches it exactly (up to the tiny P(0)
        // regularisation) after a few more samples than weights.
        let mut r = OnlineReadout::new(OnlineKind::Rls { forgetting: 1.0, delta: 1e-6 }, 3, 1);
        for t in 0..100 {
            let x = [(t as f64 * 0.7).sin(), (t as f64 * 1.3).cos(), (t as f64 * 0.11).sin()];
            r.update(&x, &[0.5 * x[0] - 2.0 * x[2] + 0.3]);
        }
        let mut y = [0.0];
        r.predict_one(&[0.2, -0.4, 0.9], &mut y);
        assert!((y[0] - (0.1 - 1.8 + 0.3)).abs() < 1e-6, "{}", y[0]);
    }
}
