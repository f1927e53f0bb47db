//! The echo-state network: a leaky tanh reservoir driven by an input series.
//!
//! Jaeger (2001), "The echo state approach to analysing and training recurrent neural
//! networks", GMD Report 148; leaky units as in Jaeger et al. (2007), *Neural Networks*
//! 20:335, eq. 2, and reservoirpy's `Reservoir`:
//!
//! ```text
//! x(t+1) = (1 − a) x(t) + a tanh( g ⊙ (W x(t) + W_in u(t+1) + W_fb y(t) + b) + b_ip )
//! ```
//!
//! | parameter | default | meaning |
//! |---|---|---|
//! | `units` | 100 | reservoir size `N` |
//! | `spectral_radius` | 0.9 | `max |λ(W)|`, set exactly by [`crate::spectral_radius`] |
//! | `leak_rate` | 1.0 | `a` in (0, 1] |
//! | `input_scaling` | 1.0 | the non-zeros of `W_in` are ±`input_scaling` |
//! | `input_connectivity` | 0.1 | fraction of units each input reaches |
//! | `connectivity` | 0.1 | fraction of non-zeros in `W` (normal values) |
//! | `connectivity_rule` | `fixed_total_number` | how they are placed: anywhere (reservoirpy's draw), or `fixed_indegree` (the same number per unit) |
//! | `bias_scaling` | 0.0 | `b` uniform in ±`bias_scaling` |
//! | `feedback_scaling` | 0.0 | the non-zeros of `W_fb` are uniform in ±`feedback_scaling` (0: no feedback) |
//! | `feedback_connectivity` | 1.0 | fraction of units each fed-back output reaches (reservoirpy's `fb_connectivity`) |
//!
//! `g` and `b_ip` are the gains and biases of intrinsic plasticity ([`crate::intrinsic`]),
//! 1 and 0 unless trained. States are stored one time step after another (`N` values
//! per step), which is an `N × T` column-major matrix for the readout.

use rand::Rng;
use rayon::prelude::*;

use engram_sim::fastmath;

use crate::lockstep::{lockstep, usable_threads};
use crate::rng::{stream, Part, Stream};
use crate::sparse::{Csr, DegreeRule};
use crate::spectral::spectral_radius;

/// Units below which a step runs on the calling thread.
const PARALLEL_MIN_UNITS: usize = 256;

/// Hyper-parameters of an echo-state network (see the module table).
#[derive(Clone, Debug, PartialEq)]
pub struct EsnParams {
    /// Reservoir size.
    pub units: usize,
    /// Spectral radius of `W`.
    pub spectral_radius: f64,
    /// Leak rate `a`.
    pub leak_rate: f64,
    /// Magnitude of the non-zeros of `W_in`.
    pub input_scaling: f64,
    /// Fraction of units each input reaches.
    pub input_connectivity: f64,
    /// Fraction of non-zeros in `W`.
    pub connectivity: f64,
    /// How the non-zeros of `W` are placed.
    pub connectivity_rule: DegreeRule,
    /// Half-width of the uniform bias.
    pub bias_scaling: f64,
    /// Half-width of the uniform feedback weights (0: no feedback).
    pub feedback_scaling: f64,
    /// Fraction of units each fed-back output reaches.
    pub feedback_connectivity: f64,
    /// Seed of every random stream of the reservoir.
    pub seed: u64,
}

impl Default for EsnParams {
    fn default() -> EsnParams {
        EsnParams {
            units: 100,
            spectral_radius: 0.9,
            leak_rate: 1.0,
            input_scaling: 1.0,
            input_connectivity: 0.1,
            connectivity: 0.1,
            connectivity_rule: DegreeRule::FixedTotalNumber,
            bias_scaling: 0.0,
            feedback_scaling: 0.0,
            feedback_connectivity: 1.0,
            seed: 0,
        }
    }
}

/// A built echo-state network with its current state.
#[derive(Clone, Debug)]
pub struct Esn {
    /// The hyper-parameters it was built from.
    pub params: EsnParams,
    /// Recurrent weights, scaled to the spectral radius.
    pub w: Csr,
    /// Input weights (`N × inputs`).
    pub w_in: Csr,
    /// Feedback weights (`N × outputs`), if any.
    pub w_fb: Option<Csr>,
    /// Bias `b`.
    pub bias: Vec<f64>,
    /// Intrinsic-plasticity gains `g` (1 unless trained).
    pub gain: Vec<f64>,
    /// Intrinsic-plasticity biases `b_ip` (0 unless trained).
    pub ip_bias: Vec<f64>,
    /// The current state `x(t)`.
    pub state: Vec<f64>,
    /// Spectral radius of the random matrix before scaling.
    pub raw_radius: f64,
}

