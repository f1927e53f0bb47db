//! Losses on the last layer's output over time, with their gradients.
//!
//! | name | on | logits / loss |
//! |---|---|---|
//! | `max_membrane` | readout | cross-entropy of `max_t m[t]` (Cramer et al. 2020, SHD) |
//! | `mean_membrane` | readout | cross-entropy of `mean_t m[t]` |
//! | `spike_count` | spiking | cross-entropy of the spike counts `Σ_t s[t]` (snnTorch `ce_count_loss`) |
//! | `rate` | spiking | mean squared error of the counts from `correct·T` / `incorrect·T` (snnTorch `mse_count_loss`) |
//!
//! The prediction is the class with the largest logit (count), the first on a tie.

use crate::real::Real;

/// A loss.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Loss {
    /// Cross-entropy on the readout's largest membrane over time.
    MaxMembrane,
    /// Cross-entropy on the readout's mean membrane over time.
    MeanMembrane,
    /// Cross-entropy on spike counts.
    SpikeCount,
    /// Squared error of spike counts from target firing fractions.
    Rate {
        /// Target fraction of steps with a spike for the right class.
        correct: f64,
        /// Target fraction for the other classes.
        incorrect: f64,
    },
}

impl Loss {
    /// Whether the last layer must spike (`true`) or be a readout (`false`).
    pub fn needs_spikes(&self) -> bool {
        matches!(self, Loss::SpikeCount | Loss::Rate { .. })
    }

    /// Per-sample logits (`B × C`) from the last layer's output (`T·B·C`), and for
    /// `max_membrane` the step of each maximum.
    fn logits<F: Real>(&self, y: &[F], steps: usize, batch: usize, classes: usize) -> (Vec<F>, Vec<usize>) {
        let block = batch * classes;
        let mut logits = vec![F::zero(); block];
        let mut arg = vec![0usize; block];
        match self {
            Loss::MaxMembrane => {
                for k in 0..block {
                    let mut best = y[k];
                    for t in 1..steps {
                        if y[t * block + k] > best {
                            best = y[t * block + k];
                            arg[k] = t;
                        }
                    }
                    logits[k] = best;
                }
            }
            _ => {
                for t in 0..steps {
                    for k in 0..block {
                        logits[k] = logits[k] + y[t * block + k];
                    }
                }
                if *self == Loss::MeanMembrane {
                    let inv = F::one() / F::of(steps as f64);
                    logits.iter_mut().for_each(|l| *l = *l * inv);
                }
            }
        }
        (logits, arg)
    }

    /// The predicted class of each sample.
    pub fn predict<F: Real>(&self, y: &[F], steps: usize, batch: usize, classes: usize) -> Vec<usize> {
        let (logits, _) = self.logits(y, steps, batch, classes);
        logits.chunks(classes).map(argmax).collect()
    }

    /// The loss summed over the samples times `scale`, its gradient with respect to
    /// `y` (also times `scale`), and the number of correct predictions.
    pub fn evaluate<F: Real>(
        &self,
        y: &[F],
        labels: &[usize],
        steps: usize,
        classes: usize,
        scale: f64,
    ) -> (f64, Vec<F>, usize) {
        let batch = labels.len();
        let block = batch * classes;
        let (logits, arg) = self.logits(y, steps, batch, classes);
        let mut grad_logits = vec![F::zero(); block];
        let mut loss = 0.0;
        let mut correct = 0;
        for (b, &label) in labels.iter().enumerate() {
            let row = &logits[b * classes..(b + 1) * classes];
            correct += usize::from(argmax(row) == label);
            let g = &mut grad_logits[b * classes..(b + 1) * classes];
            match self {
                Loss::Rate { correct: rc, incorrect: ri } => {
                    for c in 0..classes {
                        let target = if c == label { rc } else { ri } * steps as f64;
                        let diff = row[c].as_f64() - target;
                        loss += diff * diff / classes as f64 * scale;
                        g[c] = F::of(2.0 * diff / classes as f64 * scale);
                    }
                }
                _ => {
                    let max = row.iter().fold(F::neg_infinity(), |a, &b| a.max(b)).as_f64();
                    let z: f64 = row.iter().map(|&l| (l.as_f64() - max).exp()).sum();
                    loss += (z.ln() + max - row[label].as_f64()) * scale;
                    for c in 0..classes {
                        let softmax = (row[c].as_f64() - max).exp() / z;
                        g[c] = F::of((softmax - f64::from(u8::from(c == label))) * scale);
                    }
                }
            }
        }
        let mut grad_y = vec![F::zero(); steps * block];
        match self {
            Loss::MaxMembrane => {
                for k in 0..block {
                    grad_y[arg[k] * block + k] = grad_logits[k];
                }
            }
            _ => {
                let per_step = if *self == Loss::MeanMembrane { F::one() / F::of(steps as f64) } else { F::one() };
                for t in 0..steps {
                    for k in 0..block {
                        grad_y[t * block + k] = grad_logits[k] * per_step;
                    }
                }
            }
        }
        (loss, grad_y, correct)
    }
}

fn argmax<F: Real>(row: &[F]) -> usize {
    let mut best = 0;
    for (c, &v) in row.iter().enumerate() {
        if v > row[best] {
            best = c;
        }
    }
    best
}
