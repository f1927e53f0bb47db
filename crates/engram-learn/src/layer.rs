//! A layer: a projection of its input (dense, or with learnable delays) into the
//! synaptic current of a cell (LIF, ALIF or readout), optionally recurrent.

use rand::Rng;

use crate::cell::{self, CellCache, CellSpec};
use crate::param::Param;
use crate::real::Real;
use crate::{dcls, dense, Dims};

/// How the input reaches the layer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Projection {
    /// All-to-all weights with a one-step delay.
    Dense,
    /// All-to-all weights with a learnable delay each, `1..=taps` steps ([`crate::dcls`]).
    Delays {
        /// Longest delay in steps.
        taps: usize,
    },
}

/// The fixed description of a layer.
#[derive(Clone, Debug)]
pub struct LayerSpec {
    /// Name, used in checkpoints and exports.
    pub name: String,
    /// Inputs.
    pub n_in: usize,
    /// Neurons.
    pub n_out: usize,
    /// The input projection.
    pub projection: Projection,
    /// Recurrent weights between the layer's own neurons (one-step delay).
    pub recurrent: bool,
    /// The neuron dynamics.
    pub cell: CellSpec,
    /// One `α`, `β` per neuron instead of one per layer.
    pub per_neuron_tau: bool,
    /// Whether `α` and `β` are trained.
    pub train_tau: bool,
    /// Fraction of the input connections that exist, each drawn independently (1:
    /// dense). The others are masked: 0 and never trained.
    pub connectivity: f64,
    /// The same for the recurrent weights.
    pub recurrent_connectivity: f64,
}

/// A layer with its parameters.
#[derive(Clone, Debug)]
pub struct Layer<F> {
    /// The description.
    pub spec: LayerSpec,
    /// Input weights, `n_in × n_out` (membrane units per input spike, threshold = 1).
    pub w_in: Param<F>,
    /// Input delays in steps, `n_in × n_out` ([`Projection::Delays`] only).
    pub delay_in: Option<Param<F>>,
    /// Recurrent weights `n_out × n_out`, row = source.
    pub w_rec: Option<Param<F>>,
    /// Synaptic current decay per step, `exp(-dt/τ_syn)`.
    pub alpha: Param<F>,
    /// Membrane decay per step, `exp(-dt/τ_m)`.
    pub beta: Param<F>,
}

/// What a layer's backward pass needs from its forward pass.
pub struct LayerCache<F> {
    x: Vec<F>,
    kernels: Vec<F>,
    cell: CellCache<F>,
}

impl<F: Real> LayerCache<F> {
    /// The layer's output: spikes, or the membrane of a readout.
    pub fn output(&self) -> &[F] {
        if self.cell.s.is_empty() {
            &self.cell.m
        } else {
            &self.cell.s
        }
    }

    /// The spikes (empty for a readout).
    pub fn spikes(&self) -> &[F] {
        &self.cell.s
    }
}

impl<F: Real> Layer<F> {
    /// A layer with weights drawn uniformly from `±gain / sqrt(n_in)` scaled by the
    /// inverse charge a unit current delivers to the membrane (`(1 - α) / p`), so
    /// that `gain` means the same for every choice of time constants. A sparse
    /// layer draws its mask after its weights and divides `n_in` by the connectivity,
    /// which keeps the variance of the input current (as `kaiming_uniform` on the
    /// existing fan-in).
    pub fn new(spec: LayerSpec, alpha: f64, beta: f64, gain: f64, rng: &mut impl Rng) -> Layer<F> {
        let (n_in, n) = (spec.n_in, spec.n_out);
        let (p, _, _) = cell::propagator(alpha, beta);
        let bound = gain / (n_in as f64 * spec.connectivity).sqrt() * (1.0 - alpha) / p;
        fn uniform<F: Real>(rng: &mut impl Rng, count: usize, bound: f64) -> Vec<F> {
            (0..count).map(|_| F::of(rng.random_range(-bound..bound))).collect()
        }
        // Dense layers draw nothing more, so their initial weights do not depend on
        // whether masks exist.
        fn masked<F: Real>(w: Param<F>, connectivity: f64, rng: &mut impl Rng) -> Param<F> {
            if connectivity >= 1.0 {
                return w;
            }
            let mask = (0..w.value.len()).map(|_| rng.random_bool(connectivity)).collect();
            w.with_mask(mask)
        }
        let w_in = Param::new("w_in", vec![n_in, n], uniform(rng, n_in * n, bound), true);
        let w_in = masked(w_in, spec.connectivity, rng);
        let delay_in = match spec.projection {
            Projection::Dense => None,
            Projection::Delays { taps } => {
                let d: Vec<F> = (0..n_in * n).map(|_| F::of(rng.random_range(1.0..=taps as f64))).collect();
                Some(Param::new("delay_in", vec![n_in, n], d, true))
            }
        };
        let rec_bound = gain / (n as f64 * spec.recurrent_connectivity).sqrt() * (1.0 - alpha) / p;
        let w_rec = spec.recurrent.then(|| {
            let w = Param::new("w_rec", vec![n, n], uniform(rng, n * n, rec_bound), true);
            masked(w, spec.recurrent_connectivity, rng)
        });
        let k = if spec.per_neuron_tau { n } else { 1 };
        Layer {
            w_in,
            delay_in,
            w_rec,
            alpha: Param::new("alpha", vec![k], vec![F::of(alpha); k], spec.train_tau),
            beta: Param::new("beta", vec![k], vec![F::of(beta); k], spec.train_tau),
            spec,
        }
    }