impl Esn {
    /// Builds a reservoir for `inputs` input channels and `outputs` fed-back outputs
    /// (ignored unless `feedback_scaling > 0`). `W` has normal values, is scaled so its
    /// spectral radius is exactly `spectral_radius`; `W_in` has ±`input_scaling`.
    pub fn new(params: &EsnParams, inputs: usize, outputs: usize) -> Esn {
        let n = params.units;
        let mut w = Csr::random_normal(
            n,
            n,
            params.connectivity,
            params.connectivity_rule,
            &mut stream(params.seed, Part::Recurrent, 0),
        );
        let raw_radius = spectral_radius(&w, params.seed).radius;
        if raw_radius > 0.0 {
            w.scale(params.spectral_radius / raw_radius);
        }
        let mut w_in = input_matrix(n, inputs, params.input_connectivity, params.seed);
        w_in.scale(params.input_scaling);
        let mut rng = stream(params.seed, Part::Bias, 0);
        let bias = (0..n).map(|_| params.bias_scaling * rng.random_range(-1.0..=1.0)).collect();
        let w_fb = (params.feedback_scaling > 0.0 && outputs > 0).then(|| {
            let mut frng = stream(params.seed, Part::Feedback, 0);
            let s = params.feedback_scaling;
            if params.feedback_connectivity >= 1.0 {
                // Dense, as in Sussillo & Abbott (2009): every unit hears every output.
                Csr::random(n, outputs, 1.0, &mut frng, |r| s * r.random_range(-1.0..=1.0))
            } else {
                column_sparse(n, outputs, params.feedback_connectivity, &mut frng, |r| s * r.random_range(-1.0..=1.0))
            }
        });
        Esn {
            params: params.clone(),
            w,
            w_in,
            w_fb,
            bias,
            gain: vec![1.0; n],
            ip_bias: vec![0.0; n],
            state: vec![0.0; n],
            raw_radius,
        }
    }

    /// Number of units.
    pub fn units(&self) -> usize {
        self.params.units
    }

    /// Sets the state back to zero.
    pub fn reset(&mut self) {
        self.state.fill(0.0);
    }

    /// The net input `W x + W_in u + W_fb y + b` of unit `r`.
    #[inline]
    pub(crate) fn net_input(&self, r: usize, x: &[f64], u: &[f64], y: &[f64]) -> f64 {
        let mut s = self.w.row_dot(r, x) + self.w_in.short_row_dot(r, u) + self.bias[r];
        if let Some(fb) = &self.w_fb {
            s += fb.short_row_dot(r, y);
        }
        s
    }

    /// One step from `x` to `next` with input `u` and fed-back output `y`.
    fn step_into(&self, x: &[f64], u: &[f64], y: &[f64], next: &mut [f64]) {
        if self.units() < PARALLEL_MIN_UNITS {
            self.update_block(x, u, y, 0, next);
        } else {
            let chunk = self.units().div_ceil(rayon::current_num_threads().max(1) * 2).max(1);
            next.par_chunks_mut(chunk).enumerate().for_each(|(c, outs)| self.update_block(x, u, y, c * chunk, outs));
        }
    }

    /// One step of the units `first..first + outs.len()`, into `outs`.
    fn update_block(&self, x: &[f64], u: &[f64], y: &[f64], first: usize, outs: &mut [f64]) {
        // Two passes: the products first (gathers, not vectorisable), then the leaky
        // tanh update in a loop that vectorises with `fastmath::tanh` (libm's `tanh`
        // was 16 % of a 2,000-unit run's time).
        for (i, out) in outs.iter_mut().enumerate() {
            let r = first + i;
            *out = self.gain[r] * self.net_input(r, x, u, y) + self.ip_bias[r];
        }
        self.leak(&x[first..first + outs.len()], outs);
    }

    /// `x_next = (1 − a) x + a tanh(pre)` in place of `pre`, for a block of units.
    fn leak(&self, x: &[f64], pre_then_next: &mut [f64]) {
        let a = self.params.leak_rate;
        for (out, &x_r) in pre_then_next.iter_mut().zip(x) {
            *out = (1.0 - a) * x_r + a * fastmath::tanh(*out as f32) as f64;
        }
    }

    /// Advances one step with input `u` and fed-back output `y` (empty without feedback).
    pub fn step(&mut self, u: &[f64], y: &[f64]) -> &[f64] {
        let mut next = vec![0.0; self.units()];
        self.step_into(&self.state, u, y, &mut next);
        self.state = next;
        &self.state
    }

