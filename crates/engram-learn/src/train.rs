//! The training loop: shuffled mini-batches, data-parallel shards, Adam, a cosine
//! schedule, σ annealing for learnable delays, and per-epoch evaluation.
//!
//! Determinism: every random draw comes from a stream keyed by (seed, purpose,
//! epoch, sample), and a batch is cut into shards of a fixed number of samples whose
//! gradients are summed in shard order, so the result depends on the seed and not on
//! the number of threads.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;

use crate::data::{Dataset, Encoding};
use crate::network::Network;
use crate::optim::{cosine_lr, Adam, AdamConfig};
use crate::param::add_grads;

/// How the DCLS kernel width σ (in steps) shrinks over training.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SigmaSchedule {
    /// σ in the first epoch.
    pub start: f64,
    /// σ in the last epoch before the integer-delay epochs.
    pub end: f64,
    /// Final epochs trained with integer delays (σ = 0), so that the weights adapt to
    /// the rounded delays the simulator uses. With 0, the final network keeps the
    /// kernels of width `end`: each synapse becomes a few synapses with integer delays
    /// (the taps) in the simulator.
    pub hard_epochs: usize,
}

impl SigmaSchedule {
    /// σ of the final network: 0 (one rounded delay per synapse) after integer-delay
    /// epochs, else the last σ (the kernel's taps).
    pub fn final_sigma(&self) -> f64 {
        if self.hard_epochs == 0 {
            self.end
        } else {
            0.0
        }
    }
}

impl SigmaSchedule {
    /// σ in `epoch` of `epochs`: linear from `start` to `end` (as Hammouamri et al.
    /// 2023), then 0 for the last `hard_epochs`.
    pub fn at(&self, epoch: usize, epochs: usize) -> f64 {
        let soft = epochs.saturating_sub(self.hard_epochs);
        if epoch >= soft {
            return 0.0;
        }
        if soft <= 1 {
            return self.end;
        }
        self.start + (self.end - self.start) * epoch as f64 / (soft - 1) as f64
    }
}

/// Settings of a training run.
#[derive(Clone, Debug)]
pub struct TrainConfig {
    /// Passes over the training set.
    pub epochs: usize,
    /// Samples per optimiser step.
    pub batch_size: usize,
    /// Samples per shard of a batch (shards run in parallel).
    pub shard_size: usize,
    /// Adam/AdamW settings.
    pub adam: AdamConfig,
    /// Learning rate at the end of the cosine schedule (equal to `adam.lr`: constant).
    pub lr_min: f64,
    /// σ annealing, for networks with learnable delays.
    pub sigma: Option<SigmaSchedule>,
    /// Seed of shuffling and encoding.
    pub seed: u64,
}

/// What one epoch did.
#[derive(Clone, Debug, serde::Serialize)]
pub struct EpochReport {
    /// 1-based epoch.
    pub epoch: usize,
    /// Mean training loss over the epoch's batches.
    pub loss: f64,
    /// Accuracy on the training batches during the epoch.
    pub train_accuracy: f64,
    /// Accuracy on the test set after the epoch.
    pub test_accuracy: f64,
    /// Learning rate used.
    pub lr: f64,
    /// Mean fraction of steps with a spike in the hidden layers.
    pub hidden_rate: f64,
}

impl EpochReport {
    /// The line `engram train` prints after the epoch, of `epochs`.
    pub fn line(&self, epochs: usize) -> String {
        format!(
            "epoch {:>3}/{epochs}: loss {:.4}, train accuracy {:.2} %, test accuracy {:.2} %, hidden rate {:.3}",
            self.epoch,
            self.loss,
            100.0 * self.train_accuracy,
            100.0 * self.test_accuracy,
            self.hidden_rate
        )
    }
}

/// The result of a training run.
#[derive(Clone, Debug)]
pub struct TrainOutcome {
    /// Per-epoch reports.
    pub history: Vec<EpochReport>,
    /// Accuracy of the final network on the training set.
    pub train_accuracy: f64,
    /// Accuracy of the final network (integer delays) on the test set.
    pub test_accuracy: f64,
    /// DCLS kernel width of the final network ([`SigmaSchedule::final_sigma`]).
    pub final_sigma: f64,
    /// Epochs completed.
    pub epochs: usize,
    /// Training samples per second of training time (evaluation excluded).
    pub samples_per_s: f64,
    /// Wall time of the whole run, evaluation included (s).
    pub wall_s: f64,
    /// Whether the run was stopped early.
    pub interrupted: bool,
}

/// Purposes of random streams.
const SHUFFLE: u64 = 1;
const ENCODE_TRAIN: u64 = 2;
const ENCODE_TEST: u64 = 3;

