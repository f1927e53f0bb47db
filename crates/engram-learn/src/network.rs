//! A feed-forward stack of layers, its loss, and one forward/backward pass.

use crate::layer::{Layer, LayerCache};
use crate::loss::Loss;
use crate::param::{Grads, Param};
use crate::real::Real;

/// Firing-rate regularisation of the hidden spiking layers: adds
/// `strength · mean_{b,j} (r_bj - target)²` to the loss, where `r_bj` is the fraction of
/// steps in which neuron `j` fired for sample `b` (a homeostatic term as in Zenke &
/// Vogels 2021, keeping rates near a target instead of silent or saturated).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateRegularisation {
    /// Weight of the term.
    pub strength: f64,
    /// Target fraction of steps with a spike.
    pub target: f64,
}

/// A network: layers from input to output and what it is trained for.
#[derive(Clone, Debug)]
pub struct Network<F> {
    /// The layers, input first.
    pub layers: Vec<Layer<F>>,
    /// The loss on the last layer.
    pub loss: Loss,
    /// Time steps per sample.
    pub steps: usize,
    /// The time step (s), for exports.
    pub dt: f64,
    /// Rate regularisation of hidden layers, if any.
    pub rate_reg: Option<RateRegularisation>,
}

/// The outcome of one forward/backward pass over a batch.
pub struct BatchResult<F> {
    /// Loss summed over the batch, times the scale given.
    pub loss: f64,
    /// Correct predictions.
    pub correct: usize,
    /// Parameter gradients, in the order of [`Network::params`].
    pub grads: Grads<F>,
    /// Spikes of the hidden layers per sample per step per neuron.
    pub hidden_rate: f64,
}

impl<F: Real> Network<F> {
    /// Inputs of the first layer.
    pub fn n_in(&self) -> usize {
        self.layers[0].spec.n_in
    }

    /// Classes (neurons of the last layer).
    pub fn classes(&self) -> usize {
        self.layers.last().expect("a network has layers").spec.n_out
    }

    /// All parameters, layer by layer.
    pub fn params(&self) -> Vec<&Param<F>> {
        self.layers.iter().flat_map(|l| l.params()).collect()
    }

    /// All parameters, mutably, in the order of [`Network::params`].
    pub fn params_mut(&mut self) -> Vec<&mut Param<F>> {
        self.layers.iter_mut().flat_map(|l| l.params_mut()).collect()
    }

    /// Zero gradients shaped like the parameters.
    pub fn zero_grads(&self) -> Grads<F> {
        self.params().iter().map(|p| vec![F::zero(); p.value.len()]).collect()
    }

    /// Assembles samples (each `T × n_in`, row per step) into a time-major batch.
    pub fn batch_input(&self, samples: &[&[F]]) -> Vec<F> {
        let (steps, n_in, batch) = (self.steps, self.n_in(), samples.len());
        let mut x = vec![F::zero(); steps * batch * n_in];
        for (b, s) in samples.iter().enumerate() {
            assert_eq!(s.len(), steps * n_in, "a sample has {} values, expected {steps}×{n_in}", s.len());
            for t in 0..steps {
                let dst = (t * batch + b) * n_in;
                x[dst..dst + n_in].copy_from_slice(&s[t * n_in..(t + 1) * n_in]);
            }
        }
        x
    }

    fn forward(&self, x: Vec<F>, batch: usize, sigma: f64) -> Vec<LayerCache<F>> {
        let mut caches: Vec<LayerCache<F>> = Vec::with_capacity(self.layers.len());
        let mut input = x;
        for layer in &self.layers {
            let cache = layer.forward(input, self.steps, batch, sigma);
            input = cache.output().to_vec();
            caches.push(cache);
        }
        caches
    }

    /// The last layer's output (`T·B·C`) for a time-major batch `x`.
    pub fn output(&self, x: Vec<F>, batch: usize, sigma: f64) -> Vec<F> {
        let caches = self.forward(x, batch, sigma);
        caches.last().expect("a network has layers").output().to_vec()
    }

    /// Predicted classes of a time-major batch.
    pub fn predict(&self, x: Vec<F>, batch: usize, sigma: f64) -> Vec<usize> {
        let y = self.output(x, batch, sigma);
        self.loss.predict(&y, self.steps, batch, self.classes())
    }

    /// Loss, correct count and gradients of a time-major batch; the loss and the
    /// gradients are multiplied by `scale` (`1 / full batch size` for a mean).
    pub fn gradients(&self, x: Vec<F>, labels: &[usize], sigma: f64, scale: f64) -> BatchResult<F> {
        let batch = labels.len();
        let caches = self.forward(x, batch, sigma);
        let last = caches.last().expect("a network has layers");
        let (mut loss, mut grad, correct) =
            self.loss.evaluate(last.output(), labels, self.steps, self.classes(), scale);
        let mut grads = self.zero_grads();
        let offsets: Vec<usize> = self
            .layers
            .iter()
            .scan(0, |acc, l| {
                let o = *acc;
                *acc += l.params().len();
                Some(o)
            })
            .collect();
        let mut spikes = 0.0;
        let mut hidden_values = 0usize;
        for (li, layer) in self.layers.iter().enumerate().rev() {
            if li + 1 < self.layers.len() && layer.spec.cell.spiking {
                let s = caches[li].spikes();
                let n = layer.spec.n_out;
                let mut counts = vec![0.0; batch * n];
                for t in 0..self.steps {
                    for k in 0..batch * n {
                        counts[k] += s[t * batch * n + k].as_f64();
                    }
                }
                spikes += counts.iter().sum::<f64>();
                hidden_values += self.steps * batch * n;
                if let Some(reg) = self.rate_reg {
                    let per = reg.strength * scale / n as f64;
                    for k in 0..batch * n {
                        let diff = counts[k] / self.steps as f64 - reg.target;
                        loss += per * diff * diff;
                        let g = F::of(per * 2.0 * diff / self.steps as f64);
                        for t in 0..self.steps {
                            grad[t * batch * n + k] = grad[t * batch * n + k] + g;
                        }
                    }
                }
            }
            let n_params = layer.params().len();
            let slots = &mut grads[offsets[li]..offsets[li] + n_params];
            grad = layer.backward(&caches[li], &grad, slots, self.steps, batch, sigma, li > 0);
        }
        let hidden_rate = if hidden_values > 0 { spikes / hidden_values as f64 } else { 0.0 };
        BatchResult { loss, correct, grads, hidden_rate }
    }
}