    /// Closed-loop generation of `steps` outputs (`dout` each) from the current state,
    /// with `predict(state, output)` as the readout: the output for the current state
    /// is fed back (through `W_fb`, if any) and, with `own_input`, is also the next input
    /// (`din` must then equal `dout`; otherwise the input stays 0, as for an autonomous
    /// task). Returns the outputs of the `steps` states after the current one, as
    /// reservoirpy's generation loop `y = esn(y)`.
    pub fn generate(
        &mut self,
        steps: usize,
        din: usize,
        dout: usize,
        own_input: bool,
        mut predict: impl FnMut(&[f64], &mut [f64]),
    ) -> Vec<f64> {
        assert!(!own_input || din == dout, "generation feeds outputs back as inputs");
        let mut y = vec![0.0; dout];
        predict(&self.state, &mut y);
        let mut out = Vec::with_capacity(steps * dout);
        let silent = vec![0.0; din];
        for _ in 0..steps {
            let fb = if self.w_fb.is_some() { y.clone() } else { Vec::new() };
            let u = if own_input { y.clone() } else { silent.clone() };
            let x = self.step(&u, &fb).to_vec();
            predict(&x, &mut y);
            out.extend_from_slice(&y);
        }
        out
    }

    /// Runs over `steps` inputs of `dim` channels each (row-major `inputs`) and returns
    /// the states after each step, `N` per step. `fed_back`, if given, holds the output
    /// fed back at each step (`outputs` values per step: the target of the step before).
    pub fn run(&mut self, inputs: &[f64], dim: usize, fed_back: Option<(&[f64], usize)>) -> Vec<f64> {
        let mut states = vec![0.0; inputs.len() / dim.max(1) * self.units()];
        self.run_into(inputs, dim, fed_back, &mut states);
        states
    }

    /// [`Esn::run`] into a given buffer of `N` values per step (its old contents are
    /// overwritten): a long run can go block by block through one buffer, sparing the
    /// page faults of a new one (160 MB for 10,000 steps of 2,000 units, a tenth of
    /// that run's time).
    pub fn run_into(&mut self, inputs: &[f64], dim: usize, fed_back: Option<(&[f64], usize)>, states: &mut [f64]) {
        let n = self.units();
        let steps = inputs.len() / dim.max(1);
        assert_eq!(states.len(), steps * n, "the buffer holds N values per step");
        let prev = std::mem::take(&mut self.state);
        let threads = if n < PARALLEL_MIN_UNITS { 1 } else { usable_threads().min(n) };
        let bounds = self.w.row_bounds(threads);
        let shared = SharedSteps::new(states, n);
        lockstep(threads, steps, |thread, t| {
            let u = &inputs[t * dim..(t + 1) * dim];
            let y: &[f64] = fed_back.map_or(&[], |(ys, k)| &ys[t * k..(t + 1) * k]);
            let (lo, hi) = (bounds[thread], bounds[thread + 1]);
            // SAFETY: step t − 1 is complete (lockstep's barrier), and no thread
            // writes it during step t; each thread writes only its own units of step t.
            let (x, outs) =
                unsafe { (if t == 0 { &prev[..] } else { shared.step(t - 1) }, shared.units_mut(t, lo, hi)) };
            self.update_block(x, u, y, lo, outs);
        });
        self.state = if steps > 0 { states[(steps - 1) * n..].to_vec() } else { prev };
    }
}

/// The states of a run, `n` per step, shared by the threads of [`lockstep`]: each
/// writes its own units of step `t` while all read step `t − 1`.
struct SharedSteps {
    ptr: *mut f64,
    len: usize,
    n: usize,
}

// SAFETY: the pointer is only dereferenced through `step` and `units_mut`, whose
// callers promise that no element is written while another thread reads it.
unsafe impl Sync for SharedSteps {}

impl SharedSteps {
    fn new(states: &mut [f64], n: usize) -> SharedSteps {
        SharedSteps { ptr: states.as_mut_ptr(), len: states.len(), n }
    }

    /// The states of step `t`.
    ///
    /// # Safety
    /// Nobody may write step `t` while the slice lives.
    unsafe fn step(&self, t: usize) -> &[f64] {
        assert!((t + 1) * self.n <= self.len);
        // SAFETY: in bounds (asserted); the caller excludes writers.
        unsafe { std::slice::from_raw_parts(self.ptr.add(t * self.n), self.n) }
    }