/// A random stream for (seed, purpose, a, b), mixed by SplitMix64 so that nearby keys
/// give unrelated streams.
fn stream(seed: u64, purpose: u64, a: u64, b: u64) -> Pcg64Mcg {
    let mut z = seed;
    for k in [purpose, a, b] {
        z = splitmix(z ^ splitmix(k.wrapping_add(0x9e37_79b9_7f4a_7c15)));
    }
    Pcg64Mcg::seed_from_u64(z)
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Encodes sample `i` of a set for `epoch` (the test set uses epoch 0 always).
fn encode(enc: &Encoding, data: &Dataset, i: usize, seed: u64, purpose: u64, epoch: u64) -> Vec<f32> {
    enc.encode(&data.features[i], &mut stream(seed, purpose, epoch, i as u64))
}

/// Accuracy of `net` on `data` (encoded with a fixed stream), with DCLS width `sigma`.
pub fn evaluate(net: &Network<f32>, data: &Dataset, enc: &Encoding, seed: u64, shard: usize, sigma: f64) -> f64 {
    if data.is_empty() {
        return 0.0;
    }
    let indices: Vec<usize> = (0..data.len()).collect();
    let correct: usize = indices
        .par_chunks(shard.max(1))
        .map(|chunk| {
            let inputs: Vec<Vec<f32>> = chunk.iter().map(|&i| encode(enc, data, i, seed, ENCODE_TEST, 0)).collect();
            let refs: Vec<&[f32]> = inputs.iter().map(Vec::as_slice).collect();
            let pred = net.predict(net.batch_input(&refs), chunk.len(), sigma);
            chunk.iter().zip(pred).filter(|(&i, p)| data.labels[i] == *p).count()
        })
        .sum();
    correct as f64 / data.len() as f64
}

/// The test set's input rasters exactly as [`evaluate`] (and so the reported test
/// accuracy) sees them.
pub fn test_inputs(data: &Dataset, enc: &Encoding, seed: u64) -> Vec<Vec<f32>> {
    (0..data.len()).into_par_iter().map(|i| encode(enc, data, i, seed, ENCODE_TEST, 0)).collect()
}

/// The class `net` predicts for each input raster, with DCLS kernels of width `sigma`
/// (0: integer delays).
pub fn predictions(net: &Network<f32>, inputs: &[Vec<f32>], shard: usize, sigma: f64) -> Vec<usize> {
    inputs
        .par_chunks(shard.max(1))
        .flat_map_iter(|chunk| {
            let refs: Vec<&[f32]> = chunk.iter().map(Vec::as_slice).collect();
            net.predict(net.batch_input(&refs), chunk.len(), sigma)
        })
        .collect()
}

/// Trains `net` in place. `on_epoch` sees each epoch's report, `on_batch` the samples
/// done in the current epoch; `stop` ends training after the current batch.
#[allow(clippy::too_many_arguments)]
pub fn train(
    net: &mut Network<f32>,
    train_set: &Dataset,
    test_set: &Dataset,
    enc: &Encoding,
    cfg: &TrainConfig,
    on_epoch: &mut dyn FnMut(&EpochReport),
    on_batch: &mut dyn FnMut(usize, usize),
    stop: &AtomicBool,
) -> TrainOutcome {
    let started = Instant::now();
    let mut adam = Adam::new(cfg.adam, &net.params());
    let mut history = Vec::new();
    let mut train_seconds = 0.0;
    let mut samples = 0usize;
    let mut interrupted = false;
    let shard = cfg.shard_size.max(1);
    for epoch in 0..cfg.epochs {
        let lr = cosine_lr(cfg.adam.lr, cfg.lr_min, epoch, cfg.epochs);
        let sigma = cfg.sigma.map_or(0.0, |s| s.at(epoch, cfg.epochs));
        let mut order: Vec<usize> = (0..train_set.len()).collect();
        order.shuffle(&mut stream(cfg.seed, SHUFFLE, epoch as u64, 0));
        let epoch_start = Instant::now();
        let (mut loss_sum, mut correct, mut rate_sum, mut batches) = (0.0, 0usize, 0.0, 0usize);
        for (k, batch) in order.chunks(cfg.batch_size.max(1)).enumerate() {
            let scale = 1.0 / batch.len() as f64;
            let net_ref = &*net;
            let results: Vec<_> = batch
                .par_chunks(shard)
                .map(|chunk| {
                    let inputs: Vec<Vec<f32>> = chunk
                        .iter()
                        .map(|&i| encode(enc, train_set, i, cfg.seed, ENCODE_TRAIN, epoch as u64))
                        .collect();
                    let refs: Vec<&[f32]> = inputs.iter().map(Vec::as_slice).collect();
                    let labels: Vec<usize> = chunk.iter().map(|&i| train_set.labels[i]).collect();
                    net_ref.gradients(net_ref.batch_input(&refs), &labels, sigma, scale)
                })
                .collect();
            let mut grads = net.zero_grads();
            let mut rate = 0.0;
            for r in &results {
                add_grads(&mut grads, &r.grads);
                loss_sum += r.loss;
                correct += r.correct;
                rate += r.hidden_rate;
            }
            rate_sum += rate / results.len() as f64;
            batches += 1;
            adam.step(&mut net.params_mut(), &grads, lr);
            net.layers.iter_mut().for_each(|l| l.constrain());
            samples += batch.len();
            on_batch(((k + 1) * cfg.batch_size).min(train_set.len()), train_set.len());
            if stop.load(Ordering::Relaxed) {
                interrupted = true;
                break;
            }
        }
        train_seconds += epoch_start.elapsed().as_secs_f64();
        let report = EpochReport {
            epoch: epoch + 1,
            loss: loss_sum / batches.max(1) as f64,
            train_accuracy: correct as f64 / train_set.len().max(1) as f64,
            test_accuracy: evaluate(net, test_set, enc, cfg.seed, shard, sigma),
            lr,
            hidden_rate: rate_sum / batches.max(1) as f64,
        };
        on_epoch(&report);
        history.push(report);
        if interrupted {
            break;
        }
    }
    let final_sigma = cfg.sigma.map_or(0.0, |s| s.final_sigma());
    let train_accuracy = evaluate(net, train_set, enc, cfg.seed, shard, final_sigma);
    let test_accuracy = evaluate(net, test_set, enc, cfg.seed, shard, final_sigma);
    TrainOutcome {
        epochs: history.len(),
        history,
        train_accuracy,
        test_accuracy,
        final_sigma,
        samples_per_s: samples as f64 / train_seconds.max(1e-9),
        wall_s: started.elapsed().as_secs_f64(),
        interrupted,
    }
}