    /// The parameters in a fixed order: `w_in`, `delay_in`, `w_rec`, `alpha`, `beta`
    /// (absent ones skipped).
    pub fn params(&self) -> Vec<&Param<F>> {
        let mut v = vec![&self.w_in];
        v.extend(self.delay_in.as_ref());
        v.extend(self.w_rec.as_ref());
        v.push(&self.alpha);
        v.push(&self.beta);
        v
    }

    /// The parameters, mutably, in the order of [`Layer::params`].
    pub fn params_mut(&mut self) -> Vec<&mut Param<F>> {
        let mut v = vec![&mut self.w_in];
        v.extend(self.delay_in.as_mut());
        v.extend(self.w_rec.as_mut());
        v.push(&mut self.alpha);
        v.push(&mut self.beta);
        v
    }

    fn dims(&self, steps: usize, batch: usize) -> Dims {
        Dims { steps, batch, n_in: self.spec.n_in, n_out: self.spec.n_out }
    }

    /// Runs the layer on `x` (`T·B·n_in`, time-major). `sigma` is the DCLS kernel width
    /// in steps (≤ 0 for integer delays).
    pub fn forward(&self, x: Vec<F>, steps: usize, batch: usize, sigma: f64) -> LayerCache<F> {
        let d = self.dims(steps, batch);
        let (u, kernels) = match (self.spec.projection, &self.delay_in) {
            (Projection::Delays { taps }, Some(delay)) => {
                let g = dcls::kernels(&delay.value, taps, sigma);
                (dcls::forward(&x, &self.w_in.value, &g, taps, d), g)
            }
            _ => (dense::forward(&x, &self.w_in.value, d), Vec::new()),
        };
        let w_rec = self.w_rec.as_ref().map(|w| w.value.as_slice());
        let cell =
            cell::forward(&self.spec.cell, &u, w_rec, &self.alpha.value, &self.beta.value, steps, batch, d.n_out);
        LayerCache { x, kernels, cell }
    }

    /// The backward pass: adds the parameter gradients into `grads` (in the order of
    /// [`Layer::params`]) and returns `∂L/∂x` (empty unless `input_grad`).
    #[allow(clippy::too_many_arguments)]
    pub fn backward(
        &self,
        cache: &LayerCache<F>,
        grad_out: &[F],
        grads: &mut [Vec<F>],
        steps: usize,
        batch: usize,
        sigma: f64,
        input_grad: bool,
    ) -> Vec<F> {
        let d = self.dims(steps, batch);
        let w_rec = self.w_rec.as_ref().map(|w| w.value.as_slice());
        let g = cell::backward(
            &self.spec.cell,
            &cache.cell,
            grad_out,
            w_rec,
            &self.alpha.value,
            &self.beta.value,
            steps,
            batch,
            d.n_out,
        );
        let mut slot = 0;
        let grad_x = match (self.spec.projection, &self.delay_in) {
            (Projection::Delays { taps }, Some(delay)) => {
                let (gw, rest) = grads.split_at_mut(1);
                dcls::backward(
                    &cache.x,
                    &self.w_in.value,
                    &delay.value,
                    &cache.kernels,
                    &g.u,
                    &mut gw[0],
                    &mut rest[0],
                    taps,
                    sigma,
                    d,
                    input_grad,
                )
            }
            _ => dense::backward(&cache.x, &self.w_in.value, &g.u, &mut grads[0], d, input_grad),
        };
        slot += 1 + usize::from(self.delay_in.is_some());
        if self.w_rec.is_some() {
            add(&mut grads[slot], &g.w_rec);
            slot += 1;
        }
        add(&mut grads[slot], &g.alpha);
        add(&mut grads[slot + 1], &g.beta);
        grad_x
    }
}