    /// Units `lo..hi` of step `t`, to write.
    ///
    /// # Safety
    /// Nobody else may read or write those units while the slice lives.
    #[allow(clippy::mut_from_ref)]
    unsafe fn units_mut(&self, t: usize, lo: usize, hi: usize) -> &mut [f64] {
        assert!(lo <= hi && hi <= self.n && (t + 1) * self.n <= self.len);
        // SAFETY: in bounds (asserted); the caller gives this thread sole access.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.add(t * self.n + lo), hi - lo) }
    }
}

/// `W_in` with exactly `round(connectivity · N)` units (at least one) per input column,
/// with random signs: drawn column by column so the count is exact per input, as
/// reservoirpy's sparse Bernoulli draw of a single input column.
fn input_matrix(n: usize, inputs: usize, connectivity: f64, seed: u64) -> Csr {
    let mut rng = stream(seed, Part::Input, 1);
    column_sparse(n, inputs, connectivity, &mut rng, |r| if r.random::<bool>() { 1.0 } else { -1.0 })
}

/// An `n × columns` matrix with exactly `round(connectivity · n)` non-zeros (at least
/// one) in each column, at distinct random rows, with values drawn from `value`: an
/// input or fed-back output reaches a fixed number of units.
fn column_sparse(
    n: usize,
    columns: usize,
    connectivity: f64,
    rng: &mut Stream,
    mut value: impl FnMut(&mut Stream) -> f64,
) -> Csr {
    let per_column = ((connectivity * n as f64).round() as usize).clamp(1, n.max(1));
    let mut dense = vec![0.0; n * columns];
    for c in 0..columns {
        for r in rand::seq::index::sample(rng, n, per_column) {
            dense[r * columns + c] = value(rng);
        }
    }
    Csr::from_dense(n, columns, &dense)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spectral::dense_spectral_radius;

    #[test]
    fn spectral_radius_is_set_exactly() {
        let p = EsnParams { units: 200, spectral_radius: 1.25, ..EsnParams::default() };
        let esn = Esn::new(&p, 1, 0);
        // f32 storage rounds each weight by ≤ 2⁻²⁴ relative, which moves the radius by
        // at most about that much.
        assert!((dense_spectral_radius(&esn.w) - 1.25).abs() < 1e-6);
    }

    #[test]
    fn one_step_follows_the_leaky_equation() {
        let p = EsnParams { units: 20, leak_rate: 0.3, bias_scaling: 0.5, connectivity: 0.5, ..EsnParams::default() };
        let mut esn = Esn::new(&p, 1, 0);
        let x0: Vec<f64> = (0..20).map(|i| 0.1 * (i as f64).sin()).collect();
        esn.state = x0.clone();
        let u = [0.7];
        let next = esn.step(&u, &[]).to_vec();
        let (w, w_in) = (esn.w.to_dense(), esn.w_in.to_dense());
        for r in 0..20 {
            let pre: f64 = (0..20).map(|c| w[r * 20 + c] * x0[c]).sum::<f64>() + w_in[r] * 0.7 + esn.bias[r];
            let expect = 0.7 * x0[r] + 0.3 * pre.tanh();
            // fastmath::tanh is within 5e-7 relative of tanh, and |tanh| ≤ 1.
            assert!((next[r] - expect).abs() < 0.3 * 5e-7 + 1e-14);
        }
    }

    #[test]
    fn each_fed_back_output_reaches_the_asked_fraction_of_units() {
        let p = EsnParams { units: 200, feedback_scaling: 0.5, feedback_connectivity: 0.1, ..EsnParams::default() };
        let esn = Esn::new(&p, 1, 3);
        let d = esn.w_fb.as_ref().expect("feedback is on").to_dense();
        for o in 0..3 {
            let col: Vec<f64> = (0..200).map(|r| d[r * 3 + o]).filter(|v| *v != 0.0).collect();
            assert_eq!(col.len(), 20);
            assert!(col.iter().all(|v| v.abs() <= 0.5));
        }
    }

    #[test]
    fn each_input_reaches_the_asked_fraction_of_units() {
        let p = EsnParams { units: 100, input_connectivity: 0.1, input_scaling: 0.25, ..EsnParams::default() };
        let esn = Esn::new(&p, 2, 0);
        let d = esn.w_in.to_dense();
        for i in 0..2 {
            let col: Vec<f64> = (0..100).map(|r| d[r * 2 + i]).filter(|v| *v != 0.0).collect();
            assert_eq!(col.len(), 10);
            assert!(col.iter().all(|v| v.abs() == 0.25));
        }
    }
}
