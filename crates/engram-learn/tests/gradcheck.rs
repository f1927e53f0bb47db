//! Every backward pass against central finite differences, in f64.
//!
//! Spikes are replaced by the antiderivative of the surrogate (`CellSpec::smooth`), so
//! the surrogate gradient computed by the backward pass is the exact gradient of the
//! forward pass, and finite differences must agree with it to rounding: relative error
//! below 1e-3 (the bound) for every entry of every parameter and of the input.

use engram_learn::cell;
use engram_learn::{
    Adaptation, CellSpec, Layer, LayerSpec, Loss, Network, Projection, RateRegularisation, Reset, Surrogate,
};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

const STEPS: usize = 7;
const BATCH: usize = 2;

fn spec(name: &str, n_in: usize, n_out: usize, cell: CellSpec, projection: Projection, recurrent: bool) -> LayerSpec {
    LayerSpec {
        name: name.into(),
        n_in,
        n_out,
        projection,
        recurrent,
        cell,
        per_neuron_tau: true,
        train_tau: true,
        connectivity: 1.0,
        recurrent_connectivity: 1.0,
    }
}

fn cell(surrogate: &str, reset: Reset, detach_reset: bool, adaptation: Option<Adaptation>) -> CellSpec {
    CellSpec {
        spiking: true,
        reset,
        detach_reset,
        surrogate: Surrogate::by_name(surrogate, 1.5).unwrap(),
        adaptation,
        smooth: true,
    }
}

fn readout() -> CellSpec {
    CellSpec { spiking: false, ..cell("fast_sigmoid", Reset::Zero, false, None) }
}

/// Checks ∂L/∂θ for every parameter θ of `net` (and ∂L/∂x through a dummy first
/// layer's input) against central differences of the loss.
fn check(mut net: Network<f64>, sigma: f64) {
    let mut rng = Pcg64::seed_from_u64(7);
    let n_in = net.n_in();
    let x: Vec<f64> = (0..STEPS * BATCH * n_in).map(|_| rng.random_range(0.0..1.0)).collect();
    let labels: Vec<usize> = (0..BATCH).map(|b| b % net.classes()).collect();
    // Distinct time constants per neuron, so that per-neuron gradients differ.
    for layer in &mut net.layers {
        for (j, a) in layer.alpha.value.iter_mut().enumerate() {
            *a -= 0.03 * j as f64;
        }
        for (j, b) in layer.beta.value.iter_mut().enumerate() {
            *b -= 0.02 * j as f64;
        }
    }
    let loss_of = |n: &Network<f64>| n.gradients(x.clone(), &labels, sigma, 0.5).loss;
    let analytic = net.gradients(x.clone(), &labels, sigma, 0.5).grads;
    let h = 1e-6;
    let n_params = analytic.len();
    let mut checked = 0;
    for (p, grads) in analytic.iter().enumerate() {
        for (k, &an) in grads.iter().enumerate() {
            let orig = net.params()[p].value[k];
            net.params_mut()[p].value[k] = orig + h;
            let up = loss_of(&net);
            net.params_mut()[p].value[k] = orig - h;
            let down = loss_of(&net);
            net.params_mut()[p].value[k] = orig;
            let fd = (up - down) / (2.0 * h);
            let name = net.params()[p].name;
            assert!(
                (fd - an).abs() <= 1e-3 * fd.abs().max(an.abs()) + 1e-9,
                "{name}[{k}]: finite difference {fd:e}, backward {an:e}"
            );
            checked += usize::from(fd.abs() > 1e-6);
        }
    }
    // A check where every gradient is zero would pass trivially.
    assert!(checked > n_params, "only {checked} gradients were non-zero");
}

fn two_layer(hidden: LayerSpec, loss: Loss) -> Network<f64> {
    let mut rng = Pcg64::seed_from_u64(3);
    let n_hidden = hidden.n_out;
    let out_cell = if loss.needs_spikes() { cell("arctan", Reset::Zero, false, None) } else { readout() };
    let out = spec("out", n_hidden, 3, out_cell, Projection::Dense, false);
    Network {
        layers: vec![Layer::new(hidden, 0.8, 0.9, 3.0, &mut rng), Layer::new(out, 0.7, 0.92, 3.0, &mut rng)],
        loss,
        steps: STEPS,
        dt: 1e-3,
        rate_reg: Some(RateRegularisation { strength: 0.3, target: 0.1 }),
    }
}

#[test]
fn lif_reset_to_zero_with_each_surrogate() {
    for s in Surrogate::NAMES {
        let hidden = spec("h", 3, 4, cell(s, Reset::Zero, false, None), Projection::Dense, false);
        check(two_layer(hidden, Loss::MeanMembrane), 0.0);
    }
}