fn add<F: Real>(acc: &mut [F], x: &[F]) {
    for (a, b) in acc.iter_mut().zip(x) {
        *a = *a + *b;
    }
}

impl Layer<f32> {
    /// Keeps parameters where the equations hold after an optimiser step: decays in
    /// (0, 1), `α` and `β` apart (the propagator `p(α, β)` is 0/0 at `α = β`), and
    /// delays within the taps.
    pub fn constrain(&mut self) {
        for d in [&mut self.alpha.value, &mut self.beta.value] {
            d.iter_mut().for_each(|x| *x = x.clamp(0.01, 0.999));
        }
        let n = self.alpha.value.len().max(self.beta.value.len());
        for j in 0..n {
            let (ka, kb) = (j % self.alpha.value.len(), j % self.beta.value.len());
            let (a, b) = (self.alpha.value[ka], self.beta.value[kb]);
            if (a - b).abs() < 1e-3 {
                self.alpha.value[ka] = if a <= b { b - 1e-3 } else { b + 1e-3 };
            }
        }
        if let (Projection::Delays { taps }, Some(d)) = (self.spec.projection, &mut self.delay_in) {
            d.value.iter_mut().for_each(|x| *x = x.clamp(1.0, taps as f32));
        }
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;
    use crate::cell::Reset;
    use crate::surrogate::Surrogate;

    fn spec(connectivity: f64, recurrent_connectivity: f64) -> LayerSpec {
        let cell = CellSpec {
            spiking: true,
            reset: Reset::Zero,
            detach_reset: false,
            surrogate: Surrogate::by_name("fast_sigmoid", 10.0).unwrap(),
            adaptation: None,
            smooth: false,
        };
        LayerSpec {
            name: "hidden".into(),
            n_in: 200,
            n_out: 100,
            projection: Projection::Dense,
            recurrent: true,
            cell,
            per_neuron_tau: false,
            train_tau: false,
            connectivity,
            recurrent_connectivity,
        }
    }

    /// Each connection exists with the asked probability (binomial count within 4 σ),
    /// absent ones are 0, and the existing weights are wider by `1/sqrt(p)`, so the
    /// summed weight variance per neuron is that of the dense layer.
    #[test]
    fn sparse_layers_keep_the_asked_fraction_and_the_input_variance() {
        let dense: Layer<f64> = Layer::new(spec(1.0, 1.0), 0.8, 0.9, 1.0, &mut rand_pcg::Pcg64::seed_from_u64(3));
        let sparse: Layer<f64> = Layer::new(spec(0.2, 0.5), 0.8, 0.9, 1.0, &mut rand_pcg::Pcg64::seed_from_u64(3));
        assert!(dense.w_in.mask.is_none() && dense.w_rec.as_ref().unwrap().mask.is_none());
        for (w, p) in [(&sparse.w_in, 0.2), (sparse.w_rec.as_ref().unwrap(), 0.5)] {
            let mask = w.mask.as_ref().unwrap();
            let n = mask.len() as f64;
            let kept = mask.iter().filter(|&&m| m).count() as f64;
            assert!((kept - p * n).abs() < 4.0 * (n * p * (1.0 - p)).sqrt(), "{} kept {kept} of {n}", w.name);
            assert!(w.value.iter().zip(mask).all(|(&x, &m)| m || x == 0.0));
        }
        let power = |w: &Param<f64>| w.value.iter().map(|x| x * x).sum::<f64>() / w.value.len() as f64;
        let ratio = power(&sparse.w_in) / power(&dense.w_in);
        assert!((ratio - 1.0).abs() < 0.1, "input weight power ratio {ratio}");
    }
}