#[test]
fn lif_reset_by_subtraction() {
    let hidden = spec("h", 3, 4, cell("fast_sigmoid", Reset::Subtract, false, None), Projection::Dense, false);
    check(two_layer(hidden, Loss::MaxMembrane), 0.0);
}

#[test]
fn recurrent_lif() {
    let hidden = spec("h", 3, 4, cell("triangle", Reset::Zero, false, None), Projection::Dense, true);
    check(two_layer(hidden, Loss::MeanMembrane), 0.0);
}

#[test]
fn recurrent_alif_with_both_resets() {
    let adaptation = Some(Adaptation { rho: 0.9, strength: 1.8 });
    for reset in [Reset::Zero, Reset::Subtract] {
        let hidden = spec("h", 3, 4, cell("arctan", reset, false, adaptation), Projection::Dense, true);
        check(two_layer(hidden, Loss::MaxMembrane), 0.0);
    }
}

#[test]
fn spike_count_and_rate_losses() {
    for loss in [Loss::SpikeCount, Loss::Rate { correct: 0.8, incorrect: 0.2 }] {
        let hidden = spec("h", 3, 4, cell("fast_sigmoid", Reset::Zero, false, None), Projection::Dense, false);
        check(two_layer(hidden, loss), 0.0);
    }
}

#[test]
fn learnable_delays_weights_and_positions() {
    let hidden = spec("h", 3, 4, cell("fast_sigmoid", Reset::Zero, false, None), Projection::Delays { taps: 4 }, false);
    check(two_layer(hidden, Loss::MeanMembrane), 1.3);
}

/// A detached reset computes the gradient of the forward pass in which the reset is
/// driven by fixed spikes: those of the run itself, frozen.
#[test]
fn detached_reset_is_the_gradient_with_frozen_reset_spikes() {
    let (n, steps, batch) = (3, 9, 2);
    let mut rng = Pcg64::seed_from_u64(11);
    for reset in [Reset::Zero, Reset::Subtract] {
        let spec = cell("fast_sigmoid", reset, true, Some(Adaptation { rho: 0.8, strength: 0.7 }));
        let mut u: Vec<f64> = (0..steps * batch * n).map(|_| rng.random_range(0.0..1.5)).collect();
        let w_rec: Vec<f64> = (0..n * n).map(|_| rng.random_range(-0.5..0.5)).collect();
        let mut alpha = vec![0.8, 0.75, 0.7];
        let mut beta = vec![0.9, 0.88, 0.86];
        let weights: Vec<f64> = (0..steps * batch * n).map(|_| rng.random_range(-1.0..1.0)).collect();
        let frozen = cell::forward(&spec, &u, Some(&w_rec), &alpha, &beta, steps, batch, n).s;
        let loss = |u: &[f64], alpha: &[f64], beta: &[f64]| -> f64 {
            let c = cell::forward_with_reset(&spec, u, Some(&w_rec), alpha, beta, steps, batch, n, Some(&frozen));
            c.s.iter().zip(&weights).map(|(s, w)| s * w).sum()
        };
        let cache = cell::forward(&spec, &u, Some(&w_rec), &alpha, &beta, steps, batch, n);
        let g = cell::backward(&spec, &cache, &weights, Some(&w_rec), &alpha, &beta, steps, batch, n);
        let h = 1e-6;
        let close = |fd: f64, an: f64, what: String| {
            assert!(
                (fd - an).abs() <= 1e-3 * fd.abs().max(an.abs()) + 1e-9,
                "{what}: finite difference {fd:e}, backward {an:e}"
            );
        };
        for k in 0..u.len() {
            let orig = u[k];
            u[k] = orig + h;
            let up = loss(&u, &alpha, &beta);
            u[k] = orig - h;
            let down = loss(&u, &alpha, &beta);
            u[k] = orig;
            close((up - down) / (2.0 * h), g.u[k], format!("{reset:?} u[{k}]"));
        }
        for j in 0..n {
            let orig = alpha[j];
            alpha[j] = orig + h;
            let up = loss(&u, &alpha, &beta);
            alpha[j] = orig - h;
            let down = loss(&u, &alpha, &beta);
            alpha[j] = orig;
            close((up - down) / (2.0 * h), g.alpha[j], format!("{reset:?} alpha[{j}]"));
            let orig = beta[j];
            beta[j] = orig + h;
            let up = loss(&u, &alpha, &beta);
            beta[j] = orig - h;
            let down = loss(&u, &alpha, &beta);
            beta[j] = orig;
            close((up - down) / (2.0 * h), g.beta[j], format!("{reset:?} beta[{j}]"));
        }
    }
}
